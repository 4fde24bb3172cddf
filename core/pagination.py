"""Cursor pagination for every list: newest first with Mastodon's max_id, since_id and min_id,
or oldest first after an id (comments under a post). Never OFFSET: a page costs the same
wherever it is in the list."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet


@dataclass(frozen=True)
class Page:
    """One page of a newest-first list, with the cursors of its neighbours.

    next_max_id fetches the older page (None when this is the oldest); prev_min_id fetches
    what is newer than this page (None when the page is empty).
    """

    items: list[Any]
    next_max_id: int | None
    prev_min_id: int | None = None


def paginate(
    qs: QuerySet[Any],
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    size: int | None = None,
    key: str = "id",
) -> Page:
    """Return one page of qs, newest first by key.

    max_id: only items older than it. since_id: only items newer than it (the newest page of
    those). min_id: the page of items just newer than it (the oldest page of those), which is
    how a client catches up without a gap. They combine as Mastodon's API does.
    """
    size = size or settings.MSG_PAGE_SIZE
    if max_id is not None:
        qs = qs.filter(**{f"{key}__lt": max_id})
    if since_id is not None:
        qs = qs.filter(**{f"{key}__gt": since_id})
    if min_id is not None:
        qs = qs.filter(**{f"{key}__gt": min_id})
        items = list(qs.order_by(key)[:size])[::-1]
        has_older = bool(items)  # min_id itself, at least, is older
    else:
        items = list(qs.order_by(f"-{key}")[: size + 1])
        has_older = len(items) > size
        items = items[:size]
    return Page(
        items=items,
        next_max_id=getattr(items[-1], key) if has_older and items else None,
        prev_min_id=getattr(items[0], key) if items else None,
    )


@dataclass(frozen=True)
class ThreadPage:
    """One page of an oldest-first list (comments), with the cursor for the next one."""

    items: list[Any]
    next_after: int | None


def paginate_oldest_first(qs: QuerySet[Any], *, after: int | None, size: int) -> ThreadPage:
    """Return the page of qs just after the id `after`, oldest first."""
    if after is not None:
        qs = qs.filter(id__gt=after)
    items = list(qs.order_by("id")[: size + 1])
    has_more = len(items) > size
    items = items[:size]
    return ThreadPage(items=items, next_after=items[-1].pk if has_more else None)
