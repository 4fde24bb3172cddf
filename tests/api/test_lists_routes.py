"""Lists over the API: create, read, rename, delete, and members (lists.services' rules:
followed accounts only, at most 50 lists), with scopes and query counts."""

import re

import pytest

from lists.models import List, ListMember
from lists.services import LISTS_MAX, list_create, list_member_add
from social.services import block_create, follow_create, follow_delete
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
LINK = re.compile(r'<([^>]+)>; rel="(next|prev)"')


@pytest.fixture
def friends(api):
    return list_create(owner=api.user, title="Friends")


def followed(user, n: int = 1) -> list:
    people = [UserFactory() for _ in range(n)]
    for person in people:
        follow_create(follower=user, followee=person)
    return people


def test_create_and_read(api):
    response = api.post("/api/v1/lists", {"title": "  Close friends ", "replies_policy": "list"})
    assert response.status_code == 200, response.content
    created = response.json()
    assert created == {
        "id": created["id"],
        "title": "Close friends",
        "replies_policy": "none",  # msg's list timelines show no replies
        "exclusive": False,
    }
    assert List.objects.get(pk=created["id"]).owner == api.user
    assert api.get(f"/api/v1/lists/{created['id']}").json() == created
    assert api.get("/api/v1/lists").json() == [created]


def test_lists_are_by_name_and_only_ones_own(api, other_user):
    list_create(owner=api.user, title="b")
    list_create(owner=api.user, title="a")
    list_create(owner=other_user, title="theirs")
    assert [x["title"] for x in api.get("/api/v1/lists").json()] == ["a", "b"]


@pytest.mark.parametrize(
    "body",
    [{}, {"title": ""}, {"title": "   "}, {"title": "x" * 101}, {"title": "a\x00b"}],
)
def test_a_bad_title_is_a_422_and_creates_nothing(api, body):
    response = api.post("/api/v1/lists", body)
    assert response.status_code == 422
    assert "error" in response.json()
    assert not List.objects.exists()


def test_a_bad_replies_policy_is_a_422(api):
    response = api.post("/api/v1/lists", {"title": "x", "replies_policy": "everyone"})
    assert response.status_code == 422
    assert not List.objects.exists()


def test_json_bodies_and_exclusive_are_accepted(api):
    body = {"title": "Work", "exclusive": True, "replies_policy": "followed"}
    response = api.post("/api/v1/lists", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["exclusive"] is False


def test_at_most_50_lists(api):
    for n in range(LISTS_MAX):
        list_create(owner=api.user, title=f"list {n}")
    response = api.post("/api/v1/lists", {"title": "one more"})
    assert response.status_code == 422
    assert List.objects.filter(owner=api.user).count() == LISTS_MAX


def test_rename(api, friends):
    response = api.put(f"/api/v1/lists/{friends.pk}", "title=Mates", content_type=FORM)
    assert response.json()["title"] == "Mates"
    friends.refresh_from_db()
    assert friends.title == "Mates"
    # A title left out keeps it; an empty one is refused.
    assert api.put(f"/api/v1/lists/{friends.pk}", "", content_type=FORM).json()["title"] == "Mates"
    assert api.put(f"/api/v1/lists/{friends.pk}", "title=", content_type=FORM).status_code == 422
    friends.refresh_from_db()
    assert friends.title == "Mates"


def test_delete(api, friends):
    followed_one = followed(api.user)[0]
    list_member_add(owner=api.user, list_=friends, user=followed_one)
    response = api.delete(f"/api/v1/lists/{friends.pk}")
    assert (response.status_code, response.json()) == (200, {})
    assert not List.objects.filter(pk=friends.pk).exists()
    assert api.get(f"/api/v1/lists/{friends.pk}").status_code == 404


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_someone_elses_list_is_a_404_and_stays(api, other_user, method):
    theirs = list_create(owner=other_user, title="Theirs")
    route = f"/api/v1/lists/{theirs.pk}"
    if method == "get":
        response = api.get(route)
    else:
        response = getattr(api, method)(route, "title=Mine", content_type=FORM)
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}
    theirs.refresh_from_db()
    assert theirs.title == "Theirs"
    members = api.post(f"/api/v1/lists/{theirs.pk}/accounts", {"account_ids[]": "1"})
    assert members.status_code == 404
    assert api.get(f"/api/v1/lists/{theirs.pk}/accounts").status_code == 404


# Members ---------------------------------------------------------------------------------------


def test_add_and_list_members(api, friends):
    one, two = followed(api.user, 2)
    response = api.post(
        f"/api/v1/lists/{friends.pk}/accounts", {"account_ids[]": [str(one.pk), str(two.pk)]}
    )
    assert (response.status_code, response.json()) == (200, {})
    members = api.get(f"/api/v1/lists/{friends.pk}/accounts").json()
    assert [m["id"] for m in members] == [str(two.pk), str(one.pk)]  # last added first
    assert members[0]["username"] == two.username


def test_adding_twice_is_harmless(api, friends):
    [one] = followed(api.user)
    for _ in range(2):
        body = {"account_ids": [str(one.pk)]}
        response = api.post(
            f"/api/v1/lists/{friends.pk}/accounts", body, content_type="application/json"
        )
        assert response.status_code == 200
    assert ListMember.objects.filter(list=friends).count() == 1


def test_only_followed_accounts_can_join_and_a_refusal_adds_nobody(api, friends):
    [one] = followed(api.user)
    stranger = UserFactory()
    response = api.post(
        f"/api/v1/lists/{friends.pk}/accounts", {"account_ids[]": [str(one.pk), str(stranger.pk)]}
    )
    assert response.status_code == 422
    assert "follow" in response.json()["error"]
    assert not ListMember.objects.exists()


def test_a_blocked_account_cannot_join(api, friends, other_user):
    follow_create(follower=api.user, followee=other_user)
    block_create(blocker=other_user, blocked=api.user)
    response = api.post(f"/api/v1/lists/{friends.pk}/accounts", {"account_ids[]": other_user.pk})
    assert response.status_code == 422
    assert not ListMember.objects.exists()


@pytest.mark.parametrize("account_id", ["999999", "abc", "99999999999999999999999"])
def test_an_unknown_account_is_a_404(api, friends, account_id):
    response = api.post(f"/api/v1/lists/{friends.pk}/accounts", {"account_ids[]": account_id})
    assert response.status_code == 404


def test_no_account_is_a_422(api, friends):
    assert api.post(f"/api/v1/lists/{friends.pk}/accounts", {}).status_code == 422


def test_remove_members(api, friends):
    one, two = followed(api.user, 2)
    for person in (one, two):
        list_member_add(owner=api.user, list_=friends, user=person)
    response = api.delete(
        f"/api/v1/lists/{friends.pk}/accounts", f"account_ids[]={one.pk}", content_type=FORM
    )
    assert (response.status_code, response.json()) == (200, {})
    assert list(ListMember.objects.values_list("user", flat=True)) == [two.pk]


def test_an_unfollowed_member_drops_out(api, friends):
    [one] = followed(api.user)
    list_member_add(owner=api.user, list_=friends, user=one)
    follow_delete(follower=api.user, followee=one)
    assert api.get(f"/api/v1/lists/{friends.pk}/accounts").json() == []


def test_members_page_by_the_link_header_and_limit_0_gives_all(api, friends):
    people = followed(api.user, 5)
    for person in people:
        list_member_add(owner=api.user, list_=friends, user=person)
    expected = [str(p.pk) for p in people][::-1]
    url: str | None = f"/api/v1/lists/{friends.pk}/accounts?limit=2"
    seen: list[str] = []
    while url:
        response = api.get(url)
        seen += [a["id"] for a in response.json()]
        url = {rel: u for u, rel in LINK.findall(response.get("Link", ""))}.get("next")
    assert seen == expected
    everyone = api.get(f"/api/v1/lists/{friends.pk}/accounts?limit=0")
    assert [a["id"] for a in everyone.json()] == expected


# Scopes and tokens ------------------------------------------------------------------------------


def test_reading_needs_read_lists_and_writing_write_lists(user, api_for):
    own = list_create(owner=user, title="Mine")
    reader, writer = api_for(user, scope="read:lists"), api_for(user, scope="write:lists")
    assert reader.get("/api/v1/lists").status_code == 200
    assert reader.get(f"/api/v1/lists/{own.pk}/accounts").status_code == 200
    assert reader.post("/api/v1/lists", {"title": "x"}).status_code == 403
    assert reader.delete(f"/api/v1/lists/{own.pk}").status_code == 403
    assert writer.get("/api/v1/lists").status_code == 403
    assert writer.post("/api/v1/lists", {"title": "x"}).status_code == 200
    assert api_for(user, scope="write").delete(f"/api/v1/lists/{own.pk}").status_code == 200


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("get", "/api/v1/lists"),
        ("post", "/api/v1/lists"),
        ("get", "/api/v1/lists/1"),
        ("put", "/api/v1/lists/1"),
        ("delete", "/api/v1/lists/1"),
        ("get", "/api/v1/lists/1/accounts"),
        ("post", "/api/v1/lists/1/accounts"),
        ("delete", "/api/v1/lists/1/accounts"),
    ],
)
def test_no_token_is_a_401(anon_api, settings, method, route):
    settings.MSG_PUBLIC_PAGES = True
    assert getattr(anon_api, method)(route).status_code == 401


# Query counts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 20])
def test_query_counts_are_flat(api, django_assert_num_queries, n):
    for i in range(n):
        list_create(owner=api.user, title=f"list {i}")
    with django_assert_num_queries(2):  # the token, the lists
        assert len(api.get("/api/v1/lists").json()) == n
    own = List.objects.filter(owner=api.user).first()
    for person in followed(api.user, n):
        list_member_add(owner=api.user, list_=own, user=person)
    with django_assert_num_queries(4):  # the token, the list, the members, their counts
        assert len(api.get(f"/api/v1/lists/{own.pk}/accounts").json()) == n
