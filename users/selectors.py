"""Reads about people: profile headers and the lists of followers, following, blocks, mutes."""

from django.db.models import Exists, OuterRef, QuerySet

from msg_project.queries import subquery_count
from users.models import Block, CustomUser, Follow, Mute
from users.relations import people_shown_to

RELATION_FLAGS = ("following", "follows_you", "blocking", "blocked_by", "muting")


def profile_header(viewer: CustomUser, other: CustomUser) -> dict:
    """What a profile header shows: the relationship both ways and the counts (one query)."""
    row = (
        CustomUser.objects.filter(pk=other.pk)
        .annotate(
            following=Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("pk"))),
            follows_you=Exists(Follow.objects.filter(follower=OuterRef("pk"), followee=viewer)),
            blocking=Exists(Block.objects.filter(blocker=viewer, blocked=OuterRef("pk"))),
            blocked_by=Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked=viewer)),
            muting=Exists(Mute.objects.filter(muter=viewer, muted=OuterRef("pk"))),
            followers_count=subquery_count(
                Follow.objects.filter(followee=OuterRef("pk")), "followee"
            ),
            following_count=subquery_count(
                Follow.objects.filter(follower=OuterRef("pk")), "follower"
            ),
        )
        .values(*RELATION_FLAGS, "followers_count", "following_count")
        .get()
    )
    return {
        "relation": {flag: row[flag] for flag in RELATION_FLAGS},
        "counts": {"followers": row["followers_count"], "following": row["following_count"]},
        "is_self": viewer.pk == other.pk,
    }


def followers(viewer: CustomUser, person: CustomUser) -> QuerySet[Follow]:
    """Follow edges into person, with the follower loaded (paginate newest first), leaving out
    accounts viewer must not be shown (blocked either way, deactivated)."""
    qs = Follow.objects.filter(followee=person).select_related("follower")
    return people_shown_to(qs, viewer, person="follower")


def following(viewer: CustomUser, person: CustomUser) -> QuerySet[Follow]:
    """Follow edges out of person, with the followee loaded, as followers() filters them."""
    qs = Follow.objects.filter(follower=person).select_related("followee")
    return people_shown_to(qs, viewer, person="followee")


def blocks(user: CustomUser) -> QuerySet[Block]:
    return Block.objects.filter(blocker=user).select_related("blocked")


def mutes(user: CustomUser) -> QuerySet[Mute]:
    return Mute.objects.filter(muter=user).select_related("muted")
