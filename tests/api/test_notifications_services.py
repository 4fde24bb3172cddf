"""The writes the API added: dismissing one notification, clearing them all, marking them read
up to an id (notifications.services), and saving a marker (api.services.markers)."""

import pytest
from django.core.exceptions import ValidationError

from api.models import Marker
from api.services.markers import marker_save, markers_save
from notifications.models import Notification
from notifications.services import (
    notification_dismiss,
    notifications_clear,
    notifications_mark_read_up_to,
)
from social.services import follow_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(user, other_user, commits) -> list[Notification]:
    """Three follows told to user and one told to other_user, oldest first."""
    for _ in range(3):
        follow_create(follower=UserFactory(), followee=user)
    follow_create(follower=UserFactory(), followee=other_user)
    return list(Notification.objects.order_by("id"))


def test_dismiss_deletes_only_ones_own(user, other_user, told):
    mine, theirs = told[0], told[3]
    assert notification_dismiss(user=user, notification=mine) is True
    assert notification_dismiss(user=user, notification=theirs) is False
    assert notification_dismiss(user=user, notification=mine) is False  # gone already
    assert set(Notification.objects.values_list("pk", flat=True)) == {n.pk for n in told[1:]}


def test_clear_deletes_all_of_ones_own(user, other_user, told):
    assert notifications_clear(user=user) == 3
    assert list(Notification.objects.all()) == [told[3]]


def test_mark_read_up_to_an_id(user, other_user, told):
    assert notifications_mark_read_up_to(user=user, up_to=told[1].pk) == 2
    unread = Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)
    assert set(unread) == {told[2].pk, told[3].pk}  # later ones, and others', stay unread
    assert notifications_mark_read_up_to(user=user, up_to=told[1].pk) == 0  # read already


def test_a_marker_saved_again_is_the_next_version(user):
    first = marker_save(user=user, timeline="home", last_read_id=5)
    second = marker_save(user=user, timeline="home", last_read_id=3)
    assert (first.version, second.version, second.last_read_id) == (1, 2, 3)
    assert second.updated_at >= first.updated_at
    assert Marker.objects.count() == 1


def test_an_unknown_timeline_is_refused(user):
    with pytest.raises(ValidationError):
        marker_save(user=user, timeline="public", last_read_id=5)
    assert not Marker.objects.exists()


def test_markers_saved_together_are_all_or_none(user, told):
    with pytest.raises(ValidationError):
        markers_save(user=user, positions={"notifications": told[2].pk, "public": 1})
    assert not Marker.objects.exists()
    assert not Notification.objects.filter(read_at__isnull=False).exists()
