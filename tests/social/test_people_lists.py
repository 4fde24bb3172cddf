"""Lists of people (followers, following) never show an account to someone it blocked, or
someone who blocked it, nor a deactivated account."""

import pytest
from django.urls import reverse

from social.services import block_create
from tests.factories import FollowFactory, UserFactory
from tests.pages import html
from users.services import profile_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def lists():
    """Fred follows Alice and is followed by her; Alice blocked Bob."""
    alice, bob, fred = UserFactory(), UserFactory(), UserFactory()
    profile_update(user=alice, display_name="Alice A", bio="alice's private-ish bio")
    FollowFactory(follower=fred, followee=alice)
    FollowFactory(follower=alice, followee=fred)
    block_create(blocker=alice, blocked=bob)
    return alice, bob, fred


@pytest.mark.parametrize("name", ["following", "followers"])
@pytest.mark.parametrize("direction", ["blocked", "blocker"])
def test_a_third_partys_list_hides_accounts_blocked_either_way(client, lists, name, direction):
    alice, bob, fred = lists
    if direction == "blocker":  # Bob looks at lists holding Alice, who blocked him
        reader, hidden = bob, alice
    else:  # Alice looks at lists holding Bob, whom she blocked
        reader, hidden = alice, bob
        FollowFactory(follower=fred, followee=bob)
        FollowFactory(follower=bob, followee=fred)
    client.force_login(reader)
    page = html(client.get(reverse(name, args=[fred.username])))
    assert f"@{hidden.username}" not in page
    assert "alice's private-ish bio" not in page


def test_others_still_see_the_account_in_the_list(client, lists):
    alice, _bob, fred = lists
    client.force_login(UserFactory())
    page = html(client.get(reverse("following", args=[fred.username])))
    assert f"@{alice.username}" in page
