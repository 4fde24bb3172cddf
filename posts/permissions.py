"""Who may edit or delete a post: the one rule that services, views and templates ask.

Each check reads only what a post card or the post page has already loaded (the post, the
post it replies to and its thread's first post) and the user's permissions, which Django
loads once per request.
"""

from django.contrib.auth.models import AnonymousUser

from posts.models import Post, Visibility
from users.models import CustomUser

User = CustomUser | AnonymousUser


def is_author(user: User, post: Post) -> bool:
    """Return whether user wrote post (the check that needs no query)."""
    return user.is_authenticated and post.author_id == user.pk


def can_edit(user: User, post: Post) -> bool:
    """Return whether user may edit post: its author, or a moderator (posts.change_post).

    A repost has no text of its own, so nobody edits it.
    """
    if not user.is_authenticated or post.repost_of_id is not None:
        return False
    return post.author_id == user.pk or user.has_perm("posts.change_post")


def can_delete_replies(user: User, post: Post) -> bool:
    """Return whether user may delete others' replies to post: the author of post or of its
    thread's first post, or a moderator (posts.delete_post). Never a direct reply: only its
    author deletes a direct message (can_delete), so the post page offers no button for one."""
    if not user.is_authenticated:
        return False
    root = post.root or post
    if post.author_id == user.pk or root.author_id == user.pk:
        return True
    return user.has_perm("posts.delete_post")


def can_delete(user: User, post: Post) -> bool:
    """Return whether user may delete post: its author, the author of the post it replies to
    or of its thread's first post, or a moderator (posts.delete_post).

    A direct message only its author deletes: deleting one leaves the rest of the conversation
    (posts.services.post_delete), so nobody else has a reason to.
    """
    if not user.is_authenticated:
        return False
    if post.author_id == user.pk:
        return True
    if post.visibility == Visibility.DIRECT:
        return False
    if post.in_reply_to is not None and post.in_reply_to.author_id == user.pk:
        return True
    if post.root is not None and post.root.author_id == user.pk:
        return True
    return user.has_perm("posts.delete_post")
