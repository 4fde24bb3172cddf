"""Lists' pages: your lists, a list's timeline, its editor, its deletion, and the lists page
of a profile (put that account on your lists or take it off)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.http import max_id_param
from core.pagination import paginate
from lists import selectors, services
from lists.forms import ListForm, MemberForm
from lists.models import List
from social.selectors import profile_header
from timelines.views import render_timeline
from users.http import MemberRequest
from users.models import CustomUser
from users.selectors import user_get_active

# A form shown again with its errors in place answers 200 to htmx (the list limit answers 400,
# which templates/_base.html's htmx-config also swaps); the plain form path answers 400.


def _get_list(request: MemberRequest, pk: int) -> List:
    """Return the reader's list with this id; someone else's list is a 404, like a missing one."""
    return get_object_or_404(selectors.list_get(request.user, pk))


@require_http_methods(["GET", "POST"])
def list_index(request: MemberRequest) -> HttpResponse:
    """Show your lists; POST creates one (in place with htmx)."""
    form = ListForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new = services.list_create(owner=request.user, title=form.cleaned_data["title"])
            except ValidationError as error:
                # A refusal (the most lists an account may have) shows on the form, in place:
                # 400 to both paths (_base.html's htmx config swaps a 400).
                form.add_error("title", error.messages)
                status = 400
            else:
                if not request.htmx:
                    messages.success(request, _("List “%(title)s” created.") % {"title": new.title})
                    return redirect(new)
                form = ListForm()
        elif not request.htmx:
            status = 400
    context = {"lists": selectors.lists_of(request.user), "form": form}
    if request.htmx and request.method == "POST":
        return render(request, "lists/index.html#lists", context, status=status)
    return render(request, "lists/index.html", context, status=status)


@require_GET
def list_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """Show the list's timeline: its members' posts and reposts, as home shows them."""
    list_ = _get_list(request, pk)
    qs = selectors.list_timeline(request.user, list_)
    return render_timeline(request, "lists/detail.html", qs, {"list": list_})


def _members_context(request: MemberRequest, list_: List, form: MemberForm) -> dict:
    page = paginate(
        selectors.list_members(request.user, list_),
        max_id=None if request.method == "POST" else max_id_param(request),
    )
    return {"list": list_, "page": page, "member_form": form}


def _add(request: MemberRequest, list_: List, form: MemberForm) -> str | None:
    """Add the account the form names; return what to tell, or None (errors on the form)."""
    if not form.is_valid():
        return None
    username = form.cleaned_data["username"]
    user = user_get_active(username).first()
    if user is None:
        form.add_error("username", _("There is no account @%(name)s.") % {"name": username})
        return None
    try:
        services.list_member_add(owner=request.user, list_=list_, user=user)
    except (ValidationError, PermissionDenied) as error:
        form.add_error(
            "username", error.messages if isinstance(error, ValidationError) else str(error)
        )
        return None
    return _("Added @%(name)s to %(list)s.") % {"name": user.username, "list": list_.title}


def _remove(request: MemberRequest, list_: List) -> str:
    user = get_object_or_404(user_get_active(request.POST.get("username", "")))
    services.list_member_remove(owner=request.user, list_=list_, user=user)
    return f"Removed @{user.username} from {list_.title}."


@require_http_methods(["GET", "POST"])
def list_edit(request: MemberRequest, pk: int) -> HttpResponse:
    """Rename the list, and add or remove members (the members' part in place with htmx).

    POST carries `action`: rename (title), add (username) or remove (username).
    """
    list_ = _get_list(request, pk)
    rename_form = ListForm(initial={"title": list_.title})
    member_form = MemberForm()
    action = request.POST.get("action")
    status = 200
    if request.method == "POST":
        done: str | None = None
        if action == "rename":
            rename_form = ListForm(request.POST)
            if rename_form.is_valid():
                services.list_rename(
                    owner=request.user, list_=list_, title=rename_form.cleaned_data["title"]
                )
                done = _("List renamed.")
        elif action == "add":
            member_form = MemberForm(request.POST)
            done = _add(request, list_, member_form)
            if done:
                member_form = MemberForm()
        elif action == "remove":
            done = _remove(request, list_)
        else:
            raise ValidationError(_("Unknown action."))
        if request.htmx:
            context = {**_members_context(request, list_, member_form), "done": done}
            if action == "rename":
                context.update(rename_form=rename_form)
                return render(request, "lists/edit.html#rename", context)
            return render(request, "lists/edit.html#members", context)
        if done:
            messages.success(request, done)
            return redirect("list_edit", pk=list_.pk)
        status = 400
    context = {**_members_context(request, list_, member_form), "rename_form": rename_form}
    return render(request, "lists/edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def list_delete(request: MemberRequest, pk: int) -> HttpResponse:
    """Ask, then delete the list (POST)."""
    list_ = _get_list(request, pk)
    if request.method == "POST":
        services.list_delete(owner=request.user, list_=list_)
        messages.success(request, _("List “%(title)s” deleted.") % {"title": list_.title})
        return redirect("lists")
    return render(request, "lists/delete.html", {"list": list_})


@require_http_methods(["GET", "POST"])
def profile_lists(request: MemberRequest, username: str) -> HttpResponse:
    """Show which of your lists hold this account; POST puts it on one or takes it off."""
    account: CustomUser = get_object_or_404(user_get_active(username))
    if request.method == "POST":
        return _profile_lists_change(request, account)
    header = profile_header(request.user, account)
    context = {
        "account": account,
        "can_add": header["relation"]["following"] and not header["is_self"],
        "lists": selectors.lists_for_account(request.user, account),
    }
    return render(request, "lists/profile_lists.html", context)


def _profile_lists_change(request: MemberRequest, account: CustomUser) -> HttpResponse:
    """Add account to (or remove it from) the list named by the form's `list` and `action`."""
    raw = request.POST.get("list", "")
    list_ = _get_list(request, int(raw) if raw.isascii() and raw.isdigit() else 0)
    action = request.POST.get("action")
    error = ""
    try:
        if action == "add":
            services.list_member_add(owner=request.user, list_=list_, user=account)
            done = _("Added @%(name)s to %(list)s.") % {
                "name": account.username,
                "list": list_.title,
            }
        elif action == "remove":
            services.list_member_remove(owner=request.user, list_=list_, user=account)
            done = _("Removed @%(name)s from %(list)s.") % {
                "name": account.username,
                "list": list_.title,
            }
        else:
            raise ValidationError(_("Unknown action."))
    except (ValidationError, PermissionDenied) as refusal:
        done = ""
        error = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
    if request.htmx:
        context = {
            "account": account,
            "can_add": True,
            "item": selectors.lists_for_account(request.user, account).get(pk=list_.pk),
            "done": done,
            "error": error,
        }
        return render(request, "lists/profile_lists.html#row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return redirect(reverse("profile_lists", kwargs={"username": account.username}))
