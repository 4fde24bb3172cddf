"""Found in review: users/selectors.py profile_header counts every Follow row, so a deactivated
follower still counts on the profile ("2 followers") while the followers list, now filtered by
people_shown_to, shows one."""

import pytest
from django.urls import reverse

from social import selectors as user_selectors
from tests.factories import FollowFactory, UserFactory
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def test_profile_follower_count_leaves_out_deactivated_accounts(client):
    """Expected: Alice has two followers, one of them deactivated; her profile says 1 follower,
    as many as her followers page lists.

    Actual: the header says 2. Fix: in profile_header, count Follow rows whose follower (for
    followers_count) or followee (for following_count) is_active.
    """
    alice, stays, gone = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=stays, followee=alice)
    FollowFactory(follower=gone, followee=alice)
    CustomUser.objects.filter(pk=gone.pk).update(is_active=False)
    client.force_login(stays)

    listed = client.get(reverse("followers", args=[alice.username])).content.decode()
    assert f"@{gone.username}" not in listed and f"@{stays.username}" in listed
    header = user_selectors.profile_header(stays, alice)
    assert header["counts"]["followers"] == 1
