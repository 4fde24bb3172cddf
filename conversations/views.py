"""Direct messages: the list of conversations, one conversation with a reply form, a new one."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from conversations import selectors, services
from conversations.forms import MessageForm, NewMessageForm
from core.http import cursor_params, max_id_param
from core.pagination import paginate
from posts.models import Post
from users.http import MemberRequest
from users.selectors import user_get_active


def conversation_list(request: MemberRequest) -> HttpResponse:
    """Every conversation once, newest activity first, with who is in it and an unread mark."""
    page = paginate(selectors.conversations(request.user), **cursor_params(request), key="id")
    if request.htmx and request.GET.get("max_id"):
        return render(request, "conversations/list.html#page", {"page": page})
    return render(request, "conversations/list.html", {"page": page})


def _show(
    request: MemberRequest, thread: int, form: MessageForm, status: int = 200
) -> HttpResponse:
    """Render the newest page of the conversation (oldest message first, the reply form below);
    ?max_id= gives the page of earlier messages. Opening the newest page reads the whole."""
    max_id = max_id_param(request)
    page = paginate(
        selectors.conversation(request.user, thread),
        max_id=max_id,
        size=settings.MSG_COMMENTS_PAGE_SIZE,
    )
    if not page.items:
        raise Http404("No such conversation.")
    if max_id is None:
        services.conversation_mark_read(user=request.user, thread=thread, up_to=page.items[0].pk)
    context = {
        "thread": thread,
        "messages_shown": page.items[::-1],
        "earlier_max_id": page.next_max_id,
        "form": form,
        "first": page.items[-1],
        "seen": page.items[0].pk,
    }
    if request.htmx and max_id is not None:
        return render(request, "conversations/detail.html#earlier", context)
    return render(request, "conversations/detail.html", context, status=status)


def _seen(request: MemberRequest) -> int | None:
    """Return the newest message id the page showed (the reply form's `seen`), if valid."""
    seen = request.POST.get("seen", "")
    return int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 19 else None


def _sent(request: MemberRequest, thread: int, message: Post) -> HttpResponse:
    """Answer an htmx reply: append it and every message that came since the page showed its
    newest (so none is marked read unseen), then mark read up to the newest appended."""
    # Without the form's `seen` (a client that does not send it), what the reader last read.
    seen = _seen(request) or selectors.read_up_to(request.user, thread)
    since = seen if seen is not None and seen < message.pk else message.pk - 1
    newer = selectors.conversation(request.user, thread).filter(pk__gt=since)
    appended = list(newer.order_by("-id")[: settings.MSG_COMMENTS_PAGE_SIZE])[::-1]
    newest = appended[-1].pk if appended else message.pk
    services.conversation_mark_read(user=request.user, thread=thread, up_to=newest)
    context = {"appended": appended, "form": MessageForm(), "thread": thread, "seen": newest}
    return render(request, "conversations/detail.html#sent", context)


@require_http_methods(["GET", "POST"])
def conversation_detail(request: MemberRequest, thread: int) -> HttpResponse:
    """Show a conversation and mark it read; POST replies to it (in place with htmx).

    The address of a later message leads to its conversation's (its first message's).
    """
    key = selectors.conversation_key(request.user, thread)
    if key is None:
        raise Http404("No such conversation.")
    if key != thread:
        return redirect("conversation", thread=key)
    if request.method == "GET":
        return _show(request, thread, MessageForm())
    newest = selectors.conversation(request.user, thread).order_by("-id").first()
    if newest is None:
        raise Http404("No such conversation.")
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            message = services.message_send(
                author=request.user, body=form.cleaned_data["body"], in_reply_to=newest
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            if request.htmx:
                return _sent(request, thread, message)
            return redirect(f"{reverse('conversation', args=[thread])}#post-{message.pk}")
    if request.htmx:
        context = {"form": form, "thread": thread, "seen": _seen(request)}
        return render(request, "conversations/detail.html#reply-form", context, status=400)
    return _show(request, thread, form, status=400)


@require_http_methods(["GET", "POST"])
def conversation_new(request: MemberRequest) -> HttpResponse:
    """Start a conversation; ?to=username fills in the recipient (the profile's Message link)."""
    initial = {}
    to = request.GET.get("to", "")
    if to and user_get_active(to).exists():
        initial["to"] = f"@{to}"
    form = NewMessageForm(request.POST or None, initial=initial, sender=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_send(
                author=request.user,
                body=form.cleaned_data["body"],
                recipients=form.cleaned_data["to"],
            )
        except (PermissionDenied, ValidationError) as error:
            form.add_error(
                None, error.messages if isinstance(error, ValidationError) else str(error)
            )
        else:
            messages.success(request, _("Message sent."))
            return redirect("conversation", thread=message.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "conversations/new.html", {"form": form}, status=status)
