"""Every timeline costs the same number of queries for 1 status or 20 (a full page)."""

import pytest

from lists.services import list_create, list_member_add
from posts.services import post_bookmark, post_like
from social.services import muted_word_create
from tests.factories import FollowFactory, PostFactory

pytestmark = pytest.mark.django_db

# The token (with its account and app), the page of posts (the card's counts and marks are
# subqueries in it), its images, tags and mentions (a prefetch each), the authors' counts.
PAGE = 6


def _home(api, author, n):
    for i in range(n):
        PostFactory(author=author, body=f"post {i} #cats @{api.user.username}")
    return "/api/v1/timelines/home"


def _public(api, author, n):
    _home(api, author, n)
    return "/api/v1/timelines/public"


def _tag(api, author, n):
    _home(api, author, n)
    return "/api/v1/timelines/tag/cats"


def _list(api, author, n):
    friends = list_create(owner=api.user, title="Friends")
    list_member_add(owner=api.user, list_=friends, user=author)
    _home(api, author, n)
    return f"/api/v1/timelines/list/{friends.pk}"


def _favourites(api, author, n):
    for i in range(n):
        post_like(user=api.user, post=PostFactory(author=author, body=f"#cats {i}"))
    return "/api/v1/favourites"


def _bookmarks(api, author, n):
    for i in range(n):
        post_bookmark(user=api.user, post=PostFactory(author=author, body=f"#cats {i}"))
    return "/api/v1/bookmarks"


ROUTES = {
    "home": (_home, PAGE),
    "public": (_public, PAGE),
    # The tag is looked up first.
    "tag": (_tag, PAGE + 1),
    # The list is looked up first.
    "list": (_list, PAGE + 1),
    "favourites": (_favourites, PAGE),
    "bookmarks": (_bookmarks, PAGE),
}


@pytest.mark.parametrize("n", [1, 20])
@pytest.mark.parametrize("name", ROUTES)
def test_query_count_is_flat(api, other_user, django_assert_num_queries, name, n):
    FollowFactory(follower=api.user, followee=other_user)
    build, queries = ROUTES[name]
    route = build(api, other_user, n)
    with django_assert_num_queries(queries):
        response = api.get(route)
    assert response.status_code == 200
    assert len(response.json()) == n


@pytest.mark.parametrize("n", [1, 20])
def test_a_muted_word_costs_one_query_whatever_the_page(
    api, other_user, n, django_assert_num_queries
):
    """The filter entity of every filtered status comes from one read of the muted words."""
    FollowFactory(follower=api.user, followee=other_user)
    muted_word_create(user=api.user, phrase="cats", contexts=["home"])
    route = _home(api, other_user, n)
    with django_assert_num_queries(PAGE + 1):
        statuses = api.get(route).json()
    assert all(s["filtered"] for s in statuses) and len(statuses) == n
