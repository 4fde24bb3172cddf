"""Display names cannot fake a handle: no bidi overrides, zero-width, control or invisible
characters (emoji sequences keep their joiners), and names sit in <bdi> beside other text."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from social.services import follow_create
from tests.factories import PostFactory, UserFactory
from tests.pages import html
from users.models import CustomUser
from users.services import profile_update

pytestmark = pytest.mark.django_db

FORBIDDEN = {
    "right-to-left override": "\u202eevil",
    "left-to-right isolate": "a\u2066b",
    "pop directional isolate": "a\u2069b",
    "zero-width space": "ali\u200bce",
    "zero-width non-joiner": "ali\u200cce",
    "byte order mark": "\ufeffalice",
    "soft hyphen": "ali\u00adce",
    "control character": "ali\x07ce",
    "line separator": "ali\u2028ce",
    "hangul filler": "\u3164",
    "braille blank": "alice\u2800",
    "tag character alone": "alice\U000e0041",
}
ALLOWED = {
    "family emoji (ZWJ sequence)": "Ada \U0001f468\u200d\U0001f469\u200d\U0001f467",
    "rainbow flag": "Ada \U0001f3f3\ufe0f\u200d\U0001f308",
    "flag of England (tag sequence)": (
        "Ada \U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    ),
    "Arabic": "\u0639\u0644\u064a",
    "Devanagari with marks": "\u0928\u093f\u0916\u093f\u0932",
    "accents": "Zoë Ångström",
}


@pytest.mark.parametrize("name", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_profile_update_refuses_invisible_and_control_characters(user, name):
    with pytest.raises(ValidationError) as caught:
        profile_update(user=user, display_name=name, bio="")
    assert "display_name" in caught.value.message_dict
    user.refresh_from_db()
    assert user.display_name == ""


@pytest.mark.parametrize("name", ALLOWED.values(), ids=ALLOWED.keys())
def test_profile_update_keeps_emoji_sequences_and_every_script(user, name):
    profile_update(user=user, display_name=name, bio="")
    user.refresh_from_db()
    assert user.display_name == name


def test_the_settings_form_shows_the_error_and_keeps_the_old_name(member_client, user):
    profile_update(user=user, display_name="Old Name", bio="bio")
    response = member_client.post(
        reverse("settings_profile"), {"display_name": "\u202eemanlaer", "bio": "bio"}
    )
    assert response.status_code == 200
    assert "invisible or control characters" in html(response)
    user.refresh_from_db()
    assert user.display_name == "Old Name"


def test_a_name_saved_before_the_rule_is_shown_without_its_override(client):
    """An old display name holding U+202E is shown without it, isolated in <bdi>."""
    author = UserFactory()
    CustomUser.objects.filter(pk=author.pk).update(display_name="\u202eevil name")
    PostFactory(author=author, body="hello")
    client.force_login(UserFactory())
    page = html(client.get(reverse("explore")))
    assert "\u202e" not in page
    assert "<bdi>evil name</bdi>" in page


@pytest.mark.parametrize("page", ["explore", "profile", "followers"])
def test_display_names_are_isolated_beside_other_text(client, page):
    author = UserFactory()
    profile_update(user=author, display_name="\u0639\u0644\u064a", bio="")
    PostFactory(author=author, body="hello")
    viewer = UserFactory()
    client.force_login(viewer)
    follow_create(follower=author, followee=viewer)
    url = {
        "explore": reverse("explore"),
        "profile": author.get_absolute_url(),
        "followers": reverse("followers", args=[viewer.username]),
    }[page]
    assert "<bdi>\u0639\u0644\u064a</bdi>" in html(client.get(url))
