"""The edit history of a post: every version, the current one first."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from posts import selectors
from users.http import MemberRequest, public_if_enabled


@public_if_enabled
@require_GET
def post_history(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    """Show every version of a post, newest first; 404 if the reader may not see it."""
    post = get_object_or_404(
        selectors.post_at(username=username, pk=pk)
        .filter(repost_of__isnull=True)
        .select_related("author")
    )
    viewer = request.user if request.user.is_authenticated else None
    versions = selectors.post_history(viewer, post)
    if not versions:
        raise Http404("No such post.")
    return render(request, "posts/history.html", {"post": post, "versions": versions})
