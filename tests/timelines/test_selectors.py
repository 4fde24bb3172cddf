"""The timeline reads (timelines.selectors): who sees which post, where, and in what order."""

import unicodedata

import pytest

from core.pagination import paginate
from posts import selectors as post_selectors
from posts.models import Post, Tag, Visibility
from posts.services import post_bookmark, post_create, post_like, post_repost
from social.services import block_create, follow_create, follow_delete
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from timelines import selectors

pytestmark = pytest.mark.django_db


def _ids(qs) -> list[int]:
    return [post.pk for post in qs]


def _thread(viewer, post: Post) -> list[Post]:
    return list(post_selectors.thread_post(viewer, username=post.author.username, pk=post.pk))


# Home


def test_home_holds_own_posts_and_followees_posts_and_reposts_newest_first(user):
    """Home is your posts, your followees' top-level posts and their reposts, newest first."""
    friend, stranger = UserFactory(), UserFactory()
    FollowFactory(follower=user, followee=friend)
    mine = PostFactory(author=user)
    theirs = PostFactory(author=friend)
    unrelated = PostFactory(author=stranger)
    repost = post_repost(user=friend, post=unrelated)
    newer_mine = PostFactory(author=user)
    assert _ids(selectors.home(user)) == [newer_mine.pk, repost.pk, theirs.pk, mine.pk]


def test_home_never_shows_comments(user):
    """Comments, by you or by followees, stay off home."""
    friend = UserFactory()
    FollowFactory(follower=user, followee=friend)
    post = PostFactory(author=user)
    CommentFactory(author=friend, in_reply_to=post)
    CommentFactory(author=user, in_reply_to=post)
    CommentFactory(author=friend, in_reply_to=PostFactory())
    assert _ids(selectors.home(user)) == [post.pk]


def test_home_leaves_out_people_you_do_not_follow(user):
    """A post by someone you do not follow is not on home (but is on explore)."""
    post = PostFactory()
    assert post not in selectors.home(user)
    assert post in selectors.explore(user)


def test_home_shows_a_followees_followers_only_posts(user):
    """A followee's followers-only post reaches the follower's home."""
    friend = UserFactory()
    FollowFactory(follower=user, followee=friend)
    post = PostFactory(author=friend, visibility=Visibility.FOLLOWERS)
    assert post in selectors.home(user)


# Explore


def test_explore_holds_public_top_level_posts_only(user):
    """Explore lists public top-level posts: no reposts, comments or followers-only posts."""
    friend = UserFactory()
    FollowFactory(follower=user, followee=friend)
    first = PostFactory()
    second = PostFactory(author=friend)
    own = PostFactory(author=user)
    post_repost(user=friend, post=first)
    CommentFactory(in_reply_to=first)
    PostFactory(author=friend, visibility=Visibility.FOLLOWERS)
    PostFactory(author=user, visibility=Visibility.FOLLOWERS)
    assert _ids(selectors.explore(user)) == [own.pk, second.pk, first.pk]


# Followers-only visibility


@pytest.fixture
def private_post(db):
    """A followers-only post with #secret, a follower, a non-follower and a follower's comment."""
    author, follower, outsider = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=follower, followee=author)
    post = post_create(author=author, body="quiet words #secret", visibility=Visibility.FOLLOWERS)
    comment = post_create(author=follower, body="quiet reply", in_reply_to=post)
    return post, comment, follower, outsider


def test_a_followers_only_post_is_visible_to_its_author(private_post):
    """The author sees their followers-only post on home, profile and its own page."""
    post, _, _, _ = private_post
    author = post.author
    assert post in selectors.home(author)
    assert post in selectors.profile(author, author)
    assert _thread(author, post) == [post]
    assert post in selectors.tag(author, Tag.objects.get(name="secret"))
    assert post in post_selectors.search_posts(author, "quiet")


def test_a_followers_only_post_is_visible_to_followers(private_post):
    """A follower sees it on home, profile, its page, the tag and search, with its comments."""
    post, comment, follower, _ = private_post
    assert post in selectors.home(follower)
    assert post in selectors.profile(follower, post.author)
    assert _thread(follower, post) == [post]
    assert post in selectors.tag(follower, Tag.objects.get(name="secret"))
    assert post in post_selectors.search_posts(follower, "quiet")
    assert list(post_selectors.comments(follower, post)) == [comment]


def test_a_followers_only_post_never_reaches_a_non_follower(private_post):
    """A non-follower never sees it: not in explore, tag, search, profile, thread or comments."""
    post, _, _, outsider = private_post
    assert post not in selectors.explore(outsider)
    assert post not in selectors.tag(outsider, Tag.objects.get(name="secret"))
    assert not list(post_selectors.search_posts(outsider, "quiet"))
    assert post not in selectors.profile(outsider, post.author)
    assert post not in selectors.profile(outsider, post.author, with_comments=True)
    assert _thread(outsider, post) == []
    assert list(post_selectors.comments(outsider, post)) == []
    assert post not in selectors.home(outsider)


def test_a_followers_only_comment_is_hidden_from_non_followers_on_a_public_post(user):
    """A followers-only comment on a public post is not listed for a non-follower."""
    post = PostFactory()
    commenter = UserFactory()
    public = post_create(author=commenter, body="open", in_reply_to=post)
    post_create(author=commenter, body="closed", in_reply_to=post, visibility="followers")
    assert list(post_selectors.comments(user, post)) == [public]


def test_unfollow_hides_followers_only_posts_at_once(private_post):
    """The very next read after unfollowing no longer shows followers-only posts."""
    post, _, follower, _ = private_post
    assert post in selectors.home(follower)
    follow_delete(follower=follower, followee=post.author)
    assert post not in selectors.home(follower)
    assert post not in selectors.profile(follower, post.author)
    assert _thread(follower, post) == []
    assert post not in selectors.tag(follower, Tag.objects.get(name="secret"))
    assert not list(post_selectors.search_posts(follower, "quiet words"))


def test_following_shows_followers_only_posts_at_once(private_post):
    """Following the author makes their followers-only posts visible on the next read."""
    post, _, _, outsider = private_post
    assert _thread(outsider, post) == []
    follow_create(follower=outsider, followee=post.author)
    assert _thread(outsider, post) == [post]


# Blocks


@pytest.fixture
def blocked_pair(db):
    """blocker blocks blocked; each had a public post tagged #wall with the word 'brick'."""
    blocker, blocked = UserFactory(), UserFactory()
    blocker_post = post_create(author=blocker, body="brick by #wall")
    blocked_post = post_create(author=blocked, body="brick in the #wall")
    CommentFactory(author=blocked, in_reply_to=blocker_post)
    block_create(blocker=blocker, blocked=blocked)
    return blocker, blocked, blocker_post, blocked_post


@pytest.mark.parametrize("side", ["blocker", "blocked"])
def test_a_block_hides_each_sides_posts_from_the_other_everywhere(blocked_pair, side):
    """Neither side sees the other's posts in explore, tag, search, profile or thread."""
    blocker, blocked, blocker_post, blocked_post = blocked_pair
    viewer, hidden = (blocker, blocked_post) if side == "blocker" else (blocked, blocker_post)
    wall = Tag.objects.get(name="wall")
    assert hidden not in selectors.explore(viewer)
    assert hidden not in selectors.tag(viewer, wall)
    assert hidden not in post_selectors.search_posts(viewer, "brick")
    assert list(selectors.profile(viewer, hidden.author, with_comments=True)) == []
    assert _thread(viewer, hidden) == []
    assert hidden not in selectors.home(viewer)


def test_a_block_hides_the_blocked_users_comments(blocked_pair):
    """The blocker does not see the blocked user's comment on their own post."""
    blocker, _, blocker_post, _ = blocked_pair
    assert list(post_selectors.comments(blocker, blocker_post)) == []


def test_a_block_leaves_third_parties_alone(blocked_pair):
    """A bystander still sees both sides' posts."""
    _, _, blocker_post, blocked_post = blocked_pair
    bystander = UserFactory()
    explore = list(selectors.explore(bystander))
    assert blocker_post in explore
    assert blocked_post in explore


def test_a_block_hides_reposts_of_the_blocked_authors_post(blocked_pair):
    """A followee's repost of a post by someone you blocked stays off your home."""
    blocker, _, blocker_post, blocked_post = blocked_pair
    friend = UserFactory()
    FollowFactory(follower=blocker, followee=friend)
    repost = post_repost(user=friend, post=blocked_post)
    own = PostFactory(author=friend)
    assert _ids(selectors.home(blocker)) == [own.pk, blocker_post.pk]
    assert repost not in selectors.profile(blocker, friend)


# Pagination


@pytest.mark.parametrize("total", [7, 6])
def test_paginate_pages_do_not_overlap_and_cover_everything(user, total):
    """Following next_max_id visits every post exactly once, newest first, then stops."""
    posts = [PostFactory(author=user) for _ in range(total)]
    seen: list[int] = []
    max_id = None
    pages = 0
    while True:
        page = paginate(selectors.home(user), max_id=max_id, size=3)
        pages += 1
        assert len(page.items) <= 3
        seen.extend(_ids(page.items))
        if page.next_max_id is None:
            break
        max_id = page.next_max_id
        assert pages < 10, "pagination does not end"
    assert seen == [post.pk for post in reversed(posts)]
    assert pages == -(-total // 3)


def test_paginate_last_page_has_no_cursor(user):
    """A list that fits on one page returns next_max_id None."""
    PostFactory(author=user)
    page = paginate(selectors.home(user), max_id=None, size=3)
    assert len(page.items) == 1
    assert page.next_max_id is None


def test_paginate_empty_list(user):
    """An empty list is one empty page without a cursor."""
    page = paginate(selectors.home(user), max_id=None, size=3)
    assert page.items == []
    assert page.next_max_id is None


def test_paginate_uses_the_page_size_setting(user, settings):
    """Without an explicit size, MSG_PAGE_SIZE items come back."""
    settings.MSG_PAGE_SIZE = 2
    for _ in range(3):
        PostFactory(author=user)
    page = paginate(selectors.home(user), max_id=None)
    assert len(page.items) == 2
    assert page.next_max_id is not None


# Bookmarks


def test_bookmarks_are_ordered_by_bookmark_time_not_post_time(user):
    """The post bookmarked last comes first, even when it is the oldest post."""
    old, middle, new = PostFactory(), PostFactory(), PostFactory()
    post_bookmark(user=user, post=new)
    post_bookmark(user=user, post=old)
    post_bookmark(user=user, post=middle)
    PostFactory()  # not bookmarked
    page = paginate(selectors.bookmarks(user), max_id=None, key="bookmark_id", size=2)
    rest = paginate(selectors.bookmarks(user), max_id=page.next_max_id, key="bookmark_id", size=2)
    assert _ids(page.items) + _ids(rest.items) == [middle.pk, old.pk, new.pk]
    assert rest.next_max_id is None


def test_bookmarks_are_per_user(user, other_user):
    """Another user's bookmarks do not show in yours."""
    post = PostFactory()
    post_bookmark(user=other_user, post=post)
    assert list(selectors.bookmarks(user)) == []


# Profile


def test_profile_lists_posts_and_reposts_and_comments_only_on_request(user):
    """The profile shows posts and reposts; with_comments adds the author's comments."""
    author = UserFactory()
    post = PostFactory(author=author)
    repost = post_repost(user=author, post=PostFactory())
    comment = CommentFactory(author=author)
    PostFactory()  # someone else's
    assert _ids(selectors.profile(user, author)) == [repost.pk, post.pk]
    assert _ids(selectors.profile(user, author, with_comments=True)) == [
        comment.pk,
        repost.pk,
        post.pk,
    ]


# Tags


def test_tag_matches_tags_whatever_their_case(user):
    """#Django and #django are one tag, and the tag page lists both posts."""
    upper = PostFactory(body="I like #Django")
    lower = PostFactory(body="and #django too")
    PostFactory(body="no tag here, just django")
    assert Tag.objects.filter(name__iexact="django").count() == 1
    assert _ids(selectors.tag(user, Tag.objects.get(name="django"))) == [lower.pk, upper.pk]


def test_tag_handles_unicode_tags(user):
    """#café, #CAFÉ and a decomposed #café are one tag."""
    decomposed = unicodedata.normalize("NFD", "café")
    first = PostFactory(body="coffee at the #café")
    second = PostFactory(body="LOUD #CAFÉ")
    third = PostFactory(body=f"spelled #{decomposed}")
    tag = Tag.objects.get(name="café")
    assert Tag.objects.count() == 1
    assert _ids(selectors.tag(user, tag)) == [third.pk, second.pk, first.pk]


def test_tag_lists_comments_but_not_reposts(user):
    """A tagged comment is on the tag page; a repost of a tagged post does not repeat it."""
    post = PostFactory(body="#rain again")
    comment = CommentFactory(body="so much #rain", in_reply_to=post)
    post_repost(user=UserFactory(), post=post)
    assert _ids(selectors.tag(user, Tag.objects.get(name="rain"))) == [comment.pk, post.pk]


# Cards


def test_cards_count_likes_reposts_and_comments(user):
    """A card carries the post's like, repost and comment counts."""
    post = PostFactory()
    for _ in range(3):
        post_like(user=UserFactory(), post=post)
    for _ in range(2):
        post_repost(user=UserFactory(), post=post)
    CommentFactory(in_reply_to=post)
    PostFactory()  # noise with no interactions
    card = selectors.explore(user).get(pk=post.pk)
    assert (card.like_count, card.repost_count, card.comment_count) == (3, 2, 1)


def test_cards_count_zero_for_a_fresh_post(user):
    """A post without interactions counts zero everywhere and has no marks."""
    post = PostFactory()
    card = selectors.explore(user).get(pk=post.pk)
    assert (card.like_count, card.repost_count, card.comment_count) == (0, 0, 0)
    assert (card.liked, card.reposted, card.bookmarked) == (False, False, False)


def test_cards_mark_what_the_viewer_did(user, other_user):
    """liked, reposted and bookmarked reflect the viewer's own marks, not other users'."""
    mine = PostFactory()
    theirs = PostFactory()
    post_like(user=user, post=mine)
    post_repost(user=user, post=mine)
    post_bookmark(user=user, post=mine)
    post_like(user=other_user, post=theirs)
    post_repost(user=other_user, post=theirs)
    post_bookmark(user=other_user, post=theirs)
    cards = {card.pk: card for card in selectors.explore(user)}
    assert (cards[mine.pk].liked, cards[mine.pk].reposted, cards[mine.pk].bookmarked) == (
        True,
        True,
        True,
    )
    assert (cards[theirs.pk].liked, cards[theirs.pk].reposted, cards[theirs.pk].bookmarked) == (
        False,
        False,
        False,
    )


def test_a_repost_card_shows_the_originals_counts_and_marks(user):
    """A repost row counts the original's likes, reposts and comments, and the viewer's marks."""
    friend = UserFactory()
    FollowFactory(follower=user, followee=friend)
    original = PostFactory()
    post_like(user=UserFactory(), post=original)
    post_like(user=user, post=original)
    post_bookmark(user=user, post=original)
    CommentFactory(in_reply_to=original)
    post_repost(user=UserFactory(), post=original)
    repost = post_repost(user=friend, post=original)
    card = selectors.home(user).get(pk=repost.pk)
    assert card.repost_of == original
    assert (card.like_count, card.repost_count, card.comment_count) == (2, 2, 1)
    assert (card.liked, card.reposted, card.bookmarked) == (True, False, True)


def test_reply_in_a_followers_only_thread_reaches_only_the_threads_audience():
    """A reply to a followers-only post is seen by the post author's followers, not the
    replier's: a follower of the replier who does not follow the author never sees it."""
    alice, carol, dave = UserFactory(), UserFactory(), UserFactory()
    follow_create(follower=carol, followee=alice)
    follow_create(follower=dave, followee=carol)  # dave follows carol, not alice
    post = post_create(author=alice, body="private #plans", visibility="followers")
    reply = post_create(author=carol, body="the merger closes friday #plans", in_reply_to=post)
    assert not selectors.profile(dave, carol, with_comments=True).filter(pk=reply.pk).exists()
    assert reply.pk not in [p.pk for p in post_selectors.search_posts(dave, "merger")]
    assert reply.pk in [p.pk for p in post_selectors.search_posts(carol, "merger")]
    # ...while the author of the thread sees and may delete the reply, though she does not
    # follow carol.
    assert post_selectors.comments(alice, post).filter(pk=reply.pk).exists()
