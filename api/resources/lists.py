"""Lists: your named lists of accounts you follow, and their members (lists.services and
lists.selectors, as the /lists/ pages). A list's timeline is in api.resources.timelines.

msg keeps a title only: every list shows no replies (its timeline, like home, lists top-level
posts), so replies_policy is "none", and no list is exclusive. Both are accepted on writes
and answered as they apply.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Form, Query, Router, Schema
from pydantic import Field, field_validator

from api import schemas
from api.auth import Scoped, user_of
from api.entities import Entities
from api.pagination import Cursors, link_header, page
from lists.models import List
from lists.selectors import list_get, list_members, lists_of
from lists.services import (
    list_create,
    list_delete,
    list_member_add,
    list_member_remove,
    list_rename,
)
from social.selectors import relationships
from users.models import CustomUser

router = Router(tags=["lists"])

REPLIES_POLICIES = ("followed", "list", "none")
# What msg does: a list's timeline shows no replies.
REPLIES_POLICY = "none"

Errors: dict[int, Any] = {401: schemas.Error, 403: schemas.Error}
Missing: dict[int, Any] = {404: schemas.Error}
Refused: dict[int, Any] = {422: schemas.Error}


class ListForm(Schema):
    title: str | None = Field(None, description="The list's name")
    replies_policy: str | None = Field(None, description="Accepted; msg lists show no replies")
    exclusive: bool | None = Field(None, description="Accepted; no msg list is exclusive")

    @field_validator("replies_policy")
    @classmethod
    def _policy(cls, value: str | None) -> str | None:
        if value is not None and value not in REPLIES_POLICIES:
            raise ValueError(f"must be one of {', '.join(REPLIES_POLICIES)}")
        return value


class Members(Schema):
    account_ids: list[str] = Field([], description="The accounts' ids")


def _id(value: str) -> int:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


def _entity(list_: List) -> dict[str, Any]:
    return {
        "id": str(list_.pk),
        "title": list_.title,
        "replies_policy": REPLIES_POLICY,
        "exclusive": False,
    }


def _mine(owner: CustomUser, list_id: str) -> List:
    return get_object_or_404(list_get(owner, _id(list_id)))


def _accounts(owner: CustomUser, ids: list[str]) -> list[CustomUser]:
    """Return the active accounts of ids, in order (one query); an unknown one is a 404."""
    wanted = list(dict.fromkeys(_id(i) for i in ids))
    if not wanted:
        raise ValidationError({"account_ids": "Give at least one account id."})
    found = {u.pk: u for u in relationships(owner, wanted)}
    if any(pk not in found for pk in wanted):
        raise Http404
    return [found[pk] for pk in wanted]


@router.get(
    "/v1/lists",
    auth=Scoped("read:lists"),
    response={200: list[schemas.List], **Errors},
    summary="Your lists",
)
def list_index(request: HttpRequest) -> list[dict]:
    """Return all your lists, by name."""
    return [_entity(found) for found in lists_of(user_of(request))]


@router.post(
    "/v1/lists",
    auth=Scoped("write:lists"),
    response={200: schemas.List, **Errors, **Refused},
    summary="Create a list",
)
def list_new(request: HttpRequest, form: Form[ListForm]) -> dict:
    """Create a list (at most 50)."""
    return _entity(list_create(owner=user_of(request), title=form.title or ""))


@router.get(
    "/v1/lists/{list_id}",
    auth=Scoped("read:lists"),
    response={200: schemas.List, **Errors, **Missing},
    summary="One list",
)
def list_show(request: HttpRequest, list_id: str) -> dict:
    return _entity(_mine(user_of(request), list_id))


@router.put(
    "/v1/lists/{list_id}",
    auth=Scoped("write:lists"),
    response={200: schemas.List, **Errors, **Missing, **Refused},
    summary="Rename a list",
)
def list_update(request: HttpRequest, list_id: str, form: Form[ListForm]) -> dict:
    """Rename a list (a title left out keeps it)."""
    owner = user_of(request)
    found = _mine(owner, list_id)
    if form.title is not None:
        found = list_rename(owner=owner, list_=found, title=form.title)
    return _entity(found)


@router.delete(
    "/v1/lists/{list_id}",
    auth=Scoped("write:lists"),
    response={200: schemas.Empty, **Errors, **Missing},
    summary="Delete a list",
)
def list_remove(request: HttpRequest, list_id: str) -> dict:
    """Delete a list (its members stay followed)."""
    owner = user_of(request)
    list_delete(owner=owner, list_=_mine(owner, list_id))
    return {}


@router.get(
    "/v1/lists/{list_id}/accounts",
    auth=Scoped("read:lists"),
    response={200: list[schemas.Account], **Errors, **Missing},
    summary="A list's members",
)
def member_index(
    request: HttpRequest, response: HttpResponse, list_id: str, cursors: Query[Cursors]
) -> list[dict]:
    """Return a list's members, last added first (limit=0: all of them)."""
    owner = user_of(request)
    members = list_members(owner, _mine(owner, list_id))
    if cursors.limit == 0:
        people = [m.user for m in members]
    else:
        result = page(members, cursors, kind="accounts")
        link_header(request, response, result)
        people = [m.user for m in result.items]
    return Entities(request, owner).accounts(people)


@router.post(
    "/v1/lists/{list_id}/accounts",
    auth=Scoped("write:lists"),
    response={200: schemas.Empty, **Errors, **Missing, **Refused},
    summary="Add accounts to a list",
)
def member_add(request: HttpRequest, list_id: str, form: Form[Members]) -> dict:
    """Add accounts you follow to a list: all of them, or none if one cannot be added."""
    owner = user_of(request)
    found = _mine(owner, list_id)
    people = _accounts(owner, form.account_ids)
    try:
        with transaction.atomic():
            for person in people:
                list_member_add(owner=owner, list_=found, user=person)
    except PermissionDenied as refused:
        # Blocked either way: not followed any more, which Mastodon answers with a 422.
        raise ValidationError(str(refused)) from refused
    return {}


@router.delete(
    "/v1/lists/{list_id}/accounts",
    auth=Scoped("write:lists"),
    response={200: schemas.Empty, **Errors, **Missing, **Refused},
    summary="Remove accounts from a list",
)
def member_remove(request: HttpRequest, list_id: str, form: Form[Members]) -> dict:
    """Take accounts off a list."""
    owner = user_of(request)
    found = _mine(owner, list_id)
    with transaction.atomic():
        for person in _accounts(owner, form.account_ids):
            list_member_remove(owner=owner, list_=found, user=person)
    return {}
