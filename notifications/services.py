"""Writes for notifications, the only code that creates or deletes them. The services whose
acts cause or undo a notification call these functions.

A notification is created after the act commits, by the notify task (notifications.tasks),
which checks again whether it still holds; a rolled-back act tells nobody. Withdrawals run in
the caller's transaction, so they roll back with it.
"""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from notifications.models import Kind, Notification
from notifications.tasks import notify
from posts.models import Post
from users.models import CustomUser


def notifications_create_many(
    *, recipients: Iterable[CustomUser], actor: CustomUser, kind: Kind, post: Post | None = None
) -> None:
    """Tell each recipient what actor did, once the current transaction commits.

    Nobody is told of their own act (but an author of the end of their own poll), nor by an
    account they block, are blocked by or mute, nor about a post they cannot see.
    """
    recipient_ids = sorted({r.pk for r in recipients if r.pk != actor.pk or kind == Kind.POLL})
    if not recipient_ids:
        return
    # robust: the action is committed; a queue that is down loses a notification (logged),
    # it does not turn the answer into an error.
    transaction.on_commit(
        partial(
            notify.enqueue,
            actor_id=actor.pk,
            kind=str(kind),
            recipient_ids=recipient_ids,
            post_id=post.pk if post is not None else None,
        ),
        robust=True,
    )


def notification_create(
    *, recipient: CustomUser, actor: CustomUser, kind: Kind, post: Post | None = None
) -> None:
    """Tell recipient what actor did, once the current transaction commits."""
    notifications_create_many(recipients=[recipient], actor=actor, kind=kind, post=post)


def notification_delete(
    *, recipient: CustomUser, actor: CustomUser, kind: Kind, post: Post | None = None
) -> None:
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


def notifications_delete_mentions(*, post: Post, recipients: QuerySet | Iterable[int]) -> None:
    """Withdraw the mention notifications of post sent to recipients (mentions edited out)."""
    Notification.objects.filter(post=post, kind=Kind.MENTION, recipient__in=recipients).delete()


@transaction.atomic
def notification_dismiss(*, user: CustomUser, notification: Notification) -> bool:
    """Delete one of user's notifications (a client's dismiss); return whether it was there
    (someone else's notification is never touched)."""
    deleted, _ = Notification.objects.filter(pk=notification.pk, recipient=user).delete()
    return bool(deleted)


@transaction.atomic
def notifications_clear(*, user: CustomUser) -> int:
    """Delete all of user's notifications; return how many there were."""
    deleted, _ = Notification.objects.filter(recipient=user).delete()
    return deleted


@transaction.atomic
def notifications_mark_read_up_to(*, user: CustomUser, up_to: int) -> int:
    """Mark user's notifications up to the id up_to read (a client's reading position, as
    Mastodon's notifications marker); return how many were unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True, pk__lte=up_to).update(
        read_at=timezone.now()
    )
