"""Who to follow is in the right column of every member page (GET /sidebar/), so its cost must
not grow with the size of the site. (It once counted the followers of every account on each
call: 20k accounts / 300k follows measured 580-900 ms per call on SQLite and 640-900 ms on
PostgreSQL 15.) The site-wide count of the most followed runs once per POPULAR_TTL and is cached;
this measures a call with that count cached, as nearly every page view finds it.

The test counts SQLite's virtual-machine steps (a progress handler) for one call on a site, then
on the same site with ten times as many followed accounts; the viewer and their follows stay the
same. A right column that reads a few rows (a kept follower count with an index, or a cached
list of the most followed) passes; one that reads every account or every follow does not.
"""

import random

import pytest
from django.core.cache import cache
from django.db import connection

from social.models import Follow
from social.selectors import POPULAR_CACHE_KEY, most_followed_ids, who_to_follow
from tests.factories import UserFactory
from users.models import CustomUser

STEP = 100  # VM instructions per progress-handler call


def _grow(accounts: int, follows_each: int, start: int) -> None:
    users = CustomUser.objects.bulk_create(
        [
            CustomUser(
                username=f"r5w{start + i}", email=f"r5w{start + i}@example.com", password="!"
            )
            for i in range(accounts)
        ]
    )
    everyone = list(CustomUser.objects.values_list("pk", flat=True))
    rnd = random.Random(start)
    edges = set()
    for user in users:
        for target in rnd.sample(everyone, follows_each):
            if target != user.pk:
                edges.add((user.pk, target))
    Follow.objects.bulk_create([Follow(follower_id=a, followee_id=b) for a, b in edges])


def _steps(viewer: CustomUser) -> int:
    if connection.vendor != "sqlite":
        pytest.skip("counts SQLite VM steps")
    connection.ensure_connection()
    calls = [0]

    def tick() -> int:
        calls[0] += 1
        return 0

    cache.delete(POPULAR_CACHE_KEY)
    most_followed_ids()
    raw = connection.connection
    raw.set_progress_handler(tick, STEP)
    try:
        list(who_to_follow(viewer, 3))
    finally:
        raw.set_progress_handler(None, STEP)
    return calls[0]


@pytest.mark.django_db
def test_who_to_follow_cost_does_not_grow_with_the_site():
    viewer = UserFactory()
    _grow(200, 5, 0)
    small = _steps(viewer)
    _grow(1800, 5, 10_000)
    large = _steps(viewer)
    # 10x the accounts and follows: allow the index depth to grow, not the work per account.
    assert large < 3 * small, (small, large)
