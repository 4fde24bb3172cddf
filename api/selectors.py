"""Reads the API adds to the apps' selectors: the counts of an Account entity, and the
extra rows a Status entity shows (mentions, tags, quoted posts). Everything else comes from
the same selectors as the web pages."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, OuterRef, Prefetch, QuerySet, Subquery

from api.models import Marker
from core.queries import subquery_count
from posts.models import Post, Tag, Visibility
from posts.selectors import cards
from social.models import Follow
from users.models import CustomUser


@dataclass(frozen=True)
class AccountStats:
    followers_count: int
    following_count: int
    statuses_count: int
    last_status_at: datetime | None


NO_STATS = AccountStats(0, 0, 0, None)


def account_stats(ids: Iterable[int]) -> dict[int, AccountStats]:
    """Return the counts of each account in ids, in one query however many there are.

    As on the profile page, deactivated accounts are not counted; direct messages are not
    counted as statuses (as Mastodon does).
    """
    wanted = set(ids)
    if not wanted:
        return {}
    shown = Post.objects.filter(author=OuterRef("pk")).exclude(visibility=Visibility.DIRECT)
    rows = (
        CustomUser.objects.filter(pk__in=wanted)
        .annotate(
            followers_n=subquery_count(
                Follow.objects.filter(followee=OuterRef("pk"), follower__is_active=True),
                "followee",
            ),
            following_n=subquery_count(
                Follow.objects.filter(follower=OuterRef("pk"), followee__is_active=True),
                "follower",
            ),
            statuses_n=subquery_count(shown, "author"),
            last_status=Subquery(
                shown.order_by()
                .values("author")
                .annotate(last=Max("created_at"))
                .values("last")[:1]
            ),
        )
        .values_list("pk", "followers_n", "following_n", "statuses_n", "last_status")
    )
    return {pk: AccountStats(a, b, c, d) for pk, a, b, c, d in rows}


def _ordered_tags() -> QuerySet[Tag]:
    return Tag.objects.order_by("name")


def _ordered_mentions() -> QuerySet[CustomUser]:
    return CustomUser.objects.order_by("username").only("pk", "username")


def status_rows(
    qs: QuerySet[Post], viewer: CustomUser | None, *, filter_context: str | None = None
) -> QuerySet[Post]:
    """Return qs with everything a Status entity shows: the web card's fields (posts.cards)
    plus each post's tags and mentions (one query each, only when the page has posts)."""
    extra = [
        Prefetch(f"{prefix}{field}", queryset=query())
        for prefix in ("", "repost_of__")
        for field, query in (("tags", _ordered_tags), ("mentions", _ordered_mentions))
    ]
    return cards(qs, viewer, filter_context=filter_context).prefetch_related(*extra)


def markers(user: CustomUser, timelines: Iterable[str]) -> QuerySet[Marker]:
    """Return user's reading positions for the timelines named."""
    return Marker.objects.filter(user=user, timeline__in=list(timelines))
