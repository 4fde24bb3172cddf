"""Images uploaded before their post: upload a draft, describe an image, remove a draft.

With htmx each answers with the piece of the compose form that changes (posts/_media.html);
without it, each is a plain POST that redirects back.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.http import redirect_back
from posts import selectors
from posts.forms import MediaUploadForm
from posts.services import MAX_IMAGES
from posts.services import media as services
from users.http import MemberRequest


def _slot(request: MemberRequest) -> int | None:
    """Return the compose form's file input number that sent the request (htmx), if any."""
    value = request.POST.get("slot", "")
    return int(value) if value in {str(n) for n in range(1, MAX_IMAGES + 1)} else None


@require_POST
def media_upload(request: MemberRequest) -> HttpResponse:
    """Store one image as a draft; with htmx, show it in place of the file input that chose it."""
    slot = _slot(request)
    form = MediaUploadForm.for_slot(request.POST, request.FILES, slot)
    draft = None
    if form.is_valid():
        try:
            draft = services.media_upload(
                owner=request.user,
                file=form.cleaned_data["file"],
                alt_text=form.cleaned_data["alt_text"],
            )
        except ValidationError as error:
            form.add_error(None, error)
    if draft is None:
        errors = [message for field_errors in form.errors.values() for message in field_errors]
        if request.htmx and slot is not None:
            # htmx swaps only a 2xx answer: the file input comes back with the error under it.
            context = {"n": slot, "errors": errors, "alt": request.POST.get(f"image_{slot}_alt")}
            return render(request, "posts/_media.html#slot", context)
        raise ValidationError(errors)
    if request.htmx:
        context = {"draft": draft, "slot": slot or 1, "alt": draft.alt_text}
        return render(request, "posts/_media.html#draft", context)
    messages.success(request, _("Image uploaded: describe it, then post."))
    return redirect(f"{reverse('home')}?media={draft.pk}")


@require_POST
def media_update(request: MemberRequest, pk: int) -> HttpResponse:
    """Change the alt text of one of your drafts or of an image in your post."""
    images = selectors.media_describable(request.user).select_related("post__author")
    image = get_object_or_404(images, pk=pk)
    # The compose form names the field alt_<id>; a form of its own may say alt_text.
    alt_text = request.POST.get(f"alt_{pk}", request.POST.get("alt_text", ""))
    try:
        services.media_update(owner=request.user, media=image, alt_text=alt_text)
    except ValidationError as error:
        if not request.htmx:
            raise
        return render(request, "posts/_media.html#status", {"error": " ".join(error.messages)})
    if request.htmx:
        return render(request, "posts/_media.html#status", {})
    messages.success(request, _("Description saved."))
    fallback = image.post.get_absolute_url() if image.post else reverse("home")
    return redirect_back(request, fallback)


@require_POST
def media_remove(request: MemberRequest, pk: int) -> HttpResponse:
    """Delete one of your drafts; with htmx, give back an empty file input in its place."""
    draft = get_object_or_404(selectors.media_drafts(request.user), pk=pk)
    services.media_delete(owner=request.user, media=draft)
    if request.htmx:
        slot = _slot(request)
        if slot is None:
            return HttpResponse("")
        return render(request, "posts/_media.html#slot", {"n": slot})
    messages.success(request, _("Image removed."))
    return redirect_back(request, reverse("home"))
