"""Reads of posts: who may see a post (visible_to), what a card shows (cards), one post by its
address or id, the comments, likes and reposts under it, and search.

Each function returns a queryset that the HTML views and the API both consume. `cards` adds
what a post card shows (author, the reposted original, counts, the reader's own marks) as
joins, subqueries and two prefetches, so a page costs the same number of queries whether it
holds 1 post or 40 and whether the reader follows 1 account or 5,000.
"""

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from core.queries import subquery_count
from posts.models import Bookmark, Like, Post, PostImage, Tag, Visibility
from posts.search import search_posts as full_text
from posts.text import normalize_tag
from social.models import Block, Follow
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
    """Return the posts viewer may see.

    That is: public ones, their own, and followers-only ones of accounts they follow; never
    from (or reposting) accounts blocked either way, nor muted ones when asked, nor deactivated
    ones; and no comment whose thread's author blocked its author (but viewer's own).
    """
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


def users_who_can_see(post: Post, user_ids: Iterable[int] | QuerySet) -> QuerySet[CustomUser]:
    """Return the users among user_ids who may see post, in one query.

    The rule of visible_to(user, include_mutes=False), asked of one post for many readers.
    Only a post's immutable fields (author, audience, visibility, repost_of) are read from the
    instance; accounts, follows and blocks are read from the database.
    """
    reader = OuterRef("pk")
    this = Post.objects.filter(pk=post.pk)
    authors = Post.objects.filter(pk__in=[pk for pk in (post.pk, post.repost_of_id) if pk])
    shown = this.filter(author__is_active=True).exclude(
        Q(repost_of__author__is_active=False) | Q(_thread_blocked("repost_of__"))
    )
    blocked = Block.objects.filter(
        Q(blocker=reader, blocked__in=authors.values("author_id"))
        | Q(blocked=reader, blocker__in=authors.values("author_id"))
    )
    qs = CustomUser.objects.filter(pk__in=user_ids).filter(Exists(shown))
    if post.visibility != Visibility.PUBLIC:
        audience = Q(pk=post.author_id)
        if post.audience_id is not None:
            followers = Follow.objects.filter(follower=reader, followee=post.audience_id)
            audience |= Q(pk=post.audience_id) | Q(Exists(followers))
        qs = qs.filter(audience)
    thread_blocked = Exists(this.filter(_thread_blocked()))
    return qs.exclude(Q(Exists(blocked)) | (Q(thread_blocked) & ~Q(pk=post.author_id)))


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
    """Return the post with this id, as a card, if viewer may see it (the API's lookup)."""
    return cards(visible_to(viewer, include_mutes=False).filter(pk=pk), viewer)


def thread_post(viewer: CustomUser, *, username: str, pk: int) -> QuerySet[Post]:
    """Return the post at /@username/pk/, if viewer may see it."""
    qs = visible_to(viewer, include_mutes=False).filter(pk=pk, author__username__iexact=username)
    return cards(qs, viewer).select_related("in_reply_to__author", "root")


def post_at(*, username: str, pk: int) -> QuerySet[Post]:
    """Return the post at /@username/pk/ whoever may see it (to take back one's marks)."""
    return Post.objects.filter(pk=pk, author__username__iexact=username)


def thread_comment_of(viewer: CustomUser, *, username: str, pk: int) -> QuerySet[Post]:
    """Return the comment at /@username/pk/ if it sits in viewer's thread (below a post of theirs),
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
    """Return the posts matching text that viewer may see, best match first."""
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


def tag_get(name: str) -> Tag:
    """Return the tag stored under name (normalised), or an unsaved one: an unknown tag and a
    tag used only on posts the reader cannot see must look the same."""
    name = normalize_tag(name.replace("\x00", ""))  # no database stores NUL in text
    return Tag.objects.filter(name=name).first() or Tag(name=name)
