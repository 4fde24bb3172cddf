"""Lists' reads: the timeline shows what home would show of the members, and nothing else."""

import pytest

from lists.selectors import (
    list_get,
    list_members,
    list_timeline,
    lists_for_account,
    lists_of,
)
from lists.services import list_create, list_member_add
from posts.services import post_create, post_repost
from social.services import block_create, follow_create, follow_delete, mute_create
from tests.factories import PostFactory, UserFactory
from timelines.selectors import home

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(user):
    return user


def followed(owner):
    person = UserFactory()
    follow_create(follower=owner, followee=person)
    return person


@pytest.fixture
def member(owner):
    return followed(owner)


@pytest.fixture
def list_(owner, member):
    made = list_create(owner=owner, title="Friends")
    list_member_add(owner=owner, list_=made, user=member)
    return made


def ids(qs) -> list[int]:
    return list(qs.values_list("pk", flat=True))


def test_the_timeline_holds_members_posts_and_reposts_newest_first(owner, member, list_):
    stranger = UserFactory()
    first = PostFactory(author=member)
    repost = post_repost(user=member, post=PostFactory(author=stranger))
    assert ids(list_timeline(owner, list_).order_by("-id")) == [repost.pk, first.pk]


def test_the_timeline_leaves_out_non_members_comments_and_the_owner(owner, member, list_):
    """Someone followed but not on the list, a member's comment and the owner's own post."""
    not_on_list = followed(owner)
    PostFactory(author=not_on_list)
    PostFactory(author=owner)
    post = PostFactory(author=member)
    post_create(author=member, body="a comment", in_reply_to=post)
    assert ids(list_timeline(owner, list_)) == [post.pk]


@pytest.mark.parametrize("visibility", ["public", "unlisted", "followers"])
def test_members_posts_of_every_visibility_but_direct_are_shown(owner, member, list_, visibility):
    post = PostFactory(author=member, visibility=visibility)
    assert ids(list_timeline(owner, list_)) == [post.pk]


def test_a_direct_message_from_a_member_is_never_shown(owner, member, list_):
    """Even one addressed to the list's owner: direct messages live in conversations."""
    post_create(author=member, body=f"Psst @{owner.username}", visibility="direct")
    assert ids(list_timeline(owner, list_)) == []


@pytest.mark.parametrize("direction", ["owner blocked", "blocked owner"])
def test_a_repost_of_someone_blocked_either_way_is_hidden(owner, member, list_, direction):
    other = UserFactory()
    original = PostFactory(author=other)
    post_repost(user=member, post=original)
    if direction == "owner blocked":
        block_create(blocker=owner, blocked=other)
    else:
        block_create(blocker=other, blocked=owner)
    assert ids(list_timeline(owner, list_)) == []


@pytest.mark.parametrize("direction", ["owner blocked", "blocked owner"])
def test_a_member_blocked_either_way_drops_out(owner, member, list_, direction):
    PostFactory(author=member)
    if direction == "owner blocked":
        block_create(blocker=owner, blocked=member)
    else:
        block_create(blocker=member, blocked=owner)
    assert ids(list_timeline(owner, list_)) == []
    assert ids(list_members(owner, list_)) == []
    assert lists_of(owner).get().member_count == 0


def test_a_muted_member_is_hidden_from_the_timeline(owner, member, list_):
    """As on home: a mute hides their posts; they are still on the list."""
    PostFactory(author=member)
    mute_create(muter=owner, muted=member)
    assert ids(list_timeline(owner, list_)) == []
    assert [m.user for m in list_members(owner, list_)] == [member]


def test_an_unfollowed_member_is_hidden_and_comes_back_on_a_new_follow(owner, member, list_):
    post = PostFactory(author=member)
    follow_delete(follower=owner, followee=member)
    assert ids(list_timeline(owner, list_)) == []
    assert ids(list_members(owner, list_)) == []
    assert lists_of(owner).get().member_count == 0
    follow_create(follower=owner, followee=member)
    assert ids(list_timeline(owner, list_)) == [post.pk]
    assert lists_of(owner).get().member_count == 1


def test_a_deactivated_member_is_hidden(owner, member, list_):
    PostFactory(author=member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert ids(list_timeline(owner, list_)) == []
    assert ids(list_members(owner, list_)) == []


def test_the_timeline_shows_what_home_shows_of_the_members(owner, member, list_):
    """Every card on the list timeline is on home too, with the same counts and marks."""
    other = UserFactory()
    follow_create(follower=member, followee=other)
    PostFactory(author=member, visibility="followers")
    post_repost(user=member, post=PostFactory(author=other))
    PostFactory(author=other, visibility="followers")  # not on home: owner does not follow other
    on_list = {p.pk: p for p in list_timeline(owner, list_)}
    on_home = {p.pk: p for p in home(owner)}
    assert on_list
    assert set(on_list) <= set(on_home)
    for pk, card in on_list.items():
        assert (card.like_count, card.repost_count) == (
            on_home[pk].like_count,
            on_home[pk].repost_count,
        )


def test_someone_elses_list_yields_nothing(owner, member, list_):
    """A list read by another account: no list, no posts, no members."""
    PostFactory(author=member)
    intruder = UserFactory()
    follow_create(follower=intruder, followee=member)
    assert ids(list_get(intruder, list_.pk)) == []
    assert ids(list_timeline(intruder, list_)) == []
    assert ids(list_members(intruder, list_)) == []
    assert ids(lists_of(intruder)) == []


def test_lists_of_counts_members_by_name(owner, member, list_):
    second = followed(owner)
    empty = list_create(owner=owner, title="Alpha")
    list_member_add(owner=owner, list_=list_, user=second)
    assert [(x.title, x.member_count) for x in lists_of(owner)] == [
        ("Alpha", 0),
        ("Friends", 2),
    ]
    assert empty.pk in ids(lists_of(owner))


def test_lists_for_account_marks_the_lists_holding_it(owner, member, list_):
    other_list = list_create(owner=owner, title="Others")
    marks = {x.pk: x.has_account for x in lists_for_account(owner, member)}
    assert marks == {list_.pk: True, other_list.pk: False}
    assert ids(lists_for_account(UserFactory(), member)) == []
