"""axe-core (via axe-playwright-python) finds no serious accessibility problems on the pages."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from conversations.services import message_send
from lists.services import list_create, list_member_add
from posts.models import Visibility
from posts.services import post_create, post_edit, post_like, post_repost
from posts.services.polls import PollSpec
from social.services import follow_create, muted_word_create
from tests.e2e.test_flows import log_in, member
from tests.factories import PASSWORD, CommentFactory, PostFactory

pytestmark = pytest.mark.browser

# axe's impact levels that fail the test; "minor" and "moderate" findings are reported only.
BLOCKING = {"serious", "critical"}


def serious_violations(page: Page) -> list[str]:
    """Run axe on the page; return one line per serious or critical violation."""
    results = Axe().run(page)
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_public_pages_pass_axe(page, console_errors):
    """Landing, login, signup and password reset have no serious accessibility violations."""
    problems: list[str] = []
    for path in ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        page.goto(path)
        problems += serious_violations(page)
    assert problems == []
    assert console_errors == []


def test_member_pages_pass_axe(page, console_errors):
    """Every main member page, with real content on it, has no serious accessibility violations."""
    reader, writer = member(), member()
    follow_create(follower=reader, followee=writer)
    post = PostFactory(author=writer, body="Accessible #a11y post mentioning @" + reader.username)
    CommentFactory(in_reply_to=post, author=reader)
    post_like(user=reader, post=post)
    post_repost(user=reader, post=post)
    log_in(page, reader.username, PASSWORD)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    problems: list[str] = []
    for path in [
        "/",
        "/explore/",
        f"/@{writer.username}/",
        post.get_absolute_url(),
        "/notifications/",
        "/search/?q=accessible",
        "/tags/a11y/",
        "/bookmarks/",
        "/settings/profile/",
        "/settings/blocks/",
        f"/@{writer.username}/followers/",
        "/accounts/password/change/",
        *issue_8_pages(reader, writer, post),
    ]:
        page.goto(path)
        problems += serious_violations(page)
    assert problems == []
    assert console_errors == []


def issue_8_pages(reader, writer, post) -> list[str]:
    """Make a poll, a content warning, a quote, an edit, a direct message, a list and a muted
    word; return the pages that show them."""
    poll = post_create(
        author=writer,
        body="Which editor?",
        poll=PollSpec(options=["vim", "emacs"], expires_in=timedelta(hours=1)),
    )
    post_create(author=writer, body="the ending", spoiler_text="Film spoilers")
    post_create(author=writer, body="unlisted words", visibility=Visibility.UNLISTED)
    quote = post_create(author=reader, body="So true", quote_of=post)
    post_edit(user=writer, post=poll, body="Which editor do you use?")
    message = message_send(author=writer, body="Hello there", recipients=[reader])
    list_ = list_create(owner=reader, title="Writers")
    list_member_add(owner=reader, list_=list_, user=writer)
    muted_word_create(user=reader, phrase="spoilers")
    return [
        "/messages/",
        f"/messages/{message.pk}/",
        f"/messages/new/?to={writer.username}",
        "/lists/",
        f"/lists/{list_.pk}/",
        f"/lists/{list_.pk}/edit/",
        f"/@{writer.username}/lists/",
        "/settings/filters/",
        f"/@{writer.username}/{poll.pk}/history/",
        f"/@{writer.username}/{post.pk}/quote/",
        quote.get_absolute_url(),
    ]
