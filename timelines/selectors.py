"""The reads behind every timeline: home, explore, profile, tag, bookmarks, search, a thread.

Each function returns a queryset that the HTML views and the API both consume. `cards` adds
what a post card shows (author, the reposted original, counts, the reader's own marks) as
joins, subqueries and two prefetches, so a page costs the same number of queries whether it
holds 1 post or 40 and whether the reader follows 1 account or 5,000.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from msg_project.queries import subquery_count
from posts.models import Bookmark, Like, Post, PostImage, Tag, Visibility
from posts.text import normalize_tag
from users.models import Block, CustomUser
from users.relations import followee_ids, hidden_author_ids, people_shown_to


@dataclass(frozen=True)
class Page:
    """One page of a newest-first list, with the cursor for the next one."""

    items: list
    next_max_id: int | None


def paginate(qs: QuerySet, *, max_id: int | None, size: int | None = None, key: str = "id") -> Page:
    """Return the page of qs just below max_id, newest first by key (a cursor, never OFFSET)."""
    size = size or settings.MSG_PAGE_SIZE
    if max_id is not None:
        qs = qs.filter(**{f"{key}__lt": max_id})
    items = list(qs.order_by(f"-{key}")[: size + 1])
    has_more = len(items) > size
    items = items[:size]
    return Page(items=items, next_max_id=getattr(items[-1], key) if has_more else None)


@dataclass(frozen=True)
class ThreadPage:
    """One page of an oldest-first list (comments), with the cursor for the next one."""

    items: list
    next_after: int | None


def paginate_oldest_first(qs: QuerySet, *, after: int | None, size: int) -> ThreadPage:
    """Return the page of qs just after the id `after`, oldest first (a cursor, never OFFSET)."""
    if after is not None:
        qs = qs.filter(id__gt=after)
    items = list(qs.order_by("id")[: size + 1])
    has_more = len(items) > size
    items = items[:size]
    return ThreadPage(items=items, next_after=items[-1].pk if has_more else None)


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


def home(viewer: CustomUser) -> QuerySet[Post]:
    """Your posts, the top-level posts of people you follow, and their reposts."""
    authors = Q(author=viewer) | Q(author__in=followee_ids(viewer))
    return cards(visible_to(viewer).filter(authors, in_reply_to__isnull=True), viewer)


def explore(viewer: CustomUser) -> QuerySet[Post]:
    """All public top-level posts on the server (no reposts, no comments)."""
    return cards(
        visible_to(viewer).filter(
            visibility=Visibility.PUBLIC, in_reply_to__isnull=True, repost_of__isnull=True
        ),
        viewer,
    )


def profile(
    viewer: CustomUser, author: CustomUser, *, with_comments: bool = False
) -> QuerySet[Post]:
    """An author's posts and reposts (and comments, on the second tab), as viewer may see them."""
    qs = visible_to(viewer, include_mutes=False).filter(author=author)
    if not with_comments:
        qs = qs.filter(in_reply_to__isnull=True)
    return cards(qs, viewer)


def tag(viewer: CustomUser, tag: Tag) -> QuerySet[Post]:
    """Posts carrying tag."""
    return cards(visible_to(viewer).filter(tags=tag, repost_of__isnull=True), viewer)


def bookmarks(viewer: CustomUser) -> QuerySet[Post]:
    """The posts viewer saved, newest bookmark first (paginate with key="bookmark_id")."""
    mine = Bookmark.objects.filter(user=viewer)
    qs = (
        visible_to(viewer, include_mutes=False)
        .filter(pk__in=mine.values("post_id"))
        .annotate(bookmark_id=Subquery(mine.filter(post=OuterRef("pk")).values("id")[:1]))
    )
    return cards(qs, viewer)


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
    from posts.search import search_posts as full_text

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


def search_people(viewer: CustomUser, text: str, *, limit: int = 10) -> QuerySet[CustomUser]:
    """Active accounts whose username or display name starts with text (blocked ones hidden)."""
    qs = CustomUser.objects.filter(
        Q(username__istartswith=text) | Q(display_name__istartswith=text), is_active=True
    )
    for hidden in hidden_author_ids(viewer, include_mutes=False):
        qs = qs.exclude(pk__in=hidden)
    return qs.order_by("username")[:limit]
