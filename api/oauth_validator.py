"""msg's OAuth 2 rules for django-oauth-toolkit: Mastodon's grants, scopes and redirect URIs.

The toolkit and oauthlib do the protocol (codes, PKCE, client authentication, token storage);
this module says what msg allows:

- grants: the authorization code (PKCE accepted, S256 only, never required), client
  credentials (an app token without an account) and, while MSG_OAUTH_PASSWORD_GRANT is on,
  the password grant. No implicit grant, no refresh tokens (Mastodon's tokens do not expire).
- redirect URIs: exactly one of those the app registered; any scheme a native app may use
  (`tusky://oauth`, `ivory://`) or Mastodon's out-of-band URN, never a scheme a browser would
  run or read locally (`javascript:`, `data:`, `vbscript:`, `file:`).
- scopes: known ones, covered by what the app registered (Mastodon's hierarchy, api.auth).
- accounts: active, with a verified email address, as the web login requires.
"""

import re
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from allauth.account.utils import has_verified_email
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from oauth2_provider.models import get_grant_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2 import (
    AuthorizationEndpoint,
    ClientCredentialsGrant,
    ResourceEndpoint,
    ResourceOwnerPasswordCredentialsGrant,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types import AuthorizationCodeGrant
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import (
    code_challenge_method_s256,
)
from oauthlib.oauth2.rfc6749.tokens import BearerToken

from api.auth import allows

# Mastodon's (and RFC 8252's) "no redirect: show the code to copy" redirect URI.
OOB = "urn:ietf:wg:oauth:2.0:oob"
# Schemes a browser runs or reads locally: a redirect there is an attack, never a client.
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "vbscript", "file"})
# RFC 3986 section 3.1.
SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*", re.ASCII)
# Mastodon's limit on an app's redirect URIs, all of them together.
REDIRECT_URIS_MAX_LENGTH = 2000

Grant = get_grant_model()

GRANT_TYPES = ("authorization_code", "client_credentials", "password")


def known_scopes() -> list[str]:
    """Return every scope msg knows, in settings order."""
    return list(oauth2_settings.SCOPES)


def password_grant_enabled() -> bool:
    """Return whether the password grant is on (MSG_OAUTH_PASSWORD_GRANT, read per request)."""
    return bool(settings.MSG_OAUTH_PASSWORD_GRANT)


def grant_types_supported() -> list[str]:
    """Return the grant types the token endpoint accepts now."""
    return [g for g in GRANT_TYPES if g != "password" or password_grant_enabled()]


def redirect_uri_problem(uri: str) -> str | None:
    """Return why uri cannot be an app's redirect URI, or None when it can."""
    if uri == OOB:
        return None
    if not uri or not uri.isascii() or not uri.isprintable() or " " in uri:
        return "is not a valid URI"
    scheme, colon, _rest = uri.partition(":")
    if not colon or not SCHEME.fullmatch(scheme):
        return "must be an absolute URI"
    if scheme.lower() in FORBIDDEN_SCHEMES:
        return f"must not use the {scheme.lower()}: scheme"
    if "#" in uri:
        return "must not contain a fragment"
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        return "is not a valid URI"
    if "@" in parts.netloc:
        return "must not contain a user name or password"
    if parts.scheme.lower() in ("http", "https") and not parts.hostname:
        return "must name a host"
    return None


def registered_redirect_uris(application: Any) -> list[str]:
    """Return the redirect URIs application registered, in order."""
    return str(application.redirect_uris or "").split()


def registered_scopes(application: Any) -> list[str]:
    """Return the scopes application registered (POST /api/v1/apps), "read" if it has none."""
    try:
        scopes = application.client_app.scopes
    except ObjectDoesNotExist:
        scopes = ""
    return scopes.split() or ["read"]


def scopes_allowed(requested: list[str], application: Any) -> bool:
    """Return whether every requested scope is known and covered by the app's own scopes."""
    known = set(known_scopes())
    granted = set(registered_scopes(application))
    return bool(requested) and all(s in known and allows(granted, s) for s in requested)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


class MsgOAuth2Validator(OAuth2Validator):
    """The toolkit's validator with Mastodon's rules (see the module docstring)."""

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        # Exactly as registered: no loopback port leniency, no normalisation.
        return (
            redirect_uri in registered_redirect_uris(request.client)
            and redirect_uri_problem(redirect_uri) is None
        )

    def validate_response_type(
        self,
        client_id: str,
        response_type: str,
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return response_type == "code"

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        # Every app may use every grant msg offers (Mastodon's apps are not tied to one).
        if grant_type == "password":
            return password_grant_enabled()
        return grant_type in GRANT_TYPES

    def get_default_scopes(
        self, client_id: str, request: Any, *args: Any, **kwargs: Any
    ) -> list[str]:
        return registered_scopes(request.client)

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Any,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if not scopes_allowed(list(scopes), client):
            return False
        request.scopes = _unique(list(scopes))  # "read read" is granted as "read"
        return True

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """Check the code, and hold its row until the token request ends.

        The token view runs in one transaction: the row is locked here (PostgreSQL), so the
        same code sent twice at once waits, then finds it used. The later steps read the
        grant loaded here rather than again, so none of them finds it gone half-way.
        """
        grants = Grant.objects.filter(code=code, application=client).select_related("user")
        if transaction.get_connection().in_atomic_block:
            grants = grants.select_for_update(of=("self",))
        grant = grants.first()
        # The account may have been deactivated since it said yes.
        if grant is None or grant.is_expired() or not grant.user.is_active:
            return False
        request.scopes = grant.scope.split()
        request.user = grant.user
        request.msg_grant = grant
        return True

    def _grant(self, code: str, request: Any) -> Any:
        grant = getattr(request, "msg_grant", None)
        if grant is None or grant.code != code:
            raise errors.InvalidGrantError(request=request)
        return grant

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        return self._grant(code, request).code_challenge or None

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        return self._grant(code, request).code_challenge_method or None

    def confirm_redirect_uri(
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: Any,
        request: Any = None,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return bool(self._grant(code, request).redirect_uri_allowed(redirect_uri))

    def validate_user(
        self, username: str, password: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        """Check a password grant's account as the web login does, with its rate limits."""
        if not password_grant_enabled():
            # Refused before any password is checked (or counted as a failure).
            raise errors.UnsupportedGrantTypeError(request=request)
        http_request = self.build_http_request(request)
        adapter = get_adapter(http_request)
        try:
            # allauth's authenticate: the one password check of the login form, counting
            # failures against the login_failed rate limits (per address and per account).
            user = adapter.authenticate(http_request, username=username, password=password)
        except ValidationError as error:
            raise errors.CustomOAuth2Error(
                "too_many_requests",
                description="Too many failed login attempts. Try again later.",
                status_code=429,
                request=request,
            ) from error
        if user is None or not user.is_active:
            return False
        if not has_verified_email(user):
            raise errors.InvalidGrantError(
                description="The account's email address is not verified yet.", request=request
            )
        request.user = user
        return True


# RFC 7636 section 4.2: an S256 challenge is 43 characters; the toolkit stores at most 128.
CODE_CHALLENGE = re.compile(r"[A-Za-z0-9\-._~]{43,128}", re.ASCII)


def check_code_challenge(request: Any) -> dict[str, Any]:
    """Refuse a malformed PKCE challenge (run after the client and redirect URI are checked,
    so the refusal goes back to the app)."""
    challenge = request.code_challenge
    if challenge is not None and not CODE_CHALLENGE.fullmatch(challenge):
        raise errors.InvalidRequestError(
            description="code_challenge must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
            request=request,
        )
    return {}


class S256AuthorizationCodeGrant(AuthorizationCodeGrant):
    """The authorization code grant with PKCE's S256 method only ("plain" is refused)."""

    _code_challenge_methods = {"S256": code_challenge_method_s256}


class MsgOAuth2Server(AuthorizationEndpoint, TokenEndpoint, ResourceEndpoint, RevocationEndpoint):
    """oauthlib's server with Mastodon's grants and no refresh tokens.

    Named by OAUTH2_PROVIDER["OAUTH2_SERVER_CLASS"]; the toolkit builds it with the validator.
    """

    def __init__(
        self,
        request_validator: Any,
        token_expires_in: Any = None,
        token_generator: Any = None,
        refresh_token_generator: Any = None,
        **kwargs: Any,
    ) -> None:
        # refresh_token=False: the token response carries no refresh token, and none is saved.
        self.auth_grant = S256AuthorizationCodeGrant(
            request_validator, refresh_token=False, post_auth=[check_code_challenge]
        )
        self.password_grant = ResourceOwnerPasswordCredentialsGrant(
            request_validator, refresh_token=False
        )
        self.credentials_grant = ClientCredentialsGrant(request_validator)
        self.bearer = BearerToken(
            request_validator, token_generator, token_expires_in, refresh_token_generator
        )
        AuthorizationEndpoint.__init__(
            self,
            default_response_type="code",
            response_types={"code": self.auth_grant},
            default_token_type=self.bearer,
        )
        TokenEndpoint.__init__(
            self,
            default_grant_type="authorization_code",
            grant_types={
                "authorization_code": self.auth_grant,
                "client_credentials": self.credentials_grant,
                "password": self.password_grant,
            },
            default_token_type=self.bearer,
        )
        ResourceEndpoint.__init__(self, default_token="Bearer", token_types={"Bearer": self.bearer})
        RevocationEndpoint.__init__(self, request_validator)
