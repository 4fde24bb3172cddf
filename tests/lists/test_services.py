"""Lists' writes: names, ownership, and who may be put on a list."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lists.models import List, ListMember
from lists.services import (
    TITLE_MAX_LENGTH,
    list_create,
    list_delete,
    list_member_add,
    list_member_remove,
    list_rename,
)
from social.models import Follow
from social.services import block_create, follow_create, follow_delete
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Adding a member: SAVEPOINT, the block check, the locked follow, the get of get_or_create,
# then its insert in its own SAVEPOINT ... RELEASE, and RELEASE.
MEMBER_ADD_QUERIES = 8


@pytest.fixture
def owner(user):
    return user


@pytest.fixture
def friend(owner):
    """An account owner follows."""
    friend = UserFactory()
    follow_create(follower=owner, followee=friend)
    return friend


@pytest.fixture
def list_(owner):
    return list_create(owner=owner, title="Friends")


def test_a_list_is_created_with_its_name_trimmed(owner):
    """The name is stored without its outer spaces, and the list starts empty."""
    made = list_create(owner=owner, title="  Close friends \n")
    stored = List.objects.get(pk=made.pk)
    assert stored.title == "Close friends"
    assert stored.owner == owner
    assert not ListMember.objects.filter(list=stored).exists()


@pytest.mark.parametrize(
    "title",
    ["", "   ", "a\x00b", "x" * (TITLE_MAX_LENGTH + 1)],
    ids=["empty", "blank", "nul", "long"],
)
def test_a_bad_name_is_refused_and_nothing_is_made(owner, title):
    with pytest.raises(ValidationError) as caught:
        list_create(owner=owner, title=title)
    assert "title" in caught.value.message_dict
    assert not List.objects.exists()


def test_a_name_of_the_longest_length_is_accepted(owner):
    assert list_create(owner=owner, title="x" * TITLE_MAX_LENGTH).title == "x" * TITLE_MAX_LENGTH


def test_the_owner_renames_a_list(owner, list_):
    list_rename(owner=owner, list_=list_, title=" Good people ")
    assert List.objects.get(pk=list_.pk).title == "Good people"


def test_a_bad_new_name_changes_nothing(owner, list_):
    with pytest.raises(ValidationError):
        list_rename(owner=owner, list_=list_, title=" ")
    assert List.objects.get(pk=list_.pk).title == "Friends"


def test_the_owner_deletes_a_list_and_its_memberships_but_not_the_follows(owner, list_, friend):
    list_member_add(owner=owner, list_=list_, user=friend)
    list_delete(owner=owner, list_=list_)
    assert not List.objects.filter(pk=list_.pk).exists()
    assert not ListMember.objects.exists()
    assert Follow.objects.filter(follower=owner, followee=friend).exists()


@pytest.mark.parametrize("action", ["rename", "delete", "add", "remove"])
def test_nobody_else_may_change_a_list(owner, list_, friend, action):
    """Someone else's list is refused for every write, and stays as it was."""
    list_member_add(owner=owner, list_=list_, user=friend)
    intruder = UserFactory()
    follow_create(follower=intruder, followee=friend)
    calls = {
        "rename": lambda: list_rename(owner=intruder, list_=list_, title="Mine now"),
        "delete": lambda: list_delete(owner=intruder, list_=list_),
        "add": lambda: list_member_add(owner=intruder, list_=list_, user=friend),
        "remove": lambda: list_member_remove(owner=intruder, list_=list_, user=friend),
    }
    with pytest.raises(PermissionDenied):
        calls[action]()
    stored = List.objects.get(pk=list_.pk)
    assert stored.title == "Friends"
    assert list(stored.memberships.values_list("user_id", flat=True)) == [friend.pk]


def test_an_account_you_follow_is_added_once(owner, list_, friend):
    first = list_member_add(owner=owner, list_=list_, user=friend)
    again = list_member_add(owner=owner, list_=list_, user=friend)
    assert first.pk == again.pk
    assert ListMember.objects.filter(list=list_, user=friend).count() == 1


def test_an_account_you_do_not_follow_is_refused(owner, list_):
    with pytest.raises(ValidationError) as caught:
        list_member_add(owner=owner, list_=list_, user=UserFactory())
    assert "user" in caught.value.message_dict
    assert not ListMember.objects.exists()


def test_you_cannot_add_yourself(owner, list_):
    with pytest.raises(ValidationError):
        list_member_add(owner=owner, list_=list_, user=owner)
    assert not ListMember.objects.exists()


@pytest.mark.parametrize("direction", ["owner blocked them", "they blocked owner"])
def test_an_account_blocked_either_way_is_refused(owner, list_, friend, direction):
    if direction == "owner blocked them":
        block_create(blocker=owner, blocked=friend)
    else:
        block_create(blocker=friend, blocked=owner)
    with pytest.raises(ValidationError) as caught:
        list_member_add(owner=owner, list_=list_, user=friend)
    assert not ListMember.objects.exists()
    # The same answer as for any account one does not follow: it tells nobody of a block.
    with pytest.raises(ValidationError) as stranger:
        list_member_add(owner=owner, list_=list_, user=UserFactory())
    assert caught.value.messages == stranger.value.messages


def test_a_deactivated_account_is_refused(owner, list_, friend):
    friend.is_active = False
    friend.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        list_member_add(owner=owner, list_=list_, user=friend)
    assert not ListMember.objects.exists()


def test_removing_a_member_says_whether_they_were_on_the_list(owner, list_, friend):
    list_member_add(owner=owner, list_=list_, user=friend)
    assert list_member_remove(owner=owner, list_=list_, user=friend) is True
    assert list_member_remove(owner=owner, list_=list_, user=friend) is False
    assert not ListMember.objects.exists()


def test_unfollowing_keeps_the_membership_for_a_later_follow(owner, list_, friend):
    """The row stays (the selectors hide it); social never writes to lists."""
    list_member_add(owner=owner, list_=list_, user=friend)
    follow_delete(follower=owner, followee=friend)
    assert ListMember.objects.filter(list=list_, user=friend).exists()


def test_adding_a_member_costs_the_same_however_full_the_list_is(owner, list_, friend):
    """The first member and the fourth cost the pinned number of queries."""
    others = [UserFactory() for _ in range(3)]
    for other in others:
        follow_create(follower=owner, followee=other)
    counts = []
    for other in [friend, *others]:
        with CaptureQueriesContext(connection) as ctx:
            list_member_add(owner=owner, list_=list_, user=other)
        counts.append(len(ctx.captured_queries))
    assert counts == [MEMBER_ADD_QUERIES] * len(counts)


def test_an_account_has_at_most_lists_max_lists(user):
    """Lists are bounded per account like drafts, muted words and pins: the pages that show
    them all stay small. The refusal names the limit; nothing is stored."""
    from lists.services import LISTS_MAX, list_create

    for n in range(LISTS_MAX):
        list_create(owner=user, title=f"list {n}")
    with pytest.raises(ValidationError, match=str(LISTS_MAX)):
        list_create(owner=user, title="one too many")
    assert List.objects.filter(owner=user).count() == LISTS_MAX
