"""Quote posts: writing one, the quotes of a post, and the quoted author detaching theirs."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.http import max_id_param, redirect_back
from core.pagination import paginate
from posts import selectors
from posts.forms import QuoteForm
from posts.services import post_create, quotes
from users.http import MemberRequest


@require_http_methods(["GET", "POST"])
def quote_compose(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    """Write a post quoting the one at this address, shown above the form."""
    post = get_object_or_404(selectors.thread_post(request.user, username=username, pk=pk))
    if post.repost_of is not None:
        original = post.repost_of
        return redirect("post_quote", username=original.author.username, pk=original.pk)
    refusal = quotes.quote_refusal(user=request.user, post=post)
    if refusal is not None:
        raise PermissionDenied(refusal)
    form = QuoteForm(request.POST or None, label=_("Your comment on this post"))
    if request.method == "POST" and form.is_valid():
        try:
            quote = post_create(
                author=request.user,
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
                spoiler_text=form.cleaned_data["spoiler_text"],
                quote_of=post,
            )
        except (ValidationError, PermissionDenied) as error:
            messages_ = error.messages if isinstance(error, ValidationError) else [str(error)]
            for message in messages_:
                form.add_error(None, message)
        else:
            messages.success(request, _("Quoted."))
            return redirect(quote)
    status = 400 if form.errors else 200
    return render(request, "posts/quote.html", {"quoted": post, "form": form}, status=status)


@require_GET
def quote_list(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    """List the public quotes of the post at this address, newest first."""
    post = get_object_or_404(selectors.thread_post(request.user, username=username, pk=pk))
    page = paginate(selectors.quotes_of(request.user, post), max_id=max_id_param(request))
    context = {"post": post, "page": page}
    if request.htmx and request.GET.get("max_id"):
        return render(request, "timelines/_timeline.html#page", context)
    return render(request, "posts/quotes.html", context)


@require_http_methods(["GET", "POST"])
def quote_detach(request: MemberRequest, username: str, pk: int) -> HttpResponse:
    """Detach your post from the quote at this address (a confirmation page without htmx)."""
    quote = get_object_or_404(selectors.quote_of_mine(request.user, username=username, pk=pk))
    if request.method == "GET":
        return render(request, "posts/detach.html", {"quote": quote})
    quotes.quote_detach(user=request.user, quote=quote)
    if request.htmx:
        return render(request, "posts/_quote.html", {"quote": quote, "quoted": None})
    messages.success(request, _("Your post is detached from that quote."))
    return redirect_back(request, reverse("home"))
