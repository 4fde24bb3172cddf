from django import template
from django.utils.safestring import SafeString

from posts import permissions
from posts.models import Post
from posts.permissions import User
from posts.text import render_body

register = template.Library()


@register.filter(name="render_body")
def render_body_filter(text: str) -> SafeString:
    """Render a post body as safe HTML (see posts.text)."""
    return render_body(text)


@register.filter
def is_author(post: Post, user: User) -> bool:
    """Return whether user wrote post: `{% if post|is_author:user %}` (no query)."""
    return permissions.is_author(user, post)


@register.filter
def can_edit(post: Post, user: User) -> bool:
    """Return whether user may edit post (posts.permissions.can_edit)."""
    return permissions.can_edit(user, post)


@register.filter
def can_delete(post: Post, user: User) -> bool:
    """Return whether user may delete post (posts.permissions.can_delete)."""
    return permissions.can_delete(user, post)


@register.filter
def can_delete_replies(post: Post, user: User) -> bool:
    """Return whether user may delete others' replies to post."""
    return permissions.can_delete_replies(user, post)


@register.filter
def filtered_phrase(post: Post) -> str | None:
    """Return the muted phrase a card folds behind (posts.selectors.cards): its own text's, or
    its quoted post's when the reader may see that post (else matching it would tell them
    which words a post hidden from them holds)."""
    own = getattr(post, "filtered", None)
    if own:
        return own
    if getattr(post, "quote_visible", False):
        return getattr(post, "quote_filtered", None)
    return None
