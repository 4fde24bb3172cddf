"""Background work for notifications: delivering them once the act that caused them commits."""

from django.db.models import Exists, OuterRef, Q
from django.tasks import task

from notifications.models import Kind, Notification
from posts.models import Like, Mention, Poll, PollVote, Post
from posts.selectors import users_who_can_see
from social.models import Block, Follow, Mute
from users.models import CustomUser


def _cause(kind: str, *, actor_id: int, post_id: int | None) -> Q:
    """Return the condition on recipients under which actor's act of this kind still stands."""
    recipient = OuterRef("pk")
    match kind:
        case Kind.FOLLOW:
            return Q(Exists(Follow.objects.filter(follower=actor_id, followee=recipient)))
        case Kind.LIKE:
            return Q(Exists(Like.objects.filter(user=actor_id, post=post_id)))
        case Kind.REPOST:
            return Q(Exists(Post.objects.filter(author=actor_id, repost_of=post_id)))
        case Kind.MENTION:
            return Q(Exists(Mention.objects.filter(post=post_id, user=recipient)))
        case Kind.POLL:  # the poll closed; its author (the actor) and its voters are told
            closed = Poll.objects.filter(post=post_id, closed_at__isnull=False)
            voted = PollVote.objects.filter(poll__post=post_id, user=recipient)
            return Q(Exists(closed)) & (Q(pk=actor_id) | Q(Exists(voted)))
        case Kind.QUOTE:  # the quote (the post) still quotes a post of the recipient's
            return Q(Exists(Post.objects.filter(author=recipient, quotes=post_id)))
        case _:  # a comment: the comment is the post, and it still exists if it is visible
            return Q()


@task()
def notify(*, actor_id: int, kind: str, recipient_ids: list[int], post_id: int | None) -> int:
    """Tell recipients what actor did, if it still holds now; return how many were told.

    Everything is checked again, as it stands when the task runs: both accounts active, no
    block either way and no mute of the actor, the post still there and visible to the
    recipient, the act not undone, and no identical notification already sent.
    """
    recipient = OuterRef("pk")
    actor_active = Exists(CustomUser.objects.filter(pk=actor_id, is_active=True))
    recipients = CustomUser.objects.filter(pk__in=recipient_ids, is_active=True).filter(
        actor_active
    )
    if kind != Kind.POLL:  # the one act whose actor is told too: the end of their own poll
        recipients = recipients.exclude(pk=actor_id)
    if post_id is not None:
        post = Post.objects.filter(pk=post_id).first()
        if post is None:
            return 0
        recipients = users_who_can_see(post, recipients.values_list("pk", flat=True))
    told = Notification.objects.filter(recipient=recipient, actor=actor_id, kind=kind, post=post_id)
    ids = list(
        recipients.filter(_cause(kind, actor_id=actor_id, post_id=post_id))
        .exclude(
            Exists(
                Block.objects.filter(
                    Q(blocker=recipient, blocked=actor_id) | Q(blocker=actor_id, blocked=recipient)
                )
            )
        )
        .exclude(Exists(Mute.objects.filter(muter=recipient, muted=actor_id)))
        .exclude(Exists(told))
        .values_list("pk", flat=True)
    )
    Notification.objects.bulk_create(
        Notification(recipient_id=pk, actor_id=actor_id, kind=kind, post_id=post_id) for pk in ids
    )
    return len(ids)
