"""Notifications over the API: Mastodon's types for msg's kinds, filters by type and account,
one, dismiss, clear, the unread count, the policy, grouped v2, scopes, and the web's rules on
what a reader may see."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Kind, Notification
from posts.models import Visibility
from posts.services import post_create, post_like, post_repost
from posts.services.polls import PollSpec, poll_close
from social.services import follow_create, follow_delete, mute_create, muted_word_create
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<([^>]+)>; rel="(next|prev)"')


@pytest.fixture
def told(api, other_user, commits):
    """One notification of every kind msg has for api.user, oldest first, by kind."""
    user = api.user
    mine = PostFactory(author=user, body="my post")
    follow_create(follower=other_user, followee=user)
    post_create(author=other_user, body=f"hello @{user.username}")
    CommentFactory(author=other_user, in_reply_to=mine, body="nice")
    post_like(user=other_user, post=mine)
    post_repost(user=other_user, post=mine)
    post_create(author=other_user, body="see this", quote_of=mine)
    poll = post_create(
        author=user, body="vote", poll=PollSpec(options=["a", "b"], expires_in=timedelta(hours=1))
    )
    poll_close(poll=poll.poll, now=timezone.now())
    rows = {n.kind: n for n in Notification.objects.filter(recipient=user)}
    assert set(rows) == set(Kind.values)
    return rows


def by_id(response) -> dict[str, dict]:
    assert response.status_code == 200, response.content
    return {n["id"]: n for n in response.json()}


def test_every_kind_has_its_mastodon_type_and_status(api, told):
    found = by_id(api.get("/api/v1/notifications"))
    types = {kind: found[str(n.pk)]["type"] for kind, n in told.items()}
    assert types == {
        "follow": "follow",
        "mention": "mention",
        "comment": "mention",
        "like": "favourite",
        "repost": "reblog",
        "quote": "quote",
        "poll": "poll",
    }
    for kind, row in told.items():
        entity = found[str(row.pk)]
        assert entity["group_key"] == f"ungrouped-{row.pk}"
        assert entity["account"]["id"] == str(row.actor_id)
        if kind == Kind.FOLLOW:
            assert entity["status"] is None
        else:
            assert entity["status"]["id"] == str(row.post_id)


def test_a_reblog_notification_shows_the_post_that_was_reblogged(api, told):
    found = by_id(api.get("/api/v1/notifications"))
    status = found[str(told[Kind.REPOST].pk)]["status"]
    assert status["account"]["id"] == str(api.user.pk)
    assert status["reblog"] is None


def test_newest_first(api, told):
    listed = [int(n["id"]) for n in api.get("/api/v1/notifications").json()]
    assert listed == sorted((n.pk for n in told.values()), reverse=True)


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ("types[]=mention", {"mention", "comment"}),
        ("types[]=favourite&types[]=reblog", {"like", "repost"}),
        ("types[]=follow", {"follow"}),
        ("types[]=poll&types[]=quote", {"poll", "quote"}),
        ("exclude_types[]=mention&exclude_types[]=follow", {"like", "repost", "quote", "poll"}),
        ("types[]=mention&exclude_types[]=mention", set()),
        ("types[]=status&types[]=update", set()),  # Mastodon's types msg has none of
        ("types[]=nonsense", set()),
        ("exclude_types[]=nonsense", set(Kind.values)),
        ("types=follow", {"follow"}),  # one value without brackets
    ],
)
def test_types_and_exclude_types(api, told, query, kinds):
    found = by_id(api.get(f"/api/v1/notifications?{query}"))
    assert set(found) == {str(told[k].pk) for k in kinds}


def test_account_id_keeps_one_accounts_notifications(api, told, other_user):
    found = by_id(api.get(f"/api/v1/notifications?account_id={other_user.pk}"))
    assert set(found) == {str(n.pk) for n in told.values() if n.actor_id == other_user.pk}
    assert by_id(api.get(f"/api/v1/notifications?account_id={api.user.pk}")).keys() == {
        str(told[Kind.POLL].pk)
    }
    assert by_id(api.get("/api/v1/notifications?account_id=nobody")) == {}


def test_walking_the_notifications_keeps_the_filter(api, told):
    url: str | None = "/api/v1/notifications?limit=2&exclude_types[]=follow"
    seen: list[str] = []
    while url:
        response = api.get(url)
        page = [n["id"] for n in response.json()]
        seen += page
        url = dict((rel, u) for u, rel in LINK.findall(response.get("Link", ""))).get("next")
        if not page:
            break
    expected = sorted((n.pk for k, n in told.items() if k != Kind.FOLLOW), reverse=True)
    assert [int(i) for i in seen] == expected


@pytest.mark.parametrize(("limit", "size"), [("", 40), ("80", 80), ("500", 80)])
def test_the_limit_is_40_by_default_and_80_at_most(api, limit, size, commits):
    for _ in range(85):
        follow_create(follower=UserFactory(), followee=api.user)
    assert len(api.get(f"/api/v1/notifications?limit={limit}").json()) == size


def test_reading_the_list_marks_nothing_read(api, told):
    api.get("/api/v1/notifications")
    assert not Notification.objects.filter(recipient=api.user, read_at__isnull=False).exists()


# What the reader may see: the web's rules -----------------------------------------------------


def test_a_notification_about_a_post_the_reader_may_no_longer_see_is_left_out(
    api, other_user, commits
):
    follow_create(follower=api.user, followee=other_user)
    private = post_create(
        author=other_user, body=f"@{api.user.username} hi", visibility=Visibility.FOLLOWERS
    )
    [mention] = api.get("/api/v1/notifications").json()
    assert mention["status"]["id"] == str(private.pk)
    follow_delete(follower=api.user, followee=other_user)
    assert api.get("/api/v1/notifications").json() == []
    assert api.get(f"/api/v1/notifications/{mention['id']}").status_code == 404


def test_a_muted_account_is_left_out(api, told, other_user):
    mute_create(muter=api.user, muted=other_user)
    found = by_id(api.get("/api/v1/notifications"))
    assert set(found) == {str(told[Kind.POLL].pk)}


def test_a_muted_word_for_notifications_marks_the_status(api, other_user, commits):
    muted_word_create(user=api.user, phrase="secret", contexts=["notifications"])
    post_create(author=other_user, body=f"@{api.user.username} a secret")
    [entity] = api.get("/api/v1/notifications").json()
    assert entity["status"]["filtered"][0]["keyword_matches"] == ["secret"]


# One, dismiss, clear, unread count ------------------------------------------------------------


def test_one_notification(api, told):
    like = told[Kind.LIKE]
    response = api.get(f"/api/v1/notifications/{like.pk}")
    assert response.status_code == 200
    assert response.json()["type"] == "favourite"


@pytest.mark.parametrize("pk", ["999999", "abc", "99999999999999999999999"])
def test_an_unknown_notification_is_a_404(api, pk):
    for response in (
        api.get(f"/api/v1/notifications/{pk}"),
        api.post(f"/api/v1/notifications/{pk}/dismiss"),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}


def test_someone_elses_notification_is_a_404_and_stays(api, api_for, told):
    stranger = api_for()
    like = told[Kind.LIKE]
    assert stranger.get(f"/api/v1/notifications/{like.pk}").status_code == 404
    assert stranger.post(f"/api/v1/notifications/{like.pk}/dismiss").status_code == 404
    assert Notification.objects.filter(pk=like.pk).exists()


def test_dismiss_deletes_one(api, told):
    like = told[Kind.LIKE]
    response = api.post(f"/api/v1/notifications/{like.pk}/dismiss")
    assert (response.status_code, response.json()) == (200, {})
    assert not Notification.objects.filter(pk=like.pk).exists()
    assert Notification.objects.filter(recipient=api.user).count() == len(told) - 1


def test_clear_deletes_only_ones_own(api, told, other_user, commits):
    follow_create(follower=api.user, followee=other_user)  # other_user is told
    response = api.post("/api/v1/notifications/clear")
    assert (response.status_code, response.json()) == (200, {})
    assert not Notification.objects.filter(recipient=api.user).exists()
    assert Notification.objects.filter(recipient=other_user).exists()


def test_unread_count_counts_the_unread_ones_the_reader_may_see(api, told, other_user):
    assert api.get("/api/v1/notifications/unread_count").json() == {"count": len(told)}
    Notification.objects.filter(pk=told[Kind.FOLLOW].pk).update(read_at=timezone.now())
    assert api.get("/api/v1/notifications/unread_count").json() == {"count": len(told) - 1}
    query = "types[]=mention&limit=1"
    assert api.get(f"/api/v1/notifications/unread_count?{query}").json() == {"count": 1}
    mute_create(muter=api.user, muted=other_user)
    assert api.get("/api/v1/notifications/unread_count").json() == {"count": 1}  # the poll


def test_unread_count_limit(api, commits):
    for _ in range(3):
        follow_create(follower=UserFactory(), followee=api.user)
    for limit, count in (("2", 2), ("", 3), ("x", 3), ("5000", 3)):
        response = api.get(f"/api/v1/notifications/unread_count?limit={limit}")
        assert response.json() == {"count": count}


# Policy and requests (msg filters no notifications) -------------------------------------------


def test_the_policy_accepts_everything(api):
    response = api.get("/api/v2/notifications/policy")
    assert response.status_code == 200
    policy = response.json()
    assert {k: v for k, v in policy.items() if k.startswith("for_")} == {
        "for_not_following": "accept",
        "for_not_followers": "accept",
        "for_new_accounts": "accept",
        "for_private_mentions": "accept",
        "for_limited_accounts": "accept",
    }
    assert policy["summary"] == {"pending_requests_count": 0, "pending_notifications_count": 0}


def test_a_policy_change_is_accepted_and_answered_with_what_applies(api):
    response = api.patch(
        "/api/v2/notifications/policy",
        "for_not_following=filter",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json()["for_not_following"] == "accept"
    bad = api.patch(
        "/api/v2/notifications/policy",
        {"for_new_accounts": "maybe"},
        content_type="application/json",
    )
    assert bad.status_code == 422


def test_the_v1_policy_filters_nothing(api):
    policy = api.get("/api/v1/notifications/policy").json()
    assert (
        policy["filter_not_following"] is False and policy["summary"]["pending_requests_count"] == 0
    )
    response = api.put(
        "/api/v1/notifications/policy",
        "filter_not_following=true",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.json()["filter_not_following"] is False


def test_there_are_no_requests(api):
    assert api.get("/api/v1/notifications/requests").json() == []
    assert api.get("/api/v1/notifications/requests/merged").json() == {"merged": True}


# Grouped (v2): each notification in a group of its own ---------------------------------------


def test_grouped_notifications_hold_one_each(api, told, other_user):
    response = api.get("/api/v2/notifications")
    assert response.status_code == 200
    body = response.json()
    groups = {g["group_key"]: g for g in body["notification_groups"]}
    assert set(groups) == {f"ungrouped-{n.pk}" for n in told.values()}
    like = groups[f"ungrouped-{told[Kind.LIKE].pk}"]
    assert like["type"] == "favourite" and like["notifications_count"] == 1
    assert like["most_recent_notification_id"] == told[Kind.LIKE].pk
    assert like["page_min_id"] == like["page_max_id"] == str(told[Kind.LIKE].pk)
    assert like["sample_account_ids"] == [str(other_user.pk)]
    assert like["status_id"] == str(told[Kind.LIKE].post_id)
    assert groups[f"ungrouped-{told[Kind.FOLLOW].pk}"]["status_id"] is None
    assert {a["id"] for a in body["accounts"]} == {str(other_user.pk), str(api.user.pk)}
    statuses = {s["id"] for s in body["statuses"]}
    assert statuses == {str(n.post_id) for n in told.values() if n.post_id}


def test_grouped_one_dismiss_and_count(api, told):
    key = f"ungrouped-{told[Kind.LIKE].pk}"
    one = api.get(f"/api/v2/notifications/{key}").json()
    assert [g["group_key"] for g in one["notification_groups"]] == [key]
    assert api.get("/api/v2/notifications/favourite-1").status_code == 404
    assert api.get("/api/v2/notifications/unread_count").json() == {"count": len(told)}
    assert api.post(f"/api/v2/notifications/{key}/dismiss").json() == {}
    assert not Notification.objects.filter(pk=told[Kind.LIKE].pk).exists()


def test_grouped_expand_accounts(api, told):
    partial = api.get("/api/v2/notifications?expand_accounts=partial_avatars").json()
    assert partial["partial_accounts"] == [] and partial["accounts"]
    assert api.get("/api/v2/notifications?expand_accounts=wrong").status_code == 422


# Tokens and scopes ------------------------------------------------------------------------------

READS = [
    "/api/v1/notifications",
    "/api/v1/notifications/1",
    "/api/v1/notifications/unread_count",
    "/api/v1/notifications/requests",
    "/api/v2/notifications/policy",
    "/api/v2/notifications",
]
WRITES = ["/api/v1/notifications/clear", "/api/v1/notifications/1/dismiss"]


@pytest.mark.parametrize("route", READS + WRITES)
def test_no_token_is_a_401(anon_api, settings, route):
    settings.MSG_PUBLIC_PAGES = True  # notifications are never public
    call = anon_api.post if route in WRITES else anon_api.get
    assert call(route).status_code == 401


@pytest.mark.parametrize("route", READS)
def test_reading_needs_read_notifications(api_for, route):
    assert api_for(scope="write follow read:statuses").get(route).status_code == 403
    assert api_for(scope="read:notifications").get(route).status_code in (200, 404)


@pytest.mark.parametrize("route", WRITES)
def test_changing_needs_write_notifications(api_for, route):
    assert api_for(scope="read").post(route).status_code == 403
    assert api_for(scope="write:notifications").post(route).status_code in (200, 404)


def test_dismiss_with_the_id_in_the_body(api, told):
    like = told[Kind.LIKE]
    assert api.post("/api/v1/notifications/dismiss", {"id": str(like.pk)}).json() == {}
    assert not Notification.objects.filter(pk=like.pk).exists()
    assert api.post("/api/v1/notifications/dismiss", {"id": "nope"}).status_code == 404


def test_requests_are_none_to_act_on(api):
    assert api.get("/api/v1/notifications/requests/5").status_code == 404
    assert api.post("/api/v1/notifications/requests/5/accept").status_code == 404
    assert api.post("/api/v1/notifications/requests/accept", {"id[]": ["5"]}).json() == {}
    assert api.post("/api/v1/notifications/requests/dismiss", {"id[]": ["5"]}).json() == {}


def test_a_groups_accounts_are_its_one_actor(api, told, other_user):
    key = f"ungrouped-{told[Kind.LIKE].pk}"
    accounts = api.get(f"/api/v2/notifications/{key}/accounts").json()
    assert [a["id"] for a in accounts] == [str(other_user.pk)]
