"""Compose and images in headless Chromium (issue 9): the live character counter counts as
the server does and never cuts a paste short; a chosen image shows at once with its alt-text
field; a non-image gets the friendly message; a single image is never cropped; the lightbox
works by keyboard, closes on a click beside the image and gives focus back to the thumbnail;
an open ALT description is readable whole in every grid, on a phone too."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from core.images import NOT_AN_IMAGE
from posts.models import Post, PostImage
from posts.services import media as media_services
from posts.services import post_body_clean, post_create
from tests.core.test_images import encode, quadrants, upload
from tests.e2e.test_flows import field, member
from tests.e2e.test_social import png
from users.models import CustomUser

pytestmark = pytest.mark.browser


def signed_in(new_page, live_server, person: CustomUser) -> Page:
    """A page of its own for person, with a session made by the test client (so the test does
    not depend on the login page's wording)."""
    client = Client()
    client.force_login(person)
    page = new_page()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return page


def counter(page: Page, textarea):
    """The counter compose.js puts under a textarea."""
    return textarea.locator(
        "xpath=following-sibling::*[1][self::small and contains(@class,'char-counter')]"
    )


def remaining(page: Page, textarea) -> int:
    return int(counter(page, textarea).get_attribute("data-remaining") or "")


def test_the_counter_counts_as_the_server_and_a_long_paste_is_refused_whole(
    new_page, live_server, console_errors
):
    """Typing near the limit warns; a 600-character paste stays 600 characters, the counter
    goes negative, and posting it shows the server's error with the text still in the box."""
    ann = member()
    a = signed_in(new_page, live_server, ann)
    a.goto("/")
    body = a.locator("textarea[name=body]")
    limit = settings.MSG_MAX_POST_LENGTH
    assert body.get_attribute("maxlength") is None
    expect(counter(a, body)).to_have_attribute("data-remaining", str(limit))

    # Odd characters count as the server counts them: code points, trimmed as str.strip().
    for text in [
        "😀😀 ok",
        " \n  padded \t\n",
        "line one\nline two\r\nthree",
        "\u3000wide spaces\u2003",
        "\ufeffzero-width no-break space",
        "\x1cfile separator\x85",
        "e\u0301 combining",
    ]:
        body.fill(text)
        assert remaining(a, body) == limit - len(post_body_clean(text)), repr(text)

    near = "n" * (limit - 15)
    body.fill(near)
    expect(counter(a, body)).to_have_class("char-counter warn")
    assert remaining(a, body) == 15

    pasted = "".join(f"{n:05d} " for n in range(100))  # 600 characters
    body.fill("")
    body.focus()
    a.keyboard.insert_text(pasted)  # as a paste: one input event with the whole text
    assert body.input_value() == pasted, "the browser cut the paste short"
    expect(counter(a, body)).to_have_class("char-counter over")
    over = len(pasted.strip()) - limit
    assert remaining(a, body) == -over
    expect(counter(a, body)).to_contain_text(str(over))

    a.get_by_role("button", name="Post", exact=True).click()
    error = a.locator("#id_body_error, .field-error").first
    expect(error).to_contain_text(str(limit))
    expect(error).to_contain_text(str(len(pasted.strip())))
    body = a.locator("textarea[name=body]")
    assert body.input_value() == pasted
    assert remaining(a, body) == -over
    assert not Post.objects.filter(author=ann).exists()
    # The refusal itself answers 400, which Chromium logs; nothing else may be.
    assert [e for e in console_errors if "status of 400" not in e] == []


def test_a_chosen_image_shows_with_its_alt_field_and_a_non_image_is_explained(
    new_page, live_server, console_errors, tmp_path: Path
):
    """The limits are stated; the chosen image shows as a thumbnail with its alt-text field at
    once (htmx upload); a text file gets the same message as the avatar form."""
    ann = member()
    a = signed_in(new_page, live_server, ann)
    a.goto("/")
    a.locator("details.compose-images > summary").click()
    limits = a.locator("#compose-image-limits")
    expect(limits).to_be_visible()
    expect(limits).to_contain_text(f"{media_services.IMAGE_MAX_BYTES // 1_048_576} MB")

    a.locator("#id_image_1").set_input_files(png(tmp_path / "pier.png", (640, 400)))
    thumb = a.locator(".compose-media img.compose-thumb")
    expect(thumb).to_have_count(1)
    expect(thumb).to_be_visible()
    assert thumb.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    alt = field(a, "Description of image 1 (alt text)")
    expect(alt).to_be_visible()
    expect(alt).to_be_editable()
    # The thumbnail shows from the file at once (compose.js); wait for the upload's answer.
    expect(a.locator("input[type=hidden][name=media]")).to_have_count(1)
    draft = PostImage.objects.get(owner=ann)
    expect(a.locator("input[type=hidden][name=media]")).to_have_value(str(draft.pk))

    notes = tmp_path / "notes.png"
    notes.write_text("These are my notes, not a picture.")
    a.locator("#id_image_2").set_input_files(notes)
    expect(a.locator("#media-slot-2 .field-error")).to_have_text(str(NOT_AN_IMAGE))
    assert PostImage.objects.filter(owner=ann).count() == 1
    assert console_errors == []


def attached(author: CustomUser, sizes: list[tuple[int, int]], alts: list[str]) -> Post:
    ids = [
        media_services.media_upload(
            owner=author, file=upload(encode(quadrants(size), "PNG")), alt_text=alt
        ).pk
        for size, alt in zip(sizes, alts, strict=True)
    ]
    return post_create(author=author, body="Pictures.", media_ids=ids)


@pytest.mark.parametrize("size", [(400, 1200), (640, 400)])
def test_a_single_image_is_shown_whole(new_page, live_server, console_errors, size):
    """One image keeps its shape: scaled to fit (at most 510 px high), never cropped."""
    ann = member()
    post = attached(ann, [size], ["Four squares"])
    a = signed_in(new_page, live_server, ann)
    a.goto(post.get_absolute_url())
    image = a.locator(f"#post-{post.pk} .post-images img")
    assert image.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    fit = image.evaluate(
        """img => {
            const box = img.getBoundingClientRect(), style = getComputedStyle(img);
            const scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
            return {fit: style.objectFit, width: box.width, height: box.height,
                    shownWidth: img.naturalWidth * scale, shownHeight: img.naturalHeight * scale};
        }"""
    )
    assert fit["fit"] == "contain"
    assert fit["height"] <= 510.5
    # The picture shown inside the box has the stored shape (contain scales, never crops).
    ratio = size[0] / size[1]
    assert fit["shownWidth"] / fit["shownHeight"] == pytest.approx(ratio, rel=0.02)
    if size[0] > size[1]:
        assert fit["shownWidth"] == pytest.approx(fit["width"], abs=1)  # fills the column
    else:
        assert fit["shownHeight"] == pytest.approx(510, abs=1)  # as tall as allowed
    assert console_errors == []


def test_the_lightbox_by_keyboard(new_page, live_server, console_errors):
    """Enter on a thumbnail opens the full image with its description; ArrowRight and Next go
    on, ArrowLeft back (wrapping); Escape and Close shut it, focus back on the thumbnail."""
    ann, bob = member(), member()
    alts = ["A tall lighthouse", "A wide beach", "A small shell"]
    post = attached(ann, [(400, 1200), (640, 400), (64, 48)], alts)
    images = list(post.images.all())
    b = signed_in(new_page, live_server, bob)
    b.goto(post.get_absolute_url())
    card = b.locator(f"#post-{post.pk}")
    expect(card.locator(".post-images.count-3 .post-image")).to_have_count(3)
    expect(card.locator(".alt-badge summary", has_text="ALT")).to_have_count(3)
    links = card.locator("a.post-image-link")
    dialog = b.locator("dialog.lightbox")
    shown = dialog.locator("img")
    caption = dialog.locator("figcaption")

    links.nth(0).focus()
    b.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(shown).to_have_attribute("src", images[0].image.url)
    expect(shown).to_have_attribute("alt", alts[0])
    expect(caption).to_have_text(alts[0])
    assert shown.evaluate("img => img.decode().then(() => img.naturalWidth)") == 400
    b.keyboard.press("ArrowRight")
    expect(shown).to_have_attribute("src", images[1].image.url)
    expect(caption).to_have_text(alts[1])
    dialog.get_by_role("button", name="Next image").click()
    expect(caption).to_have_text(alts[2])
    b.keyboard.press("ArrowRight")
    expect(caption).to_have_text(alts[0])  # wraps round
    b.keyboard.press("ArrowLeft")
    expect(caption).to_have_text(alts[2])
    b.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    # The dialog's close event (which gives focus back) is a task of its own: wait for it, or
    # it may run after the next focus() and pull focus back to the first thumbnail.
    b.wait_for_function("() => !document.querySelector('dialog.lightbox img').hasAttribute('src')")
    expect(links.nth(0)).to_be_focused()

    links.nth(1).focus()
    b.keyboard.press("Enter")
    expect(caption).to_have_text(alts[1])
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(links.nth(1)).to_be_focused()
    assert b.locator("dialog").count() == 1, "the dialog is made once"

    # The ALT badge shows the description without opening the image.
    card.locator(".alt-badge summary").nth(2).click()
    expect(card.locator(".alt-badge p").nth(2)).to_be_visible()
    expect(card.locator(".alt-badge p").nth(2)).to_have_text(alts[2])
    expect(dialog).to_be_hidden()
    assert console_errors == []


def test_removing_an_image_by_keyboard_leaves_focus_on_its_file_input(
    new_page, live_server, console_errors, tmp_path: Path
):
    """The remove button and the slot's file input share a data-focus-key (focus.js), so
    focus lands where the image can be chosen again, not on the page."""
    page = signed_in(new_page, live_server, member())
    page.goto("/")
    page.locator("details.compose-images summary").click()
    page.locator("#id_image_1").set_input_files(png(tmp_path / "a.png", (640, 400)))
    remove = page.get_by_role("button", name="Remove image 1")
    expect(remove).to_be_visible()
    # htmx wires the swapped-in button once the swap settles (a person is never that quick).
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    remove.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_image_1")).to_be_visible()
    expect(page.locator("#id_image_1")).to_be_focused()
    assert console_errors == []


def test_alt_text_and_content_warning_take_a_long_paste_whole_and_count_it(
    new_page, live_server, console_errors, tmp_path: Path
):
    """The slot's alt-text input, an uploaded image's alt-text box and the content warning
    keep a paste past their limit whole (no maxlength) and their counters say by how much."""
    ann = member()
    a = signed_in(new_page, live_server, ann)
    a.goto("/")
    a.locator("details.compose-images > summary").click()
    alt_limit = media_services.ALT_TEXT_MAX_LENGTH
    pasted = "".join(f"{n:04d} " for n in range(alt_limit))[: alt_limit + 100]
    slot_alt = a.locator("#id_image_1_alt")
    expect(counter(a, slot_alt)).to_have_attribute("data-remaining", str(alt_limit))
    slot_alt.focus()
    a.keyboard.insert_text(" " + pasted + " ")  # as a paste; outer spaces are not counted
    assert slot_alt.input_value() == " " + pasted + " ", "the browser cut the paste short"
    assert remaining(a, slot_alt) == alt_limit - len(pasted.strip())

    a.locator("#id_image_2").set_input_files(png(tmp_path / "b.png", (640, 400)))
    draft_alt = a.locator(".compose-media textarea")
    expect(draft_alt).to_have_count(1)  # the uploaded draft replaced slot 2
    expect(draft_alt).to_have_accessible_name("Description of image 2 (alt text)")
    draft_alt.focus()
    a.keyboard.insert_text("line one\nline two")
    assert remaining(a, draft_alt) == alt_limit - len("line one\nline two")

    a.get_by_text("Audience and content warning", exact=True).click()
    warning = a.locator("input[name=spoiler_text]")
    limit = int(warning.get_attribute("data-max-length") or "")
    warning.focus()
    a.keyboard.insert_text("w" * (limit + 5))
    assert len(warning.input_value()) == limit + 5
    expect(counter(a, warning)).to_have_class("char-counter over")
    assert remaining(a, warning) == -5
    assert console_errors == []


# Everything the open ALT description must satisfy, measured in the page: the button stays
# inside its cell and on top (so the same click closes it); the description starts inside the
# cell or below it (never above: the cell's top would cut its first lines), fits the screen's
# width, and is the topmost thing at its first and last visible lines.
ALT_GEOMETRY = """details => {
    // The text's contrast with its translucent background laid over a white image (the worst
    // case for light text).
    const rgba = value => value.match(/[\\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map(c => {
        c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const contrastOverWhite = el => {
        const style = getComputedStyle(el);
        const fg = rgba(style.color), bg = rgba(style.backgroundColor);
        const alpha = bg.length > 3 ? bg[3] : 1;
        const shown = bg.slice(0, 3).map(c => c * alpha + 255 * (1 - alpha));
        const [a, b] = [luminance(fg), luminance(shown)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
    };
    const cell = details.closest(".post-image").getBoundingClientRect();
    const summary = details.querySelector("summary"), text = details.querySelector("p");
    text.scrollIntoView({block: "center"});
    const s = summary.getBoundingClientRect(), t = text.getBoundingClientRect();
    const cellNow = details.closest(".post-image").getBoundingClientRect();
    const on = (el, x, y) => el.contains(document.elementFromPoint(x, y));
    return {
        cellTop: cellNow.top, cellBottom: cellNow.bottom,
        summaryTop: s.top, summaryBottom: s.bottom,
        textTop: t.top, textLeft: t.left, textRight: t.right, width: innerWidth,
        textOnTopAtStart: on(text, t.left + 8, t.top + 8),
        textOnTopAtEnd: on(text, t.right - 8, t.bottom - 8),
        summaryOnTop: on(summary, (s.left + s.right) / 2, (s.top + s.bottom) / 2),
        textWidth: t.width, summaryContrast: contrastOverWhite(summary),
    };
}"""

# Where the ALT button sits in its cell (it must not move when it opens).
SUMMARY_IN_CELL = """details => {
    const cell = details.closest(".post-image").getBoundingClientRect();
    const summary = details.querySelector("summary").getBoundingClientRect();
    return [summary.left - cell.left, summary.top - cell.top];
}"""


@pytest.mark.parametrize("width", [360, 1280])
def test_an_open_alt_description_is_readable_in_every_grid(new_page, live_server, width):
    """1 to 4 images (and a sensitive post, revealed), on a phone and on a desktop: each ALT
    button opens its description whole (nothing cut off by the small grid cell), and stays
    visible and clickable to close it again."""
    ann, bob = member(), member()
    description = "Start of the description. " + "More words. " * 12
    posts = [attached(ann, [(64, 48)] * n, [description] * n) for n in (1, 2, 3, 4)]
    ids = [
        media_services.media_upload(
            owner=ann, file=upload(encode(quadrants((64, 48)), "PNG")), alt_text=description
        ).pk
        for _ in range(4)
    ]
    sensitive = post_create(author=ann, body="Careful.", media_ids=ids, sensitive=True)
    page = signed_in(new_page, live_server, bob)
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(f"/@{ann.username}/")
    page.locator(f"#post-{sensitive.pk} .sensitive-reveal").click()
    for post in [*posts, sensitive]:
        badges = page.locator(f"#post-{post.pk} details.alt-badge")
        for n in range(badges.count()):
            details = badges.nth(n)
            closed = details.evaluate(SUMMARY_IN_CELL)
            details.locator("summary").click()
            expect(details.locator("p")).to_be_visible()
            where = f"post of {post.images.count()} images, badge {n + 1}, {width} px"
            box = details.evaluate(ALT_GEOMETRY)
            assert box["summaryTop"] >= box["cellTop"] - 0.5, where
            assert box["summaryBottom"] <= box["cellBottom"] + 0.5, where
            assert box["textTop"] >= box["cellTop"] - 0.5, where
            assert box["textLeft"] >= 0 and box["textRight"] <= box["width"] + 0.5, where
            assert box["textWidth"] >= min(240, width / 2), f"a narrow column: {where}"
            assert box["textOnTopAtStart"] and box["textOnTopAtEnd"], f"covered: {where}"
            assert box["summaryOnTop"], f"the ALT button is covered: {where}"
            assert box["summaryContrast"] >= 4.5, f"the ALT button is hard to read: {where}"
            assert details.evaluate(SUMMARY_IN_CELL) == pytest.approx(closed, abs=0.5), where
            details.locator("summary").click()  # the same button closes it
            expect(details.locator("p")).to_be_hidden()


def test_the_lightbox_closes_on_a_click_beside_the_image(new_page, live_server, console_errors):
    """The dialog fills the screen and its figure most of it: a click on the dark area beside
    the image closes it; a click on the image or its caption does not."""
    ann, bob = member(), member()
    post = attached(ann, [(64, 48)], ["A small picture"])
    page = signed_in(new_page, live_server, bob)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(post.get_absolute_url())
    link = page.locator(f"#post-{post.pk} a.post-image-link")
    dialog = page.locator("dialog.lightbox")
    link.click()
    expect(dialog).to_be_visible()
    dialog.locator("img").click()
    dialog.locator("figcaption").click()
    expect(dialog).to_be_visible()
    page.mouse.click(100, 400)  # the dark area, far left of a 64 px wide image
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    link.click()
    expect(dialog).to_be_visible()
    page.mouse.click(640, 780)  # under the image, below the caption
    expect(dialog).to_be_hidden()
    assert console_errors == []
