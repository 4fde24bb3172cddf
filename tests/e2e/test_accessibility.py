"""axe-core (via axe-playwright-python) finds no serious accessibility problems on the pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from posts.services import post_like, post_repost
from social.services import follow_create
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
    ]:
        page.goto(path)
        problems += serious_violations(page)
    assert problems == []
    assert console_errors == []
