"""Markers: reading positions a client saves and reads back; the notifications marker marks
msg's notifications read up to it, so the web's badge agrees."""

from functools import partial

import pytest

from api.models import Marker
from api.services.markers import marker_save
from notifications.selectors import unread_count
from social.services import follow_create
from tests.factories import UserFactory
from tests.threads import race

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def test_nothing_saved_reads_as_an_empty_object(api):
    response = api.get("/api/v1/markers?timeline[]=home&timeline[]=notifications")
    assert (response.status_code, response.json()) == (200, {})


def test_a_saved_position_reads_back(api):
    saved = api.post("/api/v1/markers", {"home[last_read_id]": "105"})
    assert saved.status_code == 200
    home = saved.json()["home"]
    assert (home["last_read_id"], home["version"]) == ("105", 1)
    assert home["updated_at"].endswith("Z")
    response = api.get("/api/v1/markers?timeline[]=home&timeline[]=notifications")
    assert response.json() == {"home": home}  # only those saved


def test_json_bodies_and_both_timelines_at_once(api):
    body = {"home": {"last_read_id": "7"}, "notifications": {"last_read_id": "9"}}
    response = api.post("/api/v1/markers", body, content_type="application/json")
    assert set(response.json()) == {"home", "notifications"}
    positions = dict(Marker.objects.filter(user=api.user).values_list("timeline", "last_read_id"))
    assert positions == {"home": 7, "notifications": 9}


def test_each_save_is_one_version_more(api):
    for n, position in enumerate(["10", "12", "11"], start=1):
        response = api.post("/api/v1/markers", f"home[last_read_id]={position}", content_type=FORM)
        assert response.json()["home"]["version"] == n
    marker = Marker.objects.get(user=api.user, timeline="home")
    assert (marker.last_read_id, marker.version) == (11, 3)


def test_only_the_timelines_asked_for_are_answered(api):
    marker_save(user=api.user, timeline="home", last_read_id=3)
    marker_save(user=api.user, timeline="notifications", last_read_id=4)
    assert set(api.get("/api/v1/markers?timeline[]=notifications").json()) == {"notifications"}
    assert set(api.get("/api/v1/markers?timeline=home").json()) == {"home"}
    assert api.get("/api/v1/markers?timeline[]=public").json() == {}
    assert api.get("/api/v1/markers").json() == {}  # as Mastodon: no timeline, nothing


def test_markers_are_per_account(api, api_for):
    marker_save(user=api.user, timeline="home", last_read_id=3)
    assert api_for().get("/api/v1/markers?timeline[]=home").json() == {}


@pytest.mark.parametrize(
    "body",
    [
        "",
        "home[last_read_id]=abc",
        "home[last_read_id]=-1",
        "home[last_read_id]=99999999999999999999",
        "home[last_read_id]=5&notifications[last_read_id]=x",
        "public[last_read_id]=5",
    ],
)
def test_a_bad_position_is_a_422_and_changes_nothing(api, body):
    response = api.post("/api/v1/markers", body, content_type=FORM)
    assert response.status_code == 422
    assert "error" in response.json()
    assert not Marker.objects.exists()


def test_the_notifications_marker_marks_notifications_read_up_to_it(api, commits):
    followers = [UserFactory() for _ in range(3)]
    for follower in followers:
        follow_create(follower=follower, followee=api.user)
    told = sorted(api.user.notifications.values_list("pk", flat=True))
    assert unread_count(api.user) == 3
    api.post("/api/v1/markers", {"notifications[last_read_id]": str(told[1])})
    assert unread_count(api.user) == 1
    unread = api.user.notifications.filter(read_at__isnull=True).values_list("pk", flat=True)
    assert list(unread) == [told[2]]
    assert api.get("/api/v1/notifications/unread_count").json() == {"count": 1}


def test_the_home_marker_marks_no_notification_read(api, commits):
    follow_create(follower=UserFactory(), followee=api.user)
    api.post("/api/v1/markers", {"home[last_read_id]": "999999"})
    assert unread_count(api.user) == 1


def test_scopes(api_for, anon_api):
    assert anon_api.get("/api/v1/markers?timeline[]=home").status_code == 401
    assert anon_api.post("/api/v1/markers", {"home[last_read_id]": "1"}).status_code == 401
    reader = api_for(scope="read:statuses")
    assert reader.get("/api/v1/markers?timeline[]=home").status_code == 200
    assert reader.post("/api/v1/markers", {"home[last_read_id]": "1"}).status_code == 403
    writer = api_for(scope="write:statuses")
    assert writer.post("/api/v1/markers", {"home[last_read_id]": "1"}).status_code == 200
    assert writer.get("/api/v1/markers?timeline[]=home").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_saves_at_the_same_moment_lose_no_version():
    """Two clients save at once, the first save of that marker for both: one creates the row,
    the other counts the next version (on PostgreSQL the two transactions really overlap)."""
    for _ in range(10):
        user = UserFactory()
        errors = race(
            partial(marker_save, user=user, timeline="home", last_read_id=5),
            partial(marker_save, user=user, timeline="home", last_read_id=6),
            partial(marker_save, user=user, timeline="home", last_read_id=7),
        )
        assert errors == []
        assert Marker.objects.get(user=user, timeline="home").version == 3
