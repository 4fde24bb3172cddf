from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.http import HtmxRequest, cursor_params, max_id_param
from core.pagination import paginate
from posts.forms import ComposeForm, PollForm
from posts.models import Post
from posts.selectors import likers, post_readable, reposters, search_posts, search_tags, tag_get
from posts.services import post_create
from social.selectors import people_of, profile_header, search_people
from timelines import selectors
from users.http import MemberRequest, member_or_none, public_if_enabled
from users.models import CustomUser
from users.selectors import user_get_active


def render_timeline(
    request: HtmxRequest,
    template: str,
    qs: QuerySet,
    context: dict,
    *,
    key: str = "id",
    when_empty: dict | None = None,
) -> HttpResponse:
    """Render a newest-first timeline page (max_id, since_id and min_id cursors), or only the
    next page for htmx "Load more". when_empty joins the context when the page shows the
    timeline's empty state (no posts, not a "Load more" page)."""
    page = paginate(qs, **cursor_params(request), key=key)
    context = {**context, "page": page}
    if when_empty and not page.items and not request.GET.get("max_id"):
        context.update(when_empty)
    if request.htmx and request.GET.get("max_id"):
        return render(request, "timelines/_timeline.html#page", context)
    return render(request, template, context)


def _signup_url(request: HtmxRequest) -> str | None:
    """Return the full sign-up address to give people, or None when sign-up is closed."""
    if not get_adapter(request).is_open_for_signup(request):
        return None
    return request.build_absolute_uri(reverse("account_signup"))


@login_not_required
@require_GET
def home(request: HtmxRequest) -> HttpResponse:
    """Landing page for visitors; compose form and home timeline for members."""
    if not request.user.is_authenticated:
        return render(request, "pages/landing.html")
    viewer: CustomUser = request.user  # type: ignore[assignment]
    return render_timeline(
        request,
        "timelines/home.html",
        selectors.home(viewer),
        {
            # ?media=<id> shows drafts uploaded without htmx (posts.views.media.media_upload).
            "form": ComposeForm(owner=viewer, media_ids=request.GET.getlist("media")),
            "poll_form": PollForm(),
        },
        # The empty timeline shows who to follow (lazy querysets, queried only then), so the
        # right column leaves its own out (_base.html asks /sidebar/?first_screen=1). With
        # nobody to suggest (a new server), it offers the sign-up address to pass on instead.
        when_empty={
            "first_screen": {
                **selectors.suggestions(viewer, people=5),
                "signup_url": _signup_url(request),
            },
            "sidebar_people": False,
        },
    )


@require_GET
def explore(request: MemberRequest) -> HttpResponse:
    """Show everything public, newest first, and people to follow above the first page."""
    first_page = not any(cursor_params(request).values())
    people = selectors.suggestions(request.user, people=5)["suggestions"] if first_page else []
    return render_timeline(
        request, "timelines/explore.html", selectors.explore(request.user), {"people": people}
    )


def _feed_url(route: str, **kwargs: str) -> str | None:
    """Return the address of a page's RSS feed, when feeds are on (MSG_PUBLIC_PAGES)."""
    return reverse(route, kwargs=kwargs) if settings.MSG_PUBLIC_PAGES else None


@public_if_enabled
@require_GET
def tag(request: HtmxRequest, name: str) -> HttpResponse:
    """Show the posts carrying a tag (to a visitor, only public ones)."""
    tag = tag_get(name)
    viewer = member_or_none(request)
    qs: QuerySet[Post] = Post.objects.none()
    if tag.pk:
        qs = selectors.tag(viewer, tag) if viewer else selectors.public_tag(tag)
    # Offer the feed only when it has a post: a tag used only on posts a visitor may not see
    # (direct, followers-only, unlisted) must look like an unknown tag (see tag_get).
    feed_url = _feed_url("tag_feed", name=tag.name)
    if feed_url and not (tag.pk and selectors.feed_tag(tag).exists()):
        feed_url = None
    return render_timeline(request, "timelines/tag.html", qs, {"tag": tag, "feed_url": feed_url})


@require_GET
def bookmarks(request: MemberRequest) -> HttpResponse:
    return render_timeline(
        request,
        "timelines/bookmarks.html",
        selectors.bookmarks(request.user),
        {},
        key="bookmark_id",
    )


@login_not_required
@require_GET
def sidebar(request: HtmxRequest) -> HttpResponse:
    """Return the right column's who to follow and trending tags (loaded with hx-get), or a
    link to Explore when there is nobody to suggest; a visitor gets the trending tags when
    pages are public, else nothing."""
    viewer = member_or_none(request)
    if viewer is None and not settings.MSG_PUBLIC_PAGES:
        return HttpResponse("")
    # The follow buttons' plain fallback returns to the page the column sits on.
    page_url = request.htmx.current_url_abs_path or ""
    context = {**selectors.suggestions(viewer), "next_url": page_url}
    if request.GET.get("first_screen") == "1":
        # The page shows who to follow and trending tags itself (a new member's empty home):
        # not twice on one screen.
        del context["suggestions"], context["trending"]
    # "Find more people on Explore" is left out on explore itself.
    context["on_explore"] = urlsplit(page_url).path == reverse("explore")
    return render(request, "timelines/_sidebar.html", context)


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


def _post_people(request: MemberRequest, username: str, pk: int, *, likes: bool) -> HttpResponse:
    """List who liked (or reposted) a post, newest first, with follow buttons."""
    post = get_object_or_404(post_readable(request.user, username=username, pk=pk))
    edges = likers(request.user, post) if likes else reposters(request.user, post)
    page = paginate(edges, max_id=max_id_param(request))
    people = people_of(page.items, "user" if likes else "author")
    context = {"post": post, "people": people, "page": page, "likes": likes}
    return render(request, "timelines/post_people.html", context)


@require_GET
def post_likes(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    return _post_people(request, username, pk, likes=True)


@require_GET
def post_reposts(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    return _post_people(request, username, pk, likes=False)


@public_if_enabled
@require_GET
def profile(request: HtmxRequest, username: str) -> HttpResponse:
    """Show a user's posts (or, with ?tab=all, posts and comments), newest first (to a
    visitor, only public ones)."""
    author = get_object_or_404(selectors.with_pin_flag(user_get_active(username)))
    viewer = member_or_none(request)
    with_comments = request.GET.get("tab") == "all"
    context = {
        "profile": author,
        "tab": "all" if with_comments else "posts",
        "feed_url": _feed_url("profile_feed", username=author.username),
        **profile_header(viewer, author),
    }
    if viewer is None:
        qs = selectors.public_profile(author, with_comments=with_comments)
    else:
        qs = selectors.profile(viewer, author, with_comments=with_comments)
    # Pinned posts head the first page of the posts tab (and show again in place).
    first_page = not any(cursor_params(request).values())
    has_pinned: bool = author.has_pinned  # type: ignore[attr-defined]  # with_pin_flag
    if has_pinned and first_page and not with_comments:
        context["pinned"] = list(selectors.pinned(viewer, author))
    return render_timeline(request, "users/profile.html", qs, context)


# The compose form sits on the home timeline, and a refused post shows it again there.
@require_POST
def compose(request: MemberRequest) -> HttpResponse:
    """Publish from the compose form; on bad input show the form again with what was typed."""
    form = ComposeForm(request.POST, request.FILES, owner=request.user)
    poll_form = PollForm(request.POST)
    valid = form.is_valid() & poll_form.is_valid()  # both, so each shows its errors
    # Chosen files become drafts whatever else is wrong, so the page shows them again.
    form.store_uploads()
    form.describe_drafts()
    removed = form.remove_draft()
    if valid and not removed and not form.errors:
        try:
            post_create(
                author=request.user,
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
                media_ids=form.media_ids(),
                spoiler_text=form.cleaned_data["spoiler_text"],
                sensitive=form.cleaned_data["sensitive"],
                poll=poll_form.spec(),
                quote_of=form.cleaned_data.get("quote_of"),
            )
        except ValidationError as error:
            form.add_service_error(error)
        except PermissionDenied as error:  # a post that may not be quoted (posts.services.quotes)
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Posted."))
            return redirect("home")
    page = paginate(selectors.home(request.user))
    context = {"form": form, "poll_form": poll_form, "page": page}
    return render(request, "timelines/home.html", context, status=200 if removed else 400)
