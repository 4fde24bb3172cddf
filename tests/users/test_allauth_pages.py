"""allauth's pages in the site's words ("Log in", "Sign up", "Log out") and form style: every
field is labelled, and the password rules are help text under the password field."""

import re

import pytest
from django.urls import reverse

from tests.pages import html

pytestmark = pytest.mark.django_db

# Case matters: "Sign up" is the site's word, allauth's "Sign Up" and "Signup" are not.
WRONG_WORDS = re.compile(
    r"[Ss]ign[ -]?[Ii]n\b|[Ss]ign[ -]?[Oo]ut|[Ll]ogout|Sign Up|[Ss]ignup|Login\b"
)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_entrance_pages_use_the_site_vocabulary(client, name):
    page = html(client.get(reverse(name)))
    assert not WRONG_WORDS.findall(text_of(page)), WRONG_WORDS.findall(text_of(page))


def test_login_page_says_log_in(client):
    page = html(client.get(reverse("account_login")))
    assert re.search(r"<title>\s*Log in", page)
    assert "<h1>Log in</h1>" in page
    assert '<button type="submit">Log in</button>' in page
    assert '<label for="id_login">Username or email</label>' in page


def test_signup_page_says_sign_up(client):
    page = html(client.get(reverse("account_signup")))
    assert "<h1>Sign up</h1>" in page
    assert '<button type="submit">Sign up</button>' in page


def test_password_rules_are_help_text_under_the_password_field(client):
    """The rules follow the input they describe and are named by its aria-describedby."""
    page = html(client.get(reverse("account_signup")))
    field = page.index('id="id_password1"')
    label = page.index('<label for="id_password1">')
    rules = page.index('id="id_password1_helptext"')
    assert label < field < rules
    assert 'aria-describedby="id_password1_helptext"' in page
    assert "at least 8 characters" in page[rules:]
    # The rules are not inside a <p> (a <ul> would break out of it) nor above the field.
    assert "at least 8 characters" not in page[:field]


def test_a_field_error_shows_under_its_field(client):
    """A refused sign-up shows the error under the field, named by aria-describedby."""
    response = client.post(
        reverse("account_signup"),
        {"username": "ada", "email": "ada@example.org", "password1": "123", "password2": "123"},
    )
    page = html(response)
    field = page.index('id="id_password1"')
    error = page.index('id="id_password1_error"')
    assert field < error
    assert re.search(r'aria-describedby="[^"]*id_password1_error', page)


def test_logout_page_says_log_out(member_client):
    page = html(member_client.get(reverse("account_logout")))
    assert "<h1>Log out</h1>" in page
    assert not WRONG_WORDS.findall(text_of(page))


def test_logging_in_and_out_say_so(client, user, password):
    """The messages after logging in and out use the same words."""
    response = client.post(
        reverse("account_login"), {"login": user.username, "password": password}, follow=True
    )
    assert "Logged in as" in html(response)
    response = client.post(reverse("account_logout"), follow=True)
    assert "You have logged out." in html(response)
