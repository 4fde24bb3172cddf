"""In Chromium: after a failed (non-htmx) submit the error is tied to its field and focus moves
to the first invalid field (WCAG 3.3.1 / 3.3.3; static/js/focus.js)."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_compose_images import signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

FOCUSED = "() => { const el = document.activeElement; return el && (el.id || el.tagName); }"


def assert_focus_on_invalid(page: Page, field_id: str) -> None:
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    # The error is tied to the field, so a screen reader reads it with the field.
    described = (field.get_attribute("aria-describedby") or "").split()
    errors = page.locator(".field-error")
    assert any(page.locator(f"#{i}.field-error").count() for i in described), (
        f"#{field_id} is not described by its error ({described}); errors: "
        f"{errors.all_inner_texts()}"
    )
    got = page.evaluate(FOCUSED)
    assert got == field_id, f"after the failed submit focus is on {got!r}, not #{field_id}"


def test_a_too_long_post_moves_focus_to_the_text(new_page, live_server):
    reader = UserFactory()
    page = signed_in(new_page, live_server, reader)
    page.goto("/")
    box = page.locator("#id_body")
    box.fill("x" * 600)
    page.locator("form.compose").get_by_role("button", name="Post", exact=True).last.click()
    page.wait_for_load_state("load")
    expect(page.locator(".field-error").first).to_be_visible()
    page.wait_for_timeout(300)
    assert_focus_on_invalid(page, "id_body")


def test_a_too_long_display_name_moves_focus_to_the_name(new_page, live_server):
    reader = UserFactory()
    page = signed_in(new_page, live_server, reader)
    page.goto("/settings/profile/")
    page.locator("#id_display_name").fill("N" * 200)
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_load_state("load")
    expect(page.locator(".field-error").first).to_be_visible()
    page.wait_for_timeout(300)
    assert_focus_on_invalid(page, "id_display_name")


def test_sign_up_with_a_taken_username_moves_focus_to_the_username(new_page, live_server):
    taken = UserFactory()
    page = new_page()
    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("new@example.com")
    page.locator("#id_username").fill(taken.username)
    page.locator("#id_password1").fill("a long enough passphrase 42")
    if page.locator("#id_password2").count():
        page.locator("#id_password2").fill("a long enough passphrase 42")
    page.locator("form").get_by_role("button", name="Sign up").click()
    page.wait_for_load_state("load")
    expect(page.locator(".field-error").first).to_be_visible()
    page.wait_for_timeout(300)
    assert_focus_on_invalid(page, "id_username")
