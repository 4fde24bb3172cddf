"""Checks every post write shares: may this user see the post, and hold it while writing."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext

from posts.models import Post
from posts.selectors import visible_to
from users.models import CustomUser


def post_is_visible_to(*, post: Post, user: CustomUser) -> bool:
    """Whether user may see post: the selectors' rule (visible_to) applied to this one post."""
    return visible_to(user, include_mutes=False).filter(pk=post.pk).exists()


def require_visible(post: Post, user: CustomUser) -> None:
    """Raise PermissionDenied unless user may see post."""
    if not post_is_visible_to(post=post, user=user):
        raise PermissionDenied(gettext("You cannot interact with this post."))


def hold(post: Post) -> None:
    """Lock post until commit, so its deletion waits for this write (and takes it along).

    Raise Post.DoesNotExist (a 404) when a deletion committed since the post was read: the
    new row would point at nothing, and PostgreSQL would refuse it only at commit (a 500).
    """
    held = Post.objects.select_for_update(no_key=True).filter(pk=post.pk).values_list("pk")
    if not list(held):
        raise Post.DoesNotExist("This post was just deleted.")
