"""Edit history: an edit keeps the version it replaces (text, content warning, sensitive mark,
images and their alt text) as a PostEdit row, and the files only a kept version names go with
the post when it is deleted.

post_edit (posts.services) and the media service's alt-text edit both come through here, so a
version is stored the same way whichever part of the post changes.
"""

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone

from posts.models import Post, PostEdit, PostImage


def post_lock(post: Post) -> None:
    """Lock post until commit and reload what a version records, so two edits at once each keep
    the version they really replace (and a deletion waits for the edit, taking it along).

    Raise Post.DoesNotExist (a 404) when the post was deleted since it was read.
    """
    current = (
        Post.objects.select_for_update(no_key=True)
        .filter(pk=post.pk)
        .values_list("body", "spoiler_text", "sensitive", "edited_at")
        .first()
    )
    if current is None:
        raise Post.DoesNotExist("This post was just deleted.")
    post.body, post.spoiler_text, post.sensitive, post.edited_at = current


def _image_entry(image: PostImage) -> dict[str, str | int]:
    return {
        "image": image.image.name or "",
        "thumbnail": image.thumbnail.name or "",
        "alt_text": image.alt_text,
        "width": image.width,
        "height": image.height,
    }


def version_store(post: Post, images: Sequence[PostImage] | None = None) -> PostEdit:
    """Keep post's version as it stands in memory, with images (by default, those attached
    now): call it before changing anything. It is dated from the post's last edit, or its
    creation."""
    if images is None:
        images = list(post.images.all())
    return PostEdit.objects.create(
        post=post,
        body=post.body,
        spoiler_text=post.spoiler_text,
        sensitive=post.sensitive,
        images=[_image_entry(image) for image in images],
        created_at=post.edited_at or post.created_at,
    )


@transaction.atomic
def post_snapshot(post: Post) -> PostEdit:
    """Keep post's current version and mark the post edited now.

    For a change made outside post_edit, such as the alt text of an attached image through the
    media service: call it BEFORE changing anything, in the same transaction, and only when
    something really changes.
    """
    post_lock(post)
    version = version_store(post)
    post.edited_at = timezone.now()
    post.save(update_fields=["edited_at"])
    return version


def version_file_names(post_ids: Iterable[int]) -> set[str]:
    """Return the names of the image files that the kept versions of these posts name."""
    names: set[str] = set()
    for images in PostEdit.objects.filter(post_id__in=list(post_ids)).values_list(
        "images", flat=True
    ):
        for entry in images or ():
            for key in ("image", "thumbnail"):
                name = entry.get(key) if isinstance(entry, dict) else None
                if isinstance(name, str) and name:
                    names.add(name)
    return names
