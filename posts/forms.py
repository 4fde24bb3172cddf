from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from posts.services import post_body_clean


class PostForm(forms.Form):
    """The text of a post or comment; the rules live in posts.services."""

    body = forms.CharField(
        label="What's happening?",
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=True,
    )

    def __init__(self, *args, label: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.MSG_MAX_POST_LENGTH
        self.fields["body"].widget.attrs["maxlength"] = str(limit)
        self.fields["body"].help_text = f"Up to {limit} characters."
        if label:
            self.fields["body"].label = label

    def clean_body(self) -> str:
        try:
            return post_body_clean(self.cleaned_data["body"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["body"]) from error
