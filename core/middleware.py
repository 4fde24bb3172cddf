"""Middleware every app shares."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from core.errors import TOO_MANY, error_response

ERROR_TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 429: "429.html"}

# What an htmx request is told, in one short line, when the answer is an error page rather
# than a service error's own words (static/js/errors.js shows it next to the failed action).
# A 403 page reaches htmx only from the CSRF check: the page is older than the session.
HTMX_ERRORS = {
    403: gettext_lazy("This page is out of date. Reload the page and try again."),
    404: gettext_lazy("This is no longer there. It may have been deleted."),
    429: TOO_MANY,
}
HTMX_SERVER_ERROR = gettext_lazy("Something went wrong on our side. Try again in a moment.")
HTMX_OTHER_ERROR = gettext_lazy("That did not work. Reload the page and try again.")


def htmx_error_text(status: int) -> str:
    """Return the one line an htmx request gets for an error page with status."""
    if status >= 500:
        return str(HTMX_SERVER_ERROR)
    return str(HTMX_ERRORS.get(status, HTMX_OTHER_ERROR))


def _whole_page(response: HttpResponse) -> bool:
    """Tell whether a 400 is Django's own error page (a request too big, too many fields), not
    a view's form partial, which htmx swaps into place."""
    return response.status_code == 400 and response.content.lstrip()[:9].lower() == b"<!doctype"


class ServiceErrorMiddleware:
    """Answer a service error that a view let through (see core.errors.error_response).

    A page gets the site's error page with the status; an htmx request gets the messages as
    plain text (htmx-config in templates/_base.html swaps a 400 into place and no other error;
    views that expect a refusal answer htmx with their own partial instead). Any other error
    page an htmx request meets (a missing URL, a failed CSRF check, a server error) becomes
    one short line of text too, which static/js/errors.js shows.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and not response.streaming
            and not response.get("Content-Type", "").startswith("text/plain")
            and (response.status_code > 400 or _whole_page(response))
        ):
            response.content = htmx_error_text(response.status_code).encode()
            response["Content-Type"] = "text/plain; charset=utf-8"
            if response.has_header("Content-Length"):
                del response["Content-Length"]
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Return the response for exception, or None to let Django handle it."""
        error = error_response(exception)
        if error is None:
            return None
        if getattr(request, "htmx", False):
            # A missing row says only that it is gone (error.text speaks of a page).
            text = htmx_error_text(404) if error.status == 404 else error.text
            return HttpResponse(text, status=error.status, content_type="text/plain; charset=utf-8")
        # As Django's own error views do, the page shows what the raiser said, if anything.
        said = error.text if isinstance(exception, ValidationError) else str(exception)
        context = {"exception": said}
        return render(request, ERROR_TEMPLATES[error.status], context, status=error.status)
