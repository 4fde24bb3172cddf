"""Link previews: point a post at the card of its first link, and queue fetching it.

A LinkPreview is shared by every post that links to the same page (by the hash of the
normalised URL), so a popular link is fetched once. The fetch itself runs later, in the
posts.tasks.preview_fetch task, queued on commit; a post is saved whether or not it works.
"""

import hashlib
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import URLField
from django.utils import timezone
from django.utils.translation import gettext

from core.fetch import normalize_url
from posts.models import LinkPreview, Post
from posts.tasks import preview_fetch
from posts.text import parse


def url_hash(url: str) -> str:
    """Return the key a preview of the (normalised) url is stored under."""
    return hashlib.sha256(url.encode()).hexdigest()


def _first_link(body: str) -> str | None:
    """Return the normalised form of the first fetchable http(s) link in body, if any."""
    field = LinkPreview._meta.get_field("url")
    assert isinstance(field, URLField) and field.max_length is not None
    max_length = field.max_length
    for url in parse(body).urls:
        normalized = normalize_url(url)
        if normalized is not None and len(normalized) <= max_length:
            return normalized
    return None


def preview_queue(post: Post) -> None:
    """Point post at the preview of its first link (or at none) and, once the transaction
    commits, queue fetching that preview if it has not been fetched yet."""
    if not settings.MSG_PREVIEWS:
        return
    url = _first_link(post.body)
    preview = None
    if url is not None:
        preview, _ = LinkPreview.objects.get_or_create(
            url_hash=url_hash(url), defaults={"url": url}
        )
    if (preview.pk if preview is not None else None) != post.preview_id:
        post.preview = preview
        post.save(update_fields=["preview"])
    if preview is not None and preview.status == LinkPreview.Status.PENDING:
        # robust: the post is committed; a queue that is down leaves the preview pending (the
        # next post with the link queues it again), it does not turn the answer into an error.
        transaction.on_commit(partial(preview_fetch.enqueue, preview_id=preview.pk), robust=True)


@transaction.atomic
def preview_store(
    *, url: str, title: str, description: str = "", site_name: str = ""
) -> LinkPreview:
    """Store a card for url as fetched, without fetching it (demo data, imports)."""
    normalized = normalize_url(url)
    if normalized is None:
        raise ValidationError({"url": gettext("Enter an http or https link.")})
    preview, _ = LinkPreview.objects.update_or_create(
        url_hash=url_hash(normalized),
        defaults={
            "url": normalized,
            "status": LinkPreview.Status.OK,
            "title": title,
            "description": description,
            "site_name": site_name,
            "fetched_at": timezone.now(),
        },
    )
    return preview
