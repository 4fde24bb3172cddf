from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from users.names import displayable, forbidden_characters, shows_something

# Usernames appear in URLs (/@name/) and, later, in @mentions: keep them to what both can carry.
username_validator = RegexValidator(
    r"^[A-Za-z0-9_]+\Z",
    _("Use only letters, digits and underscores (no spaces or other symbols)."),
    code="invalid_username",
)


def validate_display_name(value: str) -> None:
    """Refuse invisible, control and reordering characters in a display name (users/names.py)."""
    if bad := forbidden_characters(value):
        raise ValidationError(
            _("Display names cannot hold invisible or control characters (found %(chars)s)."),
            code="invalid_display_name",
            params={"chars": ", ".join(sorted({f"U+{ord(c[0]):04X}" for c in bad}))},
        )
    if value.strip() and not shows_something(value):
        raise ValidationError(
            _("A display name needs at least one visible character."),
            code="invisible_display_name",
        )


class CustomUserManager(UserManager["CustomUser"]):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """Create a superuser whose email counts as verified, so the operator can log in."""
        from users.services import email_address_mark_verified

        user = super().create_superuser(username, email, password, **extra_fields)
        if user.email:
            email_address_mark_verified(user=user)
        return user


class CustomUser(AbstractUser):
    username = models.CharField(
        _("username"),
        max_length=30,
        unique=True,
        help_text=_("Up to 30 letters, digits and underscores."),
        validators=[username_validator],
        error_messages={"unique": _("A user with that username already exists.")},
    )
    email = models.EmailField(_("email address"))
    display_name = models.CharField(
        _("display name"), max_length=50, blank=True, validators=[validate_display_name]
    )
    bio = models.TextField(_("bio"), max_length=500, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)

    objects: ClassVar[CustomUserManager] = CustomUserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="users_username_ci_unique",
                violation_error_message=_("A user with that username already exists."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="users_email_ci_unique",
                violation_error_message=_("A user with that email address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def get_absolute_url(self) -> str:
        return reverse("profile", kwargs={"username": self.username})

    @property
    def name(self) -> str:
        """What to call the user: their display name, else their username.

        Characters a name may no longer hold are dropped, so a name saved before the rule
        cannot reverse the text around it.
        """
        return displayable(self.display_name) or self.username
