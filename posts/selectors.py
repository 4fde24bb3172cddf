"""Reads for posts: one queryset per question, shared by the HTML views and the API."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from posts.models import Post
from users.models import CustomUser


@dataclass(frozen=True)
class Page:
    """One page of a newest-first timeline, with the cursor for the next one."""

    items: list[Post]
    next_max_id: int | None


def paginate_newest_first(
    qs: QuerySet[Post], *, max_id: int | None, size: int | None = None
) -> Page:
    """Return the page of qs just below max_id (cursor pagination, no OFFSET)."""
    size = size or settings.MSG_PAGE_SIZE
    if max_id is not None:
        qs = qs.filter(id__lt=max_id)
    items = list(qs.order_by("-id")[: size + 1])
    has_more = len(items) > size
    items = items[:size]
    return Page(items=items, next_max_id=items[-1].pk if has_more else None)


def latest_posts() -> QuerySet[Post]:
    """Top-level posts from everyone, ready for cards."""
    return Post.objects.top_level().for_cards()


def user_posts(*, author: CustomUser) -> QuerySet[Post]:
    """An author's top-level posts, ready for cards."""
    return Post.objects.top_level().filter(author=author).for_cards()


def post_for_page(*, pk: int, username: str) -> QuerySet[Post]:
    """The single post at /@username/pk/ (empty when the name does not match)."""
    return (
        Post.objects.for_cards()
        .select_related("in_reply_to__author")
        .filter(pk=pk, author__username__iexact=username)
    )


def post_comments(*, post: Post) -> QuerySet[Post]:
    """Comments on post, oldest first."""
    return post.replies.for_cards().order_by("id")  # type: ignore[attr-defined]
