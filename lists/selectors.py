"""Reads of lists: an owner's lists with their member counts, one list, its members, its
timeline, and which lists hold an account.

A member shows only while the owner still follows them and may see them (active, not blocked
either way): lists.services explains why unfollowing does not delete the membership.
"""

from django.db.models import Exists, OuterRef, QuerySet

from core.queries import subquery_count
from lists.models import List, ListMember
from posts.models import Post, Visibility
from posts.selectors import cards, visible_to
from social.models import FilterContext
from social.selectors import followee_ids, people_shown_to
from users.models import CustomUser


def _shown_members(owner: CustomUser) -> QuerySet[ListMember]:
    """Return the memberships of owner's lists whose account owner follows and may see."""
    qs = ListMember.objects.filter(list__owner=owner, user__in=followee_ids(owner))
    return people_shown_to(qs, owner, person="user")


def lists_of(owner: CustomUser) -> QuerySet[List]:
    """Return owner's lists by name, each with member_count."""
    members = _shown_members(owner).filter(list=OuterRef("pk"))
    return List.objects.filter(owner=owner).annotate(member_count=subquery_count(members, "list"))


def list_get(owner: CustomUser, pk: int) -> QuerySet[List]:
    """Return owner's list with this id, as a queryset of at most one (someone else's: none)."""
    return List.objects.filter(owner=owner, pk=pk)


def list_members(owner: CustomUser, list_: List) -> QuerySet[ListMember]:
    """Return the memberships of owner's list with their accounts, newest first (paginate)."""
    return _shown_members(owner).filter(list=list_).select_related("user").order_by("-id")


def list_timeline(viewer: CustomUser, list_: List) -> QuerySet[Post]:
    """Return the top-level posts and reposts of the list's members, as home shows them.

    Only members viewer still follows count, and never a direct message (those live in
    conversations).
    """
    members = _shown_members(viewer).filter(list=list_).values("user_id")
    qs = (
        visible_to(viewer)
        .filter(author__in=members, in_reply_to__isnull=True)
        .exclude(visibility=Visibility.DIRECT)
    )
    return cards(qs, viewer, filter_context=FilterContext.HOME)


def lists_for_account(owner: CustomUser, account: CustomUser) -> QuerySet[List]:
    """Return all of owner's lists by name, each with has_account: whether account is on it."""
    on_it = ListMember.objects.filter(list=OuterRef("pk"), user=account)
    return List.objects.filter(owner=owner).annotate(has_account=Exists(on_it))
