"""Polls: /api/v1/polls/:id and voting in one, over posts.services.polls.

A poll is seen by whoever may see its post (posts.selectors.readable, the web's rule); a vote
goes through poll_vote, as the web's vote button, and every refusal it gives (an option that
is not the poll's, several in a single-choice poll, a poll that has ended, a second vote) is
Mastodon's 422. As on the web, the author may vote in their own poll.
"""

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Form, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from api import schemas
from api.auth import Scoped, user_of, viewer_of
from api.entities import Entities
from api.errors import RECORD_NOT_FOUND
from posts.models import Post
from posts.selectors import cards, readable
from posts.services.polls import poll_vote
from users.models import CustomUser

router = Router(tags=["polls"])

# What every route may answer besides its entity: no or a bad token (401), a scope it lacks
# (403), a missing or hidden record (404), refused input (422), all as {"error": "..."}.
ERRORS: dict[int, Any] = {code: schemas.Error for code in (401, 403, 404, 422)}


def _poll_row(viewer: CustomUser | None, poll_id: str) -> Post:
    """Return the card of the post holding poll poll_id (its options, their counts and the
    reader's marks), if viewer may see it."""
    text = poll_id.strip()
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        raise HttpError(404, RECORD_NOT_FOUND)
    # A post's own poll: a reblog (repost_of set) holds none of its own.
    qs = readable(viewer).filter(Q(poll__pk=int(text)), repost_of__isnull=True)
    row = cards(qs, viewer).first()
    if row is None:
        raise HttpError(404, RECORD_NOT_FOUND)
    return row


@router.get(
    "/v1/polls/{poll_id}",
    auth=Scoped("read:statuses", public=True),
    response={200: schemas.Poll, **ERRORS},
)
def poll_get(request: HttpRequest, poll_id: str) -> dict[str, Any] | None:
    """Return a poll with its counts (and, for a signed-in reader, their own votes)."""
    viewer = viewer_of(request)
    return Entities(request, viewer).poll(_poll_row(viewer, poll_id))


class VoteForm(Schema):
    choices: list[str] = Field([], description="The chosen options, by index from 0")


@router.post(
    "/v1/polls/{poll_id}/votes",
    auth=Scoped("write:statuses"),
    response={200: schemas.Poll, **ERRORS},
)
def poll_votes(request: HttpRequest, poll_id: str, form: Form[VoteForm]) -> dict[str, Any] | None:
    """Vote in a poll with the options at these indexes (one, or several if it allows)."""
    user = user_of(request)
    row = _poll_row(user, poll_id)
    poll = row.poll  # type: ignore[attr-defined]  # the post holds one (the lookup says so)
    options = list(poll.options.all())
    chosen: list[int] = []
    for value in form.choices:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit() and len(text) < 19):
            raise HttpError(422, "Validation failed: Choose among this poll's options.")
        if int(text) >= len(options):
            raise HttpError(422, "Validation failed: Choose among this poll's options.")
        chosen.append(options[int(text)].pk)
    poll_vote(user=user, poll=poll, option_ids=chosen)  # a refusal: ValidationError, a 422
    return Entities(request, user).poll(_poll_row(user, poll_id))
