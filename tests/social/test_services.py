"""The social graph's write rules: follow, block and mute (users.services)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from notifications import selectors as notification_selectors
from notifications.models import Kind, Notification
from posts import selectors as post_selectors
from posts.models import Bookmark, Like, Post, Tag
from posts.services import post_bookmark, post_create, post_like, post_repost
from social.models import Block, Follow, Mute
from social.services import (
    block_create,
    block_delete,
    follow_create,
    follow_delete,
    mute_create,
    mute_delete,
)
from tests.factories import FollowFactory, PostFactory, UserFactory
from timelines import selectors

# Notifications are delivered on commit: run the callbacks as each service commits.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


def _follows(follower, followee) -> bool:
    return Follow.objects.filter(follower=follower, followee=followee).exists()


# Follow


def test_follow_create_records_the_follow(user, other_user):
    """Following creates one Follow edge from follower to followee, and not the reverse."""
    follow = follow_create(follower=user, followee=other_user)
    assert (follow.follower, follow.followee) == (user, other_user)
    assert _follows(user, other_user)
    assert not _follows(other_user, user)


def test_follow_create_is_idempotent(user, other_user):
    """Following twice keeps one edge (the same row) and one notification."""
    first = follow_create(follower=user, followee=other_user)
    second = follow_create(follower=user, followee=other_user)
    assert first.pk == second.pk
    assert Follow.objects.filter(follower=user, followee=other_user).count() == 1
    assert Notification.objects.filter(recipient=other_user, kind=Kind.FOLLOW).count() == 1


def test_follow_create_refuses_following_yourself(user):
    """Following yourself is refused (PermissionDenied) and stores nothing."""
    with pytest.raises(PermissionDenied):
        follow_create(follower=user, followee=user)
    assert not Follow.objects.exists()


@pytest.mark.parametrize(
    ("model", "source", "target"),
    [(Follow, "follower", "followee"), (Block, "blocker", "blocked"), (Mute, "muter", "muted")],
)
def test_the_database_refuses_a_self_edge(user, model, source, target):
    """The CheckConstraint refuses an edge from a user to themselves, even bypassing services."""
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**{source: user, target: user})
    assert not model.objects.exists()


@pytest.mark.parametrize(
    ("model", "source", "target", "service"),
    [
        (Follow, "follower", "followee", follow_create),
        (Block, "blocker", "blocked", block_create),
        (Mute, "muter", "muted", mute_create),
    ],
)
def test_the_database_refuses_a_duplicate_edge(user, other_user, model, source, target, service):
    """The UniqueConstraint refuses a second identical edge, even bypassing services."""
    service(**{source: user, target: other_user})
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(**{source: user, target: other_user})
    assert model.objects.count() == 1


def test_follow_delete_ends_the_follow(user, other_user):
    """Unfollowing removes the edge and reports that there was one."""
    follow_create(follower=user, followee=other_user)
    assert follow_delete(follower=user, followee=other_user) is True
    assert not _follows(user, other_user)


def test_follow_delete_without_a_follow_is_harmless(user, other_user):
    """Unfollowing someone you do not follow changes nothing and reports False."""
    follow_create(follower=other_user, followee=user)
    assert follow_delete(follower=user, followee=other_user) is False
    assert _follows(other_user, user)


# Block


def test_block_create_ends_follows_both_ways(user, other_user):
    """Blocking removes the blocker's follow of the blocked and the blocked's follow back."""
    follow_create(follower=user, followee=other_user)
    follow_create(follower=other_user, followee=user)
    bystander = UserFactory()
    follow_create(follower=bystander, followee=user)
    block_create(blocker=user, blocked=other_user)
    assert not _follows(user, other_user)
    assert not _follows(other_user, user)
    assert _follows(bystander, user), "a third party's follow is untouched"


def test_block_create_is_idempotent(user, other_user):
    """Blocking twice keeps one Block row."""
    first = block_create(blocker=user, blocked=other_user)
    second = block_create(blocker=user, blocked=other_user)
    assert first.pk == second.pk
    assert Block.objects.count() == 1


def test_block_create_refuses_blocking_yourself(user):
    """Blocking yourself is refused (PermissionDenied) and stores nothing."""
    with pytest.raises(PermissionDenied):
        block_create(blocker=user, blocked=user)
    assert not Block.objects.exists()


@pytest.mark.parametrize("direction", ["blocked_follows_blocker", "blocker_follows_blocked"])
def test_a_block_prevents_following_either_way(user, other_user, direction):
    """Neither side of a block can follow the other."""
    block_create(blocker=user, blocked=other_user)
    follower, followee = (
        (other_user, user) if direction == "blocked_follows_blocker" else (user, other_user)
    )
    with pytest.raises(PermissionDenied):
        follow_create(follower=follower, followee=followee)
    assert not Follow.objects.exists()


def test_the_blocked_user_cannot_comment_on_the_blockers_post(user, other_user):
    """A comment by the blocked user on the blocker's post is refused and not saved."""
    post = PostFactory(author=user)
    block_create(blocker=user, blocked=other_user)
    with pytest.raises(PermissionDenied):
        post_create(author=other_user, body="hi", in_reply_to=post)
    assert not Post.objects.filter(in_reply_to=post).exists()


def test_the_blocked_user_cannot_like_the_blockers_post(user, other_user):
    """A like by the blocked user on the blocker's post is refused and not saved."""
    post = PostFactory(author=user)
    block_create(blocker=user, blocked=other_user)
    with pytest.raises(PermissionDenied):
        post_like(user=other_user, post=post)
    assert not Like.objects.exists()


def test_the_blocked_user_cannot_repost_the_blockers_post(user, other_user):
    """A repost by the blocked user of the blocker's post is refused and not saved."""
    post = PostFactory(author=user)
    block_create(blocker=user, blocked=other_user)
    with pytest.raises(PermissionDenied):
        post_repost(user=other_user, post=post)
    assert not Post.objects.filter(repost_of=post).exists()


def test_the_blocked_user_cannot_bookmark_the_blockers_post(user, other_user):
    """A bookmark by the blocked user of the blocker's post is refused and not saved."""
    post = PostFactory(author=user)
    block_create(blocker=user, blocked=other_user)
    with pytest.raises(PermissionDenied):
        post_bookmark(user=other_user, post=post)
    assert not Bookmark.objects.exists()


def test_the_blocker_cannot_interact_with_the_blocked_users_post(user, other_user):
    """A block works both ways: the blocker cannot like or comment on the blocked's posts."""
    post = PostFactory(author=other_user)
    block_create(blocker=user, blocked=other_user)
    with pytest.raises(PermissionDenied):
        post_like(user=user, post=post)
    with pytest.raises(PermissionDenied):
        post_create(author=user, body="hi", in_reply_to=post)
    assert not Like.objects.exists()
    assert Post.objects.count() == 1


def test_a_mention_by_the_blocked_user_does_not_notify_the_blocker(user, other_user):
    """The blocked user can still type @blocker, but the blocker is not notified."""
    block_create(blocker=user, blocked=other_user)
    post_create(author=other_user, body=f"hello @{user.username}")
    assert not Notification.objects.filter(recipient=user).exists()


def test_a_mention_by_the_blocker_does_not_notify_the_blocked_user(user, other_user):
    """The blocked user is not notified when the blocker mentions them either."""
    block_create(blocker=user, blocked=other_user)
    post_create(author=user, body=f"about @{other_user.username}")
    assert not Notification.objects.filter(recipient=other_user).exists()


def test_block_create_removes_notifications_between_the_two(user, other_user):
    """Blocking deletes the notifications each side got from the other."""
    bystander = UserFactory()
    follow_create(follower=other_user, followee=user)
    follow_create(follower=user, followee=other_user)
    follow_create(follower=bystander, followee=user)
    block_create(blocker=user, blocked=other_user)
    assert not Notification.objects.filter(recipient=user, actor=other_user).exists()
    assert not Notification.objects.filter(recipient=other_user, actor=user).exists()
    assert Notification.objects.filter(recipient=user, actor=bystander).exists()


def test_block_delete_lets_them_follow_again(user, other_user):
    """Unblocking allows following again, but does not restore the old follows."""
    FollowFactory(follower=other_user, followee=user)
    block_create(blocker=user, blocked=other_user)
    assert block_delete(blocker=user, blocked=other_user) is True
    assert not _follows(other_user, user)
    follow_create(follower=other_user, followee=user)
    assert _follows(other_user, user)


def test_block_delete_lets_them_interact_again(user, other_user):
    """After unblocking, the formerly blocked user can like the blocker's post."""
    post = PostFactory(author=user)
    block_create(blocker=user, blocked=other_user)
    block_delete(blocker=user, blocked=other_user)
    post_like(user=other_user, post=post)
    assert Like.objects.filter(user=other_user, post=post).exists()


def test_block_delete_without_a_block_reports_false(user, other_user):
    """Unblocking someone you have not blocked changes nothing and reports False."""
    block_create(blocker=other_user, blocked=user)
    assert block_delete(blocker=user, blocked=other_user) is False
    assert Block.objects.filter(blocker=other_user, blocked=user).exists()


def test_only_the_blocker_can_undo_a_block(user, other_user):
    """The blocked user cannot lift the block by 'unblocking' the blocker."""
    block_create(blocker=user, blocked=other_user)
    block_delete(blocker=other_user, blocked=user)
    with pytest.raises(PermissionDenied):
        follow_create(follower=other_user, followee=user)


# Mute


@pytest.fixture
def muted_pair(user, other_user):
    """user and other_user follow each other, then user mutes other_user."""
    follow_create(follower=user, followee=other_user)
    follow_create(follower=other_user, followee=user)
    mute_create(muter=user, muted=other_user)
    return user, other_user


def test_mute_hides_the_muted_users_posts_from_the_muters_home(muted_pair):
    """A muted followee's posts leave the muter's home timeline."""
    muter, muted = muted_pair
    post = PostFactory(author=muted)
    assert post not in selectors.home(muter)


def test_mute_hides_the_muted_users_posts_from_explore(muted_pair):
    """A muted user's public posts leave the muter's explore page."""
    muter, muted = muted_pair
    post = PostFactory(author=muted)
    other = PostFactory()
    explore = list(selectors.explore(muter))
    assert post not in explore
    assert other in explore


def test_mute_hides_the_muted_users_posts_from_tags(muted_pair):
    """A muted user's tagged posts leave the muter's tag page."""
    muter, muted = muted_pair
    post = PostFactory(author=muted, body="about #gardening")
    other = PostFactory(body="also #gardening")
    listed = list(selectors.tag(muter, Tag.objects.get(name="gardening")))
    assert post not in listed
    assert other in listed


def test_mute_hides_the_muted_users_posts_from_search(muted_pair):
    """A muted user's posts do not come up in the muter's search."""
    muter, muted = muted_pair
    post = PostFactory(author=muted, body="zucchini harvest")
    other = PostFactory(body="zucchini recipes")
    found = list(post_selectors.search_posts(muter, "zucchini"))
    assert post not in found
    assert other in found


def test_mute_hides_reposts_of_the_muted_users_posts(muted_pair):
    """A followee's repost of a muted user's post stays off the muter's home."""
    muter, muted = muted_pair
    friend = UserFactory()
    follow_create(follower=muter, followee=friend)
    repost = post_repost(user=friend, post=PostFactory(author=muted))
    assert repost not in selectors.home(muter)


def test_mute_suppresses_notifications_from_the_muted_user(muted_pair):
    """Likes, comments and mentions by a muted user do not notify the muter."""
    muter, muted = muted_pair
    post = PostFactory(author=muter)
    Notification.objects.all().delete()
    post_like(user=muted, post=post)
    post_create(author=muted, body="a comment", in_reply_to=post)
    post_create(author=muted, body=f"hey @{muter.username}")
    assert not Notification.objects.filter(recipient=muter).exists()


def test_the_muted_user_sees_no_difference(muted_pair):
    """The muted user still sees the muter's posts everywhere and still gets notifications."""
    muter, muted = muted_pair
    post = PostFactory(author=muter, body="snails and #gardening")
    assert post in selectors.home(muted)
    assert post in selectors.explore(muted)
    assert post in selectors.tag(muted, Tag.objects.get(name="gardening"))
    assert post in post_selectors.search_posts(muted, "snails")
    assert post in selectors.profile(muted, muter)
    mine = PostFactory(author=muted)
    post_like(user=muter, post=mine)
    assert Notification.objects.filter(recipient=muted, actor=muter, kind=Kind.LIKE).exists()
    everything = Notification.objects.filter(recipient=muted).count()
    assert notification_selectors.unread_count(muted) == everything


def test_mute_keeps_the_follow(muted_pair):
    """Muting is silent: the follows between the two stay as they were."""
    muter, muted = muted_pair
    assert _follows(muter, muted)
    assert _follows(muted, muter)


def test_mute_create_refuses_muting_yourself(user):
    """Muting yourself is refused (PermissionDenied) and stores nothing."""
    with pytest.raises(PermissionDenied):
        mute_create(muter=user, muted=user)
    assert not Mute.objects.exists()


def test_mute_create_is_idempotent(user, other_user):
    """Muting twice keeps one Mute row."""
    mute_create(muter=user, muted=other_user)
    mute_create(muter=user, muted=other_user)
    assert Mute.objects.count() == 1


def test_mute_delete_brings_the_posts_back(muted_pair):
    """Unmuting shows the muted user's posts on home again, and reports True once."""
    muter, muted = muted_pair
    post = PostFactory(author=muted)
    assert mute_delete(muter=muter, muted=muted) is True
    assert mute_delete(muter=muter, muted=muted) is False
    assert post in selectors.home(muter)
