"""The edit history of a post: its versions, the current one first, a page at a time."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.http import max_id_param
from posts import selectors
from users.http import MemberRequest, public_if_enabled


@public_if_enabled
@require_GET
def post_history(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    """Show a page of a post's versions, newest first ("Show older versions" appends the next
    with htmx); 404 if the reader may not see the post."""
    post = get_object_or_404(
        selectors.post_at(username=username, pk=pk)
        .filter(repost_of__isnull=True)
        .select_related("author")
    )
    viewer = request.user if request.user.is_authenticated else None
    history = selectors.post_history(viewer, post, max_id=max_id_param(request))
    if history is None:
        raise Http404("No such post.")
    context = {"post": post, "history": history}
    if request.htmx and request.GET.get("max_id"):
        return render(request, "posts/history.html#page", context)
    return render(request, "posts/history.html", context)
