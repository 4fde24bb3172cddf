"""A block covers the blocker's whole thread: old comments by the blocked account disappear
from it for everyone, new ones are refused at any depth, and the thread's author may still
delete every comment in it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from posts import selectors as post_selectors
from posts.models import Post
from posts.services import post_create
from social.services import block_create, block_delete
from tests.factories import CommentFactory, PostFactory, UserFactory
from timelines import selectors

pytestmark = pytest.mark.django_db


def delete_url(post: Post) -> str:
    return reverse("post_delete", kwargs={"username": post.author.username, "pk": post.pk})


@pytest.fixture
def thread():
    """Alice's post with a comment by Bob and one by Carol; then Alice blocks Bob."""
    alice, bob, carol, dave = (UserFactory() for _ in range(4))
    post = PostFactory(author=alice, body="alice's post")
    bobs = CommentFactory(author=bob, in_reply_to=post, body="bob was here")
    carols = CommentFactory(author=carol, in_reply_to=post, body="carol was here")
    block_create(blocker=alice, blocked=bob)
    return {"alice": alice, "bob": bob, "carol": carol, "dave": dave, "post": post,
            "bobs": bobs, "carols": carols}  # fmt: skip


def test_blocked_users_old_comment_disappears_from_the_thread_for_everyone(client, thread):
    """Carol and Dave no longer see Bob's comment on Alice's post, on the page or in lists."""
    for reader in (thread["carol"], thread["dave"]):
        comments = list(post_selectors.comments(reader, thread["post"]))
        assert thread["bobs"] not in comments
        assert thread["carols"] in comments
        client.force_login(reader)
        page = client.get(thread["post"].get_absolute_url())
        assert "bob was here" not in page.content.decode()
        assert client.get(thread["bobs"].get_absolute_url()).status_code == 404
        profile = client.get(thread["bob"].get_absolute_url() + "?tab=all")
        assert "bob was here" not in profile.content.decode()


def test_the_comment_comes_back_when_the_block_is_lifted(thread):
    block_delete(blocker=thread["alice"], blocked=thread["bob"])
    assert thread["bobs"] in post_selectors.comments(thread["dave"], thread["post"])


def test_the_blocked_author_still_sees_their_own_comment_on_their_profile(thread):
    bob = thread["bob"]
    assert thread["bobs"] in selectors.profile(bob, bob, with_comments=True)


def test_thread_author_can_delete_a_blocked_users_comment(client, thread):
    """Alice opens the delete page of Bob's hidden comment and deletes it (no 404)."""
    client.force_login(thread["alice"])
    assert client.get(delete_url(thread["bobs"])).status_code == 200
    response = client.post(delete_url(thread["bobs"]))
    assert response.status_code == 302
    assert not Post.objects.filter(pk=thread["bobs"].pk).exists()


def test_thread_author_can_delete_a_comment_at_any_depth(client, thread):
    """A reply to Carol's comment, by Dave, is Alice's to delete as well."""
    reply = CommentFactory(author=thread["dave"], in_reply_to=thread["carols"], body="deep")
    client.force_login(thread["alice"])
    assert client.post(delete_url(reply)).status_code == 302
    assert not Post.objects.filter(pk=reply.pk).exists()


def test_a_stranger_still_cannot_delete_a_comment_in_someone_elses_thread(client, thread):
    client.force_login(thread["dave"])
    assert client.post(delete_url(thread["carols"])).status_code == 403
    assert client.post(delete_url(thread["bobs"])).status_code == 404
    assert Post.objects.filter(pk__in=[thread["carols"].pk, thread["bobs"].pk]).count() == 2


@pytest.mark.parametrize("parent", ["carols", "deeper"])
def test_blocked_user_cannot_reply_anywhere_in_the_blockers_thread(thread, parent):
    """Bob's reply to Carol's comment (or a reply below it) in Alice's thread is refused."""
    target = thread["carols"]
    if parent == "deeper":
        target = CommentFactory(author=thread["dave"], in_reply_to=target, body="deeper")
    before = Post.objects.count()
    with pytest.raises(PermissionDenied):
        post_create(author=thread["bob"], body="sneaking in", in_reply_to=target)
    assert Post.objects.count() == before


def test_blocked_user_cannot_reply_through_the_comment_form(client, thread):
    client.force_login(thread["bob"])
    before = Post.objects.count()
    response = client.post(thread["carols"].get_absolute_url(), {"body": "sneaking in"})
    assert response.status_code in (400, 404)
    assert Post.objects.count() == before


def test_the_blocker_cannot_reply_in_the_blocked_users_thread_either(thread):
    """A block separates both ways: Bob blocking Carol stops her replies in his threads."""
    bob, carol = thread["bob"], thread["carol"]
    bobs_post = PostFactory(author=bob, body="bob's own post")
    daves = CommentFactory(author=thread["dave"], in_reply_to=bobs_post)
    block_create(blocker=carol, blocked=bob)
    with pytest.raises(PermissionDenied):
        post_create(author=carol, body="hi", in_reply_to=daves)


def test_comments_record_the_first_post_of_their_thread(thread):
    reply = CommentFactory(author=thread["dave"], in_reply_to=thread["carols"])
    assert thread["carols"].root == thread["post"]
    assert reply.root == thread["post"]
    assert thread["post"].root is None
