"""Taking back your own like, bookmark or repost never needs read access to the post."""

import pytest
from django.urls import reverse

from posts import selectors as post_selectors
from posts.models import Bookmark, Like, Post, Visibility
from posts.services import post_bookmark, post_like, post_repost
from social.services import follow_delete
from tests.factories import FollowFactory, PostFactory, UserFactory
from tests.pages import HTMX
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def action_url(post: Post, action: str) -> str:
    return reverse(
        "post_action", kwargs={"username": post.author.username, "pk": post.pk, "action": action}
    )


@pytest.fixture
def ex_follower():
    """Bob liked and saved Alice's followers-only post, then unfollowed her."""
    alice, bob = UserFactory(), UserFactory()
    FollowFactory(follower=bob, followee=alice)
    post = PostFactory(author=alice, body="for my followers", visibility=Visibility.FOLLOWERS)
    post_like(user=bob, post=post)
    post_bookmark(user=bob, post=post)
    follow_delete(follower=bob, followee=alice)
    return alice, bob, post


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(("action", "model"), [("unlike", Like), ("unbookmark", Bookmark)])
def test_an_ex_follower_can_take_back_a_mark(client, ex_follower, action, model, headers):
    _alice, bob, post = ex_follower
    client.force_login(bob)
    response = client.post(action_url(post, action), headers=headers)
    assert response.status_code in (200, 302)
    assert not model.objects.filter(user=bob, post=post).exists()
    # The answer does not show the post it can no longer see.
    assert "for my followers" not in response.content.decode()


def test_the_like_is_no_longer_listed_after_it_is_taken_back(client, ex_follower):
    alice, bob, post = ex_follower
    client.force_login(bob)
    client.post(action_url(post, "unlike"))
    assert bob not in [like.user for like in post_selectors.likers(alice, post)]


def test_a_deactivated_authors_post_can_be_unreposted(client):
    """Reposts of a post that is now hidden can be withdrawn too."""
    alice, bob = UserFactory(), UserFactory()
    post = PostFactory(author=alice)
    post_repost(user=bob, post=post)
    CustomUser.objects.filter(pk=alice.pk).update(is_active=False)
    client.force_login(bob)
    assert client.post(action_url(post, "unrepost")).status_code == 302
    assert not Post.objects.filter(author=bob, repost_of=post).exists()


@pytest.mark.parametrize("action", ["like", "unlike", "bookmark", "unbookmark", "unrepost"])
def test_a_hidden_post_without_your_mark_is_still_not_found(client, ex_follower, action):
    """Without a mark to take back, a post you cannot see answers 404 as before."""
    *_, post = ex_follower
    client.force_login(UserFactory())
    assert client.post(action_url(post, action)).status_code == 404
