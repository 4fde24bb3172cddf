"""The write rules for posts and comments (posts.services)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conversations.services import message_send
from posts.models import Post, Visibility
from posts.services import post_create, post_delete, post_edit, post_repost
from tests.blocks import BLOCKED_EITHER_WAY, block_between
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


# post_create


def test_post_create_saves_the_post_for_its_author(user):
    """A post is saved with its author and body, as a top-level post."""
    post = post_create(author=user, body="Hello, world")
    saved = Post.objects.get(pk=post.pk)
    assert saved.author == user
    assert saved.body == "Hello, world"
    assert saved.in_reply_to is None
    assert saved.edited_at is None


@pytest.mark.parametrize("body", ["", " ", "   \n\t  ", "\r\n\r\n"])
def test_post_create_refuses_empty_or_whitespace_body(user, body):
    """An empty or whitespace-only body is refused and nothing is saved."""
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=user, body=body)
    assert "body" in excinfo.value.message_dict
    assert not Post.objects.exists()


def test_post_create_refuses_a_nul_character(user):
    """A NUL character is refused (PostgreSQL cannot store it) and nothing is saved."""
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=user, body="a\x00b")
    assert "body" in excinfo.value.message_dict
    assert not Post.objects.exists()


def test_post_create_accepts_exactly_the_limit(user, settings):
    """A body of exactly MSG_MAX_POST_LENGTH characters is accepted."""
    settings.MSG_MAX_POST_LENGTH = 500
    post = post_create(author=user, body="x" * 500)
    assert len(Post.objects.get(pk=post.pk).body) == 500


def test_post_create_refuses_one_over_the_limit(user, settings):
    """A body one character over MSG_MAX_POST_LENGTH is refused and nothing is saved."""
    settings.MSG_MAX_POST_LENGTH = 500
    with pytest.raises(ValidationError) as excinfo:
        post_create(author=user, body="x" * 501)
    assert "501" in excinfo.value.message_dict["body"][0]
    assert not Post.objects.exists()


def test_post_create_honours_a_changed_limit(user, settings):
    """MSG_MAX_POST_LENGTH is read at call time: a lower limit refuses what 500 would allow."""
    settings.MSG_MAX_POST_LENGTH = 10
    post_create(author=user, body="x" * 10)
    with pytest.raises(ValidationError):
        post_create(author=user, body="x" * 11)
    assert Post.objects.count() == 1


def test_post_create_counts_length_after_trimming(user, settings):
    """Outer whitespace does not count towards the limit."""
    settings.MSG_MAX_POST_LENGTH = 5
    post = post_create(author=user, body="   abcde   ")
    assert post.body == "abcde"


def test_post_create_trims_outer_whitespace_and_keeps_inner_lines(user):
    """The body is trimmed and its line endings become \\n; inner line breaks stay."""
    post = post_create(author=user, body="  \n first line\r\nsecond line\rthird  \n ")
    assert Post.objects.get(pk=post.pk).body == "first line\nsecond line\nthird"


# comments


def test_comment_create_replies_to_the_post(user):
    """A comment is a post whose in_reply_to is the post it answers."""
    post = PostFactory()
    comment = post_create(author=user, body="Nice one", in_reply_to=post)
    assert comment.in_reply_to == post
    assert comment.is_comment
    assert list(post.replies.all()) == [comment]


def test_comment_create_refuses_empty_body(user):
    """An empty comment is refused and the post gets no reply."""
    post = PostFactory()
    with pytest.raises(ValidationError):
        post_create(author=user, body="  ", in_reply_to=post)
    assert not post.replies.exists()


# post_edit


def test_post_edit_changes_the_body_and_sets_edited_at(user):
    """The author can edit; the new body is saved trimmed and edited_at records when."""
    post = PostFactory(author=user, body="first")
    moment = timezone.now() + timedelta(minutes=5)
    with time_machine.travel(moment, tick=False):
        post_edit(user=user, post=post, body="  second  ")
    saved = Post.objects.get(pk=post.pk)
    assert saved.body == "second"
    assert saved.edited_at == moment
    assert saved.created_at < moment


def test_post_edit_by_another_user_is_denied_and_changes_nothing(user, other_user):
    """A user cannot edit another user's post; the body stays as it was."""
    post = PostFactory(author=user, body="mine")
    with pytest.raises(PermissionDenied):
        post_edit(user=other_user, post=post, body="hijacked")
    saved = Post.objects.get(pk=post.pk)
    assert saved.body == "mine"
    assert saved.edited_at is None


def test_post_edit_of_a_comment_by_the_post_author_is_denied(user, other_user):
    """The post's author may delete comments on it, but not rewrite them."""
    post = PostFactory(author=user)
    comment = CommentFactory(author=other_user, in_reply_to=post, body="my words")
    with pytest.raises(PermissionDenied):
        post_edit(user=user, post=comment, body="your words")
    assert Post.objects.get(pk=comment.pk).body == "my words"


@pytest.mark.parametrize("body", ["", "   "])
def test_post_edit_refuses_empty_body(user, body):
    """Editing to an empty body is refused and the old body stays."""
    post = PostFactory(author=user, body="keep me")
    with pytest.raises(ValidationError):
        post_edit(user=user, post=post, body=body)
    saved = Post.objects.get(pk=post.pk)
    assert saved.body == "keep me"
    assert saved.edited_at is None


def test_post_edit_refuses_too_long_body(user, settings):
    """Editing past MSG_MAX_POST_LENGTH is refused and the old body stays."""
    settings.MSG_MAX_POST_LENGTH = 20
    post = PostFactory(author=user, body="short")
    with pytest.raises(ValidationError):
        post_edit(user=user, post=post, body="y" * 21)
    assert Post.objects.get(pk=post.pk).body == "short"


# post_delete


def test_post_delete_by_author_removes_the_post(user):
    """The author can delete their post; one post is reported removed."""
    post = PostFactory(author=user)
    assert post_delete(user=user, post=post) == 1
    assert not Post.objects.filter(pk=post.pk).exists()


def test_post_delete_removes_its_comments_and_returns_the_count(user):
    """Deleting a post deletes its comments; the count includes them."""
    post = PostFactory(author=user)
    comments = CommentFactory.create_batch(3, in_reply_to=post)
    unrelated = PostFactory()
    removed = post_delete(user=user, post=post)
    assert removed == 1 + len(comments)
    assert list(Post.objects.all()) == [unrelated]


def test_post_delete_by_a_stranger_is_denied(user, other_user):
    """A user cannot delete another user's post; it stays."""
    post = PostFactory(author=user)
    with pytest.raises(PermissionDenied):
        post_delete(user=other_user, post=post)
    assert Post.objects.filter(pk=post.pk).exists()


def test_post_delete_of_a_deep_reply_chain_takes_no_recursion(
    user, other_user, django_assert_max_num_queries
):
    """Each message of a conversation answers the newest, so a 600-message conversation is a
    reply chain 600 deep: deleting its first message deletes all of it, with one query per
    level (the level-by-level locks) and a fixed number besides, never a recursion per level
    (a RecursionError near 500 levels)."""
    a, b = user, other_user
    first = message_send(author=a, body="hello", recipients=[b])
    newest = first
    depth = 600
    for n in range(depth):
        newest = message_send(author=(b, a)[n % 2], body=f"message {n}", in_reply_to=newest)
    with django_assert_max_num_queries(depth + 40):
        deleted = post_delete(user=a, post=Post.objects.get(pk=first.pk))
    assert deleted == depth + 1
    assert not Post.objects.exists()


def test_post_delete_of_a_message_keeps_the_rest_of_the_conversation(user, other_user):
    """Deleting a message that continues a conversation deletes that message alone: the
    message that answered it now answers the one it answered, in the same conversation."""
    a, b = user, other_user
    first = message_send(author=a, body="hello", recipients=[b])
    typo = message_send(author=b, body="hi tehre", in_reply_to=first)
    answer = message_send(author=a, body="the meeting is at 10", in_reply_to=typo)
    later = message_send(author=b, body="ok", in_reply_to=answer)
    assert post_delete(user=b, post=Post.objects.get(pk=typo.pk)) == 1
    answer.refresh_from_db()
    assert (answer.in_reply_to_id, answer.root_id, answer.conversation_id) == (
        first.pk,
        first.pk,
        first.pk,
    )
    assert list(Post.objects.order_by("pk")) == [first, answer, later]


def test_post_delete_of_a_conversations_first_message_deletes_the_conversation(user, other_user):
    """The first message is the conversation: deleting it deletes every message in it."""
    a, b = user, other_user
    first = message_send(author=a, body="hello", recipients=[b])
    reply = message_send(author=b, body="hi", in_reply_to=first)
    message_send(author=a, body="how are you", in_reply_to=reply)
    other = message_send(author=b, body="another conversation", recipients=[a])
    assert post_delete(user=a, post=Post.objects.get(pk=first.pk)) == 3
    assert list(Post.objects.all()) == [other]


def test_post_delete_of_someone_elses_message_is_denied(user, other_user):
    """Only its author deletes a direct message, not the conversation's starter nor the author
    of the message it answers."""
    a, b = user, other_user
    first = message_send(author=a, body="hello", recipients=[b])
    reply = message_send(author=b, body="hi", in_reply_to=first)
    with pytest.raises(PermissionDenied):
        post_delete(user=a, post=Post.objects.get(pk=reply.pk))
    assert Post.objects.filter(pk=reply.pk).exists()


def test_comment_delete_by_the_post_author_is_allowed(user, other_user):
    """The post's author may delete a comment someone else left on it."""
    post = PostFactory(author=user)
    comment = CommentFactory(author=other_user, in_reply_to=post)
    assert post_delete(user=user, post=comment) == 1
    assert list(Post.objects.all()) == [post]


def test_comment_delete_by_its_author_is_allowed(user, other_user):
    """A comment's author may delete their own comment on someone else's post."""
    post = PostFactory(author=other_user)
    comment = CommentFactory(author=user, in_reply_to=post)
    assert post_delete(user=user, post=comment) == 1
    assert list(Post.objects.all()) == [post]


def test_comment_delete_by_a_stranger_is_denied(user, other_user):
    """Someone who wrote neither the comment nor the post cannot delete the comment."""
    post = PostFactory(author=user)
    comment = CommentFactory(author=other_user, in_reply_to=post)
    stranger = UserFactory()
    with pytest.raises(PermissionDenied):
        post_delete(user=stranger, post=comment)
    assert Post.objects.filter(pk=comment.pk).exists()


def test_comment_author_cannot_delete_the_post(user, other_user):
    """Commenting on a post gives no right to delete the post itself."""
    post = PostFactory(author=other_user)
    CommentFactory(author=user, in_reply_to=post)
    with pytest.raises(PermissionDenied):
        post_delete(user=user, post=post)
    assert Post.objects.count() == 2


def test_post_delete_removes_nested_comments_and_reposts(user):
    """Deleting a post also removes replies to its comments and its reposts; all are counted."""
    post = PostFactory(author=user)
    comment = CommentFactory(in_reply_to=post)
    thread = [post, comment, CommentFactory(in_reply_to=comment)]
    thread.append(post_repost(user=UserFactory(), post=post))
    unrelated = PostFactory()
    removed = post_delete(user=user, post=post)
    assert removed == len(thread)
    assert list(Post.objects.all()) == [unrelated]


# who may comment


def test_comment_on_a_followers_only_post_needs_a_follow(user, other_user):
    """Only followers may comment on a followers-only post; their comment stays followers-only."""
    post = PostFactory(author=other_user, visibility=Visibility.FOLLOWERS)
    with pytest.raises(PermissionDenied):
        post_create(author=user, body="Let me in", in_reply_to=post)
    assert not post.replies.exists()
    FollowFactory(follower=user, followee=other_user)
    comment = post_create(author=user, body="Now I follow", in_reply_to=post)
    assert comment.visibility == Visibility.FOLLOWERS


@BLOCKED_EITHER_WAY
def test_comment_across_a_block_is_denied(user, other_user, author_blocks):
    """When either side has blocked the other, neither can comment on the other's posts."""
    post = PostFactory(author=other_user)
    block_between(other_user, user, author_blocks=author_blocks)
    with pytest.raises(PermissionDenied):
        post_create(author=user, body="Hello?", in_reply_to=post)
    assert not post.replies.exists()


def test_comment_on_a_repost_lands_on_the_original(user, other_user):
    """Commenting on a repost comments on the post that was reposted."""
    original = PostFactory(author=other_user)
    repost = post_repost(user=UserFactory(), post=original)
    comment = post_create(author=user, body="On the original", in_reply_to=repost)
    assert comment.in_reply_to == original


def test_a_repost_cannot_be_edited(user):
    """A repost has no text of its own to edit, even for the one who reposted."""
    repost = post_repost(user=user, post=PostFactory(body="Not mine"))
    with pytest.raises(PermissionDenied):
        post_edit(user=user, post=repost, body="Mine now")
    assert Post.objects.get(pk=repost.repost_of_id).body == "Not mine"
