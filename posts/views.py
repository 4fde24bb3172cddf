from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from msg_project.http import HtmxRequest, MemberRequest
from posts import selectors, services
from posts.forms import PostForm
from posts.models import Post


def _max_id(request: HtmxRequest) -> int | None:
    value = request.GET.get("max_id", "")
    return int(value) if value.isdigit() else None


def render_timeline(request: HtmxRequest, template: str, qs, context: dict) -> HttpResponse:
    """Render a newest-first timeline page, or just its next page for htmx 'Load more'."""
    page = selectors.paginate_newest_first(qs, max_id=_max_id(request))
    context = {**context, "page": page}
    if request.htmx and request.GET.get("max_id"):
        return render(request, "posts/_timeline.html#page", context)
    return render(request, template, context)


@login_not_required
@require_GET
def home(request: HtmxRequest) -> HttpResponse:
    """Landing page for visitors; compose form and latest posts for members."""
    if not request.user.is_authenticated:
        return render(request, "pages/landing.html")
    return render_timeline(
        request, "posts/home.html", selectors.latest_posts(), {"form": PostForm()}
    )


@require_POST
def post_create(request: MemberRequest) -> HttpResponse:
    form = PostForm(request.POST)
    if form.is_valid():
        services.post_create(author=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Posted.")
        return redirect("home")
    page = selectors.paginate_newest_first(selectors.latest_posts(), max_id=None)
    return render(request, "posts/home.html", {"form": form, "page": page}, status=400)


def _get_post(username: str, pk: int) -> Post:
    return get_object_or_404(selectors.post_for_page(pk=pk, username=username))


@require_http_methods(["GET", "POST"])
def post_detail(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    """A post with its comments; POST adds a comment (in place with htmx)."""
    post = _get_post(username, pk)
    form = PostForm(label="Your comment")
    status = 200
    if request.method == "POST":
        form = PostForm(request.POST, label="Your comment")
        if form.is_valid():
            comment = services.post_create(
                author=request.user, body=form.cleaned_data["body"], in_reply_to=post
            )
            if request.htmx:
                comment = selectors.post_comments(post=post).get(pk=comment.pk)
                count = selectors.post_comments(post=post).count()
                return render(
                    request,
                    "posts/detail.html#comment-added",
                    {
                        "post": post,
                        "comment": comment,
                        "comment_count": count,
                        "form": PostForm(label="Your comment"),
                    },
                )
            messages.success(request, "Comment added.")
            return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")
        status = 400
        if request.htmx:
            return render(request, "posts/detail.html#comment-form", {"post": post, "form": form})
    context = {"post": post, "comments": selectors.post_comments(post=post), "form": form}
    return render(request, "posts/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def post_edit(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    post = _get_post(username, pk)
    if not services.post_can_edit(user=request.user, post=post):
        raise PermissionDenied("Only the author can edit this.")
    form = PostForm(request.POST or None, initial={"body": post.body}, label="Text")
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(user=request.user, post=post, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, "Saved.")
            return redirect(post)
    return render(request, "posts/edit.html", {"post": post, "form": form})


@require_http_methods(["GET", "POST"])
def post_delete(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    post = _get_post(username, pk)
    if not services.post_can_delete(user=request.user, post=post):
        raise PermissionDenied("You cannot delete this.")
    if request.method == "POST":
        parent = post.in_reply_to
        services.post_delete(user=request.user, post=post)
        messages.success(request, "Comment deleted." if parent else "Post deleted.")
        return HttpResponseRedirect(parent.get_absolute_url() if parent else reverse("home"))
    return render(request, "posts/delete.html", {"post": post})
