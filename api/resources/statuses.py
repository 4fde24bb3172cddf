"""Statuses: /api/v1/statuses and what hangs off one (context, history, source, card, quotes,
favourites, reblogs, bookmarks, pins), over posts.services and posts.selectors.

A status answers exactly when its page on the web would (posts.selectors.readable: the same
rule, in the same request, so an unfollow hides a followers-only post at once); otherwise it
is a 404 "Record not found", whatever the reason, as in Mastodon. Every write goes through
the service the web uses, and the status is read again afterwards through
api.selectors.status_rows, so its counts and the reader's marks are current.
"""

import hashlib
import re
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import Form, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import BeforeValidator, Field

from api import schemas
from api.auth import Scoped, user_of, viewer_of
from api.entities import VISIBILITY_IN, Entities, iso
from api.errors import RECORD_NOT_FOUND
from api.pagination import Cursors, link_header, page
from api.selectors import status_rows
from posts.models import Post, PostImage
from posts.permissions import can_delete, can_edit
from posts.selectors import (
    VersionImage,
    likers,
    post_history,
    quotes_of,
    readable,
    reposters,
)
from posts.services import (
    post_bookmark,
    post_create,
    post_delete,
    post_edit,
    post_like,
    post_repost,
    post_unbookmark,
    post_unlike,
    post_unrepost,
)
from posts.services.media import ALT_REQUIRED
from posts.services.pins import post_pin, post_unpin
from posts.services.polls import PollSpec
from users.models import CustomUser

router = Router(tags=["statuses"])

# What every route may answer besides its entity: no or a bad token (401), a scope it lacks
# (403), a missing or hidden record (404), refused input (422), all as {"error": "..."}.
ERRORS: dict[int, Any] = {code: schemas.Error for code in (401, 403, 404, 422)}

# Mastodon keeps an Idempotency-Key for an hour.
IDEMPOTENCY_TTL = 60 * 60
# How long a request holding a key's lock may take, and how long a second one waits for it.
IDEMPOTENCY_LOCK_TTL = 30
IDEMPOTENCY_WAIT = 30.0
# GET /api/v1/statuses?id[]=...: at most this many ids, as Mastodon.
MAX_IDS = 20
# Context: as many ancestors and descendants as Mastodon gives a signed-in reader; a visitor
# gets fewer, and not deeper than VISITOR_DEPTH below the post.
CONTEXT_LIMIT = 4096
VISITOR_ANCESTORS = 40
VISITOR_DESCENDANTS = 60
VISITOR_DEPTH = 20
# At most this many posts of a thread are read to walk it (ids only), each way from the post.
THREAD_SCAN = 20_000
# History: the versions of a post, at most this many (the current one included).
HISTORY_LIMIT = 200

REBLOG_VISIBILITIES = ("public", "unlisted", "private")
NOT_SCHEDULED = "msg cannot schedule posts"
NO_CONVERSATION_MUTE = "msg cannot mute a conversation: mute the account, or filter a word, instead"
POLL_FIXED = "msg cannot change a poll once it is posted"
MEDIA_FIXED = "msg cannot add or remove images when editing: post them anew"
REPLY_MISSING = "The post you are trying to reply to does not appear to exist."
IDEMPOTENCY_BUSY = "There was a temporary problem serving your request, please try again"


def _blank_is_none(value: Any) -> Any:
    """Treat a field sent empty (`in_reply_to_id=`, `sensitive=`) as one not sent."""
    return None if value == "" else value


Lenient = BeforeValidator(_blank_is_none)


# Reading ---------------------------------------------------------------------------------------


def not_found(message: str = RECORD_NOT_FOUND) -> HttpError:
    """Return Mastodon's 404: a missing record and a hidden one look the same."""
    return HttpError(404, message)


def post_id_or_none(value: str) -> int | None:
    """Return the id value names, or None if it names none."""
    text = value.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


def post_id(value: str | int | None) -> int:
    """Return the id a path or form names, or raise a 404 (ids are digits, as Mastodon's)."""
    found = post_id_or_none(str(value or ""))
    if found is None:
        raise not_found()
    return found


def find(viewer: CustomUser | None, value: str | int | None) -> Post:
    """Return the post with this id if viewer may open it, with its author (and its original's,
    for a reblog: the services notify them), or raise a 404."""
    found = (
        readable(viewer)
        .filter(pk=post_id(value))
        .select_related("author", "repost_of__author")
        .first()
    )
    if found is None:
        raise not_found()
    return found


def status_of(request: HttpRequest, viewer: CustomUser | None, pk: int) -> dict[str, Any]:
    """Return the Status entity of post pk as viewer sees it now (a 404 if they may not)."""
    row = status_rows(readable(viewer).filter(pk=pk), viewer).first()
    if row is None:
        raise not_found()
    return Entities(request, viewer).status(row)


@router.get(
    "/v1/statuses/{status_id}",
    auth=Scoped("read:statuses", public=True),
    response={200: schemas.Status, **ERRORS},
)
def status_get(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Return one status (a reblog is its own status, with the original in `reblog`)."""
    return status_of(request, viewer_of(request), post_id(status_id))


class Ids(Schema):
    id: list[str] = Field([], description="The statuses to return (id[]=...), at most 20")


@router.get(
    "/v1/statuses",
    auth=Scoped("read:statuses", public=True),
    response={200: list[schemas.Status], **ERRORS},
)
def statuses_get(request: HttpRequest, query: Query[Ids]) -> list[dict[str, Any]]:
    """Return the statuses with these ids that the reader may see, in the order asked."""
    wanted = list(dict.fromkeys(query.id))
    if len(wanted) > MAX_IDS:
        raise HttpError(422, f"Validation failed: ask for at most {MAX_IDS} statuses at once")
    ids = [int(v) for v in wanted if v.isascii() and v.isdigit() and len(v) < 19]
    viewer = viewer_of(request)
    if not ids:
        return []
    found = {row.pk: row for row in status_rows(readable(viewer).filter(pk__in=ids), viewer)}
    ordered = [found[pk] for pk in ids if pk in found]
    return Entities(request, viewer).statuses(ordered)


# Posting ---------------------------------------------------------------------------------------


class StatusForm(Schema):
    """POST /api/v1/statuses, as Mastodon's clients send it."""

    status: str = Field("", description="The text (msg requires some, media or not)")
    in_reply_to_id: Annotated[str | None, Lenient] = None
    media_ids: list[str] = Field([], description="Uploaded media (POST /api/v2/media)")
    visibility: Annotated[str | None, Lenient] = Field(
        None, description="public (the default), unlisted, private (followers) or direct"
    )
    spoiler_text: str = ""
    sensitive: Annotated[bool | None, Lenient] = False
    poll_options: list[str] | None = Field(None, alias="poll[options]")
    poll_expires_in: Annotated[int | None, Lenient] = Field(
        None, alias="poll[expires_in]", description="Seconds (msg: 5 minutes to 7 days)"
    )
    poll_multiple: Annotated[bool | None, Lenient] = Field(False, alias="poll[multiple]")
    poll_hide_totals: Annotated[bool | None, Lenient] = Field(
        False, alias="poll[hide_totals]", description="Accepted; msg always shows the totals"
    )
    quoted_status_id: Annotated[str | None, Lenient] = None
    quote_approval_policy: str | None = Field(None, description="Accepted; msg ignores it")
    language: str | None = Field(None, description="Accepted; msg stores no language")
    scheduled_at: Annotated[str | None, Lenient] = Field(
        None, description="Refused: msg cannot schedule posts"
    )


def media_ids_of(values: list[str]) -> list[int]:
    """Return media ids as numbers, or raise a 422. Blank entries are skipped: the form's
    `media_ids[]=` (and JSON's `"media_ids": []`, which arrives as it) means no media."""
    ids = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        if not (text.isascii() and text.isdigit() and len(text) < 19):
            raise HttpError(422, "Validation failed: media_ids must be the ids of uploaded media")
        ids.append(int(text))
    return ids


def poll_spec(form: StatusForm) -> PollSpec | None:
    """Return the poll asked for, or None; raise a 422 when it is half given."""
    if form.poll_options is None:
        if form.poll_expires_in is not None:
            raise HttpError(422, "Validation failed: a poll needs poll[options][]")
        return None
    if form.poll_expires_in is None:
        raise HttpError(422, "Validation failed: a poll needs poll[expires_in] (seconds)")
    if not 0 < form.poll_expires_in < 10**9:
        raise HttpError(422, "Validation failed: A poll stays open from 5 minutes to 7 days.")
    return PollSpec(
        options=form.poll_options,
        expires_in=timedelta(seconds=form.poll_expires_in),
        multiple=bool(form.poll_multiple),
    )


def visibility_of(value: str | None) -> str:
    """Return msg's visibility for Mastodon's (public when none is given), or raise a 422."""
    if value is None:
        return VISIBILITY_IN["public"]
    found = VISIBILITY_IN.get(value.strip().lower())
    if found is None:
        raise HttpError(
            422, "Validation failed: visibility must be public, unlisted, private or direct"
        )
    return found


def refused(error: ValidationError) -> HttpError:
    """Return a service's refusal as Mastodon's 422, saying how to fix a missing alt text."""
    text = "Validation failed: " + " ".join(error.messages)
    if str(ALT_REQUIRED) in error.messages:
        text += (
            " msg posts no image without a description: send `description` with the upload"
            " (POST /api/v2/media) or set it with PUT /api/v1/media/:id, then post again."
        )
    return HttpError(422, text)


def _publish(user: CustomUser, form: StatusForm) -> Post:
    """Create the post form asks for (through post_create, as the compose form does)."""
    visibility = visibility_of(form.visibility)
    media = media_ids_of(form.media_ids)
    poll = poll_spec(form)
    reply_to = None
    if form.in_reply_to_id is not None:
        ident = post_id_or_none(form.in_reply_to_id)
        reply_to = readable(user).filter(pk=ident).first() if ident is not None else None
        if reply_to is None:
            raise not_found(REPLY_MISSING)
    quoted = None
    if form.quoted_status_id is not None:
        quoted = find(user, form.quoted_status_id)
    try:
        return post_create(
            author=user,
            body=form.status,
            in_reply_to=reply_to,
            visibility=visibility,
            media_ids=media,
            spoiler_text=form.spoiler_text,
            sensitive=bool(form.sensitive),
            poll=poll,
            quote_of=quoted,
        )
    except ValidationError as error:
        raise refused(error) from error


def idempotent(request: HttpRequest, user: CustomUser, create: Callable[[], Post]) -> int:
    """Run create once per Idempotency-Key and account for an hour; return the post's id.

    The key maps to the post's id in the cache (Redis when set, so every worker shares it);
    cache.add of a lock key lets one request create while a second one sent at the same
    moment waits for it, then answers with the same post.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return create().pk
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    done = f"api:idempotency:{user.pk}:{digest}"
    lock = f"{done}:lock"
    deadline = time.monotonic() + IDEMPOTENCY_WAIT
    while True:
        known = cache.get(done)
        if known is not None and Post.objects.filter(pk=known, author=user).exists():
            return int(known)
        if cache.add(lock, 1, timeout=IDEMPOTENCY_LOCK_TTL):
            try:
                known = cache.get(done)
                if known is not None and Post.objects.filter(pk=known, author=user).exists():
                    return int(known)
                created = create()
                cache.set(done, created.pk, timeout=IDEMPOTENCY_TTL)
                return created.pk
            finally:
                cache.delete(lock)
        if time.monotonic() > deadline:
            raise HttpError(503, IDEMPOTENCY_BUSY)
        time.sleep(0.05)


@router.post(
    "/v1/statuses",
    auth=Scoped("write:statuses"),
    response={200: schemas.Status, 503: schemas.Error, **ERRORS},
)
def status_create(request: HttpRequest, form: Form[StatusForm]) -> dict[str, Any]:
    """Publish a status (a reply, with images, a poll, a quote, or a direct message to the
    accounts its text mentions); the same Idempotency-Key within an hour posts it once."""
    if form.scheduled_at is not None:
        raise HttpError(422, NOT_SCHEDULED)
    user = user_of(request)
    pk = idempotent(request, user, lambda: _publish(user, form))
    return status_of(request, user, pk)


# Editing and deleting --------------------------------------------------------------------------


class EditForm(Schema):
    """PUT /api/v1/statuses/:id: what is not sent stays as it is."""

    status: str | None = None
    spoiler_text: str | None = None
    sensitive: Annotated[bool | None, Lenient] = None
    media_ids: list[str] | None = Field(
        None, description="The images it has (msg cannot add or remove images in an edit)"
    )
    poll_options: list[str] | None = Field(None, alias="poll[options]")
    poll_expires_in: Annotated[int | None, Lenient] = Field(None, alias="poll[expires_in]")
    poll_multiple: Annotated[bool | None, Lenient] = Field(None, alias="poll[multiple]")
    poll_hide_totals: Annotated[bool | None, Lenient] = Field(None, alias="poll[hide_totals]")
    language: str | None = Field(None, description="Accepted; msg stores no language")
    quote_approval_policy: str | None = Field(None, description="Accepted; msg ignores it")


_ATTRIBUTE = re.compile(r"media_attributes\[(\d*)\]\[(\w+)\]", re.ASCII)


def alt_texts_of(data: MultiValueDict) -> dict[int, str]:
    """Return the descriptions media_attributes[][id] / [][description] give, by image id.

    Rails' arrays of hashes arrive as repeated `media_attributes[][field]` keys (JSON bodies
    are flattened the same way) or indexed as `media_attributes[0][field]`.
    """
    grouped: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for key in data:
        match = _ATTRIBUTE.fullmatch(key)
        if match:
            index, field = match.groups()
            grouped[index][field] = data.getlist(key)
    entries: list[dict[str, str]] = []
    for index, fields in grouped.items():
        ids = fields.get("id", [])
        if index:
            entries.append({field: values[-1] for field, values in fields.items()})
            continue
        if "description" in fields and len(fields["description"]) != len(ids):
            raise HttpError(
                422, "Validation failed: give every media_attributes entry an id and a description"
            )
        entries.extend(
            {field: values[n] for field, values in fields.items() if n < len(values)}
            for n in range(len(ids))
        )
    texts: dict[int, str] = {}
    for entry in entries:
        if "description" not in entry:
            continue  # a focus or a thumbnail alone: msg has neither
        ident = post_id_or_none(entry.get("id", ""))
        if ident is None:
            raise HttpError(422, "Validation failed: media_attributes need the id of an image")
        texts[ident] = entry["description"]
    return texts


def _same_poll(post: Post, form: EditForm) -> None:
    """Raise a 422 unless the poll the edit sends is the one the post has (clients send it
    back unchanged; msg cannot change one)."""
    if form.poll_options is None:
        return
    poll = getattr(post, "poll", None)  # the card's (select_related): no query
    if poll is None:
        raise HttpError(422, POLL_FIXED)
    titles = [option.title for option in poll.options.all()]
    sent = [" ".join(str(option).split()) for option in form.poll_options]
    multiple = poll.multiple if form.poll_multiple is None else bool(form.poll_multiple)
    if sent != titles or multiple != poll.multiple:
        raise HttpError(422, POLL_FIXED)


@router.put(
    "/v1/statuses/{status_id}",
    auth=Scoped("write:statuses"),
    response={200: schemas.Status, **ERRORS},
)
def status_edit(request: HttpRequest, status_id: str, form: Form[EditForm]) -> dict[str, Any]:
    """Edit a status's text, content warning, sensitive mark and image descriptions
    (media_attributes); its images and poll stay as they are."""
    user = user_of(request)
    post = status_rows(readable(user).filter(pk=post_id(status_id)), user).first()
    if post is None or not can_edit(user, post):
        raise not_found()
    if form.media_ids is not None:
        current = {image.pk for image in post.images.all()}
        # `media_ids[]=` (one empty value) is how a form says "none".
        if set(media_ids_of([v for v in form.media_ids if v.strip()])) != current:
            raise HttpError(422, MEDIA_FIXED)
    _same_poll(post, form)
    alt_texts = alt_texts_of(request.POST)
    try:
        post_edit(
            user=user,
            post=post,
            body=post.body if form.status is None else form.status,
            spoiler_text=form.spoiler_text,
            sensitive=form.sensitive,
            alt_texts=alt_texts,
        )
    except ValidationError as error:
        raise refused(error) from error
    return status_of(request, user, post.pk)


@router.delete(
    "/v1/statuses/{status_id}",
    auth=Scoped("write:statuses"),
    response={200: schemas.Status, **ERRORS},
)
def status_delete(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Delete a status (with its replies and reblogs, as on the web); return it with its
    source `text`, media and poll, for delete-and-redraft."""
    user = user_of(request)
    post = status_rows(readable(user).filter(pk=post_id(status_id)), user).first()
    if post is None or not can_delete(user, post):
        raise not_found()
    entity = Entities(request, user).status(post, with_text=True)
    post_delete(user=user, post=post)
    return entity


@router.get(
    "/v1/statuses/{status_id}/source",
    auth=Scoped("read:statuses"),
    response={200: schemas.StatusSource, **ERRORS},
)
def status_source(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Return the text and content warning of one of your statuses, as typed."""
    user = user_of(request)
    post = find(user, status_id)
    if post.author_id != user.pk or post.repost_of_id is not None:
        raise not_found()
    return {"id": str(post.pk), "text": post.body, "spoiler_text": post.spoiler_text}


# Thread and history ----------------------------------------------------------------------------


def ancestor_ids(post: Post, thread: QuerySet[Post], limit: int) -> list[int]:
    """Return the ids of the posts above post, the thread's first one first (the nearest
    `limit` of them)."""
    if post.in_reply_to_id is None:
        return []
    above = thread.filter(pk__lt=post.pk).order_by("-pk").values_list("pk", "in_reply_to")
    parents = dict(above[:THREAD_SCAN])
    found: list[int] = []
    node: int | None = post.in_reply_to_id
    while node is not None and len(found) < limit:
        found.append(node)
        node = parents.get(node)
    return found[::-1]


def descendant_ids(post: Post, thread: QuerySet[Post], limit: int, depth: int | None) -> list[int]:
    """Return the ids of the replies below post, depth first, oldest first at each level."""
    below = thread.filter(pk__gt=post.pk).order_by("pk").values_list("pk", "in_reply_to")
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent in below[:THREAD_SCAN]:
        if parent is not None:
            children[parent].append(pk)
    found: list[int] = []
    stack = [(child, 1) for child in reversed(children[post.pk])]
    while stack and len(found) < limit:
        node, level = stack.pop()
        found.append(node)
        if depth is None or level < depth:
            stack.extend((child, level + 1) for child in reversed(children[node]))
    return found


@router.get(
    "/v1/statuses/{status_id}/context",
    auth=Scoped("read:statuses", public=True),
    response={200: schemas.Context, **ERRORS},
)
def status_context(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Return the posts above a status and the replies below it that the reader may see."""
    viewer = viewer_of(request)
    post = find(viewer, status_id)
    if post.repost_of_id is not None:
        post = find(viewer, post.repost_of_id)  # a reblog's thread is its original's
    head = post.root_id or post.pk
    thread = Post.objects.filter(Q(pk=head) | Q(root=head))
    if viewer is None:
        up = ancestor_ids(post, thread, VISITOR_ANCESTORS)
        down = descendant_ids(post, thread, VISITOR_DESCENDANTS, VISITOR_DEPTH)
    else:
        up = ancestor_ids(post, thread, CONTEXT_LIMIT)
        down = descendant_ids(post, thread, CONTEXT_LIMIT, None)
    found: dict[int, Post] = {}
    if up or down:
        shown = readable(viewer).filter(pk__in=[*up, *down])
        found = {row.pk: row for row in status_rows(shown, viewer, filter_context="thread")}
    ancestors = [found[pk] for pk in up if pk in found]
    descendants = [found[pk] for pk in down if pk in found]
    entities = Entities(request, viewer).statuses([*ancestors, *descendants])
    return {
        "ancestors": entities[: len(ancestors)],
        "descendants": entities[len(ancestors) :],
    }


def _version_media(
    entities: Entities, image: VersionImage, attached: dict[str, PostImage], ident: str
) -> dict[str, Any]:
    """Return a MediaAttachment of an image as a version showed it: the attached image it
    still is (an edit changes only descriptions), with that version's description."""
    found = attached.get(image.url)
    if found is None:  # not attached any more: the version's own copy, under ident
        found = PostImage(width=image.width, height=image.height)
    entity = entities.media(found)
    entity.update(
        {
            "url": entities.absolute(image.url),
            "preview_url": entities.absolute(image.thumbnail_url),
            "description": image.alt_text or None,
        }
    )
    if found.pk is None:
        entity["id"] = ident
    return entity


@router.get(
    "/v1/statuses/{status_id}/history",
    auth=Scoped("read:statuses", public=True),
    response={200: list[schemas.StatusEdit], **ERRORS},
)
def status_history(request: HttpRequest, status_id: str) -> list[dict[str, Any]]:
    """Return every version of a status, the first one first and the current one last."""
    viewer = viewer_of(request)
    post = status_rows(readable(viewer).filter(pk=post_id(status_id)), viewer).first()
    if post is None or post.repost_of_id is not None:
        raise not_found()  # a reblog has no text of its own (as the web's history page)
    history = post_history(viewer, post, size=HISTORY_LIMIT)
    if history is None:
        raise not_found()
    entities = Entities(request, viewer)
    account = entities.account(post.author)
    found = entities.poll(post)
    poll = {"options": [{"title": o["title"]} for o in found["options"]]} if found else None
    attached = {image.image.url: image for image in post.images.all()}
    versions = list(reversed(history.versions))
    return [
        {
            "content": entities.html(version.body),
            "spoiler_text": version.spoiler_text,
            "sensitive": version.sensitive or bool(version.spoiler_text),
            "created_at": iso(version.created_at),
            "account": account,
            "poll": poll,
            "media_attachments": [
                _version_media(entities, image, attached, f"{post.pk}-{n}-{position}")
                for position, image in enumerate(version.images)
            ],
            "emojis": [],
        }
        for n, version in enumerate(versions)
    ]


# The preview card and the quotes -----------------------------------------------------------


@router.get(
    "/v1/statuses/{status_id}/card",
    auth=Scoped("read:statuses", public=True),
    response={200: schemas.PreviewCard | schemas.Empty, **ERRORS},
)
def status_card(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Return the link preview of a status, or {} when it has none."""
    viewer = viewer_of(request)
    post = (
        readable(viewer)
        .filter(pk=post_id(status_id))
        .select_related("preview", "repost_of__preview")
        .first()
    )
    if post is None:
        raise not_found()
    return Entities(request, viewer).card(post) or {}


@router.get(
    "/v1/statuses/{status_id}/quotes",
    auth=Scoped("read:statuses"),
    response={200: list[schemas.Status], **ERRORS},
)
def status_quotes(
    request: HttpRequest, response: HttpResponse, status_id: str, cursors: Query[Cursors]
) -> list[dict[str, Any]]:
    """Return the public quotes of a status that the reader may see, newest first."""
    user = user_of(request)
    post = find(user, status_id)
    original = post.repost_of or post
    result = page(status_rows(quotes_of(user, original), user), cursors, kind="statuses")
    link_header(request, response, result)
    return Entities(request, user).statuses(result.items)


# Who favourited and reblogged ------------------------------------------------------------------


@router.get(
    "/v1/statuses/{status_id}/favourited_by",
    auth=Scoped("read:statuses"),
    response={200: list[schemas.Account], **ERRORS},
)
def favourited_by(
    request: HttpRequest, response: HttpResponse, status_id: str, cursors: Query[Cursors]
) -> list[dict[str, Any]]:
    """Return the accounts that favourited a status, newest first (paged by the favourite's
    id in the Link header, as Mastodon)."""
    user = user_of(request)
    post = find(user, status_id)
    result = page(likers(user, post.repost_of or post), cursors, kind="accounts")
    link_header(request, response, result)
    return Entities(request, user).accounts([like.user for like in result.items])


@router.get(
    "/v1/statuses/{status_id}/reblogged_by",
    auth=Scoped("read:statuses"),
    response={200: list[schemas.Account], **ERRORS},
)
def reblogged_by(
    request: HttpRequest, response: HttpResponse, status_id: str, cursors: Query[Cursors]
) -> list[dict[str, Any]]:
    """Return the accounts that reblogged a status, newest first (paged by the reblog's id)."""
    user = user_of(request)
    post = find(user, status_id)
    result = page(reposters(user, post.repost_of or post), cursors, kind="accounts")
    link_header(request, response, result)
    return Entities(request, user).accounts([repost.author for repost in result.items])


# Favourites, reblogs, bookmarks, pins ----------------------------------------------------------

Action = Callable[..., object]


def act(request: HttpRequest, status_id: str, service: Action) -> dict[str, Any]:
    """Run service on a status the reader may see; return it with their marks as they are now."""
    user = user_of(request)
    post = find(user, status_id)
    service(user=user, post=post)
    return status_of(request, user, post.pk)


def withdraw(
    request: HttpRequest, status_id: str, service: Action, *, original: bool = False
) -> dict[str, Any]:
    """Take back the reader's mark on a status and return it (its original, with original).

    As on the web, a mark on a post the reader may no longer see (after an unfollow, say) is
    still theirs to take back: it goes, and the answer is a 404, as the post stays unseen.
    """
    user = user_of(request)
    pk = post_id(status_id)
    post = readable(user).filter(pk=pk).select_related("repost_of").first()
    if post is None:
        # Someone else's reblog hands marks on to its original: answering for it would tell a
        # blocked reader what the blocker reblogged (posts.views._withdraw_unseen).
        unseen = Post.objects.filter(Q(repost_of__isnull=True) | Q(author=user), pk=pk)
        hidden = unseen.select_related("repost_of").first()
        if hidden is not None:
            service(user=user, post=hidden)
        raise not_found()
    service(user=user, post=post)
    return status_of(request, user, (post.repost_of_id or post.pk) if original else post.pk)


def _status_action(path: str, scope: str, summary: str) -> Callable[[Callable], Callable]:
    return router.post(
        f"/v1/statuses/{{status_id}}/{path}",
        auth=Scoped(scope),
        response={200: schemas.Status, **ERRORS},
        summary=summary,
    )


@_status_action("favourite", "write:favourites", "Favourite a status")
def favourite(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Favourite a status (again is fine); a reblog's original is favourited."""
    return act(request, status_id, post_like)


@_status_action("unfavourite", "write:favourites", "Undo a favourite")
def unfavourite(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Take a favourite back (none is fine)."""
    return withdraw(request, status_id, post_unlike)


class ReblogForm(Schema):
    visibility: Annotated[str | None, Lenient] = Field(
        None, description="public, unlisted or private: accepted; a msg reblog has none"
    )


@_status_action("reblog", "write:statuses", "Reblog a status")
def reblog(request: HttpRequest, status_id: str, form: Form[ReblogForm]) -> dict[str, Any]:
    """Reblog a public status; return the reblog itself (its own id, the original in
    `reblog`). Reblogging again returns the same reblog."""
    if form.visibility is not None and form.visibility.strip().lower() not in REBLOG_VISIBILITIES:
        raise HttpError(422, "Validation failed: visibility must be public, unlisted or private")
    user = user_of(request)
    post = find(user, status_id)
    repost = post_repost(user=user, post=post)
    return status_of(request, user, repost.pk)


@_status_action("unreblog", "write:statuses", "Undo a reblog")
def unreblog(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Undo your reblog of a status; return the original."""
    return withdraw(request, status_id, post_unrepost, original=True)


@_status_action("bookmark", "write:bookmarks", "Bookmark a status")
def bookmark(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Bookmark a status (again is fine)."""
    return act(request, status_id, post_bookmark)


@_status_action("unbookmark", "write:bookmarks", "Undo a bookmark")
def unbookmark(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Take a bookmark back (none is fine)."""
    return withdraw(request, status_id, post_unbookmark)


def _pinning(request: HttpRequest, status_id: str, service: Action) -> dict[str, Any]:
    """Pin or unpin; a refusal (not yours, a reply, too many) is Mastodon's 422."""
    try:
        return act(request, status_id, service)
    except PermissionDenied as error:
        raise HttpError(422, f"Validation failed: {error}") from error


@_status_action("pin", "write:accounts", "Pin a status to your profile")
def pin(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Pin one of your public or unlisted posts to your profile."""
    return _pinning(request, status_id, post_pin)


@_status_action("unpin", "write:accounts", "Unpin a status")
def unpin(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Take one of your posts off the top of your profile."""
    return _pinning(request, status_id, post_unpin)


@_status_action("mute", "write:mutes", "Mute a conversation (msg cannot: 422)")
def mute(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Refuse: msg has no conversation mutes (a 422, as Mastodon for a status it cannot mute)."""
    find(user_of(request), status_id)
    raise HttpError(422, NO_CONVERSATION_MUTE)


@_status_action("unmute", "write:mutes", "Unmute a conversation")
def unmute(request: HttpRequest, status_id: str) -> dict[str, Any]:
    """Return the status: no conversation is ever muted in msg, so it is unmuted already."""
    user = user_of(request)
    return status_of(request, user, find(user, status_id).pk)
