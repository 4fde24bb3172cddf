"""Every API error is JSON: `{"error": "..."}` with Mastodon's status codes.

Service errors map through core.errors.error_response (the same mapping the web pages use),
except that a refused input is 422, as in Mastodon, not the web form's 400.
"""

from typing import Any

import pydantic
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from core.errors import RateLimited, error_response

RECORD_NOT_FOUND = "Record not found"
# RFC 6750 section 3, as Mastodon's Doorkeeper words it.
BEARER_CHALLENGE = (
    'Bearer realm="msg", error="invalid_token", error_description="The access token is invalid"'
)


def _first_problem(errors: list[dict[str, Any]]) -> str:
    parts = []
    for error in errors[:3]:
        where = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "form", "data")]
        message = error.get("msg", "is invalid")
        parts.append(f"{'.'.join(where)}: {message}" if where else message)
    return "Validation failed: " + "; ".join(parts)


def install(api: NinjaAPI) -> None:
    """Register the JSON error handlers on api."""

    def reply(request: HttpRequest, status: int, message: str) -> HttpResponse:
        return api.create_response(request, {"error": message}, status=status)

    @api.exception_handler(NinjaValidationError)
    def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return reply(request, 422, _first_problem(list(exc.errors)))

    @api.exception_handler(pydantic.ValidationError)
    def invalid_model(request: HttpRequest, exc: pydantic.ValidationError) -> HttpResponse:
        return reply(request, 422, _first_problem(list(exc.errors())))  # type: ignore[arg-type]

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = reply(request, 401, "The access token is invalid")
        response["WWW-Authenticate"] = BEARER_CHALLENGE
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return reply(request, exc.status_code, str(exc.message))

    @api.exception_handler(ValidationError)
    def refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return reply(request, 422, "Validation failed: " + " ".join(exc.messages))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        found = error_response(exc)
        return reply(request, 403, found.text if found else "This action is not allowed")

    @api.exception_handler(ObjectDoesNotExist)
    def missing(request: HttpRequest, exc: Exception) -> HttpResponse:
        return reply(request, 404, RECORD_NOT_FOUND)

    @api.exception_handler(Http404)
    def missing_page(request: HttpRequest, exc: Exception) -> HttpResponse:
        return reply(request, 404, RECORD_NOT_FOUND)

    @api.exception_handler(RateLimited)
    def limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        found = error_response(exc)
        return reply(request, 429, found.text if found else "Too many requests")
