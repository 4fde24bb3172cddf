"""Notifications are delivered after the act commits, by a task that takes ids and checks
everything again: a rolled-back or undone act, a block or mute since, a deactivated account or a
post the recipient can no longer see tells nobody."""

import pytest
from django.db import transaction

from notifications.models import Kind, Notification
from notifications.services import notifications_create_many
from notifications.tasks import notify
from posts.models import Visibility
from posts.services import post_create, post_delete, post_edit, post_like, post_unlike
from social.services import block_create, follow_create, follow_delete, mute_create
from tests.factories import PostFactory, UserFactory
from users.models import CustomUser

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def _kinds(recipient) -> list[str]:
    return list(Notification.objects.filter(recipient=recipient).values_list("kind", flat=True))


def test_a_notification_waits_for_the_commit(user, django_capture_on_commit_callbacks):
    """Nothing is written inside the transaction; the task writes it once the act commits."""
    post = PostFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_like(user=user, post=post)
        assert not Notification.objects.exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert _kinds(post.author) == [Kind.LIKE]


def test_the_task_is_enqueued_with_ids_only(user, django_capture_on_commit_callbacks):
    """The task's arguments are plain ids and strings, so a real queue can carry them."""
    post = PostFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        post_like(user=user, post=post)
    (callback,) = callbacks
    assert callback.func == notify.enqueue
    assert callback.keywords == {
        "actor_id": user.pk,
        "kind": "like",
        "recipient_ids": [post.author.pk],
        "post_id": post.pk,
    }


def test_a_rolled_back_action_creates_no_notification(user, commits):
    """A like, comment, mention and follow in a transaction that rolls back tell nobody."""
    post = PostFactory()
    with pytest.raises(Boom), transaction.atomic():
        post_like(user=user, post=post)
        post_create(author=user, body=f"hi @{post.author.username}", in_reply_to=post)
        follow_create(follower=user, followee=post.author)
        raise Boom
    assert not Notification.objects.exists()
    post_like(user=user, post=post)  # the same act, committed this time
    assert _kinds(post.author) == [Kind.LIKE]


def test_an_act_undone_before_delivery_tells_nobody(user, django_capture_on_commit_callbacks):
    """A like taken back before the task runs (a slow queue) leaves no notification."""
    post = PostFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_like(user=user, post=post)
        post_unlike(user=user, post=post)
        follow_create(follower=user, followee=post.author)
        follow_delete(follower=user, followee=post.author)
    assert not Notification.objects.exists()


def test_a_mention_edited_out_before_delivery_tells_nobody(
    user, django_capture_on_commit_callbacks
):
    bob = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=user, body=f"hi @{bob.username}")
        post_edit(user=user, post=post, body="hi nobody")
    assert not Notification.objects.exists()


def test_a_deleted_post_tells_nobody(user, django_capture_on_commit_callbacks):
    post = PostFactory()
    with django_capture_on_commit_callbacks(execute=True):
        comment = post_create(author=user, body="hello", in_reply_to=post)
        post_delete(user=user, post=comment)
    assert not Notification.objects.exists()


@pytest.mark.parametrize("change", ["block", "blocked_by", "mute"])
def test_a_block_or_mute_before_delivery_tells_nobody(
    user, django_capture_on_commit_callbacks, change
):
    """The graph is checked when the task runs, not when the act happened."""
    post = PostFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post_like(user=user, post=post)
        match change:
            case "block":
                block_create(blocker=post.author, blocked=user)
            case "blocked_by":
                block_create(blocker=user, blocked=post.author)
            case "mute":
                mute_create(muter=post.author, muted=user)
    assert not Notification.objects.exists()


@pytest.mark.parametrize("who", ["actor", "recipient"])
def test_a_deactivated_account_is_not_part_of_a_delivery(
    user, who, django_capture_on_commit_callbacks
):
    post = PostFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        post_like(user=user, post=post)
    gone = user if who == "actor" else post.author
    CustomUser.objects.filter(pk=gone.pk).update(is_active=False)
    callbacks[0]()
    assert not Notification.objects.exists()


def test_a_post_the_recipient_can_no_longer_see_tells_nobody(
    user, django_capture_on_commit_callbacks
):
    """A mention in a followers-only post reaches a follower, not one who unfollowed since."""
    bob = UserFactory()
    follow_create(follower=bob, followee=user)
    with django_capture_on_commit_callbacks() as callbacks:
        post_create(author=user, body=f"@{bob.username}", visibility=Visibility.FOLLOWERS)
    follow_delete(follower=bob, followee=user)
    callbacks[0]()
    assert not Notification.objects.exists()


def test_delivering_twice_writes_one_notification(user, django_capture_on_commit_callbacks):
    """A task that runs again (a retry) does not repeat the notification."""
    post = PostFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        post_like(user=user, post=post)
    callbacks[0]()
    callbacks[0]()
    assert _kinds(post.author) == [Kind.LIKE]


def test_many_recipients_are_told_by_one_task(user, django_capture_on_commit_callbacks):
    """notifications_create_many enqueues one task for all recipients, skipping the actor."""
    post = PostFactory(author=user)
    others = UserFactory.create_batch(3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notifications_create_many(
            recipients=[*others, user], actor=user, kind=Kind.MENTION, post=post
        )
    assert len(callbacks) == 1
    # No Mention rows: the task finds no mention to stand behind the notification.
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post_edit(user=user, post=post, body=" ".join(f"@{other.username}" for other in others))
    assert len(callbacks) == 1
    assert {n.recipient for n in Notification.objects.all()} == set(others)
