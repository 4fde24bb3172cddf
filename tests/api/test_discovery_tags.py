"""Hashtags and trends: /api/v1/tags/:name, follow and unfollow (refused), followed and
featured hashtags, and /api/v1/trends/*."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from api.resources.discovery import NO_FEATURED_TAGS, NO_HASHTAG_FOLLOWS
from posts.models import Tag, Visibility
from social.services import block_create
from tests.factories import PostFactory, UserFactory
from timelines.selectors import trending

pytestmark = pytest.mark.django_db


def history(body: dict) -> list[tuple[datetime, int, int]]:
    return [
        (datetime.fromtimestamp(int(d["day"]), tz=UTC), int(d["uses"]), int(d["accounts"]))
        for d in body["history"]
    ]


def test_a_tag_with_a_week_of_history(api):
    alice, bob = UserFactory(), UserFactory()
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=2)):
        PostFactory(author=alice, body="#Birds at dawn")
    PostFactory(author=alice, body="#birds again")
    PostFactory(author=bob, body="more #birds")
    PostFactory(author=bob, body="secret #birds", visibility=Visibility.FOLLOWERS)
    PostFactory(author=bob, body="quiet #birds", visibility=Visibility.UNLISTED)
    response = api.get("/api/v1/tags/Birds")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "birds"
    assert body["url"] == f"http://testserver{reverse('tag', kwargs={'name': 'birds'})}"
    assert body["following"] is False
    days = history(body)
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    assert [d for d, _, _ in days] == [today - timedelta(days=n) for n in range(7)]
    # Only public posts count: the followers-only and unlisted ones are not listed anywhere.
    assert [(uses, accounts) for _, uses, accounts in days] == [
        (2, 2),
        (0, 0),
        (1, 1),
        (0, 0),
        (0, 0),
        (0, 0),
        (0, 0),
    ]
    assert all(isinstance(v, str) for d in body["history"] for v in d.values())


def test_an_unknown_tag_looks_like_one_only_on_hidden_posts(api):
    PostFactory(body="#hiddenonly for followers", visibility=Visibility.FOLLOWERS)
    assert Tag.objects.filter(name="hiddenonly").exists()
    hidden = api.get("/api/v1/tags/hiddenonly").json()
    unknown = api.get("/api/v1/tags/neverused").json()
    for body in (hidden, unknown):
        body.pop("name"), body.pop("url"), body.pop("id")
    assert hidden == unknown


def test_history_leaves_out_accounts_blocked_either_way(api):
    blocker = UserFactory()
    PostFactory(author=blocker, body="#kites fly")
    block_create(blocker=blocker, blocked=api.user)
    assert sum(uses for _, uses, _ in history(api.get("/api/v1/tags/kites").json())) == 0


@pytest.mark.parametrize("name", ["foo.bar", "%20", "-", "123", "a b", "tag%23tag", "\u200b"])
def test_a_name_no_post_could_carry_is_a_404(api, name):
    response = api.get(f"/api/v1/tags/{name}")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_following_a_tag_is_refused_and_changes_nothing(api):
    response = api.post("/api/v1/tags/birds/follow")
    assert response.status_code == 422
    assert response.json() == {"error": NO_HASHTAG_FOLLOWS}
    assert api.get("/api/v1/followed_tags").json() == []
    assert api.get("/api/v1/tags/birds").json()["following"] is False


def test_unfollowing_a_tag_answers_the_tag(api):
    response = api.post("/api/v1/tags/birds/unfollow")
    assert response.status_code == 200
    assert response.json()["name"] == "birds"
    assert response.json()["following"] is False


def test_tag_follow_needs_the_follow_scope(api_for):
    assert api_for(scope="read").post("/api/v1/tags/birds/unfollow").status_code == 403
    assert api_for(scope="follow").post("/api/v1/tags/birds/unfollow").status_code == 200


def test_followed_and_featured_tags_are_empty(api):
    for path in [
        "/api/v1/followed_tags",
        "/api/v1/featured_tags",
        "/api/v1/featured_tags/suggestions",
    ]:
        response = api.get(path)
        assert response.status_code == 200, path
        assert response.json() == []
        assert "Link" not in response


def test_featuring_a_tag_is_refused(api):
    response = api.post("/api/v1/featured_tags", {"name": "birds"})
    assert response.status_code == 422
    assert response.json() == {"error": NO_FEATURED_TAGS}
    response = api.post("/api/v1/tags/birds/feature")
    assert response.status_code == 422
    assert response.json() == {"error": NO_FEATURED_TAGS}
    unfeatured = api.post("/api/v1/tags/birds/unfeature")
    assert unfeatured.status_code == 200
    assert unfeatured.json()["featuring"] is False
    assert api.delete("/api/v1/featured_tags/1").status_code == 404
    assert api.get("/api/v1/featured_tags").json() == []


# Trends -------------------------------------------------------------------------------------


def _trending_data(tags: int) -> None:
    for n in range(tags):
        for _ in range(n + 1):  # more people use the later tags
            PostFactory(body=f"#trend{n}")


@pytest.mark.parametrize("path", ["/api/v1/trends/tags", "/api/v1/trends"])
def test_trending_tags_are_the_webs(api, client, path):
    _trending_data(7)
    PostFactory(body="#notpublic", visibility=Visibility.FOLLOWERS)
    names = [t["name"] for t in api.get(path).json()]
    assert names == [t.name for t in trending(api.user, limit=10)]
    client.force_login(api.user)
    sidebar = client.get(reverse("sidebar"), headers={"HX-Request": "true"})
    assert names[:5] == [t.name for t in sidebar.context["trending"]]
    assert "notpublic" not in names


def test_trending_tags_carry_their_history(api):
    _trending_data(2)
    body = api.get("/api/v1/trends/tags").json()
    assert [int(t["history"][0]["uses"]) for t in body] == [2, 1]


def test_trends_page_by_offset_with_a_maximum(api):
    _trending_data(6)
    every = [t["name"] for t in api.get("/api/v1/trends/tags", {"limit": 20}).json()]
    page = api.get("/api/v1/trends/tags", {"limit": 2, "offset": 2}).json()
    assert [t["name"] for t in page] == every[2:4]
    assert api.get("/api/v1/trends/tags", {"offset": 5000}).json() == []
    assert api.get("/api/v1/trends/tags", {"limit": "x", "offset": "-2"}).status_code == 200


def test_trends_default_and_maximum_limits(api):
    _trending_data(21)
    assert len(api.get("/api/v1/trends/tags").json()) == 10
    assert len(api.get("/api/v1/trends/tags", {"limit": 100}).json()) == 20


@pytest.mark.parametrize("path", ["/api/v1/trends/statuses", "/api/v1/trends/links"])
def test_trending_posts_and_links_are_empty(api, path):
    PostFactory(body="https://example.com/ #trend")
    assert api.get(path).json() == []


@pytest.mark.parametrize("n", [1, 5])
def test_trends_query_count_is_flat(api, django_assert_num_queries, n):
    _trending_data(n)
    with django_assert_num_queries(3):  # token, the trending tags, their history
        assert len(api.get("/api/v1/trends/tags").json()) == n


def test_tag_query_count(api, django_assert_num_queries):
    PostFactory(body="#counted")
    with django_assert_num_queries(3):  # token, the tag, its history
        assert api.get("/api/v1/tags/counted").status_code == 200
    with django_assert_num_queries(2):  # an unknown tag has no history to ask for
        assert api.get("/api/v1/tags/uncounted").status_code == 200


# Privacy ------------------------------------------------------------------------------------

READABLE_WHEN_PUBLIC = [
    "/api/v1/tags/birds",
    "/api/v1/trends/tags",
    "/api/v1/trends",
    "/api/v1/trends/statuses",
    "/api/v1/trends/links",
]
TOKEN_ONLY = ["/api/v1/followed_tags", "/api/v1/featured_tags", "/api/v1/featured_tags/suggestions"]


@pytest.mark.parametrize("path", READABLE_WHEN_PUBLIC + TOKEN_ONLY)
def test_nothing_without_a_token_on_a_private_server(anon_api, settings, path):
    settings.MSG_PUBLIC_PAGES = False
    response = anon_api.get(path)
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}


@pytest.mark.parametrize("path", READABLE_WHEN_PUBLIC)
def test_tags_and_trends_are_readable_on_a_public_server(anon_api, settings, path):
    settings.MSG_PUBLIC_PAGES = True
    PostFactory(body="#birds")
    response = anon_api.get(path)
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("path", TOKEN_ONLY)
def test_your_own_tags_need_a_token_on_a_public_server(anon_api, settings, path):
    settings.MSG_PUBLIC_PAGES = True
    assert anon_api.get(path).status_code == 401


def test_a_visitor_sees_no_following_flag(anon_api, settings):
    settings.MSG_PUBLIC_PAGES = True
    assert anon_api.get("/api/v1/tags/birds").json()["following"] is None


def test_a_token_of_any_scope_reads_tags_and_trends(api_for):
    client = api_for(scope="write:statuses")
    assert client.get("/api/v1/tags/birds").status_code == 200
    assert client.get("/api/v1/trends/tags").status_code == 200


def test_a_bad_token_is_a_401_even_on_a_public_server(anon_api, settings):
    settings.MSG_PUBLIC_PAGES = True
    anon_api.token = "not-a-token"
    assert anon_api.get("/api/v1/trends/tags").status_code == 401
