"""Query helpers shared by the selectors of every app."""

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def subquery_count(qs: QuerySet, group_by: str) -> Coalesce:
    """COUNT(*) of qs (correlated through an OuterRef) as an annotation; 0 when empty."""
    counted = qs.order_by().values(group_by).annotate(n=Count("*")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
