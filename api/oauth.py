"""The OAuth 2 endpoints Mastodon clients use, and the member's Authorized apps page.

- /oauth/authorize: the consent page (login required). Its form posts back to the same URL,
  so the answer is checked against the very request the member saw, parsed and validated
  again by oauthlib; the code is made by the toolkit (a Grant row: single use, 10 minutes).
- /oauth/token and /oauth/revoke: JSON only, no session and no CSRF (clients hold no cookie).
- /.well-known/oauth-authorization-server: RFC 8414 metadata, as Mastodon 4.3+ serves it.
- /settings/apps/: the apps holding a live token of the member, each with Revoke.

The rules (grants, scopes, redirect URIs, accounts) are in api.oauth_validator.
"""

import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from api import selectors
from api.oauth_validator import (
    OOB,
    grant_types_supported,
    known_scopes,
    redirect_uri_problem,
)
from api.services.apps import authorization_revoke
from users.http import MemberRequest

# What each scope lets an app do, in words, for the consent and Authorized apps pages.
SCOPE_WORDS: dict[str, Promise] = {
    "read": gettext_lazy("Read everything in your account, including your messages"),
    "write": gettext_lazy("Change anything in your account: post, like, follow, edit your profile"),
    "follow": gettext_lazy(
        "Follow, block and mute accounts, and see whom you follow, block and mute"
    ),
    "push": gettext_lazy("Receive push notifications"),
    "profile": gettext_lazy("See your profile: your name, picture and bio"),
    "read:accounts": gettext_lazy("See your profile and your account settings"),
    "read:blocks": gettext_lazy("See whom you block"),
    "read:bookmarks": gettext_lazy("See your bookmarks"),
    "read:favourites": gettext_lazy("See the posts you like"),
    "read:filters": gettext_lazy("See your filtered words"),
    "read:follows": gettext_lazy("See whom you follow"),
    "read:lists": gettext_lazy("See your lists"),
    "read:mutes": gettext_lazy("See whom you mute"),
    "read:notifications": gettext_lazy("Read your notifications"),
    "read:search": gettext_lazy("Search as you"),
    "read:statuses": gettext_lazy("Read posts as you see them, including your messages"),
    "write:accounts": gettext_lazy("Edit your profile"),
    "write:blocks": gettext_lazy("Block and unblock accounts"),
    "write:bookmarks": gettext_lazy("Add and remove bookmarks"),
    "write:conversations": gettext_lazy("Mark your conversations read and remove them"),
    "write:favourites": gettext_lazy("Like posts and take likes back"),
    "write:filters": gettext_lazy("Add and remove filtered words"),
    "write:follows": gettext_lazy("Follow and unfollow accounts"),
    "write:lists": gettext_lazy("Create, change and delete your lists"),
    "write:media": gettext_lazy("Upload images"),
    "write:mutes": gettext_lazy("Mute and unmute accounts"),
    "write:notifications": gettext_lazy("Dismiss your notifications"),
    "write:reports": gettext_lazy("Report accounts and posts"),
    "write:statuses": gettext_lazy("Publish, edit and delete posts and messages, and repost"),
}

# The token endpoint's error descriptions (RFC 6749 section 5.2), where oauthlib gives none.
TOKEN_ERRORS = {
    "invalid_request": "The request is missing a parameter, repeats one, or is malformed.",
    "invalid_client": "Client authentication failed (unknown client or wrong client secret).",
    "invalid_grant": "The authorization code or the credentials are invalid, expired, used, "
    "or were issued to another client or redirect URI.",
    "unauthorized_client": "The client may not use this grant type.",
    "unsupported_grant_type": "The grant type is not supported.",
    "invalid_scope": "The requested scope is unknown or was not registered by the app.",
}


def scope_words(scopes: list[str]) -> list[tuple[str, str]]:
    """Return (scope, what it allows in words) for each scope, in settings order."""
    order = {scope: n for n, scope in enumerate(known_scopes())}
    ordered = sorted(dict.fromkeys(scopes), key=lambda s: (order.get(s, len(order)), s))
    return [(scope, str(SCOPE_WORDS.get(scope, scope))) for scope in ordered]


def _website(application: Any) -> str:
    try:
        return str(application.client_app.website)
    except ObjectDoesNotExist:
        return ""


def _page_error(error: oauth_errors.OAuth2Error) -> str:
    """Return, in words, why an authorization request cannot go ahead."""
    if isinstance(error, oauth_errors.MissingClientIdError | oauth_errors.InvalidClientIdError):
        return _("The app asking for access is not registered on this server.")
    if isinstance(
        error,
        oauth_errors.MismatchingRedirectURIError
        | oauth_errors.InvalidRedirectURIError
        | oauth_errors.MissingRedirectURIError,
    ):
        return _("The app asked to send you back to an address it did not register.")
    if isinstance(error, oauth_errors.InvalidScopeError):
        return _("The app asked for permissions it did not register, or that do not exist.")
    if isinstance(
        error, oauth_errors.UnsupportedResponseTypeError | oauth_errors.UnauthorizedClientError
    ):
        return _("The app asked for a kind of authorization this server does not offer.")
    if isinstance(error, oauth_errors.AccessDeniedError):
        return _("You did not authorize the app. You can close this page.")
    return _("The app's request is not valid.")


def _has_nul(request: HttpRequest) -> bool:
    """Return whether a parameter holds a NUL, which no database column can store or match
    (PostgreSQL refuses it with an error): such a request is refused before any lookup."""
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for params in (request.GET, request.POST)
        for key, values in params.lists()
    )


def _answer_at(redirect_uri: str, answered: str) -> str:
    """Return redirect_uri, exactly as registered, with the parameters oauthlib added to it.

    oauthlib rebuilds the URI it answers at, which turns `ivory://` into `ivory:`: a native
    app would not recognise its own address. Only the parameters are taken from its answer.
    """
    own = parse_qsl(urlsplit(redirect_uri).query, keep_blank_values=True)
    added = parse_qsl(urlsplit(answered).query, keep_blank_values=True)
    for pair in own:
        if pair in added:
            added.remove(pair)
    return redirect_uri + ("&" if "?" in redirect_uri else "?") + urlencode(added)


def _redirect_back(uri: str) -> HttpResponse:
    """Redirect to uri, a registered redirect URI with the answer added (any safe scheme)."""
    base = uri.split("?", 1)[0]
    if redirect_uri_problem(base) is not None:  # never reached: the validator checked it
        raise ValueError("unsafe redirect URI")
    return OAuth2ResponseRedirect(uri, [urlsplit(uri).scheme])


class _JsonMethods(View):
    """A JSON endpoint: a method it does not serve is a JSON 405."""

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = JsonResponse({"error": "Method not allowed"}, status=405)
        allowed = [m.upper() for m in self.http_method_names if hasattr(self, m)]
        response["Allow"] = ", ".join(allowed)
        return response


@method_decorator(never_cache, name="dispatch")
class AuthorizeView(OAuthLibMixin, View):
    """GET: the consent page for an app's authorization request. POST: the member's answer."""

    http_method_names = ["get", "head", "post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if _has_nul(request):
            context = {"message": _page_error(oauth_errors.InvalidRequestError())}
            return render(request, "api/authorize_error.html", context, status=400)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: MemberRequest) -> HttpResponse:
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self._refused(request, error)
        application = credentials["request"].client
        redirect_uri = credentials["redirect_uri"]
        context = {
            "application": application,
            "website": _website(application),
            "scopes": scope_words(scopes),
            "oob": redirect_uri == OOB,
            "redirect_uri": redirect_uri,
        }
        return render(request, "api/authorize.html", context)

    def post(self, request: MemberRequest) -> HttpResponse:
        # The form posts to the same URL: the request is validated again from its query.
        try:
            scopes, credentials = self.validate_authorization_request(request)
        except OAuthToolkitError as error:
            return self._refused(request, error)
        application = credentials["request"].client
        allow = request.POST.get("allow") == "1"
        if not allow and credentials["redirect_uri"] == OOB:
            context = {"message": _page_error(oauth_errors.AccessDeniedError()), "denied": True}
            return render(request, "api/authorize_error.html", context)
        passed = {
            key: credentials[key]
            for key in (
                "client_id",
                "redirect_uri",
                "response_type",
                "state",
                "code_challenge",
                "code_challenge_method",
            )
            if credentials.get(key) is not None
        }
        # The only response mode offered (see the metadata), and none of OpenID Connect's
        # extras (nonce, claims) or RFC 8707's resource: the grant would store them unchecked.
        passed.update(response_mode="query", nonce=None, claims=None, resource=[])
        try:
            uri, _headers, _body, _status = self.create_authorization_response(
                request=request, scopes=" ".join(scopes), credentials=passed, allow=allow
            )
        except OAuthToolkitError as error:
            return self._refused(request, error)
        if credentials["redirect_uri"] == OOB:
            code = parse_qs(urlsplit(uri).query).get("code", [""])[0]
            return render(
                request, "api/authorize_code.html", {"application": application, "code": code}
            )
        return _redirect_back(_answer_at(credentials["redirect_uri"], uri))

    def _refused(self, request: HttpRequest, error: OAuthToolkitError) -> HttpResponse:
        """Send a refusal back to the app, or show it when the app cannot be trusted with it."""
        redirect_to_app, response = self.error_response(error)
        oauth_error = error.oauthlib_error
        target = oauth_error.redirect_uri or ""
        if redirect_to_app and target and target != OOB and redirect_uri_problem(target) is None:
            return _redirect_back(response["url"])
        denied = isinstance(oauth_error, oauth_errors.AccessDeniedError)
        context = {"message": _page_error(oauth_error), "denied": denied}
        return render(request, "api/authorize_error.html", context, status=200 if denied else 400)


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class TokenView(OAuthLibMixin, _JsonMethods):
    """POST /oauth/token: a code, the app's own credentials or a password for a token."""

    http_method_names = ["post", "options"]

    @method_decorator(
        sensitive_post_parameters("password", "client_secret", "code", "code_verifier")
    )
    def post(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return JsonResponse(
                {"error": "invalid_request", "error_description": TOKEN_ERRORS["invalid_request"]},
                status=400,
            )
        # One transaction: a refused request (a code used twice at once, say) keeps nothing.
        with transaction.atomic():
            _uri, headers, body, status = self.create_token_response(request)
            if status != 200:
                transaction.set_rollback(True)
        data = json.loads(body) if body else {}
        if status == 200:
            # Mastodon's shape: no expiry (tokens live until revoked), no refresh token.
            data = {
                "access_token": data["access_token"],
                "token_type": "Bearer",
                "scope": data.get("scope", ""),
                "created_at": int(time.time()),
            }
        else:
            error = str(data.get("error") or "invalid_request")
            data = {
                "error": error,
                "error_description": data.get("error_description")
                or TOKEN_ERRORS.get(error, "The request was refused."),
            }
        response = JsonResponse(data, status=status)
        for key, value in headers.items():
            if key.lower() != "content-type":
                response[key] = value
        response["Cache-Control"] = "no-store"
        return response


@method_decorator(csrf_exempt, name="dispatch")
@method_decorator(login_not_required, name="dispatch")
class RevokeView(OAuthLibMixin, _JsonMethods):
    """POST /oauth/revoke: revoke a token of the authenticated client; `{}` whatever happens."""

    http_method_names = ["post", "options"]

    @method_decorator(sensitive_post_parameters("token", "client_secret"))
    def post(self, request: HttpRequest) -> HttpResponse:
        # RFC 7009: an unknown token, or another client's, is not an error worth telling.
        if not _has_nul(request):
            with transaction.atomic():
                self.create_revocation_response(request)
        return JsonResponse({})


@login_not_required
@require_GET
def authorization_server_metadata(request: HttpRequest) -> HttpResponse:
    """Describe the OAuth server (RFC 8414), as Mastodon 4.3+ does."""
    absolute = request.build_absolute_uri
    return JsonResponse(
        {
            "issuer": absolute("/"),
            "service_documentation": absolute("/api/docs"),
            "authorization_endpoint": absolute(reverse("oauth_authorize")),
            "token_endpoint": absolute(reverse("oauth_token")),
            # Mastodon's own registration endpoint (not RFC 7591's), under its own name.
            "app_registration_endpoint": absolute("/api/v1/apps"),
            "revocation_endpoint": absolute(reverse("oauth_revoke")),
            "scopes_supported": known_scopes(),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": grant_types_supported(),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        }
    )


@dataclass(frozen=True)
class AuthorizedApp:
    """One row of the Authorized apps page."""

    pk: int
    name: str
    website: str
    scopes: list[tuple[str, str]]
    authorized_at: datetime

    @property
    def dialog_id(self) -> str:
        return f"revoke-dialog-{self.pk}"

    @property
    def dialog_title_id(self) -> str:
        return f"{self.dialog_id}-title"


def _authorized_app(application: Any) -> AuthorizedApp:
    granted = [scope for token in application.live_tokens for scope in token.scope.split()]
    return AuthorizedApp(
        pk=application.pk,
        name=application.name,
        website=_website(application),
        scopes=scope_words(granted),
        authorized_at=application.authorized_at,
    )


@require_GET
def settings_apps(request: MemberRequest) -> HttpResponse:
    """List the apps that can use the member's account, each with a Revoke button."""
    apps = [_authorized_app(app) for app in selectors.authorized_apps(request.user)]
    return render(request, "api/authorized_apps.html", {"apps": apps})


@require_http_methods(["GET", "POST"])
def app_revoke(request: MemberRequest, pk: int) -> HttpResponse:
    """Revoke an app's access to the member's account, after a confirmation.

    The Authorized apps page asks in a dialog (static/js/dialogs.js); without JavaScript its
    button leads to this page's GET, which asks the same question.
    """
    application = get_object_or_404(selectors.authorized_apps(request.user), pk=pk)
    app = _authorized_app(application)
    if request.method == "POST":
        authorization_revoke(user=request.user, application=application)
        messages.success(
            request, _("%(name)s can no longer use your account.") % {"name": app.name}
        )
        return redirect("settings_apps")
    return render(request, "api/revoke.html", {"app": app})
