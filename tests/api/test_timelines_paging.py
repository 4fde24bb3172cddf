"""Paging timelines as Mastodon clients do: the Link header's next and prev addresses, and
the max_id / since_id / min_id cursors (api.pagination: max_id an exclusive upper bound,
since_id the newest items above an id, min_id the items just above it)."""

import random
import re

import pytest

from lists.services import list_create, list_member_add
from posts.services import post_bookmark, post_like
from tests.factories import FollowFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<([^>]+)>; rel="(next|prev)"')


def links(response) -> dict[str, str]:
    return {rel: url for url, rel in LINK.findall(response.get("Link", ""))}


def walk(api, url: str, rel: str = "next") -> list[list[str]]:
    """Follow rel links from url to the end; return each page's status ids."""
    pages = []
    for _ in range(100):
        response = api.get(url)
        assert response.status_code == 200, response.content
        found = [s["id"] for s in response.json()]
        if not found:
            assert "Link" not in response  # an empty page has no Link header
            break
        pages.append(found)
        if rel not in links(response):
            break
        url = links(response)[rel]
    return pages


def flat(pages: list[list[str]]) -> list[str]:
    return [i for page in pages for i in page]


@pytest.fixture
def home_posts(api, other_user) -> list[str]:
    """Ten posts on api.user's home, as Status ids, newest first."""
    FollowFactory(follower=api.user, followee=other_user)
    return [str(PostFactory(author=other_user).pk) for _ in range(10)][::-1]


def test_walking_home_to_the_end_gives_every_post_once_in_order(api, home_posts):
    pages = walk(api, "/api/v1/timelines/home?limit=3")
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    assert flat(pages) == home_posts


def test_next_and_prev_are_absolute_and_keep_the_other_parameters(api, home_posts):
    response = api.get("/api/v1/timelines/home?limit=3")
    found = links(response)
    assert (
        found["next"] == f"http://testserver/api/v1/timelines/home?limit=3&max_id={home_posts[2]}"
    )
    assert (
        found["prev"] == f"http://testserver/api/v1/timelines/home?limit=3&min_id={home_posts[0]}"
    )


def test_walking_prev_from_the_oldest_page_reaches_the_newest_without_gaps(api, home_posts):
    pages = walk(api, f"/api/v1/timelines/home?limit=3&max_id={home_posts[-3]}", rel="prev")
    assert pages[0] == home_posts[-2:]
    # Each page is just newer than the one before it: together, every post once, in order.
    assert flat(pages[::-1]) == home_posts


def test_a_post_published_while_walking_is_caught_by_prev(api, other_user, home_posts):
    first = api.get("/api/v1/timelines/home?limit=3")
    newer = PostFactory(author=other_user)
    assert [s["id"] for s in api.get(links(first)["prev"]).json()] == [str(newer.pk)]


def test_max_id_is_an_exclusive_upper_bound(api, home_posts):
    response = api.get(f"/api/v1/timelines/home?max_id={home_posts[4]}&limit=3")
    assert [s["id"] for s in response.json()] == home_posts[5:8]


def test_since_id_gives_the_newest_above_it(api, home_posts):
    response = api.get(f"/api/v1/timelines/home?since_id={home_posts[7]}&limit=2")
    assert [s["id"] for s in response.json()] == home_posts[:2]


def test_min_id_gives_the_ones_just_above_it_newest_first(api, home_posts):
    response = api.get(f"/api/v1/timelines/home?min_id={home_posts[7]}&limit=2")
    assert [s["id"] for s in response.json()] == home_posts[5:7]


def test_min_id_and_max_id_combine(api, home_posts):
    query = f"min_id={home_posts[6]}&max_id={home_posts[2]}"
    response = api.get(f"/api/v1/timelines/home?{query}")
    assert [s["id"] for s in response.json()] == home_posts[3:6]


def test_an_empty_page_has_no_link_header(api, home_posts):
    response = api.get(f"/api/v1/timelines/home?since_id={home_posts[0]}")
    assert response.json() == []
    assert "Link" not in response


def test_the_oldest_page_has_prev_but_no_next(api, home_posts):
    response = api.get("/api/v1/timelines/home?limit=10")
    assert [s["id"] for s in response.json()] == home_posts
    assert set(links(response)) == {"prev"}


@pytest.mark.parametrize(
    ("limit", "size"), [("100", 40), ("40", 40), ("0", 20), ("-5", 20), ("lots", 20), ("", 20)]
)
def test_the_limit_is_20_by_default_and_40_at_most(api, other_user, limit, size):
    FollowFactory(follower=api.user, followee=other_user)
    for _ in range(45):
        PostFactory(author=other_user)
    assert len(api.get(f"/api/v1/timelines/home?limit={limit}").json()) == size


@pytest.mark.parametrize("cursor", ["abc", "", "1e3", "-3", "²"])
def test_a_cursor_that_is_no_id_is_ignored(api, home_posts, cursor):
    for name in ("max_id", "since_id", "min_id"):
        response = api.get("/api/v1/timelines/home", {name: cursor})
        assert [s["id"] for s in response.json()] == home_posts


def test_a_cursor_beyond_every_id_bounds_the_page(api, home_posts):
    huge = "99999999999999999999999"
    above = api.get("/api/v1/timelines/home", {"max_id": huge})
    assert [s["id"] for s in above.json()] == home_posts
    for name in ("since_id", "min_id"):
        assert api.get("/api/v1/timelines/home", {name: huge}).json() == []


# Timelines ordered by something else page by their own rows ------------------------------------


@pytest.mark.parametrize(
    ("route", "mark"), [("/api/v1/favourites", post_like), ("/api/v1/bookmarks", post_bookmark)]
)
def test_favourites_and_bookmarks_walk_by_their_own_ids(api, other_user, route, mark):
    posts = [PostFactory(author=other_user) for _ in range(9)]
    order = posts[:]
    random.Random(7).shuffle(order)
    for post in order:
        mark(user=api.user, post=post)
    expected = [str(p.pk) for p in order][::-1]  # the newest mark first
    assert expected != sorted(expected, key=int, reverse=True)  # the ids alone would not do
    pages = walk(api, f"{route}?limit=2")
    assert flat(pages) == expected
    assert [len(p) for p in pages] == [2, 2, 2, 2, 1]


def test_favourites_link_names_the_like_not_the_post(api, other_user):
    older, newer = PostFactory(author=other_user), PostFactory(author=other_user)
    first_like = post_like(user=api.user, post=newer)
    second_like = post_like(user=api.user, post=older)
    response = api.get("/api/v1/favourites?limit=1")
    assert [s["id"] for s in response.json()] == [str(older.pk)]
    assert links(response)["next"].endswith(f"max_id={second_like.pk}")
    assert links(response)["prev"].endswith(f"min_id={second_like.pk}")
    following = api.get(links(response)["next"])
    assert [s["id"] for s in following.json()] == [str(newer.pk)]
    assert first_like.pk < second_like.pk


def test_walking_a_list_timeline_and_public(api, other_user):
    FollowFactory(follower=api.user, followee=other_user)
    friends = list_create(owner=api.user, title="Friends")
    list_member_add(owner=api.user, list_=friends, user=other_user)
    posts = [str(PostFactory(author=other_user).pk) for _ in range(5)][::-1]
    PostFactory(author=UserFactory())  # on public, not on the list
    assert flat(walk(api, f"/api/v1/timelines/list/{friends.pk}?limit=2")) == posts
    everything = flat(walk(api, "/api/v1/timelines/public?limit=2"))
    assert everything[1:] == posts and len(everything) == 6
