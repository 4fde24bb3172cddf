"""The reads behind every timeline: home, explore, an author's profile, a tag, bookmarks.

Each is posts.selectors.visible_to narrowed to the timeline, with posts.selectors.cards on
top, so the HTML views and the API consume the same querysets.
"""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from posts.models import Bookmark, Post, Tag, Visibility
from posts.selectors import cards, visible_to
from social.selectors import followee_ids
from users.models import CustomUser


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
    """Return an author's posts and reposts (with comments, on the second tab) for viewer."""
    qs = visible_to(viewer, include_mutes=False).filter(author=author)
    if not with_comments:
        qs = qs.filter(in_reply_to__isnull=True)
    return cards(qs, viewer)


def tag(viewer: CustomUser, tag: Tag) -> QuerySet[Post]:
    """Return the posts carrying tag."""
    return cards(visible_to(viewer).filter(tags=tag, repost_of__isnull=True), viewer)


def bookmarks(viewer: CustomUser) -> QuerySet[Post]:
    """Return the posts viewer saved, newest bookmark first (paginate with key="bookmark_id")."""
    mine = Bookmark.objects.filter(user=viewer)
    qs = (
        visible_to(viewer, include_mutes=False)
        .filter(pk__in=mine.values("post_id"))
        .annotate(bookmark_id=Subquery(mine.filter(post=OuterRef("pk")).values("id")[:1]))
    )
    return cards(qs, viewer)
