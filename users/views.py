from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from msg_project.http import MemberRequest, max_id_param, redirect_back
from timelines import selectors
from timelines.views import render_timeline
from users import selectors as user_selectors
from users import services
from users.forms import ProfileForm
from users.models import Block, CustomUser, Mute
from users.relations import is_blocked_either_way


def _get_user(username: str) -> CustomUser:
    return get_object_or_404(CustomUser, username__iexact=username, is_active=True)


@require_GET
def profile(request: MemberRequest, username: str) -> HttpResponse:
    """A user's posts (or, with ?tab=all, posts and comments), newest first."""
    author = _get_user(username)
    with_comments = request.GET.get("tab") == "all"
    context = {
        "profile": author,
        "tab": "all" if with_comments else "posts",
        **user_selectors.profile_header(request.user, author),
    }
    qs = selectors.profile(request.user, author, with_comments=with_comments)
    return render_timeline(request, "users/profile.html", qs, context)


def _people_page(request: MemberRequest, username: str, *, followers: bool) -> HttpResponse:
    person = _get_user(username)
    if person.pk != request.user.pk and is_blocked_either_way(request.user, person):
        raise Http404("No such list.")
    viewer = request.user
    edges = (
        user_selectors.followers(viewer, person)
        if followers
        else user_selectors.following(viewer, person)
    )
    page = selectors.paginate(edges, max_id=max_id_param(request))
    people = [e.follower if followers else e.followee for e in page.items]
    context = {"person": person, "people": people, "page": page, "followers": followers}
    return render(request, "users/people.html", context)


@require_GET
def followers(request: MemberRequest, username: str) -> HttpResponse:
    return _people_page(request, username, followers=True)


@require_GET
def following(request: MemberRequest, username: str) -> HttpResponse:
    return _people_page(request, username, followers=False)


# action: (service, the acting user's keyword, the other user's keyword, what to tell them)
ACTIONS: dict[str, tuple[Callable[..., object], str, str, str]] = {
    "follow": (services.follow_create, "follower", "followee", "You follow @{} now."),
    "unfollow": (services.follow_delete, "follower", "followee", "You no longer follow @{}."),
    "block": (
        services.block_create,
        "blocker",
        "blocked",
        "You blocked @{}. Neither of you sees the other's posts.",
    ),
    "unblock": (services.block_delete, "blocker", "blocked", "You unblocked @{}."),
    "mute": (services.mute_create, "muter", "muted", "You muted @{}. They are not told."),
    "unmute": (services.mute_delete, "muter", "muted", "You unmuted @{}."),
}


@require_POST
def relationship_action(request: MemberRequest, username: str, action: str) -> HttpResponse:
    """Follow, block or mute (or undo): a one-click POST, updated in place with htmx."""
    other = _get_user(username)
    service, me, them, done = ACTIONS[action]
    try:
        service(**{me: request.user, them: other})
    except (PermissionDenied, ValidationError) as error:
        message = " ".join(getattr(error, "messages", [str(error)]))
        if request.htmx:
            return HttpResponse(message, status=403)
        messages.error(request, message)
    else:
        if not request.htmx:
            messages.success(request, done.format(other.username))
    if request.htmx:
        context = {"profile": other, **user_selectors.profile_header(request.user, other)}
        return render(request, "users/profile.html#relationship", context)
    return redirect_back(request, other.get_absolute_url())


@require_http_methods(["GET", "POST"])
def settings_profile(request: MemberRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                user=user,
                display_name=form.cleaned_data["display_name"],
                bio=form.cleaned_data["bio"],
                avatar=form.cleaned_data.get("avatar"),
                remove_avatar=form.cleaned_data.get("remove_avatar", False),
            )
        except ValidationError as error:
            user.refresh_from_db()
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Profile saved.")
            return redirect("settings_profile")
    if form.errors:
        user.refresh_from_db()
    return render(request, "users/settings_profile.html", {"form": form})


def _relations_page(request: MemberRequest, *, blocks: bool) -> HttpResponse:
    edges: QuerySet[Block] | QuerySet[Mute]
    edges = user_selectors.blocks(request.user) if blocks else user_selectors.mutes(request.user)
    page = selectors.paginate(edges, max_id=max_id_param(request))
    people = [e.blocked if blocks else e.muted for e in page.items]
    return render(
        request, "users/relations.html", {"people": people, "page": page, "blocks": blocks}
    )


@require_GET
def settings_blocks(request: MemberRequest) -> HttpResponse:
    return _relations_page(request, blocks=True)


@require_GET
def settings_mutes(request: MemberRequest) -> HttpResponse:
    return _relations_page(request, blocks=False)
