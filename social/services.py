"""Writes for the social graph: follow, block, mute. Nothing else changes these rows."""

import re
from collections.abc import Collection
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core.text import clean_text
from notifications.models import Kind
from notifications.services import (
    notification_create,
    notification_delete,
    notifications_delete_between,
)
from social.models import Block, Follow, Mute, MutedWord
from social.selectors import CONTEXT_FIELDS, is_blocked_either_way
from users.models import CustomUser

_SELF_REFUSALS = {
    "follow": gettext_lazy("You cannot follow yourself."),
    "block": gettext_lazy("You cannot block yourself."),
    "mute": gettext_lazy("You cannot mute yourself."),
}


def _not_self(a: CustomUser, b: CustomUser, action: str) -> None:
    """Refuse an action on yourself (a refusal, 403, like any other not allowed)."""
    if a.pk == b.pk:
        raise PermissionDenied(str(_SELF_REFUSALS[action]))


def _lock_pair(a: CustomUser, b: CustomUser) -> None:
    """Lock both users' rows, lower id first, until the transaction ends.

    A follow and a block between the same two people then run one after the other: without
    it, on PostgreSQL both could commit, leaving a follow that the block should have ended.
    (SQLite's IMMEDIATE transactions already serialise writers.) FOR NO KEY UPDATE, not FOR
    UPDATE: the key-share locks that rows pointing at a user take (a like, a notification) do
    not conflict with it, so a like committing meanwhile cannot deadlock with a block.
    """
    pair = CustomUser.objects.select_for_update(no_key=True).filter(pk__in=[a.pk, b.pk])
    list(pair.order_by("pk"))


@transaction.atomic
def follow_create(*, follower: CustomUser, followee: CustomUser) -> Follow:
    """Follow followee (idempotent) and notify them."""
    _not_self(follower, followee, "follow")
    _lock_pair(follower, followee)
    if is_blocked_either_way(follower, followee):
        raise PermissionDenied(gettext("You cannot follow this account."))
    follow, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if created:
        notification_create(recipient=followee, actor=follower, kind=Kind.FOLLOW)
    return follow


@transaction.atomic
def follow_delete(*, follower: CustomUser, followee: CustomUser) -> bool:
    """Stop following followee; return whether there was a follow to end."""
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    notification_delete(recipient=followee, actor=follower, kind=Kind.FOLLOW)
    return bool(deleted)


@transaction.atomic
def block_create(*, blocker: CustomUser, blocked: CustomUser) -> Block:
    """Block a user: end follows both ways and hide each side from the other."""
    _not_self(blocker, blocked, "block")
    _lock_pair(blocker, blocked)
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    Follow.objects.filter(
        Q(follower=blocker, followee=blocked) | Q(follower=blocked, followee=blocker)
    ).delete()
    notifications_delete_between(blocker, blocked)
    return block


@transaction.atomic
def block_delete(*, blocker: CustomUser, blocked: CustomUser) -> bool:
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


@transaction.atomic
def mute_create(*, muter: CustomUser, muted: CustomUser) -> Mute:
    """Hide muted's posts and notifications from muter, without telling muted."""
    _not_self(muter, muted, "mute")
    mute, _ = Mute.objects.get_or_create(muter=muter, muted=muted)
    return mute


@transaction.atomic
def mute_delete(*, muter: CustomUser, muted: CustomUser) -> bool:
    deleted, _ = Mute.objects.filter(muter=muter, muted=muted).delete()
    return bool(deleted)


# Muted words ---------------------------------------------------------------------------------

MUTED_WORDS_MAX = 100  # each one is a regular expression run on every post of a page
PHRASE_MAX_LENGTH = 100
_WORD = re.compile(r"\w")


def _escape(text: str) -> str:
    """Escape every ASCII punctuation mark with a backslash.

    Python's re and PostgreSQL's ARE both read a backslash before a non-alphanumeric
    character as that character; letters, digits and non-ASCII characters stay as they are
    (a backslash before them would be an escape, or an error, in one engine or the other).
    """
    return "".join(f"\\{c}" if c.isascii() and not c.isalnum() else c for c in text)


def muted_word_pattern(phrase: str) -> str:
    """Return the whole-word regular expression for phrase, the same in SQLite and PostgreSQL.

    Matched case-insensitively (iregex). Each end that is a word character must not touch
    another word character, so "cat" finds "Cat!" but not "concat"; an end that is
    punctuation (C++) needs no boundary. Spaces match any run of whitespace.
    """
    body = r"\s+".join(_escape(part) for part in phrase.split())
    start = r"(?<!\w)" if _WORD.match(phrase[0]) else ""
    end = r"(?!\w)" if _WORD.match(phrase[-1]) else ""
    return f"{start}{body}{end}"


def _phrase_clean(phrase: str) -> str:
    return clean_text(
        phrase,
        field="phrase",
        max_length=PHRASE_MAX_LENGTH,
        empty=gettext("Enter a word or phrase to filter."),
        too_long=gettext(
            "A filtered phrase is limited to {limit} characters; this one has {length}."
        ),
        collapse_whitespace=True,
    )


def _expiry(expires_in: timedelta | None, expires_at: datetime | None) -> datetime | None:
    if expires_in is not None and expires_at is not None:
        raise ValidationError(
            {"expires_at": gettext("Give an expiry time or a duration, not both.")}
        )
    if expires_in is not None:
        if expires_in <= timedelta(0):
            raise ValidationError({"expires_at": gettext("Choose a duration in the future.")})
        return timezone.now() + expires_in
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": gettext("Choose a time in the future.")})
    return expires_at


def _fill(
    word: MutedWord,
    *,
    phrase: str,
    contexts: Collection[str],
    expires_in: timedelta | None,
    expires_at: datetime | None,
) -> None:
    """Set word's fields from the arguments, or raise ValidationError."""
    unknown = set(contexts) - set(CONTEXT_FIELDS)
    if unknown or not contexts:
        raise ValidationError(
            {"contexts": gettext("Choose at least one place where the filter applies.")}
        )
    word.phrase = _phrase_clean(phrase)
    word.pattern = muted_word_pattern(word.phrase)
    for context, field in CONTEXT_FIELDS.items():
        setattr(word, field, context in contexts)
    word.expires_at = _expiry(expires_in, expires_at)
    same = MutedWord.objects.filter(user=word.user, phrase__iexact=word.phrase)
    if same.exclude(pk=word.pk).exists():
        raise ValidationError({"phrase": gettext("You already filter this word or phrase.")})
    word.full_clean()


def _save(word: MutedWord) -> MutedWord:
    try:
        with transaction.atomic():
            word.save()
    except IntegrityError as error:  # the same phrase added twice at once
        raise ValidationError(
            {"phrase": gettext("You already filter this word or phrase.")}
        ) from error
    return word


@transaction.atomic
def muted_word_create(
    *,
    user: CustomUser,
    phrase: str,
    contexts: Collection[str] = tuple(CONTEXT_FIELDS),
    expires_in: timedelta | None = None,
    expires_at: datetime | None = None,
) -> MutedWord:
    """Filter posts containing phrase (a whole word or words, any case) where contexts say.

    The same phrase whose filter has expired filters nothing: adding it again renews that
    filter (its places and expiry) rather than refusing it as a duplicate.
    """
    expired = (
        MutedWord.objects.select_for_update()
        .filter(user=user, phrase__iexact=_phrase_clean(phrase), expires_at__lte=timezone.now())
        .first()
    )
    if expired is None and MutedWord.objects.filter(user=user).count() >= MUTED_WORDS_MAX:
        raise ValidationError(
            {
                "phrase": gettext("You can filter at most %(count)d words; remove one first.")
                % {"count": MUTED_WORDS_MAX}
            }
        )
    word = expired or MutedWord(user=user)
    _fill(word, phrase=phrase, contexts=contexts, expires_in=expires_in, expires_at=expires_at)
    return _save(word)


@transaction.atomic
def muted_word_update(
    *,
    user: CustomUser,
    muted_word: MutedWord,
    phrase: str,
    contexts: Collection[str],
    expires_in: timedelta | None = None,
    expires_at: datetime | None = None,
) -> MutedWord:
    """Change a filtered phrase, where it applies or when it expires; only its owner may."""
    if muted_word.user_id != user.pk:
        raise PermissionDenied(gettext("This filter is not yours."))
    _fill(
        muted_word, phrase=phrase, contexts=contexts, expires_in=expires_in, expires_at=expires_at
    )
    return _save(muted_word)


@transaction.atomic
def muted_word_delete(*, user: CustomUser, muted_word: MutedWord) -> bool:
    """Stop filtering a phrase; return whether there was one to remove."""
    if muted_word.user_id != user.pk:
        raise PermissionDenied(gettext("This filter is not yours."))
    deleted, _ = MutedWord.objects.filter(pk=muted_word.pk).delete()
    return bool(deleted)
