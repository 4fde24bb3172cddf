"""Request handling shared by every client API route (/api/, /oauth/token, /oauth/revoke).

Mastodon clients send bodies form-encoded (lists as `key[]`, nested as `poll[options][]`),
as JSON, or multipart, with POST, PUT, PATCH and DELETE alike. Django parses a form only for
POST; this middleware parses the body of every method into `request.POST` and `request.FILES`
(JSON is flattened into the same keys a form would use), so each route reads one shape
(api.parsing.MastodonParser). It also applies Mastodon's rate limits (api.ratelimit).
"""

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError

from api import ratelimit

API_PREFIXES = ("/api/", "/oauth/token", "/oauth/revoke")
ERRORS = {
    400: "Bad request",
    401: "The access token is invalid",
    403: "This action is not allowed",
    404: "Record not found",
    405: "Method not allowed",
    413: "The request is too large",
    429: "Too many requests",
}


def is_api_path(path: str) -> bool:
    """Return whether path is served by the client API (JSON in, JSON out)."""
    return path.startswith(API_PREFIXES)


def _flatten(value: Any, key: str, out: QueryDict) -> None:
    """Add a JSON value to out under the form keys Rails would use for it."""
    if value is None:
        return
    if isinstance(value, dict):
        for name, item in value.items():
            _flatten(item, f"{key}[{name}]" if key else str(name), out)
    elif isinstance(value, list):
        if not value:
            # An empty list says "none" (no images on an edit): the form's `key[]=`.
            out.appendlist(f"{key}[]", "")
        for item in value:
            if isinstance(item, dict | list):
                _flatten(item, f"{key}[]", out)
            else:
                out.appendlist(f"{key}[]", _scalar(item))
    else:
        out.appendlist(key, _scalar(value))


def _scalar(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


class BadBody(Exception):
    """The request body could not be read as JSON, a form or multipart."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _refused(error: Exception) -> BadBody:
    """Return the BadBody for an error Django raises while reading a body."""
    if isinstance(error, RequestDataTooBig):
        return BadBody("The request body is too large.", 413)
    if isinstance(error, TooManyFieldsSent | TooManyFilesSent):
        return BadBody("The request has too many fields.")
    return BadBody("The request body could not be read.")


def parse_body(request: HttpRequest) -> None:
    """Fill request.POST and request.FILES from the body, whatever the method and type."""
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            raw = request.body
        except SuspiciousOperation as error:
            raise _refused(error) from error
        try:
            data = json.loads(raw) if raw.strip() else {}
        except (ValueError, UnicodeDecodeError, RecursionError) as error:
            # RecursionError: a body nested thousands deep.
            raise BadBody("The request body is not valid JSON.") from error
        if not isinstance(data, dict):
            raise BadBody("The request body must be a JSON object.")
        post = QueryDict(mutable=True)
        _flatten(data, "", post)
        post._mutable = False
        request._post = post  # type: ignore[attr-defined]
        request._files = QueryDict().copy()  # type: ignore[attr-defined]
        return
    if request.method == "POST":
        try:
            request.POST  # noqa: B018 (Django parses form and multipart bodies of a POST)
        except (MultiPartParserError, SuspiciousOperation) as error:
            raise _refused(error) from error
        return
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Django parses these only for POST: parse them as a POST, then restore the method.
        method = request.method
        request.method = "POST"
        request.META["REQUEST_METHOD"] = "POST"
        try:
            request._load_post_and_files()  # type: ignore[attr-defined]
        except (MultiPartParserError, SuspiciousOperation) as error:
            raise _refused(error) from error
        finally:
            request.method = method
            request.META["REQUEST_METHOD"] = method


class ApiRequestMiddleware:
    """Parse API bodies for every method, and apply the API's rate limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_api_path(request.path_info):
            return self.get_response(request)
        # Clients hold no session cookie: the token is the credential, so no CSRF check.
        request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        # Rails serves every route with and without a trailing slash, and clients call both
        # (Mastodon.py: /api/v1/conversations/, toot: /oauth/authorize/): routes are declared
        # without one.
        if len(request.path_info) > 1 and request.path_info.endswith("/"):
            request.path_info = request.path_info.rstrip("/")
            request.path = request.path.rstrip("/")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                parse_body(request)
            except BadBody as error:
                return JsonResponse({"error": str(error)}, status=error.status)
        limited = ratelimit.check(request)
        if limited is not None:
            return limited
        # HEAD is answered as GET without the body, as Rails does for every GET route.
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        response = self.get_response(request)
        if head:
            request.method = "HEAD"
            response.content = b""
        if request.method == "OPTIONS" and response.status_code == 200 and not response.content:
            # Every answer has a JSON body, OPTIONS too (the Allow header is kept).
            allow = response.get("Allow")
            response = JsonResponse({})
            if allow:
                response["Allow"] = allow
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            # Django's own 404, 405 or 500 page: clients get JSON whatever went wrong.
            response = JsonResponse(
                {"error": ERRORS.get(response.status_code, "Something went wrong")},
                status=response.status_code,
            )
        ratelimit.add_headers(request, response)
        return response
