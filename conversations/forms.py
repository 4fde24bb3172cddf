from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import counted
from posts.forms import PostForm
from users.models import CustomUser
from users.selectors import accounts_named

MAX_RECIPIENTS = 10


class MessageForm(PostForm):
    """A reply in a conversation: its text."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Your message"))
        super().__init__(*args, **kwargs)


class NewMessageForm(MessageForm):
    """A new conversation: to whom (usernames, with or without @) and the text."""

    to = forms.CharField(
        label=gettext_lazy("To"),
        max_length=400,
        help_text=gettext_lazy("Usernames, separated by spaces or commas."),
    )
    field_order = ["to", "body"]

    def __init__(self, *args: Any, sender: CustomUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sender = sender
        counted(self.fields["to"])

    def clean_to(self) -> list[CustomUser]:
        names = [
            n.lstrip("@") for n in self.cleaned_data["to"].replace(",", " ").split() if n.strip("@")
        ]
        if not names:
            raise forms.ValidationError(_("Write the username of at least one person."))
        if len(set(n.lower() for n in names)) > MAX_RECIPIENTS:
            raise forms.ValidationError(
                _("Write to at most %(count)d people at once.") % {"count": MAX_RECIPIENTS}
            )
        found = {u.username.lower(): u for u in accounts_named(names)}
        missing = [n for n in names if n.lower() not in found]
        if missing:
            raise forms.ValidationError(_("No account is called @%(name)s.") % {"name": missing[0]})
        people = [u for u in found.values() if u.pk != self.sender.pk]
        if not people:
            raise forms.ValidationError(_("You cannot send a message only to yourself."))
        return people
