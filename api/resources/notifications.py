"""Notifications: the list (v1, and v2's grouped shape with one notification per group), one,
dismiss, clear, the unread count, and the filtering policy and requests (msg filters none).

The rows are the web's (notifications.selectors.for_user: nothing from blocked, muted or
deactivated accounts, nothing about a post the reader may no longer see). msg's kinds map to
Mastodon's types: a comment is a mention (a reply is one in Mastodon), a like a favourite, a
repost a reblog. Reading the list marks nothing read: clients save the notifications marker
(api.resources.markers), as on Mastodon.
"""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Form, Query, Router, Schema
from pydantic import Field, field_validator

from api import schemas
from api.auth import Scoped, user_of
from api.entities import Entities, iso
from api.pagination import Cursors, link_header, page
from api.selectors import status_rows
from notifications.models import Kind, Notification
from notifications.selectors import for_user, unread_notifications
from notifications.services import notification_dismiss, notifications_clear
from posts.models import Post
from social.models import FilterContext
from users.models import CustomUser

router = Router(tags=["notifications"])

TYPE_OUT: dict[str, str] = {
    Kind.FOLLOW: "follow",
    Kind.MENTION: "mention",
    Kind.COMMENT: "mention",
    Kind.LIKE: "favourite",
    Kind.REPOST: "reblog",
    Kind.QUOTE: "quote",
    Kind.POLL: "poll",
}
# Mastodon's types, each with the kinds msg stores for it (none for the types msg has no
# such thing for: they are accepted in filters and match nothing).
TYPES_IN: dict[str, set[str]] = {
    "mention": {Kind.MENTION, Kind.COMMENT},
    "status": set(),
    "reblog": {Kind.REPOST},
    "follow": {Kind.FOLLOW},
    "follow_request": set(),
    "favourite": {Kind.LIKE},
    "poll": {Kind.POLL},
    "update": set(),
    "quote": {Kind.QUOTE},
    "quoted_update": set(),
    "admin.sign_up": set(),
    "admin.report": set(),
    "severed_relationships": set(),
    "moderation_warning": set(),
    "annual_report": set(),
}

COUNT_LIMITS = (100, 1000)  # unread_count: Mastodon's default and maximum

Errors: dict[int, Any] = {401: schemas.Error, 403: schemas.Error}


class Types(Schema):
    """Which notifications a list or a count holds."""

    types: list[str] = Field([], description="Only these types")
    exclude_types: list[str] = Field([], description="Not these types")
    account_id: str | None = Field(None, description="Only those from this account")


class CountQuery(Types):
    limit: int | None = Field(None, description="Count at most this many (100; at most 1000)")

    @field_validator("limit", mode="before")
    @classmethod
    def _limit(cls, value: Any) -> Any:
        text = str(value or "").strip()
        return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _kinds(types: Sequence[str], exclude_types: Sequence[str]) -> set[str] | None:
    """Return the kinds Mastodon's types and exclude_types ask for (None: every kind)."""
    if not types and not exclude_types:
        return None
    wanted = set(Kind.values)
    if types:
        wanted = set().union(*(TYPES_IN.get(t, set()) for t in types))
    for t in exclude_types:
        wanted -= TYPES_IN.get(t, set())
    return wanted


def _id(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def _filtered(qs: QuerySet[Notification], query: Types) -> QuerySet[Notification]:
    kinds = _kinds(query.types, query.exclude_types)
    if kinds is not None:
        qs = qs.filter(kind__in=sorted(kinds))
    if query.account_id is not None:
        actor = _id(query.account_id)
        qs = qs.filter(actor_id=actor) if actor is not None else qs.none()
    return qs


class Built:
    """The entities of a page of notifications: accounts and statuses in a fixed number of
    queries (the posts' card rows, the counts of every account on the page)."""

    def __init__(self, request: HttpRequest, user: CustomUser, items: Sequence[Notification]):
        self.entities = Entities(request, user)
        ids = {n.post_id for n in items if n.post_id is not None}
        rows = (
            list(
                status_rows(
                    Post.objects.filter(pk__in=ids),
                    user,
                    filter_context=FilterContext.NOTIFICATIONS,
                )
            )
            if ids
            else []
        )
        people: list[CustomUser | None] = [n.actor for n in items]
        for row in rows:
            people.append(row.author)
            if row.repost_of_id:
                people.append(row.repost_of.author)  # type: ignore[union-attr]
        self.entities.load_accounts(people)
        self.statuses = dict(zip([r.pk for r in rows], self.entities.statuses(rows), strict=True))

    def group(self, item: Notification) -> dict[str, Any]:
        """Return item as a v2 notification group of its own."""
        return {
            "group_key": f"ungrouped-{item.pk}",
            "notifications_count": 1,
            "type": TYPE_OUT.get(item.kind, "mention"),
            "most_recent_notification_id": item.pk,
            "page_min_id": str(item.pk),
            "page_max_id": str(item.pk),
            "latest_page_notification_at": iso(item.created_at),
            "sample_account_ids": [str(item.actor_id)],
            "status_id": str(item.post_id) if item.post_id in self.statuses else None,
        }

    def notification(self, item: Notification) -> dict[str, Any]:
        return {
            "id": str(item.pk),
            "type": TYPE_OUT.get(item.kind, "mention"),
            "created_at": iso(item.created_at),
            "group_key": f"ungrouped-{item.pk}",
            "account": self.entities.account(item.actor),
            "status": self.statuses.get(item.post_id) if item.post_id else None,
        }


def _one(user: CustomUser, value: str) -> Notification:
    found = _id(value)
    return get_object_or_404(for_user(user), pk=found if found is not None else 0)


@router.get(
    "/v1/notifications",
    auth=Scoped("read:notifications"),
    response={200: list[schemas.Notification], **Errors},
    summary="Notifications",
)
def notification_list(
    request: HttpRequest,
    response: HttpResponse,
    cursors: Query[Cursors],
    query: Query[Types],
) -> list[dict]:
    """Return your notifications, newest first (types[], exclude_types[], account_id)."""
    user = user_of(request)
    result = page(_filtered(for_user(user), query), cursors, kind="notifications")
    link_header(request, response, result)
    built = Built(request, user, result.items)
    return [built.notification(n) for n in result.items]


@router.get(
    "/v1/notifications/unread_count",
    auth=Scoped("read:notifications"),
    response={200: schemas.UnreadCount, **Errors},
    summary="Unread notifications",
)
def unread_count(request: HttpRequest, query: Query[CountQuery]) -> dict:
    """Return how many notifications you have not read (at most limit: 100, up to 1000)."""
    user = user_of(request)
    default, maximum = COUNT_LIMITS
    limit = min(query.limit or default, maximum)
    unread = _filtered(unread_notifications(user), query)
    return {"count": unread.order_by()[:limit].count()}


@router.post(
    "/v1/notifications/clear",
    auth=Scoped("write:notifications"),
    response={200: schemas.Empty, **Errors},
    summary="Clear all notifications",
)
def clear(request: HttpRequest) -> dict:
    """Delete all your notifications."""
    notifications_clear(user=user_of(request))
    return {}


@router.get(
    "/v1/notifications/requests",
    auth=Scoped("read:notifications"),
    response={200: list[schemas.Empty], **Errors},
    summary="Filtered notification requests (none in msg)",
)
def requests(request: HttpRequest) -> list:
    """Return the notification requests: none, msg filters no notifications."""
    return []


@router.get(
    "/v1/notifications/requests/merged",
    auth=Scoped("read:notifications"),
    response={200: dict[str, bool], **Errors},
    summary="Whether accepted requests are merged (always)",
)
def requests_merged(request: HttpRequest) -> dict:
    return {"merged": True}


class RequestIds(Schema):
    id: list[str] = Field([], description="The requests' ids (msg has none)")


@router.post(
    "/v1/notifications/requests/accept",
    auth=Scoped("write:notifications"),
    response={200: schemas.Empty, **Errors},
    summary="Accept notification requests (none in msg)",
)
def requests_accept(request: HttpRequest, form: Form[RequestIds]) -> dict:
    return {}


@router.post(
    "/v1/notifications/requests/dismiss",
    auth=Scoped("write:notifications"),
    response={200: schemas.Empty, **Errors},
    summary="Dismiss notification requests (none in msg)",
)
def requests_dismiss(request: HttpRequest, form: Form[RequestIds]) -> dict:
    return {}


@router.get(
    "/v1/notifications/requests/{request_id}",
    auth=Scoped("read:notifications"),
    response={404: schemas.Error, **Errors},
    summary="One notification request (none in msg)",
)
def request_get(request: HttpRequest, request_id: str) -> dict:
    raise Http404


@router.post(
    "/v1/notifications/requests/{request_id}/{action}",
    auth=Scoped("write:notifications"),
    response={404: schemas.Error, **Errors},
    summary="Accept or dismiss a notification request (none in msg)",
)
def request_act(request: HttpRequest, request_id: str, action: str) -> dict:
    raise Http404


class DismissForm(Schema):
    id: str = Field("", description="The notification's id")


@router.post(
    "/v1/notifications/dismiss",
    auth=Scoped("write:notifications"),
    response={200: schemas.Empty, 404: schemas.Error, **Errors},
    summary="Dismiss a notification (deprecated: the id in the body)",
)
def dismiss_by_body(request: HttpRequest, form: Form[DismissForm]) -> dict:
    """Delete one of your notifications, named in the body (Mastodon before 3.1)."""
    user = user_of(request)
    notification_dismiss(user=user, notification=_one(user, form.id))
    return {}


# The filtering policy (Mastodon 4.3): msg filters no notifications, so it accepts them all.

POLICY_VALUES = ("accept", "filter", "drop")


class PolicyForm(Schema):
    for_not_following: str | None = None
    for_not_followers: str | None = None
    for_new_accounts: str | None = None
    for_private_mentions: str | None = None
    for_limited_accounts: str | None = None

    @field_validator("*")
    @classmethod
    def _value(cls, value: str | None) -> str | None:
        if value is not None and value not in POLICY_VALUES:
            raise ValueError(f"must be one of {', '.join(POLICY_VALUES)}")
        return value


class PolicyFormV1(Schema):
    filter_not_following: bool | None = None
    filter_not_followers: bool | None = None
    filter_new_accounts: bool | None = None
    filter_private_mentions: bool | None = None


SUMMARY = {"pending_requests_count": 0, "pending_notifications_count": 0}


def _policy() -> dict:
    return {
        "for_not_following": "accept",
        "for_not_followers": "accept",
        "for_new_accounts": "accept",
        "for_private_mentions": "accept",
        "for_limited_accounts": "accept",
        "summary": dict(SUMMARY),
    }


def _policy_v1() -> dict:
    return {
        "filter_not_following": False,
        "filter_not_followers": False,
        "filter_new_accounts": False,
        "filter_private_mentions": False,
        "summary": dict(SUMMARY),
    }


@router.get(
    "/v2/notifications/policy",
    auth=Scoped("read:notifications"),
    response={200: schemas.NotificationPolicy, **Errors},
    summary="Notification filtering policy",
)
def policy(request: HttpRequest) -> dict:
    """Return the filtering policy: msg accepts every notification."""
    return _policy()


@router.patch(
    "/v2/notifications/policy",
    auth=Scoped("write:notifications"),
    response={200: schemas.NotificationPolicy, 422: schemas.Error, **Errors},
    summary="Change the notification filtering policy (msg accepts all)",
)
def policy_update(request: HttpRequest, form: Form[PolicyForm]) -> dict:
    """Accept a policy change and return the policy that applies: msg filters nothing."""
    return _policy()


@router.get(
    "/v1/notifications/policy",
    auth=Scoped("read:notifications"),
    response={200: schemas.NotificationPolicyV1, **Errors},
    summary="Notification filtering policy (v1)",
)
def policy_v1(request: HttpRequest) -> dict:
    return _policy_v1()


@router.put(
    "/v1/notifications/policy",
    auth=Scoped("write:notifications"),
    response={200: schemas.NotificationPolicyV1, 422: schemas.Error, **Errors},
    summary="Change the notification filtering policy (v1; msg accepts all)",
)
def policy_v1_update(request: HttpRequest, form: Form[PolicyFormV1]) -> dict:
    return _policy_v1()


# One notification (after the fixed addresses above, which its pattern would match too).


@router.get(
    "/v1/notifications/{notification_id}",
    auth=Scoped("read:notifications"),
    response={200: schemas.Notification, 404: schemas.Error, **Errors},
    summary="One notification",
)
def notification_get(request: HttpRequest, notification_id: str) -> dict:
    """Return one of your notifications."""
    user = user_of(request)
    found = _one(user, notification_id)
    return Built(request, user, [found]).notification(found)


@router.post(
    "/v1/notifications/{notification_id}/dismiss",
    auth=Scoped("write:notifications"),
    response={200: schemas.Empty, 404: schemas.Error, **Errors},
    summary="Dismiss a notification",
)
def dismiss(request: HttpRequest, notification_id: str) -> dict:
    """Delete one of your notifications."""
    user = user_of(request)
    notification_dismiss(user=user, notification=_one(user, notification_id))
    return {}


# v2 (Mastodon 4.3): the same notifications, each in a group of its own ---------------------

EXPAND_ACCOUNTS = ("full", "partial_avatars")


class GroupedQuery(Types):
    grouped_types: list[str] = Field([], description="Accepted; msg groups nothing")
    expand_accounts: str = Field("full", description="full or partial_avatars")
    include_filtered: bool = Field(False, description="Accepted; msg filters nothing")

    @field_validator("expand_accounts")
    @classmethod
    def _expand(cls, value: str) -> str:
        if value not in EXPAND_ACCOUNTS:
            raise ValueError(f"must be one of {', '.join(EXPAND_ACCOUNTS)}")
        return value


def _grouped(built: Built, items: Sequence[Notification], *, partial: bool) -> dict[str, Any]:
    actors = list({n.actor_id: n.actor for n in items}.values())
    grouped: dict[str, Any] = {
        "accounts": [built.entities.account(a) for a in actors],
        "statuses": list(built.statuses.values()),
        "notification_groups": [built.group(n) for n in items],
    }
    if partial:
        grouped["partial_accounts"] = []
    return grouped


def _group(user: CustomUser, group_key: str) -> Notification:
    prefix, _, pk = group_key.partition("-")
    return _one(user, pk if prefix == "ungrouped" else "")


@router.get(
    "/v2/notifications",
    auth=Scoped("read:notifications"),
    response={200: schemas.GroupedNotifications, 422: schemas.Error, **Errors},
    summary="Notifications, grouped (one per group in msg)",
)
def grouped_list(
    request: HttpRequest,
    response: HttpResponse,
    cursors: Query[Cursors],
    query: Query[GroupedQuery],
) -> dict:
    """Return your notifications in Mastodon 4.3's grouped shape, each group holding one."""
    user = user_of(request)
    result = page(_filtered(for_user(user), query), cursors, kind="notifications")
    link_header(request, response, result)
    built = Built(request, user, result.items)
    return _grouped(built, result.items, partial=query.expand_accounts == "partial_avatars")


@router.get(
    "/v2/notifications/unread_count",
    auth=Scoped("read:notifications"),
    response={200: schemas.UnreadCount, **Errors},
    summary="Unread notification groups",
)
def grouped_unread_count(request: HttpRequest, query: Query[CountQuery]) -> dict:
    """Return how many notifications (groups of one) you have not read."""
    return unread_count(request, query)


@router.get(
    "/v2/notifications/{group_key}",
    auth=Scoped("read:notifications"),
    response={200: schemas.GroupedNotifications, 404: schemas.Error, **Errors},
    summary="One notification group",
)
def grouped_get(request: HttpRequest, group_key: str) -> dict:
    user = user_of(request)
    found = _group(user, group_key)
    return _grouped(Built(request, user, [found]), [found], partial=False)


@router.get(
    "/v2/notifications/{group_key}/accounts",
    auth=Scoped("read:notifications"),
    response={200: list[schemas.Account], 404: schemas.Error, **Errors},
    summary="The accounts of a notification group (its one)",
)
def grouped_accounts(request: HttpRequest, group_key: str) -> list[dict]:
    user = user_of(request)
    found = _group(user, group_key)
    return [Entities(request, user).account(found.actor)]


@router.post(
    "/v2/notifications/{group_key}/dismiss",
    auth=Scoped("write:notifications"),
    response={200: schemas.Empty, 404: schemas.Error, **Errors},
    summary="Dismiss a notification group",
)
def grouped_dismiss(request: HttpRequest, group_key: str) -> dict:
    user = user_of(request)
    notification_dismiss(user=user, notification=_group(user, group_key))
    return {}
