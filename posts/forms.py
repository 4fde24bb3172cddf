from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundWidget
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import images
from core.forms import COUNTER_ATTRS, LinesField, counted
from posts.models import Post, PostImage, Visibility
from posts.selectors import media_drafts
from posts.services import (
    MAX_IMAGES,
    SPOILER_MAX_LENGTH,
    post_body_clean,
    spoiler_text_clean,
)
from posts.services.media import (
    ALT_REQUIRED,
    ALT_TEXT_MAX_LENGTH,
    IMAGE_MAX_BYTES,
    media_delete,
    media_describe,
    media_upload,
)
from posts.services.polls import MAX_OPTIONS, OPTION_MAX_LENGTH, PollSpec, poll_check
from users.models import CustomUser

ALT_MISSING = _("Describe this image for people who cannot see it.")


class PostForm(forms.Form):
    """The text of a post or comment; the rules live in posts.services."""

    body = forms.CharField(
        label=_("What's happening?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        strip=True,
    )

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.MSG_MAX_POST_LENGTH
        # No maxlength: the browser would cut a longer paste short without a word. The server
        # refuses it with the text kept, and static/js/compose.js counts as post_body_clean does.
        self.fields["body"].widget.attrs.update(COUNTER_ATTRS, **{"data-max-length": str(limit)})
        self.fields["body"].help_text = gettext("Up to %(limit)d characters.") % {"limit": limit}
        if label:
            self.fields["body"].label = label

    def clean_body(self) -> str:
        try:
            return post_body_clean(self.cleaned_data["body"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["body"]) from error


class ContentWarningForm(PostForm):
    """A post with a content warning (spoiler_text field); the rules live in posts.services."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "spoiler_text" in self.fields:
            counted(self.fields["spoiler_text"])

    def clean_spoiler_text(self) -> str:
        try:
            return spoiler_text_clean(self.cleaned_data["spoiler_text"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["spoiler_text"]) from error


def _spoiler_text_help() -> str:
    return gettext(
        "Up to %(limit)d characters. The text and images hide behind it until the reader "
        "chooses “Show more”."
    ) % {"limit": SPOILER_MAX_LENGTH}


def _spoiler_text_field() -> forms.CharField:
    """Return the content-warning field of the compose and edit forms (built when a form
    class is defined, so its texts are lazy: translated when shown)."""
    return forms.CharField(
        label=_("Content warning (optional)"),
        required=False,
        max_length=SPOILER_MAX_LENGTH,
        help_text=lazy(_spoiler_text_help, str)(),
    )


def _sensitive_field() -> forms.BooleanField:
    """Return the sensitive-media checkbox of the compose and edit forms."""
    return forms.BooleanField(
        label=_("Sensitive media: blur the images until the reader chooses to see them"),
        required=False,
    )


# What each audience means, next to its radio button in the compose form.
VISIBILITY_HELP = {
    Visibility.PUBLIC: _("Everyone, on explore and tag pages."),
    Visibility.UNLISTED: _("Everyone with the link, but not on explore, tags or search."),
    Visibility.FOLLOWERS: _("Only your followers."),
    Visibility.DIRECT: _("Only the people you @mention."),
}
IMAGE_TYPES = images.ACCEPT


def image_limits() -> str:
    """Return the limits of post images as the compose form states them."""
    return _("Up to %(count)d images: %(types)s, at most %(size)d MB each.") % {
        "count": MAX_IMAGES,
        "types": images.ACCEPTED_NAMES,
        "size": IMAGE_MAX_BYTES // 1_048_576,
    }


def _image_field(label: str) -> forms.ImageField:
    """Return a file input for one post image; a file that is not an image gets the message
    the avatar form gives (core.images.NOT_AN_IMAGE), not Django's own."""
    return forms.ImageField(
        label=label,
        required=False,
        error_messages={"invalid_image": images.NOT_AN_IMAGE},
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
    )


def _media_ids(values: Iterable[Any]) -> list[int]:
    """Return the draft ids in values in order, without repeats; raise on anything else."""
    ids: list[int] = []
    for value in values:
        text = str(value).strip()
        # isdigit() alone accepts "²" and other Unicode digits that int() rejects.
        if not (text.isascii() and text.isdigit() and len(text) < 19):
            raise ValidationError(_("An uploaded image could not be found: choose it again."))
        if int(text) not in ids:
            ids.append(int(text))
    return ids


class MediaIdsField(forms.Field):
    """The ids of the uploaded images (drafts) a post attaches, in order: hidden inputs."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        return _media_ids(value or ())


def _mutable(data: Mapping[str, Any]) -> QueryDict:
    """Return a changeable copy of a form's data, keeping every value of each key."""
    copy = QueryDict(mutable=True)
    for key in data:
        values = data.getlist(key) if isinstance(data, MultiValueDict) else data[key]
        copy.setlist(key, list(values) if isinstance(values, list | tuple) else [values])
    return copy


@dataclass(frozen=True)
class MediaItem:
    """An uploaded image in the compose form: the draft, its alt-text field, its slot."""

    draft: PostImage
    alt: forms.BoundField
    slot: int


class ComposeForm(ContentWarningForm):
    """A new top-level post: text, who may see it, a content warning, and up to four described
    images.

    An image chosen in the form is stored as a draft first (store_uploads) and the post attaches
    the drafts by id (the htmx upload makes the drafts as soon as the files are chosen), so after
    a form error the page shows the uploaded images again: hidden `media` ids, thumbnails and
    alt-text fields named alt_<id>. The rules live in posts.services.
    """

    visibility = forms.ChoiceField(
        label=_("Who can see this?"),
        choices=Visibility.choices,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    spoiler_text = _spoiler_text_field()
    sensitive = _sensitive_field()
    # The post this one quotes (the quote page fills it in); posts.services checks who may.
    quote_of = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        owner: CustomUser | None = None,
        media_ids: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        # Not a class attribute: that name is Form.media (the widgets' CSS and JavaScript).
        self.fields["media"] = MediaIdsField(required=False)
        # The file inputs of the form without JavaScript (htmx uploads each one when chosen).
        for n in range(1, MAX_IMAGES + 1):
            self.fields[f"image_{n}"] = _image_field(gettext("Image %(n)d") % {"n": n})
            self.fields[f"image_{n}_alt"] = forms.CharField(
                label=gettext("Description of image %(n)d (alt text)") % {"n": n},
                required=False,
                max_length=ALT_TEXT_MAX_LENGTH,
            )
            counted(self.fields[f"image_{n}_alt"])
        try:
            posted = self.fields["media"].widget.value_from_datadict(self.data, self.files, "media")
            ids = _media_ids(posted if self.is_bound else media_ids)
        except ValidationError:
            ids = []  # the media field reports it
        self.drafts: list[PostImage] = []
        if owner is not None and ids:
            found = {draft.pk: draft for draft in media_drafts(owner, ids)}
            self.drafts = [found[pk] for pk in ids if pk in found]
        missing = [d for d in self.drafts if self.is_bound and f"alt_{d.pk}" not in self.data]
        if missing:
            # A form that sends the ids alone keeps the descriptions saved with the drafts.
            data = _mutable(self.data)
            for draft in missing:
                data[f"alt_{draft.pk}"] = draft.alt_text
            self.data = data
        for draft in self.drafts:
            self._add_alt_field(draft)
        self.new_ids: list[int] = []

    def _add_alt_field(self, draft: PostImage) -> None:
        self.fields[f"alt_{draft.pk}"] = LinesField(
            label=_("Description (alt text)"),
            required=False,
            max_length=ALT_TEXT_MAX_LENGTH,
            initial=draft.alt_text,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        counted(self.fields[f"alt_{draft.pk}"])

    def clean_quote_of(self) -> Post | None:
        pk = self.cleaned_data.get("quote_of")
        if pk is None:
            return None
        quoted = Post.objects.select_related("author", "repost_of__author").filter(pk=pk).first()
        if quoted is None:
            raise ValidationError(_("The post you are quoting is no longer available."))
        return quoted

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        for draft in self.drafts:
            name = f"alt_{draft.pk}"
            if name in cleaned and not cleaned[name].strip():
                self.add_error(name, ALT_MISSING)
        return cleaned

    def image_limits(self) -> str:
        return image_limits()

    def visibility_options(self) -> list[tuple[BoundWidget, str]]:
        """Return each visibility radio button with what it means."""
        return [(radio, str(VISIBILITY_HELP[radio.data["value"]])) for radio in self["visibility"]]

    def media_errors(self) -> list[str]:
        return [str(error) for error in self.errors.get("media", [])]

    def media_items(self) -> list[MediaItem]:
        return [
            MediaItem(draft=draft, alt=self[f"alt_{draft.pk}"], slot=slot)
            for slot, draft in enumerate(self.drafts, start=1)
        ]

    def free_slots(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        """Return the file inputs left for more images, numbered after the uploaded ones."""
        return [
            (n, self[f"image_{n}"], self[f"image_{n}_alt"])
            for n in range(len(self.drafts) + 1, MAX_IMAGES + 1)
        ]

    def image_errors(self) -> list[str]:
        """Return why chosen files (or their descriptions) were refused (their file inputs
        are empty again)."""
        return [
            f"{self.fields[name].label}: {message}"
            for n in range(1, MAX_IMAGES + 1)
            for name in (f"image_{n}", f"image_{n}_alt")
            for message in self.errors.get(name, ())
        ]

    def store_uploads(self) -> None:
        """Store each file chosen in the form as a draft (posts.services.media_upload), so a
        form error does not lose it: the page shows it again as an uploaded image."""
        assert self.owner is not None
        cleaned = getattr(self, "cleaned_data", {})
        data = _mutable(self.data)
        for n in range(1, MAX_IMAGES + 1):
            file = cleaned.get(f"image_{n}")
            if not file:
                continue
            # A refused description (too long) stays with its image: the draft is stored
            # undescribed and shows the text typed, whole, under the error.
            alt_errors = self.errors.pop(f"image_{n}_alt", None)
            try:
                draft = media_upload(
                    owner=self.owner,
                    file=file,
                    alt_text="" if alt_errors else cleaned.get(f"image_{n}_alt", ""),
                )
            except ValidationError as error:
                self.add_error(f"image_{n}", error.messages)
                if alt_errors:
                    self.errors[f"image_{n}_alt"] = alt_errors
                continue
            self.drafts.append(draft)
            self.new_ids.append(draft.pk)
            self._add_alt_field(draft)
            data.appendlist("media", str(draft.pk))
            data[f"alt_{draft.pk}"] = (
                self.data.get(f"image_{n}_alt", "") if alt_errors else draft.alt_text
            )
            data[f"image_{n}_alt"] = ""
            if alt_errors:
                self.add_error(f"alt_{draft.pk}", alt_errors)
        self.data = data

    def describe_drafts(self) -> None:
        """Save the alt text typed for each uploaded image (posts.services.media_describe)."""
        assert self.owner is not None
        cleaned = getattr(self, "cleaned_data", {})
        texts = {
            draft.pk: cleaned[f"alt_{draft.pk}"]
            for draft in self.drafts
            if f"alt_{draft.pk}" in cleaned and cleaned[f"alt_{draft.pk}"] != draft.alt_text
        }
        if texts:
            media_describe(owner=self.owner, alt_texts=texts)
        for draft in self.drafts:
            draft.alt_text = texts.get(draft.pk, draft.alt_text).strip()

    def remove_draft(self) -> bool:
        """Delete the uploaded image whose "Remove" button sent the form (without JavaScript);
        return whether one was."""
        assert self.owner is not None
        if "remove" not in self.data:
            return False
        try:
            ids = _media_ids([self.data.get("remove", "")])
        except ValidationError:
            return False
        draft = next((d for d in self.drafts if d.pk in ids), None)
        if draft is None:
            return False
        media_delete(owner=self.owner, media=draft)
        self.drafts.remove(draft)
        data = _mutable(self.data)
        data.setlist("media", [str(d.pk) for d in self.drafts])
        self.data = data
        return True

    def media_ids(self) -> list[int]:
        """Return the ids of the images to attach, in the order shown."""
        return [*self.cleaned_data.get("media", []), *self.new_ids]

    def add_service_error(self, error: ValidationError) -> None:
        """Show a refusal from posts.services on the field it is about, if the form has it."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for name, messages in error.message_dict.items():
            if name == "media" and ALT_REQUIRED in messages:
                blank = [d for d in self.drafts if not d.alt_text.strip()]
                for draft in blank:
                    self.add_error(f"alt_{draft.pk}", ALT_MISSING)
                messages = [m for m in messages if m != ALT_REQUIRED or not blank]
            if messages:
                self.add_error(name if name in self.fields else None, messages)


# How long a poll stays open, in minutes.
POLL_DURATIONS = [
    (5, _("5 minutes")),
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (6 * 60, _("6 hours")),
    (24 * 60, _("1 day")),
    (3 * 24 * 60, _("3 days")),
    (7 * 24 * 60, _("7 days")),
]


DEFAULT_POLL_MINUTES = 24 * 60


class PollForm(forms.Form):
    """An optional poll on a new post (prefix "poll"): it counts once an option is filled."""

    # Optional: a form that leaves it out (no poll at all, a client without the select) gets
    # the default length.
    duration = forms.TypedChoiceField(
        label=_("Poll length"),
        choices=POLL_DURATIONS,
        coerce=int,
        initial=DEFAULT_POLL_MINUTES,
        required=False,
        empty_value=None,
    )
    multiple = forms.BooleanField(label=_("Allow several choices"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "poll")
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_OPTIONS + 1):
            self.fields[f"option_{n}"] = forms.CharField(
                label=gettext("Option %(n)d") % {"n": n},
                required=False,
                max_length=OPTION_MAX_LENGTH,
                strip=True,
            )
            counted(self.fields[f"option_{n}"])
        self.order_fields([f"option_{n}" for n in range(1, MAX_OPTIONS + 1)])

    def option_fields(self) -> list[forms.BoundField]:
        return [self[f"option_{n}"] for n in range(1, MAX_OPTIONS + 1)]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if self.is_bound and not self.errors:
            spec = self.spec()
            if spec is not None:
                try:
                    poll_check(spec)
                except ValidationError as error:
                    self.add_error(None, error.message_dict["poll"])
        return cleaned

    def spec(self) -> PollSpec | None:
        """Return the poll asked for, or None when no option is filled (no poll)."""
        options = [self.cleaned_data.get(f"option_{n}", "") for n in range(1, MAX_OPTIONS + 1)]
        options = [option for option in options if option]
        if not options:
            return None
        return PollSpec(
            options=options,
            expires_in=timedelta(minutes=self.cleaned_data["duration"] or DEFAULT_POLL_MINUTES),
            multiple=self.cleaned_data.get("multiple", False),
        )


class PostEditForm(ContentWarningForm):
    """Edit a post: its text, content warning, sensitive mark and each image's alt text.

    The alt-text fields are named alt_<image id>; the sensitive mark is offered only when the
    post has images. The rules live in posts.services (post_edit).
    """

    spoiler_text = _spoiler_text_field()
    sensitive = _sensitive_field()

    def __init__(self, *args: Any, images: Iterable[PostImage] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.images = list(images)
        if not self.images:
            del self.fields["sensitive"]
        limit = PostImage._meta.get_field("alt_text").max_length
        for n, image in enumerate(self.images, start=1):
            self.fields[f"alt_{image.pk}"] = LinesField(
                label=gettext("Description of image %(n)d (alt text)") % {"n": n},
                max_length=limit,
                initial=image.alt_text,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": ALT_MISSING},
            )
            counted(self.fields[f"alt_{image.pk}"])

    def image_fields(self) -> list[tuple[PostImage, forms.BoundField]]:
        return [(image, self[f"alt_{image.pk}"]) for image in self.images]

    def sensitive_choice(self) -> bool | None:
        """Return the sensitive mark chosen, or None (unchanged) when it was not offered."""
        return self.cleaned_data["sensitive"] if "sensitive" in self.fields else None

    def alt_texts(self) -> dict[int, str]:
        return {image.pk: self.cleaned_data[f"alt_{image.pk}"] for image in self.images}


class QuoteForm(ContentWarningForm):
    """A quote post: its text, who may see it and an optional content warning (the quoted
    post is in the address; posts.services.quotes checks who may quote it)."""

    visibility = forms.ChoiceField(
        label=_("Who can see this?"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )
    spoiler_text = forms.CharField(
        label=_("Content warning (optional)"), required=False, max_length=SPOILER_MAX_LENGTH
    )


class MediaUploadForm(forms.Form):
    """One image uploaded before its post (posts.services.media_upload)."""

    file = forms.ImageField(
        label=_("Image"),
        error_messages={"invalid_image": images.NOT_AN_IMAGE},
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
    )
    alt_text = LinesField(
        label=_("Description (alt text)"), required=False, max_length=ALT_TEXT_MAX_LENGTH
    )

    @classmethod
    def for_slot(cls, data: Any, files: Any, slot: int | None) -> "MediaUploadForm":
        """Return the form reading the compose form's file input number slot (image_<slot>
        and image_<slot>_alt, as htmx sends it), or file and alt_text when slot is None."""
        if slot is None:
            return cls(data, files)
        upload = files.get(f"image_{slot}")
        return cls(
            {"alt_text": data.get(f"image_{slot}_alt", "")},
            MultiValueDict({"file": [upload]} if upload else {}),
        )
