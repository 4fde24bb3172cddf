from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Usernames appear in URLs (/@name/) and, later, in @mentions: keep them to what both can carry.
username_validator = RegexValidator(
    r"^[A-Za-z0-9_]+\Z",
    _("Use only letters, digits and underscores (no spaces or other symbols)."),
    code="invalid_username",
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
