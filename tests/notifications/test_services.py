"""Notifications: one per cause, withdrawn when undone, silenced by mutes and blocks."""

import pytest

from notifications import selectors
from notifications.models import Kind, Notification
from notifications.services import notifications_mark_read
from posts.models import Visibility
from posts.services import (
    post_create,
    post_delete,
    post_edit,
    post_like,
    post_repost,
    post_unlike,
    post_unrepost,
)
from social.services import block_create, follow_create, follow_delete, mute_create, mute_delete
from tests.factories import PostFactory, UserFactory

# Notifications are delivered on commit: run the callbacks as each service commits.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


def _about(recipient) -> list[tuple]:
    """(actor, kind, post) of every notification recipient has, oldest first."""
    return [
        (n.actor, n.kind, n.post)
        for n in Notification.objects.filter(recipient=recipient).order_by("id")
    ]


@pytest.fixture
def author(db):
    return UserFactory()


@pytest.fixture
def post(author):
    return PostFactory(author=author)


# One notification per cause, delivered when the service call commits


def test_follow_notifies_the_followee(user, author):
    """Following creates one 'follow' notification for the followee, without a post."""
    follow_create(follower=user, followee=author)
    assert _about(author) == [(user, Kind.FOLLOW, None)]


def test_mention_notifies_the_mentioned_user(user, author):
    """Mentioning creates one 'mention' notification about the post."""
    post = post_create(author=user, body=f"hello @{author.username}")
    assert _about(author) == [(user, Kind.MENTION, post)]


def test_comment_notifies_the_post_author(user, post):
    """Commenting creates one 'comment' notification about the comment."""
    comment = post_create(author=user, body="nice", in_reply_to=post)
    assert _about(post.author) == [(user, Kind.COMMENT, comment)]


def test_like_notifies_the_post_author(user, post):
    """Liking creates one 'like' notification about the post."""
    post_like(user=user, post=post)
    assert _about(post.author) == [(user, Kind.LIKE, post)]


def test_repost_notifies_the_post_author(user, post):
    """Reposting creates one 'repost' notification about the original post."""
    post_repost(user=user, post=post)
    assert _about(post.author) == [(user, Kind.REPOST, post)]


def test_repeating_an_action_does_not_repeat_its_notification(user, post):
    """Liking, reposting and following twice each leave one notification."""
    for _ in range(2):
        post_like(user=user, post=post)
        post_repost(user=user, post=post)
        follow_create(follower=user, followee=post.author)
    kinds = sorted(kind for _, kind, _ in _about(post.author))
    assert kinds == sorted([Kind.LIKE, Kind.REPOST, Kind.FOLLOW])


def test_acting_through_a_repost_notifies_the_original_author(user, post):
    """Liking a repost notifies the original's author, not the reposter."""
    reposter = UserFactory()
    repost = post_repost(user=reposter, post=post)
    post_like(user=user, post=repost)
    assert (user, Kind.LIKE, post) in _about(post.author)
    assert _about(reposter) == []


# Nothing for acting on yourself


def test_acting_on_your_own_post_notifies_nobody(author, post):
    """Liking, commenting on and mentioning yourself create no notification."""
    post_like(user=author, post=post)
    post_create(author=author, body="replying to myself", in_reply_to=post)
    post_create(author=author, body=f"note to @{author.username}")
    post_repost(user=author, post=post)
    assert not Notification.objects.exists()


# Undoing withdraws the notification


def test_unlike_withdraws_the_like_notification(user, post):
    """After unliking, the author has no 'like' notification left from that user."""
    other = UserFactory()
    post_like(user=user, post=post)
    post_like(user=other, post=post)
    post_unlike(user=user, post=post)
    assert _about(post.author) == [(other, Kind.LIKE, post)]


def test_unfollow_withdraws_the_follow_notification(user, author):
    """After unfollowing, the followee has no 'follow' notification from that user."""
    follow_create(follower=user, followee=author)
    follow_delete(follower=user, followee=author)
    assert _about(author) == []


def test_unrepost_withdraws_the_repost_notification(user, post):
    """After undoing a repost, the author has no 'repost' notification from that user."""
    post_like(user=user, post=post)
    post_repost(user=user, post=post)
    post_unrepost(user=user, post=post)
    assert _about(post.author) == [(user, Kind.LIKE, post)]


def test_deleting_a_comment_withdraws_its_notification(user, post):
    """A deleted comment leaves no 'comment' notification behind."""
    comment = post_create(author=user, body="oops", in_reply_to=post)
    post_delete(user=user, post=comment)
    assert _about(post.author) == []


def test_undoing_one_like_leaves_other_posts_notifications(user, author):
    """Unliking one post withdraws only that like's notification."""
    first, second = PostFactory(author=author), PostFactory(author=author)
    post_like(user=user, post=first)
    post_like(user=user, post=second)
    post_unlike(user=user, post=first)
    assert _about(author) == [(user, Kind.LIKE, second)]


# Mutes and blocks


def test_a_mute_suppresses_new_notifications(user, author, post):
    """Nothing the muted user does notifies the muter."""
    mute_create(muter=author, muted=user)
    follow_create(follower=user, followee=author)
    post_like(user=user, post=post)
    post_repost(user=user, post=post)
    post_create(author=user, body="reply", in_reply_to=post)
    post_create(author=user, body=f"@{author.username}")
    assert _about(author) == []


def test_a_mute_is_one_way(user, author, post):
    """The muter's own actions still notify the muted user."""
    mute_create(muter=author, muted=user)
    mine = PostFactory(author=user)
    post_like(user=author, post=mine)
    assert _about(user) == [(author, Kind.LIKE, mine)]


def test_a_block_suppresses_new_notifications(user, author):
    """A mention across a block notifies neither side."""
    block_create(blocker=author, blocked=user)
    post_create(author=user, body=f"@{author.username}")
    post_create(author=author, body=f"@{user.username}")
    assert not Notification.objects.exists()


def test_for_user_hides_notifications_from_accounts_muted_later(user, author, post):
    """Muting hides earlier notifications from that account; unmuting shows them again."""
    other = UserFactory()
    post_like(user=user, post=post)
    post_like(user=other, post=post)
    mute_create(muter=author, muted=user)
    assert [n.actor for n in selectors.for_user(author)] == [other]
    assert selectors.unread_count(author) == 1
    mute_delete(muter=author, muted=user)
    assert {n.actor for n in selectors.for_user(author)} == {user, other}


def test_for_user_hides_notifications_from_accounts_blocked_later(user, author, post):
    """Blocking hides (and drops) earlier notifications from that account."""
    other = UserFactory()
    post_like(user=user, post=post)
    post_like(user=other, post=post)
    block_create(blocker=author, blocked=user)
    assert [n.actor for n in selectors.for_user(author)] == [other]
    assert selectors.unread_count(author) == 1


def test_for_user_hides_notifications_from_accounts_that_blocked_you_later(user, author, post):
    """When the actor blocks the recipient afterwards, the recipient stops seeing them too."""
    post_like(user=user, post=post)
    block_create(blocker=user, blocked=author)
    assert list(selectors.for_user(author)) == []


def test_for_user_is_newest_first_and_only_yours(user, author, post):
    """for_user lists the user's own notifications, newest first."""
    post_like(user=user, post=post)
    follow_create(follower=user, followee=author)
    post_like(user=author, post=PostFactory(author=user))
    assert [n.kind for n in selectors.for_user(author)] == [Kind.FOLLOW, Kind.LIKE]


def test_a_mention_in_a_followers_only_post_skips_non_followers(user, author):
    """Someone who cannot see the post is not notified of a mention in it."""
    post_create(author=user, body=f"@{author.username}", visibility=Visibility.FOLLOWERS)
    assert _about(author) == []


# Reading


def test_unread_count_counts_unread_notifications(user, author, post):
    """unread_count is the number of the user's unread notifications."""
    assert selectors.unread_count(author) == 0
    post_like(user=user, post=post)
    follow_create(follower=user, followee=author)
    assert selectors.unread_count(author) == 2
    assert selectors.unread_count(user) == 0


def test_mark_read_clears_the_unread_count(user, author, post):
    """Marking read sets read_at on every unread notification and returns how many."""
    post_like(user=user, post=post)
    follow_create(follower=user, followee=author)
    assert notifications_mark_read(user=author) == 2
    assert selectors.unread_count(author) == 0
    assert not Notification.objects.filter(recipient=author, read_at__isnull=True).exists()
    assert notifications_mark_read(user=author) == 0


def test_mark_read_leaves_other_users_unread(user, author, post):
    """Marking your notifications read does not touch anyone else's."""
    post_like(user=user, post=post)
    post_like(user=author, post=PostFactory(author=user))
    notifications_mark_read(user=author)
    assert selectors.unread_count(user) == 1


def test_new_notifications_after_mark_read_are_unread(user, author, post):
    """A notification arriving after marking read counts as unread."""
    post_like(user=user, post=post)
    notifications_mark_read(user=author)
    follow_create(follower=user, followee=author)
    assert selectors.unread_count(author) == 1


def test_notifications_about_a_post_the_reader_can_no_longer_see_are_hidden():
    """After an unfollow, a mention in a followers-only post (even edited later) stays hidden."""
    alice, bob = UserFactory(), UserFactory()
    follow_create(follower=bob, followee=alice)
    post = post_create(author=alice, body=f"hi @{bob.username}", visibility="followers")
    assert selectors.for_user(bob).filter(post=post).exists()
    follow_delete(follower=bob, followee=alice)
    post_edit(user=alice, post=post, body=f"a secret plan @{bob.username}")
    assert not selectors.for_user(bob).filter(post=post).exists()
    assert selectors.unread_count(bob) == 0
