"""Timelines: home, public, a hashtag's, a list's, direct messages, favourites and bookmarks.

Each is the web's own queryset (timelines.selectors, lists.selectors, conversations.selectors)
with what a Status entity shows on top (api.selectors.status_rows), paged by Mastodon's
cursors. Favourites and bookmarks are ordered by when they were made, so they page by the
like's or bookmark's own id, as Mastodon does. With MSG_PUBLIC_PAGES on, the public and tag
timelines answer visitors too (public posts only).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from pydantic import Field, field_validator

from api import schemas
from api.auth import Scoped, user_of, viewer_of
from api.entities import Entities
from api.pagination import Cursors, link_header, page
from api.selectors import status_rows
from conversations.selectors import direct_messages
from lists.selectors import list_get, list_timeline
from posts.models import Post
from posts.selectors import tag_get
from timelines import selectors
from users.models import CustomUser

router = Router(tags=["timelines"])

Statuses: dict[int, Any] = {
    200: list[schemas.Status],
    401: schemas.Error,
    403: schemas.Error,
    422: schemas.Error,
}


FALSE = ("", "0", "f", "false", "off", "n", "no")


class Where(Schema):
    """Which posts a public or tag timeline lists (msg has local posts only)."""

    local: bool = Field(False, description="Only this server's posts (all of msg's are)")
    remote: bool = Field(False, description="Only other servers' posts (msg has none)")
    only_media: bool = Field(False, description="Only posts with images")

    @field_validator("local", "remote", "only_media", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        # As Rails reads a flag for Mastodon: anything but a false word is true.
        return str(value).strip().lower() not in FALSE


class TagQuery(Where):
    # Accepted as Mastodon's, not applied: the timeline is the one tag in the address.
    any: list[str] = Field([], description="Accepted, not applied")
    all: list[str] = Field([], description="Accepted, not applied")
    none: list[str] = Field([], description="Accepted, not applied")


def _answer(
    request: HttpRequest,
    response: HttpResponse,
    qs: QuerySet[Post],
    viewer: CustomUser | None,
    cursors: Cursors,
    *,
    key: str = "id",
    filter_context: str | None = None,
) -> list[dict]:
    """Return one page of qs as Status entities, and set its Link header."""
    result = page(
        status_rows(qs, viewer, filter_context=filter_context), cursors, kind="statuses", key=key
    )
    link_header(request, response, result)
    return Entities(request, viewer).statuses(result.items)


def _narrowed(qs: QuerySet[Post], where: Where) -> QuerySet[Post]:
    if where.remote:
        return qs.none()
    if where.only_media:
        return selectors.with_media(qs)
    return qs


@router.get("/v1/timelines/home", auth=Scoped("read:statuses"), response=Statuses, summary="Home")
def home(request: HttpRequest, response: HttpResponse, cursors: Query[Cursors]) -> list[dict]:
    """Return the home timeline: your posts and those of the accounts you follow."""
    viewer = user_of(request)
    return _answer(request, response, selectors.home(viewer), viewer, cursors)


@router.get(
    "/v1/timelines/public",
    auth=Scoped("read:statuses", public=True),
    response=Statuses,
    summary="Public",
)
def public(
    request: HttpRequest, response: HttpResponse, cursors: Query[Cursors], where: Query[Where]
) -> list[dict]:
    """Return every public top-level post on the server (explore), newest first."""
    viewer = viewer_of(request)
    qs = selectors.explore(viewer) if viewer else selectors.public_explore()
    return _answer(request, response, _narrowed(qs, where), viewer, cursors)


@router.get(
    "/v1/timelines/tag/{hashtag}",
    auth=Scoped("read:statuses", public=True),
    response=Statuses,
    summary="Hashtag",
)
def tag(
    request: HttpRequest,
    response: HttpResponse,
    hashtag: str,
    cursors: Query[Cursors],
    where: Query[TagQuery],
) -> list[dict]:
    """Return the public posts carrying a hashtag (an unknown tag: none)."""
    viewer = viewer_of(request)
    found = tag_get(hashtag)
    if found.pk is None:
        return []
    qs = selectors.tag(viewer, found) if viewer else selectors.public_tag(found)
    return _answer(request, response, _narrowed(qs, where), viewer, cursors)


@router.get(
    "/v1/timelines/list/{list_id}",
    auth=Scoped("read:lists"),
    response={**Statuses, 404: schemas.Error},
    summary="List",
)
def list_(
    request: HttpRequest, response: HttpResponse, list_id: str, cursors: Query[Cursors]
) -> list[dict]:
    """Return the timeline of one of your lists (someone else's: 404)."""
    viewer = user_of(request)
    found = get_object_or_404(list_get(viewer, _id(list_id)))
    return _answer(request, response, list_timeline(viewer, found), viewer, cursors)


@router.get(
    "/v1/timelines/direct",
    auth=Scoped("read:statuses"),
    response=Statuses,
    summary="Direct messages (deprecated)",
)
def direct(request: HttpRequest, response: HttpResponse, cursors: Query[Cursors]) -> list[dict]:
    """Return the direct messages you sent or received, newest first."""
    viewer = user_of(request)
    return _answer(request, response, direct_messages(viewer), viewer, cursors)


@router.get(
    "/v1/favourites", auth=Scoped("read:favourites"), response=Statuses, summary="Favourites"
)
def favourites(request: HttpRequest, response: HttpResponse, cursors: Query[Cursors]) -> list[dict]:
    """Return the posts you liked, newest like first (paged by the like's id)."""
    viewer = user_of(request)
    return _answer(request, response, selectors.favourites(viewer), viewer, cursors, key="like_id")


@router.get("/v1/bookmarks", auth=Scoped("read:bookmarks"), response=Statuses, summary="Bookmarks")
def bookmarks(request: HttpRequest, response: HttpResponse, cursors: Query[Cursors]) -> list[dict]:
    """Return the posts you bookmarked, newest bookmark first (paged by the bookmark's id)."""
    viewer = user_of(request)
    return _answer(
        request, response, selectors.bookmarks(viewer), viewer, cursors, key="bookmark_id"
    )


def _id(value: str) -> int:
    """Return an id from the address; anything that is not one matches nothing (404)."""
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0
