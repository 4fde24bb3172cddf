"""Found in review: post_delete (posts/views.py) falls back to selectors.thread_comment_of, which
finds any comment below the reader's post with no visibility rule at all, and the confirm page
(templates/posts/delete.html) renders the comment's body. The fallback was meant for comments
the thread author blocked; it also opens comments whose author blocked the thread author, and
comments by deactivated accounts, to be read by them."""

import pytest
from django.urls import reverse

from social.services import block_create
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_delete_page_does_not_show_a_comment_by_someone_who_blocked_you(client):
    """Expected: Bob commented on Alice's post, then blocked Alice. Alice cannot read Bob's
    comment (its URL is 404 for her); the delete page may let her delete it, but must not show
    her its text.

    Actual: GET /@bob/<id>/delete/ answers 200 with Bob's words in a <blockquote>.
    Fix: in templates/posts/delete.html (or post_delete) show the body only when
    post_is_visible_to(post, reader); otherwise describe it ("a comment by an account you cannot
    see") without its text.
    """
    alice, bob = UserFactory(), UserFactory()
    post = PostFactory(author=alice, body="alice's post")
    comment = CommentFactory(author=bob, in_reply_to=post, body="words only bob's readers see")
    block_create(blocker=bob, blocked=alice)
    client.force_login(alice)
    assert client.get(comment.get_absolute_url()).status_code == 404

    response = client.get(
        reverse("post_delete", kwargs={"username": bob.username, "pk": comment.pk})
    )

    assert "words only bob's readers see" not in response.content.decode()
    # Cancel goes back to the thread, not to the comment's own (404) address.
    assert f'href="{post.get_absolute_url()}" role="button"' in response.content.decode()
