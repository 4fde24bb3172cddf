"""Mastodon's pagination: max_id, since_id and min_id cursors, a limit with a default and a
maximum, and a Link header with absolute `next` and `prev` addresses (left out on an empty
page). Lists ordered by something other than the item's id (favourites, bookmarks, follows)
page by their own row ids (`key`), as Mastodon does.
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Schema
from pydantic import Field, field_validator

from core.pagination import Page, paginate

LIMITS = {"statuses": (20, 40), "accounts": (40, 80), "notifications": (40, 80)}

ID_MAX = 10**18


def _cursor(value: Any) -> int | None:
    """Return the id a cursor names; anything else (empty, not a number) is no cursor."""
    if value is None:
        return None
    text = str(value).strip()
    if not text.isdigit() or not text.isascii():
        return None
    # Longer than any stored id: a bound beyond every row (never int() of a huge string).
    return ID_MAX if len(text) > 18 else int(text)


class Cursors(Schema):
    """The query parameters of every list route."""

    max_id: str | None = Field(None, description="Items older than this id")
    since_id: str | None = Field(None, description="Items newer than this id (the newest)")
    min_id: str | None = Field(None, description="Items just newer than this id (the oldest)")
    limit: int | None = Field(None, description="How many items (the route has a maximum)")

    @field_validator("limit", mode="before")
    @classmethod
    def _limit(cls, value: Any) -> Any:
        # Mastodon treats a limit it cannot read as the default.
        if value in (None, ""):
            return None
        try:
            return int(str(value).strip())
        except ValueError:
            return None


def size_of(cursors: Cursors, kind: str) -> int:
    """Return the page size asked for, between 1 and the route's maximum."""
    default, maximum = LIMITS[kind]
    if cursors.limit is None or cursors.limit <= 0:
        return default
    return min(cursors.limit, maximum)


def page(qs: QuerySet[Any], cursors: Cursors, *, kind: str, key: str = "id") -> Page:
    """Return the page of qs the cursors ask for, newest first by key."""
    return paginate(
        qs,
        max_id=_cursor(cursors.max_id),
        since_id=_cursor(cursors.since_id),
        min_id=_cursor(cursors.min_id),
        size=size_of(cursors, kind),
        key=key,
    )


def link_header(
    request: HttpRequest,
    response: HttpResponse,
    result: Page,
    *,
    cursor: Callable[[Any], int] | None = None,
) -> None:
    """Set the Link header of a page: next (older, max_id) and prev (newer, min_id).

    cursor: the id to page by for an item when it is not the key the page was cut by
    (the default reads result's own cursors).
    """
    if not result.items:
        return
    older = result.next_max_id
    newer = result.prev_min_id
    if cursor is not None:
        older = cursor(result.items[-1]) if result.next_max_id is not None else None
        newer = cursor(result.items[0])
    # Every value of a repeated parameter (types[]=a&types[]=b) is kept.
    params = [
        (k, v)
        for k, values in request.GET.lists()
        if k not in ("max_id", "since_id", "min_id")
        for v in values
    ]
    base = request.build_absolute_uri(request.path)
    links = []
    if older is not None:
        links.append(f'<{base}?{urlencode([*params, ("max_id", older)])}>; rel="next"')
    if newer is not None:
        links.append(f'<{base}?{urlencode([*params, ("min_id", newer)])}>; rel="prev"')
    if links:
        response["Link"] = ", ".join(links)


def offset_page(items: list[Any], offset: int, limit: int) -> list[Any]:
    """Return a slice for the few routes Mastodon pages by offset (search, suggestions)."""
    return items[offset : offset + limit]
