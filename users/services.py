"""Writes for users. Views, admin, commands and tests call these, never .save() directly."""

from collections.abc import Callable, Iterable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from core import images
from users.models import CustomUser, validate_time_zone
from users.selectors import account_for_address

(_EMAIL_UNIQUE,) = (c for c in CustomUser._meta.constraints if c.name == "users_email_ci_unique")


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str | None,
    email_verified: bool = False,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> CustomUser:
    """Create a user after full validation; mark the email verified when the operator vouches."""
    return CustomUser.objects.create_account(
        username=username,
        email=email,
        password=password,
        email_verified=email_verified,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )


@transaction.atomic
def user_update(
    *,
    user: CustomUser,
    username: str | None = None,
    email: str | None = None,
    email_verified: bool = False,
    first_name: str | None = None,
    last_name: str | None = None,
    is_active: bool | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
    groups: Iterable[Group] | None = None,
    user_permissions: Iterable[Permission] | None = None,
) -> CustomUser:
    """Change an account's identity or access; leave each field given as None as it is.

    A new email replaces the old one in allauth too: it becomes the only, primary address,
    verified when email_verified says the operator checked it (else the user must confirm it
    before logging in), and the old address no longer logs in. Deactivating (is_active=False)
    hides the account and everything it wrote until it is reactivated.
    """
    stored_email = CustomUser.objects.select_for_update().values_list("email", flat=True)
    old_email = stored_email.get(pk=user.pk)
    changes = {
        "username": username,
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "is_active": is_active,
        "is_staff": is_staff,
        "is_superuser": is_superuser,
    }
    changes = {name: value for name, value in changes.items() if value is not None}
    for name, value in changes.items():
        setattr(user, name, value)
    email_changed = email is not None and email != old_email
    if email_changed:
        holder = account_for_address(user.email)
        if holder is not None and holder.pk != user.pk:
            raise ValidationError({"email": _EMAIL_UNIQUE.get_violation_error_message()})
    # Check only what changes: a value stored before a rule existed (a display name with a bidi
    # override, say) must not stop an operator from deactivating the account.
    unchanged = [field.name for field in CustomUser._meta.fields if field.name not in changes]
    user.full_clean(exclude=unchanged)
    user.save(update_fields=list(changes))
    if email_changed:
        # One address per account: the old one, and any change still pending, go with their
        # confirmation keys, so none of them logs in or can be confirmed any more.
        EmailAddress.objects.filter(user=user).delete()
        EmailAddress.objects.create(
            user=user, email=user.email, verified=email_verified, primary=True
        )
    if groups is not None:
        user.groups.set(groups)
    if user_permissions is not None:
        user.user_permissions.set(user_permissions)
    return user


# Profile ------------------------------------------------------------------------------------

AVATAR_SIZE = 400
AVATAR_MAX_BYTES = 5 * 1024 * 1024


@transaction.atomic
def profile_update(
    *,
    user: CustomUser,
    display_name: str,
    bio: str,
    avatar: UploadedFile | None = None,
    remove_avatar: bool = False,
    quote_policy: str | None = None,
) -> CustomUser:
    """Change the public profile (and, when given, who may quote one's posts). A bad avatar
    raises ValidationError and changes nothing."""
    clean_avatar = None
    if avatar is not None:
        try:
            clean_avatar = images.square(
                avatar,
                max_bytes=AVATAR_MAX_BYTES,
                size=AVATAR_SIZE,
                stem=f"{user.username}-avatar",
                what="avatar",
            )
        except ValidationError as error:
            raise ValidationError({"avatar": error.messages}) from error
    user.display_name = display_name.strip()
    user.bio = bio.replace("\r\n", "\n").strip()
    # A TextField's max_length binds forms only; full_clean would let a longer bio through.
    bio_limit = CustomUser._meta.get_field("bio").max_length
    if bio_limit is not None and len(user.bio) > bio_limit:
        raise ValidationError(
            {
                "bio": _("Keep the bio to %(limit)d characters; this one has %(length)d.")
                % {"limit": bio_limit, "length": len(user.bio)}
            }
        )
    if quote_policy is not None:
        user.quote_policy = quote_policy
    user.full_clean(exclude=["password", "avatar"])
    old_avatar = user.avatar.name if user.avatar else None
    if clean_avatar is not None:
        user.avatar.save(clean_avatar.name, clean_avatar.content, save=False)
    elif remove_avatar:
        user.avatar = None  # type: ignore[assignment]
    user.save(update_fields=["display_name", "bio", "avatar", "quote_policy"])
    if old_avatar and (clean_avatar is not None or remove_avatar):
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return user


def account_delete_steps() -> list[Callable[[CustomUser], object]]:
    """Return what other apps do before an account goes (settings.MSG_ACCOUNT_DELETE_STEPS).

    users imports no other app, so the steps are named in settings, where the project wires
    its apps together, like MIDDLEWARE: posts deletes the account's posts with their image
    files and search rows.
    """
    return [import_string(path) for path in settings.MSG_ACCOUNT_DELETE_STEPS]


@transaction.atomic
def user_delete(*, user: CustomUser) -> None:
    """Delete an account with everything it wrote, and the files and search rows that go
    with it (a plain cascade would leave the image files served and the posts searchable)."""
    for step in account_delete_steps():
        step(user)
    avatar = user.avatar.name if user.avatar else None
    storage = user.avatar.storage
    user.delete()
    if avatar:
        transaction.on_commit(lambda: storage.delete(avatar))


# Preferences --------------------------------------------------------------------------------


@transaction.atomic
def preferences_update(*, user: CustomUser, time_zone: str, language: str) -> CustomUser:
    """Set the time zone and language pages are shown in ("" for the browser's).

    A name that is not an IANA zone, or a language msg has no translation for, raises
    ValidationError and changes nothing.
    """
    old = (user.time_zone, user.language)
    user.time_zone, user.language = time_zone.strip(), language.strip()
    try:
        user.full_clean(exclude=_ALL_BUT_PREFERENCES)
    except ValidationError:
        user.time_zone, user.language = old
        raise
    user.save(update_fields=["time_zone", "language"])
    return user


@transaction.atomic
def time_zone_fill(*, user: CustomUser, time_zone: str) -> bool:
    """Record the zone the browser reported, unless the member already has one.

    Return whether it was recorded. A name that is not an IANA zone raises ValidationError.
    """
    if not time_zone:
        raise ValidationError({"time_zone": _("Choose a time zone from the list.")})
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        raise ValidationError({"time_zone": error.messages}) from error
    # Conditional, so a zone the member picked meanwhile (another tab) is never overwritten.
    filled = CustomUser.objects.filter(pk=user.pk, time_zone="").update(time_zone=time_zone)
    if filled:
        user.time_zone = time_zone
    return bool(filled)


_ALL_BUT_PREFERENCES = [
    field.name for field in CustomUser._meta.fields if field.name not in {"time_zone", "language"}
]
