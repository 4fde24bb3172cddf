from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.forms import LinesField, counted
from users.models import CustomUser, available_time_zones
from users.selectors import account_for_address


class CustomUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = CustomUser
        fields = (*UserCreationForm.Meta.fields, "email")


class CustomUserChangeForm(UserChangeForm):
    """The admin's change form; users.services.user_update writes what it holds."""

    email_verified = forms.BooleanField(
        label=_("The new address is verified"),
        required=False,
        initial=True,
        help_text=(
            _(
                "Applies only when you change the email address. Ticked: the user logs in with "
                "the new address at once. Unticked: they must confirm it first (a link is mailed "
                "when they next log in). Either way the old address stops working."
            )
        ),
    )

    class Meta:
        model = CustomUser
        fields = UserChangeForm.Meta.fields

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        holder = account_for_address(email)
        if holder is not None and holder.pk != self.instance.pk:
            # Another account's verified address: the model's own constraint sees only
            # CustomUser.email.
            raise forms.ValidationError(_constraint_message("users_email_ci_unique"))
        return email


class SignupForm(AllauthSignupForm):
    """allauth's signup form, validated by the seed's CustomUserCreationForm as well.

    allauth keeps the flow (verification mail, rate limits, enumeration protection); the seed
    form stays the single source of truth for what a valid new user is.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The site's word for it (German "Benutzername", allauth's own says "Anmeldename").
        username = self.fields["username"]
        username.label = _("Username")
        username.widget.attrs["placeholder"] = _("Username")
        # A longer paste would be cut short silently, signing up a different name than typed.
        counted(username)

    def validate_unique_email(self, value: str) -> str:
        # allauth counts an address as taken when any account lists it, even one only changing
        # to it, so typing a stranger's address in would keep the stranger from signing up.
        # Taken means an account holds it; then allauth mails that account instead of signing up.
        self.account_already_exists = account_for_address(value) is not None
        return get_adapter().validate_unique_email(value)

    def try_save(self, request: HttpRequest) -> tuple[Any, Any]:
        try:
            user, response = super().try_save(request)
        except ValidationError as error:
            # Lost a race with another sign-up for the same name or address: show the form
            # again with the reason, as for any taken name, instead of an error page.
            if hasattr(error, "error_dict"):
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
            else:
                self.add_error(None, error.messages)
            return None, TemplateResponse(request, "account/signup.html", {"form": self})
        if user is None and self.account_already_exists:
            # A new account costs one password hash; so does a taken address, or the time taken
            # would tell which addresses are registered.
            make_password(self.cleaned_data.get("password1"))
        return user, response

    def clean(self) -> dict:
        cleaned = super().clean()
        seed = CustomUserCreationForm(
            data={
                "username": self.data.get("username", ""),
                "email": self.data.get("email", ""),
                "password1": self.data.get("password1", ""),
                "password2": self.data.get("password2", ""),
            }
        )
        if not seed.is_valid():
            # allauth answers a taken address by mailing its owner (enumeration prevention), so
            # the seed's unique-email constraint, a form-wide error, must not speak either.
            email_taken = _constraint_message("users_email_ci_unique")
            said = {message for messages in self.errors.values() for message in messages}
            for field, errors in seed.errors.items():
                # The same rule may already have spoken through allauth; say it once.
                if field == "email" or (field in self.fields and self.has_error(field)):
                    continue
                target = field if field in self.fields else None
                for error in errors:
                    if error not in said and error != email_taken:
                        self.add_error(target, error)
        return cleaned


class ResetPasswordForm(AllauthResetPasswordForm):
    """allauth's reset request, reaching only the account that holds the address.

    allauth also finds accounts only changing to the address, so a member who typed a stranger's
    address in could be reset from the stranger's mailbox, and the stranger mailed two links.
    """

    def clean_email(self) -> str:
        email = super().clean_email()
        holder = account_for_address(email)
        self.users = [holder] if holder is not None and holder.is_active else []
        return email


def _constraint_message(name: str) -> str:
    """Return the message CustomUser's constraint called name gives when violated."""
    (constraint,) = (c for c in CustomUser._meta.constraints if c.name == name)
    return str(constraint.get_violation_error_message())


class ConfirmForm(forms.Form):
    """An empty form: a POST button that confirms an action."""


class ProfileForm(forms.ModelForm):
    """Public profile: display name, bio and avatar (checked and resized by the service)."""

    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, up to 5 MB. It is cropped to a square."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_avatar = forms.BooleanField(label=_("Remove my avatar"), required=False)

    class Meta:
        model = CustomUser
        fields = ["display_name", "bio", "quote_policy"]
        help_texts = {
            "quote_policy": _("Who may post a quote of your public and unlisted posts."),
            "display_name": _("Up to 50 characters. Shown next to your @username."),
            "bio": _("Up to 500 characters. Links, @mentions and #tags work."),
        }
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        # A line end counts once, as users.services.profile_update and the counter count it.
        field_classes = {"bio": LinesField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out of a submission (an older form, a script), the policy stays as it was.
        self.fields["quote_policy"].required = False
        # No maxlength (a longer paste would be cut short without a word): a live counter.
        counted(self.fields["display_name"])
        counted(self.fields["bio"])

    def clean_quote_policy(self) -> str:
        return self.cleaned_data.get("quote_policy") or self.instance.quote_policy


def _time_zone_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("Your browser's time zone"))] + [
        (name, name.replace("_", " ")) for name in sorted(available_time_zones())
    ]


def _language_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("Browser's language")), *settings.LANGUAGES]


class PreferencesForm(forms.Form):
    """The language and time zone pages are shown in (users.services.preferences_update)."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=_language_choices,
        help_text=_("The language msg's pages are shown in."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        choices=_time_zone_choices,
        help_text=_("Dates and times on msg are shown in this zone."),
    )
