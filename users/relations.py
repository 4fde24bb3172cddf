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


def people_shown_to(qs: QuerySet, viewer: CustomUser, *, person: str) -> QuerySet:
    """qs without rows whose user (the field called person) viewer must not be shown in a
    list: deactivated, or blocked either way."""
    qs = qs.filter(**{f"{person}__is_active": True})
    for hidden in hidden_author_ids(viewer, include_mutes=False):
        qs = qs.exclude(**{f"{person}__in": hidden})
    return qs
