from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.http import HtmxRequest, cursor_params
from core.pagination import paginate
from posts.forms import ComposeForm
from posts.models import Post
from posts.selectors import search_posts, search_tags, tag_get
from posts.services import post_create
from social.selectors import profile_header, search_people
from timelines import selectors
from users.http import MemberRequest
from users.models import CustomUser
from users.selectors import user_get_active


def render_timeline(
    request: HtmxRequest, template: str, qs: QuerySet, context: dict, *, key: str = "id"
) -> HttpResponse:
    """Render a newest-first timeline page (max_id, since_id and min_id cursors), or only the
    next page for htmx "Load more"."""
    page = paginate(qs, **cursor_params(request), key=key)
    context = {**context, "page": page}
    if request.htmx and request.GET.get("max_id"):
        return render(request, "timelines/_timeline.html#page", context)
    return render(request, template, context)


@login_not_required
@require_GET
def home(request: HtmxRequest) -> HttpResponse:
    """Landing page for visitors; compose form and home timeline for members."""
    if not request.user.is_authenticated:
        return render(request, "pages/landing.html")
    viewer: CustomUser = request.user  # type: ignore[assignment]
    return render_timeline(
        request, "timelines/home.html", selectors.home(viewer), {"form": ComposeForm()}
    )


@require_GET
def explore(request: MemberRequest) -> HttpResponse:
    return render_timeline(request, "timelines/explore.html", selectors.explore(request.user), {})


@require_GET
def tag(request: MemberRequest, name: str) -> HttpResponse:
    tag = tag_get(name)
    qs = selectors.tag(request.user, tag) if tag.pk else Post.objects.none()
    return render_timeline(request, "timelines/tag.html", qs, {"tag": tag})


@require_GET
def bookmarks(request: MemberRequest) -> HttpResponse:
    return render_timeline(
        request,
        "timelines/bookmarks.html",
        selectors.bookmarks(request.user),
        {},
        key="bookmark_id",
    )


@require_GET
def search(request: MemberRequest) -> HttpResponse:
    """People by name prefix, hashtags, and posts by full text, ranked."""
    q = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    context: dict = {"q": q, "people": [], "tags": [], "posts": []}
    if q:
        term = q.lstrip("@#")
        if term:
            context["people"] = list(search_people(request.user, term, limit=10))
            context["tags"] = list(search_tags(request.user, term, limit=10))
        context["posts"] = list(search_posts(request.user, q, limit=20))
    return render(request, "timelines/search.html", context)


@require_GET
def profile(request: MemberRequest, username: str) -> HttpResponse:
    """Show a user's posts (or, with ?tab=all, posts and comments), newest first."""
    author = get_object_or_404(user_get_active(username))
    with_comments = request.GET.get("tab") == "all"
    context = {
        "profile": author,
        "tab": "all" if with_comments else "posts",
        **profile_header(request.user, author),
    }
    qs = selectors.profile(request.user, author, with_comments=with_comments)
    return render_timeline(request, "users/profile.html", qs, context)


# The compose form sits on the home timeline, and a refused post shows it again there.
@require_POST
def compose(request: MemberRequest) -> HttpResponse:
    """Publish from the compose form; on bad input show the form again with what was typed."""
    form = ComposeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            post_create(
                author=request.user,
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
                images=form.uploads(),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "Posted.")
            return redirect("home")
    page = paginate(selectors.home(request.user))
    return render(request, "timelines/home.html", {"form": form, "page": page}, status=400)
