"""Turn a post body typed by a user into safe HTML: escaped, links clickable, line breaks kept."""

import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# http(s) URLs up to whitespace or a character that cannot end a URL in running text.
URL_RE = re.compile(r"https?://[^\s<>\"'`]+[^\s<>\"'`.,:;!?)\]}]", re.IGNORECASE)

ALLOWED_TAGS = {"a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    return f'<a href="{escape(url)}">{escape(url)}</a>'


def render_body(text: str) -> SafeString:
    """Return text as HTML: escaped, with http(s) links and <br> line breaks."""
    parts: list[str] = []
    last = 0
    for match in URL_RE.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(_link(match))
        last = match.end()
    parts.append(escape(text[last:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\n", "<br>\n")
    # Defence in depth: whatever the code above built, only plain links and <br> survive.
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)
