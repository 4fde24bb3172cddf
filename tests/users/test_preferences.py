"""Each member's language and time zone: the settings form, the service, and the zone the
browser reports on the first visit."""

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from posts.services import post_create
from tests.factories import UserFactory
from tests.pages import html
from users.models import CustomUser, available_time_zones
from users.services import preferences_update, time_zone_fill

pytestmark = pytest.mark.django_db

TIME_ZONE_URL = reverse("settings_time_zone")
PREFERENCES_URL = reverse("settings_preferences")


def stored(user: CustomUser) -> tuple[str, str]:
    row = CustomUser.objects.get(pk=user.pk)
    return row.time_zone, row.language


def options(content: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', content, re.S)
    assert select is not None, f"no {name} select"
    return re.findall(r'<option value="([^"]*)"', select[0])


# The service -----------------------------------------------------------------------------


def test_preferences_update_saves_both(user):
    preferences_update(user=user, time_zone="Europe/Berlin", language="de")
    assert stored(user) == ("Europe/Berlin", "de")
    preferences_update(user=user, time_zone="", language="")
    assert stored(user) == ("", "")


@pytest.mark.parametrize(
    ("time_zone", "language", "field"),
    [("Mars/Olympus_Mons", "", "time_zone"), ("UTC", "fr", "language")],
)
def test_preferences_update_refuses_unknown_values(user, time_zone, language, field):
    with pytest.raises(ValidationError) as error:
        preferences_update(user=user, time_zone=time_zone, language=language)
    assert field in error.value.message_dict
    assert stored(user) == ("", "")
    assert (user.time_zone, user.language) == ("", "")


def test_preferences_update_ignores_a_display_name_stored_before_its_rule(user):
    """Only the preferences are checked: an old invalid display name does not block them."""
    CustomUser.objects.filter(pk=user.pk).update(display_name="\u202eevil")
    user.refresh_from_db()
    preferences_update(user=user, time_zone="Asia/Tokyo", language="en")
    assert stored(user) == ("Asia/Tokyo", "en")


def test_time_zone_fill_only_fills_a_blank_zone(user):
    assert time_zone_fill(user=user, time_zone="America/New_York") is True
    assert stored(user)[0] == "America/New_York"
    assert time_zone_fill(user=user, time_zone="Europe/Paris") is False
    assert stored(user)[0] == "America/New_York"


@pytest.mark.parametrize("zone", ["", "Not/AZone", "../../etc/passwd"])
def test_time_zone_fill_refuses_a_bad_zone(user, zone):
    with pytest.raises(ValidationError):
        time_zone_fill(user=user, time_zone=zone)
    assert stored(user)[0] == ""


# The settings page ---------------------------------------------------------------------------


def test_settings_page_offers_every_zone_and_the_languages(member_client, settings):
    content = html(member_client.get(reverse("settings_profile")))
    assert options(content, "time_zone") == ["", *sorted(available_time_zones())]
    assert options(content, "language") == ["", *(code for code, _ in settings.LANGUAGES)]
    assert "Browser&#x27;s language" in content or "Browser's language" in content
    assert f'action="{PREFERENCES_URL}"' in content
    for name in ("time_zone", "language"):
        field_id = re.search(rf'<select name="{name}"[^>]*id="([^"]+)"', content)
        assert field_id is not None
        assert f'<label for="{field_id[1]}">' in content


def test_settings_page_shows_the_current_choice(member_client, user):
    preferences_update(user=user, time_zone="Asia/Tokyo", language="en")
    content = html(member_client.get(reverse("settings_profile")))
    assert '<option value="Asia/Tokyo" selected>' in content


def test_saving_preferences(member_client, user):
    response = member_client.post(
        PREFERENCES_URL, {"time_zone": "Europe/Berlin", "language": "en"}, follow=True
    )
    assert response.redirect_chain == [(reverse("settings_profile"), 302)]
    assert stored(user) == ("Europe/Berlin", "en")
    assert "Language and time zone saved." in html(response)


@pytest.mark.parametrize(
    "data", [{"time_zone": "Nowhere/Special", "language": ""}, {"time_zone": "", "language": "xx"}]
)
def test_bad_preferences_give_a_form_error_and_save_nothing(member_client, user, data):
    response = member_client.post(PREFERENCES_URL, data)
    assert response.status_code == 400
    assert 'class="field-error"' in html(response)
    assert stored(user) == ("", "")


def test_preferences_need_a_post(member_client):
    assert member_client.get(PREFERENCES_URL).status_code == 405


def test_a_chosen_language_wins_over_the_browsers(member_client, user):
    english = member_client.get(reverse("settings_profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert english.headers["Content-Language"] == "en"
    preferences_update(user=user, time_zone="", language="de")
    response = member_client.get(reverse("settings_profile"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.wsgi_request.LANGUAGE_CODE == "de"
    assert response.headers["Content-Language"] == "de"


def test_times_show_in_the_members_zone(member_client, user):
    """The same post's exact time reads 14:05 UTC before and 09:05 in New York after."""
    post = post_create(author=user, body="hello")
    type(post).objects.filter(pk=post.pk).update(created_at=datetime(2026, 1, 6, 14, 5, tzinfo=UTC))
    url = reverse("post_detail", args=[user.username, post.pk])

    def title() -> str:
        content = html(member_client.get(url))
        match = re.search(r'<time datetime="2026-01-06T[^"]*" title="([^"]+)"', content)
        assert match is not None
        return unescape(match[1])

    assert title() == "Tuesday, January 6, 2026, 14:05 UTC"
    preferences_update(user=user, time_zone="America/New_York", language="")
    assert title() == "Tuesday, January 6, 2026, 09:05 EST"


# The zone the browser reports ----------------------------------------------------------------


def test_pages_ask_for_the_zone_while_none_is_set(member_client, user):
    content = html(member_client.get(reverse("settings_profile")))
    assert f'data-time-zone-url="{TIME_ZONE_URL}"' in content
    preferences_update(user=user, time_zone="UTC", language="")
    content = html(member_client.get(reverse("settings_profile")))
    assert "data-time-zone-url" not in content


def test_visitors_are_not_asked(client):
    assert "data-time-zone-url" not in html(client.get(reverse("account_login")))


def test_reported_zone_is_saved_when_blank(member_client, user):
    response = member_client.post(TIME_ZONE_URL, {"time_zone": "Asia/Kolkata"})
    assert response.status_code == 204
    assert stored(user)[0] == "Asia/Kolkata"


def test_reported_zone_never_replaces_a_chosen_one(member_client, user):
    preferences_update(user=user, time_zone="Europe/Lisbon", language="")
    response = member_client.post(TIME_ZONE_URL, {"time_zone": "Asia/Kolkata"})
    assert response.status_code == 204
    assert stored(user)[0] == "Europe/Lisbon"


@pytest.mark.parametrize("data", [{"time_zone": "Atlantis/Capital"}, {"time_zone": ""}, {}])
def test_a_bad_reported_zone_is_400_and_saves_nothing(member_client, user, data):
    response = member_client.post(TIME_ZONE_URL, data)
    assert response.status_code == 400
    assert stored(user)[0] == ""


def test_reporting_the_zone_needs_a_post(member_client, user):
    assert member_client.get(TIME_ZONE_URL, {"time_zone": "UTC"}).status_code == 405
    assert stored(user)[0] == ""


def test_reporting_the_zone_needs_login_and_csrf(client):
    member = UserFactory()
    assert client.post(TIME_ZONE_URL, {"time_zone": "UTC"}).status_code == 302
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert strict.post(TIME_ZONE_URL, {"time_zone": "UTC"}).status_code == 403
    assert stored(member)[0] == ""


def test_the_time_zone_setting_refuses_localtime(member_client, user):
    """zoneinfo lists "localtime" on Debian (a link to /etc/localtime): not an IANA zone but
    the server's clock setting, which would reveal the server's zone and change with the
    host's. Neither it nor other names without an area (but UTC) are offered or taken."""
    response = member_client.post(TIME_ZONE_URL, {"time_zone": "localtime"})
    user.refresh_from_db()
    assert (response.status_code, user.time_zone) == (400, "")
    offered = options(html(member_client.get(reverse("settings_profile"))), "time_zone")
    assert "localtime" not in offered and "UTC" in offered
    assert all("/" in zone or zone in {"", "UTC"} for zone in offered)


@pytest.mark.parametrize(("before", "chosen", "browser"), [("", "de", "en"), ("de", "", "en")])
def test_saving_preferences_confirms_in_the_language_of_the_next_page(
    member_client, user, before, chosen, browser
):
    """The flash is worded in the language just chosen (or the browser's for a blank choice),
    the one the next page is shown in, not the one the member just left."""
    preferences_update(user=user, time_zone="", language=before)
    response = member_client.post(
        PREFERENCES_URL,
        {"time_zone": "", "language": chosen},
        HTTP_ACCEPT_LANGUAGE=browser,
        follow=True,
    )
    shown = chosen or browser
    assert response.headers["Content-Language"] == shown
    with translation.override(shown):
        expected = gettext("Language and time zone saved.")
    with translation.override(before or browser):
        left = gettext("Language and time zone saved.")
    assert expected != left
    assert [str(m) for m in response.context["messages"]] == [expected]
