"""Search: /api/v2/search finds what the web's search page finds, and nothing the reader may
not see; an address or a handle on this server finds that post or account."""

import pytest
from django.urls import reverse

from posts.models import Visibility
from posts.services import post_repost
from social.services import block_create, follow_create
from tests.factories import PostFactory, UserFactory
from users.services import profile_update, user_update

pytestmark = pytest.mark.django_db


def search(client, q: str | None, **params):
    query = {**params} if q is None else {"q": q, **params}
    return client.get("/api/v2/search", query)


def found(response) -> tuple[list[str], list[str], list[int]]:
    body = response.json()
    return (
        [a["username"] for a in body["accounts"]],
        [t["name"] for t in body["hashtags"]],
        [int(s["id"]) for s in body["statuses"]],
    )


@pytest.mark.parametrize("q", ["zebra", "@zebra", "#zebra", "zebra crossing", "Zebra"])
def test_search_finds_what_the_web_search_finds(api, client, q):
    UserFactory(username="zebra_fan")
    profile_update(user=UserFactory(username="zed"), display_name="Zebra Zed", bio="")
    UserFactory(username="horse")
    PostFactory(body="A zebra crossed the road #zebras")
    PostFactory(body="zebra crossing at noon #zebracrossing")
    PostFactory(body="Nothing about stripes here #horses")
    PostFactory(body="zebra for followers", visibility=Visibility.FOLLOWERS)
    client.force_login(api.user)
    page = client.get(reverse("search"), {"q": q})
    web = (
        [p.username for p in page.context["people"]],
        [t.name for t in page.context["tags"]],
        [p.pk for p in page.context["posts"]],
    )
    response = search(api, q)
    assert response.status_code == 200
    assert found(response) == web
    assert any(web), "the data must give the comparison something to compare"


def test_statuses_are_full_entities(api):
    post = PostFactory(body="lighthouse keepers #lights")
    status = search(api, "lighthouse").json()["statuses"][0]
    assert status["id"] == str(post.pk)
    assert status["account"]["username"] == post.author.username
    assert status["tags"] == [{"name": "lights", "url": "http://testserver/tags/lights/"}]
    assert "lighthouse" in status["content"]


def test_hashtags_are_tag_entities_with_history(api):
    PostFactory(body="#gardening today")
    tag = search(api, "garden", type="hashtags").json()["hashtags"][0]
    assert tag["name"] == "gardening"
    assert tag["url"] == "http://testserver/tags/gardening/"
    assert len(tag["history"]) == 7
    assert tag["history"][0]["uses"] == "1"
    assert tag["following"] is False


def test_search_hides_what_the_reader_may_not_see(api):
    reader = api.user
    stranger, friend, blocker = UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=reader, followee=friend)
    PostFactory(author=stranger, body="otter private", visibility=Visibility.FOLLOWERS)
    seen = PostFactory(author=friend, body="otter friends", visibility=Visibility.FOLLOWERS)
    PostFactory(author=stranger, body="otter unlisted", visibility=Visibility.UNLISTED)
    own = PostFactory(author=reader, body="otter mine", visibility=Visibility.UNLISTED)
    PostFactory(author=stranger, body=f"@{reader.username} otter direct", visibility="direct")
    PostFactory(author=blocker, body="otter blocked")
    block_create(blocker=blocker, blocked=reader)
    assert sorted(found(search(api, "otter"))[2]) == sorted([seen.pk, own.pk])


def test_search_leaves_out_blocked_and_deactivated_accounts(api):
    UserFactory(username="walrus_a")
    blocked = UserFactory(username="walrus_b")
    gone = UserFactory(username="walrus_c")
    block_create(blocker=api.user, blocked=blocked)
    user_update(user=gone, is_active=False)
    assert found(search(api, "walrus"))[0] == ["walrus_a"]


def test_following_keeps_only_accounts_you_follow(api):
    followed = UserFactory(username="heron_a")
    UserFactory(username="heron_b")
    follow_create(follower=api.user, followee=followed)
    assert found(search(api, "heron", following="true"))[0] == ["heron_a"]
    assert found(search(api, "heron", following="0"))[0] == ["heron_a", "heron_b"]


def test_type_narrows_the_results(api):
    UserFactory(username="puffin")
    PostFactory(body="a puffin #puffins")
    people, tags, posts = found(search(api, "puffin", type="accounts"))
    assert people == ["puffin"] and tags == [] and posts == []
    people, tags, posts = found(search(api, "puffin", type="statuses"))
    assert people == [] and tags == [] and len(posts) == 1
    people, tags, posts = found(search(api, "puffin", type="hashtags"))
    assert people == [] and tags == ["puffins"] and posts == []
    assert found(search(api, "puffin", type="collections")) == ([], [], [])


def test_limit_and_offset_page_each_kind(api):
    names = sorted(str(UserFactory(username=f"lynx_{n}").username) for n in range(5))
    posts = [PostFactory(body=f"lynx number {n}") for n in range(5)]
    people, _tags, statuses = found(search(api, "lynx", limit=2, offset=2))
    assert people == names[2:4]
    assert statuses == [p.pk for p in reversed(posts)][2:4]
    assert found(search(api, "lynx", limit=2, offset=4))[0] == names[4:]


def test_limit_has_a_maximum(api):
    for n in range(41):
        UserFactory(username=f"moth_{n:02}")
    assert len(found(search(api, "moth", limit=1000))[0]) == 40
    assert len(found(search(api, "moth"))[0]) == 20


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "abc"},
        {"limit": "-3"},
        {"offset": "lots"},
        {"offset": "-1"},
        {"offset": "99999999999999999999999"},
        {"account_id": "x"},
        {"max_id": "nope"},
        {"resolve": "maybe"},
        {"following": "perhaps"},
        {"type": "\x00"},
    ],
)
def test_odd_parameters_never_fail(api, params):
    PostFactory(body="beetle")
    response = search(api, "beetle", **params)
    assert response.status_code == 200, response.content


def test_a_far_offset_gives_an_empty_page(api):
    PostFactory(body="beetle")
    assert found(search(api, "beetle", offset=5000)) == ([], [], [])


@pytest.mark.parametrize("q", [None, "", "   ", "\x00"])
def test_a_missing_query_is_a_400(api, q):
    response = search(api, q)
    assert response.status_code == 400
    assert response.json() == {"error": "param is missing or the value is empty: q"}


def test_odd_queries_never_fail(api):
    PostFactory(body="ordinary words")
    for q in ["x" * 5000, "%_\\", "a\x00b", "\u017f", "@", "#", "@@", "http://", "https://[::1"]:
        assert search(api, q).status_code == 200, q


def test_account_id_narrows_statuses_to_one_author(api):
    author = UserFactory()
    mine = PostFactory(author=author, body="pelican one")
    PostFactory(body="pelican two")
    assert found(search(api, "pelican", account_id=author.pk))[2] == [mine.pk]
    assert found(search(api, "pelican", account_id="abc"))[2] == []


def test_max_id_and_min_id_narrow_statuses(api):
    first, second, third = (PostFactory(body=f"gecko {n}") for n in range(3))
    assert found(search(api, "gecko", max_id=third.pk))[2] == [second.pk, first.pk]
    assert found(search(api, "gecko", min_id=first.pk))[2] == [third.pk, second.pk]


# Addresses and handles ---------------------------------------------------------------------


def post_url(post) -> str:
    return f"http://testserver{post.get_absolute_url()}"


def test_the_address_of_a_post_finds_that_post(api):
    post = PostFactory(body="nothing to match here")
    PostFactory(body=post_url(post))  # a post holding the address is not what was asked
    for q in [post_url(post), post_url(post).rstrip("/")]:
        assert found(search(api, q, resolve="true")) == ([], [], [post.pk])
        assert found(search(api, q)) == ([], [], [post.pk])


def test_the_address_of_a_post_respects_visibility(api):
    author = UserFactory()
    post = PostFactory(author=author, body="for my followers", visibility=Visibility.FOLLOWERS)
    assert found(search(api, post_url(post), resolve="true")) == ([], [], [])
    follow_create(follower=api.user, followee=author)
    assert found(search(api, post_url(post), resolve="true")) == ([], [], [post.pk])


def test_the_address_of_a_post_under_the_wrong_name_finds_nothing(api):
    post = PostFactory()
    other = UserFactory()
    wrong = f"http://testserver/@{other.username}/{post.pk}/"
    assert found(search(api, wrong, resolve="true")) == ([], [], [])


def test_the_address_of_a_repost_finds_the_repost(api):
    post = PostFactory()
    repost = post_repost(user=UserFactory(), post=post)
    body = search(api, post_url(repost), resolve="true").json()
    assert [s["id"] for s in body["statuses"]] == [str(repost.pk)]
    assert body["statuses"][0]["reblog"]["id"] == str(post.pk)


@pytest.mark.parametrize(
    "q",
    [
        "http://testserver/@{name}/",
        "http://testserver/@{name}",
        "{name}@testserver",
        "@{name}@testserver",
        "@{NAME}@TESTSERVER",
    ],
)
def test_a_profile_address_or_handle_finds_the_account(api, q):
    person = UserFactory(username="kestrel")
    UserFactory(username="kestrel_two")
    query = q.format(name=person.username, NAME=person.username.upper())
    assert found(search(api, query)) == (["kestrel"], [], [])


def test_a_handle_on_the_site_address_finds_the_account(api, settings):
    settings.SITE_URL = "https://msg.example"
    UserFactory(username="kestrel")
    assert found(search(api, "kestrel@msg.example")) == (["kestrel"], [], [])


def test_a_handle_finds_no_hidden_account(api):
    blocked = UserFactory(username="raven")
    gone = UserFactory(username="rook")
    block_create(blocker=blocked, blocked=api.user)
    user_update(user=gone, is_active=False)
    assert found(search(api, "raven@testserver")) == ([], [], [])
    assert found(search(api, "http://testserver/@rook/")) == ([], [], [])
    assert found(search(api, "nobody_here@testserver")) == ([], [], [])


def test_other_servers_are_never_asked(api):
    UserFactory(username="swift")
    PostFactory(body="swift news at example")
    assert found(search(api, "swift@mastodon.example", resolve="true")) == ([], [], [])
    assert found(search(api, "https://mastodon.example/@swift/1", resolve="true")) == ([], [], [])


def test_an_address_asked_with_an_offset_finds_nothing_more(api):
    post = PostFactory()
    assert found(search(api, post_url(post), offset=1)) == ([], [], [])


def test_a_resolved_account_honours_the_type(api):
    UserFactory(username="kite")
    assert found(search(api, "kite@testserver", type="statuses")) == ([], [], [])


# Tokens and cost ---------------------------------------------------------------------------


@pytest.mark.parametrize("public", [False, True])
def test_search_needs_a_token_even_on_a_public_server(anon_api, settings, public):
    settings.MSG_PUBLIC_PAGES = public
    response = search(anon_api, "anything")
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}


@pytest.mark.parametrize(("scope", "status"), [("read:search", 200), ("read", 200), ("write", 403)])
def test_search_scope(api_for, scope, status):
    assert search(api_for(scope=scope), "anything").status_code == status


def test_v1_search_is_gone_as_in_mastodon(api):
    response = api.get("/api/v1/search", {"q": "x"})
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def _matches(n: int) -> None:
    for i in range(n):
        person = UserFactory(username=f"quokka_{i}")
        PostFactory(author=person, body=f"quokka sighting {i} #quokka{i}")


@pytest.mark.parametrize("n", [1, 5])
def test_query_count_is_flat(api, django_assert_num_queries, n):
    _matches(n)
    # token, people, tags, post ids (exact, then other matches), the posts, their images,
    # tags and mentions, the accounts' counts (people and authors at once), tag history
    with django_assert_num_queries(11):
        response = search(api, "quokka")
    assert [len(v) for v in found(response)] == [n, n, n]


def test_query_count_of_an_address(api, django_assert_num_queries):
    post = PostFactory(body="#addressed")
    with django_assert_num_queries(6):  # token, the post, its images, tags, mentions, counts
        assert found(search(api, post_url(post)))[2] == [post.pk]


def test_which_hosts_are_this_server_is_one_rule(api, settings):
    """accounts lookup and search, /api/v2/search and WebFinger ask one function
    (api.resources.instance.local_hosts) whether a host is this server: the handle
    @alice@msg.example resolves in all of them when SITE_URL carries a port."""
    from django.test import Client

    settings.SITE_URL = "http://msg.example:8000"
    settings.ALLOWED_HOSTS = ["*"]
    alice = UserFactory()
    for host in ("msg.example", "msg.example:8000", "MSG.example"):
        handle = f"{alice.username}@{host}"
        lookup = api.get(f"/api/v1/accounts/lookup?acct={handle}")
        assert lookup.status_code == 200, host
        assert lookup.json()["id"] == str(alice.pk)
        searched = api.get("/api/v1/accounts/search", {"q": f"@{handle}"}).json()
        assert [a["id"] for a in searched] == [str(alice.pk)], host
        found = api.get("/api/v2/search", {"q": f"@{handle}", "type": "accounts"}).json()
        assert [a["id"] for a in found["accounts"]] == [str(alice.pk)], host
        finger = Client().get(f"/.well-known/webfinger?resource=acct:{handle}")
        assert finger.status_code == 200, host
    elsewhere = f"{alice.username}@msg.example.org"
    assert api.get(f"/api/v1/accounts/lookup?acct={elsewhere}").status_code == 404
    assert api.get("/api/v2/search", {"q": f"@{elsewhere}"}).json()["accounts"] == []
    assert Client().get(f"/.well-known/webfinger?resource=acct:{elsewhere}").status_code == 404


def test_the_port_of_an_ipv6_host_is_stripped_whole():
    from django.test import RequestFactory

    from api.resources.instance import local_hosts

    request = RequestFactory().get("/", HTTP_HOST="[::1]:8000")
    assert {"[::1]:8000", "[::1]"} <= local_hosts(request)
    assert "[" not in local_hosts(request)
