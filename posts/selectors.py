"""Reads of posts: who may see a post (visible_to), what a card shows (cards), one post by its
address or id, the comments, likes and reposts under it, and search.

Each function returns a queryset that the HTML views and the API both consume. `cards` adds
what a post card shows (author, the reposted original, counts, the reader's own marks) as
joins, subqueries and two prefetches, so a page costs the same number of queries whether it
holds 1 post or 40 and whether the reader follows 1 account or 5,000.
"""

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from core.queries import subquery_count
from posts.models import Bookmark, Like, Post, PostImage, Tag, Visibility
from posts.search import search_posts as full_text
from posts.text import normalize_tag
from social.models import Block
from social.selectors import followee_ids, hidden_author_ids, people_shown_to
from users.models import CustomUser


def _thread_blocked(prefix: str = "") -> Exists:
    """Whether the post (or, with prefix "repost_of__", the reposted one) is a comment whose
    thread's first author blocked its author: a block covers the blocker's whole thread."""
    return Exists(
        Block.objects.filter(
            blocker__posts=OuterRef(f"{prefix}root"), blocked=OuterRef(f"{prefix}author")
        )
    )


def visible_to(viewer: CustomUser, *, include_mutes: bool = True) -> QuerySet[Post]:
    """Posts viewer may see: public or their own or followers-only from people they follow,
    never from (or reposting) accounts blocked either way, nor muted ones when asked, nor
    deactivated ones; and no comment whose thread's author blocked its author (but its own)."""
    hidden = Q(repost_of__author__is_active=False) | Q(_thread_blocked("repost_of__"))
    for ids in hidden_author_ids(viewer, include_mutes=include_mutes):
        hidden |= Q(author__in=ids) | Q(repost_of__author__in=ids)
    # One filter() and one exclude(): every call clones the whole query, so building it in
    # many small steps cost more than running it.
    return Post.objects.filter(
        Q(visibility=Visibility.PUBLIC)
        | Q(author=viewer)
        | Q(audience=viewer)
        | Q(audience__in=followee_ids(viewer)),
        author__is_active=True,
    ).exclude(hidden | (Q(_thread_blocked()) & ~Q(author=viewer)))


def cards(qs: QuerySet[Post], viewer: CustomUser) -> QuerySet[Post]:
    """Add everything a post card shows. For a repost, counts and marks are the original's."""
    images = Prefetch("images", queryset=PostImage.objects.order_by("position", "id"))
    original_images = Prefetch(
        "repost_of__images", queryset=PostImage.objects.order_by("position", "id")
    )
    return (
        qs.select_related(
            "author", "repost_of__author", "in_reply_to__author", "repost_of__in_reply_to__author"
        )
        .prefetch_related(images, original_images)
        .annotate(target_id=Coalesce(F("repost_of_id"), F("id")))
        .annotate(
            # Deactivated accounts' comments, likes and reposts are not counted: they are gone
            # from every list, so the numbers agree with the lists.
            comment_count=subquery_count(
                Post.objects.filter(in_reply_to=OuterRef("target_id"), author__is_active=True),
                "in_reply_to",
            ),
            like_count=subquery_count(
                Like.objects.filter(post=OuterRef("target_id"), user__is_active=True), "post"
            ),
            repost_count=subquery_count(
                Post.objects.filter(repost_of=OuterRef("target_id"), author__is_active=True),
                "repost_of",
            ),
            liked=Exists(Like.objects.filter(user=viewer, post=OuterRef("target_id"))),
            reposted=Exists(Post.objects.filter(author=viewer, repost_of=OuterRef("target_id"))),
            bookmarked=Exists(Bookmark.objects.filter(user=viewer, post=OuterRef("target_id"))),
        )
    )


def post_get_visible(viewer: CustomUser, pk: int) -> QuerySet[Post]:
    """The post with this id, as a card, if viewer may see it (the API's lookup by id)."""
    return cards(visible_to(viewer, include_mutes=False).filter(pk=pk), viewer)


def thread_post(viewer: CustomUser, *, username: str, pk: int) -> QuerySet[Post]:
    """The post at /@username/pk/, if viewer may see it."""
    qs = visible_to(viewer, include_mutes=False).filter(pk=pk, author__username__iexact=username)
    return cards(qs, viewer).select_related("in_reply_to__author", "root")


def post_at(*, username: str, pk: int) -> QuerySet[Post]:
    """The post at /@username/pk/, whoever may see it: only for taking back one's own marks."""
    return Post.objects.filter(pk=pk, author__username__iexact=username)


def thread_comment_of(viewer: CustomUser, *, username: str, pk: int) -> QuerySet[Post]:
    """The comment at /@username/pk/ if it sits in viewer's thread (below a post of theirs),
    even when a block hides it from them: they may always delete it."""
    qs = post_at(username=username, pk=pk).filter(
        Q(in_reply_to__author=viewer) | Q(root__author=viewer)
    )
    return cards(qs, viewer).select_related("in_reply_to__author", "root")


def comments(viewer: CustomUser, post: Post) -> QuerySet[Post]:
    """Comments on post that viewer may see, oldest first."""
    qs = visible_to(viewer, include_mutes=False).filter(in_reply_to=post)
    return cards(qs, viewer).order_by("id")


def likers(viewer: CustomUser, post: Post) -> QuerySet[Like]:
    """Likes of post with their users, newest first, without accounts blocked either way or
    deactivated."""
    qs = Like.objects.filter(post=post).select_related("user").order_by("-id")
    return people_shown_to(qs, viewer, person="user")


def reposters(viewer: CustomUser, post: Post) -> QuerySet[Post]:
    """Reposts of post with their authors, newest first, without accounts blocked either way or
    deactivated."""
    qs = Post.objects.filter(repost_of=post).select_related("author").order_by("-id")
    return people_shown_to(qs, viewer, person="author")


def search_posts(viewer: CustomUser, text: str, *, limit: int = 20) -> QuerySet[Post]:
    """Posts matching text that viewer may see, best match first."""
    return full_text(
        cards(visible_to(viewer).filter(repost_of__isnull=True), viewer), text, limit=limit
    )


def search_tags(viewer: CustomUser, text: str, *, limit: int = 10) -> QuerySet[Tag]:
    """Hashtags starting with text that are on at least one post viewer may see."""
    seen = visible_to(viewer, include_mutes=False).filter(tags=OuterRef("pk"))
    return (
        Tag.objects.filter(name__startswith=normalize_tag(text))
        .filter(Exists(seen))
        .order_by("name")[:limit]
    )
