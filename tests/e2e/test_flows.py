"""The main user journeys, in headless Chromium against the live server, with real SMTP mail."""

import re
from typing import cast

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Page, expect

from posts.models import Post
from tests.factories import PASSWORD, PostFactory, UserFactory
from users.models import CustomUser

pytestmark = pytest.mark.browser


def member() -> CustomUser:
    """A member with a verified email address, made through the services."""
    return cast(CustomUser, UserFactory())


def field(page: Page, label: str):
    """The input labelled exactly label (allauth's labels may end in a colon)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def log_in(page: Page, login: str, password: str) -> None:
    """Log in through allauth's login page."""
    page.goto("/accounts/login/")
    field(page, "Username or email").fill(login)
    field(page, "Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()


def expect_logged_in_home(page: Page, base_url: str) -> None:
    expect(page).to_have_url(base_url + "/")
    expect(field(page, "What's happening?")).to_be_visible()
    # A member's navigation (on a phone, Log out waits in the top bar's More menu).
    expect(nav(page).get_by_role("link", name="Notifications")).to_be_visible()


def test_sign_up_confirm_email_then_log_in(page, live_server, mail_sink, console_errors):
    """A visitor signs up, confirms the address from the mailed link and logs in."""
    address = "ada@example.org"
    password = "plums-in-the-icebox-77"

    page.goto("/")
    nav(page).get_by_role("button", name="Sign up").click()
    field(page, "Username").fill("ada")
    field(page, "Email").fill(address)
    field(page, "Password").fill(password)
    field(page, "Password (again)").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    mail = mail_sink.wait_for(address, subject_contains="Confirm Your Email")
    link = mail_sink.link(mail, prefix=f"{live_server.url}/accounts/confirm-email/")
    assert not EmailAddress.objects.get(email=address).verified

    page.goto(link)
    expect(page.get_by_text(f"Please confirm that {address}")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    assert EmailAddress.objects.get(email=address).verified

    log_in(page, "ada", password)
    expect_logged_in_home(page, live_server.url)
    expect(nav(page).get_by_role("link", name="Profile")).to_have_attribute("href", "/@ada/")
    assert console_errors == []


def test_post_comment_in_place_edit_delete_log_out(new_page, live_server, console_errors):
    """Post; another member comments in place (htmx); the author edits, deletes, logs out."""
    author, commenter = member(), member()
    body = "First light over the harbour."

    # The author posts from the home page.
    alice = new_page()
    log_in(alice, author.username, PASSWORD)
    expect_logged_in_home(alice, live_server.url)
    field(alice, "What's happening?").fill(body)
    alice.get_by_role("button", name="Post").click()
    expect(alice.get_by_role("status")).to_have_text("Posted.")
    post = Post.objects.get(author=author, body=body)
    card = alice.locator(f"#post-{post.pk}")
    expect(card).to_contain_text(body)
    expect(card.get_by_role("link", name="0 comments", exact=True)).to_be_visible()

    # Another member comments on the post page; htmx adds it without leaving the page.
    bob = new_page()
    log_in(bob, commenter.username, PASSWORD)
    expect_logged_in_home(bob, live_server.url)
    bob.goto(post.get_absolute_url())
    expect(bob.locator(f"#post-{post.pk}")).to_contain_text(body)
    expect(bob.get_by_text("No comments yet.")).to_be_visible()
    url_before = bob.url
    bob.evaluate("window.__sameDocument = true")
    field(bob, "Your comment").fill("Lovely, and cold.")
    bob.get_by_role("button", name="Comment").click()
    comment = bob.locator("#comment-list .comment")
    expect(comment).to_have_count(1)
    expect(comment).to_contain_text("Lovely, and cold.")
    expect(comment).to_contain_text(f"@{commenter.username}")
    count_link = bob.locator(f"#post-{post.pk}").get_by_role("link", name="1 comment", exact=True)
    expect(count_link).to_be_visible()
    expect(bob.get_by_text("No comments yet.")).to_have_count(0)
    expect(field(bob, "Your comment")).to_have_value("")
    assert bob.url == url_before
    assert bob.evaluate("window.__sameDocument") is True, "the comment caused a full page load"

    # The author edits the post: it shows as edited.
    alice.goto(post.get_absolute_url())
    expect(alice.locator("#comment-list")).to_contain_text("Lovely, and cold.")
    alice.locator(f"#post-{post.pk}").get_by_role("link", name="Edit").click()
    field(alice, "Text").fill(body + " Edited at noon.")
    alice.get_by_role("button", name="Save").click()
    expect(alice).to_have_url(f"{live_server.url}{post.get_absolute_url()}")
    card = alice.locator(f"#post-{post.pk}")
    expect(card).to_contain_text("Edited at noon.")
    expect(card.locator("header")).to_contain_text("edited")

    # ... then deletes it after the confirmation page.
    card.get_by_role("link", name="Delete").click()
    expect(alice.get_by_role("heading", name="Delete this post?")).to_be_visible()
    expect(alice.get_by_text("Its 1 comment will be deleted too.")).to_be_visible()
    alice.get_by_role("button", name="Delete").click()
    expect(alice).to_have_url(live_server.url + "/")
    expect(alice.get_by_role("status")).to_have_text("Post deleted.")
    expect(alice.get_by_text(body)).to_have_count(0)
    assert not Post.objects.filter(pk=post.pk).exists()

    # ... and logs out with the button in the navigation.
    nav(alice).get_by_role("button", name="Log out").click()
    expect(alice.get_by_role("heading", name="msg")).to_be_visible()
    expect(nav(alice).get_by_role("link", name="Log in")).to_be_visible()
    expect(alice.get_by_role("button", name="Log out")).to_have_count(0)

    assert console_errors == []


def test_password_reset_by_mail(page, live_server, mail_sink, console_errors):
    """A member resets a forgotten password from the mailed link; only the new one works."""
    user = member()
    new_password = "a-brand-new-secret-93"

    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Password Reset")).to_be_visible()
    field(page, "Email").fill(user.email)
    page.get_by_role("button", name="Reset My Password").click()
    expect(page.get_by_text("We have sent you an email.")).to_be_visible()

    mail = mail_sink.wait_for(user.email, subject_contains="Password Reset")
    link = mail_sink.link(mail, prefix=f"{live_server.url}/accounts/password/reset/key/")
    page.goto(link)
    expect(page.get_by_role("heading", name="Change Password")).to_be_visible()
    field(page, "New Password").fill(new_password)
    field(page, "New Password (again)").fill(new_password)
    page.get_by_role("button", name="Change Password").click()
    expect(page.get_by_text("Your password is now changed.")).to_be_visible()

    log_in(page, user.username, PASSWORD)
    refused = page.get_by_text("The username and/or password you specified are not correct.")
    expect(refused).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    log_in(page, user.username, new_password)
    expect_logged_in_home(page, live_server.url)
    assert console_errors == []


@pytest.mark.parametrize("logged_in", [False, True], ids=["landing", "home"])
def test_home_fits_a_narrow_phone(new_page, live_server, console_errors, logged_in):
    """At 360 px wide, the home page does not scroll sideways, even with a long unbroken word."""
    page = new_page(viewport={"width": 360, "height": 740})
    if logged_in:
        user = member()
        PostFactory(author=user, body="https://example.org/" + "x" * 150)
        PostFactory(author=user, body="y" * 150)
        log_in(page, user.username, PASSWORD)
        expect_logged_in_home(page, live_server.url)
        expect(page.locator("article.post")).to_have_count(2)
    else:
        page.goto("/")
        expect(page.get_by_role("heading", name="msg")).to_be_visible()
    widths = page.evaluate(
        "({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"], f"horizontal scroll at 360 px: {widths}"
    assert console_errors == []
