"""What every page's navigation shows: the unread notifications and conversations badges."""

from django.db.models import Count, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, cached_property

from conversations.selectors import unread_conversations
from notifications.selectors import unread_notifications
from users.models import CustomUser


def _count(qs: QuerySet) -> Coalesce:
    """COUNT(*) of qs as a scalar subquery (0 when empty)."""
    counted = qs.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class Badges:
    """Both unread counts, read together in one query the first time a template asks."""

    def __init__(self, user: CustomUser) -> None:
        self.user = user

    @cached_property
    def counts(self) -> tuple[int, int]:
        row = (
            CustomUser.objects.filter(pk=self.user.pk)
            .annotate(
                unread_notification_count=_count(unread_notifications(self.user)),
                unread_message_count=_count(unread_conversations(self.user)),
            )
            .values_list("unread_notification_count", "unread_message_count")
            .first()
        )
        return row or (0, 0)


def nav_badges(request: HttpRequest) -> dict:
    """Give the nav its unread badges, counted only if a template asks (one query for both)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    badges = Badges(user)
    return {
        "unread_notifications": SimpleLazyObject(lambda: badges.counts[0]),
        "unread_messages": SimpleLazyObject(lambda: badges.counts[1]),
    }
