"""The reads behind every timeline: home, explore, an author's profile, a tag, bookmarks.

Each is posts.selectors.visible_to narrowed to the timeline, with posts.selectors.cards on
top, so the HTML views and the API consume the same querysets.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from posts.models import OPEN_VISIBILITIES, Bookmark, Like, Post, PostImage, Tag, Visibility
from posts.selectors import LISTED_NOWHERE, cards, trending_tags, visible_to, visible_to_anyone
from social.models import FilterContext
from social.selectors import followee_ids, who_to_follow
from users.models import CustomUser


def home(viewer: CustomUser) -> QuerySet[Post]:
    """Your posts, the top-level posts of people you follow, and their reposts (no direct
    messages: those are in conversations)."""
    authors = Q(author=viewer) | Q(author__in=followee_ids(viewer))
    qs = visible_to(viewer).filter(authors, in_reply_to__isnull=True).exclude(LISTED_NOWHERE)
    return cards(qs, viewer, filter_context=FilterContext.HOME)


def explore(viewer: CustomUser) -> QuerySet[Post]:
    """All public top-level posts on the server (no reposts, no comments)."""
    return cards(
        visible_to(viewer).filter(
            visibility=Visibility.PUBLIC, in_reply_to__isnull=True, repost_of__isnull=True
        ),
        viewer,
        filter_context=FilterContext.PUBLIC,
    )


def profile(
    viewer: CustomUser, author: CustomUser, *, with_comments: bool = False
) -> QuerySet[Post]:
    """Return an author's posts and reposts (with comments, on the second tab) for viewer."""
    qs = visible_to(viewer, include_mutes=False).filter(author=author).exclude(LISTED_NOWHERE)
    if not with_comments:
        qs = qs.filter(in_reply_to__isnull=True)
    return cards(qs, viewer)


def tag(viewer: CustomUser, tag: Tag) -> QuerySet[Post]:
    """Return the posts carrying tag (never unlisted or direct ones)."""
    qs = visible_to(viewer).filter(tags=tag, repost_of__isnull=True)
    qs = qs.exclude(visibility__in=[Visibility.UNLISTED, Visibility.DIRECT])
    return cards(qs, viewer, filter_context=FilterContext.PUBLIC)


def bookmarks(viewer: CustomUser) -> QuerySet[Post]:
    """Return the posts viewer saved, newest bookmark first (paginate with key="bookmark_id")."""
    mine = Bookmark.objects.filter(user=viewer)
    qs = (
        visible_to(viewer, include_mutes=False)
        .filter(pk__in=mine.values("post_id"))
        .annotate(bookmark_id=Subquery(mine.filter(post=OuterRef("pk")).values("id")[:1]))
    )
    return cards(qs, viewer)


# Visitors (MSG_PUBLIC_PAGES): what pages and feeds list for someone who is not logged in.


def public_posts() -> QuerySet[Post]:
    """Return the posts listed to visitors: public ones and reposts of public ones (an unlisted
    post is shown only at its own address)."""
    return visible_to_anyone().filter(
        Q(repost_of__isnull=True) | Q(repost_of__visibility=Visibility.PUBLIC),
        visibility=Visibility.PUBLIC,
    )


def public_profile(author: CustomUser, *, with_comments: bool = False) -> QuerySet[Post]:
    """Return an author's public posts and reposts (with comments, on the second tab) for a
    visitor."""
    qs = public_posts().filter(author=author)
    if not with_comments:
        qs = qs.filter(in_reply_to__isnull=True)
    return cards(qs, None)


def public_tag(tag: Tag) -> QuerySet[Post]:
    """Return the public posts carrying tag, for a visitor."""
    return cards(public_posts().filter(tags=tag, repost_of__isnull=True), None)


def feed_author(author: CustomUser) -> QuerySet[Post]:
    """Return an author's public top-level posts (no reposts) for their feed, newest first."""
    qs = public_posts().filter(author=author, in_reply_to__isnull=True, repost_of__isnull=True)
    return qs.select_related("author").order_by("-id")


def feed_tag(tag: Tag) -> QuerySet[Post]:
    """Return the public posts carrying tag for its feed, newest first."""
    qs = public_posts().filter(tags=tag, repost_of__isnull=True)
    return qs.select_related("author").order_by("-id")


# Pinned posts (posts.services.pins) ----------------------------------------------------------


def with_pin_flag(users: QuerySet[CustomUser]) -> QuerySet[CustomUser]:
    """Annotate each account with has_pinned, so a profile without pins asks nothing more."""
    pins = Post.objects.filter(author=OuterRef("pk"), pinned_at__isnull=False)
    return users.annotate(has_pinned=Exists(pins))


def pinned(viewer: CustomUser | None, author: CustomUser) -> QuerySet[Post]:
    """Return author's pinned posts that viewer (None: a visitor) may see, last pinned first."""
    # A visitor's lists hold public posts only: a pinned unlisted post stays at its address.
    seen = public_posts() if viewer is None else visible_to(viewer, include_mutes=False)
    qs = seen.filter(
        author=author,
        pinned_at__isnull=False,
        in_reply_to__isnull=True,
        repost_of__isnull=True,
        visibility__in=OPEN_VISIBILITIES,
    )
    return cards(qs, viewer).order_by("-pinned_at", "-id")


# Where to start: who to follow and trending tags (the right column, a new member's home) ------

TRENDING_DAYS = 7


def trending(viewer: CustomUser | None, *, limit: int = 5) -> QuerySet[Tag]:
    """Return the tags most used in public posts of the last 7 days, leaving out those of
    accounts blocked either way with viewer (posts.selectors)."""
    return trending_tags(viewer, timezone.now() - timedelta(days=TRENDING_DAYS), limit=limit)


def suggestions(viewer: CustomUser | None, *, people: int = 3, tags: int = 5) -> dict:
    """Return who viewer might follow and the trending tags, both lazy: a page pays their
    queries only if it shows them (a visitor gets the tags only)."""
    return {
        # who_to_follow reads its cached candidates when called: defer the call itself.
        "suggestions": (
            SimpleLazyObject(lambda: list(who_to_follow(viewer, people)))
            if viewer
            else CustomUser.objects.none()
        ),
        "trending": trending(viewer, limit=tags),
    }


# The client API (api.resources.timelines) -----------------------------------------------------


def favourites(viewer: CustomUser) -> QuerySet[Post]:
    """Return the posts viewer liked, newest like first (paginate with key="like_id")."""
    mine = Like.objects.filter(user=viewer)
    qs = (
        visible_to(viewer, include_mutes=False)
        .filter(pk__in=mine.values("post_id"))
        .annotate(like_id=Subquery(mine.filter(post=OuterRef("pk")).values("id")[:1]))
    )
    return cards(qs, viewer)


def public_explore() -> QuerySet[Post]:
    """Return explore for a visitor (MSG_PUBLIC_PAGES): public top-level posts, no reposts."""
    qs = public_posts().filter(in_reply_to__isnull=True, repost_of__isnull=True)
    return cards(qs, None)


def with_media(qs: QuerySet[Post]) -> QuerySet[Post]:
    """Return the posts of qs with at least one image (a repost: its original's)."""
    images = PostImage.objects.filter(Q(post=OuterRef("pk")) | Q(post=OuterRef("repost_of")))
    return qs.filter(Exists(images))
