"""Request types for views, so mypy knows what the middleware has attached."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from users.models import CustomUser


class HtmxRequest(HttpRequest):
    """Any request, with django-htmx's details."""

    htmx: HtmxDetails


class MemberRequest(HtmxRequest):
    """A request from a logged-in user (LoginRequiredMiddleware guarantees it)."""

    user: CustomUser
