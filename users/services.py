"""Writes for users. Views, admin, commands and tests call these, never .save() directly."""

from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core import images
from users.models import CustomUser

# What other apps must do before an account goes: posts registers the deletion of the
# account's posts with their image files and search rows (PostsConfig.ready). users imports
# no other app, so it cannot call them itself; the list keeps the flow explicit and greppable.
ACCOUNT_DELETE_STEPS: list[Callable[[CustomUser], object]] = []


@transaction.atomic
def email_address_mark_verified(*, user: CustomUser) -> EmailAddress:
    """Record the user's email as their verified primary address."""
    address, _ = EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=user.email,
        defaults={"email": user.email, "verified": True, "primary": True},
    )
    EmailAddress.objects.filter(user=user).exclude(pk=address.pk).update(primary=False)
    return address


@transaction.atomic
def user_create(
    *,
    username: str,
    email: str,
    password: str | None,
    email_verified: bool = False,
    is_staff: bool = False,
) -> CustomUser:
    """Create a user after full validation; mark the email verified when the operator vouches."""
    user = CustomUser(username=username, email=email, is_staff=is_staff)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    if email_verified:
        email_address_mark_verified(user=user)
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
) -> CustomUser:
    """Change the public profile. A bad avatar raises ValidationError and changes nothing."""
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
            {"bio": f"Keep the bio to {bio_limit} characters; this one has {len(user.bio)}."}
        )
    user.full_clean(exclude=["password", "avatar"])
    old_avatar = user.avatar.name if user.avatar else None
    if clean_avatar is not None:
        user.avatar.save(clean_avatar.name, clean_avatar.content, save=False)
    elif remove_avatar:
        user.avatar = None  # type: ignore[assignment]
    user.save(update_fields=["display_name", "bio", "avatar"])
    if old_avatar and (clean_avatar is not None or remove_avatar):
        storage = user.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_avatar))
    return user


@transaction.atomic
def user_delete(*, user: CustomUser) -> None:
    """Delete an account with everything it wrote, and the files and search rows that go
    with it (a plain cascade would leave the image files served and the posts searchable)."""
    for step in ACCOUNT_DELETE_STEPS:
        step(user)
    avatar = user.avatar.name if user.avatar else None
    storage = user.avatar.storage
    user.delete()
    if avatar:
        transaction.on_commit(lambda: storage.delete(avatar))
