"""Writes for users. Views, admin, commands and tests call these, never .save() directly."""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q

from msg_project import images
from notifications.models import Kind, Notification
from notifications.services import notification_create, notification_delete
from posts.services import posts_delete_by_author
from users.models import Block, CustomUser, Follow, Mute
from users.relations import is_blocked_either_way


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


# The social graph ---------------------------------------------------------------------------


def _not_self(a: CustomUser, b: CustomUser, action: str) -> None:
    if a.pk == b.pk:
        raise ValidationError(f"You cannot {action} yourself.")


def _lock_pair(a: CustomUser, b: CustomUser) -> None:
    """Lock both users' rows, lower id first, until the transaction ends.

    A follow and a block between the same two people then run one after the other: without
    it, on PostgreSQL both could commit, leaving a follow that the block should have ended.
    (SQLite's IMMEDIATE transactions already serialise writers.) FOR NO KEY UPDATE, not FOR
    UPDATE: the key-share locks that rows pointing at a user take (a like, a notification) do
    not conflict with it, so a like committing meanwhile cannot deadlock with a block.
    """
    pair = CustomUser.objects.select_for_update(no_key=True).filter(pk__in=[a.pk, b.pk])
    list(pair.order_by("pk"))


@transaction.atomic
def follow_create(*, follower: CustomUser, followee: CustomUser) -> Follow:
    """Follow followee (idempotent) and notify them."""
    _not_self(follower, followee, "follow")
    _lock_pair(follower, followee)
    if is_blocked_either_way(follower, followee):
        raise PermissionDenied("You cannot follow this account.")
    follow, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if created:
        notification_create(recipient=followee, actor=follower, kind=Kind.FOLLOW)
    return follow


@transaction.atomic
def follow_delete(*, follower: CustomUser, followee: CustomUser) -> bool:
    """Stop following followee; return whether there was a follow to end."""
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    notification_delete(recipient=followee, actor=follower, kind=Kind.FOLLOW)
    return bool(deleted)


@transaction.atomic
def block_create(*, blocker: CustomUser, blocked: CustomUser) -> Block:
    """Block a user: end follows both ways and hide each side from the other."""
    _not_self(blocker, blocked, "block")
    _lock_pair(blocker, blocked)
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    Follow.objects.filter(
        Q(follower=blocker, followee=blocked) | Q(follower=blocked, followee=blocker)
    ).delete()
    Notification.objects.filter(
        Q(recipient=blocker, actor=blocked) | Q(recipient=blocked, actor=blocker)
    ).delete()
    return block


@transaction.atomic
def block_delete(*, blocker: CustomUser, blocked: CustomUser) -> bool:
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


@transaction.atomic
def mute_create(*, muter: CustomUser, muted: CustomUser) -> Mute:
    """Hide muted's posts and notifications from muter, without telling muted."""
    _not_self(muter, muted, "mute")
    mute, _ = Mute.objects.get_or_create(muter=muter, muted=muted)
    return mute


@transaction.atomic
def mute_delete(*, muter: CustomUser, muted: CustomUser) -> bool:
    deleted, _ = Mute.objects.filter(muter=muter, muted=muted).delete()
    return bool(deleted)


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
    posts_delete_by_author(author=user)
    avatar = user.avatar.name if user.avatar else None
    storage = user.avatar.storage
    user.delete()
    if avatar:
        transaction.on_commit(lambda: storage.delete(avatar))
