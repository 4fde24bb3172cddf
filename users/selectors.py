"""Reads about identity: which account an address or a login names."""

import re

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Lower

from users.models import CustomUser

USERNAME = re.compile(r"[A-Za-z0-9_]{1,30}")


def _same_address(field: str, email: str) -> Q:
    """Match field to email as the unique constraint does: Lower() on both sides, in the database.

    email__iexact compares UPPER() on PostgreSQL, which folds U+0131 (dotless i) onto "I": an
    attacker's address with a dotless i would then name a real gmail.com account.
    """
    return Q(**{f"{field}__exact": Lower(Value(email))})


def account_for_address(email: str) -> CustomUser | None:
    """Return the account whose address email is (ignoring case), if any.

    An account's address is CustomUser.email (or one it verified). An address it is only
    changing to is not its own yet, so typing a stranger's address in claims nothing.
    """
    holders = CustomUser.objects.annotate(email_lower=Lower("email"))
    user: CustomUser | None = holders.filter(_same_address("email_lower", email)).first()
    if user is None:
        verified = EmailAddress.objects.annotate(email_lower=Lower("email")).filter(
            _same_address("email_lower", email), verified=True
        )
        user = CustomUser.objects.filter(pk__in=verified.values("user_id")).first()
    return user


def account_for_login(login: str) -> CustomUser | None:
    """Return the account a login names: an address when it has an @, else a username."""
    if "@" in login:  # usernames cannot hold one (users.models.username_validator)
        return account_for_address(login)
    if not login.isascii():
        # Usernames are ASCII; case-insensitive matching would fold a long s onto "s".
        return None
    return CustomUser.objects.filter(username__iexact=login).first()


def user_get_active(username: str) -> QuerySet[CustomUser]:
    """Return the active account called username (any case), as a queryset of at most one.

    A name no account could have (a NUL, a space, a long s that folds onto "s") finds nobody
    without asking the database, which would refuse a NUL with an error.
    """
    if not USERNAME.fullmatch(username):
        return CustomUser.objects.none()
    return CustomUser.objects.filter(username__iexact=username, is_active=True)


def accounts_named(names: list[str]) -> QuerySet[CustomUser]:
    """Return the active accounts called any of names (any case)."""
    if not names:
        return CustomUser.objects.none()
    lookup = Q()
    for name in names:
        lookup |= Q(username__iexact=name)
    return CustomUser.objects.filter(lookup, is_active=True)
