import re
import unicodedata
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
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


# Characters a display name may not hold: controls (Cc), format characters (Cf) such as the
# bidi overrides U+202E and U+2066-2069 or zero-width spaces, which can reverse the header line
# or fake a handle, line and paragraph separators, and the "blank" letters used as invisible
# names. Emoji sequences keep what they need: the zero-width joiner, and tag characters inside a
# subdivision flag.
ZERO_WIDTH_JOINER = "\u200d"
# A subdivision flag: black flag, tag letters, cancel tag (England is U+1F3F4 g b e n g U+E007F).
_FLAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
INVISIBLE_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}


def is_forbidden_in_names(char: str) -> bool:
    """Return whether char is invisible or reorders text (tag characters included: only a
    flag sequence, which forbidden_in_name() skips, may hold them)."""
    if char == ZERO_WIDTH_JOINER:
        return False
    return char in INVISIBLE_LETTERS or unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"}


def without_forbidden(name: str) -> str:
    """Return name without the characters a display name may not hold."""
    parts = _FLAG_SEQUENCE.split(name)
    flags = _FLAG_SEQUENCE.findall(name)
    cleaned = ["".join(c for c in part if not is_forbidden_in_names(c)) for part in parts]
    return "".join(p + f for p, f in zip(cleaned, [*flags, ""], strict=True))


def validate_display_name(value: str) -> None:
    """Refuse control, format and invisible characters in a display name."""
    rest = _FLAG_SEQUENCE.sub("", value)
    bad = sorted({f"U+{ord(c):04X}" for c in rest if is_forbidden_in_names(c)})
    if bad:
        raise ValidationError(
            _("Display names cannot hold invisible or control characters (found %(chars)s)."),
            code="invalid_display_name",
            params={"chars": ", ".join(bad)},
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
        return without_forbidden(self.display_name).strip() or self.username


class Relationship(models.Model):
    """A directed edge between two users: who acted (source) and who it is about (target)."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


def _edge_constraints(kind: str, source: str, target: str) -> list[models.BaseConstraint]:
    return [
        models.UniqueConstraint(fields=[source, target], name=f"{kind}_unique_pair"),
        models.CheckConstraint(
            condition=~models.Q(**{source: models.F(target)}),
            name=f"{kind}_not_self",
            violation_error_message=_("You cannot do that to yourself."),
        ),
    ]


class Follow(Relationship):
    follower = models.ForeignKey(CustomUser, on_delete=models.CASCADE, related_name="+")
    followee = models.ForeignKey(CustomUser, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = _edge_constraints("follow", "follower", "followee")
        indexes = [models.Index(fields=["followee", "-id"], name="follow_followee_idx")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class Block(Relationship):
    blocker = models.ForeignKey(CustomUser, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(CustomUser, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = _edge_constraints("block", "blocker", "blocked")
        indexes = [models.Index(fields=["blocked"], name="block_blocked_idx")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Mute(Relationship):
    muter = models.ForeignKey(CustomUser, on_delete=models.CASCADE, related_name="+")
    muted = models.ForeignKey(CustomUser, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = _edge_constraints("mute", "muter", "muted")

    def __str__(self) -> str:
        return f"{self.muter_id} mutes {self.muted_id}"
