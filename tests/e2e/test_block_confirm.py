"""In Chromium: Block asks in a <dialog> first; times carry their exact value in a title, in
the zone the browser reported on the first visit."""

import re
import time

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from posts.services import post_create
from social.models import Block, Follow
from social.services import follow_create
from tests.factories import UserFactory
from users.models import CustomUser

pytestmark = pytest.mark.browser


def logged_in(new_page, live_server, user: CustomUser, **context_options) -> Page:
    """Open a page whose browser holds user's session (no login form to depend on)."""
    client = Client()
    client.force_login(user)
    page = new_page(**context_options)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )
    return page


def stored_zone(user: CustomUser, *, wait_for: str = "") -> str:
    """Return user's stored time zone, waiting a little for the browser's report to land."""
    deadline = time.monotonic() + 5
    while True:
        zone = CustomUser.objects.get(pk=user.pk).time_zone
        if zone == wait_for or time.monotonic() > deadline:
            return zone
        time.sleep(0.05)


def test_block_asks_in_a_dialog_and_cancel_changes_nothing(new_page, live_server, console_errors):
    alice, bob = UserFactory(), UserFactory()
    follow_create(follower=alice, followee=bob)
    follow_create(follower=bob, followee=alice)
    page = logged_in(new_page, live_server, alice)
    page.goto(f"/@{bob.username}/")
    block = page.locator("#relationship").get_by_role("button", name="Block", exact=True)
    dialog = page.get_by_role("dialog", name=f"Block @{bob.username}?")

    block.click()
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"@{bob.username} will not be able to follow you")
    expect(page).to_have_url(re.compile(rf"/@{bob.username}/$"))  # no page load
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(block).to_be_focused()
    assert not Block.objects.exists()
    assert Follow.objects.count() == 2

    # Escape closes it too, and the keyboard alone can open it.
    block.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert not Block.objects.exists()

    block.click()
    dialog.get_by_role("button", name="Block", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"You blocked @{bob.username}.")
    expect(page.locator("#relationship").get_by_role("button", name="Unblock")).to_be_visible()
    body = page.locator("body").inner_text()
    assert body.count(f"You blocked @{bob.username}") == 1
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    assert not Follow.objects.exists()
    assert console_errors == []


def test_the_block_dialog_opens_on_cancel_and_keeps_focus_inside(new_page, live_server):
    """Initial focus is on Cancel (the safe choice); Tab and Shift+Tab never reach the page
    behind the modal (body = the browser's own UI, which the
    native modal <dialog> lets focus visit, as the HTML spec intends)."""
    reader, other = UserFactory(), UserFactory()
    page = logged_in(new_page, live_server, reader)
    page.goto(f"/@{other.username}/")
    page.locator("#relationship").get_by_role("button", name="Block", exact=True).click()
    dialog = page.locator("#block-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    inside = (
        "() => document.activeElement === document.body"
        " || document.getElementById('block-dialog').contains(document.activeElement)"
    )
    for key in ["Tab"] * 4 + ["Shift+Tab"] * 6:
        page.keyboard.press(key)
        where = page.evaluate("() => document.activeElement.outerHTML.slice(0, 80)")
        assert page.evaluate(inside), f"focus left the dialog after {key}: on {where}"


def test_block_without_javascript_uses_the_confirmation_page(new_page, live_server):
    alice, bob = UserFactory(), UserFactory()
    page = logged_in(new_page, live_server, alice, java_script_enabled=False)
    page.goto(f"/@{bob.username}/")
    page.locator("#relationship").get_by_role("button", name="Block", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/@{bob.username}/block/\??$"))
    expect(page.get_by_role("heading", name=f"Block @{bob.username}?")).to_be_visible()
    page.get_by_role("button", name="Block", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/@{bob.username}/$"))
    assert page.locator("body").inner_text().count(f"You blocked @{bob.username}") == 1
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()


def test_times_have_their_exact_value_in_the_browsers_zone(new_page, live_server, console_errors):
    """The first page reports the browser's zone; from then on titles are in it."""
    alice = UserFactory()
    post_create(author=alice, body="What time is it?")
    page = logged_in(new_page, live_server, alice, timezone_id="Asia/Tokyo")
    page.goto(f"/@{alice.username}/")
    card_time = page.locator("article.post time").first
    expect(card_time).to_have_attribute("title", re.compile(r" UTC$"))
    expect(card_time).to_have_text("now")
    assert stored_zone(alice, wait_for="Asia/Tokyo") == "Asia/Tokyo"

    page.reload()
    expect(card_time).to_have_attribute("title", re.compile(r", \d\d:\d\d JST$"))
    assert page.locator("body[data-time-zone-url]").count() == 0
    assert console_errors == []
