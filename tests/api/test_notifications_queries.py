"""The notification lists cost the same number of queries for 1 notification or 20."""

import pytest

from posts.services import post_create, post_like
from social.services import follow_create
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

# The token, the page of notifications (with actors), the accounts' counts.
FOLLOWS = 3
# ... and the posts as cards, their images, tags and mentions.
WITH_POSTS = FOLLOWS + 4


def _likes(user, n):
    for i in range(n):
        post_like(user=UserFactory(), post=PostFactory(author=user, body=f"#cats {i}"))


def _mentions(user, n):
    for i in range(n):
        post_create(author=UserFactory(), body=f"@{user.username} #cats {i}")


def _follows(user, n):
    for _ in range(n):
        follow_create(follower=UserFactory(), followee=user)


CASES = {
    "likes": (_likes, WITH_POSTS),
    "mentions": (_mentions, WITH_POSTS),
    "follows": (_follows, FOLLOWS),
}


@pytest.mark.parametrize("n", [1, 20])
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("route", ["/api/v1/notifications", "/api/v2/notifications"])
def test_query_count_is_flat(api, commits, django_assert_num_queries, case, n, route):
    build, queries = CASES[case]
    build(api.user, n)
    with django_assert_num_queries(queries):
        response = api.get(route)
    assert response.status_code == 200
    body = response.json()
    assert len(body if isinstance(body, list) else body["notification_groups"]) == n


@pytest.mark.parametrize("n", [1, 20])
def test_unread_count_is_one_query_after_the_token(api, commits, django_assert_num_queries, n):
    _likes(api.user, n)
    with django_assert_num_queries(2):
        assert api.get("/api/v1/notifications/unread_count").json() == {"count": n}
