"""People search by any word of the name, who to follow (social.selectors) and trending
tags (posts.selectors)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from posts.models import Visibility
from posts.selectors import trending_tags
from social.selectors import NEWEST, POPULAR_CACHE_KEY, search_people, who_to_follow
from social.services import block_create, follow_create, mute_create
from tests.factories import PostFactory, UserFactory
from tests.pages import HTMX, html
from users.models import CustomUser
from users.services import profile_update

pytestmark = pytest.mark.django_db


def _person(username: str, display_name: str = ""):
    person = UserFactory(username=username)
    if display_name:
        profile_update(user=person, display_name=display_name, bio="")
    return person


def _deactivate(user: CustomUser) -> None:
    CustomUser.objects.filter(pk=user.pk).update(is_active=False)


def _names(users) -> list[str]:
    return [u.username for u in users]


# People search


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hopper", ["grace_h"]),
        ("HOP", ["grace_h"]),
        ("lovelace", ["ada"]),
        ("grace", ["grace_h"]),
        ("h", ["grace_h"]),  # the word after "_" in the username, and "Hopper"
        ("ada", ["ada"]),
        ("grace hop", ["grace_h"]),
        ("ada hopper", []),  # every word must match the same account
        ("race", []),  # words match from their start only
        ("ace", []),
    ],
)
def test_people_match_any_word_of_name_or_username_by_prefix(user, query, expected):
    """'hopper' finds grace_h (Grace Hopper) and 'lovelace' finds ada (Ada Lovelace)."""
    _person("grace_h", "Grace Hopper")
    _person("ada", "Ada Lovelace")
    assert _names(search_people(user, query)) == expected


def test_people_rank_exact_username_then_username_prefix_then_words(user):
    """The username itself first, then usernames starting with the query, then word matches."""
    word = _person("aaa_sam", "Someone")  # "sam" starts a word of the username
    named = _person("aab", "Sam Jones")  # "sam" starts a word of the display name
    prefix = _person("samantha")
    exact = _person("sam")
    assert list(search_people(user, "sam")) == [exact, prefix, word, named]


def test_people_search_leaves_out_deactivated_accounts(user):
    gone = _person("hopper_old")
    kept = _person("hopper_new")
    _deactivate(gone)
    assert list(search_people(user, "hopper")) == [kept]


def test_people_search_carries_the_follow_state(user):
    """Each account found says whether the reader follows it, from the same query."""
    followed = _person("zoe_a")
    _person("zoe_b")
    follow_create(follower=user, followee=followed)
    found = {u.username: u.is_followed for u in search_people(user, "zoe")}
    assert found == {"zoe_a": True, "zoe_b": False}


# Who to follow


def test_who_to_follow_puts_accounts_followed_by_your_followees_first(user):
    """Followed by two of your followees beats followed by one, which beats more followers."""
    friends = [UserFactory() for _ in range(2)]
    for friend in friends:
        follow_create(follower=user, followee=friend)
    two, one, popular = UserFactory(), UserFactory(), UserFactory()
    for friend in friends:
        follow_create(follower=friend, followee=two)
    follow_create(follower=friends[0], followee=one)
    for _ in range(3):
        follow_create(follower=UserFactory(), followee=popular)
    assert list(who_to_follow(user, 3)) == [two, one, popular]


def test_who_to_follow_then_the_most_followed(user):
    more, fewer = UserFactory(), UserFactory()
    for _ in range(2):
        follow_create(follower=UserFactory(), followee=more)
    follow_create(follower=UserFactory(), followee=fewer)
    assert list(who_to_follow(user, 2)) == [more, fewer]


def test_who_to_follow_never_suggests_self_followed_blocked_muted_or_deactivated(user):
    followed, blocked, blocker, muted, gone, fine = (UserFactory() for _ in range(6))
    follow_create(follower=user, followee=followed)
    block_create(blocker=user, blocked=blocked)
    block_create(blocker=blocker, blocked=user)
    mute_create(muter=user, muted=muted)
    _deactivate(gone)
    # Make each of them popular, so only the rule can leave them out.
    for person in (followed, blocked, blocker, muted, gone, user):
        follow_create(follower=UserFactory(), followee=person)
    suggested = set(who_to_follow(user, 50))
    assert fine in suggested
    assert suggested.isdisjoint({user, followed, blocked, blocker, muted, gone})


def test_who_to_follow_is_one_query_once_the_most_followed_are_counted(
    user, django_assert_num_queries
):
    """The site-wide count of the most followed runs once per POPULAR_TTL, then it is cached:
    a changed graph shows in the suggestions only after that."""
    popular = [UserFactory() for _ in range(5)]
    for rank, person in enumerate(popular):
        for _ in range(5 - rank):
            follow_create(follower=UserFactory(), followee=person)
    with django_assert_num_queries(2):
        assert list(who_to_follow(user, 3)) == popular[:3]
    follow_create(follower=UserFactory(), followee=popular[4])
    follow_create(follower=UserFactory(), followee=popular[4])
    with django_assert_num_queries(1):
        assert list(who_to_follow(user, 3)) == popular[:3]
    cache.delete(POPULAR_CACHE_KEY)
    # Counted again: popular[4] now has 3 followers, as many as popular[2], and is newer.
    assert list(who_to_follow(user, 3)) == [popular[0], popular[1], popular[4]]


def test_who_to_follow_reads_a_bounded_set_of_accounts(user):
    """Candidates: the cached most followed, the follows of user's latest followees and the
    newest accounts; an old account nobody follows is not among them."""
    forgotten = UserFactory()
    for _ in range(NEWEST):
        UserFactory()
    assert forgotten not in set(who_to_follow(user, 1000))
    friend, their_friend = UserFactory(), forgotten
    follow_create(follower=user, followee=friend)
    follow_create(follower=friend, followee=their_friend)
    cache.delete(POPULAR_CACHE_KEY)
    assert list(who_to_follow(user, 1)) == [forgotten]


# Trending tags


def test_trending_tags_count_distinct_authors_of_recent_public_posts(user):
    """A tag used by two people beats one used three times by one; old, non-public and
    deactivated authors' posts do not count."""
    alice, bob, gone = UserFactory(), UserFactory(), UserFactory()
    for _ in range(3):
        PostFactory(author=alice, body="#solo")
    PostFactory(author=alice, body="#duo")
    PostFactory(author=bob, body="#duo")
    PostFactory(author=bob, body="#hidden", visibility=Visibility.FOLLOWERS)
    PostFactory(author=gone, body="#ghost")
    _deactivate(gone)
    since = timezone.now() - timedelta(days=7)
    assert [t.name for t in trending_tags(user, since, limit=5)] == ["duo", "solo"]
    assert list(trending_tags(user, timezone.now() + timedelta(minutes=1), limit=5)) == []


@pytest.mark.parametrize("blocker_side", ["they blocked me", "I blocked them"])
def test_trending_tags_leave_out_tags_only_accounts_blocked_either_way_use(
    member_client, user, blocker_side
):
    """A tag used only by an account that blocked the reader, or that the reader blocked,
    is not in the right column (its page would show nothing: posts.selectors.tag_get)."""
    other = UserFactory()
    PostFactory(author=other, body="only I use #zzsecrettag")
    if blocker_side == "they blocked me":
        block_create(blocker=other, blocked=user)
    else:
        block_create(blocker=user, blocked=other)
    response = member_client.get(reverse("sidebar"), headers=HTMX)
    assert "zzsecrettag" not in html(response)


def test_trending_tags_count_only_the_authors_the_reader_may_see(user, django_assert_num_queries):
    """A tag used by a blocked account and by others stays, counted without the blocked
    one's posts; a muted account's tags still count (muting hides posts, not tags); a
    visitor's list counts everyone. Still one query."""
    blocked, muted, carol, dave = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    for _ in range(3):
        PostFactory(author=blocked, body="#shared #crowd")
    PostFactory(author=blocked, body="#crowd", visibility=Visibility.PUBLIC)
    PostFactory(author=carol, body="#shared")
    PostFactory(author=carol, body="#crowd")
    PostFactory(author=dave, body="#crowd")
    PostFactory(author=muted, body="#quiet")
    block_create(blocker=user, blocked=blocked)
    mute_create(muter=user, muted=muted)
    since = timezone.now() - timedelta(days=7)
    with django_assert_num_queries(1):
        tags = list(trending_tags(user, since, limit=5))
    assert [(t.name, t.authors, t.uses) for t in tags] == [
        ("crowd", 2, 2),
        ("quiet", 1, 1),
        ("shared", 1, 1),
    ]
    everyone = list(trending_tags(None, since, limit=5))
    assert [(t.name, t.authors) for t in everyone] == [("crowd", 3), ("shared", 2), ("quiet", 1)]
