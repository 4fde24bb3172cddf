"""Writes for lists: create, rename, delete, and add or remove members. Nothing else changes a
List or a ListMember.

A list holds accounts its owner follows. Unfollowing (or blocking) someone does not touch
their memberships: social sits below lists and cannot reach up to write here. Instead the
selectors show only the members the owner still follows, so an unfollowed member drops out of
the list's timeline, its member list and its count at once, and comes back on a new follow.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext

from core.text import clean_text
from lists.models import List, ListMember
from social.models import Follow
from social.selectors import is_blocked_either_way
from users.models import CustomUser

TITLE_MAX_LENGTH = 100
# As Mastodon: the lists page and a profile's lists page show them all on one page.
LISTS_MAX = 50


def list_title_clean(title: str) -> str:
    """Return title trimmed, or raise if it is empty, too long or holds NUL."""
    return clean_text(
        title,
        field="title",
        max_length=TITLE_MAX_LENGTH,
        empty=gettext("Give the list a name."),
        too_long=gettext("List names are limited to {limit} characters; this one has {length}."),
    )


def _require_owner(owner: CustomUser, list_: List) -> None:
    """Refuse a change to someone else's list."""
    if list_.owner_id != owner.pk:
        raise PermissionDenied(gettext("This is not your list."))


@transaction.atomic
def list_create(*, owner: CustomUser, title: str) -> List:
    """Create an empty list called title (at most LISTS_MAX per account)."""
    title = list_title_clean(title)
    # The owner's row is locked so that two creations at once cannot both pass the limit.
    CustomUser.objects.select_for_update().filter(pk=owner.pk).exists()
    if List.objects.filter(owner=owner).count() >= LISTS_MAX:
        raise ValidationError(
            {
                "title": gettext(
                    "You have %(count)d lists, the most an account can have. Delete one first."
                )
                % {"count": LISTS_MAX}
            }
        )
    return List.objects.create(owner=owner, title=title)


@transaction.atomic
def list_rename(*, owner: CustomUser, list_: List, title: str) -> List:
    """Give owner's list a new name."""
    _require_owner(owner, list_)
    list_.title = list_title_clean(title)
    List.objects.filter(pk=list_.pk).update(title=list_.title)
    return list_


@transaction.atomic
def list_delete(*, owner: CustomUser, list_: List) -> None:
    """Delete owner's list and its memberships (the accounts stay followed)."""
    _require_owner(owner, list_)
    List.objects.filter(pk=list_.pk).delete()


@transaction.atomic
def list_member_add(*, owner: CustomUser, list_: List, user: CustomUser) -> ListMember:
    """Put an account owner follows on owner's list (idempotent)."""
    _require_owner(owner, list_)
    if user.pk == owner.pk:
        raise ValidationError({"user": gettext("You cannot add yourself to a list.")})
    # Lock the follow: a block or an unfollow committing meanwhile waits for this write, and the
    # selectors hide the member as soon as the follow is gone. A block ends follows both ways,
    # so an account blocked either way gets the same answer as any account one does not
    # follow: the answer never tells whether someone blocked you.
    following = Follow.objects.select_for_update().filter(follower=owner, followee=user)
    refused = ValidationError({"user": gettext("You can only add people you follow.")})
    if not user.is_active or not list(following.values_list("pk")):
        raise refused
    if is_blocked_either_way(owner, user):
        raise refused
    member, _ = ListMember.objects.get_or_create(list=list_, user=user)
    return member


@transaction.atomic
def list_member_remove(*, owner: CustomUser, list_: List, user: CustomUser) -> bool:
    """Take an account off owner's list; return whether it was on it."""
    _require_owner(owner, list_)
    deleted, _ = ListMember.objects.filter(list=list_, user=user).delete()
    return bool(deleted)
