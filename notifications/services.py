"""Writes for notifications. Called by the services whose action causes them."""

from django.db import transaction
from django.utils import timezone

from notifications.models import Kind, Notification
from users.models import CustomUser
from users.relations import has_muted, is_blocked_either_way


def notification_create(
    *, recipient: CustomUser, actor: CustomUser, kind: Kind, post=None
) -> Notification | None:
    """Tell recipient what actor did, unless it is their own act or they block or mute actor."""
    if recipient.pk == actor.pk:
        return None
    if is_blocked_either_way(recipient, actor) or has_muted(recipient, actor):
        return None
    return Notification.objects.create(recipient=recipient, actor=actor, kind=kind, post=post)


def notification_delete(*, recipient: CustomUser, actor: CustomUser, kind: Kind, post=None) -> None:
    """Withdraw a notification whose cause was undone (unlike, unfollow, unrepost)."""
    Notification.objects.filter(recipient=recipient, actor=actor, kind=kind, post=post).delete()


@transaction.atomic
def notifications_mark_read(*, user: CustomUser) -> int:
    """Mark all of user's notifications read; return how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
