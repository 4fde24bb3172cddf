"""RSS feeds (MSG_PUBLIC_PAGES): /@username.rss and /tags/name.rss are valid RSS 2.0 and carry
only public posts, with absolute links on SITE_URL."""

import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.urls import reverse

from posts.services import post_edit, post_repost
from social.services import block_create
from tests.factories import CommentFactory, PostFactory, UserFactory
from timelines.feeds import ITEMS
from users.models import CustomUser
from users.services import profile_update

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("commits")]

SITE = "https://msg.example.org"
DC = "{http://purl.org/dc/elements/1.1/}"
TAG = "tidepool"


@pytest.fixture(autouse=True)
def _feeds_on(settings):
    settings.MSG_PUBLIC_PAGES = True
    settings.SITE_URL = SITE


@pytest.fixture
def alice():
    """Alice posts at every visibility, all tagged, comments, and reposts someone."""
    alice = profile_update(user=UserFactory(username="alice"), display_name="Alice Liddell", bio="")
    UserFactory(username="bob")
    for level in ("public", "unlisted", "followers"):
        PostFactory(author=alice, body=f"{level.upper()}-TEXT #{TAG}", visibility=level)
    PostFactory(author=alice, body=f"@bob DIRECT-TEXT #{TAG}", visibility="direct")
    CommentFactory(author=alice, body="COMMENT-TEXT")
    post_repost(user=alice, post=PostFactory(body="REPOSTED-TEXT"))
    return alice


def feed(client, url: str) -> ET.Element:
    """Fetch url and check the RSS 2.0 envelope; return the channel."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channels = root.findall("channel")
    assert len(channels) == 1
    channel = channels[0]
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip(), required
    for item in channel.findall("item"):
        assert item.findtext("title") or item.findtext("description")
        link = item.findtext("link")
        assert link and link.startswith(SITE + "/@")
        guid = item.find("guid")
        assert guid is not None and guid.text == link
        assert guid.get("isPermaLink", "true") == "true"
        assert parsedate_to_datetime(item.findtext("pubDate") or "").tzinfo is not None
    return channel


def bodies(channel: ET.Element) -> str:
    return "\n".join(ET.tostring(item, encoding="unicode") for item in channel.findall("item"))


def test_author_feed_is_rss_of_public_top_level_posts(client, alice):
    channel = feed(client, reverse("profile_feed", args=["alice"]))
    assert channel.findtext("link") == SITE + reverse("profile", args=["alice"])
    assert "Alice Liddell" in (channel.findtext("title") or "")
    items = channel.findall("item")
    assert len(items) == 1
    item = items[0]
    post = alice.posts.get(visibility="public", in_reply_to=None, repost_of=None)
    assert item.findtext("link") == SITE + post.get_absolute_url()
    assert item.findtext(f"{DC}creator") == "Alice Liddell"
    assert parsedate_to_datetime(item.findtext("pubDate") or "") == post.created_at.replace(
        microsecond=0
    )
    text = bodies(channel)
    for hidden in ("UNLISTED", "FOLLOWERS", "DIRECT", "COMMENT-TEXT", "REPOSTED-TEXT"):
        assert hidden not in text, hidden


def test_description_is_the_rendered_body_with_absolute_links(client, alice):
    channel = feed(client, reverse("profile_feed", args=["alice"]))
    description = channel.find("item/description")
    assert description is not None and description.text
    # The body as the page renders it: the tag is a link, made absolute for feed readers.
    assert f'<a href="{SITE}{reverse("tag", args=[TAG])}"' in description.text
    assert 'href="/' not in description.text


def test_description_is_sanitised(client, db):
    author = UserFactory(username="mallory")
    PostFactory(author=author, body='<script>alert(1)</script> <img src=x onerror="y"> & more')
    description = feed(client, reverse("profile_feed", args=["mallory"])).findtext(
        "item/description"
    )
    assert description is not None
    assert "<script" not in description and "<img" not in description
    assert "&lt;script&gt;" in description and "&amp; more" in description


def test_content_warning_is_the_title_and_leads_the_description(client, db):
    author = UserFactory(username="carol")
    PostFactory(author=author, body="the ending of the film", spoiler_text="film spoilers")
    item = feed(client, reverse("profile_feed", args=["carol"])).find("item")
    assert item is not None
    assert item.findtext("title") == "CW: film spoilers"
    assert (item.findtext("description") or "").startswith(
        "<p><strong>Content warning: film spoilers</strong></p>"
    )


def test_author_feed_holds_the_newest_twenty(client, db):
    author = UserFactory(username="dora")
    posts = [PostFactory(author=author, body=f"number {i}") for i in range(ITEMS + 3)]
    channel = feed(client, reverse("profile_feed", args=["dora"]))
    links = [item.findtext("link") for item in channel.findall("item")]
    assert links == [SITE + post.get_absolute_url() for post in reversed(posts[-ITEMS:])]


def test_edited_post_keeps_its_guid(client, db):
    author = UserFactory(username="erin")
    post = PostFactory(author=author, body="first")
    post_edit(user=author, post=post, body="second")
    item = feed(client, reverse("profile_feed", args=["erin"])).find("item")
    assert item is not None
    assert item.findtext("guid") == SITE + post.get_absolute_url()
    assert "second" in (item.findtext("description") or "")


def test_tag_feed_is_rss_of_public_posts_with_the_tag(client, alice):
    other = PostFactory(body=f"another #{TAG} post")
    channel = feed(client, reverse("tag_feed", args=[TAG]))
    assert channel.findtext("link") == SITE + reverse("tag", args=[TAG])
    links = [item.findtext("link") for item in channel.findall("item")]
    public = alice.posts.get(visibility="public", in_reply_to=None, repost_of=None)
    assert links == [SITE + other.get_absolute_url(), SITE + public.get_absolute_url()]
    text = bodies(channel)
    for hidden in ("UNLISTED", "FOLLOWERS", "DIRECT"):
        assert hidden not in text, hidden


def test_tag_feed_leaves_out_blocked_thread_comments(client, db):
    author, troll = UserFactory(), UserFactory()
    post = PostFactory(author=author, body="a quiet thread")
    CommentFactory(author=troll, in_reply_to=post, body=f"TROLL #{TAG}")
    CommentFactory(in_reply_to=post, body=f"KIND #{TAG}")
    block_create(blocker=author, blocked=troll)
    text = bodies(feed(client, reverse("tag_feed", args=[TAG])))
    assert "KIND" in text and "TROLL" not in text


def test_tag_name_is_normalised(client, alice):
    channel = feed(client, reverse("tag_feed", args=[TAG.upper()]))
    assert len(channel.findall("item")) == 1


@pytest.mark.parametrize(
    "url",
    [
        reverse("profile_feed", args=["nobody"]),
        reverse("tag_feed", args=["nosuchtag"]),
        reverse("tag_feed", args=["onlyhidden"]),
    ],
)
def test_unknown_author_or_tag_is_404(client, db, url):
    PostFactory(body="#onlyhidden", visibility="unlisted")
    PostFactory(body="#onlyhidden", visibility="followers")
    assert client.get(url).status_code == 404


def test_deactivated_author_is_404_and_leaves_tag_feeds(client, alice):
    CustomUser.objects.filter(pk=alice.pk).update(is_active=False)
    assert client.get(reverse("profile_feed", args=["alice"])).status_code == 404
    assert client.get(reverse("tag_feed", args=[TAG])).status_code == 404


def test_feeds_are_404_with_the_setting_off(client, alice, settings):
    settings.MSG_PUBLIC_PAGES = False
    assert client.get(reverse("profile_feed", args=["alice"])).status_code == 404
    assert client.get(reverse("tag_feed", args=[TAG])).status_code == 404
    client.force_login(alice)  # members too: there are no feeds
    assert client.get(reverse("profile_feed", args=["alice"])).status_code == 404


def test_feed_addresses_do_not_clash_with_pages(client, alice):
    """/@alice.rss is the feed, /@alice/ still the profile; a tag page is still a page."""
    assert client.get("/@alice.rss").status_code == 200
    assert client.get("/@alice.rss/").status_code == 404
    assert client.get(f"/tags/{TAG}/").status_code == 200


@pytest.mark.parametrize("n", [1, ITEMS + 5])
def test_feed_query_counts_are_flat(client, db, django_assert_num_queries, n):
    author = UserFactory(username="fay")
    for i in range(n):
        PostFactory(author=author, body=f"item {i} #{TAG}")
    # the account, then its posts joined to the author
    with django_assert_num_queries(2):
        by_author = client.get(reverse("profile_feed", args=["fay"]))
    # the Tag row, whether the tag is on any public post, then the posts joined to the authors
    with django_assert_num_queries(3):
        by_tag = client.get(reverse("tag_feed", args=[TAG]))
    for response in (by_author, by_tag):
        assert response.status_code == 200
        assert len(ET.fromstring(response.content).findall("channel/item")) == min(n, ITEMS)


def test_a_post_with_a_control_character_does_not_break_a_tag_feed(settings):
    """Text may hold control characters XML 1.0 cannot carry (only NUL is refused): the feed
    drops them, so one such post cannot make a tag's feed fail for everyone."""
    from django.test import Client

    settings.MSG_PUBLIC_PAGES = True
    PostFactory(author=UserFactory(username="alice"), body="a calm day #seaside")
    PostFactory(
        author=UserFactory(), body="ring the bell \x07 now #seaside", spoiler_text="bell\x0b"
    )
    visitor = Client(raise_request_exception=False)
    response = visitor.get("/tags/seaside.rss")
    assert response.status_code == 200
    channel = ET.fromstring(response.content).find("channel")
    assert channel is not None
    texts = " ".join(item.findtext("description") or "" for item in channel.iter("item"))
    assert "ring the bell  now" in texts and "\x07" not in texts
