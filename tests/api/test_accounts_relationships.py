"""How you stand with others through the API: follow, unfollow, block, unblock, mute, unmute
(each through social.services, answering the Relationship), relationships in one query for any
number of ids, and familiar followers."""

import pytest

from notifications.models import Notification
from social.models import Block, Follow, Mute
from social.services import block_create, follow_create, mute_create
from tests.blocks import BLOCKED_EITHER_WAY, block_between
from tests.factories import UserFactory
from users.services import user_update

pytestmark = pytest.mark.django_db

FLAGS = ("following", "followed_by", "blocking", "blocked_by", "muting")


def flags(body: dict) -> dict:
    return {flag: body[flag] for flag in FLAGS}


def act(client, other, action: str, data: dict | None = None):
    return client.post(f"/api/v1/accounts/{other.pk}/{action}", data or {})


# Writes ---------------------------------------------------------------------------------------


def test_follow_and_unfollow(api, django_capture_on_commit_callbacks):
    other = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(
            api, other, "follow", {"reblogs": "false", "notify": "1", "languages[]": "en"}
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == str(other.pk)
    assert body["following"] is body["showing_reblogs"] is True
    assert body["notifying"] is False
    assert Follow.objects.filter(follower=api.user, followee=other).exists()
    # Through follow_create: the followed account is told.
    assert Notification.objects.filter(recipient=other, actor=api.user).exists()
    body = act(api, other, "unfollow").json()
    assert body["following"] is False
    assert not Follow.objects.filter(follower=api.user, followee=other).exists()


def test_the_relationship_shows_a_follow_back(api):
    other = UserFactory()
    follow_create(follower=other, followee=api.user)
    body = act(api, other, "follow").json()
    assert flags(body) == {
        "following": True,
        "followed_by": True,
        "blocking": False,
        "blocked_by": False,
        "muting": False,
    }


@BLOCKED_EITHER_WAY
def test_following_an_account_blocked_either_way_is_refused(api, author_blocks):
    other = UserFactory()
    block_between(other, api.user, author_blocks=author_blocks)
    response = act(api, other, "follow")
    assert response.status_code == 403
    assert "error" in response.json()
    assert not Follow.objects.filter(follower=api.user).exists()


def test_following_yourself_is_refused(api):
    response = act(api, api.user, "follow")
    assert response.status_code == 403
    assert not Follow.objects.exists()


@pytest.mark.parametrize("action", ["follow", "unfollow", "block", "unblock", "mute", "unmute"])
def test_acting_on_a_deactivated_or_unknown_account_is_a_404(api, action):
    other = UserFactory()
    user_update(user=other, is_active=False)
    assert act(api, other, action).status_code == 404
    assert api.post(f"/api/v1/accounts/{other.pk + 99}/{action}").status_code == 404
    assert api.post(f"/api/v1/accounts/x{other.pk}/{action}").status_code == 404


def test_block_ends_follows_both_ways_and_unblock_lifts_it(api):
    other = UserFactory()
    follow_create(follower=api.user, followee=other)
    follow_create(follower=other, followee=api.user)
    body = act(api, other, "block").json()
    assert flags(body) == {
        "following": False,
        "followed_by": False,
        "blocking": True,
        "blocked_by": False,
        "muting": False,
    }
    assert not Follow.objects.exists()
    body = act(api, other, "unblock").json()
    assert body["blocking"] is False
    assert not Block.objects.exists()


def test_you_see_who_blocked_you(api):
    other = UserFactory()
    block_create(blocker=other, blocked=api.user)
    body = api.get(f"/api/v1/accounts/relationships?id[]={other.pk}").json()
    assert body[0]["blocked_by"] is True
    assert body[0]["blocking"] is False


def test_mute_and_unmute(api):
    other = UserFactory()
    body = act(api, other, "mute", {"notifications": "false", "duration": "0"}).json()
    assert body["muting"] is body["muting_notifications"] is True
    assert Mute.objects.filter(muter=api.user, muted=other).exists()
    body = act(api, other, "unmute").json()
    assert body["muting"] is False
    assert not Mute.objects.exists()


@pytest.mark.parametrize("duration", ["3600", "-5", "soon"])
def test_a_mute_with_a_duration_is_refused(api, duration):
    """msg's mutes last until undone: muting for longer than asked would be worse."""
    other = UserFactory()
    response = act(api, other, "mute", {"duration": duration})
    assert response.status_code == 422
    assert not Mute.objects.exists()


def test_a_json_body_works_for_actions(api):
    other = UserFactory()
    response = api.post(
        f"/api/v1/accounts/{other.pk}/mute",
        {"notifications": True, "duration": 0},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["muting"] is True


def test_a_private_note_is_refused_unless_empty(api):
    other = UserFactory()
    assert act(api, other, "note", {"comment": ""}).json()["note"] == ""
    assert act(api, other, "note", {"comment": "met at a talk"}).status_code == 422


@pytest.mark.parametrize(
    ("action", "scope", "allowed"),
    [
        ("follow", "write:follows", True),
        ("follow", "follow", True),
        ("follow", "write:blocks", False),
        ("follow", "read", False),
        ("block", "write:blocks", True),
        ("block", "follow", True),
        ("block", "write:mutes", False),
        ("mute", "write:mutes", True),
        ("mute", "write", True),
        ("mute", "read:mutes", False),
    ],
)
def test_each_action_needs_its_scope(api_for, action, scope, allowed):
    other = UserFactory()
    response = act(api_for(scope=scope), other, action)
    assert response.status_code == (200 if allowed else 403)


def test_actions_need_a_token(anon_api, settings):
    settings.MSG_PUBLIC_PAGES = True
    assert act(anon_api, UserFactory(), "follow").status_code == 401
    assert not Follow.objects.exists()


# Relationships, batched -----------------------------------------------------------------------


def test_relationships_in_the_order_asked_unknown_ids_left_out(api):
    a, b, gone = UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=api.user, followee=b)
    mute_create(muter=api.user, muted=a)
    user_update(user=gone, is_active=False)
    query = f"id[]={b.pk}&id[]=nope&id[]={gone.pk}&id[]={a.pk}&id[]={b.pk}&id[]={a.pk + 999}"
    body = api.get(f"/api/v1/accounts/relationships?{query}").json()
    assert [r["id"] for r in body] == [str(b.pk), str(a.pk)]
    assert body[0]["following"] is True and body[0]["muting"] is False
    assert body[1]["following"] is False and body[1]["muting"] is True
    assert body[0]["requested"] is body[0]["endorsed"] is body[0]["domain_blocking"] is False
    assert body[0]["note"] == ""
    assert body[0]["languages"] is None


def test_one_id_without_brackets_is_a_list_of_one(api):
    other = UserFactory()
    body = api.get(f"/api/v1/accounts/relationships?id={other.pk}").json()
    assert [r["id"] for r in body] == [str(other.pk)]


def test_no_ids_is_an_empty_list(api):
    assert api.get("/api/v1/accounts/relationships").json() == []


def test_too_many_ids_is_a_422(api):
    query = "&".join(f"id[]={n}" for n in range(1, 202))
    assert api.get(f"/api/v1/accounts/relationships?{query}").status_code == 422


@pytest.mark.parametrize("count", [1, 40])
def test_relationships_cost_one_query_however_many(api, django_assert_num_queries, count):
    others = [UserFactory() for _ in range(count)]
    for other in others[::2]:
        follow_create(follower=api.user, followee=other)
    query = "&".join(f"id[]={o.pk}" for o in others)
    with django_assert_num_queries(2):  # the token, the relationships
        body = api.get(f"/api/v1/accounts/relationships?{query}").json()
    assert len(body) == count
    assert [r["following"] for r in body] == [n % 2 == 0 for n in range(count)]


def test_relationships_need_read_follows(api_for):
    other = UserFactory()
    url = f"/api/v1/accounts/relationships?id[]={other.pk}"
    assert api_for(scope="read:accounts").get(url).status_code == 403
    assert api_for(scope="read:follows").get(url).status_code == 200
    assert api_for(scope="follow").get(url).status_code == 200


# Familiar followers ---------------------------------------------------------------------------


def test_familiar_followers_are_people_you_follow_who_follow_them(api):
    target, other_target = UserFactory(), UserFactory()
    friend, stranger, gone = UserFactory(), UserFactory(), UserFactory()
    for person in (friend, gone):
        follow_create(follower=api.user, followee=person)
    for person in (friend, stranger, gone):
        follow_create(follower=person, followee=target)
    user_update(user=gone, is_active=False)
    query = f"id[]={target.pk}&id[]={other_target.pk}&id[]=zzz"
    body = api.get(f"/api/v1/accounts/familiar_followers?{query}").json()
    assert [entry["id"] for entry in body] == [str(target.pk), str(other_target.pk)]
    assert [a["id"] for a in body[0]["accounts"]] == [str(friend.pk)]
    assert body[1]["accounts"] == []


@BLOCKED_EITHER_WAY
def test_familiar_followers_of_an_account_blocked_either_way_are_none(api, author_blocks):
    target, friend = UserFactory(), UserFactory()
    follow_create(follower=api.user, followee=friend)
    follow_create(follower=friend, followee=target)
    block_between(target, api.user, author_blocks=author_blocks)
    body = api.get(f"/api/v1/accounts/familiar_followers?id[]={target.pk}").json()
    assert body == [{"id": str(target.pk), "accounts": []}]


@pytest.mark.parametrize("count", [1, 10])
def test_familiar_followers_query_count_is_flat(api, django_assert_num_queries, count):
    targets = [UserFactory() for _ in range(count)]
    friends = [UserFactory() for _ in range(3)]
    for friend in friends:
        follow_create(follower=api.user, followee=friend)
        for target in targets:
            follow_create(follower=friend, followee=target)
    query = "&".join(f"id[]={t.pk}" for t in targets)
    # token, the accounts asked about, the follows into them, the followers' counts
    with django_assert_num_queries(4):
        body = api.get(f"/api/v1/accounts/familiar_followers?{query}").json()
    assert [len(entry["accounts"]) for entry in body] == [3] * count
