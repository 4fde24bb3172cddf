"""The layout in Chromium: focus stays on the pressed control after an htmx swap, focus rings
are visible in both themes, the phone tab bar holds one row, the reading column is ~600px, and
the compose box starts as one line and grows."""

import pytest
from playwright.sync_api import Page, expect

from social.services import follow_create
from tests.e2e.test_compose_images import signed_in
from tests.e2e.test_flows import log_in, member
from tests.factories import PASSWORD, PostFactory

pytestmark = pytest.mark.browser


def logged_in(new_page, *, width: int = 1280, height: int = 800, scheme: str = "light"):
    reader = member()
    page = new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
    log_in(page, reader.username, PASSWORD)
    expect(page.locator("#main")).to_be_visible()
    return page, reader


def test_focus_stays_on_like_after_the_swap(new_page, console_errors):
    """Pressing Like by keyboard swaps the actions bar; focus lands on the new Like button."""
    page, _reader = logged_in(new_page)
    post = PostFactory(body="Focus me")
    page.goto("/explore/")
    like = page.locator(f"#post-{post.pk} [data-focus-key=like]")
    like.focus()
    page.keyboard.press("Enter")
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_be_focused()
    # And again, to unlike: still focused, still in place.
    page.keyboard.press("Enter")
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like).to_be_focused()
    # Bookmark too.
    bookmark = page.locator(f"#post-{post.pk} [data-focus-key=bookmark]")
    bookmark.focus()
    page.keyboard.press("Space")
    expect(bookmark).to_have_attribute("aria-pressed", "true")
    expect(bookmark).to_be_focused()
    assert console_errors == []


def test_focus_stays_on_follow_after_the_swap(new_page, console_errors):
    """Follow on a profile swaps the relationship box; focus lands on Unfollow."""
    page, _reader = logged_in(new_page)
    other = member()
    page.goto(f"/@{other.username}/")
    page.locator("[data-focus-key=follow]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-focus-key=follow]")).to_have_text("Unfollow")
    expect(page.locator("[data-focus-key=follow]")).to_be_focused()
    assert console_errors == []


RING = """(el) => {
  const style = getComputedStyle(el);
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let bg = "rgb(255, 255, 255)";
  for (let node = el.parentElement; node; node = node.parentElement) {
    const c = getComputedStyle(node).backgroundColor;
    if (c && !c.startsWith("rgba(0, 0, 0, 0)") && c !== "transparent") { bg = c; break; }
  }
  const [a, b] = [lum(style.outlineColor), lum(bg)];
  return {
    width: parseFloat(style.outlineWidth), style: style.outlineStyle,
    contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
  };
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_rings_are_visible_in_both_themes(new_page, scheme, console_errors):
    """Links, buttons, the nav and the compose box show a solid 2px+ ring with 3:1 contrast."""
    page, reader = logged_in(new_page, scheme=scheme)
    PostFactory(author=reader, body="A card with buttons")
    page.goto("/")
    targets = [
        page.locator("form.compose textarea[name=body]"),
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Explore"),
        page.locator("[data-focus-key=like]").first,
        page.locator(".compose-button"),
        page.locator("#site-search-q"),
    ]
    for target in targets:
        target.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # a keyboard focus, so :focus-visible applies
        ring = target.evaluate(RING)
        assert ring["style"] == "solid", ring
        assert ring["width"] >= 2, ring
        assert ring["contrast"] >= 3, ring
    assert console_errors == []


def test_phone_tab_bar_is_one_row_and_nothing_overflows(new_page, console_errors):
    """At 360px the tab bar's items sit in one row at the bottom, and the page has no overflow."""
    page, reader = logged_in(new_page, width=360, height=740)
    for path in ["/", "/explore/", "/notifications/", f"/@{reader.username}/"]:
        page.goto(path)
        items = page.locator(".main-nav > ul > li:visible")
        boxes = [items.nth(i).bounding_box() for i in range(items.count())]
        assert len(boxes) == 5, boxes
        tops = {round(box["y"]) for box in boxes if box}
        assert len(tops) == 1, boxes
        assert all(box and box["x"] >= 0 and box["x"] + box["width"] <= 360.5 for box in boxes)
        assert min(box["y"] for box in boxes if box) > 740 - 80  # at the bottom
        expect(
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")
        ).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        # The top bar holds the brand, Search and More in one row.
        topbar = page.locator(".topbar > :visible")
        top_rows = {round(topbar.nth(i).bounding_box()["y"] // 20) for i in range(topbar.count())}
        assert len(top_rows) == 1
    # The last of the content scrolls clear of the bar.
    page.goto("/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    footer = page.locator(".site-footer small").bounding_box()
    bar = page.locator(".main-nav").bounding_box()
    assert footer and bar and footer["y"] + footer["height"] <= bar["y"] + 1
    assert console_errors == []


@pytest.mark.parametrize("width", [320, 360, 390, 700, 800, 1000, 1280, 1920])
def test_no_horizontal_overflow_at_any_width(new_page, width, console_errors):
    page, reader = logged_in(new_page, width=width)
    PostFactory(author=reader, body="x" * 200)
    for path in ["/", "/explore/", "/accounts/password/change/"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert console_errors == []


def test_wide_screen_has_sidebar_column_and_aside(new_page, console_errors):
    """At 1280px: the nav on the left, a main column of about 600px, search on the right."""
    page, _reader = logged_in(new_page, width=1280)
    page.goto("/")
    main = page.locator("#main").bounding_box()
    nav = page.get_by_role("navigation", name="Main").bounding_box()
    aside = page.locator(".site-aside").bounding_box()
    assert main and nav and aside
    assert 560 <= main["width"] <= 640
    assert nav["x"] + nav["width"] <= main["x"] <= aside["x"] - main["width"]
    expect(page.locator(".site-aside").get_by_role("search")).to_be_visible()
    expect(page.get_by_role("link", name="New post")).to_be_visible()
    assert console_errors == []


def test_new_post_focuses_compose_which_starts_small_and_grows(new_page, console_errors):
    """New post puts the caret in the compose box: one line at first, taller as lines come."""
    page, _reader = logged_in(new_page, width=1280)
    page.goto("/explore/")
    page.get_by_role("link", name="New post").click()
    box = page.locator("form.compose textarea[name=body]")
    expect(box).to_be_focused()
    start = box.bounding_box()
    assert start and start["height"] < 70
    page.keyboard.type("one\ntwo\nthree\nfour\nfive")
    grown = box.bounding_box()
    assert grown and grown["height"] > start["height"] + 40
    assert console_errors == []


def test_follows_make_the_badges_and_current_page(new_page, console_errors):
    """The current page is marked for assistive technology too (aria-current)."""
    page, reader = logged_in(new_page)
    follow_create(follower=member(), followee=reader)
    page.goto("/notifications/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Notifications")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Home")).not_to_have_attribute("aria-current", "page")
    assert console_errors == []


PHONE = {"width": 360, "height": 740}


def phone_page(new_page, live_server, person, language: str) -> Page:
    page = signed_in(new_page, live_server, person)
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme="dark")
    page.set_extra_http_headers({"Accept-Language": language})
    return page


@pytest.mark.parametrize("language", ["de", "en"])
def test_tab_bar_labels_show_whole_at_360px(new_page, live_server, console_errors, language):
    """Every tab-bar label shows whole (no ellipsis) at 360 px, in both languages."""
    page = phone_page(new_page, live_server, member(), language)
    page.goto("/")
    labels = page.locator(".main-nav .nav-label:visible")
    assert labels.count() >= 5
    cut = labels.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"
    )
    assert cut == [], f"tab bar labels cut off with an ellipsis at 360 px: {cut}"
    assert console_errors == []


def test_keyboard_focus_is_never_hidden_behind_the_tab_bar(new_page, live_server, console_errors):
    """WCAG 2.4.11 (focus not obscured): tabbing down a timeline at 360 px, each focused control
    is scrolled into view above the fixed bottom tab bar (scroll-padding-bottom)."""
    me = member()
    author = member()
    follow_create(follower=me, followee=author)
    for i in range(6):
        PostFactory(author=author, body=f"post {i} " + "word " * 30)
    page = phone_page(new_page, live_server, me, "de")
    page.goto("/")
    page.wait_for_load_state("networkidle")
    hidden = []
    for _ in range(60):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
              const el = document.activeElement;
              const bar = document.querySelector('.main-nav').getBoundingClientRect();
              const r = el.getBoundingClientRect();
              return {inBar: !!el.closest('.main-nav'), top: r.top, barTop: bar.top,
                      label: el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30)};
            }"""
        )
        if not state["inBar"] and state["top"] >= state["barTop"]:
            hidden.append(state["label"])
    assert hidden == [], f"focused controls entirely under the bottom tab bar: {hidden}"


def test_the_more_menu_closes_with_escape_and_focus_returns(new_page, live_server, console_errors):
    """The phone's More menu (a <details> dropdown) opens with Enter; Escape from inside closes
    it and puts focus back on its summary (static/js/dialogs.js)."""
    page = phone_page(new_page, live_server, member(), "de")
    page.goto("/")
    more = page.locator(".topbar-more")
    summary = more.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("open", "")
    page.keyboard.press("Tab")  # into the menu: "Profil"
    page.keyboard.press("Escape")
    expect(more).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
