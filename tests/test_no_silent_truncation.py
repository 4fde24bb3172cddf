"""No text field lets the browser cut a paste short without a word (a `maxlength` attribute):
each states its limit with the live counter, and the server refuses a longer text, keeping it."""

import re

import pytest
from django.urls import reverse

from lists.models import List
from tests.factories import PostFactory, UserFactory
from tests.pages import html

pytestmark = pytest.mark.django_db

MAXLENGTH = re.compile(r"<(?:input|textarea)\b[^>]*\bmaxlength=[^>]*>")


def _fields_with_maxlength(content: str) -> list[str]:
    # An address longer than 320 characters is not an address: cutting one short loses nothing.
    return [tag for tag in MAXLENGTH.findall(content) if 'type="email"' not in tag]


def test_no_member_page_cuts_a_paste_short(client):
    member = UserFactory()
    post = PostFactory(author=member)
    client.force_login(member)
    pages = [
        "/", "/explore/", "/settings/profile/", "/settings/filters/", "/lists/", "/messages/new/",
        "/search/?q=x", "/accounts/password/change/", "/accounts/email/", "/notifications/",
        post.get_absolute_url(), f"/@{member.username}/", f"/@{member.username}/{post.pk}/edit/",
    ]  # fmt: skip
    found = {path: _fields_with_maxlength(html(client.get(path))) for path in pages}
    assert {path: tags for path, tags in found.items() if tags} == {}


def test_no_visitor_page_cuts_a_paste_short(client):
    pages = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
    found = {path: _fields_with_maxlength(html(client.get(path))) for path in pages}
    assert {path: tags for path, tags in found.items() if tags} == {}


def test_a_list_name_over_the_limit_is_refused_and_kept(client):
    member = UserFactory()
    client.force_login(member)
    title = "a" * 120
    response = client.post(reverse("lists"), {"title": title})
    assert not List.objects.filter(owner=member).exists()
    assert title in html(response)
    assert "field-error" in html(response)
