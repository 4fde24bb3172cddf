"""Who to follow ranks its friends-of-followees candidates before cutting them to
FOF_CANDIDATES, so a followee who follows thousands cannot crowd out the account most of the
viewer's followees follow (it once took an unordered LIMIT 500 of their follows)."""

import pytest
from django.core.cache import cache

from social.models import Follow
from social.selectors import FOF_CANDIDATES, NEWEST, POPULAR_COUNT, who_to_follow
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def _users(prefix: str, n: int) -> list[CustomUser]:
    return CustomUser.objects.bulk_create(
        [
            CustomUser(username=f"{prefix}{i}", email=f"{prefix}{i}@example.com", password="!")
            for i in range(n)
        ]
    )


def test_account_followed_by_most_followees_is_suggested_first() -> None:
    cache.clear()
    viewer = _users("r7v", 1)[0]
    friends = _users("r7b", 3)  # whom the viewer follows
    # Each friend follows FOF_CANDIDATES distinct accounts (a normal, active account).
    fillers = _users("r7f", FOF_CANDIDATES * len(friends))
    target = _users("r7x", 1)[0]  # followed by all three friends
    # Newer and more followed accounts than the target (fill the "newest" and "popular" sets).
    late = _users("r7l", max(NEWEST, POPULAR_COUNT))
    outsiders = _users("r7o", 5)
    edges = [Follow(follower=viewer, followee=f) for f in friends]
    for i, friend in enumerate(friends):
        chunk = fillers[i * FOF_CANDIDATES : (i + 1) * FOF_CANDIDATES]
        edges += [Follow(follower=friend, followee=f) for f in chunk]
    edges += [Follow(follower=friend, followee=target) for friend in friends]
    edges += [Follow(follower=o, followee=account) for o in outsiders for account in late]
    Follow.objects.bulk_create(edges)

    suggested = list(who_to_follow(viewer, limit=3))

    # All three of the viewer's followees follow target; every other account has at most one.
    assert suggested and suggested[0] == target, [u.username for u in suggested]
