"""Reads about the social graph: the questions other apps ask about it, profile headers and
the lists of followers, following, blocks and mutes."""

from collections.abc import Collection

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.queries import subquery_count
from social.models import Block, FilterContext, Follow, Mute, MutedWord
from users.models import CustomUser


def is_blocked_either_way(a: CustomUser, b: CustomUser) -> bool:
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def blocked_either_way_ids(user: CustomUser, others: list[int]) -> list[int]:
    """Return the ids among others that user blocked or that blocked user, in one query."""
    if not others:
        return []
    rows = Block.objects.filter(
        Q(blocker=user, blocked__in=others) | Q(blocked=user, blocker__in=others)
    ).values_list("blocker_id", "blocked_id")
    return [a if b == user.pk else b for a, b in rows]


def followee_ids(user: CustomUser) -> QuerySet:
    """Subquery: ids of the accounts user follows."""
    return Follow.objects.filter(follower=user).values("followee_id")


def hidden_author_ids(user: CustomUser, *, include_mutes: bool = True) -> list[QuerySet]:
    """Subqueries of ids whose posts user must not see: blocked either way (and muted)."""
    subqueries: list[QuerySet] = [
        Block.objects.filter(blocker=user).values("blocked_id"),
        Block.objects.filter(blocked=user).values("blocker_id"),
    ]
    if include_mutes:
        subqueries.append(Mute.objects.filter(muter=user).values("muted_id"))
    return subqueries


def people_shown_to(qs: QuerySet, viewer: CustomUser, *, person: str) -> QuerySet:
    """qs without rows whose user (the field called person) viewer must not be shown in a
    list: deactivated, or blocked either way."""
    qs = qs.filter(**{f"{person}__is_active": True})
    for hidden in hidden_author_ids(viewer, include_mutes=False):
        qs = qs.exclude(**{f"{person}__in": hidden})
    return qs


RELATION_FLAGS = ("following", "follows_you", "blocking", "blocked_by", "muting")


def _relation(viewer: CustomUser | None) -> dict[str, Exists | Value]:
    """Return the relationship flags between viewer and the row: all false for a visitor."""
    if viewer is None:
        return {flag: Value(False, output_field=BooleanField()) for flag in RELATION_FLAGS}
    return {
        "following": Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("pk"))),
        "follows_you": Exists(Follow.objects.filter(follower=OuterRef("pk"), followee=viewer)),
        "blocking": Exists(Block.objects.filter(blocker=viewer, blocked=OuterRef("pk"))),
        "blocked_by": Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked=viewer)),
        "muting": Exists(Mute.objects.filter(muter=viewer, muted=OuterRef("pk"))),
    }


def follow_counts() -> dict[str, Coalesce]:
    """Return the annotations followers_count and following_count of an account row: the
    numbers its profile shows (and the API's Account). Deactivated accounts are left out of
    the counts, as they are of the lists."""
    return {
        "followers_count": subquery_count(
            Follow.objects.filter(followee=OuterRef("pk"), follower__is_active=True),
            "followee",
        ),
        "following_count": subquery_count(
            Follow.objects.filter(follower=OuterRef("pk"), followee__is_active=True),
            "follower",
        ),
    }


def profile_header(viewer: CustomUser | None, other: CustomUser) -> dict:
    """Return what a profile header shows: the relationship both ways and the counts (for a
    visitor, viewer None, only the counts)."""
    row = (
        CustomUser.objects.filter(pk=other.pk)
        .annotate(
            **_relation(viewer),
            **follow_counts(),
        )
        .values(*RELATION_FLAGS, "followers_count", "following_count")
        .get()
    )
    return {
        "relation": {flag: row[flag] for flag in RELATION_FLAGS},
        "counts": {"followers": row["followers_count"], "following": row["following_count"]},
        "is_self": viewer is not None and viewer.pk == other.pk,
    }


def followers(viewer: CustomUser, person: CustomUser) -> QuerySet[Follow]:
    """Follow edges into person, with the follower loaded (paginate newest first) and whether
    viewer follows them (is_followed), leaving out accounts viewer must not be shown (blocked
    either way, deactivated)."""
    qs = Follow.objects.filter(followee=person).select_related("follower")
    return with_follow_flag(
        people_shown_to(qs, viewer, person="follower"), viewer, person="follower"
    )


def following(viewer: CustomUser, person: CustomUser) -> QuerySet[Follow]:
    """Follow edges out of person, with the followee loaded, as followers() filters them."""
    qs = Follow.objects.filter(follower=person).select_related("followee")
    return with_follow_flag(
        people_shown_to(qs, viewer, person="followee"), viewer, person="followee"
    )


def with_follow_flag(qs: QuerySet, viewer: CustomUser, *, person: str = "") -> QuerySet:
    """Annotate each row with is_followed: whether viewer follows the account (the row, or the
    account at the field called person), for the follow buttons of a list, in the same query."""
    followee = OuterRef(f"{person}_id" if person else "pk")
    return qs.annotate(
        is_followed=Exists(Follow.objects.filter(follower=viewer, followee=followee))
    )


def people_of(edges: list, person: str) -> list[CustomUser]:
    """Return the account at the field called person of each row of a page (followers,
    following, likes, reposts), carrying the row's is_followed (with_follow_flag)."""
    people = []
    for edge in edges:
        account = getattr(edge, person)
        account.is_followed = getattr(edge, "is_followed", False)
        people.append(account)
    return people


# Who to follow looks at a bounded set of candidates, so its cost does not grow with the site:
# the most followed accounts (counted over every follow at most once per POPULAR_TTL seconds,
# site-wide, in the cache), the accounts followed by the viewer's latest FOF_FOLLOWEES
# followees (at most FOF_CANDIDATES of their follows), and the NEWEST newest accounts.
POPULAR_CACHE_KEY = "social:most-followed"
POPULAR_COUNT = 50
POPULAR_TTL = 300
FOF_FOLLOWEES = 200
FOF_CANDIDATES = 500
NEWEST = 50


def most_followed_ids() -> list[int]:
    """Return the ids of the most followed active accounts, most followed first (cached)."""
    ids: list[int] | None = cache.get(POPULAR_CACHE_KEY)
    if ids is None:
        ids = list(
            Follow.objects.filter(follower__is_active=True, followee__is_active=True)
            .values("followee_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "-followee_id")
            .values_list("followee_id", flat=True)[:POPULAR_COUNT]
        )
        cache.set(POPULAR_CACHE_KEY, ids, POPULAR_TTL)
    return ids


def who_to_follow(user: CustomUser, limit: int = 3) -> QuerySet[CustomUser]:
    """Return accounts to suggest to user, best first: those followed by the most of the
    accounts user follows, then the most followed, then the newest; never user, anyone user
    follows, blocked either way, muted by user, or deactivated.

    One query (plus, every few minutes, the site-wide count behind most_followed_ids), over a
    bounded set of candidates.
    """
    popular = most_followed_ids()
    recent_followees = (
        Follow.objects.filter(follower=user).order_by("-id").values("followee_id")[:FOF_FOLLOWEES]
    )
    # Ranked before the cut, so one followee who follows thousands cannot crowd out the
    # account most of them follow.
    fof = (
        Follow.objects.filter(follower__in=recent_followees)
        .exclude(followee=user)
        .exclude(followee__in=followee_ids(user))
        .values("followee_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "-followee_id")
        .values("followee_id")[:FOF_CANDIDATES]
    )
    newest = CustomUser.objects.filter(is_active=True).order_by("-id").values("pk")[:NEWEST]
    qs = CustomUser.objects.filter(
        Q(pk__in=popular) | Q(pk__in=fof) | Q(pk__in=newest), is_active=True
    )
    qs = qs.exclude(pk=user.pk).exclude(pk__in=followee_ids(user))
    for hidden in hidden_author_ids(user):
        qs = qs.exclude(pk__in=hidden)
    followed_by = Follow.objects.filter(
        followee=OuterRef("pk"), follower__in=recent_followees, follower__is_active=True
    )
    rank = Case(
        *[When(pk=pk, then=Value(place)) for place, pk in enumerate(popular)],
        default=Value(len(popular)),
        output_field=IntegerField(),
    )
    return qs.annotate(
        followed_by_followees=subquery_count(followed_by, "followee"),
        popularity=rank,
        is_followed=Value(False, output_field=BooleanField()),
    ).order_by("-followed_by_followees", "popularity", "-id")[:limit]


def blocks(user: CustomUser) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked")


def mutes(user: CustomUser) -> QuerySet[Mute]:
    return Mute.objects.filter(muter=user).select_related("muted")


def search_people(
    viewer: CustomUser, text: str, *, limit: int = 10, following: bool = False
) -> QuerySet[CustomUser]:
    """Return active accounts matching text, best first, leaving out those blocked either way
    (with following, only accounts viewer follows).

    Every word of text (split on spaces) must start the username, or a word of it ("_"
    separates them), or a word of the display name, in any case: "hopper" finds grace_h
    called Grace Hopper. Best first: the username itself, then usernames starting with text,
    then the others, by username.
    """
    words = text.split()[:8]
    if not words:
        return CustomUser.objects.none()
    qs = CustomUser.objects.filter(is_active=True)
    for word in words:
        qs = qs.filter(
            Q(username__istartswith=word)
            | Q(username__icontains="_" + word)
            | Q(display_name__istartswith=word)
            | Q(display_name__icontains=" " + word)
        )
    for hidden in hidden_author_ids(viewer, include_mutes=False):
        qs = qs.exclude(pk__in=hidden)
    if following:
        qs = qs.filter(pk__in=followee_ids(viewer))
    whole = " ".join(words)
    best = Case(
        When(username__iexact=whole, then=Value(0)),
        When(username__istartswith=whole, then=Value(1)),
        default=Value(2),
    )
    return with_follow_flag(qs, viewer).order_by(best, "username")[:limit]


# Where a muted word applies (FilterContext) and the MutedWord flag that says so.
CONTEXT_FIELDS: dict[str, str] = {
    FilterContext.HOME: "in_home",
    FilterContext.NOTIFICATIONS: "in_notifications",
    FilterContext.PUBLIC: "in_public",
    FilterContext.THREAD: "in_thread",
}


def muted_words(user: CustomUser) -> QuerySet[MutedWord]:
    """Return user's filtered words and phrases, expired ones too, alphabetically."""
    return MutedWord.objects.filter(user=user).order_by("phrase", "id")


def active_muted_words(user: CustomUser, context: str) -> QuerySet[MutedWord]:
    """Return user's filtered words that apply in context (a FilterContext) and have not
    expired; posts.selectors.cards matches their patterns in SQL."""
    field = CONTEXT_FIELDS[FilterContext(context)]
    return (
        MutedWord.objects.filter(user=user, **{field: True})
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
        .order_by("phrase", "id")
    )


# The client API's questions about the graph (api.resources.accounts) --------------------------


def with_relation(qs: QuerySet[CustomUser], viewer: CustomUser | None) -> QuerySet[CustomUser]:
    """Annotate each account of qs with the relationship flags between viewer and it
    (RELATION_FLAGS; all false for a visitor), in the same query."""
    return qs.annotate(**_relation(viewer))


def relationships(viewer: CustomUser | None, ids: Collection[int]) -> QuerySet[CustomUser]:
    """Return the active accounts among ids with the relationship flags between viewer and
    each (with_relation), in one query however many ids there are."""
    return with_relation(CustomUser.objects.filter(pk__in=list(ids), is_active=True), viewer)


def familiar_followers(viewer: CustomUser, ids: Collection[int]) -> QuerySet[Follow]:
    """Return the follows into the accounts among ids made by active accounts viewer follows,
    with the follower loaded, newest first (one query).

    Viewer follows nobody blocked either way (a block ends follows both ways), so these
    followers need no block filter of their own.
    """
    return (
        Follow.objects.filter(
            followee__in=list(ids), follower__in=followee_ids(viewer), follower__is_active=True
        )
        .select_related("follower")
        .order_by("-id")
    )
