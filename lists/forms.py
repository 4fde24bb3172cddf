from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import counted
from lists.services import TITLE_MAX_LENGTH, list_title_clean


class ListForm(forms.Form):
    """A list's name; the rules live in lists.services."""

    title = forms.CharField(label=_("List name"), max_length=TITLE_MAX_LENGTH, strip=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counted(self.fields["title"])

    def clean_title(self) -> str:
        try:
            return list_title_clean(self.cleaned_data["title"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["title"]) from error


class MemberForm(forms.Form):
    """An account to put on a list, by username."""

    username = forms.CharField(
        label=_("Add someone you follow"),
        max_length=150,
        help_text=_("Their username, with or without the @."),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip().lstrip("@")
