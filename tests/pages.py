"""Reading rendered pages in view tests: what a person would look for on the page."""

import re

HTMX = {"HX-Request": "true"}


def html(response) -> str:
    return response.content.decode()


def template_names(response) -> list[str]:
    return [t.name for t in response.templates if t.name]


def post_ids(response) -> list[int]:
    """Return the ids of the post cards on the page, in page order."""
    return [int(pk) for pk in re.findall(r'<article class="post" id="post-(\d+)"', html(response))]


def next_max_id(response) -> int | None:
    """Return the cursor of the page's "Load more" link, if it has one."""
    match = re.search(r'href="\?max_id=(\d+)"', html(response))
    return int(match.group(1)) if match else None


def empty_state(response) -> str | None:
    """Return the text of the page's empty-state paragraph, if it shows one."""
    match = re.search(r'<p class="empty"[^>]*>(.*?)</p>', html(response), re.DOTALL)
    return match.group(1).strip() if match else None
