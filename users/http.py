"""The request type of member-only views."""

from core.http import HtmxRequest
from users.models import CustomUser


class MemberRequest(HtmxRequest):
    """A request from a logged-in user (LoginRequiredMiddleware guarantees it)."""

    user: CustomUser
