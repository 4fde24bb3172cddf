from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from posts.models import Visibility
from posts.services import MAX_IMAGES, ImageUpload, post_body_clean


class PostForm(forms.Form):
    """The text of a post or comment; the rules live in posts.services."""

    body = forms.CharField(
        label="What's happening?",
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=True,
    )

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
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


class ComposeForm(PostForm):
    """A new top-level post: text, who may see it, and up to four described images."""

    visibility = forms.ChoiceField(
        label="Who can see this?",
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_IMAGES + 1):
            self.fields[f"image_{n}"] = forms.ImageField(
                label=f"Image {n}",
                required=False,
                widget=forms.ClearableFileInput(
                    attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
                ),
            )
            self.fields[f"alt_{n}"] = forms.CharField(
                label=f"Description of image {n} (alt text)",
                required=False,
                max_length=1500,
            )

    def image_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"image_{n}"], self[f"alt_{n}"]) for n in range(1, MAX_IMAGES + 1)]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for n in range(1, MAX_IMAGES + 1):
            if cleaned.get(f"image_{n}") and not (cleaned.get(f"alt_{n}") or "").strip():
                self.add_error(f"alt_{n}", "Describe this image for people who cannot see it.")
        return cleaned

    def uploads(self) -> list[ImageUpload]:
        return [
            ImageUpload(
                file=self.cleaned_data[f"image_{n}"], alt_text=self.cleaned_data[f"alt_{n}"]
            )
            for n in range(1, MAX_IMAGES + 1)
            if self.cleaned_data.get(f"image_{n}")
        ]
