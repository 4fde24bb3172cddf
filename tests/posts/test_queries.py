"""Query counts of the list pages: pinned, and the same for 1 item as for 40.

Each page is measured with n=1 and n=40 against one pinned number, so a query per post,
per author or per comment makes the n=40 case fail. The counts include the session and
user lookups of the logged-in member. When a count has to change, say why in the commit.
"""

import re

import pytest
from django.db import connection
from django.urls import reverse

from notifications.models import Kind, Notification
from posts.services import post_create, post_edit, post_like, post_repost
from social.services import follow_create
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

SIZES = [1, 40]

# Every full page: the session, the member, and the unread-notifications count in the layout.
# Home: + the page of cards (authors, counts and marks joined in) + the cards' images.
HOME_QUERIES = 5
# "Load more" renders only the cards, so no layout and no notifications count.
LOAD_MORE_QUERIES = 4
# Profile: + the profile's owner + the header (relationship and counts) + cards + images.
PROFILE_QUERIES = 7
# Post page, for a reader who is not the author: + the post + its images + the reader's
# permissions (user and group, for the moderator's delete link) + likers + reposters
# + the comments + their images.
DETAIL_QUERIES = 11
# A repost card shows the original: one more prefetch, for the original posts' images.
HOME_WITH_REPOSTS_QUERIES = HOME_QUERIES + 1


@pytest.fixture(autouse=True)
def _everything_on_one_page(settings):
    """Put all 40 items on the first page, so every card is rendered and counted."""
    settings.MSG_PAGE_SIZE = max(SIZES) + 10


def card_count(response) -> int:
    return len(re.findall(r'<article class="post" id="post-\d+"', response.content.decode()))


def comment_count(response) -> int:
    return len(re.findall(r'class="comment" id="comment-\d+"', response.content.decode()))


def followed_posts(member, n: int):
    """Return n posts, each by a new author member follows, each with a comment by another user."""
    posts = [PostFactory(author=FollowFactory(follower=member).followee) for _ in range(n)]
    for post in posts:
        CommentFactory(in_reply_to=post, author=UserFactory())
    return posts


@pytest.mark.parametrize("n", SIZES)
def test_home_query_count_does_not_grow_with_posts(
    member_client, user, django_assert_num_queries, n
):
    """Home costs the same number of queries for 1 post as for 40 (by 40 followed authors)."""
    followed_posts(user, n)
    with django_assert_num_queries(HOME_QUERIES):
        response = member_client.get(reverse("home"))
    assert response.status_code == 200
    assert card_count(response) == n


@pytest.mark.parametrize("n", SIZES)
def test_home_query_count_does_not_grow_with_reposts(
    member_client, user, django_assert_num_queries, n
):
    """Reposts on home (each by a followed user, of a post by yet another author) cost the
    same for 1 as for 40."""
    for _ in range(n):
        reposter = FollowFactory(follower=user).followee
        post_repost(user=reposter, post=PostFactory(author=UserFactory()))
    with django_assert_num_queries(HOME_WITH_REPOSTS_QUERIES):
        response = member_client.get(reverse("home"))
    assert card_count(response) == n


@pytest.mark.parametrize("n", SIZES)
def test_load_more_query_count_does_not_grow_with_posts(
    member_client, user, django_assert_num_queries, n
):
    """The htmx "Load more" page costs the same for 1 post as for 40."""
    posts = followed_posts(user, n)
    newest = PostFactory(author=user)
    with django_assert_num_queries(LOAD_MORE_QUERIES):
        response = member_client.get(
            reverse("home"), {"max_id": newest.pk}, headers={"HX-Request": "true"}
        )
    assert card_count(response) == len(posts)


@pytest.mark.parametrize("n", SIZES)
def test_profile_query_count_does_not_grow_with_posts(
    member_client, other_user, django_assert_num_queries, n
):
    """A profile costs the same number of queries for 1 post as for 40, with comments."""
    posts = PostFactory.create_batch(n, author=other_user)
    for post in posts:
        CommentFactory(in_reply_to=post, author=UserFactory())
    url = reverse("profile", kwargs={"username": other_user.username})
    with django_assert_num_queries(PROFILE_QUERIES):
        response = member_client.get(url)
    assert response.status_code == 200
    assert card_count(response) == n


@pytest.mark.parametrize("n", SIZES)
def test_post_detail_query_count_does_not_grow_with_comments(
    member_client, django_assert_num_queries, n
):
    """A post page costs the same for 1 comment as for 40 comments by 40 authors."""
    post = PostFactory()
    for _ in range(n):
        CommentFactory(in_reply_to=post, author=UserFactory())
    with django_assert_num_queries(DETAIL_QUERIES):
        response = member_client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert comment_count(response) == n


@pytest.mark.parametrize("n", SIZES)
def test_comment_detail_query_count_is_the_same_as_a_post(
    member_client, django_assert_num_queries, n
):
    """A comment's own page (with its "in reply to" line) costs no extra query."""
    comment = CommentFactory(author=UserFactory(), in_reply_to=PostFactory(author=UserFactory()))
    for _ in range(n):
        CommentFactory(in_reply_to=comment, author=UserFactory())
    with django_assert_num_queries(DETAIL_QUERIES):
        response = member_client.get(comment.get_absolute_url())
    assert response.status_code == 200
    assert comment_count(response) == n


# Writes -------------------------------------------------------------------------------------
#
# A write costs the same number of queries for 1 mention and tag as for 10: tags, mentions and
# notifications are written in bulk, and one query picks the mentioned users who may see the
# post. The counts include delivering the notifications after commit (the notify task: the
# post, the recipients still to tell, the insert), as the ImmediateBackend runs it in the
# request. Counts are PostgreSQL's; SQLite adds two for the search table's row. Before the
# writes were bulked (on SQLite), post_create cost 30 queries with 1 mention and 1
# tag and 174 with 10; post_edit 27 and 144; a comment 20, a like 10, a follow 11.


def search_row_queries() -> int:
    """The SQLite search table's row is replaced (2 queries); PostgreSQL indexes the column."""
    return 2 if connection.vendor == "sqlite" else 0


# SAVEPOINT, author and audience checks (full_clean), the post, tags (insert, select), post
# tags, mentioned users, mentions, RELEASE; then delivery (3)
POST_CREATE_QUERIES = 16
# as post_create, without the insert, plus: the old tags, mentions and mention notifications
# withdrawn, the mentions already stored; and for the edit history, the post locked and
# re-read, its images, the version kept (posts.services.history)
POST_EDIT_QUERIES = 23
# the parent's visibility and thread block checks, the parent held (its deletion waits; a
# deeper comment also holds its thread's first post: one more), the post; one delivery
COMMENT_QUERIES = 16
# visibility, the lock that makes a concurrent delete wait, the like (get_or_create with its
# savepoint); one delivery
LIKE_QUERIES = 11
# lock both users, the block check, the follow (get_or_create with its savepoint); delivery
FOLLOW_QUERIES = 10
WRITE_SIZES = [1, 10]


def text_with(people, n: int) -> str:
    """A post body mentioning the first n of people and carrying n tags."""
    mentions = " ".join(f"@{person.username}" for person in people[:n])
    return f"Hello {mentions} " + " ".join(f"#topic{i}" for i in range(n))


@pytest.fixture
def audience(user):
    """Ten users who follow user (so they may see a followers-only post of theirs)."""
    people = UserFactory.create_batch(max(WRITE_SIZES))
    for person in people:
        FollowFactory(follower=person, followee=user)
    return people


@pytest.mark.parametrize("visibility", ["public", "followers"])
@pytest.mark.parametrize("n", WRITE_SIZES)
def test_post_create_query_count_does_not_grow_with_mentions_and_tags(
    user, audience, commits, django_assert_num_queries, n, visibility
):
    """post_create costs the same with 1 mention and tag as with 10, notifications included."""
    with django_assert_num_queries(POST_CREATE_QUERIES + search_row_queries()):
        post = post_create(author=user, body=text_with(audience, n), visibility=visibility)
    assert post.tags.count() == n
    assert Notification.objects.filter(post=post, kind=Kind.MENTION).count() == n


@pytest.mark.parametrize("n", WRITE_SIZES)
def test_post_edit_query_count_does_not_grow_with_mentions_and_tags(
    user, audience, commits, django_assert_num_queries, n
):
    """post_edit costs the same with 1 new mention and tag as with 10, old ones replaced."""
    post = post_create(author=user, body=f"@{audience[-1].username} #old")
    with django_assert_num_queries(POST_EDIT_QUERIES + search_row_queries()):
        post_edit(user=user, post=post, body=text_with(audience, n))
    assert sorted(post.tags.values_list("name", flat=True)) == sorted(f"topic{i}" for i in range(n))
    told = Notification.objects.filter(post=post, kind=Kind.MENTION)
    assert set(told.values_list("recipient", flat=True)) == {p.pk for p in audience[:n]}


def test_comment_like_and_follow_query_counts(user, other_user, commits, django_assert_num_queries):
    """A comment, a like and a follow each cost a pinned number of queries, delivery included."""
    post = post_create(author=other_user, body="Hello")
    with django_assert_num_queries(COMMENT_QUERIES + search_row_queries()):
        post_create(author=user, body="Hi back", in_reply_to=post)
    with django_assert_num_queries(LIKE_QUERIES):
        post_like(user=user, post=post)
    with django_assert_num_queries(FOLLOW_QUERIES):
        follow_create(follower=user, followee=other_user)
    assert sorted(
        Notification.objects.filter(recipient=other_user).values_list("kind", flat=True)
    ) == [
        Kind.COMMENT,
        Kind.FOLLOW,
        Kind.LIKE,
    ]
