"""Voting in a poll: in place with htmx, or a plain form POST and a redirect back."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from core.http import redirect_back
from posts import selectors
from posts.models import Post
from posts.services.polls import poll_vote
from users.http import MemberRequest

NOT_AN_OPTION = gettext_lazy("Choose among this poll's options.")


def _option_ids(values: list[str]) -> list[int]:
    """Return the chosen option ids, or raise ValidationError if one is not an id."""
    # At most 18 digits: a 19-digit number may not fit a 64-bit id (SQLite then overflows).
    if not all(v.isascii() and v.isdigit() and len(v) < 19 for v in values):
        raise ValidationError({"poll": NOT_AN_OPTION})
    return [int(v) for v in values]


def _render_poll(request: MemberRequest, post: Post, *, error: str = "") -> HttpResponse:
    context = {
        "post": post,
        "shown": post,
        "detail_url": post.get_absolute_url(),
        "poll_error": error,
        "next_url": request.POST.get("next", ""),
    }
    # 200 for a refused vote too: the partial carries the error (htmx would swap a 400 as well).
    return render(request, "posts/_poll.html", context)


@require_POST
def vote(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    """Vote in the poll of the post at /@username/pk/."""
    post = get_object_or_404(selectors.thread_post(request.user, username=username, pk=pk))
    try:
        poll = post.poll
    except ObjectDoesNotExist:
        raise Http404("This post has no poll.") from None
    error = ""
    try:
        poll_vote(
            user=request.user, poll=poll, option_ids=_option_ids(request.POST.getlist("choice"))
        )
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if request.htmx:
        # A refusal changed nothing: the card read above is still current.
        card = (
            post if error else selectors.thread_post(request.user, username=username, pk=pk).get()
        )
        return _render_poll(request, card, error=error)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, gettext("Your vote was counted."))
    return redirect_back(request, post.get_absolute_url())
