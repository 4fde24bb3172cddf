"""Rendering a post body as safe HTML (posts.text.render_body)."""

import html
import re

from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from posts.text import render_body

TAG_RE = re.compile(r"<[^>]*>")


def visible_text(rendered: str) -> str:
    """Return what a reader sees: the markup stripped, the entities decoded."""
    return html.unescape(TAG_RE.sub("", rendered))


def test_script_tags_are_escaped():
    """A <script> tag is shown as text, never sent as markup."""
    rendered = render_body('<script>alert("x")</script>')
    assert "<script" not in rendered
    assert "&lt;script&gt;" in rendered
    assert visible_text(rendered) == '<script>alert("x")</script>'


def test_html_attributes_cannot_be_injected():
    """Markup with event handlers is escaped as a whole."""
    rendered = render_body('<img src=x onerror="alert(1)">')
    assert "<img" not in rendered
    assert "&lt;img" in rendered


def test_line_breaks_become_br():
    """Each line break becomes a <br>, whatever the line ending."""
    for text in ("one\ntwo\nthree", "one\r\ntwo\r\nthree", "one\rtwo\rthree"):
        rendered = render_body(text)
        assert rendered.count("<br>") == 2, text
        assert visible_text(rendered) == "one\ntwo\nthree"


def test_http_and_https_urls_become_nofollow_links():
    """http(s) URLs become links with rel="nofollow noopener"."""
    for url in ("https://example.com/path?q=1", "http://example.org/"):
        rendered = render_body(f"look at {url} now")
        assert f'<a href="{html.escape(url)}" rel="nofollow noopener">' in rendered
        assert f">{html.escape(url)}</a>" in rendered


def test_url_with_ampersand_is_linked_whole():
    """A query string with & stays inside the link, escaped in the markup."""
    rendered = render_body("https://example.com/?a=1&b=2")
    assert 'href="https://example.com/?a=1&amp;b=2"' in rendered


def test_javascript_urls_are_never_linked():
    """javascript: URLs stay plain text."""
    for text in ("javascript:alert(1)", "JavaScript:alert(document.cookie)", "javascript://x.y"):
        rendered = render_body(text)
        assert "<a" not in rendered
        assert visible_text(rendered) == text


def test_other_schemes_are_not_linked():
    """Only http and https are linked; data: and ftp: are left as text."""
    for text in ("data:text/html,<b>x</b>", "ftp://example.com/file"):
        assert "<a" not in render_body(text)


def test_quote_cannot_break_out_of_the_href():
    """A quote ends the URL; it cannot add attributes to the link."""
    rendered = render_body('https://example.com/"onmouseover="alert(1)')
    assert 'href="https://example.com/"' in rendered
    assert re.search(r"<a [^>]*onmouseover", rendered) is None


def test_trailing_punctuation_is_not_swallowed():
    """Sentence punctuation after a URL stays outside the link."""
    cases = {
        "See https://example.com.": ("https://example.com", "."),
        "Is it https://example.com?": ("https://example.com", "?"),
        "Wow https://example.com!": ("https://example.com", "!"),
        "(see https://example.com/a)": ("https://example.com/a", ")"),
        "first https://example.com/x, then": ("https://example.com/x", ","),
        "https://example.com/list: done": ("https://example.com/list", ":"),
    }
    for text, (url, punctuation) in cases.items():
        rendered = render_body(text)
        assert f'href="{url}"' in rendered, text
        assert f"{url}</a>{punctuation}" in rendered, text


def test_mentions_and_hashtags_link_to_their_pages():
    """@name links to the profile and #tag to the tag page; the text stays as typed."""
    rendered = render_body("Thanks @Ada_L for #Django tips")
    profile = reverse("profile", kwargs={"username": "Ada_L"})
    assert f'href="{profile}"' in rendered
    assert f'href="{reverse("tag", kwargs={"name": "django"})}"' in rendered
    assert visible_text(rendered) == "Thanks @Ada_L for #Django tips"


def test_email_addresses_and_url_fragments_are_not_mentions_or_tags():
    """An email address is not a mention, and a URL's #fragment is not a hashtag."""
    rendered = render_body("mail ada@example.com or see https://example.com/page#section")
    assert 'class="mention"' not in rendered
    assert 'class="hashtag"' not in rendered
    assert 'href="https://example.com/page#section"' in rendered


def test_text_round_trips_around_links():
    """Linking changes no visible character."""
    text = "a https://example.com/x?y=1&z=2. b"
    assert visible_text(render_body(text)) == text


@given(st.text())
def test_render_body_never_raises_and_keeps_every_character(text):
    """For any text, render_body returns HTML whose visible text is the input.

    Line endings are normalised to \\n; NUL is left out since a post cannot hold it.
    """
    rendered = render_body(text)
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" not in text:
        assert visible_text(rendered) == expected
    assert "<script" not in rendered.lower()
    # Every link goes to an http(s) URL or to a page of this site (a profile or a tag).
    assert all(
        href.startswith(("http://", "https://", "/"))
        for href in re.findall(r'href="([^"]*)"', rendered)
    )


@given(st.text(alphabet=st.sampled_from(list("hts:/.<>\"'&()jav \n\rx"))))
def test_render_body_round_trips_url_like_text(text):
    """Text made of URL and markup characters keeps every character, links or not."""
    rendered = render_body(text)
    assert visible_text(rendered) == text.replace("\r\n", "\n").replace("\r", "\n")
    assert all(
        href.startswith(("http://", "https://")) for href in re.findall(r'href="([^"]*)"', rendered)
    )
