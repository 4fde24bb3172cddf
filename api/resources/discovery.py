"""Discovery and the startup endpoints: hashtags, trends, the profile directory, preferences,
and the empty answers clients expect where msg has no such thing.

Hashtags and trends are the web's own (posts.selectors.tag_get, timelines.selectors.trending);
a Tag entity's history counts public posts only, so a tag used only on posts the reader may not
see looks exactly like an unknown one, as on the web. msg cannot follow or feature hashtags,
schedule posts, send push notifications or show announcements: those routes answer an empty
list, a 404 for a record that cannot exist, or a 422 saying why a change is refused.
"""

from collections.abc import Sequence
from datetime import UTC, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field, field_validator

from api import schemas, selectors
from api.auth import Scoped, scopes_of, token_of, user_of, viewer_of
from api.entities import Entities
from posts.models import Tag
from posts.selectors import tag_get
from posts.text import parse
from timelines.selectors import trending
from users.models import CustomUser, QuotePolicy

router = Router(tags=["discovery"])

HISTORY_DAYS = 7
TRENDS_LIMITS = (10, 20)
DIRECTORY_LIMITS = (40, 80)
# Offset pages reach this far at most: each page asks for offset + limit rows.
MAX_OFFSET = 1000

NO_HASHTAG_FOLLOWS = "msg cannot follow hashtags: follow the people who use them instead"
NO_FEATURED_TAGS = "msg has no featured hashtags"
NO_PUSH = "msg does not send push notifications"
NO_DOMAINS = "msg has no accounts on other servers, so there is no domain to block"

Errors: dict[int, Any] = {401: schemas.Error, 403: schemas.Error, 422: schemas.Error}


class AnyScope(Scoped):
    """Any valid token of an account, whatever its scopes (Mastodon asks none for these
    reads); without a token, a visitor when MSG_PUBLIC_PAGES is on, else 401."""

    def __init__(self) -> None:
        super().__init__("read", public=True)

    def __call__(self, request: HttpRequest) -> Any:
        token = token_of(request)
        if token is not None and token.user_id is not None:
            # Scoped's own checks (a confirmed address, ...), asking a scope the token has.
            return Scoped(min(scopes_of(token), default=self.needed))(request)
        return super().__call__(request)


def _int(value: Any) -> int | None:
    """Return value as an int, or None for anything else (Mastodon then uses the default)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not text.isascii() or not text.lstrip("-").isdigit() or len(text) > 18:
        return None
    return int(text)


class OffsetPage(Schema):
    """The query parameters of the lists Mastodon pages by offset."""

    offset: int | None = Field(None, description="How many items to skip")
    limit: int | None = Field(None, description="How many items (the route has a maximum)")

    @field_validator("offset", "limit", mode="before")
    @classmethod
    def _lenient(cls, value: Any) -> Any:
        return _int(value)

    def window(self, limits: tuple[int, int]) -> tuple[int, int]:
        """Return (offset, limit) within the route's default and maximum; an offset past
        MAX_OFFSET gives an empty page."""
        default, maximum = limits
        limit = default if self.limit is None or self.limit <= 0 else min(self.limit, maximum)
        offset = max(self.offset or 0, 0)
        return offset, (limit if offset <= MAX_OFFSET else 0)


# Hashtags ---------------------------------------------------------------------------------


def valid_tag_name(name: str) -> bool:
    """Return whether name is a hashtag a post could carry (what "#name" would link)."""
    found = parse(f"#{name}").tags
    return len(found) == 1 and found[0] == name


def tag_entities(
    request: HttpRequest, viewer: CustomUser | None, tags: Sequence[Tag]
) -> list[dict[str, Any]]:
    """Return the Tag entities of tags, each with its use in public posts over the last 7
    days, today first (one query for all of them)."""
    today = timezone.now().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    days = [today - timedelta(days=n) for n in range(HISTORY_DAYS)]
    used = selectors.tag_usage(viewer, [t.pk for t in tags if t.pk], days[-1])
    entities = Entities(request, viewer)
    result = []
    for tag in tags:
        history = []
        for day in days:
            uses, accounts = used.get((tag.pk, day.date()), (0, 0))
            history.append(
                {"day": str(int(day.timestamp())), "uses": str(uses), "accounts": str(accounts)}
            )
        result.append(
            {
                # The name, not the row's id: a tag no one may see must look unknown.
                "id": tag.name,
                "name": tag.name,
                "url": entities.absolute(tag.get_absolute_url()),
                "history": history,
                "following": False if viewer is not None else None,
                "featuring": False if viewer is not None else None,
            }
        )
    return result


def _tag(name: str) -> Tag:
    """Return the tag a route's address names (an unknown one unsaved); 404 if no post
    could carry it."""
    if not valid_tag_name(name):
        raise HttpError(404, "Record not found")
    return tag_get(name)


TagAnswer = {200: schemas.Tag, 404: schemas.Error, **Errors}


@router.get("/v1/tags/{name}", auth=AnyScope(), response=TagAnswer, summary="Hashtag")
def tag_show(request: HttpRequest, name: str) -> dict[str, Any]:
    """Return a hashtag with its use over the last week (unknown ones too, unused)."""
    return tag_entities(request, viewer_of(request), [_tag(name)])[0]


@router.post(
    "/v1/tags/{name}/follow",
    auth=Scoped("write:follows"),
    response=TagAnswer,
    summary="Follow a hashtag (refused)",
)
def tag_follow(request: HttpRequest, name: str) -> dict[str, Any]:
    """Refuse (422): msg cannot follow hashtags."""
    _tag(name)
    raise HttpError(422, NO_HASHTAG_FOLLOWS)


@router.post(
    "/v1/tags/{name}/unfollow",
    auth=Scoped("write:follows"),
    response=TagAnswer,
    summary="Unfollow a hashtag",
)
def tag_unfollow(request: HttpRequest, name: str) -> dict[str, Any]:
    """Return the hashtag, not followed (nobody follows one on msg)."""
    return tag_entities(request, user_of(request), [_tag(name)])[0]


@router.post(
    "/v1/tags/{name}/feature",
    auth=Scoped("write:accounts"),
    response=TagAnswer,
    summary="Feature a hashtag (refused)",
)
def tag_feature(request: HttpRequest, name: str) -> dict[str, Any]:
    """Refuse (422): msg has no featured hashtags."""
    _tag(name)
    raise HttpError(422, NO_FEATURED_TAGS)


@router.post(
    "/v1/tags/{name}/unfeature",
    auth=Scoped("write:accounts"),
    response=TagAnswer,
    summary="Unfeature a hashtag",
)
def tag_unfeature(request: HttpRequest, name: str) -> dict[str, Any]:
    """Return the hashtag, not featured (nobody features one on msg)."""
    return tag_entities(request, user_of(request), [_tag(name)])[0]


@router.get(
    "/v1/followed_tags",
    auth=Scoped("read:follows"),
    response={200: list[schemas.Tag], **Errors},
    summary="Followed hashtags (none)",
)
def followed_tags(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the hashtags you follow: none, msg cannot follow hashtags."""
    return []


@router.get(
    "/v1/featured_tags",
    auth=Scoped("read:accounts"),
    response={200: list[schemas.FeaturedTag], **Errors},
    summary="Featured hashtags (none)",
)
def featured_tags(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the hashtags featured on your profile: none, msg has no featured hashtags."""
    return []


@router.post(
    "/v1/featured_tags",
    auth=Scoped("write:accounts"),
    response={200: schemas.FeaturedTag, **Errors},
    summary="Feature a hashtag (refused)",
)
def featured_tag_create(request: HttpRequest) -> dict[str, Any]:
    """Refuse (422): msg has no featured hashtags."""
    raise HttpError(422, NO_FEATURED_TAGS)


@router.get(
    "/v1/featured_tags/suggestions",
    auth=Scoped("read:accounts"),
    response={200: list[schemas.Tag], **Errors},
    summary="Hashtags to feature (none)",
)
def featured_tag_suggestions(request: HttpRequest) -> list[dict[str, Any]]:
    """Return hashtags to feature: none, msg has no featured hashtags."""
    return []


@router.delete(
    "/v1/featured_tags/{featured_tag_id}",
    auth=Scoped("write:accounts"),
    response={200: schemas.Empty, 404: schemas.Error, **Errors},
    summary="Unfeature a hashtag (none exists)",
)
def featured_tag_delete(request: HttpRequest, featured_tag_id: str) -> dict[str, Any]:
    """Answer 404: no featured hashtag exists."""
    raise HttpError(404, "Record not found")


# Trends -------------------------------------------------------------------------------------


def _trending_tags(request: HttpRequest, paging: OffsetPage) -> list[dict[str, Any]]:
    offset, limit = paging.window(TRENDS_LIMITS)
    if not limit:
        return []
    viewer = viewer_of(request)
    tags = list(trending(viewer, limit=offset + limit))[offset:]
    return tag_entities(request, viewer, tags)


@router.get(
    "/v1/trends/tags",
    auth=AnyScope(),
    response={200: list[schemas.Tag], **Errors},
    summary="Trending hashtags",
)
def trends_tags(request: HttpRequest, paging: Query[OffsetPage]) -> list[dict[str, Any]]:
    """Return the hashtags of the most public posts of the last 7 days, by how many people
    used them (the web's "Trending" column)."""
    return _trending_tags(request, paging)


@router.get(
    "/v1/trends",
    auth=AnyScope(),
    response={200: list[schemas.Tag], **Errors},
    summary="Trending hashtags (old address)",
)
def trends(request: HttpRequest, paging: Query[OffsetPage]) -> list[dict[str, Any]]:
    """Return the trending hashtags (the address before Mastodon 3.5)."""
    return _trending_tags(request, paging)


@router.get(
    "/v1/trends/statuses",
    auth=AnyScope(),
    response={200: list[schemas.Status], **Errors},
    summary="Trending posts (none)",
)
def trends_statuses(request: HttpRequest, paging: Query[OffsetPage]) -> list[dict[str, Any]]:
    """Return trending posts: none, msg ranks hashtags only."""
    return []


@router.get(
    "/v1/trends/links",
    auth=AnyScope(),
    response={200: list[schemas.TrendsLink], **Errors},
    summary="Trending links (none)",
)
def trends_links(request: HttpRequest, paging: Query[OffsetPage]) -> list[dict[str, Any]]:
    """Return trending links: none, msg ranks hashtags only."""
    return []


# The profile directory ----------------------------------------------------------------------


class DirectoryQuery(OffsetPage):
    order: str = Field("active", description="active (who posted last first) or new")
    local: bool | None = Field(None, description="Only this server's accounts (all of msg's)")

    @field_validator("local", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> Any:
        return value if str(value).lower() in ("1", "0", "true", "false") else None


@router.get(
    "/v1/directory",
    auth=AnyScope(),
    response={200: list[schemas.Account], **Errors},
    summary="Profile directory",
)
def directory(request: HttpRequest, query: Query[DirectoryQuery]) -> list[dict[str, Any]]:
    """Return the server's accounts, those who posted last first (order=active) or the
    newest first (order=new), without those blocked either way or muted."""
    offset, limit = query.window(DIRECTORY_LIMITS)
    if not limit:
        return []
    viewer = viewer_of(request)
    order = "new" if query.order == "new" else "active"
    people = list(selectors.directory(viewer, order=order, offset=offset, limit=limit))
    return Entities(request, viewer).accounts(people)


# Startup endpoints --------------------------------------------------------------------------

QUOTE_POLICY_OUT: dict[str, str] = {
    QuotePolicy.EVERYONE: "public",
    QuotePolicy.FOLLOWERS: "followers",
    QuotePolicy.NOBODY: "nobody",
}


@router.get(
    "/v1/preferences",
    auth=Scoped("read:accounts"),
    response={200: schemas.Preferences, **Errors},
    by_alias=True,
    summary="Preferences",
)
def preferences(request: HttpRequest) -> dict[str, Any]:
    """Return your defaults for new posts and for reading."""
    user = user_of(request)
    return {
        "posting:default:visibility": "public",
        "posting:default:sensitive": False,
        "posting:default:language": user.language or None,
        "posting:default:quote_policy": QUOTE_POLICY_OUT.get(user.quote_policy, "public"),
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
        "reading:autoplay:gifs": False,
    }


@router.get(
    "/v1/custom_emojis",
    auth=None,
    response=list[schemas.Emoji],
    summary="Custom emojis (none)",
)
def custom_emojis(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the server's custom emojis: none."""
    return []


@router.get(
    "/v1/announcements",
    auth=Scoped("read"),
    response={200: list[schemas.Announcement], **Errors},
    summary="Announcements (none)",
)
def announcements(request: HttpRequest) -> list[dict[str, Any]]:
    """Return the server's announcements: none."""
    return []


@router.post(
    "/v1/announcements/{announcement_id}/dismiss",
    auth=Scoped("write:accounts"),
    response={200: schemas.Empty, 404: schemas.Error, **Errors},
    summary="Dismiss an announcement (none exists)",
)
def announcement_dismiss(request: HttpRequest, announcement_id: str) -> dict[str, Any]:
    """Answer 404: no announcement exists."""
    raise HttpError(404, "Record not found")


@router.put(
    "/v1/announcements/{announcement_id}/reactions/{name}",
    auth=Scoped("write:favourites"),
    response={200: schemas.Empty, 404: schemas.Error, **Errors},
    summary="React to an announcement (none exists)",
)
def announcement_react(request: HttpRequest, announcement_id: str, name: str) -> dict[str, Any]:
    """Answer 404: no announcement exists."""
    raise HttpError(404, "Record not found")


@router.delete(
    "/v1/announcements/{announcement_id}/reactions/{name}",
    auth=Scoped("write:favourites"),
    response={200: schemas.Empty, 404: schemas.Error, **Errors},
    summary="Take back a reaction to an announcement (none exists)",
)
def announcement_unreact(request: HttpRequest, announcement_id: str, name: str) -> dict[str, Any]:
    """Answer 404: no announcement exists."""
    raise HttpError(404, "Record not found")


@router.get(
    "/v1/domain_blocks",
    auth=Scoped("read:blocks"),
    response={200: list[str], **Errors},
    summary="Blocked domains (none)",
)
def domain_blocks(request: HttpRequest) -> list[str]:
    """Return the domains you block: none, msg has no other servers."""
    return []


@router.post(
    "/v1/domain_blocks",
    auth=Scoped("write:blocks"),
    response={200: schemas.Empty, **Errors},
    summary="Block a domain (refused)",
)
def domain_block_create(request: HttpRequest) -> dict[str, Any]:
    """Refuse (422): msg has no accounts on other servers."""
    raise HttpError(422, NO_DOMAINS)


@router.delete(
    "/v1/domain_blocks",
    auth=Scoped("write:blocks"),
    response={200: schemas.Empty, **Errors},
    summary="Unblock a domain (none is blocked)",
)
def domain_block_delete(request: HttpRequest) -> dict[str, Any]:
    """Return {}: no domain is blocked."""
    return {}


@router.get(
    "/v1/scheduled_statuses",
    auth=Scoped("read:statuses"),
    response={200: list[schemas.ScheduledStatus], **Errors},
    summary="Scheduled posts (none)",
)
def scheduled_statuses(request: HttpRequest) -> list[dict[str, Any]]:
    """Return your scheduled posts: none, msg publishes at once."""
    return []


ScheduledAnswer = {200: schemas.ScheduledStatus, 404: schemas.Error, **Errors}


@router.get(
    "/v1/scheduled_statuses/{scheduled_status_id}",
    auth=Scoped("read:statuses"),
    response=ScheduledAnswer,
    summary="A scheduled post (none exists)",
)
def scheduled_status(request: HttpRequest, scheduled_status_id: str) -> dict[str, Any]:
    """Answer 404: no scheduled post exists."""
    raise HttpError(404, "Record not found")


@router.put(
    "/v1/scheduled_statuses/{scheduled_status_id}",
    auth=Scoped("write:statuses"),
    response=ScheduledAnswer,
    summary="Reschedule a post (none exists)",
)
def scheduled_status_update(request: HttpRequest, scheduled_status_id: str) -> dict[str, Any]:
    """Answer 404: no scheduled post exists."""
    raise HttpError(404, "Record not found")


@router.delete(
    "/v1/scheduled_statuses/{scheduled_status_id}",
    auth=Scoped("write:statuses"),
    response={200: schemas.Empty, 404: schemas.Error, **Errors},
    summary="Cancel a scheduled post (none exists)",
)
def scheduled_status_delete(request: HttpRequest, scheduled_status_id: str) -> dict[str, Any]:
    """Answer 404: no scheduled post exists."""
    raise HttpError(404, "Record not found")


PushAnswer = {200: schemas.Empty, 404: schemas.Error, **Errors}


@router.get(
    "/v1/push/subscription",
    auth=Scoped("push"),
    response=PushAnswer,
    summary="Push subscription (none)",
)
def push_subscription(request: HttpRequest) -> dict[str, Any]:
    """Answer 404, as Mastodon does without a subscription: msg sends no push notifications."""
    raise HttpError(404, "Record not found")


@router.post(
    "/v1/push/subscription",
    auth=Scoped("push"),
    response=PushAnswer,
    summary="Subscribe to push notifications (refused)",
)
def push_subscribe(request: HttpRequest) -> dict[str, Any]:
    """Refuse (422): msg sends no push notifications."""
    raise HttpError(422, NO_PUSH)


@router.put(
    "/v1/push/subscription",
    auth=Scoped("push"),
    response=PushAnswer,
    summary="Change the push subscription (none)",
)
def push_subscription_update(request: HttpRequest) -> dict[str, Any]:
    """Answer 404: there is no subscription to change."""
    raise HttpError(404, "Record not found")


@router.delete(
    "/v1/push/subscription",
    auth=Scoped("push"),
    response=PushAnswer,
    summary="Unsubscribe from push notifications",
)
def push_unsubscribe(request: HttpRequest) -> dict[str, Any]:
    """Return {}: there is no subscription (as Mastodon answers without one)."""
    return {}
