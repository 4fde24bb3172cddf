"""Request types and small helpers that every app's views share."""

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """Any request, with django-htmx's details."""

    htmx: HtmxDetails


def _id_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    # isdigit() alone accepts "²" and other Unicode digits that int() rejects.
    return int(value) if value.isascii() and value.isdigit() and len(value) < 20 else None


def max_id_param(request: HttpRequest) -> int | None:
    """Return the ?max_id= cursor of a newest-first list, if valid."""
    return _id_param(request, "max_id")


def cursor_params(request: HttpRequest) -> dict[str, int | None]:
    """Return the ?max_id=, ?since_id= and ?min_id= cursors, for core.pagination.paginate."""
    return {name: _id_param(request, name) for name in ("max_id", "since_id", "min_id")}


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the form's `next` (same site only), else fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return HttpResponseRedirect(target)
