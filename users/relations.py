"""Questions about the social graph that services and selectors share."""

from django.db.models import Q, QuerySet

from users.models import Block, CustomUser, Follow, Mute


def is_blocked_either_way(a: CustomUser, b: CustomUser) -> bool:
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def has_muted(muter: CustomUser, muted: CustomUser) -> bool:
    return Mute.objects.filter(muter=muter, muted=muted).exists()


def is_following(follower: CustomUser, followee: CustomUser) -> bool:
    return Follow.objects.filter(follower=follower, followee=followee).exists()


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
