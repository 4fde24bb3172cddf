"""An Account's numbers are the profile page's (found in review: the API counted on its own)."""

import pytest

from social.selectors import profile_header
from social.services import follow_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_follower_counts_are_the_profile_headers(api):
    person = UserFactory()
    for _ in range(3):
        follow_create(follower=UserFactory(), followee=person)
    gone = UserFactory()
    follow_create(follower=gone, followee=person)
    follow_create(follower=person, followee=gone)
    follow_create(follower=person, followee=UserFactory())
    gone.is_active = False  # deactivated accounts are in neither count
    gone.save()
    counts = profile_header(api.user, person)["counts"]
    body = api.get(f"/api/v1/accounts/{person.pk}").json()
    assert (body["followers_count"], body["following_count"]) == (
        counts["followers"],
        counts["following"],
    )
    assert (body["followers_count"], body["following_count"]) == (3, 1)
