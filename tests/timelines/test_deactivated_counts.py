"""Found in review: the card counts (timelines/selectors.py cards: like_count, repost_count,
comment_count) count likes, reposts and comments by deactivated accounts, which visible_to,
likers() and reposters() now leave out. A post shows "1 like · 1 repost · 1 comment" while the
page lists none of them (and "Liked by ... and others" on the detail page)."""

import pytest

from posts import selectors as post_selectors
from posts.models import Post
from posts.services import post_like, post_repost
from tests.factories import CommentFactory, PostFactory, UserFactory
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def test_card_counts_leave_out_deactivated_accounts():
    """Expected: once Gone is deactivated, Alice's post counts 0 likes, 0 reposts, 0 comments
    for Reader, matching the lists (likers, reposters, comments) which show none.

    Actual: 1, 1 and 1. Fix: in cards(), count Like rows with user__is_active=True and Post rows
    (comments, reposts) with author__is_active=True (comments: ideally the same visible_to rule
    as the thread, so comments hidden by a thread block are not counted either).
    """
    alice, gone, reader = UserFactory(), UserFactory(), UserFactory()
    post = PostFactory(author=alice, body="hello")
    post_like(user=gone, post=post)
    post_repost(user=gone, post=post)
    CommentFactory(author=gone, in_reply_to=post, body="bye")
    CustomUser.objects.filter(pk=gone.pk).update(is_active=False)

    assert list(post_selectors.likers(reader, post)) == []
    assert list(post_selectors.reposters(reader, post)) == []
    assert list(post_selectors.comments(reader, post)) == []
    card = post_selectors.cards(Post.objects.filter(pk=post.pk), reader).get()
    assert (card.like_count, card.repost_count, card.comment_count) == (0, 0, 0)
