"""Background work for posts: fetching the preview card of a linked page.

The task is the only writer of a fetched card (as notifications.tasks is of notifications):
posts.services.previews creates the pending row and queues this on commit.
"""

import logging
import time
import uuid
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import CharField
from django.tasks import task
from django.utils import timezone

from core import fetch, images
from posts.models import LinkPreview

logger = logging.getLogger(__name__)

# A preview image is small: the card shows it at most this wide.
PREVIEW_IMAGE_SIDE = 640
# The page and its image share one fetch.TIMEOUT (with the ImmediateBackend, the request that
# saved the post waits for them); an image gets no less than this, or is skipped.
MIN_IMAGE_TIME = 0.5


def _limit(name: str) -> int:
    field = LinkPreview._meta.get_field(name)
    assert isinstance(field, CharField) and field.max_length is not None
    return field.max_length


def _cut(text: str, field: str) -> str:
    """Return text cut to the field's length, with an ellipsis when something was cut."""
    limit = _limit(field)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _host(url: str) -> str:
    """Return the host a card names when the page names no site: example.com for www.example.com."""
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _image(url: str, *, deadline: float) -> images.CleanImage | None:
    """Return the card's image fetched and passed through the upload checks, or None."""
    left = deadline - time.monotonic()
    if not url or left < MIN_IMAGE_TIME:
        return None
    try:
        got = fetch.fetch_image(url, timeout=left)
        upload = SimpleUploadedFile("preview", got.body, content_type=got.content_type)
        full, _ = images.bounded(
            upload,
            max_bytes=fetch.MAX_BYTES,
            longest=PREVIEW_IMAGE_SIDE,
            thumbnail=PREVIEW_IMAGE_SIDE,
            stem=uuid.uuid4().hex,
        )
    except (fetch.FetchError, ValidationError) as e:
        logger.info("Preview image %s not kept: %s", url, e)
        return None
    return full


def _finish(preview_id: int, **fields: object) -> bool:
    """Store the outcome on the preview if it is still pending; return whether it was."""
    with transaction.atomic():
        preview = (
            LinkPreview.objects.select_for_update()
            .filter(pk=preview_id, status=LinkPreview.Status.PENDING)
            .first()
        )
        if preview is None:
            return False  # fetched meanwhile by another run, or deleted
        image = fields.pop("image", None)
        for name, value in fields.items():
            setattr(preview, name, value)
        if isinstance(image, images.CleanImage):
            preview.image.save(image.name, image.content, save=False)
        preview.fetched_at = timezone.now()
        preview.save()
    return True


@task()
def preview_fetch(*, preview_id: int) -> str:
    """Fetch the card of a pending preview's page and its image; return the status stored.

    Nothing raises out of here: a page that cannot be fetched or read marks the preview
    failed, an image that cannot only leaves the card without one, and the post that links to
    it was saved long before.
    """
    url = (
        LinkPreview.objects.filter(pk=preview_id, status=LinkPreview.Status.PENDING)
        .values_list("url", flat=True)
        .first()
    )
    if url is None:
        return "skipped"
    deadline = time.monotonic() + fetch.TIMEOUT
    try:
        card = fetch.parse_card(fetch.fetch_page(url))
        if not (card.title or card.description):
            raise fetch.FetchError("The page has no title or description.")
        ok = _finish(
            preview_id,
            status=LinkPreview.Status.OK,
            title=_cut(card.title, "title"),
            description=_cut(card.description, "description"),
            site_name=_cut(card.site_name or _host(url), "site_name"),
            image=_image(card.image_url, deadline=deadline),
        )
        return LinkPreview.Status.OK.value if ok else "skipped"
    except fetch.FetchError as e:
        logger.info("Preview of %s failed: %s", url, e)
    except Exception:
        # A bug or a database error must not reach the queue as a crash loop: log it loudly.
        logger.exception("Preview of %s failed", url)
    try:
        _finish(preview_id, status=LinkPreview.Status.FAILED)
    except Exception:
        logger.exception("Could not mark the preview of %s failed", url)
    return LinkPreview.Status.FAILED.value
