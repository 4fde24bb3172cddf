"""Lists must not tell who blocked the reader (found in review)."""

import pytest

from lists.services import list_create
from social.services import block_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_adding_an_account_tells_nothing_about_its_block(api):
    mine = list_create(owner=api.user, title="friends")
    blocker = UserFactory()
    stranger = UserFactory()
    block_create(blocker=blocker, blocked=api.user)
    url = f"/api/v1/lists/{mine.pk}/accounts"
    by_blocker = api.post(url, {"account_ids[]": [str(blocker.pk)]})
    by_stranger = api.post(url, {"account_ids[]": [str(stranger.pk)]})
    assert by_stranger.status_code == 422
    # Neither is followed (a block ends follows), but lists.services.list_member_add checks
    # the block before the follow: the blocker's answer differs ("You cannot add this
    # account to a list."), an oracle for who blocked you, which Mastodon never reveals.
    assert (by_blocker.status_code, by_blocker.json()) == (
        by_stranger.status_code,
        by_stranger.json(),
    )
