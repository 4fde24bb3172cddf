"""Conversations: your direct-message conversations, each once by its newest message, with the
other participants and whether it is unread (conversations.selectors, as /messages/).

A conversation's id is msg's key for it (its first message). Paging is by the newest
message's id, as Mastodon pages by last_status_id.
"""

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.errors import HttpError

from api import schemas
from api.auth import Scoped, user_of
from api.entities import Entities
from api.pagination import Cursors, link_header, page
from api.selectors import status_rows
from conversations.selectors import conversation_row, conversations
from conversations.services import conversation_mark_read
from posts.models import Post
from users.models import CustomUser

router = Router(tags=["conversations"])

Errors: dict[int, Any] = {401: schemas.Error, 403: schemas.Error}


def _id(value: str) -> int:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


def _participants(row: Post, viewer: CustomUser) -> list[CustomUser]:
    """Return the conversation's participants but viewer (viewer alone writing to nobody)."""
    people = {u.pk: u for u in [row.author, *row.mentions.all()] if u.pk != viewer.pk}
    return list(people.values()) or [viewer]


def _entities(request: HttpRequest, viewer: CustomUser, rows: Sequence[Post]) -> list[dict]:
    entities = Entities(request, viewer)
    # Every account on the page in one query: the participants and the messages' authors.
    entities.load_accounts([u for row in rows for u in (*_participants(row, viewer), row.author)])
    statuses = entities.statuses(rows)
    return [
        {
            "id": str(row.thread),  # type: ignore[attr-defined]
            "unread": bool(row.unread),  # type: ignore[attr-defined]
            "accounts": [entities.account(u) for u in _participants(row, viewer)],
            "last_status": status,
        }
        for row, status in zip(rows, statuses, strict=True)
    ]


def _one(viewer: CustomUser, conversation_id: str) -> Post:
    return get_object_or_404(status_rows(conversation_row(viewer, _id(conversation_id)), viewer))


@router.get(
    "/v1/conversations",
    auth=Scoped("read:statuses"),
    response={200: list[schemas.Conversation], **Errors},
    summary="Direct conversations",
)
@router.get(
    "/v1/conversations/",  # as Mastodon.py asks for it
    auth=Scoped("read:statuses"),
    response={200: list[schemas.Conversation], **Errors},
    include_in_schema=False,
)
def conversation_list(
    request: HttpRequest, response: HttpResponse, cursors: Query[Cursors]
) -> list[dict]:
    """Return your conversations, newest activity first."""
    viewer = user_of(request)
    result = page(status_rows(conversations(viewer), viewer), cursors, kind="statuses")
    link_header(request, response, result)
    return _entities(request, viewer, result.items)


@router.post(
    "/v1/conversations/{conversation_id}/read",
    auth=Scoped("write:conversations"),
    response={200: schemas.Conversation, 404: schemas.Error, **Errors},
    summary="Mark a conversation read",
)
def conversation_read(request: HttpRequest, conversation_id: str) -> dict:
    """Mark a conversation read up to its newest message; return it."""
    viewer = user_of(request)
    row: Any = _one(viewer, conversation_id)  # a Post with its thread and unread marks
    conversation_mark_read(user=viewer, thread=row.thread, up_to=row.pk)
    row.unread = False
    return _entities(request, viewer, [row])[0]


@router.delete(
    "/v1/conversations/{conversation_id}",
    auth=Scoped("write:conversations"),
    response={200: schemas.Empty, 404: schemas.Error, 422: schemas.Error, **Errors},
    summary="Hide a conversation (not supported by msg yet)",
)
def conversation_hide(request: HttpRequest, conversation_id: str) -> dict:
    """Refuse: msg cannot hide a conversation from its list yet (it stays, and its messages)."""
    _one(user_of(request), conversation_id)
    raise HttpError(422, "msg cannot hide a conversation yet: it stays in your list")
