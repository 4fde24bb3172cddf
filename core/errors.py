"""One mapping from the errors that services raise to an HTTP status and messages.

`error_response` returns data, not HTML: the HTML middleware (core.middleware) renders it as
the site's error pages or as plain text for htmx, and a JSON API can render the same data as
`{"error": ...}`. It imports no app.
"""

from dataclasses import dataclass

from allauth.core.exceptions import RateLimited as AllauthRateLimited
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy


class RateLimited(Exception):
    """Raise when an actor has done something too often in a short time (answered with 429)."""


@dataclass(frozen=True)
class ErrorResponse:
    """An HTTP status and the messages to show for it."""

    status: int
    messages: list[str]

    @property
    def text(self) -> str:
        """Return the messages as one line of text."""
        return " ".join(self.messages)


NOT_ALLOWED = gettext_lazy("You do not have permission to do that.")
NOT_FOUND = gettext_lazy(
    "There is nothing here. It may have been deleted, or you may not be allowed to see it."
)
TOO_MANY = gettext_lazy(
    "You have tried this too often in a short time. Wait a few minutes, then try again."
)


def error_response(error: BaseException) -> ErrorResponse | None:
    """Return the status and messages for a service error, or None if error is not one."""
    if isinstance(error, ValidationError):
        return ErrorResponse(400, list(error.messages))
    if isinstance(error, PermissionDenied):
        return ErrorResponse(403, [str(error) or str(NOT_ALLOWED)])
    if isinstance(error, ObjectDoesNotExist | Http404):
        # The message of a missing row names models and queries: say nothing more than 404.
        return ErrorResponse(404, [str(NOT_FOUND)])
    if isinstance(error, RateLimited | AllauthRateLimited):
        return ErrorResponse(429, [str(error) or str(TOO_MANY)])
    return None
