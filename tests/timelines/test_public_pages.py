"""Public pages (MSG_PUBLIC_PAGES): visitors who are not logged in may read profiles, tag pages
and the pages of public and unlisted posts, read-only; with the setting off (the default) the
site stays members-only. Unlisted posts show only at their own address, never in a list."""

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from posts.models import Post, Visibility
from posts.selectors import cards, visible_to_anyone
from posts.services import PollSpec, post_like, post_repost
from posts.services.pins import post_pin
from social.services import block_create
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory
from tests.pages import html, post_ids
from timelines import selectors
from users.models import CustomUser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]

TAG = "seaside"


def set_active(user: CustomUser, active: bool) -> None:
    CustomUser.objects.filter(pk=user.pk).update(is_active=active)


@pytest.fixture
def public_on(settings):
    settings.MSG_PUBLIC_PAGES = True


@pytest.fixture
def world():
    """Alice posts at every visibility (each also tagged), reposts Carol, and has comments."""
    alice = UserFactory(username="alice")
    bob, carol, dave = UserFactory(username="bob"), UserFactory(), UserFactory()
    FollowFactory(follower=bob, followee=alice)
    posts: dict[str, Any] = {
        level: PostFactory(author=alice, body=f"{level.upper()}-TEXT #{TAG}", visibility=level)
        for level in ("public", "unlisted", "followers")
    }
    posts["direct"] = PostFactory(author=alice, body="@bob DIRECT-TEXT", visibility="direct")
    carols = PostFactory(author=carol, body="CAROL-ORIGINAL")
    repost = post_repost(user=alice, post=carols)
    comment = CommentFactory(
        author=carol, in_reply_to=posts["public"], body=f"PUBLIC-COMMENT #{TAG}"
    )
    unlisted_comment = CommentFactory(
        author=carol, in_reply_to=posts["public"], body="UNLISTED-COMMENT", visibility="unlisted"
    )
    # Dave comments, then Alice blocks him: her block covers her whole thread.
    blocked_comment = CommentFactory(author=dave, in_reply_to=posts["public"], body="DAVE-SAYS")
    block_create(blocker=alice, blocked=dave)
    post_like(user=bob, post=posts["public"])
    return {
        "alice": alice, "bob": bob, "carol": carol, "dave": dave, **posts, "carols": carols,
        "repost": repost, "comment": comment, "unlisted_comment": unlisted_comment,
        "blocked_comment": blocked_comment,
    }  # fmt: skip


def routes(world) -> list[str]:
    """Every address a visitor may be let in to, and the feeds."""
    return [
        reverse("profile", args=["alice"]),
        reverse("profile", args=["alice"]) + "?tab=all",
        reverse("tag", args=[TAG]),
        world["public"].get_absolute_url(),
        world["unlisted"].get_absolute_url(),
    ]


def assert_sent_to_login(response, url: str) -> None:
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == reverse("account_login")
    assert parse_qs(target.query)["next"] == [url]


def forms(content: str) -> list[str]:
    return re.findall(r"<form[^>]*>", content)


# The setting off (the default) ---------------------------------------------------------------


def test_public_pages_are_off_by_default():
    assert django_settings.MSG_PUBLIC_PAGES is False


def test_setting_off_sends_visitors_to_log_in_everywhere(client, world, settings):
    settings.MSG_PUBLIC_PAGES = False
    for url in routes(world):
        assert_sent_to_login(client.get(url), url)


def test_setting_off_feeds_answer_404(client, world, settings):
    settings.MSG_PUBLIC_PAGES = False
    assert client.get(reverse("profile_feed", args=["alice"])).status_code == 404
    assert client.get(reverse("tag_feed", args=[TAG])).status_code == 404


def test_setting_off_members_get_no_feed_link(client, world, settings):
    settings.MSG_PUBLIC_PAGES = False
    client.force_login(world["bob"])
    for url in (reverse("profile", args=["alice"]), reverse("tag", args=[TAG])):
        assert 'type="application/rss+xml"' not in html(client.get(url))


# Writes stay for members, whatever the setting -------------------------------------------------


def test_visitor_cannot_comment_or_act(client, world, public_on):
    post = world["public"]
    url = post.get_absolute_url()
    before = Post.objects.count()
    assert_sent_to_login(client.post(url, {"body": "drive-by"}), url)
    like = reverse("post_action", args=["alice", post.pk, "like"])
    assert_sent_to_login(client.post(like), like)
    assert Post.objects.count() == before
    assert post_ids(client.get(url))  # and reading still works


def test_member_only_pages_stay_closed(client, world, public_on):
    for url in (
        reverse("explore"),
        reverse("search") + "?q=TEXT",
        reverse("followers", args=["alice"]),
        reverse("post_edit", args=["alice", world["public"].pk]),
    ):
        assert_sent_to_login(client.get(url), url)


# The selector --------------------------------------------------------------------------------


def test_visible_to_anyone_is_public_and_unlisted_only(world):
    shown = set(visible_to_anyone().values_list("pk", flat=True))
    for key in ("public", "unlisted", "repost", "carols", "comment", "unlisted_comment"):
        assert world[key].pk in shown, key
    for key in ("followers", "direct", "blocked_comment"):
        assert world[key].pk not in shown, key


def test_visible_to_anyone_leaves_out_deactivated_authors_and_their_reposted_posts(world):
    set_active(world["carol"], False)
    shown = set(visible_to_anyone().values_list("pk", flat=True))
    assert world["carols"].pk not in shown
    assert world["repost"].pk not in shown  # Alice's repost of Carol's post
    assert world["comment"].pk not in shown
    assert world["public"].pk in shown


def test_visible_to_anyone_leaves_out_reposts_of_posts_it_hides(world):
    """A repost row pointing at a followers-only post (made before a rule change, say) stays
    hidden: only reposts of open posts are readable."""
    repost = Post.objects.create(
        author=world["carol"], repost_of=world["followers"], body="", audience=world["carol"]
    )
    assert not visible_to_anyone().filter(pk=repost.pk).exists()


def test_cards_for_a_visitor_have_counts_and_no_marks(world):
    card = cards(Post.objects.filter(pk=world["public"].pk), None).get()
    assert card.like_count == 1
    assert card.comment_count == 3  # the blocked comment is counted, as it is for members
    assert (card.liked, card.reposted, card.bookmarked) == (False, False, False)


def test_public_lists_never_hold_unlisted_posts(world):
    for qs in (
        selectors.public_profile(world["alice"], with_comments=True),
        selectors.public_tag(world["public"].tags.get()),
        selectors.feed_author(world["alice"]),
        selectors.feed_tag(world["public"].tags.get()),
    ):
        levels = {post.visibility for post in qs}
        assert levels <= {Visibility.PUBLIC}, levels


# The setting on: what a visitor reads -----------------------------------------------------------


def test_visitor_reads_profile_with_public_posts_and_reposts_only(client, world, public_on):
    response = client.get(reverse("profile", args=["alice"]))
    assert response.status_code == 200
    assert post_ids(response) == [world["repost"].pk, world["public"].pk]
    content = html(response)
    for text in ("UNLISTED-TEXT", "FOLLOWERS-TEXT", "DIRECT-TEXT"):
        assert text not in content
    assert "CAROL-ORIGINAL" in content


def test_visitor_profile_with_comments_shows_public_comments_only(client, world, public_on):
    response = client.get(reverse("profile", args=[world["carol"].username]) + "?tab=all")
    assert post_ids(response) == [world["comment"].pk, world["carols"].pk]
    assert "UNLISTED-COMMENT" not in html(response)


def test_visitor_profile_has_no_actions_and_the_feed_link(client, world, public_on):
    content = html(client.get(reverse("profile", args=["alice"])))
    assert forms(content) == []
    assert "<button" not in content
    assert "Log in to interact" in content
    feed = reverse("profile_feed", args=["alice"])
    link = re.search(r'<link rel="alternate" type="application/rss\+xml"[^>]*>', content)
    assert link and f'href="{feed}"' in link.group(0) and "@alice" in link.group(0)
    # Counts as text; the follower lists are for members.
    assert reverse("followers", args=["alice"]) not in content
    assert '<strong id="followers-count">1</strong> follower' in content


def test_visitor_sees_polls_and_quotes_without_forms(client, world, public_on):
    """The other parts of a card (a poll to vote in, a quoted post) stay read-only too."""
    poll = PostFactory(
        author=world["alice"],
        body="POLL-QUESTION",
        poll=PollSpec(options=("Yes", "No"), expires_in=timedelta(days=1)),
    )
    PostFactory(author=world["alice"], body="QUOTING", quote_of=world["carols"])
    for url in (reverse("profile", args=["alice"]), poll.get_absolute_url()):
        content = html(client.get(url))
        assert "POLL-QUESTION" in content
        assert forms(content) == [] and "<button" not in content
    assert "CAROL-ORIGINAL" in html(client.get(reverse("profile", args=["alice"])))


def test_visitor_profile_pins_only_public_posts(client, world, public_on):
    """A pinned unlisted post heads the profile for members, never for a visitor."""
    post_pin(user=world["alice"], post=world["unlisted"])
    post_pin(user=world["alice"], post=world["public"])
    url = reverse("profile", args=["alice"])
    content = html(client.get(url))
    assert f'id="pinned-{world["public"].pk}"' in content
    assert f'id="pinned-{world["unlisted"].pk}"' not in content
    assert "UNLISTED-TEXT" not in content
    client.force_login(world["bob"])
    assert f'id="pinned-{world["unlisted"].pk}"' in html(client.get(url))


def test_visitor_reads_tag_page_with_public_posts_only(client, world, public_on):
    response = client.get(reverse("tag", args=[TAG]))
    assert response.status_code == 200
    assert post_ids(response) == [world["comment"].pk, world["public"].pk]
    content = html(response)
    assert "UNLISTED-TEXT" not in content and "FOLLOWERS-TEXT" not in content
    assert forms(content) == []
    assert f'href="{reverse("tag_feed", args=[TAG])}"' in content


def test_visitor_unknown_tag_is_an_empty_page_without_feed(client, db, public_on):
    response = client.get(reverse("tag", args=["nothinghere"]))
    assert response.status_code == 200
    assert post_ids(response) == []
    assert "application/rss+xml" not in html(response)


@pytest.mark.parametrize(
    "visibility", [Visibility.DIRECT, Visibility.FOLLOWERS, Visibility.UNLISTED]
)
@pytest.mark.parametrize("reader", ["visitor", "member"])
def test_tag_used_only_on_hidden_posts_looks_like_an_unknown_tag(
    client, public_on, reader, visibility
):
    """A tag used only on posts no list shows publicly (direct, followers-only, unlisted)
    offers no RSS feed link, exactly like a tag never used: nobody can probe which hashtags
    people use privately."""
    a, b = UserFactory(), UserFactory()
    PostFactory(author=a, body=f"@{b.username} #projectzebra", visibility=visibility)
    if reader == "member":
        client.force_login(UserFactory())
    used_privately = html(client.get(reverse("tag", args=["projectzebra"])))
    never_used = html(client.get(reverse("tag", args=["neverusedtag"])))
    assert "application/rss+xml" not in used_privately
    assert "application/rss+xml" not in never_used
    PostFactory(author=a, body="now in public #projectzebra")
    assert "application/rss+xml" in html(client.get(reverse("tag", args=["projectzebra"])))


def test_visitor_reads_a_public_post_with_its_open_comments(client, world, public_on):
    response = client.get(world["public"].get_absolute_url())
    assert response.status_code == 200
    content = html(response)
    assert "PUBLIC-TEXT" in content
    assert "PUBLIC-COMMENT" in content and "UNLISTED-COMMENT" in content
    assert "DAVE-SAYS" not in content  # the thread's author blocked him
    assert forms(content) == []
    assert "<button" not in content and "<textarea" not in content
    assert "Log in to interact" in content
    assert "Liked by" not in content  # the count shows, not who
    assert re.search(r'<span class="count">1</span> <span class="label">like</span>', content)


def test_visitor_reads_an_unlisted_post_at_its_address(client, world, public_on):
    response = client.get(world["unlisted"].get_absolute_url())
    assert response.status_code == 200
    assert "UNLISTED-TEXT" in html(response)


@pytest.mark.parametrize("level", ["followers", "direct", "blocked_comment"])
def test_visitor_gets_404_for_closed_posts(client, world, public_on, level):
    assert client.get(world[level].get_absolute_url()).status_code == 404


def test_visitor_gets_404_for_deactivated_author(client, world, public_on):
    set_active(world["alice"], False)
    assert client.get(reverse("profile", args=["alice"])).status_code == 404
    assert client.get(world["public"].get_absolute_url()).status_code == 404


def test_visitor_repost_address_leads_to_the_original(client, world, public_on):
    response = client.get(world["repost"].get_absolute_url())
    assert response.status_code == 302
    assert response.url == world["carols"].get_absolute_url()


def test_visitor_htmx_load_more_works(client, world, public_on, settings):
    settings.MSG_PAGE_SIZE = 1
    url = reverse("profile", args=["alice"])
    response = client.get(f"{url}?max_id={world['repost'].pk}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert post_ids(response) == [world["public"].pk]


# Members: as before ---------------------------------------------------------------------------


def test_member_sees_everything_as_before(client, world, public_on):
    client.force_login(world["bob"])
    response = client.get(reverse("profile", args=["alice"]))
    content = html(response)
    for text in ("PUBLIC-TEXT", "UNLISTED-TEXT", "FOLLOWERS-TEXT"):
        assert text in content
    assert "Log in to interact" not in content
    assert 'action="/@alice/' in content  # the like and bookmark forms
    detail = html(client.get(world["public"].get_absolute_url()))
    assert 'id="comment-form"' in detail and "Liked by" in detail
    assert client.get(world["followers"].get_absolute_url()).status_code == 200
    assert client.get(world["direct"].get_absolute_url()).status_code == 200


def test_member_can_still_comment_with_the_setting_on(client, world, public_on):
    client.force_login(world["bob"])
    url = world["public"].get_absolute_url()
    response = client.post(url, {"body": "a member's comment"})
    assert response.status_code == 302
    assert Post.objects.filter(author=world["bob"], in_reply_to=world["public"]).exists()


# Query counts -----------------------------------------------------------------------------------

# A visitor has no session cookie, so no session, member or badge queries.
VISITOR_QUERIES = {
    # the profile's owner, the header (both follow counts), cards, card images, reposted
    # originals' images
    "profile": 5,
    # the Tag row, whether its feed has a post (for the feed link), cards, card images (no
    # reposts on a tag page)
    "tag": 4,
    # the post as a card, its images, the comments as cards, the comments' images
    "detail": 4,
}


def _fill(n: int) -> dict[str, str]:
    """n public posts by an author and n reposts (all tagged), n unlisted posts that no list
    may show, and n comments on the first post."""
    author = UserFactory()
    posts = []
    for i in range(n):
        posts.append(PostFactory(author=author, body=f"post {i} #{TAG}"))
        post_repost(user=author, post=PostFactory(body=f"someone else's #{TAG}"))
        PostFactory(author=author, body=f"UNLISTED-{i} #{TAG}", visibility="unlisted")
    for i in range(n):
        CommentFactory(in_reply_to=posts[0], body=f"comment {i}")
    return {
        "profile": reverse("profile", args=[author.username]),
        "tag": reverse("tag", args=[TAG]),
        "detail": posts[0].get_absolute_url(),
    }


@pytest.mark.parametrize("page", sorted(VISITOR_QUERIES))
@pytest.mark.parametrize("n", [1, 40])
def test_visitor_pages_query_count_is_flat(
    client, public_on, settings, django_assert_num_queries, page, n
):
    settings.MSG_PAGE_SIZE = settings.MSG_COMMENTS_PAGE_SIZE = 100
    url = _fill(n)[page]
    with django_assert_num_queries(VISITOR_QUERIES[page]):
        response = client.get(url)
    assert response.status_code == 200
    content = html(response)
    shown = len(re.findall(r'<article class="post" id="post-\d+"', content))
    # profile: n posts and n reposts; tag: n posts and n originals; detail: the post and n
    # comments. Never an unlisted one.
    assert shown == (2 * n if page != "detail" else n + 1)
    assert "UNLISTED-" not in content


@pytest.mark.parametrize("page", ["profile", "tag", "detail"])
def test_member_query_count_changes_with_the_setting_only_for_the_feed_check(
    client, world, settings, page
):
    """Feeds on or off, a member's page costs the same, but for the tag page's one question
    whether its feed has a post."""
    url = {
        "profile": reverse("profile", args=["alice"]),
        "tag": reverse("tag", args=[TAG]),
        "detail": world["public"].get_absolute_url(),
    }[page]
    client.force_login(world["bob"])
    counts = []
    for on in (False, True):
        settings.MSG_PUBLIC_PAGES = on
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    # With feeds on, a tag page also asks whether its feed has a post (for the feed link).
    assert counts[1] - counts[0] == (1 if page == "tag" else 0)
