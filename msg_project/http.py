"""Request types for views, and small helpers every app's views share."""

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from users.models import CustomUser


class HtmxRequest(HttpRequest):
    """Any request, with django-htmx's details."""

    htmx: HtmxDetails


class MemberRequest(HtmxRequest):
    """A request from a logged-in user (LoginRequiredMiddleware guarantees it)."""

    user: CustomUser


def max_id_param(request: HttpRequest) -> int | None:
    """The ?max_id= cursor of a newest-first list, if valid."""
    value = request.GET.get("max_id", "")
    # isdigit() alone accepts "²" and other Unicode digits that int() rejects.
    return int(value) if value.isascii() and value.isdigit() else None


def redirect_back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Redirect to the form's `next` (same site only), else fallback."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = fallback
    return HttpResponseRedirect(target)
