"""In Chromium: an in-place (htmx) action that fails says so (static/js/errors.js), and Mute
says what it did, in a live region."""

import pytest
from playwright.sync_api import Page, expect

from posts.models import Post
from posts.services import post_create
from social.services import block_create
from tests.e2e.test_compose_images import signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

ALERT = ".action-alert [role=alert]"


def like_button(page: Page, post: Post):
    like = page.locator(f"#post-{post.pk} [data-focus-key=like]")
    expect(like).to_be_visible()
    return like


def test_a_like_on_a_post_deleted_meanwhile_says_it_is_gone(new_page, live_server):
    """The server's short plain-text answer to the 404 shows in an alert; focus stays on Like."""
    reader, author = UserFactory(), UserFactory()
    post = post_create(author=author, body="soon gone")
    page = signed_in(new_page, live_server, reader)
    page.goto("/explore/")
    like = like_button(page, post)
    Post.objects.filter(pk=post.pk).delete()
    with page.expect_response(lambda r: "/like/" in r.url) as answer:
        like.click()
    assert answer.value.status == 404
    expect(page.locator(ALERT)).to_have_text(answer.value.text())
    expect(like).to_be_focused()


def test_following_someone_who_blocked_you_meanwhile_says_why(new_page, live_server):
    reader, other = UserFactory(), UserFactory()
    page = signed_in(new_page, live_server, reader)
    page.goto(f"/@{other.username}/")
    follow = page.locator("[data-focus-key=follow]")
    expect(follow).to_be_visible()
    block_create(blocker=other, blocked=reader)
    with page.expect_response(lambda r: "/follow/" in r.url) as answer:
        follow.click()
    assert answer.value.status == 403
    reason = answer.value.text()
    assert reason
    expect(page.locator(ALERT)).to_have_text(reason)


def test_a_like_without_a_connection_says_you_seem_offline(new_page, live_server):
    reader, author = UserFactory(), UserFactory()
    post = post_create(author=author, body="offline")
    page = signed_in(new_page, live_server, reader)
    page.goto("/explore/")
    like = like_button(page, post)
    offline = page.locator("body").get_attribute("data-error-offline")
    assert offline
    page.route("**/like/", lambda route: route.abort("internetdisconnected"))
    like.click()
    expect(page.locator(ALERT)).to_have_text(offline)


def test_an_html_error_answer_is_never_inserted_only_the_generic_message(new_page, live_server):
    """A proxy's HTML error page (or anything not short plain text) gives the generic message;
    its markup never reaches the page."""
    reader, author = UserFactory(), UserFactory()
    post = post_create(author=author, body="proxy")
    page = signed_in(new_page, live_server, reader)
    page.goto("/explore/")
    like = like_button(page, post)
    generic = page.locator("body").get_attribute("data-error-generic")
    assert generic
    page.route(
        "**/like/",
        lambda route: route.fulfill(
            status=502, content_type="text/html", body="<h1 id=injected>Bad gateway</h1>"
        ),
    )
    like.click()
    expect(page.locator(ALERT)).to_have_text(generic)
    assert page.locator("#injected").count() == 0


def test_the_failure_shows_above_the_tab_bar_on_a_phone_and_goes_on_the_next_try(
    new_page, live_server
):
    reader, author = UserFactory(), UserFactory()
    post = post_create(author=author, body="phone")
    page = signed_in(new_page, live_server, reader)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/explore/")
    like = like_button(page, post)
    page.route("**/like/", lambda route: route.abort("internetdisconnected"))
    like.click()
    alert = page.locator(ALERT)
    expect(alert).to_be_visible()
    box = alert.bounding_box()
    tab_bar = page.locator(".main-nav").bounding_box()
    assert box and tab_bar
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert box["y"] + box["height"] <= tab_bar["y"], "the message hides under the tab bar"
    page.unroute("**/like/")
    with page.expect_response(lambda r: "/like/" in r.url):
        like.click()
    expect(alert).to_have_text("")


def test_dismiss_clears_the_message(new_page, live_server):
    reader, author = UserFactory(), UserFactory()
    post = post_create(author=author, body="dismiss")
    page = signed_in(new_page, live_server, reader)
    page.goto("/explore/")
    page.route("**/like/", lambda route: route.abort("internetdisconnected"))
    like_button(page, post).click()
    alert = page.locator(ALERT)
    expect(alert).not_to_have_text("")
    dismiss = page.get_by_role("button", name="Dismiss")
    dismiss.click()
    expect(alert).to_have_text("")
    expect(dismiss).to_be_hidden()


def test_mute_is_announced_and_undoable_in_place(new_page, live_server):
    """Mute needs no confirmation, is undoable right there (Unmute, focused), and what it did
    is in a live region, so a screen-reader user hears that it worked."""
    reader, other = UserFactory(), UserFactory()
    page = signed_in(new_page, live_server, reader)
    page.goto(f"/@{other.username}/")
    mute = page.locator("[data-focus-key=mute]")
    mute.focus()
    page.keyboard.press("Enter")
    expect(mute).to_have_text("Unmute")
    expect(mute).to_be_focused()
    status = page.locator("#relationship [role=status]")
    expect(status).to_contain_text("Muted")
