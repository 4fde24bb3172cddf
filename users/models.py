import functools
import zoneinfo
from typing import ClassVar

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction
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
    """Users, each made by create_account: user_create calls it, and so does createsuperuser
    (through create_superuser), which cannot call the service without importing upwards."""

    def create_account(
        self,
        *,
        username: str,
        email: str,
        password: str | None,
        email_verified: bool = False,
        is_staff: bool = False,
        is_superuser: bool = False,
    ) -> "CustomUser":
        """Validate and save a new user; record their email verified when an operator vouches.

        An unverified address gets its EmailAddress row from allauth's sign-up flow, which
        mails the confirmation link.
        """
        user = self.model(
            username=self.model.normalize_username(username),
            email=email,
            is_staff=is_staff,
            is_superuser=is_superuser,
        )
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.full_clean()
        with transaction.atomic(using=self.db):
            try:
                with transaction.atomic(using=self.db):
                    user.save(using=self.db)
            except IntegrityError:
                # Another sign-up took the name or address between full_clean and the insert:
                # it is committed now, so checking again names the field that clashes.
                user.validate_constraints()
                user.validate_unique()
                raise ValidationError(
                    _("A user with that username or email address already exists.")
                ) from None
            if email_verified:
                EmailAddress.objects.using(self.db).create(
                    user=user, email=user.email, verified=True, primary=True
                )
        return user

    def create_user(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: bool,
    ) -> "CustomUser":
        """Create a member whose address still needs confirming."""
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self.create_account(
            username=username,
            email=self.normalize_email(email),
            password=password,
            **extra_fields,
        )

    def create_superuser(
        self,
        username: str,
        email: str | None = None,
        password: str | None = None,
        **extra_fields: bool,
    ) -> "CustomUser":
        """Create a superuser whose email counts as verified, so the operator can log in."""
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if extra_fields["is_staff"] is not True:
            raise ValueError("Superuser must have is_staff=True.")
        if extra_fields["is_superuser"] is not True:
            raise ValueError("Superuser must have is_superuser=True.")
        return self.create_account(
            username=username,
            email=self.normalize_email(email),
            password=password,
            email_verified=True,
            **extra_fields,
        )


def validate_time_zone(value: str) -> None:
    """Refuse a name that is not an IANA time zone."""
    if value and value not in available_time_zones():
        raise ValidationError(_("Choose a time zone from the list."), code="invalid")


def validate_language(value: str) -> None:
    """Refuse a language msg has no translation for."""
    if value and value not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose a language from the list."), code="invalid")


@functools.cache
def available_time_zones() -> frozenset[str]:
    """Return the IANA time zone names this machine knows, as Area/Location, and UTC.

    Names without an area are left out: the system's own files ("localtime", a link to the
    server's clock setting, which would show the server's zone and change with the host's;
    "posixrules"; "Factory") and the old aliases ("EST", "Japan", "GB"), which browsers do not
    report and the settings list would only repeat.
    """
    return frozenset(
        name for name in zoneinfo.available_timezones() if "/" in name or name == "UTC"
    )


class QuotePolicy(models.TextChoices):
    """Who may quote an account's posts."""

    EVERYONE = "everyone", _("Everyone")
    FOLLOWERS = "followers", _("Only my followers")
    NOBODY = "nobody", _("Nobody")


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
    quote_policy = models.CharField(
        _("who may quote my posts"),
        max_length=10,
        choices=QuotePolicy.choices,
        default=QuotePolicy.EVERYONE,
    )
    # Blank until the browser tells us (on the first visit) or the member picks one; pages then
    # render times in settings.TIME_ZONE.
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    # Blank means "the browser's language" (LocaleMiddleware); otherwise one of settings.LANGUAGES.
    language = models.CharField(
        _("language"), max_length=10, blank=True, validators=[validate_language]
    )

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
