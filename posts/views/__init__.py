from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import error_response
from core.http import redirect_back
from core.pagination import paginate_oldest_first
from posts import selectors, services
from posts.forms import PostEditForm, PostForm
from posts.models import Post
from posts.permissions import can_delete, can_edit
from posts.services.pins import post_pin, post_unpin
from users.http import MemberRequest, member_or_none, public_if_enabled


def _get_post(request: MemberRequest, username: str, pk: int) -> Post:
    """Return the post at this address, or 404 if it is missing or hidden from the reader."""
    return get_object_or_404(selectors.thread_post(request.user, username=username, pk=pk))


@public_if_enabled
@require_http_methods(["GET", "POST"])
def post_detail(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    """Show a post with its comments; POST adds a comment (in place with htmx).

    With MSG_PUBLIC_PAGES a visitor may read a public or unlisted post, without the actions.
    """
    viewer = member_or_none(request)
    post = get_object_or_404(selectors.thread_post(viewer, username=username, pk=pk))
    if post.repost_of_id is not None:
        return redirect(post.repost_of)  # type: ignore[arg-type]
    form = PostForm(label=_("Your comment"))
    status = 200
    if request.method == "POST":
        form = PostForm(request.POST, label=_("Your comment"))
        if form.is_valid():
            try:
                comment = services.post_create(
                    author=request.user, body=form.cleaned_data["body"], in_reply_to=post
                )
            except PermissionDenied:
                form.add_error(None, _("You cannot comment on this post."))
            else:
                if request.htmx:
                    visible = selectors.comments(request.user, post)
                    context = {
                        "post": post,
                        "comment": visible.get(pk=comment.pk),
                        # The count the card shows after a reload (cards' comment_count).
                        "comment_count": selectors.counted_replies(post).count(),
                        "form": PostForm(label=_("Your comment")),
                    }
                    return render(request, "posts/detail.html#comment-added", context)
                messages.success(request, _("Comment added."))
                return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")
        status = 400
        if request.htmx:
            return render(request, "posts/detail.html#comment-form", {"post": post, "form": form})
    after = request.GET.get("after", "")
    thread = paginate_oldest_first(
        selectors.comments(viewer, post),
        after=int(after) if after.isascii() and after.isdigit() else None,
        size=settings.MSG_COMMENTS_PAGE_SIZE,
    )
    if request.htmx and request.method == "GET" and after:
        return render(request, "posts/detail.html#comment-page", {"post": post, "thread": thread})
    context = {
        "post": post,
        "thread": thread,
        "form": form,
        # A visitor sees the counts only: the lists would need a reader to leave out blocks.
        "likers": selectors.likers(viewer, post)[:20] if viewer else [],
        "reposters": selectors.reposters(viewer, post)[:20] if viewer else [],
    }
    return render(request, "posts/detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
def post_edit(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    """Edit a post's text, content warning, sensitive mark and images' alt text."""
    post = _get_post(request, username, pk)
    if not can_edit(request.user, post):
        raise PermissionDenied(_("Only the author can edit this."))
    initial = {"body": post.body, "spoiler_text": post.spoiler_text, "sensitive": post.sensitive}
    form = PostEditForm(
        request.POST or None, initial=initial, label=_("Text"), images=post.images.all()
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                user=request.user,
                post=post,
                body=form.cleaned_data["body"],
                spoiler_text=form.cleaned_data["spoiler_text"],
                sensitive=form.sensitive_choice(),
                alt_texts=form.alt_texts(),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except PermissionDenied as error:
            # e.g. a direct message edited to name someone blocked either way: the form again,
            # with the reason and the typed text.
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(post)
    status = 400 if request.method == "POST" else 200
    return render(request, "posts/edit.html", {"post": post, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def post_delete(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    post = selectors.thread_post(request.user, username=username, pk=pk).first()
    # A comment in your thread by someone you blocked (or who is deactivated) is hidden from
    # you, yet yours to delete: the page offers the deletion without showing its text.
    hidden = post is None
    if post is None:
        post = selectors.thread_comment_of(request.user, username=username, pk=pk).first()
    if post is None:
        raise Http404("No such post.")
    if not can_delete(request.user, post):
        raise PermissionDenied(_("You cannot delete this."))
    if request.method == "POST":
        parent = post.in_reply_to
        services.post_delete(user=request.user, post=post)
        messages.success(request, _("Comment deleted.") if parent else _("Post deleted."))
        return HttpResponseRedirect(parent.get_absolute_url() if parent else reverse("home"))
    return render(request, "posts/delete.html", {"post": post, "hidden": hidden})


Action = Callable[..., object]

ACTIONS: dict[str, tuple[Action, str | Promise]] = {
    "like": (services.post_like, gettext_lazy("Liked.")),
    "unlike": (services.post_unlike, gettext_lazy("Like removed.")),
    "repost": (services.post_repost, gettext_lazy("Reposted to your followers.")),
    "unrepost": (services.post_unrepost, gettext_lazy("Repost removed.")),
    "bookmark": (services.post_bookmark, gettext_lazy("Saved to your bookmarks.")),
    "unbookmark": (services.post_unbookmark, gettext_lazy("Removed from your bookmarks.")),
    "pin": (post_pin, gettext_lazy("Pinned to your profile.")),
    "unpin": (post_unpin, gettext_lazy("Unpinned from your profile.")),
}


# Taking back your own mark never needs read access: after an unfollow, say, you may no longer
# see a followers-only post, yet your like on it is still yours to remove.
WITHDRAWALS = {"unlike", "unrepost", "unbookmark"}


def _withdraw_unseen(request: MemberRequest, username: str, pk: int, action: str) -> HttpResponse:
    """Undo a mark on a post the reader can no longer see; 404 if they had none.

    Only a post that can carry the mark qualifies: someone else's repost passes marks on to
    the original, and answering there would tell a blocked reader what the blocker reposted.
    """
    qs = selectors.post_at(username=username, pk=pk)
    post = get_object_or_404(qs.filter(Q(repost_of__isnull=True) | Q(author=request.user)))
    service, done = ACTIONS[action]
    if not service(user=request.user, post=post):
        raise Http404("No such post.")
    if request.htmx:
        return HttpResponse(done)
    messages.success(request, str(done))
    return redirect_back(request, reverse("home"))


@require_POST
def post_action(request: MemberRequest, username: str, pk: int, action: str) -> HttpResponse:
    """Like, repost or bookmark (or undo): a one-click POST, updated in place with htmx."""
    post = selectors.thread_post(request.user, username=username, pk=pk).first()
    if post is None:
        if action in WITHDRAWALS:
            return _withdraw_unseen(request, username, pk, action)
        raise Http404("No such post.")
    service, done = ACTIONS[action]
    refusal = ""
    try:
        service(user=request.user, post=post)
    except (PermissionDenied, ValidationError) as error:
        answer = error_response(error)
        refusal = answer.text if answer else str(error)
    if request.htmx:
        # The card shows the original; the repost itself may just have been deleted. A refusal
        # comes back as the unchanged bar with the reason: a 400, which htmx swaps (_base.html).
        original = post.repost_of_id or post.pk
        card = selectors.cards(Post.objects.filter(pk=original), request.user).get()
        context = {"post": card, "action_error": refusal}
        return render(request, "posts/_card.html#actions", context, status=400 if refusal else 200)
    if refusal:
        messages.error(request, refusal)
    else:
        messages.success(request, str(done))
    return redirect_back(request, post.get_absolute_url())
