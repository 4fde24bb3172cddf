"""The one parser for post text: @mentions, #hashtags and http(s) links.

`parse` finds them; `render_body` turns typed text into safe HTML: escaped, with line breaks
kept and mentions, tags and URLs linked. nh3 runs last as defence in depth.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

import nh3
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _combining_marks() -> str:
    """Return a regex class body of the Unicode combining marks (category M).

    Python's \\w leaves them out, yet they are part of words: Devanagari and Thai vowel signs,
    decomposed accents (e + U+0301). Only planes 0-1 and the variation selectors hold any.
    """
    ranges: list[list[int]] = []
    for block in (range(0x20000), range(0xE0000, 0xE1000)):
        for cp in block:
            if unicodedata.category(chr(cp)).startswith("M"):
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1][1] = cp
                else:
                    ranges.append([cp, cp])
    return "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges)


_MARKS = _combining_marks()
# http(s) URLs up to whitespace, not ending in punctuation that usually closes a sentence. Only
# the scheme ignores case, and only in ASCII: Unicode case folding lets U+017F match "s".
_URL = r"(?ai:https?)://[^\s<>\"'`]*[^\s<>\"'`.,:;!?)\]}]"
# @name where name is a username: not glued to a word, an email address or a URL path. It is
# case-sensitive on purpose: case-insensitive, [A-Za-z] also matches U+017F (long s), U+212A
# (Kelvin sign), U+0131 and U+0130, which fold to ASCII but are not username characters.
_MENTION = r"(?<![\w@/.])@(?P<mention>[A-Za-z0-9_]{1,30})(?![\w@])"
# #tag: Unicode letters, digits, underscores and combining marks, with at least one letter;
# not inside a word/URL.
_TAG = rf"(?<![\w{_MARKS}&/#])#(?P<tag>[\w{_MARKS}]*[^\W\d_][\w{_MARKS}]*)"
TOKEN_RE = re.compile(rf"(?P<url>{_URL})|{_MENTION}|{_TAG}")

ALLOWED_TAGS = {"a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href", "class"}}
MAX_TAG_LENGTH = 100


def normalize_tag(name: str) -> str:
    """Return the stored form of a hashtag: NFKC, case-folded."""
    return unicodedata.normalize("NFKC", name).casefold()[:MAX_TAG_LENGTH]


@dataclass(frozen=True)
class Parsed:
    mentions: list[str]  # usernames as typed, in order, without duplicates (case-insensitive)
    tags: list[str]  # tag names as typed, in order, without duplicates (after normalising)
    urls: list[str]


def parse(text: str) -> Parsed:
    """Return the mentions, hashtags and URLs in text."""
    mentions: dict[str, str] = {}
    tags: dict[str, str] = {}
    urls: list[str] = []
    for match in TOKEN_RE.finditer(text):
        if match.group("url"):
            urls.append(match.group("url"))
        elif match.group("mention"):
            mentions.setdefault(match.group("mention").lower(), match.group("mention"))
        elif match.group("tag"):
            tags.setdefault(normalize_tag(match.group("tag")), match.group("tag"))
    return Parsed(mentions=list(mentions.values()), tags=list(tags.values()), urls=urls)


def _link(match: re.Match[str]) -> str:
    """Return the HTML for one token; a token that cannot be linked is shown as text."""
    try:
        return _anchor(match)
    except NoReverseMatch:
        return escape(match.group(0))


def _anchor(match: re.Match[str]) -> str:
    if url := match.group("url"):
        return f'<a href="{escape(url)}">{escape(url)}</a>'
    if name := match.group("mention"):
        href = reverse("profile", kwargs={"username": name})
        return f'<a href="{escape(href)}" class="mention">@{escape(name)}</a>'
    name = match.group("tag")
    href = reverse("tag", kwargs={"name": normalize_tag(name)})
    return f'<a href="{escape(href)}" class="hashtag">#{escape(name)}</a>'


@functools.lru_cache(maxsize=4096)
def render_body(text: str) -> SafeString:
    """Return text as HTML: escaped, with links for URLs, mentions and tags, and <br> breaks."""
    # A lone \r is a line break too (the HTML parser in nh3 would turn it into a bare \n).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parts: list[str] = []
    last = 0
    for match in TOKEN_RE.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(_link(match))
        last = match.end()
    parts.append(escape(text[last:]))
    html = "".join(parts).replace("\n", "<br>\n")
    # Defence in depth: whatever the code above built, only plain links and <br> survive.
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)
