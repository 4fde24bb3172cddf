"""Checks for short user-supplied text shared by the apps' services. It imports no app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

NUL_REFUSED = gettext_lazy("Null characters are not allowed.")


def clean_text(
    value: str,
    *,
    field: str,
    max_length: int,
    too_long: str,
    empty: str | None = None,
    collapse_whitespace: bool = False,
) -> str:
    """Return value trimmed (or with all whitespace runs collapsed to one space), or raise.

    Raise ValidationError({field: message}) when the text is empty (only if an `empty` message
    is given: otherwise empty text is allowed), holds NUL (PostgreSQL cannot store it in text)
    or is longer than max_length. too_long is a str.format template that can use {limit},
    {length} and {text} (the cleaned text, e.g. "{text:.20}" for its first 20 characters).
    """
    text = " ".join(value.split()) if collapse_whitespace else value.strip()
    if not text and empty is not None:
        raise ValidationError({field: empty})
    if "\x00" in text:
        raise ValidationError({field: NUL_REFUSED})
    if len(text) > max_length:
        message = too_long.format(limit=max_length, length=len(text), text=text)
        raise ValidationError({field: message})
    return text
