"""A new member's first screen in headless Chromium: who to follow and trending tags on the
empty home, a follow from there (in place, with htmx), and the right column's suggestions."""

import uuid

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from social.models import Follow
from social.services import follow_create
from tests.e2e.test_compose_images import signed_in
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


def _crowd():
    """Three members with followers, so who to follow has someone to offer."""
    people = [member() for _ in range(3)]
    fans = [member() for _ in range(2)]
    for person in people:
        for fan in fans:
            follow_create(follower=fan, followee=person)
    return people


@pytest.mark.parametrize("path", ["/", "/explore/"])
def test_one_who_to_follow_box_at_a_time_on_a_wide_screen(
    new_page, live_server, console_errors, path
):
    """A new member's empty home and explore show who to follow in the main column, and the
    right column holds it too: one of them shows, not both."""
    _crowd()
    page = signed_in(new_page, live_server, member())
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(path)
    page.wait_for_load_state("networkidle")
    expect(page.locator("section.who-to-follow:visible")).to_have_count(1)
    assert console_errors == []


def test_explore_shows_its_own_who_to_follow_without_the_right_column(
    new_page, live_server, console_errors
):
    _crowd()
    page = signed_in(new_page, live_server, member())
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto("/explore/")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".explore-people section.who-to-follow")).to_be_visible()


def test_the_right_column_on_explore_does_not_link_to_explore(
    new_page, live_server, console_errors
):
    """The column comes from /sidebar/: it must still know it sits on explore."""
    _crowd()
    page = signed_in(new_page, live_server, member())
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/explore/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#sidebar-extra .who-to-follow")).to_have_count(1)
    expect(page.get_by_role("link", name="Find more people on Explore")).to_have_count(0)


def test_the_sole_member_of_a_new_server_is_shown_a_way_on(new_page, live_server, console_errors):
    """Nobody to follow and no tags: once /sidebar/?first_screen=1 has replaced the right
    column's placeholder, it still links to Explore; the empty home links Explore and Search,
    and its "Write your first post" puts the caret in the compose box."""
    page = signed_in(new_page, live_server, member())
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_response(lambda r: "/sidebar/" in r.url):
        page.goto("/")
    page.wait_for_load_state("networkidle")
    column = page.locator("#sidebar-extra")
    expect(column.get_by_role("link")).to_have_attribute("href", reverse("explore"))
    empty = page.locator("#main .empty")
    expect(empty.get_by_role("link", name="Explore")).to_have_attribute("href", reverse("explore"))
    expect(empty.get_by_role("link", name="Search")).to_have_attribute("href", reverse("search"))
    page.locator("#main .first-screen").get_by_role("link", name="Write your first post").click()
    expect(page.locator("form.compose textarea[name=body]")).to_be_focused()
    assert console_errors == []
