"""Properties of the post text parser and renderer (posts.text), checked with Hypothesis on
arbitrary and on adversarial text: markup, quotes, script URLs, event handlers, @, #, links,
line breaks and non-ASCII letters, mixed at random.

tests/posts/test_text.py holds the examples and the plain-text round trip; these add the
parser's guarantees and an HTML parser's reading of what render_body sends to the browser.
"""

import html
import re
from html.parser import HTMLParser

import pytest
from django.urls import resolve, reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from posts.text import normalize_tag, parse, render_body

TAG_RE = re.compile(r"<[^>]*>")

EXAMPLES = settings(max_examples=300, deadline=None)

# Pieces an attacker (or a careless typist) would combine.
PIECES = [
    "<",
    ">",
    '"',
    "'",
    "=",
    "&",
    ";",
    "/",
    ".",
    "_",
    " ",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "@",
    "#",
    "http://",
    "https://",
    "javascript:",
    "JaVaScRiPt:",
    " javascript :",
    "java\nscript:",
    "onerror=",
    "ONCLICK=",
    " onmouseover=",
    "<a href=",
    "<img src=x ",
    "<script>",
    "</a>",
    "&#106;",
    "&quot;",
    "example.com",
    "alert(1)",
    "ada",
    "42",
]
adversarial_text = st.lists(
    st.one_of(
        st.sampled_from(PIECES),
        st.text(st.characters(categories=["L", "Nd"]), min_size=1, max_size=6),
    ),
    max_size=40,
).map("".join)
any_text = st.one_of(st.text(), adversarial_text)


class Reader(HTMLParser):
    """Read HTML as a browser would: the text it shows and the attributes of each element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(rendered: str) -> Reader:
    reader = Reader()
    reader.feed(rendered)
    reader.close()
    return reader


def normalised(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


@EXAMPLES
@given(any_text)
def test_parse_and_render_never_raise(text):
    """parse and render_body accept any text without an exception."""
    parsed = parse(text)
    assert isinstance(parsed.mentions, list)
    assert isinstance(render_body(text), str)


@EXAMPLES
@given(any_text)
def test_every_mention_tag_and_url_found_is_in_the_text(text):
    """What parse extracts is typed in the text: @name, #tag and each URL, as written."""
    parsed = parse(text)
    for name in parsed.mentions:
        assert f"@{name}" in text
    for tag in parsed.tags:
        assert f"#{tag}" in text
    for url in parsed.urls:
        assert url in text


@EXAMPLES
@given(any_text)
def test_mentions_and_tags_are_not_repeated(text):
    """A name or tag typed twice (in any case) is extracted once."""
    parsed = parse(text)
    assert len({m.lower() for m in parsed.mentions}) == len(parsed.mentions)
    assert len({normalize_tag(t) for t in parsed.tags}) == len(parsed.tags)


@EXAMPLES
@given(adversarial_text)
def test_rendered_text_is_exactly_the_input(text):
    """What a browser shows is what was typed (line endings made \\n), whatever it contains:
    markup stays text, entities stay as typed, links and <br> add no characters."""
    rendered = str(render_body(text))
    # Typed "<" arrives as &lt;, so every "<" in the output opens a tag that render_body made.
    assert html.unescape(TAG_RE.sub("", rendered)) == normalised(text)
    assert "".join(read(rendered).text) == normalised(text)


def _is_safe_href(href: str | None) -> bool:
    """An http(s) URL or a path on this site (never protocol-relative, never a script URL)."""
    if not href:
        return False
    squeezed = "".join(ch for ch in href if not ch.isspace()).lower()
    if squeezed.startswith(("javascript:", "vbscript:", "data:")):
        return False
    # Schemes are case-insensitive: HTTP://example.com is linked as typed.
    return squeezed.startswith(("http://", "https://")) or (
        href.startswith("/") and not href.startswith("//")
    )


@EXAMPLES
@given(any_text)
def test_no_script_url_or_event_handler_ever_survives(text):
    """Only <a> and <br> come out; no attribute is an on* handler; every href is an http(s) URL
    or a local path, never javascript:."""
    for tag, attrs in read(render_body(text)).elements:
        assert tag in {"a", "br"}, tag
        assert not [name for name in attrs if name.lower().startswith("on")], attrs
        assert set(attrs) <= {"href", "class", "rel"}, attrs
        # nh3 drops an href it cannot parse as a URL ("http://[x"), leaving a harmless <a>.
        if "href" in attrs:
            assert tag == "a"
            assert _is_safe_href(attrs["href"]), attrs


# Letters that Unicode case folding maps onto ASCII (U+017F long s, U+212A Kelvin, dotless i,
# dotted I) and their neighbours: a case-insensitive pattern over [A-Za-z] matched them, the
# URL converters do not, and every page showing such a post answered 500.
FOLDING = ["\u017f", "\u212a", "\u0131", "\u0130", "\ufb00", "\u00df", "\u212b", "K"]
folding_text = st.lists(
    st.one_of(
        st.sampled_from(["@", "#", " ", "_", "http", "s://", "HTTP", "\u017f://", *FOLDING]),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=4),
        st.text(st.characters(categories=["L", "Nd", "M"]), min_size=1, max_size=6),
    ),
    max_size=30,
).map("".join)


@pytest.mark.parametrize(
    "text",
    [
        "hi @\u017fam",
        "@\u017f",
        "@\u212a",
        "@\u0131",
        "@\u0130",
        "#\u017f @sam_\u017f",
        "http\u017f://x.y",
    ],
)
def test_case_folding_letters_are_never_linked_as_mentions(text):
    """A name with a letter that only folds to ASCII is not a username: it stays text."""
    rendered = str(render_body(text))
    assert parse(text).mentions == [m for m in parse(text).mentions if m.isascii()]
    for _tag, attrs in read(rendered).elements:
        href = attrs.get("href") or ""
        if href.startswith("/@"):
            resolve(href)  # a mention link always resolves
    assert "".join(read(rendered).text) == normalised(text)


@EXAMPLES
@given(st.one_of(any_text, folding_text))
def test_every_link_render_body_makes_to_this_site_resolves(text):
    """For any text, rendering succeeds and every local href it produces resolves to a view;
    every mention found is a valid username and every tag a valid tag address."""
    rendered = str(render_body(text))
    for tag, attrs in read(rendered).elements:
        href = attrs.get("href")
        if tag == "a" and href and href.startswith("/"):
            match = resolve(href)
            assert match.url_name in {"profile", "tag"}, href
    for name in parse(text).mentions:
        assert reverse("profile", kwargs={"username": name})
    for name in parse(text).tags:
        resolve(reverse("tag", kwargs={"name": normalize_tag(name)}))
