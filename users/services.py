"""Writes for users. Views, admin, commands and tests call these, never .save() directly."""

from allauth.account.models import EmailAddress
from django.db import transaction

from users.models import CustomUser


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
