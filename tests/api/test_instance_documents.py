"""The instance documents: /api/v1/instance, /api/v2/instance and /api/v1/instance/*."""

import itertools
import re
import tomllib
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import images
from posts.models import Visibility
from posts.services import MAX_IMAGES, pins, polls, post_repost
from posts.services import media as post_media
from tests.factories import CommentFactory, PostFactory, SuperUserFactory, UserFactory
from users.adapter import AccountAdapter
from users.models import CustomUser
from users.services import profile_update, user_update

pytestmark = pytest.mark.django_db

VERSION = re.compile(r"^\d+\.\d+\.\d+ \(compatible; msg ")
DOCUMENTS = [
    "/api/v1/instance",
    "/api/v1/instance/",
    "/api/v2/instance",
    "/api/v2/instance/",
    "/api/v1/instance/rules",
    "/api/v1/instance/peers",
    "/api/v1/instance/activity",
    "/api/v1/instance/extended_description",
    "/api/v1/instance/translation_languages",
    "/api/v1/instance/domain_blocks",
    "/api/v1/instance/languages",
]


def pyproject_version() -> str:
    with open(settings.BASE_DIR / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["version"]


def expected_limits() -> dict:
    """The limits as the services enforce them, read from their own constants."""
    return {
        "statuses": {
            "max_characters": settings.MSG_MAX_POST_LENGTH,
            "max_media_attachments": MAX_IMAGES,
        },
        "media_attachments": {
            "supported_mime_types": images.ACCEPT.split(","),
            "image_size_limit": post_media.IMAGE_MAX_BYTES,
            "image_matrix_limit": images.MAX_PIXELS,
            "description_limit": post_media.ALT_TEXT_MAX_LENGTH,
            "video_size_limit": 0,
        },
        "polls": {
            "max_options": polls.MAX_OPTIONS,
            "max_characters_per_option": polls.OPTION_MAX_LENGTH,
            "min_expiration": polls.MIN_DURATION.total_seconds(),
            "max_expiration": polls.MAX_DURATION.total_seconds(),
        },
        "accounts": {
            "max_pinned_statuses": pins.MAX_PINS,
            "max_featured_tags": 0,
            "max_display_name_length": CustomUser._meta.get_field("display_name").max_length,
            "max_note_length": CustomUser._meta.get_field("bio").max_length,
        },
    }


def assert_limits(configuration: dict) -> None:
    for group, values in expected_limits().items():
        for key, value in values.items():
            assert configuration[group][key] == value, f"{group}.{key}"


@pytest.mark.parametrize("path", DOCUMENTS)
def test_documents_need_no_token_even_on_a_private_server(anon_api, settings, path):
    settings.MSG_PUBLIC_PAGES = False
    response = anon_api.get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", DOCUMENTS[:4])
def test_version_is_numeric_first_and_names_msg(anon_api, path):
    version = anon_api.get(path).json()["version"]
    assert VERSION.match(version), version
    assert version == f"4.7.0 (compatible; msg {pyproject_version()})"


def test_the_slash_routes_are_served_but_not_documented(anon_api):
    paths = anon_api.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/instance" in paths and "/api/v2/instance" in paths
    assert "/api/v1/instance/" not in paths and "/api/v2/instance/" not in paths
    assert anon_api.get("/api/v1/instance/").json() == anon_api.get("/api/v1/instance").json()


def test_v1_limits_are_the_ones_the_services_enforce(anon_api):
    assert_limits(anon_api.get("/api/v1/instance").json()["configuration"])


def test_v2_limits_are_the_ones_the_services_enforce(anon_api):
    assert_limits(anon_api.get("/api/v2/instance").json()["configuration"])


def test_the_post_length_follows_the_setting_the_service_checks(anon_api, settings, user):
    settings.MSG_MAX_POST_LENGTH = 321
    for path in ("/api/v1/instance", "/api/v2/instance"):
        statuses = anon_api.get(path).json()["configuration"]["statuses"]
        assert statuses["max_characters"] == 321
    PostFactory(author=user, body="x" * 321)
    with pytest.raises(ValidationError):
        PostFactory(author=user, body="x" * 322)


def test_counts_leave_out_direct_messages_and_deactivated_accounts(anon_api):
    alice, bob, gone = UserFactory(), UserFactory(), UserFactory()
    post = PostFactory(author=alice)
    PostFactory(author=alice, visibility=Visibility.UNLISTED)
    PostFactory(author=bob, visibility=Visibility.FOLLOWERS)
    CommentFactory(author=bob, in_reply_to=post)
    post_repost(user=bob, post=post)
    PostFactory(author=alice, body=f"@{bob.username} just us", visibility=Visibility.DIRECT)
    PostFactory(author=gone)
    user_update(user=gone, is_active=False)
    counted = 5  # the public, unlisted, followers-only, comment and repost above
    stats = anon_api.get("/api/v1/instance").json()["stats"]
    assert stats == {"user_count": 2, "status_count": counted, "domain_count": 1}


def test_counts_are_cached_for_a_while(anon_api, user):
    assert anon_api.get("/api/v1/instance").json()["stats"]["status_count"] == 0
    PostFactory(author=user)
    assert anon_api.get("/api/v1/instance").json()["stats"]["status_count"] == 0
    cache.clear()
    assert anon_api.get("/api/v1/instance").json()["stats"]["status_count"] == 1


def test_active_month_counts_recent_logins(anon_api, client):
    recent, earlier = UserFactory(), UserFactory()
    UserFactory()  # never logged in
    with time_machine.travel(timezone.now() - timedelta(days=45)):
        client.force_login(earlier)
    client.force_login(recent)
    assert anon_api.get("/api/v2/instance").json()["usage"]["users"]["active_month"] == 1


def test_contact_account_is_the_first_active_superuser(anon_api, settings):
    settings.MSG_PUBLIC_PAGES = True  # else visitors see null (a test below)
    assert anon_api.get("/api/v1/instance").json()["contact_account"] is None
    first, second = SuperUserFactory(), SuperUserFactory()
    user_update(user=first, is_active=False)
    v1 = anon_api.get("/api/v1/instance").json()
    v2 = anon_api.get("/api/v2/instance").json()
    assert v1["contact_account"]["id"] == str(second.pk)
    assert v2["contact"]["account"]["username"] == second.username


def test_contact_email_is_the_setting_or_the_sender_address(anon_api, settings):
    settings.MSG_CONTACT_EMAIL = ""
    settings.DEFAULT_FROM_EMAIL = "msg server <hello@msg.example>"
    assert anon_api.get("/api/v1/instance").json()["email"] == "hello@msg.example"
    settings.MSG_CONTACT_EMAIL = "admin@msg.example"
    assert anon_api.get("/api/v2/instance").json()["contact"]["email"] == "admin@msg.example"


def test_registrations_follow_the_sign_up_adapter(anon_api, monkeypatch):
    body = anon_api.get("/api/v2/instance").json()
    assert body["registrations"]["enabled"] is True
    monkeypatch.setattr(AccountAdapter, "is_open_for_signup", lambda self, request: False)
    assert anon_api.get("/api/v1/instance").json()["registrations"] is False
    assert anon_api.get("/api/v2/instance").json()["registrations"]["enabled"] is False


def test_descriptive_fields_come_from_settings(anon_api, settings):
    settings.MSG_SITE_TITLE = "Our corner"
    settings.MSG_SITE_DESCRIPTION = "Cats & <dogs>"
    settings.MSG_SOURCE_URL = "https://code.example/msg"
    v1 = anon_api.get("/api/v1/instance").json()
    v2 = anon_api.get("/api/v2/instance").json()
    assert v1["title"] == v2["title"] == "Our corner"
    assert v1["short_description"] == v2["description"] == "Cats & <dogs>"
    assert v2["source_url"] == "https://code.example/msg"
    assert v1["uri"] == v2["domain"] == "testserver"
    languages = [code for code, _name in settings.LANGUAGES]
    assert v1["languages"] == v2["languages"] == languages
    content = anon_api.get("/api/v1/instance/extended_description").json()["content"]
    assert content == "<p>Cats &amp; &lt;dogs&gt;</p>"


def test_v2_says_what_msg_lacks(anon_api):
    body = anon_api.get("/api/v2/instance").json()
    assert body["api_versions"] == {"mastodon": 6}
    configuration = body["configuration"]
    assert configuration["urls"]["streaming"] == ""
    assert configuration["vapid"] == {"public_key": ""}
    assert configuration["translation"] == {"enabled": False}
    assert body["registrations"]["approval_required"] is False


@pytest.mark.parametrize(("public", "access"), [(False, "authenticated"), (True, "public")])
def test_timeline_access_follows_public_pages(anon_api, settings, public, access):
    settings.MSG_PUBLIC_PAGES = public
    feeds = anon_api.get("/api/v2/instance").json()["configuration"]["timelines_access"]
    assert feeds["live_feeds"] == {"local": access, "remote": "disabled"}
    assert feeds["hashtag_feeds"] == {"local": access, "remote": "disabled"}


def test_rules_come_from_the_setting(anon_api, settings):
    assert anon_api.get("/api/v1/instance/rules").json() == []
    settings.MSG_RULES = ["Be kind.", "No spam."]
    rules = anon_api.get("/api/v1/instance/rules").json()
    assert [(r["id"], r["text"]) for r in rules] == [("1", "Be kind."), ("2", "No spam.")]
    assert anon_api.get("/api/v2/instance").json()["rules"] == rules


def test_what_msg_has_none_of(anon_api):
    assert anon_api.get("/api/v1/instance/peers").json() == []
    assert anon_api.get("/api/v1/instance/domain_blocks").json() == []
    assert anon_api.get("/api/v1/instance/translation_languages").json() == {}
    terms = anon_api.get("/api/v1/instance/terms_of_service")
    assert terms.status_code == 404
    assert terms.json() == {"error": "Record not found"}


def test_languages_are_the_sites(anon_api, settings):
    expected = [{"code": code, "name": str(name)} for code, name in settings.LANGUAGES]
    assert anon_api.get("/api/v1/instance/languages").json() == expected


def test_activity_is_twelve_weeks_this_one_first(anon_api, client):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=7)):
        old = UserFactory()
        PostFactory(author=old)
        client.force_login(old)
    newcomer = UserFactory()
    PostFactory(author=newcomer)
    PostFactory(author=newcomer, body=f"@{old.username} psst", visibility=Visibility.DIRECT)
    weeks = anon_api.get("/api/v1/instance/activity").json()
    assert len(weeks) == 12
    starts = [datetime.fromtimestamp(int(w["week"]), tz=UTC) for w in weeks]
    assert starts[0] <= now < starts[0] + timedelta(days=7)
    assert starts[0].weekday() == 0 and starts[0].hour == 0
    assert all(a - b == timedelta(days=7) for a, b in itertools.pairwise(starts))
    assert all(isinstance(value, str) for week in weeks for value in week.values())
    counts = {
        start: (int(w["statuses"]), int(w["logins"]), int(w["registrations"]))
        for start, w in zip(starts, weeks, strict=True)
    }

    def week_of(moment: datetime) -> datetime:
        return max(s for s in starts if s <= moment)

    expected: dict[datetime, list[int]] = {s: [0, 0, 0] for s in starts}
    expected[week_of(now)] = [1, 0, 1]  # the direct message is not counted
    back = expected[week_of(now - timedelta(days=7))]
    expected[week_of(now - timedelta(days=7))] = [back[0] + 1, back[1] + 1, back[2] + 1]
    assert counts == {s: tuple(v) for s, v in expected.items()}


def test_activity_costs_two_queries(anon_api, django_assert_num_queries):
    PostFactory()
    with django_assert_num_queries(2):  # the posts' weeks, the accounts' weeks
        assert anon_api.get("/api/v1/instance/activity").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/instance", "/api/v2/instance"])
def test_query_count_of_the_instance(anon_api, django_assert_num_queries, path, settings):
    settings.MSG_PUBLIC_PAGES = True  # visitors see the contact account
    PostFactory()
    with django_assert_num_queries(3):  # accounts, posts (the counts), no superuser
        assert anon_api.get(path).status_code == 200
    admin = SuperUserFactory()
    PostFactory(author=admin)
    cache.clear()
    with django_assert_num_queries(4):  # ... and the superuser with their counts
        assert anon_api.get(path).status_code == 200
    with django_assert_num_queries(2):  # the counts are cached
        assert anon_api.get(path).status_code == 200
    settings.MSG_PUBLIC_PAGES = False
    with django_assert_num_queries(0):  # cached counts, and no contact account to visitors
        assert anon_api.get(path).status_code == 200


def test_a_bio_change_shows_in_the_contact_account(anon_api, settings):
    settings.MSG_PUBLIC_PAGES = True
    admin = SuperUserFactory()
    profile_update(user=admin, display_name="The Admin", bio="Ask me.")
    account = anon_api.get("/api/v1/instance").json()["contact_account"]
    assert account["display_name"] == "The Admin"
    assert "Ask me." in account["note"]


@pytest.mark.parametrize("url", ["/api/v1/instance", "/api/v2/instance"])
def test_the_instance_document_does_not_show_a_private_profile_to_visitors(anon_api, settings, url):
    """With MSG_PUBLIC_PAGES off the admin's profile page refuses a visitor, but the instance
    documents (no token) hand out the admin's whole Account: bio, avatar, counts, last post
    day (api/resources/instance.py _contact_account)."""
    from django.test import Client

    settings.MSG_PUBLIC_PAGES = False
    admin = SuperUserFactory()
    admin.bio = "Private bio of the admin"
    admin.save(update_fields=["bio"])
    page = Client().get(f"/@{admin.username}/")
    assert page.status_code in (302, 401, 403, 404)  # the web refuses the visitor
    response = anon_api.get(url)
    assert response.status_code == 200
    assert "Private bio of the admin" not in response.content.decode()


@pytest.mark.parametrize(
    ("url", "field"),
    [("/api/v1/instance", ("contact_account",)), ("/api/v2/instance", ("contact", "account"))],
)
def test_the_contact_account_is_shown_to_a_member_or_on_a_public_server(
    api_for, anon_api, settings, url, field
):
    """Private server: a member's token sees the contact account, a visitor, a bad token and
    an unconfirmed account's token see null. Public server: everyone sees it."""
    from allauth.account.models import EmailAddress

    from tests.api.conftest import ApiClient

    def contact(client):
        found = client.get(url).json()
        for key in field:
            found = found[key]
        return found

    admin = SuperUserFactory()
    unconfirmed = UserFactory()
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)
    settings.MSG_PUBLIC_PAGES = False
    assert contact(api_for(UserFactory()))["id"] == str(admin.pk)
    assert contact(anon_api) is None
    assert contact(ApiClient("not-a-token")) is None
    assert contact(api_for(unconfirmed)) is None
    settings.MSG_PUBLIC_PAGES = True
    assert contact(anon_api)["id"] == str(admin.pk)
