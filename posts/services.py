"""Writes for posts and comments. Everything that changes a Post goes through here."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from posts.models import Post
from users.models import CustomUser


def post_body_clean(body: str) -> str:
    """Return body with line endings normalised and outer whitespace trimmed, or raise."""
    text = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    limit = settings.MSG_MAX_POST_LENGTH
    if not text:
        raise ValidationError({"body": "Write something first: a post cannot be empty."})
    if len(text) > limit:
        raise ValidationError(
            {"body": f"Posts are limited to {limit} characters; this one has {len(text)}."}
        )
    return text


@transaction.atomic
def post_create(*, author: CustomUser, body: str, in_reply_to: Post | None = None) -> Post:
    """Publish a micropost (or a comment, when it replies to another post)."""
    post = Post(author=author, body=post_body_clean(body), in_reply_to=in_reply_to)
    post.full_clean()
    post.save()
    return post


def post_can_edit(*, user: CustomUser, post: Post) -> bool:
    """Only the author (or a moderator with the admin permission) may edit."""
    if not user.is_authenticated:
        return False
    return post.author_id == user.pk or user.has_perm("posts.change_post")


def post_can_delete(*, user: CustomUser, post: Post) -> bool:
    """The author may delete; so may the author of the post a comment replies to."""
    if not user.is_authenticated:
        return False
    if post.author_id == user.pk:
        return True
    if post.in_reply_to is not None and post.in_reply_to.author_id == user.pk:
        return True
    return user.has_perm("posts.delete_post")


@transaction.atomic
def post_edit(*, user: CustomUser, post: Post, body: str) -> Post:
    """Change the text of a post or comment; only its author may."""
    if not post_can_edit(user=user, post=post):
        raise PermissionDenied("Only the author can edit this.")
    post.body = post_body_clean(body)
    post.edited_at = timezone.now()
    post.full_clean()
    post.save(update_fields=["body", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, user: CustomUser, post: Post) -> int:
    """Delete a post with its comments; return how many posts were removed."""
    if not post_can_delete(user=user, post=post):
        raise PermissionDenied("You cannot delete this.")
    _, by_model = post.delete()
    return by_model.get(Post._meta.label, 0)
