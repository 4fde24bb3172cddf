"""Direct messages in headless Chromium: two members exchange messages; the unread badge in
the nav appears for the recipient and goes when the conversation is opened."""

import pytest
from playwright.sync_api import Page, expect

from posts.models import Post, Visibility
from tests.e2e.test_flows import field, log_in, member
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def messages_badge(page: Page):
    return page.locator("#nav-messages .badge")


def test_a_direct_message_exchange_with_the_unread_badge(new_page, live_server, console_errors):
    ada, bob = member(), member()
    ada_page, bob_page = new_page(), new_page()
    log_in(ada_page, ada.username, PASSWORD)
    log_in(bob_page, bob.username, PASSWORD)

    # Ada writes to Bob from his profile's Message button.
    ada_page.goto(f"/@{bob.username}/")
    ada_page.get_by_role("button", name="Message", exact=True).click()
    expect(field(ada_page, "To")).to_have_value(f"@{bob.username}")
    field(ada_page, "Your message").fill("Lunch on Friday?")
    ada_page.get_by_role("button", name="Send", exact=True).click()
    expect(ada_page.get_by_role("status")).to_have_text("Message sent.")
    first = Post.objects.get(author=ada)
    assert first.visibility == Visibility.DIRECT

    # Bob sees one unread conversation in the nav, on any page, and it is marked in the list.
    bob_page.goto("/explore/")
    expect(messages_badge(bob_page)).to_have_text("1")
    bob_page.locator("#nav-messages").click()
    conversation = bob_page.locator(".conversation.unread")
    expect(conversation).to_contain_text("Lunch on Friday?")
    expect(conversation).to_contain_text(f"@{ada.username}")
    conversation.get_by_role("link").click()
    expect(bob_page.locator("#messages")).to_contain_text("Lunch on Friday?")
    expect(messages_badge(bob_page)).to_have_count(0)

    # A blank answer is refused in place (a 400 that htmx swaps); then Bob answers in place.
    bob_page.evaluate("window.__sameDocument = true")
    field(bob_page, "Your message").fill("   ")
    bob_page.get_by_role("button", name="Send", exact=True).click()
    expect(
        bob_page.locator("#reply-form [role=alert], #reply-form .field-error")
    ).not_to_have_count(0)
    field(bob_page, "Your message").fill("Yes, at noon.")
    bob_page.get_by_role("button", name="Send", exact=True).click()
    expect(bob_page.locator("#messages")).to_contain_text("Yes, at noon.")
    assert bob_page.evaluate("window.__sameDocument === true"), "the reply reloaded the page"
    expect(field(bob_page, "Your message")).to_have_value("")

    ada_page.goto("/")
    expect(messages_badge(ada_page)).to_have_text("1")
    ada_page.goto("/messages/")
    ada_page.locator(".conversation.unread").get_by_role("link").click()
    expect(ada_page.locator("#messages")).to_contain_text("Yes, at noon.")
    field(ada_page, "Your message").fill("See you then.")
    ada_page.get_by_role("button", name="Send", exact=True).click()
    expect(ada_page.locator("#messages")).to_contain_text("See you then.")

    bob_page.goto("/messages/")
    expect(messages_badge(bob_page)).to_have_text("1")
    expect(bob_page.locator(".conversation")).to_have_count(1)
    expect(bob_page.locator(".conversation.unread")).to_contain_text("See you then.")

    # Nobody else can read it, and it is on nobody's timeline.
    assert Post.objects.filter(visibility=Visibility.DIRECT).count() == 3
    bob_page.goto("/")
    expect(bob_page.locator("#timeline")).not_to_contain_text("Lunch on Friday?")
    # The refused blank answer is the one error the browser logged: its 400 response.
    assert len(console_errors) == 1, console_errors
    assert "status of 400" in console_errors[0] and "/messages/" in console_errors[0]
