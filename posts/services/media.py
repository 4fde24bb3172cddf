"""Media uploaded before the post: drafts owned by their uploader, attached by id.

An image is checked and resized as soon as it is chosen (media_upload) and stored as a draft
(a PostImage without a post). A post then attaches up to MAX_IMAGES drafts by id (post_create
calls drafts_to_attach and attach); drafts nobody attached within a day are deleted by
`manage.py delete_stale_media` (media_delete_stale). The alt text may be empty on a draft,
never on an attached image.
"""

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core import images
from core.text import NUL_REFUSED
from posts.models import Post, PostImage
from posts.permissions import can_edit
from posts.services.history import version_store
from users.models import CustomUser

MAX_IMAGES = 4
IMAGE_MAX_BYTES = 10 * 1024 * 1024
IMAGE_LONGEST_SIDE = 1600
THUMBNAIL_LONGEST_SIDE = 480
ALT_TEXT_MAX_LENGTH = PostImage._meta.get_field("alt_text").max_length or 1500
# Drafts waiting at once per account: enough for several posts in the making, and a bound on
# what one account can leave on the disk (a soft one: two uploads at once may pass it by one).
MAX_DRAFTS = 20
DRAFT_LIFETIME = timedelta(hours=24)
ALT_REQUIRED = gettext_lazy("Describe every image (alt text) for people who cannot see it.")
NOT_ATTACHABLE = gettext_lazy("That image is not one of your uploads waiting to be posted.")

Prepared = tuple[images.CleanImage, images.CleanImage]


def image_prepare(file: UploadedFile, *, stem: str = "") -> Prepared:
    """Check one upload and return its stored copy and thumbnail, upright and without EXIF, or
    raise ValidationError (plain messages) saying why it cannot be used. Nothing is stored."""
    return images.bounded(
        file,
        max_bytes=IMAGE_MAX_BYTES,
        longest=IMAGE_LONGEST_SIDE,
        thumbnail=THUMBNAIL_LONGEST_SIDE,
        stem=stem or uuid.uuid4().hex[:12],
    )


def image_store(attachment: PostImage, prepared: Prepared) -> PostImage:
    """Write the prepared files of attachment to storage and save its row."""
    full, thumb = prepared
    attachment.image.save(full.name, full.content, save=False)
    attachment.thumbnail.save(thumb.name, thumb.content, save=False)
    # A draft may wait for its description (alt_text_clean checks it; attaching requires it).
    blank_draft = attachment.post_id is None and not attachment.alt_text
    # The owner and post are the caller's own rows: no query to check that they exist.
    exclude = ["image", "thumbnail", "owner", "post", *(["alt_text"] if blank_draft else [])]
    attachment.full_clean(exclude=exclude)
    attachment.save()
    return attachment


def alt_text_clean(text: str, *, required: bool) -> str:
    """Return alt text trimmed, or raise ValidationError ({"alt_text": ...}) if it is empty
    when required, too long, or holds NUL. A line end counts as one character (CRLF from a
    textarea is stored as LF), as the compose form's counter shows."""
    alt = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if required and not alt:
        raise ValidationError({"alt_text": ALT_REQUIRED})
    if "\x00" in alt:
        raise ValidationError({"alt_text": NUL_REFUSED})
    if len(alt) > ALT_TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                "alt_text": gettext("Alt text is limited to %(limit)d characters.")
                % {"limit": ALT_TEXT_MAX_LENGTH}
            }
        )
    return alt


def _delete_files_on_commit(drafts: Sequence[PostImage]) -> None:
    """Delete the drafts' files once their rows' deletion commits (a rollback keeps both)."""
    files = [(f.storage, f.name) for d in drafts for f in (d.image, d.thumbnail) if f.name]

    def delete_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete_files)


@transaction.atomic
def media_upload(*, owner: CustomUser, file: UploadedFile, alt_text: str = "") -> PostImage:
    """Store an image as a draft of owner's, to attach to a post by its id."""
    alt = alt_text_clean(alt_text, required=False)
    if PostImage.objects.filter(owner=owner, post__isnull=True).count() >= MAX_DRAFTS:
        raise ValidationError(
            {
                "file": gettext(
                    "You have %(count)d images waiting to be posted: post or remove some."
                )
                % {"count": MAX_DRAFTS}
            }
        )
    try:
        prepared = image_prepare(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    return image_store(PostImage(owner=owner, alt_text=alt), prepared)


def _lock_post_then_image(media: PostImage) -> tuple[Post | None, PostImage]:
    """Lock media's post, if it has one (reading the whole row: its version may be kept), then
    media itself, and return both as they stand now."""
    post_id = media.post_id
    if post_id is None:
        images = PostImage.objects.select_for_update()
        draft = images.filter(pk=media.pk, post__isnull=True).first()
        if draft is not None:
            return None, draft  # still a draft: no post to lock first
        # Posted since it was read (an image never leaves its post), or deleted.
        post_id = PostImage.objects.filter(pk=media.pk).values_list("post_id", flat=True).first()
        if post_id is None:
            raise PostImage.DoesNotExist("This image was just deleted.")
    # posts.services.history.post_lock's lock.
    post = Post.objects.select_for_update(no_key=True).filter(pk=post_id).first()
    if post is None:
        raise Post.DoesNotExist("This post was just deleted.")
    image = PostImage.objects.select_for_update().filter(pk=media.pk, post_id=post_id).first()
    if image is None:
        raise PostImage.DoesNotExist("This image was just deleted.")
    return post, image


@transaction.atomic
def media_update(*, owner: CustomUser, media: PostImage, alt_text: str) -> PostImage:
    """Change the description (alt text) of one of owner's drafts, or of an image in a post
    owner may edit; an attached image keeps a description, and its post keeps the version
    before the change (edit history).

    The post is locked before the image, in the order post_edit and post_delete take them, so
    an edit or deletion of the post at the same moment waits instead of deadlocking.
    """
    post, locked = _lock_post_then_image(media)
    if post is None and locked.owner_id != owner.pk:
        raise PermissionDenied(gettext("This image is not yours."))
    if post is not None and not can_edit(owner, post):
        raise PermissionDenied(gettext("Only the author can describe this image."))
    alt = alt_text_clean(alt_text, required=post is not None)
    if alt != locked.alt_text:
        if post is not None:
            version_store(post)
            post.edited_at = timezone.now()
            post.save(update_fields=["edited_at"])
        locked.alt_text = alt
        locked.save(update_fields=["alt_text"])
    media.alt_text = alt
    return locked


@transaction.atomic
def media_describe(*, owner: CustomUser, alt_texts: Mapping[int, str]) -> None:
    """Save the alt texts (by draft id) of owner's drafts, as typed in the compose form.

    Ids that are not owner's drafts are left alone (drafts_to_attach refuses them when they are
    attached); two queries however many drafts change.
    """
    if not alt_texts:
        return
    cleaned = {pk: alt_text_clean(text, required=False) for pk, text in alt_texts.items()}
    drafts = PostImage.objects.select_for_update().filter(
        pk__in=list(cleaned), owner=owner, post__isnull=True
    )
    changed = []
    for draft in drafts.only("pk", "alt_text"):
        if draft.alt_text != cleaned[draft.pk]:
            draft.alt_text = cleaned[draft.pk]
            changed.append(draft)
    if changed:
        PostImage.objects.bulk_update(changed, ["alt_text"])


@transaction.atomic
def media_delete(*, owner: CustomUser, media: PostImage) -> None:
    """Delete one of owner's drafts and, on commit, its files (an attached image goes with its
    post, or through an edit of it)."""
    draft = (
        PostImage.objects.select_for_update()
        .filter(pk=media.pk, owner=owner, post__isnull=True)
        .first()
    )
    if draft is None:
        raise PermissionDenied(NOT_ATTACHABLE)
    _delete_files_on_commit([draft])
    draft.delete()


@transaction.atomic
def drafts_delete(*, owner: CustomUser) -> int:
    """Delete all of owner's drafts and, on commit, their files (account deletion: the rows
    would go by cascade, the files would stay served); return how many were deleted."""
    drafts = list(
        PostImage.objects.select_for_update()
        .filter(owner=owner, post__isnull=True)
        .only("pk", "image", "thumbnail")
        .order_by("pk")
    )
    if not drafts:
        return 0
    _delete_files_on_commit(drafts)
    PostImage.objects.filter(pk__in=[d.pk for d in drafts], post__isnull=True).delete()
    return len(drafts)


def drafts_to_attach(*, owner: CustomUser, ids: Sequence[int], extra: int = 0) -> list[PostImage]:
    """Return owner's unattached drafts with these ids in that order, or raise ValidationError
    ({"media": ...}) if one is missing, not theirs, already attached, or there are too many
    (counting `extra` images uploaded with the post itself).

    The drafts stay locked until commit, so two posts cannot both take the same draft: the
    second waits, then finds it attached (on SQLite, writers are serialised anyway).
    """
    if not ids:
        return []
    ids = list(ids)
    if len(set(ids)) != len(ids):
        raise ValidationError({"media": gettext("The same image is attached twice.")})
    if len(ids) + extra > MAX_IMAGES:
        raise ValidationError(
            {"media": gettext("Attach at most %(count)d images to a post.") % {"count": MAX_IMAGES}}
        )
    found = {
        draft.pk: draft
        for draft in PostImage.objects.select_for_update().filter(
            pk__in=ids, owner=owner, post__isnull=True
        )
    }
    if len(found) != len(ids):
        raise ValidationError({"media": NOT_ATTACHABLE})
    drafts = [found[pk] for pk in ids]
    if any(not draft.alt_text.strip() for draft in drafts):
        raise ValidationError({"media": ALT_REQUIRED})
    return drafts


def attach(post: Post, drafts: Sequence[PostImage], *, start: int = 0) -> None:
    """Attach drafts to post at positions start, start+1, ... (one query)."""
    if not drafts:
        return
    for position, draft in enumerate(drafts, start=start):
        if draft.owner_id != post.author_id:
            raise PermissionDenied(gettext("Only the uploader can attach an image."))
        draft.post, draft.position = post, position
    PostImage.objects.bulk_update(drafts, ["post", "position"])


@transaction.atomic
def _delete_stale_batch(cutoff: datetime, size: int) -> int:
    # Locked and read again, so a post attaching one of them at this moment either takes it
    # first (and it is no longer a draft here) or finds it gone.
    stale = list(
        PostImage.objects.select_for_update()
        .filter(post__isnull=True, created_at__lt=cutoff)
        .only("pk", "image", "thumbnail")
        .order_by("pk")[:size]
    )
    if not stale:
        return 0
    _delete_files_on_commit(stale)
    PostImage.objects.filter(pk__in=[d.pk for d in stale], post__isnull=True).delete()
    return len(stale)


def media_delete_stale(*, older_than: timedelta = DRAFT_LIFETIME, batch: int = 500) -> int:
    """Delete the drafts nobody attached within older_than, and their files once each batch
    commits; return how many were deleted."""
    cutoff = timezone.now() - older_than
    total = 0
    while True:
        deleted = _delete_stale_batch(cutoff, batch)
        total += deleted
        if deleted < batch:
            return total
