"""The social graph's pages: followers and following lists, the follow/block/mute buttons,
and the settings lists of blocked and muted accounts."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.errors import error_response
from core.http import max_id_param, redirect_back
from core.pagination import paginate
from social import selectors, services
from social.forms import MutedWordForm
from social.models import Block, Mute
from social.selectors import is_blocked_either_way
from users.http import MemberRequest
from users.models import CustomUser
from users.selectors import user_get_active


def get_active_user(username: str) -> CustomUser:
    """Return the active account called username (any case), or 404."""
    return get_object_or_404(user_get_active(username))


def _people_page(request: MemberRequest, username: str, *, followers: bool) -> HttpResponse:
    person = get_active_user(username)
    if person.pk != request.user.pk and is_blocked_either_way(request.user, person):
        raise Http404("No such list.")
    viewer = request.user
    edges = (
        selectors.followers(viewer, person) if followers else selectors.following(viewer, person)
    )
    page = paginate(edges, max_id=max_id_param(request))
    people = selectors.people_of(page.items, "follower" if followers else "followee")
    context = {"person": person, "people": people, "page": page, "followers": followers}
    return render(request, "social/people.html", context)


@require_GET
def followers(request: MemberRequest, username: str) -> HttpResponse:
    return _people_page(request, username, followers=True)


@require_GET
def following(request: MemberRequest, username: str) -> HttpResponse:
    return _people_page(request, username, followers=False)


# action: (service, the acting user's keyword, the other user's keyword, what to tell them)
ACTIONS: dict[str, tuple[Callable[..., object], str, str, str | Promise]] = {
    "follow": (
        services.follow_create,
        "follower",
        "followee",
        gettext_lazy("You follow @%(name)s now."),
    ),
    "unfollow": (
        services.follow_delete,
        "follower",
        "followee",
        gettext_lazy("You no longer follow @%(name)s."),
    ),
    "block": (
        services.block_create,
        "blocker",
        "blocked",
        # Only the deed: the profile it returns to says what a block means, once.
        gettext_lazy("You blocked @%(name)s."),
    ),
    "unblock": (
        services.block_delete,
        "blocker",
        "blocked",
        gettext_lazy("You unblocked @%(name)s."),
    ),
    "mute": (
        services.mute_create,
        "muter",
        "muted",
        gettext_lazy("You muted @%(name)s. They are not told."),
    ),
    "unmute": (services.mute_delete, "muter", "muted", gettext_lazy("You unmuted @%(name)s.")),
}


@require_http_methods(["GET", "POST"])
def relationship_action(request: MemberRequest, username: str, action: str) -> HttpResponse:
    """Follow, block or mute (or undo): a one-click POST, updated in place with htmx.

    Block asks first: its GET is the confirmation page (the profile's dialog without
    JavaScript); every other action answers GET with 405.
    """
    if request.method == "GET" and action != "block":
        return HttpResponseNotAllowed(["POST"])
    other = get_active_user(username)
    if request.method == "GET":
        if other.pk == request.user.pk:
            raise Http404("You cannot block yourself.")
        return render(request, "social/block.html", {"person": other})
    service, me, them, done = ACTIONS[action]
    if request.htmx:
        # A refusal reaches htmx as plain text with its status (core.middleware).
        service(**{me: request.user, them: other})
    else:
        try:
            service(**{me: request.user, them: other})
        except (PermissionDenied, ValidationError) as error:
            refusal = error_response(error)
            assert refusal is not None
            messages.error(request, refusal.text)
        else:
            messages.success(request, str(done) % {"name": other.username})
    if request.htmx:
        context = {"profile": other, **selectors.profile_header(request.user, other)}
        if request.POST.get("button") == "person":  # a follow button in a list of people
            other.is_followed = context["relation"]["following"]  # type: ignore[attr-defined]
            back = request.htmx.current_url_abs_path  # the page the button sits on
            return render(request, "users/_person.html#follow", {"person": other, "next_url": back})
        return render(request, "users/profile.html#relationship", context)
    return redirect_back(request, other.get_absolute_url())


def _relations_page(request: MemberRequest, *, blocks: bool) -> HttpResponse:
    edges: QuerySet[Block] | QuerySet[Mute]
    edges = selectors.blocks(request.user) if blocks else selectors.mutes(request.user)
    page = paginate(edges, max_id=max_id_param(request))
    people = [e.blocked if blocks else e.muted for e in page.items]
    return render(
        request, "social/relations.html", {"people": people, "page": page, "blocks": blocks}
    )


@require_GET
def settings_blocks(request: MemberRequest) -> HttpResponse:
    return _relations_page(request, blocks=True)


@require_GET
def settings_mutes(request: MemberRequest) -> HttpResponse:
    return _relations_page(request, blocks=False)


@require_http_methods(["GET", "POST"])
def settings_filters(request: MemberRequest) -> HttpResponse:
    """List your filtered words and phrases; POST adds one."""
    form = MutedWordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            word = services.muted_word_create(
                user=request.user,
                phrase=form.cleaned_data["phrase"],
                contexts=form.cleaned_data["contexts"],
                expires_in=form.expires_in(),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, _("Posts with “%(phrase)s” are filtered now.") % {"phrase": word.phrase}
            )
            return redirect("settings_filters")
    context = {"form": form, "words": list(selectors.muted_words(request.user)), "now": now()}
    return render(request, "social/filters.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def muted_word_delete(request: MemberRequest, pk: int) -> HttpResponse:
    """Stop filtering a word or phrase, after a confirmation page."""
    word = get_object_or_404(selectors.muted_words(request.user), pk=pk)
    if request.method == "POST":
        services.muted_word_delete(user=request.user, muted_word=word)
        messages.success(
            request, _("Posts with “%(phrase)s” are no longer filtered.") % {"phrase": word.phrase}
        )
        return redirect("settings_filters")
    return render(request, "social/filter_delete.html", {"word": word})
