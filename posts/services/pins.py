"""Pinned posts: up to MAX_PINS of your own public or unlisted posts, shown first on your
profile. Nothing else sets Post.pinned_at."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from posts.models import OPEN_VISIBILITIES, Post
from users.models import CustomUser

MAX_PINS = 5


@transaction.atomic
def post_pin(*, user: CustomUser, post: Post) -> Post:
    """Pin one of your own public or unlisted posts to your profile (idempotent)."""
    if post.author_id != user.pk:
        raise PermissionDenied(gettext("You can only pin your own posts."))
    if post.repost_of_id is not None or post.in_reply_to_id is not None:
        raise PermissionDenied(gettext("Only posts can be pinned, not comments or reposts."))
    if post.visibility not in OPEN_VISIBILITIES:
        raise PermissionDenied(gettext("Only public or unlisted posts can be pinned."))
    # The author's row serialises their pins, so two pins sent together cannot both pass the
    # limit (FOR NO KEY UPDATE: rows pointing at the user, a like say, do not wait for it).
    list(CustomUser.objects.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk"))
    this = Post.objects.filter(pk=post.pk)
    rows = list(this.select_for_update(no_key=True).values_list("pinned_at", flat=True))
    if not rows:
        raise Post.DoesNotExist("This post was just deleted.")
    if rows[0] is not None:
        post.pinned_at = rows[0]
        return post
    if Post.objects.filter(author=user, pinned_at__isnull=False).count() >= MAX_PINS:
        raise PermissionDenied(
            gettext("You can pin up to %(count)d posts. Unpin one first.") % {"count": MAX_PINS}
        )
    post.pinned_at = timezone.now()
    this.update(pinned_at=post.pinned_at)
    return post


@transaction.atomic
def post_unpin(*, user: CustomUser, post: Post) -> bool:
    """Take one of your posts off the top of your profile; return whether it was pinned."""
    if post.author_id != user.pk:
        raise PermissionDenied(gettext("You can only unpin your own posts."))
    post.pinned_at = None
    return bool(Post.objects.filter(pk=post.pk, pinned_at__isnull=False).update(pinned_at=None))
