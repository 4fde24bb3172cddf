"""Reads in posts.selectors that no page uses yet (the API will)."""

import pytest

from posts import selectors
from posts.models import Visibility
from social.services import block_create
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_post_get_visible_finds_a_post_by_id_alone_as_a_card(user):
    post = PostFactory(body="by id")
    card = selectors.post_get_visible(user, post.pk).get()
    assert card == post
    assert card.like_count == 0 and card.liked is False


def test_post_get_visible_hides_what_the_reader_may_not_see(user):
    private = PostFactory(visibility=Visibility.FOLLOWERS)
    blocker = UserFactory()
    blocked_out = PostFactory(author=blocker)
    block_create(blocker=blocker, blocked=user)
    assert not selectors.post_get_visible(user, private.pk).exists()
    assert not selectors.post_get_visible(user, blocked_out.pk).exists()
    assert not selectors.post_get_visible(user, 10**12).exists()
