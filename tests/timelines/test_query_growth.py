"""Pages that carry lists of people and tags cost the same queries for 2 items as for 8."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from posts.services import post_like, post_repost
from social.selectors import most_followed_ids
from social.services import follow_create
from tests.factories import PostFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]


def _count(client, url, **headers) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _likes(reader, n):
    post = PostFactory(author=UserFactory())
    for i in range(n):
        liker = UserFactory()
        post_like(user=liker, post=post)
        if i % 2:
            follow_create(follower=reader, followee=liker)
    return reverse("post_likes", args=[post.author.username, post.pk])


def _reposts(reader, n):
    post = PostFactory(author=UserFactory())
    for _ in range(n):
        post_repost(user=UserFactory(), post=post)
    return reverse("post_reposts", args=[post.author.username, post.pk])


def _notifications(reader, n):
    """Every kind, quotes and polls included."""
    target = PostFactory(author=reader)
    for i in range(n):
        actor = UserFactory()
        match i % 5:
            case 0:
                follow_create(follower=actor, followee=reader)
            case 1:
                post_like(user=actor, post=target)
            case 2:
                PostFactory(author=actor, in_reply_to=target)
            case 3:
                PostFactory(author=actor, quote_of=target, body="quoting")
            case 4:
                post_repost(user=actor, post=PostFactory(author=reader))
    return reverse("notifications")


def _sidebar(reader, n):
    for _ in range(n):
        person = UserFactory()
        follow_create(follower=UserFactory(), followee=person)
        PostFactory(author=person, body="#trend")
    return reverse("sidebar")


def _search_people(reader, n):
    tag = reader.username
    for i in range(n):
        UserFactory(username=f"pelican{tag}x{i}")
    return reverse("search") + "?q=pelican"


PAGES = {
    "likes": _likes,
    "reposts": _reposts,
    "notifications": _notifications,
    "sidebar": _sidebar,
    "search_people": _search_people,
}


@pytest.mark.parametrize("page", list(PAGES))
def test_query_count_does_not_grow_with_items(client, page):
    counts = []
    for n in (2, 8):
        reader = UserFactory()
        client.force_login(reader)
        url = PAGES[page](reader, n)
        most_followed_ids()  # cached site-wide: measure the steady state
        counts.append(
            _count(client, url, HTTP_HX_REQUEST="true")
            if page == "sidebar"
            else _count(client, url)
        )
    assert counts[0] == counts[1], counts
