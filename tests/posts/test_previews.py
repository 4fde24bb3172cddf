"""Link previews: a post's first link gets a card, fetched on commit by a task from a real local
web server, stored once per page, shown on the card, at no cost to the timelines' queries."""

import re
import time

import pytest
from django.db import connection
from django.tasks.backends.immediate import ImmediateBackend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import fetch
from posts.models import LinkPreview, Post
from posts.services import post_create, post_edit, post_repost
from posts.services.previews import preview_store, url_hash
from posts.tasks import PREVIEW_IMAGE_SIDE, preview_fetch
from tests.factories import FollowFactory, PostFactory, UserFactory
from tests.posts.test_queries import HOME_QUERIES, HOME_WITH_REPOSTS_QUERIES, SIZES
from tests.web_server import LocalServer, Page, html, png
from timelines.management.commands import seed_demo

pytestmark = [pytest.mark.django_db]

HEAD = (
    '<meta property="og:title" content="A story worth reading">'
    '<meta property="og:description" content="It is about link previews.">'
    '<meta property="og:site_name" content="The Daily Test">'
    '<meta property="og:image" content="/card.png">'
)


@pytest.fixture(autouse=True)
def _previews_on(settings):
    """Previews are off in the test settings (no test reaches the network); these turn them on
    and reach only the local server, on loopback."""
    settings.MSG_PREVIEWS = True
    settings.MSG_PREVIEW_ALLOW_LOOPBACK = True


@pytest.fixture
def web():
    with LocalServer() as server:
        server.routes["/story"] = html(HEAD)
        server.routes["/card.png"] = Page(png(), content_type="image/png")
        yield server


def test_a_post_with_a_link_gets_its_card_once_committed(user, web, commits):
    post = post_create(author=user, body=f"Read this: {web.url('/story')} #news")
    post.refresh_from_db()
    preview = post.preview
    assert preview is not None
    assert preview.url == web.url("/story")
    assert preview.url_hash == url_hash(preview.url)
    assert preview.status == LinkPreview.Status.OK
    assert (preview.title, preview.description, preview.site_name) == (
        "A story worth reading",
        "It is about link previews.",
        "The Daily Test",
    )
    assert preview.fetched_at is not None
    # The image went through the upload checks: re-encoded and shrunk.
    assert preview.image.name.startswith("previews/")
    assert max(preview.width, preview.height) == PREVIEW_IMAGE_SIDE
    assert [r.path for r in web.requests] == ["/story", "/card.png"]


def test_the_fetch_waits_for_the_commit(user, web, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = post_create(author=user, body=web.url("/story"))
    assert post.preview.status == LinkPreview.Status.PENDING
    assert web.requests == []
    assert len(callbacks) == 1
    callbacks[0]()
    post.preview.refresh_from_db()
    assert post.preview.status == LinkPreview.Status.OK


def test_the_first_link_is_the_one_previewed(user, web, commits):
    web.routes["/other"] = html("<title>Other</title>")
    post = post_create(author=user, body=f"{web.url('/other')} and {web.url('/story')}")
    assert post.preview.url == web.url("/other")


def test_a_post_without_a_link_has_no_preview(user, web, commits):
    post = post_create(author=user, body="No links here, only ftp://example.com/ #text")
    assert post.preview is None
    assert not LinkPreview.objects.exists()


def test_posts_linking_the_same_page_share_one_preview_fetched_once(user, other_user, web, commits):
    first = post_create(author=user, body=web.url("/story"))
    second = post_create(author=other_user, body=web.url("/story#comments").upper().lower())
    assert first.preview_id == second.preview_id
    assert LinkPreview.objects.count() == 1
    assert [r.path for r in web.requests].count("/story") == 1


@pytest.mark.parametrize(
    "page",
    [
        Page(b"gone", "text/plain", 404),
        Page(b'{"a": 1}', "application/json"),
        Page(b"<html><head></head><body>No title at all</body></html>"),
    ],
)
def test_a_failed_fetch_keeps_the_post_and_marks_the_preview_failed(user, web, commits, page):
    web.routes["/bad"] = page
    post = post_create(author=user, body=f"Look {web.url('/bad')}")
    assert Post.objects.filter(pk=post.pk, body=post.body).exists()
    post.preview.refresh_from_db()
    assert post.preview.status == LinkPreview.Status.FAILED
    assert post.preview.title == ""


def test_a_refused_address_keeps_the_post_and_marks_the_preview_failed(
    user, web, commits, settings
):
    settings.MSG_PREVIEW_ALLOW_LOOPBACK = False
    post = post_create(author=user, body=web.url("/story"))
    assert Post.objects.filter(pk=post.pk).exists()
    post.preview.refresh_from_db()
    assert post.preview.status == LinkPreview.Status.FAILED
    assert web.requests == []


def test_an_unexpected_error_in_the_task_does_not_escape(user, web, commits, monkeypatch):
    def broken(page):
        raise RuntimeError("a bug in the parser")

    monkeypatch.setattr(fetch, "parse_card", broken)
    post = post_create(author=user, body=web.url("/story"))
    post.preview.refresh_from_db()
    assert post.preview.status == LinkPreview.Status.FAILED


def test_a_bad_image_leaves_a_card_without_one(user, web, commits):
    web.routes["/card.png"] = Page(b"\x89PNG not really", content_type="image/png")
    post = post_create(author=user, body=web.url("/story"))
    post.preview.refresh_from_db()
    assert post.preview.status == LinkPreview.Status.OK
    assert post.preview.title == "A story worth reading"
    assert not post.preview.image


def test_the_image_gets_only_the_time_the_page_left(user, web, commits, monkeypatch):
    """Page and image share one budget: a slow page leaves the card without its image."""

    def slow_page(request):
        time.sleep(0.6)
        body = html(HEAD).body
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    monkeypatch.setattr(fetch, "TIMEOUT", 1.0)
    web.routes["/story"] = slow_page
    post = post_create(author=user, body=web.url("/story"))
    post.preview.refresh_from_db()
    assert post.preview.status == LinkPreview.Status.OK
    assert not post.preview.image
    assert [r.path for r in web.requests] == ["/story"]


def test_a_preview_is_fetched_once_even_if_queued_twice(user, web, commits):
    post = post_create(author=user, body=web.url("/story"))
    assert preview_fetch.call(preview_id=post.preview_id) == "skipped"
    assert [r.path for r in web.requests].count("/story") == 1


@pytest.mark.django_db(transaction=True)
def test_a_post_is_saved_when_the_queue_is_down(user, web, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionError("queue is down")

    monkeypatch.setattr(ImmediateBackend, "enqueue", refuse)
    post = post_create(author=user, body=web.url("/story"))
    assert Post.objects.filter(pk=post.pk).exists()
    assert LinkPreview.objects.get().status == LinkPreview.Status.PENDING
    assert "queue is down" in caplog.text


def test_editing_the_link_changes_the_preview(user, web, commits):
    web.routes["/other"] = html("<title>The other page</title>")
    post = post_create(author=user, body=web.url("/story"))
    post_edit(user=user, post=post, body=f"Better: {web.url('/other')}")
    post.refresh_from_db()
    assert post.preview.url == web.url("/other")
    assert post.preview.title == "The other page"
    post_edit(user=user, post=post, body="No link any more")
    post.refresh_from_db()
    assert post.preview is None


def test_previews_can_be_turned_off(user, web, commits, settings):
    settings.MSG_PREVIEWS = False
    post = post_create(author=user, body=web.url("/story"))
    assert post.preview is None
    assert web.requests == []


# Costs --------------------------------------------------------------------------------------

# Queueing: the preview looked up, created in its savepoint (SAVEPOINT, INSERT, RELEASE), the
# post pointed at it. The task: the pending URL read, then the row locked and written in its
# savepoint (SAVEPOINT, SELECT ... FOR UPDATE, UPDATE, RELEASE).
NEW_LINK_QUERIES = 5 + 5
# A link already fetched: the preview looked up, the post pointed at it; nothing queued.
KNOWN_LINK_QUERIES = 2


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as context:
        run()
    return len(context.captured_queries)


def test_a_link_adds_a_fixed_number_of_queries_to_post_create(user, web, commits):
    """The preview's cost is the same for every post: no query per anything."""
    plain = _queries(lambda: post_create(author=user, body="Hello #news"))
    new = _queries(lambda: post_create(author=user, body=f"Hello #news {web.url('/story')}"))
    known = _queries(lambda: post_create(author=user, body=f"Hello #news {web.url('/story')}"))
    assert new == plain + NEW_LINK_QUERIES
    assert known == plain + KNOWN_LINK_QUERIES


# The card -----------------------------------------------------------------------------------


def _previewed(n: int):
    """n posts, each by a new author and linking its own page with a stored card."""
    posts = []
    for i in range(n):
        url = f"https://news{i}.example/story"
        preview = preview_store(
            url=url, title=f"Headline {i}", description="Read all about it", site_name="News"
        )
        post = PostFactory(author=UserFactory(), body=f"See {url}")
        Post.objects.filter(pk=post.pk).update(preview=preview)
        posts.append(post)
    return posts


def test_the_card_shows_the_fetched_preview(member_client, user, web, commits):
    post_create(author=user, body=f"Read {web.url('/story')}")
    content = member_client.get(reverse("home")).content.decode()
    link = re.search(
        r'<a class="link-preview[^"]*" href="([^"]+)" rel="([^"]+)" target="_blank">', content
    )
    assert link is not None
    assert link.groups() == (web.url("/story"), "noopener nofollow ugc")
    assert "A story worth reading" in content
    assert "It is about link previews." in content
    assert "The Daily Test" in content
    assert re.search(r'<img src="/media/previews/[^"]+" alt="" width="\d+" height="\d+"', content)


def test_posting_from_the_compose_form_shows_the_card(member_client, user, web, commits):
    """End to end through the web: compose with a link, then the home page shows its card."""
    response = member_client.post(
        reverse("post_create"), {"body": f"New post {web.url('/story')}", "visibility": "public"}
    )
    assert response.status_code == 302
    post = Post.objects.get(author=user)
    assert post.preview.status == LinkPreview.Status.OK
    content = member_client.get(response.url).content.decode()
    assert content.count('<a class="link-preview') == 1
    assert "A story worth reading" in content


@pytest.mark.parametrize("status", [LinkPreview.Status.PENDING, LinkPreview.Status.FAILED])
def test_a_preview_not_fetched_is_not_shown(member_client, user, status):
    preview = LinkPreview.objects.create(
        url="https://example.com/",
        url_hash=url_hash("https://example.com/"),
        status=status,
        title="Not yet",
    )
    post = PostFactory(author=user, body="https://example.com/")
    Post.objects.filter(pk=post.pk).update(preview=preview)
    content = member_client.get(reverse("home")).content.decode()
    assert f'id="post-{post.pk}"' in content
    assert "link-preview" not in content


def test_a_repost_shows_the_originals_preview(member_client, user):
    original = _previewed(1)[0]
    post_repost(user=user, post=original)
    content = member_client.get(reverse("home")).content.decode()
    assert content.count('<a class="link-preview') == 1
    assert "Headline 0" in content


@pytest.mark.parametrize("n", SIZES)
def test_home_with_previews_costs_what_home_costs(
    member_client, user, django_assert_num_queries, settings, n
):
    """Previews are joined into the page's one query: the count is home's, for 1 or 40."""
    settings.MSG_PAGE_SIZE = max(SIZES) + 10
    for post in _previewed(n):
        FollowFactory(follower=user, followee=post.author)
    with django_assert_num_queries(HOME_QUERIES):
        response = member_client.get(reverse("home"))
    assert response.content.decode().count('<a class="link-preview') == n


@pytest.mark.parametrize("n", SIZES)
def test_home_with_reposts_of_previewed_posts_costs_what_reposts_cost(
    member_client, user, django_assert_num_queries, settings, n
):
    settings.MSG_PAGE_SIZE = max(SIZES) + 10
    for post in _previewed(n):
        reposter = FollowFactory(follower=user).followee
        post_repost(user=reposter, post=post)
    with django_assert_num_queries(HOME_WITH_REPOSTS_QUERIES):
        response = member_client.get(reverse("home"))
    assert response.content.decode().count('<a class="link-preview') == n


# Demo data ----------------------------------------------------------------------------------


def test_seed_demo_stores_its_card_so_its_link_is_not_fetched(user, commits, monkeypatch):
    """seed_demo stores the card of the page its demo post links to before posting it, so the
    post shows a preview and nothing is fetched (the demo works offline)."""

    def no_network(host: str, port: int) -> list[str]:
        raise AssertionError(f"resolved {host}")

    monkeypatch.setattr(fetch, "resolve", no_network)
    seed_demo.Command()._previews()
    post = post_create(author=user, body=f"Fast. {seed_demo.DEMO_LINK} helped.")
    post.refresh_from_db()
    assert post.preview.status == LinkPreview.Status.OK
    assert post.preview.title
    assert not post.preview.image
    assert any(seed_demo.DEMO_LINK in body for body in seed_demo.POSTS)
