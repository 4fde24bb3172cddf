"""The request types of member-only views, and the door that opens a few pages to visitors."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse

from core.http import HtmxRequest
from users.models import CustomUser


class MemberRequest(HtmxRequest):
    """A request from a logged-in user (LoginRequiredMiddleware guarantees it)."""

    user: CustomUser


def member_or_none(request: HtmxRequest) -> CustomUser | None:
    """Return the logged-in member, or None for a visitor."""
    user = request.user
    return user if isinstance(user, CustomUser) and user.is_authenticated else None


View = Callable[..., HttpResponse]


def public_if_enabled(view: View) -> View:
    """Let visitors read view (GET and HEAD only) when settings.MSG_PUBLIC_PAGES is on.

    Otherwise, or for any other method, a visitor is sent to the login page exactly as
    LoginRequiredMiddleware would send them. The setting is read on each request, so the URLs
    never depend on it. The view gets `request.user` as a member or an AnonymousUser: it asks
    member_or_none() which one.
    """

    @login_not_required
    @wraps(view)
    def wrapper(request: HtmxRequest, *args: object, **kwargs: object) -> HttpResponse:
        open_to_visitors = settings.MSG_PUBLIC_PAGES and request.method in ("GET", "HEAD")
        if not request.user.is_authenticated and not open_to_visitors:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper
