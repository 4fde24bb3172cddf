"""Query counts of every list page, pinned: the same for 1 item as for 40, and for the timelines
the same whether the reader follows 1 account or 300. Plus: the timeline queries walk an index
in ORDER BY order instead of sorting the table.

The data is the worst case a page can meet: reposts (a card showing another author's post),
images on the posts and on the reposted originals, comments, likes, and a block and a mute in
the reader's graph so the hidden-author subqueries are part of every query. When a count has to
change, say why in the commit.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image

from posts.services import ImageUpload, post_bookmark, post_like, post_repost
from social.selectors import most_followed_ids
from social.services import block_create, follow_create, mute_create
from tests.factories import PostFactory, UserFactory
from timelines import selectors
from users.models import CustomUser

# Notifications are delivered on commit: run the callbacks as each service commits.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]

SIZES = [1, 40]
FOLLOWS = [1, 300]
TAG = "lighthouses"
WORD = "lighthouse"

# Every full page starts with the same two queries, the session and the logged-in member,
# and the nav adds a third: the unread-notifications count for the badge. A post card page
# selects its cards in one query (authors, reposted originals with their authors, comment,
# like and repost counts, and the reader's like/repost/bookmark marks, all joined or as
# subqueries), then prefetches the cards' images, and the reposted originals' images when a
# repost is on the page.
QUERIES: dict[str, int] = {
    # session, member, cards, card images, reposted originals' images, badge
    "home": 6,
    # session, member, who to follow (above the first page, with follow buttons), cards,
    # card images, badge (explore shows no reposts)
    "explore": 6,
    # session, member, the Tag row (404 if unknown), cards, card images, badge (no reposts)
    "tag": 6,
    # session, member, cards (each with its bookmark id for the cursor), card images, badge;
    # a bookmark made through a repost is stored on the original, so no repost cards
    "bookmarks": 5,
    # session, member, the profile's owner, the header (relationship both ways and both
    # follow counts in one query), cards, card images, reposted originals' images, badge
    "profile": 8,
    # the same, with comments among the cards
    "profile_all": 8,
    # session, member, the person, the block check (a blocked reader gets a 404), one page of
    # follow edges joined to the people, badge
    "followers": 6,
    "following": 6,
    # session, member, one page of notifications joined to actor and post with its author,
    # then mark all read: SAVEPOINT, UPDATE, RELEASE SAVEPOINT (the service is atomic inside
    # the request's transaction), then the badge count (asked, now zero)
    "notifications": 7,
    # session, member, one page of block (mute) edges joined to the people, badge
    "blocks": 4,
    "mutes": 4,
    # session, member, people by name prefix (with their follow state), tags by prefix, the
    # ids of the newest exact matches, the ids of the newest other matches (prefix and stem),
    # the cards of those ids, card images, badge. Both databases match in the two id queries
    # (FTS5 or tsvector), whatever the page holds. Search shows no reposts.
    "search": 9,
    # a post page for a reader who is not the author: session, member, the post as a card,
    # its images, the reader's permissions (user and group, for the moderator's delete link),
    # badge, the likers, the reposters, the comments as cards, the comments' images
    "detail": 11,
}


def expected_queries(page: str) -> int:
    """The pinned count; search matches inside the same query on SQLite and PostgreSQL."""
    return QUERIES[page]


@pytest.fixture(autouse=True)
def _everything_on_one_page(settings):
    """Put all 40 items (and the world's extra block and mute) on the first page."""
    settings.MSG_PAGE_SIZE = max(SIZES) + 10


# Data ---------------------------------------------------------------------------------------


def _png() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def image_post(author: CustomUser, body: str | None = None, **kwargs):
    """A post (or comment) with one image attached, published through the service."""
    upload = ImageUpload(
        file=SimpleUploadedFile("square.png", PNG, content_type="image/png"), alt_text="A square"
    )
    if body is not None:
        kwargs["body"] = body
    return PostFactory(author=author, images=[upload], **kwargs)


def stranger():
    return UserFactory(email_verified=False)


@dataclass(frozen=True)
class World:
    reader: CustomUser
    followees: list[CustomUser]

    def author(self, i: int) -> CustomUser:
        """Alternate between a followed account (in turn) and a new stranger."""
        return self.followees[i // 2 % len(self.followees)] if i % 2 else stranger()


def make_world(reader: CustomUser, follows: int) -> World:
    followees = [stranger() for _ in range(follows)]
    for followee in followees:
        follow_create(follower=reader, followee=followee)
    block_create(blocker=reader, blocked=stranger())
    mute_create(muter=reader, muted=stranger())
    return World(reader, followees)


def cards(content: str) -> int:
    return len(re.findall(r'<article class="post" id="post-\d+"', content))


def people(content: str) -> int:
    return len(re.findall(r'<article class="person">', content))


def notifications(content: str) -> int:
    return len(re.findall(r'<article class="notification', content))


def comments(content: str) -> int:
    return len(re.findall(r'class="comment" id="comment-\d+"', content))


@dataclass(frozen=True)
class Setup:
    url: str
    items: int  # how many items the page must show
    count: Callable[[str], int]  # how to count them in the HTML


def home(world: World, n: int) -> Setup:
    """Followed people's posts with images, and their reposts of strangers' image posts."""
    for i in range(n):
        author = world.followees[i % len(world.followees)]
        if i % 2 == 0:
            original = image_post(stranger())
            post_like(user=world.reader, post=original)
            post_repost(user=author, post=original)
        else:
            image_post(author)
    return Setup(reverse("home"), n, cards)


def explore(world: World, n: int) -> Setup:
    """Public image posts by strangers and followed people; their reposts exist but stay off."""
    for i in range(n):
        post = image_post(world.author(i))
        post_repost(user=world.followees[0], post=post)
    return Setup(reverse("explore"), n, cards)


def tag(world: World, n: int) -> Setup:
    for i in range(n):
        post = image_post(world.author(i), body=f"Seen from the coast #{TAG} {i}")
        post_repost(user=world.followees[0], post=post)
    return Setup(reverse("tag", kwargs={"name": TAG}), n, cards)


def bookmarks(world: World, n: int) -> Setup:
    """Bookmarked image posts; every other one bookmarked through a followed person's repost."""
    for i in range(n):
        post = image_post(world.author(i))
        if i % 2 == 0:
            post = post_repost(user=world.followees[0], post=post)
        post_bookmark(user=world.reader, post=post)
    return Setup(reverse("bookmarks"), n, cards)


def _profile_items(author: CustomUser, n: int, *, with_comments: bool) -> None:
    """Reposts of strangers' image posts, alternating with image posts or image comments."""
    parent = PostFactory(author=stranger())
    for i in range(n):
        if i % 2 == 0:
            post_repost(user=author, post=image_post(stranger()))
        elif with_comments:
            image_post(author, in_reply_to=parent)
        else:
            image_post(author)


def profile(world: World, n: int) -> Setup:
    author = stranger()
    _profile_items(author, n, with_comments=False)
    return Setup(reverse("profile", kwargs={"username": author.username}), n, cards)


def profile_all(world: World, n: int) -> Setup:
    author = stranger()
    _profile_items(author, n, with_comments=True)
    url = reverse("profile", kwargs={"username": author.username}) + "?tab=all"
    return Setup(url, n, cards)


def followers(world: World, n: int) -> Setup:
    person = stranger()
    for _ in range(n):
        follow_create(follower=stranger(), followee=person)
    return Setup(reverse("followers", kwargs={"username": person.username}), n, people)


def following(world: World, n: int) -> Setup:
    person = stranger()
    for _ in range(n):
        follow_create(follower=person, followee=stranger())
    return Setup(reverse("following", kwargs={"username": person.username}), n, people)


def notifications_page(world: World, n: int) -> Setup:
    """One notification of each kind in turn (follow, like, comment, repost, mention)."""
    reader = world.reader
    target = image_post(reader)
    for i in range(n):
        actor = stranger()
        match i % 5:
            case 0:
                follow_create(follower=actor, followee=reader)
            case 1:
                post_like(user=actor, post=target)
            case 2:
                image_post(actor, in_reply_to=target)
            case 3:
                post_repost(user=actor, post=image_post(reader))
            case 4:
                PostFactory(author=actor, body=f"Hello @{reader.username}")
    return Setup(reverse("notifications"), n, notifications)


def blocks(world: World, n: int) -> Setup:
    for _ in range(n - 1):  # the world already holds one block
        block_create(blocker=world.reader, blocked=stranger())
    return Setup(reverse("settings_blocks"), n, people)


def mutes(world: World, n: int) -> Setup:
    for _ in range(n - 1):  # the world already holds one mute
        mute_create(muter=world.reader, muted=stranger())
    return Setup(reverse("settings_mutes"), n, people)


def search(world: World, n: int) -> Setup:
    """n matching people, tags and posts with images (the page shows at most 20 posts)."""
    for i in range(n):
        UserFactory(username=f"{WORD}_{i}", email_verified=False)
        post = image_post(world.author(i), body=f"A {WORD} far away #{WORD}{i}")
        post_repost(user=world.followees[0], post=post)
    return Setup(reverse("search") + f"?q={WORD}", min(n, 20), cards)


def detail(world: World, n: int) -> Setup:
    """An image post with n image comments, n likes and n reposts, each by someone new."""
    post = image_post(stranger())
    for _ in range(n):
        image_post(stranger(), in_reply_to=post)
        post_like(user=stranger(), post=post)
        post_repost(user=stranger(), post=post)
    return Setup(post.get_absolute_url(), n, comments)


PAGES: dict[str, Callable[[World, int], Setup]] = {
    "home": home,
    "explore": explore,
    "tag": tag,
    "bookmarks": bookmarks,
    "profile": profile,
    "profile_all": profile_all,
    "followers": followers,
    "following": following,
    "notifications": notifications_page,
    "blocks": blocks,
    "mutes": mutes,
    "search": search,
    "detail": detail,
}
TIMELINES_BY_FOLLOWS = ["home", "explore", "tag", "search"]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("page", list(PAGES))
def test_list_page_query_count_does_not_grow_with_items(
    member_client, user, django_assert_num_queries, page, n
):
    """Each list page costs its pinned number of queries for 1 item as for 40."""
    setup = PAGES[page](make_world(user, 1), n)
    most_followed_ids()  # cached site-wide for minutes: pages pay for it once in a while
    with django_assert_num_queries(expected_queries(page)):
        response = member_client.get(setup.url)
    assert response.status_code == 200
    assert setup.count(response.content.decode()) == setup.items


@pytest.mark.parametrize("follows", FOLLOWS)
@pytest.mark.parametrize("page", TIMELINES_BY_FOLLOWS)
def test_timeline_query_count_does_not_grow_with_follows(
    member_client, user, django_assert_num_queries, page, follows
):
    """Home, explore, tag and search cost the same for a reader following 1 account or 300."""
    setup = PAGES[page](make_world(user, follows), 10)
    most_followed_ids()
    with django_assert_num_queries(expected_queries(page)):
        response = member_client.get(setup.url)
    assert response.status_code == 200
    assert setup.count(response.content.decode()) == setup.items


# Indexes ------------------------------------------------------------------------------------


def query_plan(qs) -> str:
    """Return the database's plan for qs, as text."""
    sql, params = qs.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


def timeline_query(name: str, reader: CustomUser, author: CustomUser):
    qs = {
        "home": lambda: selectors.home(reader),
        "explore": lambda: selectors.explore(reader),
        "profile": lambda: selectors.profile(reader, author),
        "profile_all": lambda: selectors.profile(reader, author, with_comments=True),
    }[name]()
    return qs.order_by("-id")[:20]


@pytest.mark.parametrize("name", ["home", "explore", "profile", "profile_all"])
def test_timelines_read_an_index_in_order_instead_of_sorting(user, name):
    """The home, explore and profile timelines walk an index in "-id" order: SQLite never sorts
    the matching posts in a temporary B-tree to find the newest 20. PostgreSQL picks its plan
    by cost (on a near-empty table a sort is cheapest), so there the plan only has to run."""
    world = make_world(user, 3)
    for i in range(6):
        image_post(world.author(i))
    qs = timeline_query(name, user, world.followees[0])
    plan = query_plan(qs)
    assert plan
    if connection.vendor == "sqlite":
        assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
