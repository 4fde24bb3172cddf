"""Writes for the social graph: follow, block, mute. Nothing else changes these rows."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q

from notifications.models import Kind
from notifications.services import (
    notification_create,
    notification_delete,
    notifications_delete_between,
)
from social.models import Block, Follow, Mute
from social.selectors import is_blocked_either_way
from users.models import CustomUser


def _not_self(a: CustomUser, b: CustomUser, action: str) -> None:
    """Refuse an action on yourself (a refusal, 403, like any other not allowed)."""
    if a.pk == b.pk:
        raise PermissionDenied(f"You cannot {action} yourself.")


def _lock_pair(a: CustomUser, b: CustomUser) -> None:
    """Lock both users' rows, lower id first, until the transaction ends.

    A follow and a block between the same two people then run one after the other: without
    it, on PostgreSQL both could commit, leaving a follow that the block should have ended.
    (SQLite's IMMEDIATE transactions already serialise writers.) FOR NO KEY UPDATE, not FOR
    UPDATE: the key-share locks that rows pointing at a user take (a like, a notification) do
    not conflict with it, so a like committing meanwhile cannot deadlock with a block.
    """
    pair = CustomUser.objects.select_for_update(no_key=True).filter(pk__in=[a.pk, b.pk])
    list(pair.order_by("pk"))


@transaction.atomic
def follow_create(*, follower: CustomUser, followee: CustomUser) -> Follow:
    """Follow followee (idempotent) and notify them."""
    _not_self(follower, followee, "follow")
    _lock_pair(follower, followee)
    if is_blocked_either_way(follower, followee):
        raise PermissionDenied("You cannot follow this account.")
    follow, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if created:
        notification_create(recipient=followee, actor=follower, kind=Kind.FOLLOW)
    return follow


@transaction.atomic
def follow_delete(*, follower: CustomUser, followee: CustomUser) -> bool:
    """Stop following followee; return whether there was a follow to end."""
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    notification_delete(recipient=followee, actor=follower, kind=Kind.FOLLOW)
    return bool(deleted)


@transaction.atomic
def block_create(*, blocker: CustomUser, blocked: CustomUser) -> Block:
    """Block a user: end follows both ways and hide each side from the other."""
    _not_self(blocker, blocked, "block")
    _lock_pair(blocker, blocked)
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    Follow.objects.filter(
        Q(follower=blocker, followee=blocked) | Q(follower=blocked, followee=blocker)
    ).delete()
    notifications_delete_between(blocker, blocked)
    return block


@transaction.atomic
def block_delete(*, blocker: CustomUser, blocked: CustomUser) -> bool:
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


@transaction.atomic
def mute_create(*, muter: CustomUser, muted: CustomUser) -> Mute:
    """Hide muted's posts and notifications from muter, without telling muted."""
    _not_self(muter, muted, "mute")
    mute, _ = Mute.objects.get_or_create(muter=muter, muted=muted)
    return mute


@transaction.atomic
def mute_delete(*, muter: CustomUser, muted: CustomUser) -> bool:
    deleted, _ = Mute.objects.filter(muter=muter, muted=muted).delete()
    return bool(deleted)
