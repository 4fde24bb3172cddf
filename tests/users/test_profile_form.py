"""Settings > Profile never cuts the name or bio short: no maxlength, a live counter's limit
in data-max-length, and a too-long text given back whole with the server's error."""

import html as html_lib
import re

import pytest
from django.urls import reverse

from tests.pages import html
from users.models import CustomUser

pytestmark = pytest.mark.django_db

URL = reverse("settings_profile")
DISPLAY_NAME_LIMIT = CustomUser._meta.get_field("display_name").max_length
BIO_LIMIT = CustomUser._meta.get_field("bio").max_length


def field_tag(page: str, name: str) -> str:
    tag = re.search(rf'<(?:input|textarea)\b[^>]*\sname="{name}"[^>]*>', page)
    assert tag, f"no field {name} on the page"
    return tag.group(0)


def bio_text(page: str) -> str:
    match = re.search(r'<textarea name="bio"[^>]*>(.*?)</textarea>', page, re.DOTALL)
    assert match, "no bio textarea"
    return html_lib.unescape(match.group(1).removeprefix("\n"))


def test_profile_fields_carry_no_maxlength_but_the_counters_limit(member_client):
    """A maxlength would make the browser cut a longer paste short without a word."""
    page = html(member_client.get(URL))
    assert not re.findall(r"<(?:input|textarea)\b[^>]*\smaxlength=", page)
    for name, limit in (("display_name", DISPLAY_NAME_LIMIT), ("bio", BIO_LIMIT)):
        tag = field_tag(page, name)
        assert f'data-max-length="{limit}"' in tag
        assert "data-counter-other=" in tag


def test_a_too_long_bio_comes_back_whole_with_the_error(member_client, user):
    bio = "".join(f"b{n:03d} " for n in range(BIO_LIMIT))[: BIO_LIMIT + 20] + "!"
    response = member_client.post(URL, {"display_name": "Ann", "bio": bio})
    page = html(response)
    assert bio_text(page) == bio
    errors = re.findall(r'class="field-error"[^>]*>([^<]*)<', page)
    assert any(str(BIO_LIMIT) in error for error in errors)
    user.refresh_from_db()
    assert user.bio == ""


def test_a_too_long_display_name_comes_back_whole_with_the_error(member_client, user):
    name = "N" * (DISPLAY_NAME_LIMIT + 1)
    page = html(member_client.post(URL, {"display_name": name, "bio": ""}))
    assert f'value="{name}"' in field_tag(page, "display_name")
    errors = re.findall(r'class="field-error"[^>]*>([^<]*)<', page)
    assert any(str(DISPLAY_NAME_LIMIT) in error for error in errors)
    user.refresh_from_db()
    assert user.display_name == ""


def test_a_bio_line_end_counts_as_one_character(member_client, user):
    """Browsers send line ends as CRLF; the counter counts each as one, and so does the
    server: a bio exactly at the limit with line ends is saved."""
    bio = "a" * (BIO_LIMIT // 2 - 1) + "\r\n" + "b" * (BIO_LIMIT - BIO_LIMIT // 2)
    response = member_client.post(URL, {"display_name": "Ann", "bio": bio})
    assert response.status_code == 302
    user.refresh_from_db()
    assert len(user.bio) == BIO_LIMIT and "\r" not in user.bio
