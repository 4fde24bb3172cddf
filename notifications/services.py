"""Writes for notifications. Called by the services whose action causes them."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.models import Kind, Notification
from social.selectors import has_muted, is_blocked_either_way
from users.models import CustomUser


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


def notifications_delete_between(a: CustomUser, b: CustomUser) -> None:
    """Delete what either of two users was told about the other (a block between them)."""
    Notification.objects.filter(Q(recipient=a, actor=b) | Q(recipient=b, actor=a)).delete()


def notifications_delete_mentions(*, post, recipients) -> None:
    """Withdraw the mention notifications of post sent to recipients (mentions edited out)."""
    Notification.objects.filter(post=post, kind=Kind.MENTION, recipient__in=recipients).delete()
