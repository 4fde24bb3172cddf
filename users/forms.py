from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from users.models import CustomUser


class CustomUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = CustomUser
        fields = (*UserCreationForm.Meta.fields, "email")


class CustomUserChangeForm(UserChangeForm):
    class Meta:
        model = CustomUser
        fields = UserChangeForm.Meta.fields


class SignupForm(AllauthSignupForm):
    """allauth's signup form, validated by the seed's CustomUserCreationForm as well.

    allauth keeps the flow (verification mail, rate limits, enumeration protection); the seed
    form stays the single source of truth for what a valid new user is.
    """

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
            for field, errors in seed.errors.items():
                # The same rule may already have spoken through allauth; say it once.
                if field == "email" or (field in self.fields and self.has_error(field)):
                    continue
                target = field if field in self.fields else None
                for error in errors:
                    self.add_error(target, error)
        return cleaned


class ConfirmForm(forms.Form):
    """An empty form: a POST button that confirms an action."""
