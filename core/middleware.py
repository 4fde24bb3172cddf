"""Middleware every app shares."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.errors import error_response

ERROR_TEMPLATES = {400: "400.html", 403: "403.html", 404: "404.html", 429: "429.html"}


class ServiceErrorMiddleware:
    """Answer a service error that a view let through (see core.errors.error_response).

    A page gets the site's error page with the status; an htmx request gets the messages as
    plain text (htmx-config in templates/_base.html swaps a 400 into place and no other error;
    views that expect a refusal answer htmx with their own partial instead).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Return the response for exception, or None to let Django handle it."""
        error = error_response(exception)
        if error is None:
            return None
        if getattr(request, "htmx", False):
            return HttpResponse(
                error.text, status=error.status, content_type="text/plain; charset=utf-8"
            )
        # As Django's own error views do, the page shows what the raiser said, if anything.
        said = error.text if isinstance(exception, ValidationError) else str(exception)
        context = {"exception": said}
        return render(request, ERROR_TEMPLATES[error.status], context, status=error.status)
