"""The page layout (templates/_base.html): the navigation marks the current page with
aria-current, the right column holds search, and the pages use the site's vocabulary."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import PostFactory, UserFactory
from tests.pages import html

pytestmark = pytest.mark.django_db


class CurrentLinks(HTMLParser):
    """Collect (href, aria-current) of every link inside <nav aria-label="Main">."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "nav":
            if self.depth or attributes.get("aria-label") == "Main":
                self.depth += 1
        elif tag == "a" and self.depth:
            self.links.append((attributes.get("href") or "", attributes.get("aria-current")))

    def handle_endtag(self, tag) -> None:
        if tag == "nav" and self.depth:
            self.depth -= 1


def main_nav_links(response) -> list[tuple[str, str | None]]:
    parser = CurrentLinks()
    parser.feed(html(response))
    assert parser.links, "the page has no main navigation"
    return parser.links


def current(response) -> dict[str, str]:
    """The main navigation's links that carry aria-current, by href."""
    return {href: value for href, value in main_nav_links(response) if value}


@pytest.mark.parametrize(
    "name", ["home", "explore", "notifications", "conversations", "bookmarks", "lists"]
)
def test_the_current_page_is_marked_in_the_navigation(member_client, name):
    """The page's own nav link, and only it, has aria-current="page"."""
    url = reverse(name)
    response = member_client.get(url)
    assert response.status_code == 200
    assert current(response) == {url: "page"}


def test_a_page_below_a_nav_item_marks_that_item(member_client):
    """A tag page sits under Explore: Explore is marked current (aria-current="true")."""
    response = member_client.get(reverse("tag", args=["birds"]))
    assert current(response) == {reverse("explore"): "true"}


def test_own_profile_marks_profile_and_another_does_not(member_client, user):
    """Your own profile marks Profile; someone else's marks nothing."""
    own = reverse("profile", args=[user.username])
    assert current(member_client.get(own)) == {own: "page"}
    other = UserFactory()
    assert current(member_client.get(reverse("profile", args=[other.username]))) == {}


def test_navigation_has_the_main_links_and_compose_button(member_client, user):
    """The sidebar links every main page and has a "New post" button to the compose box."""
    hrefs = {href for href, _ in main_nav_links(member_client.get(reverse("explore")))}
    for name in ["home", "explore", "notifications", "conversations", "bookmarks", "lists"]:
        assert reverse(name) in hrefs
    assert reverse("profile", args=[user.username]) in hrefs
    assert reverse("home") + "#compose" in hrefs
    page = html(member_client.get(reverse("home")))
    assert 'id="compose"' in page
    assert re.search(r'<button type="submit" class="nav-item">.*Log out', page, re.S)


def test_the_right_column_holds_search_and_a_fallback_link(member_client):
    """The right column has the site search and, until the sidebar loads, a link to Explore."""
    page = html(member_client.get(reverse("home")))
    aside = re.search(r'<aside class="site-aside".*?</aside>', page, re.S)
    assert aside is not None
    assert 'role="search"' in aside.group(0)
    assert 'id="sidebar-extra"' in aside.group(0)
    assert f'href="{reverse("explore")}"' in aside.group(0)


def test_visitors_get_log_in_and_sign_up(client):
    """A visitor's header offers Log in and Sign up, and no member navigation."""
    page = html(client.get(reverse("account_login")))
    assert ">Log in</a>" in page
    assert ">Sign up</a>" in page
    assert 'class="site-aside"' not in page


# The site says "Log in", "Sign up", "Log out" and "Bookmark"; case matters ("Sign up" is right).
WRONG_WORDS = re.compile(
    r"[Ss]ign[ -]?[Ii]n\b|[Ss]ign[ -]?[Oo]ut|[Ll]ogout|Login\b|Sign Up|Signup|Register"
    r"|>\s*Saved?\s*<"
)


def visible_text(page: str) -> str:
    """The page's text and attribute values a reader sees or hears (no URLs or CSS classes)."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    words = re.findall(r'(?:aria-label|title|placeholder|value)="([^"]*)"', page)
    return re.sub(r"<[^>]+>", "><", page) + " " + " ".join(words)


@pytest.mark.parametrize(
    "name",
    ["home", "explore", "notifications", "conversations", "bookmarks", "lists", "settings_profile"],
)
def test_member_pages_use_the_site_vocabulary(member_client, user, name):
    """No "Sign in", "Logout", "Login" or "Save"-for-bookmark on the main pages."""
    PostFactory(author=user, body="A post to show a card with its buttons.")
    text = visible_text(html(member_client.get(reverse(name))))
    assert "Log out" in text
    assert not WRONG_WORDS.findall(text), WRONG_WORDS.findall(text)


def test_a_card_offers_bookmark_not_save(member_client, user):
    """The bookmark button says Bookmark (Bookmarked once pressed), never Save."""
    PostFactory(author=user)
    page = html(member_client.get(reverse("home")))
    assert '<span class="label">Bookmark</span>' in page
    assert ">Save<" not in page
