"""Filters (v2, and v1's keyword filters) over msg's muted words (social.services).

A msg muted word is one word or phrase, matched as whole words in any case, that folds a
post behind "Filtered: <phrase>" where its contexts say. So, in Mastodon's terms, each filter
has exactly one keyword (its phrase, also its title), whole_word true, and filter_action
"warn". Writes follow from that:

- a new filter's phrase is its one keyword, or its title when it has none; a filter with
  several keywords is refused (422): create one filter per keyword;
- an update's phrase is the keyword given, else the title given, else it stays;
- whole_word false, filter_action "hide" or "blur", v1's irreversible, and the "account"
  context are accepted and not applied (the entity answers what applies);
- a filter keeps its one keyword: adding a second or deleting the last is refused (422), and
  status filters are not supported (422).
"""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Form, Router, Schema
from ninja.errors import HttpError
from pydantic import Field, field_validator

from api import schemas
from api.auth import Scoped, user_of
from api.entities import FILTER_CONTEXTS_OUT, Entities, iso
from social.models import FilterContext, MutedWord
from social.selectors import CONTEXT_FIELDS, muted_words
from social.services import muted_word_create, muted_word_delete, muted_word_update
from users.models import CustomUser

router = Router(tags=["filters"])

CONTEXTS = tuple(FilterContext.values)  # home, notifications, public, thread
IGNORED_CONTEXTS = ("account",)  # Mastodon's profiles: msg filters none
ACTIONS = ("warn", "hide", "blur")

ONE_KEYWORD = "A msg filter holds one word or phrase: create one filter for each keyword"
LAST_KEYWORD = "A msg filter keeps its one word or phrase: delete the filter instead"
NO_STATUS_FILTERS = "msg filters words and phrases, not single posts"

Errors: dict[int, Any] = {401: schemas.Error, 403: schemas.Error}
Missing: dict[int, Any] = {404: schemas.Error}
Refused: dict[int, Any] = {422: schemas.Error}


def _seconds(value: Any) -> Any:
    """Read expires_in: seconds, or empty for no expiry ("" on an update clears it)."""
    if value is None:
        return None
    text = str(value).strip()
    if text == "":
        return ""
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        raise ValueError("must be a number of seconds")
    return int(text)


class FilterForm(Schema):
    """A v2 filter, as Mastodon's clients send it (form keys or flattened JSON)."""

    title: str | None = None
    context: list[str] | None = Field(None, description="home, notifications, public, thread")
    filter_action: str | None = Field(None, description="warn (msg applies warn to all)")
    expires_in: int | str | None = Field(None, description="Seconds; empty: never")
    keyword: list[str] = Field([], alias="keywords_attributes[][keyword]")
    whole_word: list[str] = Field([], alias="keywords_attributes[][whole_word]")
    keyword_id: list[str] = Field([], alias="keywords_attributes[][id]")
    destroy: list[str] = Field([], alias="keywords_attributes[][_destroy]")

    @field_validator("expires_in", mode="before")
    @classmethod
    def _expires(cls, value: Any) -> Any:
        return _seconds(value)

    @field_validator("filter_action")
    @classmethod
    def _action(cls, value: str | None) -> str | None:
        if value is not None and value not in ACTIONS:
            raise ValueError(f"must be one of {', '.join(ACTIONS)}")
        return value


class KeywordForm(Schema):
    keyword: str | None = None
    whole_word: bool | None = None


class FilterV1Form(Schema):
    phrase: str | None = None
    context: list[str] | None = None
    irreversible: bool | None = None
    whole_word: bool | None = None
    expires_in: int | str | None = None

    @field_validator("expires_in", mode="before")
    @classmethod
    def _expires(cls, value: Any) -> Any:
        return _seconds(value)


def _id(value: str) -> int:
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else 0


def _mine(user: CustomUser, filter_id: str) -> MutedWord:
    return get_object_or_404(muted_words(user), pk=_id(filter_id))


def _contexts(given: list[str]) -> list[str]:
    unknown = [c for c in given if c not in CONTEXTS and c not in IGNORED_CONTEXTS]
    if unknown:
        raise ValidationError(f"Unknown context: {', '.join(unknown)}")
    return [c for c in CONTEXTS if c in given]


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "on", "yes", "t")


def _keyword(form: FilterForm, current: str | None = None) -> str | None:
    """Return the one keyword a v2 form leaves (None: none given), or refuse several.

    The flattened form keys do not say which entry a `_destroy` belongs to: a destroy drops
    the current phrase (the filter's one keyword), and whatever other keyword is given is
    the new phrase.
    """
    kept = [k.strip() for k in form.keyword if k.strip()]
    if current is not None and any(_truthy(flag) for flag in form.destroy):
        kept = [k for k in kept if k.lower() != current.lower()]
        if not kept:
            raise ValidationError(LAST_KEYWORD)
    if len(set(k.lower() for k in kept)) > 1:
        raise ValidationError(ONE_KEYWORD)
    return kept[-1] if kept else None


def _expiry(value: int | str | None, word: MutedWord | None) -> dict[str, Any]:
    """Return muted_word_create/update's expiry arguments for expires_in (None: not given)."""
    if value is None:
        if word is not None and word.expires_at is not None:
            return {"expires_at": word.expires_at}  # unchanged
        return {}
    if value == "":
        return {}  # never expires
    return {"expires_in": timedelta(seconds=int(value))}


def _keyword_entity(word: MutedWord) -> dict[str, Any]:
    return {"id": str(word.pk), "keyword": word.phrase, "whole_word": True}


def _v1(word: MutedWord) -> dict[str, Any]:
    return {
        "id": str(word.pk),
        "phrase": word.phrase,
        "context": [out for field, out in FILTER_CONTEXTS_OUT.items() if getattr(word, field)],
        "whole_word": True,
        "expires_at": iso(word.expires_at),
        "irreversible": False,
    }


# v2 ------------------------------------------------------------------------------------------


@router.get(
    "/v2/filters",
    auth=Scoped("read:filters"),
    response={200: list[schemas.Filter], **Errors},
    summary="Your filters",
)
def filter_list(request: HttpRequest) -> list[dict]:
    """Return your filters (muted words), expired ones too."""
    user = user_of(request)
    entities = Entities(request, user)
    return [entities.filter(word) for word in muted_words(user)]


@router.post(
    "/v2/filters",
    auth=Scoped("write:filters"),
    response={200: schemas.Filter, **Errors, **Refused},
    summary="Create a filter",
)
def filter_create(request: HttpRequest, form: Form[FilterForm]) -> dict:
    """Filter a word or phrase (the one keyword, else the title) where context says."""
    user = user_of(request)
    phrase = _keyword(form) or form.title or ""
    word = muted_word_create(
        user=user,
        phrase=phrase,
        contexts=_contexts(form.context or []),
        **_expiry(form.expires_in, None),
    )
    return Entities(request, user).filter(word)


@router.get(
    "/v2/filters/keywords/{keyword_id}",
    auth=Scoped("read:filters"),
    response={200: schemas.FilterKeyword, **Errors, **Missing},
    summary="One keyword",
)
def keyword_get(request: HttpRequest, keyword_id: str) -> dict:
    return _keyword_entity(_mine(user_of(request), keyword_id))


@router.put(
    "/v2/filters/keywords/{keyword_id}",
    auth=Scoped("write:filters"),
    response={200: schemas.FilterKeyword, **Errors, **Missing, **Refused},
    summary="Change a keyword",
)
def keyword_update(request: HttpRequest, keyword_id: str, form: Form[KeywordForm]) -> dict:
    """Change a filter's word or phrase."""
    user = user_of(request)
    word = _mine(user, keyword_id)
    if form.keyword is not None:
        word = _update(user, word, phrase=form.keyword)
    return _keyword_entity(word)


@router.delete(
    "/v2/filters/keywords/{keyword_id}",
    auth=Scoped("write:filters"),
    response={200: schemas.Empty, **Errors, **Missing, **Refused},
    summary="Delete a keyword (refused: a filter keeps one)",
)
def keyword_delete(request: HttpRequest, keyword_id: str) -> dict:
    _mine(user_of(request), keyword_id)
    raise HttpError(422, LAST_KEYWORD)


@router.get(
    "/v2/filters/statuses/{filter_status_id}",
    auth=Scoped("read:filters"),
    response={200: schemas.FilterStatus, **Errors, **Missing},
    summary="One status filter (msg has none)",
)
def filter_status_get(request: HttpRequest, filter_status_id: str) -> dict:
    raise HttpError(404, "Record not found")


@router.get(
    "/v2/filters/{filter_id}",
    auth=Scoped("read:filters"),
    response={200: schemas.Filter, **Errors, **Missing},
    summary="One filter",
)
def filter_get(request: HttpRequest, filter_id: str) -> dict:
    user = user_of(request)
    return Entities(request, user).filter(_mine(user, filter_id))


def _update(user: CustomUser, word: MutedWord, **changes: Any) -> MutedWord:
    """Change word with muted_word_update, keeping what changes leaves out."""
    contexts = changes.get("contexts")
    if contexts is None:
        contexts = [c for c, field in CONTEXT_FIELDS.items() if getattr(word, field)]
    return muted_word_update(
        user=user,
        muted_word=word,
        phrase=changes.get("phrase") or word.phrase,
        contexts=contexts,
        **_expiry(changes.get("expires_in"), word),
    )


@router.put(
    "/v2/filters/{filter_id}",
    auth=Scoped("write:filters"),
    response={200: schemas.Filter, **Errors, **Missing, **Refused},
    summary="Change a filter",
)
def filter_update(request: HttpRequest, filter_id: str, form: Form[FilterForm]) -> dict:
    """Change a filter: its phrase (the keyword given, else the title), contexts, expiry."""
    user = user_of(request)
    word = _mine(user, filter_id)
    word = _update(
        user,
        word,
        phrase=_keyword(form, word.phrase) or form.title,
        contexts=_contexts(form.context) if form.context is not None else None,
        expires_in=form.expires_in,
    )
    return Entities(request, user).filter(word)


@router.delete(
    "/v2/filters/{filter_id}",
    auth=Scoped("write:filters"),
    response={200: schemas.Empty, **Errors, **Missing},
    summary="Delete a filter",
)
def filter_delete(request: HttpRequest, filter_id: str) -> dict:
    user = user_of(request)
    muted_word_delete(user=user, muted_word=_mine(user, filter_id))
    return {}


@router.get(
    "/v2/filters/{filter_id}/keywords",
    auth=Scoped("read:filters"),
    response={200: list[schemas.FilterKeyword], **Errors, **Missing},
    summary="A filter's keywords (one)",
)
def keyword_list(request: HttpRequest, filter_id: str) -> list[dict]:
    return [_keyword_entity(_mine(user_of(request), filter_id))]


@router.post(
    "/v2/filters/{filter_id}/keywords",
    auth=Scoped("write:filters"),
    response={200: schemas.FilterKeyword, **Errors, **Missing, **Refused},
    summary="Add a keyword (refused: a filter holds one)",
)
def keyword_add(request: HttpRequest, filter_id: str) -> dict:
    _mine(user_of(request), filter_id)
    raise HttpError(422, ONE_KEYWORD)


@router.get(
    "/v2/filters/{filter_id}/statuses",
    auth=Scoped("read:filters"),
    response={200: list[schemas.FilterStatus], **Errors, **Missing},
    summary="A filter's statuses (none in msg)",
)
def filter_status_list(request: HttpRequest, filter_id: str) -> list:
    _mine(user_of(request), filter_id)
    return []


@router.post(
    "/v2/filters/{filter_id}/statuses",
    auth=Scoped("write:filters"),
    response={200: schemas.FilterStatus, **Errors, **Missing, **Refused},
    summary="Filter a status (refused: msg filters words)",
)
def filter_status_add(request: HttpRequest, filter_id: str) -> dict:
    _mine(user_of(request), filter_id)
    raise HttpError(422, NO_STATUS_FILTERS)


# v1: keyword filters, one phrase each ----------------------------------------------------------


@router.get(
    "/v1/filters",
    auth=Scoped("read:filters"),
    response={200: list[schemas.FilterV1], **Errors},
    summary="Your keyword filters (v1)",
)
def v1_list(request: HttpRequest) -> list[dict]:
    return [_v1(word) for word in muted_words(user_of(request))]


@router.post(
    "/v1/filters",
    auth=Scoped("write:filters"),
    response={200: schemas.FilterV1, **Errors, **Refused},
    summary="Create a keyword filter (v1)",
)
def v1_create(request: HttpRequest, form: Form[FilterV1Form]) -> dict:
    word = muted_word_create(
        user=user_of(request),
        phrase=form.phrase or "",
        contexts=_contexts(form.context or []),
        **_expiry(form.expires_in, None),
    )
    return _v1(word)


@router.get(
    "/v1/filters/{filter_id}",
    auth=Scoped("read:filters"),
    response={200: schemas.FilterV1, **Errors, **Missing},
    summary="One keyword filter (v1)",
)
def v1_get(request: HttpRequest, filter_id: str) -> dict:
    return _v1(_mine(user_of(request), filter_id))


@router.put(
    "/v1/filters/{filter_id}",
    auth=Scoped("write:filters"),
    response={200: schemas.FilterV1, **Errors, **Missing, **Refused},
    summary="Change a keyword filter (v1)",
)
def v1_update(request: HttpRequest, filter_id: str, form: Form[FilterV1Form]) -> dict:
    user = user_of(request)
    word = _update(
        user,
        _mine(user, filter_id),
        phrase=form.phrase,
        contexts=_contexts(form.context) if form.context is not None else None,
        expires_in=form.expires_in,
    )
    return _v1(word)


@router.delete(
    "/v1/filters/{filter_id}",
    auth=Scoped("write:filters"),
    response={200: schemas.Empty, **Errors, **Missing},
    summary="Delete a keyword filter (v1)",
)
def v1_delete(request: HttpRequest, filter_id: str) -> dict:
    user = user_of(request)
    muted_word_delete(user=user, muted_word=_mine(user, filter_id))
    return {}
