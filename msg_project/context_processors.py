"""What every page's navigation shows: the unread badges and which item is the current page."""

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


# Which navigation item a page belongs to, by its URL name. A page that is the item's own target
# is marked aria-current="page"; a page below it (a tag under Explore, one conversation under
# Messages) is marked aria-current="true", so the item still shows where the reader is.
NAV_PAGES = {
    "home": "home",
    "explore": "explore",
    "search": "search",
    "notifications": "notifications",
    "conversations": "messages",
    "bookmarks": "bookmarks",
    "lists": "lists",
    "settings_profile": "settings",
}
NAV_SECTIONS = {
    "post_create": "home",
    "tag": "explore",
    "conversation": "messages",
    "conversation_new": "messages",
    "list_detail": "lists",
    "list_edit": "lists",
    "list_delete": "lists",
    "account_change_password": "settings",
    "account_set_password": "settings",
    "account_email": "settings",
}
OWN_PROFILE_PAGES = {"profile", "followers", "following", "profile_lists"}


def nav_current(request: HttpRequest) -> dict:
    """Tell the navigation which item is the current page (from the URL name; no query)."""
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else None
    if not name:
        return {"nav_current": {}}
    if name in NAV_PAGES:
        return {"nav_current": {NAV_PAGES[name]: "page"}}
    if name in NAV_SECTIONS or name.startswith("settings_"):
        return {"nav_current": {NAV_SECTIONS.get(name, "settings"): "true"}}
    user = getattr(request, "user", None)
    if name in OWN_PROFILE_PAGES and user is not None and user.is_authenticated:
        username = str(match.kwargs.get("username", "")) if match else ""
        if username.lower() == user.username.lower():
            return {"nav_current": {"profile": "page" if name == "profile" else "true"}}
    return {"nav_current": {}}
