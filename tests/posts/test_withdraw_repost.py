"""Found in review: the withdraw path for unseen posts (posts/views.py _withdraw_unseen) accepts
any post URL, including a repost by someone who blocked the reader. post_unlike /
post_unbookmark / post_unrepost then act on the *reposted original*, so the answer (302/200 when
the reader had a mark on the original, 404 otherwise) tells a blocked account which posts the
blocker reposted, one probe per post id, while the blocker's repost itself stays 404."""

import pytest
from django.urls import reverse

from posts.models import Bookmark
from posts.services import post_bookmark, post_repost
from social.services import block_create
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def action_url(post, action: str) -> str:
    return reverse(
        "post_action", kwargs={"username": post.author.username, "pk": post.pk, "action": action}
    )


def test_withdraw_through_a_blockers_repost_url_reveals_nothing(client):
    """Expected: Eve, blocked by Bob, cannot see Bob's repost of Alice's public post, so a POST
    of unbookmark to the repost's URL answers 404 like any other post she cannot see, and her
    bookmark on Alice's post is untouched (she withdraws it at Alice's URL). Only the marked post
    itself should be reachable by the withdraw path.

    Actual: 302 and the bookmark is deleted: Eve learns that Bob reposted Alice's post. Probing
    /@bob/<id>/unbookmark/ (then re-bookmarking) enumerates Bob's reposts without a notification.
    Fix: in _withdraw_unseen, look up post_at(...).filter(repost_of__isnull=True) (a repost is
    never itself marked), or refuse when the post at the URL is not the marked one.
    """
    alice, bob, eve = UserFactory(), UserFactory(), UserFactory()
    original = PostFactory(author=alice, body="a public post")
    post_bookmark(user=eve, post=original)
    bobs_repost = post_repost(user=bob, post=original)
    block_create(blocker=bob, blocked=eve)
    client.force_login(eve)
    assert client.get(bobs_repost.get_absolute_url()).status_code == 404  # hidden from Eve

    response = client.post(action_url(bobs_repost, "unbookmark"))

    assert response.status_code == 404
    assert Bookmark.objects.filter(user=eve, post=original).exists()
