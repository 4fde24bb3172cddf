"""Who is calling the API: the OAuth 2 bearer token, its account and its scopes.

The token is looked up once per request (by its SHA-256 checksum, with its account and app in
the same query) and kept on the request; the rate limits and every route read it from there.
Scopes follow Mastodon's: `read` covers every `read:*`, `write` every `write:*`, and `follow`
covers reading and changing follows, blocks and mutes.
"""

import hashlib
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, HttpError
from oauth2_provider.models import get_access_token_model

from users.models import CustomUser

AccessToken = get_access_token_model()

_UNSET = object()

UNCONFIRMED = "Your login is missing a confirmed e-mail address"
_confirmed = EmailAddress.objects.filter(verified=True)

FOLLOW_SCOPES = {
    "read:follows",
    "write:follows",
    "read:blocks",
    "write:blocks",
    "read:mutes",
    "write:mutes",
}


def bearer(request: HttpRequest) -> str | None:
    """Return the bearer token the request carries, or None."""
    header = request.headers.get("Authorization", "")
    kind, _, token = header.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_of(request: HttpRequest) -> Any:
    """Return the request's valid access token (with .user and .application), or None.

    None means no token was sent; an invalid, expired or revoked token, or one whose account
    cannot log in any more, raises AuthenticationError (401).
    """
    cached = getattr(request, "_api_token", _UNSET)
    if cached is not _UNSET:
        if isinstance(cached, AuthenticationError):
            raise cached
        return cached
    raw = bearer(request)
    token = None
    if raw is not None:
        checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        token = (
            AccessToken.objects.select_related("user", "application")
            # In the same query: whether the account has confirmed its address (Scoped).
            .annotate(email_confirmed=Exists(_confirmed.filter(user_id=OuterRef("user_id"))))
            .filter(token_checksum=checksum)
            .first()
        )
        if (
            token is None
            or token.expires <= timezone.now()
            or (token.user_id is not None and not token.user.is_active)
        ):
            error = AuthenticationError(401, "The access token is invalid")
            request._api_token = error  # type: ignore[attr-defined]
            raise error
    request._api_token = token  # type: ignore[attr-defined]
    return token


def scopes_of(token: Any) -> set[str]:
    """Return the scopes a token was granted."""
    return set((token.scope or "").split())


def allows(granted: set[str], needed: str) -> bool:
    """Return whether scopes granted cover the scope needed (Mastodon's hierarchy)."""
    if needed in granted:
        return True
    if needed == "profile":
        # Mastodon 4.3: one's own profile (verify_credentials) is also readable with read.
        return bool(granted & {"read", "read:accounts"})
    kind, _, _part = needed.partition(":")
    if kind in granted:
        return True
    return needed in FOLLOW_SCOPES and "follow" in granted


class Scoped:
    """Ninja auth: a valid user token with the scope `needed` (or a broader one).

    public=True lets a request without any token through as a visitor when MSG_PUBLIC_PAGES
    is on (request.auth is then None); a request with a bad token is a 401 all the same.
    app_only=True also accepts an app's own token (client_credentials, no account).
    """

    def __init__(self, needed: str, *, public: bool = False, app_only: bool = False) -> None:
        self.needed = needed
        self.public = public
        self.app_only = app_only
        # Shown in the OpenAPI document as a bearer token.
        self.openapi_type = "http"
        self.openapi_scheme = "bearer"

    def __call__(self, request: HttpRequest) -> Any:
        token = token_of(request)
        if token is None:
            if self.public and settings.MSG_PUBLIC_PAGES:
                return _Visitor()
            raise AuthenticationError(401, "The access token is invalid")
        if token.user_id is None and not self.app_only:
            if self.public and settings.MSG_PUBLIC_PAGES:
                # An app's own token reads what a visitor may (as Mastodon).
                return _Visitor()
            raise HttpError(422, "This method requires an authenticated user")
        if token.user_id is not None and not token.email_confirmed:
            # Signed up through the API (POST /api/v1/accounts): verification still applies.
            raise HttpError(403, UNCONFIRMED)
        if not allows(scopes_of(token), self.needed):
            raise HttpError(403, "This action is outside the authorized scopes")
        return token


class _Visitor:
    """What request.auth is for a request without a token on a public server."""

    user = None
    application = None
    scope = ""

    def __bool__(self) -> bool:
        # Ninja treats a falsy auth result as a failure: a visitor is let through.
        return True


def user_of(request: HttpRequest) -> CustomUser:
    """Return the account of the request's token (routes that need one)."""
    token = request.auth  # type: ignore[attr-defined]
    assert token is not None and token.user is not None
    return token.user


def viewer_of(request: HttpRequest) -> CustomUser | None:
    """Return the account of the request's token, or None for a visitor."""
    token = request.auth  # type: ignore[attr-defined]
    return getattr(token, "user", None)


def auth_scheme(needed: str, **kwargs: Any) -> Scoped:
    """Return the ninja auth for routes that need scope `needed` (see Scoped)."""
    return Scoped(needed, **kwargs)
