"""A new member's first screen in headless Chromium: who to follow and trending tags on the
empty home, a follow from there (in place, with htmx), and the right column's suggestions."""

import uuid

import pytest
from playwright.sync_api import expect

from social.models import Follow
from social.services import follow_create
from tests.e2e.test_flows import expect_logged_in_home, log_in, member
from tests.factories import PASSWORD, PostFactory
from users.services import profile_update

pytestmark = pytest.mark.browser


def test_a_new_member_follows_someone_from_the_first_screen(new_page, live_server, console_errors):
    grace = member()
    profile_update(user=grace, display_name="Grace Hopper", bio="")
    follow_create(follower=member(), followee=grace)
    tag = f"compilers{uuid.uuid4().hex[:6]}"
    PostFactory(author=grace, body=f"Hello #{tag}")
    newcomer = member()

    page = new_page(viewport={"width": 1280, "height": 1000})
    log_in(page, newcomer.username, PASSWORD)
    expect_logged_in_home(page, live_server.url)
    main = page.get_by_role("main")
    suggestions = main.locator(".first-screen")
    expect(suggestions.get_by_role("heading", name="Who to follow")).to_be_visible()
    expect(suggestions.get_by_role("link", name=f"#{tag}")).to_be_visible()

    page.evaluate("window.__sameDocument = true")
    button = suggestions.get_by_role("button", name=f"Follow @{grace.username}")
    button.click()
    expect(suggestions.get_by_role("button", name=f"Unfollow @{grace.username}")).to_be_visible()
    assert page.evaluate("window.__sameDocument === true")  # in place, no page load
    assert Follow.objects.filter(follower=newcomer, followee=grace).exists()

    # The right column loads its own suggestions (hx-get /sidebar/).
    page.goto("/explore/")
    aside = page.locator("#sidebar-extra")
    expect(aside.get_by_role("heading", name="Trending tags")).to_be_visible()
    expect(aside.get_by_role("link", name=f"#{tag}")).to_be_visible()
    assert console_errors == []
