"""Accounts: /api/v1/accounts/... and the lists of people around them (blocks, mutes, follow
requests, suggestions, endorsements), and sign-up through the API.

The web's rules, route for route. A deactivated account, or an id that names no account, is
a 404. An account blocked either way still answers (so a client can show it and unblock it),
as its profile page does: its posts are hidden by the same selectors, its bio too when it
blocked the reader, and its followers and following are a 404 (social.views). Every write
goes through social.services and users.services; sign-up goes through allauth's form and
flow, as the web's sign-up page does, so the address must be confirmed before the token
works (api.auth answers 403 until then).

What msg does not have is accepted and left out where a client sends it by habit (a follow's
`reblogs`/`notify`, `locked=false`, empty profile fields, `source[privacy]`), and refused with
a 422 where a client would otherwise believe it was done: a locked account, profile fields,
a header image, a private note, a mute with a duration (msg's mutes do not expire).
"""

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from importlib import import_module
from typing import Annotated, Any

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.signup import complete_signup
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib.messages.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from oauth2_provider.models import get_access_token_model, set_token_value
from oauth2_provider.settings import oauth2_settings
from pydantic import BeforeValidator, Field

from api import schemas
from api.auth import Scoped, user_of, viewer_of
from api.entities import QUOTE_POLICY_IN, Entities
from api.pagination import LIMITS, Cursors, link_header, page
from api.relationships import relationships
from api.resources.instance import local_hosts
from api.resources.search import search_text
from api.selectors import status_rows
from lists.selectors import lists_for_account
from posts.selectors import tag_get
from social import selectors as graph
from social import services as social_services
from timelines import selectors as timelines
from users.forms import SignupForm
from users.models import CustomUser
from users.selectors import user_get_active
from users.services import preferences_update, profile_update

router = Router(tags=["accounts"])

AccessToken = get_access_token_model()

# The most ids one batched request (relationships, familiar_followers, accounts) may name.
MAX_IDS = 200
# How deep an account search pages by offset (each page scans the matches before it).
MAX_SEARCH_OFFSET = 1000

Errors = {
    401: schemas.Error,
    403: schemas.Error,
    404: schemas.Error,
    422: schemas.Error,
    429: schemas.Error,
}
Accounts = {200: list[schemas.Account], **Errors}
OneAccount = {200: schemas.Account, **Errors}
Relationship = {200: schemas.Relationship, **Errors}
Nothing = {200: list[Any], **Errors}

# Rails' reading of a boolean parameter, as Mastodon's: "", "0", "f", "false" and "off" are
# false, anything else true; a missing or empty value is the default.
_FALSE = {"0", "f", "false", "off", "no", "n"}


def _flag(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text == "":
        return None
    return text not in _FALSE


Flag = Annotated[bool | None, BeforeValidator(_flag)]


def _whole(value: Any) -> Any:
    """Read an integer parameter leniently: empty is none, anything else must be a number."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    return None if text == "" else text


Whole = Annotated[int | None, BeforeValidator(_whole)]


def _count(value: Any) -> Any:
    """Read a limit or an offset as Mastodon does: one it cannot read is the default."""
    try:
        return int(str(value).strip())
    except ValueError:
        return None


Count = Annotated[int | None, BeforeValidator(_count)]


# Finding accounts --------------------------------------------------------------------------


def _pk(raw: str) -> int:
    """Return the id an address names; anything but a plain number names nothing (404)."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise Http404
    return int(raw)


def _ids(raw: list[str]) -> list[int]:
    """Return the distinct ids a batched request names, in order; words that are not ids
    name nothing."""
    ids = [int(r) for r in raw if r.isascii() and r.isdigit() and len(r) <= 18]
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_IDS:
        raise HttpError(422, f"Ask about at most {MAX_IDS} accounts at once")
    return ids


def _account(viewer: CustomUser | None, raw_id: str) -> CustomUser:
    """Return the active account the id names, with how viewer stands with it (the profile
    header's flags), or 404."""
    row = graph.relationships(viewer, [_pk(raw_id)]).first()
    if row is None:
        raise Http404
    return row


def _listable(viewer: CustomUser, account: CustomUser) -> CustomUser:
    """Refuse the followers and following of an account blocked either way, as the web."""
    if account.pk != viewer.pk and (account.blocking or account.blocked_by):  # type: ignore[attr-defined]
        raise Http404
    return account


def _shown(entities: Entities, rows: list[CustomUser]) -> list[dict[str, Any]]:
    """Return the Account entities of rows carrying the relation flags: the bio of an account
    that blocked the reader is not shown, as on its profile page."""
    found = entities.accounts(rows)
    for entity, row in zip(found, rows, strict=True):
        if getattr(row, "blocked_by", False):
            entity["note"] = ""
    return found


def _relationship_of(viewer: CustomUser, account: CustomUser) -> dict[str, Any]:
    """Return viewer's Relationship with account as it is now (after a write)."""
    found = relationships(viewer, [account.pk])
    if not found:  # deactivated meanwhile
        raise Http404
    return found[0]


# The token's own account -------------------------------------------------------------------


@router.get(
    "/v1/accounts/verify_credentials",
    auth=Scoped("profile"),
    response={200: schemas.CredentialAccount, **Errors},
)
def verify_credentials(request: HttpRequest) -> dict:
    """Return the token's own account, with `source`."""
    user = user_of(request)
    return Entities(request, user).credential_account(user)


class CredentialsForm(Schema):
    """What update_credentials reads; a field left out stays as it is."""

    display_name: str | None = Field(None, description="Up to 50 characters")
    note: str | None = Field(None, description="The bio, plain text, up to 500 characters")
    locked: Flag = Field(None, description="Only false: msg accounts cannot be locked")
    bot: Flag = Field(None, description="Accepted, not stored")
    discoverable: Flag = Field(None, description="Accepted, not stored")
    indexable: Flag = Field(None, description="Accepted, not stored")
    hide_collections: Flag = Field(None, description="Accepted, not stored")
    source_language: str | None = Field(
        None,
        alias="source[language]",
        description="The language msg's pages are shown in, when msg has it (en, de)",
    )
    source_privacy: str | None = Field(None, alias="source[privacy]", description="Ignored")
    source_sensitive: Flag = Field(None, alias="source[sensitive]", description="Ignored")
    source_quote_policy: str | None = Field(
        None, alias="source[quote_policy]", description="public, followers or nobody"
    )


def _ui_language(code: str | None) -> str | None:
    """Return the language of msg's pages a Mastodon language code names, or None (msg has
    no translation for it, or none was sent)."""
    if not code or not code.strip():
        return None
    code = code.strip().lower().replace("_", "-")
    available = dict(settings.LANGUAGES)
    for candidate in (code, code.partition("-")[0]):
        if candidate in available:
            return candidate
    return None


def _has_profile_fields(request: HttpRequest) -> bool:
    """Return whether the body fills in any profile field (msg profiles have none)."""
    return any(
        value.strip()
        for key in request.POST
        if key.startswith("fields_attributes")
        for value in request.POST.getlist(key)
    )


def _update_credentials(request: HttpRequest, data: CredentialsForm) -> dict:
    user = user_of(request)
    avatar = request.FILES.get("avatar")
    if data.locked:
        raise HttpError(422, "msg accounts cannot be locked: anyone may follow them")
    if _has_profile_fields(request):
        raise HttpError(422, "msg profiles have no extra fields: send fields_attributes empty")
    if request.FILES.get("header"):
        raise HttpError(422, "msg profiles have no header image")
    quote_policy = None
    if data.source_quote_policy:
        quote_policy = QUOTE_POLICY_IN.get(data.source_quote_policy.strip())
        if quote_policy is None:
            raise HttpError(422, "source[quote_policy] must be public, followers or nobody")
    language = _ui_language(data.source_language)
    # Both writes or neither; the avatar's file is written last, once everything else passed.
    with transaction.atomic():
        if language is not None and language != user.language:
            preferences_update(user=user, time_zone=user.time_zone, language=language)
        changes = (data.display_name, data.note, avatar, quote_policy)
        if any(value is not None for value in changes):
            profile_update(
                user=user,
                display_name=user.display_name if data.display_name is None else data.display_name,
                bio=user.bio if data.note is None else data.note,
                avatar=avatar,
                quote_policy=quote_policy,
            )
    return Entities(request, user).credential_account(user)


# The avatar is read from request.FILES, which api.middleware fills for PATCH and PUT too
# (ninja's File parameters are for POST only); the schema documents it here.
_MULTIPART = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "avatar": {"type": "string", "format": "binary"},
                        "display_name": {"type": "string"},
                        "note": {"type": "string"},
                    },
                }
            }
        }
    }
}


@router.patch(
    "/v1/accounts/update_credentials",
    auth=Scoped("write:accounts"),
    response={200: schemas.CredentialAccount, **Errors},
    openapi_extra=_MULTIPART,
)
def update_credentials(request: HttpRequest, data: Form[CredentialsForm]) -> dict:
    """Change the display name, bio, avatar (multipart `avatar`), page language or quote
    policy.

    Sent as a form, multipart or JSON. `locked=false`, empty `fields_attributes`, `bot`,
    `discoverable`, `source[privacy]` and `source[sensitive]` are accepted and left out;
    `locked=true`, filled-in fields or a header image are refused (422).
    """
    return _update_credentials(request, data)


@router.put(
    "/v1/accounts/update_credentials",
    auth=Scoped("write:accounts"),
    response={200: schemas.CredentialAccount, **Errors},
    include_in_schema=False,
)
def update_credentials_put(request: HttpRequest, data: Form[CredentialsForm]) -> dict:
    """Change the profile (PUT, as Rails also routes it)."""
    return _update_credentials(request, data)


@router.delete(
    "/v1/profile/avatar",
    auth=Scoped("write:accounts"),
    response={200: schemas.CredentialAccount, **Errors},
)
def avatar_delete(request: HttpRequest) -> dict:
    """Remove your avatar (the default one shows again)."""
    user = user_of(request)
    if user.avatar:
        profile_update(user=user, display_name=user.display_name, bio=user.bio, remove_avatar=True)
    return Entities(request, user).credential_account(user)


@router.delete(
    "/v1/profile/header",
    auth=Scoped("write:accounts"),
    response={200: schemas.CredentialAccount, **Errors},
)
def header_delete(request: HttpRequest) -> dict:
    """Remove your header image: msg profiles have none, so there is nothing to do."""
    user = user_of(request)
    return Entities(request, user).credential_account(user)


# Batched questions (registered before /v1/accounts/{id}, which would match their names) -------


class Ids(Schema):
    id: list[str] = Field([], description="Account ids (id[]=1&id[]=2)")
    with_suspended: Flag = Field(None, description="Accepted: msg leaves deactivated accounts out")


@router.get(
    "/v1/accounts/relationships",
    auth=Scoped("read:follows"),
    response={200: list[schemas.Relationship], **Errors},
)
def relationships_get(request: HttpRequest, query: Query[Ids]) -> list[dict]:
    """Return how you stand with each account, in the order asked; unknown ids are left out.
    One query however many ids."""
    return relationships(user_of(request), _ids(query.id))


@router.get(
    "/v1/accounts/familiar_followers",
    auth=Scoped("read:follows"),
    response={200: list[schemas.FamiliarFollowers], **Errors},
)
def familiar_followers(request: HttpRequest, query: Query[Ids]) -> list[dict]:
    """Return, for each account, the accounts you follow that follow it (none for an account
    blocked either way, whose followers you may not list)."""
    viewer = user_of(request)
    ids = _ids(query.id)
    targets = {row.pk: row for row in graph.relationships(viewer, ids)} if ids else {}
    listable = [
        pk
        for pk, row in targets.items()
        if pk == viewer.pk or not (row.blocking or row.blocked_by)  # type: ignore[attr-defined]
    ]
    followers: dict[int, list[CustomUser]] = {}
    if listable:
        for edge in graph.familiar_followers(viewer, listable):
            followers.setdefault(edge.followee_id, []).append(edge.follower)
    entities = Entities(request, viewer)
    entities.load_accounts(u for people in followers.values() for u in people)
    return [
        {"id": str(pk), "accounts": [entities.account(u) for u in followers.get(pk, [])]}
        for pk in ids
        if pk in targets
    ]


class SearchQuery(Schema):
    q: str = Field("", description="Words that start a username or display name")
    limit: Count = Field(None, description="How many (40 by default, at most 80)")
    offset: Count = Field(None, description="How many to skip")
    resolve: Flag = Field(None, description="Accepted: msg has only its own accounts")
    following: Flag = Field(None, description="Only accounts you follow")


@router.get("/v1/accounts/search", auth=Scoped("read:accounts"), response=Accounts)
def search(request: HttpRequest, query: Query[SearchQuery]) -> list[dict]:
    """Search accounts by username or display name, best match first (as the web's search)."""
    viewer = user_of(request)
    default, maximum = LIMITS["accounts"]
    limit = min(query.limit, maximum) if query.limit and query.limit > 0 else default
    offset = max(query.offset or 0, 0)
    text = search_text(query.q).removeprefix("@")
    name, at, host = text.partition("@")
    if at:
        if host.lower() not in local_hosts(request):
            return []  # another server's account: msg has only its own
        text = name
    if not text or offset > MAX_SEARCH_OFFSET:
        return []
    found = list(
        graph.search_people(viewer, text, limit=offset + limit, following=bool(query.following))
    )
    return Entities(request, viewer).accounts(found[offset:])


class LookupQuery(Schema):
    acct: str = Field("", description="A username, or username@this.server")


@router.get("/v1/accounts/lookup", auth=Scoped("read:accounts", public=True), response=OneAccount)
def lookup(request: HttpRequest, query: Query[LookupQuery]) -> dict:
    """Return the account a username names (another server's: 404)."""
    viewer = viewer_of(request)
    name, at, host = query.acct.strip().removeprefix("@").partition("@")
    if at and host.lower() not in local_hosts(request):
        raise Http404
    row = graph.with_relation(user_get_active(name), viewer).first()
    if row is None:
        raise Http404
    return _shown(Entities(request, viewer), [row])[0]


# Sign-up -----------------------------------------------------------------------------------


class RegistrationForm(Schema):
    username: str = Field("", description="Letters, digits and underscores, up to 30")
    email: str = ""
    password: str = ""
    agreement: Flag = Field(None, description="Must be true: the server's rules are accepted")
    locale: str = Field("", description="The language of the confirmation mail and pages")
    reason: str = Field("", description="Accepted: msg sign-ups need no approval")
    date_of_birth: str = Field("", description="Accepted, not stored")


# The error codes of Mastodon's sign-up details, from Django's and allauth's error codes.
_ERROR_CODES = {
    "required": "ERR_BLANK",
    "unique": "ERR_TAKEN",
    "max_length": "ERR_TOO_LONG",
    "min_length": "ERR_TOO_SHORT",
    "password_too_short": "ERR_TOO_SHORT",
}
_FIELD_NAMES = {"password1": "password", "password2": "password", "__all__": "base"}


def _details(form: SignupForm) -> dict[str, list[dict[str, str]]]:
    details: dict[str, list[dict[str, str]]] = {}
    for field, errors in form.errors.as_data().items():
        name = _FIELD_NAMES.get(field, field)
        for error in errors:
            for message in error.messages:
                entry = {"error": _ERROR_CODES.get(error.code or "", "ERR_INVALID")}
                entry["description"] = message
                if entry not in details.setdefault(name, []):
                    details[name].append(entry)
    return details


@contextmanager
def _without_browser_state(request: HttpRequest) -> Iterator[None]:
    """Let allauth's sign-up flow keep its steps in a session and leave messages for a page,
    as it does for a browser, in throwaway ones: an API client has neither, and the request
    must not create a session row or set cookies."""
    engine = import_module(settings.SESSION_ENGINE)
    saved_session = request.session
    saved_messages = getattr(request, "_messages", None)
    request.session = engine.SessionStore()
    request._messages = default_storage(request)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        request.session = saved_session
        request._messages = saved_messages  # type: ignore[attr-defined]


def _token_answer(raw: str, scope: str) -> dict[str, Any]:
    return {
        "access_token": raw,
        "token_type": "Bearer",
        "scope": scope,
        "created_at": int(time.time()),
    }


@router.post(
    "/v1/accounts",
    auth=Scoped("write:accounts", app_only=True),
    response={200: schemas.Token, **Errors, 422: schemas.RegistrationError},
    summary="Register an account",
)
def register(request: HttpRequest, data: Form[RegistrationForm]) -> Any:
    """Sign up, as the web's sign-up page does, with an app's token (client_credentials).

    The same checks (username, address, password rules), the same confirmation mail; the
    token returned works once the address is confirmed (403 until then). An address that
    already has an account is not revealed: its owner is mailed, as on the web, and the
    answer looks the same (its token never works).
    """
    app_token = request.auth  # type: ignore[attr-defined]
    if not get_adapter(request).is_open_for_signup(request):
        raise HttpError(403, "This action is not allowed")
    if not ratelimit.consume(request, action="signup"):
        raise HttpError(429, "Too many requests")
    form = SignupForm(
        data={
            "username": data.username,
            "email": data.email,
            "password1": data.password,
            "password2": data.password,
        }
    )
    valid = form.is_valid()
    details = {} if valid else _details(form)
    if not data.agreement:
        details["agreement"] = [{"error": "ERR_ACCEPTED", "description": "must be accepted"}]
    if details:
        return Status(422, _refusal(details))
    scope = app_token.scope or "read"
    with _without_browser_state(request), transaction.atomic():
        user, _ = form.try_save(request)
        if user is None:
            if form.errors:  # lost a race for the name or address (users.forms.SignupForm)
                transaction.set_rollback(True)
                return Status(422, _refusal(_details(form)))
            # The address has an account: allauth has mailed its owner instead.
            return _token_answer(secrets.token_urlsafe(32), scope)
        language = _ui_language(data.locale)
        if language is not None:
            preferences_update(user=user, time_zone=user.time_zone, language=language)
        # Mails the confirmation link; a page it would show a browser is of no use here.
        with suppress(ImmediateHttpResponse):
            complete_signup(request, user=user)
        raw = secrets.token_urlsafe(32)
        token = AccessToken(
            user=user,
            application=app_token.application,
            scope=scope,
            expires=timezone.now() + timedelta(seconds=oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS),
        )
        set_token_value(token, raw)
        token.save()
    return _token_answer(raw, scope)


def _refusal(details: dict[str, list[dict[str, str]]]) -> dict[str, Any]:
    said = [f"{field.capitalize()} {d['description']}" for field, ds in details.items() for d in ds]
    return {"error": "Validation failed: " + "; ".join(said), "details": details}


@router.get("/v1/accounts", auth=Scoped("read:accounts", public=True), response=Accounts)
def accounts_get(request: HttpRequest, query: Query[Ids]) -> list[dict]:
    """Return the accounts the ids name, in the order asked (unknown ones left out)."""
    viewer = viewer_of(request)
    ids = _ids(query.id)
    rows = {row.pk: row for row in graph.relationships(viewer, ids)} if ids else {}
    return _shown(Entities(request, viewer), [rows[pk] for pk in ids if pk in rows])


# One account --------------------------------------------------------------------------------


@router.get("/v1/accounts/{id}", auth=Scoped("read:accounts", public=True), response=OneAccount)
def account_get(request: HttpRequest, id: str) -> dict:
    """Return an account (a deactivated one, or an unknown id: 404)."""
    viewer = viewer_of(request)
    return _shown(Entities(request, viewer), [_account(viewer, id)])[0]


class StatusFilters(Schema):
    exclude_replies: Flag = Field(None, description="Leave out comments")
    exclude_reblogs: Flag = Field(None, description="Leave out reposts")
    only_media: Flag = Field(None, description="Only the account's own posts with images")
    pinned: Flag = Field(None, description="Only the pinned posts, last pinned first")
    tagged: str | None = Field(None, description="Only posts with this hashtag")


@router.get(
    "/v1/accounts/{id}/statuses",
    auth=Scoped("read:statuses", public=True),
    response={200: list[schemas.Status], **Errors},
)
def account_statuses(
    request: HttpRequest,
    response: HttpResponse,
    id: str,
    cursors: Query[Cursors],
    filters: Query[StatusFilters],
) -> list[dict]:
    """Return an account's posts, reposts and comments that you may see, newest first (the
    web profile's own lists; to a visitor, public ones)."""
    viewer = viewer_of(request)
    account = _account(viewer, id)
    entities = Entities(request, viewer)
    if filters.pinned:
        if cursors.max_id or cursors.since_id or cursors.min_id:
            return []  # every pin is on the first page
        rows = status_rows(timelines.pinned(viewer, account), viewer)
        return entities.statuses(list(rows[: LIMITS["statuses"][1]]))
    with_comments = not filters.exclude_replies
    if viewer is None:
        qs = timelines.public_profile(account, with_comments=with_comments)
    else:
        qs = timelines.profile(viewer, account, with_comments=with_comments)
    if filters.exclude_reblogs or filters.only_media:
        qs = qs.filter(repost_of__isnull=True)
    if filters.only_media:
        qs = timelines.with_media(qs)
    if filters.tagged:
        tag = tag_get(filters.tagged.removeprefix("#"))
        if tag.pk is None:
            return []
        qs = qs.filter(tags=tag)
    result = page(status_rows(qs, viewer), cursors, kind="statuses")
    link_header(request, response, result)
    return entities.statuses(result.items)


def _people(
    request: HttpRequest,
    response: HttpResponse,
    id: str,
    cursors: Cursors,
    *,
    followers: bool,
) -> list[dict]:
    viewer = user_of(request)
    person = _listable(viewer, _account(viewer, id))
    if followers:
        edges, side = graph.followers(viewer, person), "follower"
    else:
        edges, side = graph.following(viewer, person), "followee"
    result = page(edges, cursors, kind="accounts")
    link_header(request, response, result)
    return Entities(request, viewer).accounts(graph.people_of(result.items, side))


@router.get("/v1/accounts/{id}/followers", auth=Scoped("read:accounts"), response=Accounts)
def followers(
    request: HttpRequest, response: HttpResponse, id: str, cursors: Query[Cursors]
) -> list[dict]:
    """Return who follows the account, newest follow first (paged by the follow's id)."""
    return _people(request, response, id, cursors, followers=True)


@router.get("/v1/accounts/{id}/following", auth=Scoped("read:accounts"), response=Accounts)
def following(
    request: HttpRequest, response: HttpResponse, id: str, cursors: Query[Cursors]
) -> list[dict]:
    """Return whom the account follows, newest follow first (paged by the follow's id)."""
    return _people(request, response, id, cursors, followers=False)


@router.get(
    "/v1/accounts/{id}/featured_tags",
    auth=Scoped("read:accounts", public=True),
    response=Nothing,
)
def featured_tags(request: HttpRequest, id: str) -> list:
    """Return the account's featured hashtags: msg has none."""
    _account(viewer_of(request), id)
    return []


@router.get("/v1/accounts/{id}/identity_proofs", auth=Scoped("read:accounts"), response=Nothing)
def identity_proofs(request: HttpRequest, id: str) -> list:
    """Return the account's identity proofs: msg has none."""
    _account(user_of(request), id)
    return []


@router.get(
    "/v1/accounts/{id}/lists",
    auth=Scoped("read:lists"),
    response={200: list[schemas.List], **Errors},
)
def account_lists(request: HttpRequest, id: str) -> list[dict]:
    """Return which of your lists hold the account (only one you follow shows on a list)."""
    viewer = user_of(request)
    account = _account(viewer, id)
    if not account.following:  # type: ignore[attr-defined]
        return []
    found = lists_for_account(viewer, account).order_by("title", "id")
    # A list's timeline shows no replies in msg (lists.selectors.list_timeline).
    return [
        {"id": str(x.pk), "title": x.title, "replies_policy": "none", "exclusive": False}
        for x in found
        if x.has_account  # type: ignore[attr-defined]  # lists_for_account
    ]


# Following, blocking, muting ----------------------------------------------------------------


class FollowForm(Schema):
    reblogs: Flag = Field(None, description="Accepted: a follow always shows reposts")
    notify: Flag = Field(None, description="Accepted: msg does not notify of new posts")
    languages: list[str] = Field([], description="Accepted, not applied")


@router.post("/v1/accounts/{id}/follow", auth=Scoped("write:follows"), response=Relationship)
def follow(request: HttpRequest, id: str, data: Form[FollowForm]) -> dict:
    """Follow the account (at once: msg accounts are never locked)."""
    viewer = user_of(request)
    account = _account(viewer, id)
    social_services.follow_create(follower=viewer, followee=account)
    return _relationship_of(viewer, account)


@router.post("/v1/accounts/{id}/unfollow", auth=Scoped("write:follows"), response=Relationship)
def unfollow(request: HttpRequest, id: str) -> dict:
    """Stop following the account."""
    viewer = user_of(request)
    account = _account(viewer, id)
    social_services.follow_delete(follower=viewer, followee=account)
    return _relationship_of(viewer, account)


@router.post("/v1/accounts/{id}/block", auth=Scoped("write:blocks"), response=Relationship)
def block(request: HttpRequest, id: str) -> dict:
    """Block the account: follows both ways end, and each side's posts hide from the other."""
    viewer = user_of(request)
    account = _account(viewer, id)
    social_services.block_create(blocker=viewer, blocked=account)
    return _relationship_of(viewer, account)


@router.post("/v1/accounts/{id}/unblock", auth=Scoped("write:blocks"), response=Relationship)
def unblock(request: HttpRequest, id: str) -> dict:
    """Unblock the account."""
    viewer = user_of(request)
    account = _account(viewer, id)
    social_services.block_delete(blocker=viewer, blocked=account)
    return _relationship_of(viewer, account)


class MuteForm(Schema):
    notifications: Flag = Field(None, description="Accepted: a mute always hides notifications")
    duration: Whole = Field(None, description="0 or none: msg's mutes last until undone")


@router.post("/v1/accounts/{id}/mute", auth=Scoped("write:mutes"), response=Relationship)
def mute(request: HttpRequest, id: str, data: Form[MuteForm]) -> dict:
    """Mute the account: its posts and notifications hide from you, and it is not told.

    msg's mutes last until undone, so a duration other than 0 is refused (422) rather than
    muting for longer than asked.
    """
    viewer = user_of(request)
    account = _account(viewer, id)
    if data.duration:
        raise HttpError(422, "msg mutes do not expire: send duration 0 and unmute by hand")
    social_services.mute_create(muter=viewer, muted=account)
    return _relationship_of(viewer, account)


@router.post("/v1/accounts/{id}/unmute", auth=Scoped("write:mutes"), response=Relationship)
def unmute(request: HttpRequest, id: str) -> dict:
    """Unmute the account."""
    viewer = user_of(request)
    account = _account(viewer, id)
    social_services.mute_delete(muter=viewer, muted=account)
    return _relationship_of(viewer, account)


class NoteForm(Schema):
    comment: str = Field("", description="Only empty: msg has no private notes")


@router.post("/v1/accounts/{id}/note", auth=Scoped("write:accounts"), response=Relationship)
def note(request: HttpRequest, id: str, data: Form[NoteForm]) -> dict:
    """Set a private note on the account: msg has none, so only an empty one is accepted."""
    viewer = user_of(request)
    account = _account(viewer, id)
    if data.comment.strip():
        raise HttpError(422, "msg has no private notes on accounts")
    return _relationship_of(viewer, account)


# Your blocks, mutes and follow requests -----------------------------------------------------


@router.get("/v1/blocks", auth=Scoped("read:blocks"), response=Accounts)
def blocks(request: HttpRequest, response: HttpResponse, cursors: Query[Cursors]) -> list[dict]:
    """Return the accounts you block, newest block first (paged by the block's id)."""
    viewer = user_of(request)
    result = page(graph.blocks(viewer), cursors, kind="accounts")
    link_header(request, response, result)
    return Entities(request, viewer).accounts([edge.blocked for edge in result.items])


@router.get("/v1/mutes", auth=Scoped("read:mutes"), response=Accounts)
def mutes(request: HttpRequest, response: HttpResponse, cursors: Query[Cursors]) -> list[dict]:
    """Return the accounts you mute, newest mute first (paged by the mute's id)."""
    viewer = user_of(request)
    result = page(graph.mutes(viewer), cursors, kind="accounts")
    link_header(request, response, result)
    return Entities(request, viewer).accounts([edge.muted for edge in result.items])


@router.get("/v1/follow_requests", auth=Scoped("read:follows"), response=Accounts)
def follow_requests(request: HttpRequest) -> list:
    """Return the follow requests waiting for you: none, msg accounts are never locked."""
    return []


@router.post(
    "/v1/follow_requests/{id}/authorize", auth=Scoped("write:follows"), response=Relationship
)
def follow_request_authorize(request: HttpRequest, id: str) -> dict:
    """Accept a follow request: there are none (404)."""
    raise Http404


@router.post("/v1/follow_requests/{id}/reject", auth=Scoped("write:follows"), response=Relationship)
def follow_request_reject(request: HttpRequest, id: str) -> dict:
    """Reject a follow request: there are none (404)."""
    raise Http404


# Suggestions and endorsements ---------------------------------------------------------------


class LimitQuery(Schema):
    limit: Count = Field(None, description="How many (40 by default, at most 80)")


def _suggested(request: HttpRequest, limit: int | None) -> tuple[Entities, list[dict]]:
    viewer = user_of(request)
    default, maximum = LIMITS["accounts"]
    size = min(limit, maximum) if limit and limit > 0 else default
    entities = Entities(request, viewer)
    return entities, entities.accounts(list(graph.who_to_follow(viewer, size)))


@router.get("/v1/suggestions", auth=Scoped("read:accounts"), response=Accounts)
def suggestions_v1(request: HttpRequest, query: Query[LimitQuery]) -> list[dict]:
    """Return accounts to follow, best first (the web's "who to follow")."""
    return _suggested(request, query.limit)[1]


@router.get(
    "/v2/suggestions",
    auth=Scoped("read:accounts"),
    response={200: list[schemas.Suggestion], **Errors},
)
def suggestions_v2(request: HttpRequest, query: Query[LimitQuery]) -> list[dict]:
    """Return accounts to follow, best first, each with why (always "featured")."""
    _, found = _suggested(request, query.limit)
    return [{"source": "global", "sources": ["featured"], "account": a} for a in found]


@router.delete(
    "/v1/suggestions/{id}", auth=Scoped("write:accounts"), response={200: schemas.Empty, **Errors}
)
def suggestion_delete(request: HttpRequest, id: str) -> dict:
    """Accept "do not suggest this account" (msg's suggestions are computed, not stored)."""
    return {}


@router.get("/v1/endorsements", auth=Scoped("read:accounts"), response=Accounts)
def endorsements(request: HttpRequest) -> list:
    """Return the accounts you feature on your profile: msg has none."""
    return []
