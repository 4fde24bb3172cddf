"""A follow and a block sent at the same moment: the block always wins.

Two threads, each with its own database connection, start together on a barrier. On
PostgreSQL (the CI's second pass) the two transactions really overlap; on SQLite they are
serialised by IMMEDIATE transactions, and the test checks the same outcome.
"""

from functools import partial

import pytest

from social.models import Block, Follow
from social.services import block_create, follow_create
from tests.factories import UserFactory
from tests.threads import race

TRIES = 25


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "follower_is_blocker",
    [False, True],
    ids=["the blocked follows", "the blocker follows back"],
)
def test_a_follow_racing_a_block_never_survives_it(follower_is_blocker):
    """Whichever commits first, the end state has the block and no follow, either way: the
    blocked account's follow and the blocker's own follow sent as they block alike."""
    survived = 0
    for _ in range(TRIES):
        alice, bob = UserFactory(), UserFactory()
        follower, followee = (alice, bob) if follower_is_blocker else (bob, alice)
        errors = race(
            partial(follow_create, follower=follower, followee=followee),
            partial(block_create, blocker=alice, blocked=bob),
        )
        assert errors == []
        assert Block.objects.filter(blocker=alice, blocked=bob).exists()
        if Follow.objects.filter(follower=follower, followee=followee).exists():
            survived += 1
    assert survived == 0, f"a follow survived the block in {survived} of {TRIES} races"
