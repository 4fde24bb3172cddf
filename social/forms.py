"""Forms of the social pages: the muted-word (filter) settings."""

from datetime import timedelta

from django import forms

from social.models import FilterContext
from social.services import PHRASE_MAX_LENGTH

# (choice, label, duration); "" never expires.
EXPIRY_CHOICES: list[tuple[str, str, timedelta | None]] = [
    ("", "Never", None),
    ("30m", "30 minutes", timedelta(minutes=30)),
    ("1h", "1 hour", timedelta(hours=1)),
    ("6h", "6 hours", timedelta(hours=6)),
    ("1d", "1 day", timedelta(days=1)),
    ("1w", "1 week", timedelta(weeks=1)),
]


class MutedWordForm(forms.Form):
    """A word or phrase to filter, where, and for how long (the rules live in social.services)."""

    phrase = forms.CharField(
        label="Word or phrase",
        max_length=PHRASE_MAX_LENGTH,
        help_text="Whole words, any case: “cat” filters “Cat!” but not “concat”.",
    )
    contexts = forms.MultipleChoiceField(
        label="Filter it in",
        choices=FilterContext.choices,
        initial=FilterContext.values,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one place where the filter applies."},
    )
    expires = forms.ChoiceField(
        label="For",
        choices=[(value, label) for value, label, _ in EXPIRY_CHOICES],
        required=False,
    )

    def expires_in(self) -> timedelta | None:
        chosen = self.cleaned_data.get("expires") or ""
        return next(duration for value, _, duration in EXPIRY_CHOICES if value == chosen)
