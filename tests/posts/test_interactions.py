"""Likes, reposts and bookmarks (posts.services): idempotent, visible-only, gone with the post."""

import pytest
from django.core.exceptions import PermissionDenied

from notifications.models import Notification
from posts.models import Bookmark, Like, Post, Visibility
from posts.services import (
    post_bookmark,
    post_create,
    post_delete,
    post_like,
    post_repost,
    post_unbookmark,
    post_unlike,
    post_unrepost,
)
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory

# Notifications are delivered on commit: run the callbacks as each service commits.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


# Likes


def test_post_like_records_one_like(user):
    """Liking stores a Like for the user and the post."""
    post = PostFactory()
    post_like(user=user, post=post)
    assert Like.objects.filter(user=user, post=post).count() == 1


def test_post_like_is_idempotent(user):
    """Liking twice keeps one Like (the same row)."""
    post = PostFactory()
    first = post_like(user=user, post=post)
    second = post_like(user=user, post=post)
    assert first.pk == second.pk
    assert Like.objects.count() == 1


def test_post_unlike_removes_the_like_and_is_idempotent(user):
    """Unliking removes the like and reports True; a second unlike reports False."""
    post = PostFactory()
    post_like(user=user, post=post)
    post_like(user=UserFactory(), post=post)
    assert post_unlike(user=user, post=post) is True
    assert post_unlike(user=user, post=post) is False
    assert not Like.objects.filter(user=user).exists()
    assert Like.objects.filter(post=post).count() == 1, "another user's like stays"


def test_liking_a_repost_likes_the_original(user):
    """A like given through a repost lands on the original post; unliking it there works too."""
    original = PostFactory()
    repost = post_repost(user=UserFactory(), post=original)
    post_like(user=user, post=repost)
    assert Like.objects.filter(user=user, post=original).exists()
    assert not Like.objects.filter(post=repost).exists()
    assert post_unlike(user=user, post=repost) is True
    assert not Like.objects.exists()


# Reposts


def test_post_repost_creates_a_repost_of_the_original(user):
    """A repost is a new Post by the reposter, pointing at the original, with no body."""
    original = PostFactory()
    repost = post_repost(user=user, post=original)
    assert repost.author == user
    assert repost.repost_of == original
    assert repost.in_reply_to is None


def test_post_repost_is_once_per_user(user):
    """Reposting twice returns the same repost; only one exists."""
    original = PostFactory()
    first = post_repost(user=user, post=original)
    second = post_repost(user=user, post=original)
    assert first.pk == second.pk
    assert Post.objects.filter(repost_of=original).count() == 1


def test_different_users_can_each_repost(user, other_user):
    """The one-repost rule is per user: two users make two reposts."""
    original = PostFactory()
    post_repost(user=user, post=original)
    post_repost(user=other_user, post=original)
    assert Post.objects.filter(repost_of=original).count() == 2


def test_a_repost_of_a_repost_lands_on_the_original(user, other_user):
    """Reposting a repost reposts the original, never a chain."""
    original = PostFactory()
    first = post_repost(user=other_user, post=original)
    second = post_repost(user=user, post=first)
    assert second.repost_of == original
    assert not Post.objects.filter(repost_of=first).exists()


def test_reposting_the_same_post_through_a_repost_is_still_once(user, other_user):
    """Reposting the original and then a repost of it leaves one repost by the user."""
    original = PostFactory()
    mine = post_repost(user=user, post=original)
    again = post_repost(user=user, post=post_repost(user=other_user, post=original))
    assert again.pk == mine.pk
    assert Post.objects.filter(author=user, repost_of__isnull=False).count() == 1


@pytest.mark.parametrize("reposter", ["follower", "author"])
def test_a_followers_only_post_cannot_be_reposted(user, reposter):
    """Followers-only posts are not reshared, not by a follower and not by the author."""
    author = UserFactory()
    FollowFactory(follower=user, followee=author)
    post = PostFactory(author=author, visibility=Visibility.FOLLOWERS)
    with pytest.raises(PermissionDenied):
        post_repost(user=user if reposter == "follower" else author, post=post)
    assert not Post.objects.filter(repost_of=post).exists()


def test_post_unrepost_removes_the_repost_and_is_idempotent(user):
    """Undoing a repost deletes it and reports True; a second undo reports False."""
    original = PostFactory()
    post_repost(user=user, post=original)
    post_repost(user=UserFactory(), post=original)
    assert post_unrepost(user=user, post=original) is True
    assert post_unrepost(user=user, post=original) is False
    assert not Post.objects.filter(author=user, repost_of=original).exists()
    assert Post.objects.filter(pk=original.pk).exists()
    assert Post.objects.filter(repost_of=original).count() == 1, "another user's repost stays"


def test_post_unrepost_through_the_repost_itself(user):
    """Passing your repost (not the original) to unrepost also removes it."""
    repost = post_repost(user=user, post=PostFactory())
    assert post_unrepost(user=user, post=repost) is True
    assert not Post.objects.filter(pk=repost.pk).exists()


# Bookmarks


def test_post_bookmark_is_idempotent(user):
    """Bookmarking twice keeps one Bookmark."""
    post = PostFactory()
    first = post_bookmark(user=user, post=post)
    second = post_bookmark(user=user, post=post)
    assert first.pk == second.pk
    assert Bookmark.objects.filter(user=user, post=post).count() == 1


def test_post_unbookmark_removes_it_and_is_idempotent(user):
    """Removing a bookmark reports True, then False; other users' bookmarks stay."""
    post = PostFactory()
    post_bookmark(user=user, post=post)
    post_bookmark(user=UserFactory(), post=post)
    assert post_unbookmark(user=user, post=post) is True
    assert post_unbookmark(user=user, post=post) is False
    assert not Bookmark.objects.filter(user=user).exists()
    assert Bookmark.objects.count() == 1


def test_bookmarking_a_repost_bookmarks_the_original(user):
    """A bookmark made through a repost lands on the original post."""
    original = PostFactory()
    post_bookmark(user=user, post=post_repost(user=UserFactory(), post=original))
    assert Bookmark.objects.filter(user=user, post=original).exists()


def test_bookmarks_do_not_notify(user):
    """A bookmark is private: the author is not told."""
    post = PostFactory()
    post_bookmark(user=user, post=post)
    assert not Notification.objects.filter(recipient=post.author).exists()


# Visibility


@pytest.fixture
def unseen_post(db):
    """A followers-only post that user (a non-follower) cannot see."""
    return PostFactory(visibility=Visibility.FOLLOWERS)


def test_liking_a_post_you_cannot_see_is_refused(user, unseen_post):
    """A non-follower cannot like a followers-only post; nothing is stored or notified."""
    with pytest.raises(PermissionDenied):
        post_like(user=user, post=unseen_post)
    assert not Like.objects.exists()
    assert not Notification.objects.exists()


def test_bookmarking_a_post_you_cannot_see_is_refused(user, unseen_post):
    """A non-follower cannot bookmark a followers-only post."""
    with pytest.raises(PermissionDenied):
        post_bookmark(user=user, post=unseen_post)
    assert not Bookmark.objects.exists()


def test_reposting_a_post_you_cannot_see_is_refused(user, unseen_post):
    """A non-follower cannot repost a followers-only post."""
    with pytest.raises(PermissionDenied):
        post_repost(user=user, post=unseen_post)
    assert not Post.objects.filter(repost_of=unseen_post).exists()


def test_commenting_on_a_post_you_cannot_see_is_refused(user, unseen_post):
    """A non-follower cannot comment on a followers-only post."""
    with pytest.raises(PermissionDenied):
        post_create(author=user, body="let me in", in_reply_to=unseen_post)
    assert not Post.objects.filter(in_reply_to=unseen_post).exists()


def test_a_follower_can_like_and_bookmark_a_followers_only_post(user, unseen_post):
    """Once user follows the author, the same post can be liked and bookmarked."""
    FollowFactory(follower=user, followee=unseen_post.author)
    post_like(user=user, post=unseen_post)
    post_bookmark(user=user, post=unseen_post)
    assert Like.objects.filter(user=user, post=unseen_post).exists()
    assert Bookmark.objects.filter(user=user, post=unseen_post).exists()


# Deleting a post


def test_deleting_a_post_removes_its_reposts_likes_bookmarks_and_notifications(user):
    """After a post is deleted, nothing that pointed at it remains."""
    post = PostFactory(author=user)
    fans = [UserFactory() for _ in range(3)]
    for fan in fans:
        post_like(user=fan, post=post)
        post_bookmark(user=fan, post=post)
    reposts = [post_repost(user=fan, post=post) for fan in fans[:2]]
    comment = CommentFactory(author=fans[0], in_reply_to=post)
    post_like(user=user, post=comment)
    assert Notification.objects.filter(post=post).exists()
    assert Notification.objects.filter(post=comment).exists()
    keeper = PostFactory(author=fans[0])
    post_like(user=user, post=keeper)

    post_delete(user=user, post=post)

    gone = [post.pk, comment.pk, *(r.pk for r in reposts)]
    assert not Post.objects.filter(pk__in=gone).exists()
    assert not Like.objects.filter(post_id__in=gone).exists()
    assert not Bookmark.objects.filter(post_id__in=gone).exists()
    assert not Notification.objects.filter(post_id__in=gone).exists()
    assert Like.objects.filter(post=keeper).exists(), "other posts keep their likes"
    assert Notification.objects.filter(post=keeper).exists()
