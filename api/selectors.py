"""Reads the API adds to the apps' selectors: the counts of an Account entity, and the
extra rows a Status entity shows (mentions, tags, quoted posts). Everything else comes from
the same selectors as the web pages."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_application_model

from api.models import Marker
from core.queries import subquery_count
from posts.models import Post, PostTag, Tag, Visibility
from posts.selectors import cards, listed_quote_count
from social.selectors import follow_counts, hidden_author_ids
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
            **follow_counts(),  # the profile page's numbers
            statuses_n=subquery_count(shown, "author"),
            last_status=Subquery(
                shown.order_by()
                .values("author")
                .annotate(last=Max("created_at"))
                .values("last")[:1]
            ),
        )
        .values_list("pk", "followers_count", "following_count", "statuses_n", "last_status")
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
    plus each post's tags and mentions (one query each, only when the page has posts).

    A queryset a selector has already made cards of (timelines.selectors.home, ...) keeps
    its own card fields and filter context, and a prefetch it already has (the participants
    of conversations.selectors.conversations are its mentions) is not asked twice.
    """
    if "target_id" not in qs.query.annotations:
        qs = cards(qs, viewer, filter_context=filter_context)
    if "quote_count" not in qs.query.annotations:
        qs = qs.annotate(quote_count=listed_quote_count(OuterRef("target_id")))
    lookups = qs._prefetch_related_lookups  # type: ignore[attr-defined]
    have = {getattr(p, "prefetch_to", p) for p in lookups}
    extra = [
        Prefetch(f"{prefix}{field}", queryset=query())
        for prefix in ("", "repost_of__")
        for field, query in (("tags", _ordered_tags), ("mentions", _ordered_mentions))
        if f"{prefix}{field}" not in have
    ]
    return qs.prefetch_related(*extra)


def markers(user: CustomUser, timelines: Iterable[str]) -> QuerySet[Marker]:
    """Return user's reading positions for the timelines named."""
    return Marker.objects.filter(user=user, timeline__in=list(timelines))


# The server as a whole (/api/v1/instance, /api/v2/instance, NodeInfo) and discovery -------

ACTIVE_MONTH = timedelta(days=30)
ACTIVE_HALFYEAR = timedelta(days=180)


@dataclass(frozen=True)
class ServerUsage:
    users: int
    active_month: int
    active_halfyear: int
    statuses: int


def _listed_posts() -> QuerySet[Post]:
    """Return the posts the server's counts include: by active accounts, no direct messages
    (the posts account_stats counts for each account)."""
    return Post.objects.filter(author__is_active=True).exclude(visibility=Visibility.DIRECT)


def server_usage(now: datetime) -> ServerUsage:
    """Return the server's counts in two queries: active accounts, those of them who logged
    in within 30 and 180 days, and their posts that are not direct messages."""
    people = CustomUser.objects.filter(is_active=True).aggregate(
        total=Count("pk"),
        month=Count("pk", filter=Q(last_login__gte=now - ACTIVE_MONTH)),
        halfyear=Count("pk", filter=Q(last_login__gte=now - ACTIVE_HALFYEAR)),
    )
    return ServerUsage(
        users=people["total"],
        active_month=people["month"],
        active_halfyear=people["halfyear"],
        statuses=_listed_posts().count(),
    )


@dataclass(frozen=True)
class WeekActivity:
    start: datetime
    statuses: int
    logins: int
    registrations: int


def weekly_activity(starts: Sequence[datetime]) -> list[WeekActivity]:
    """Return, for each week beginning at one of starts, the posts written in it (as
    server_usage counts them), the accounts whose last login fell in it and the accounts
    that joined in it: one query for the posts, one for the accounts, however many weeks."""
    if not starts:
        return []
    week = timedelta(days=7)
    first = min(starts)

    def within(field: str, start: datetime) -> Q:
        return Q(**{f"{field}__gte": start, f"{field}__lt": start + week})

    posts = (
        _listed_posts()
        .filter(created_at__gte=first)
        .aggregate(
            **{f"s{n}": Count("pk", filter=within("created_at", s)) for n, s in enumerate(starts)}
        )
    )
    people = CustomUser.objects.filter(
        Q(date_joined__gte=first) | Q(last_login__gte=first)
    ).aggregate(
        **{f"l{n}": Count("pk", filter=within("last_login", s)) for n, s in enumerate(starts)},
        **{f"r{n}": Count("pk", filter=within("date_joined", s)) for n, s in enumerate(starts)},
    )
    return [
        WeekActivity(s, posts[f"s{n}"], people[f"l{n}"], people[f"r{n}"])
        for n, s in enumerate(starts)
    ]


def tag_usage(
    viewer: CustomUser | None, tag_ids: Iterable[int], since: datetime
) -> dict[tuple[int, date], tuple[int, int]]:
    """Return how often each tag was used per day (UTC) since then, as (tag id, day) ->
    (posts, distinct authors), in one query: public top-level posts by active accounts,
    without those of accounts blocked either way with viewer (the rule of
    posts.selectors.trending_tags)."""
    wanted = set(tag_ids)
    if not wanted:
        return {}
    used = PostTag.objects.filter(
        tag_id__in=wanted,
        post__created_at__gte=since,
        post__visibility=Visibility.PUBLIC,
        post__author__is_active=True,
        post__repost_of__isnull=True,
    )
    if viewer is not None:
        for ids in hidden_author_ids(viewer, include_mutes=False):
            used = used.exclude(post__author__in=ids)
    rows = (
        used.annotate(day=TruncDate("post__created_at", tzinfo=UTC))
        .values("tag_id", "day")
        .annotate(uses=Count("post", distinct=True), accounts=Count("post__author", distinct=True))
        .values_list("tag_id", "day", "uses", "accounts")
    )
    return {(tag, day): (uses, accounts) for tag, day, uses, accounts in rows}


def server_contact() -> CustomUser | None:
    """Return the account the instance documents name as the contact: the first active
    superuser, if there is one."""
    return CustomUser.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()


def directory(
    viewer: CustomUser | None, *, order: str, offset: int, limit: int
) -> QuerySet[CustomUser]:
    """Return a page of the profile directory: active accounts, those who posted most
    recently first (order "active") or the newest first ("new"), without accounts blocked
    either way with viewer or muted by them."""
    qs = CustomUser.objects.filter(is_active=True)
    if viewer is not None:
        for ids in hidden_author_ids(viewer):
            qs = qs.exclude(pk__in=ids)
    if order == "new":
        qs = qs.order_by("-date_joined", "-id")
    else:
        last = _listed_posts().filter(author=OuterRef("pk")).order_by("-id").values("created_at")
        qs = qs.annotate(last_status=Subquery(last[:1])).order_by(
            F("last_status").desc(nulls_last=True), "-id"
        )
    return qs[offset : offset + limit]


def authorized_apps(user: CustomUser) -> QuerySet:
    """Return the apps holding a live token of user, the latest authorized first.

    Each app carries its client app row (website, registered scopes), `authorized_at` (when
    user first authorized it, of the tokens still live), and `live_tokens` (those tokens,
    for the scopes they grant): two queries however many apps there are.
    """
    live = get_access_token_model().objects.filter(user=user, expires__gt=timezone.now())
    of_app = live.filter(application=OuterRef("pk"))
    return (
        get_application_model()
        .objects.filter(pk__in=live.values("application"))
        .select_related("client_app")
        .annotate(
            authorized_at=Subquery(of_app.order_by("created", "pk").values("created")[:1]),
            last_authorized_at=Subquery(of_app.order_by("-created", "-pk").values("created")[:1]),
        )
        .prefetch_related(
            Prefetch("accesstoken_set", queryset=live.order_by("pk"), to_attr="live_tokens")
        )
        .order_by("-last_authorized_at", "-pk")
    )
