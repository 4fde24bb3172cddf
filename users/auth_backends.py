"""The one authentication backend: allauth's, checking exactly one password per login."""

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from users.selectors import account_for_login


class AuthenticationBackend(AllauthBackend):
    """allauth's backend, hashing exactly one password per login attempt.

    allauth tries an address as an address, then as a username, then as an address again, and
    checks the password of each account it finds; with Django's ModelBackend in front, a
    registered address cost three hashes and an unknown one two, which timing reveals. Here a
    login names at most one account: its password is checked, or (allauth's own fallback) a
    throwaway one is hashed instead.
    """

    def _authenticate(
        self, request: HttpRequest | None, **credentials: Any
    ) -> AbstractBaseUser | None:
        login = credentials.get("email") or credentials.get("username")
        if not login:
            return None
        return self._check_password(account_for_login(login), credentials.get("password") or "")
