"""Forms of the social pages: the muted-word (filter) settings."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from core.forms import counted
from social.models import FilterContext
from social.services import PHRASE_MAX_LENGTH

# (choice, label, duration); "" never expires.
EXPIRY_CHOICES: list[tuple[str, str | Promise, timedelta | None]] = [
    ("", gettext_lazy("Never"), None),
    ("30m", gettext_lazy("30 minutes"), timedelta(minutes=30)),
    ("1h", gettext_lazy("1 hour"), timedelta(hours=1)),
    ("6h", gettext_lazy("6 hours"), timedelta(hours=6)),
    ("1d", gettext_lazy("1 day"), timedelta(days=1)),
    ("1w", gettext_lazy("1 week"), timedelta(weeks=1)),
]


class MutedWordForm(forms.Form):
    """A word or phrase to filter, where, and for how long (the rules live in social.services)."""

    phrase = forms.CharField(
        label=gettext_lazy("Word or phrase"),
        max_length=PHRASE_MAX_LENGTH,
        help_text=gettext_lazy("Whole words, any case: “cat” filters “Cat!” but not “concat”."),
    )
    contexts = forms.MultipleChoiceField(
        label=gettext_lazy("Filter it in"),
        choices=FilterContext.choices,
        initial=FilterContext.values,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("Choose at least one place where the filter applies.")
        },
    )
    expires = forms.ChoiceField(
        label=gettext_lazy("For"),
        choices=[(value, label) for value, label, _ in EXPIRY_CHOICES],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counted(self.fields["phrase"])

    def expires_in(self) -> timedelta | None:
        chosen = self.cleaned_data.get("expires") or ""
        return next(duration for value, _, duration in EXPIRY_CHOICES if value == chosen)
