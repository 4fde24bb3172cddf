"""Lists of people through the API: your blocks and mutes (paged by the block's or mute's
id), follow requests (msg has none), suggestions (v1 and v2), endorsements, and account
search."""

import pytest

from social.services import block_create, follow_create, mute_create
from tests.api.test_accounts_read import ids_of, next_link, walk
from tests.blocks import BLOCKED_EITHER_WAY, block_between
from tests.factories import UserFactory
from users.services import profile_update, user_update

pytestmark = pytest.mark.django_db


# Blocks and mutes -----------------------------------------------------------------------------


def test_blocks_newest_block_first(api):
    others = [UserFactory() for _ in range(3)]
    for other in others:
        block_create(blocker=api.user, blocked=other)
    block_create(blocker=others[0], blocked=api.user)  # blocked by: not yours
    assert ids_of(api.get("/api/v1/blocks")) == [str(o.pk) for o in reversed(others)]


def test_mutes_newest_mute_first(api):
    others = [UserFactory() for _ in range(3)]
    for other in others:
        mute_create(muter=api.user, muted=other)
    mute_create(muter=others[1], muted=api.user)
    assert ids_of(api.get("/api/v1/mutes")) == [str(o.pk) for o in reversed(others)]


@pytest.mark.parametrize("what", ["blocks", "mutes"])
def test_blocks_and_mutes_walk_to_the_end_by_their_own_ids(api, what):
    others = [UserFactory() for _ in range(5)]
    for other in reversed(others):  # the rows' ids run against the accounts' ids
        if what == "blocks":
            block_create(blocker=api.user, blocked=other)
        else:
            mute_create(muter=api.user, muted=other)
    assert walk(api, f"/api/v1/{what}?limit=2") == [str(o.pk) for o in others]
    last = api.get(f"/api/v1/{what}?limit=5")
    assert next_link(last) is None  # nothing older: no rel="next"
    empty = api.get(f"/api/v1/{what}?max_id=1")
    assert empty.json() == [] and "Link" not in empty


@pytest.mark.parametrize("count", [1, 40])
@pytest.mark.parametrize("what", ["blocks", "mutes"])
def test_blocks_and_mutes_query_count_is_flat(api, django_assert_num_queries, count, what):
    for _ in range(count):
        if what == "blocks":
            block_create(blocker=api.user, blocked=UserFactory())
        else:
            mute_create(muter=api.user, muted=UserFactory())
    with django_assert_num_queries(3):  # token, rows with their accounts, the accounts' counts
        assert len(ids_of(api.get(f"/api/v1/{what}"))) == count


@pytest.mark.parametrize(
    ("what", "scope", "allowed"),
    [
        ("blocks", "read:blocks", True),
        ("blocks", "follow", True),
        ("blocks", "read:mutes", False),
        ("mutes", "read:mutes", True),
        ("mutes", "read", True),
        ("mutes", "write", False),
    ],
)
def test_blocks_and_mutes_scopes(api_for, what, scope, allowed):
    assert api_for(scope=scope).get(f"/api/v1/{what}").status_code == (200 if allowed else 403)


# Follow requests: msg accounts are never locked -------------------------------------------------


def test_follow_requests_are_always_empty(api):
    follow_create(follower=UserFactory(), followee=api.user)
    response = api.get("/api/v1/follow_requests")
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("action", ["authorize", "reject"])
def test_answering_a_follow_request_is_a_404(api, action):
    other = UserFactory()
    follow_create(follower=other, followee=api.user)
    response = api.post(f"/api/v1/follow_requests/{other.pk}/{action}")
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


# Suggestions and endorsements -------------------------------------------------------------------


def test_suggestions_v1_and_v2(api):
    popular, followed, blocked = UserFactory(), UserFactory(), UserFactory()
    friend = UserFactory()
    follow_create(follower=api.user, followee=friend)
    follow_create(follower=friend, followee=popular)
    follow_create(follower=api.user, followee=followed)
    block_create(blocker=api.user, blocked=blocked)
    v1 = ids_of(api.get("/api/v1/suggestions"))
    assert v1[0] == str(popular.pk)  # followed by someone you follow
    assert not {str(followed.pk), str(blocked.pk), str(api.user.pk), str(friend.pk)} & set(v1)
    v2 = api.get("/api/v2/suggestions").json()
    assert [s["account"]["id"] for s in v2] == v1
    assert v2[0]["source"] == "global"
    assert v2[0]["sources"] == ["featured"]


def test_suggestions_limit(api):
    for _ in range(5):
        UserFactory()
    assert len(ids_of(api.get("/api/v1/suggestions?limit=2"))) == 2
    assert len(ids_of(api.get("/api/v1/suggestions?limit=bad"))) == 5


@pytest.mark.parametrize("count", [1, 20])
def test_suggestions_query_count_is_flat(api, django_assert_num_queries, count):
    for _ in range(count):
        UserFactory()
    api.get("/api/v1/suggestions")  # the site-wide most-followed count, cached for minutes
    with django_assert_num_queries(3):  # token, suggestions, their counts
        assert len(ids_of(api.get("/api/v1/suggestions"))) == count


def test_dismissing_a_suggestion_is_accepted(api):
    other = UserFactory()
    response = api.delete(f"/api/v1/suggestions/{other.pk}")
    assert response.status_code == 200
    assert response.json() == {}


def test_endorsements_are_empty(api):
    assert api.get("/api/v1/endorsements").json() == []


# Search -------------------------------------------------------------------------------------


def make_people():
    grace = UserFactory(username="grace_h")
    profile_update(user=grace, display_name="Grace Hopper", bio="")
    ada = UserFactory(username="ada")
    profile_update(user=ada, display_name="Ada Lovelace", bio="")
    return grace, ada


def test_search_by_username_and_display_name(api):
    grace, ada = make_people()
    assert ids_of(api.get("/api/v1/accounts/search", {"q": "hopper"})) == [str(grace.pk)]
    assert ids_of(api.get("/api/v1/accounts/search", {"q": "@ada"})) == [str(ada.pk)]
    assert ids_of(api.get("/api/v1/accounts/search", {"q": "ada@testserver"})) == [str(ada.pk)]
    assert ids_of(api.get("/api/v1/accounts/search", {"q": "ada@elsewhere.org"})) == []
    assert ids_of(api.get("/api/v1/accounts/search", {"q": "  "})) == []


def test_search_with_following_keeps_only_accounts_you_follow(api):
    make_people()
    lovelace_fan = UserFactory(username="ada_fan")
    follow_create(follower=api.user, followee=lovelace_fan)
    query = {"q": "ada", "following": "true", "resolve": "true"}
    assert ids_of(api.get("/api/v1/accounts/search", query)) == [str(lovelace_fan.pk)]


def test_search_pages_by_offset(api):
    people = [UserFactory(username=f"zed{n}") for n in range(5)]
    names = sorted(people, key=lambda u: str(u.username))
    first = ids_of(api.get("/api/v1/accounts/search", {"q": "zed", "limit": 2}))
    second = ids_of(api.get("/api/v1/accounts/search", {"q": "zed", "limit": 2, "offset": 2}))
    rest = ids_of(api.get("/api/v1/accounts/search", {"q": "zed", "limit": 2, "offset": 4}))
    assert first + second + rest == [str(u.pk) for u in names]
    far = api.get("/api/v1/accounts/search", {"q": "zed", "offset": 5000})
    assert ids_of(far) == []
    unreadable = {"q": "zed", "limit": "many", "offset": "x"}  # the defaults, as Mastodon
    assert ids_of(api.get("/api/v1/accounts/search", unreadable)) == [str(u.pk) for u in names]


@BLOCKED_EITHER_WAY
def test_search_leaves_out_accounts_blocked_either_way(api, author_blocks):
    other = UserFactory(username="hidden_one")
    block_between(other, api.user, author_blocks=author_blocks)
    assert ids_of(api.get("/api/v1/accounts/search", {"q": "hidden"})) == []


def test_search_leaves_out_deactivated_accounts(api):
    other = UserFactory(username="sleeper")
    user_update(user=other, is_active=False)
    assert ids_of(api.get("/api/v1/accounts/search", {"q": "sleeper"})) == []


@pytest.mark.parametrize("count", [1, 30])
def test_search_query_count_is_flat(api, django_assert_num_queries, count):
    for n in range(count):
        UserFactory(username=f"match{n}")
    with django_assert_num_queries(3):  # token, matches, their counts
        assert len(ids_of(api.get("/api/v1/accounts/search", {"q": "match"}))) == count


def test_search_needs_a_token(anon_api, settings):
    settings.MSG_PUBLIC_PAGES = True
    assert anon_api.get("/api/v1/accounts/search", {"q": "a"}).status_code == 401
