"""The startup endpoints clients call (preferences, custom emojis, announcements, domain
blocks, scheduled posts, push) and the profile directory."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.resources.discovery import NO_DOMAINS, NO_PUSH
from posts.models import Visibility
from social.services import block_create, mute_create
from tests.factories import PostFactory, UserFactory
from users.models import QuotePolicy
from users.services import preferences_update, profile_update, user_update

pytestmark = pytest.mark.django_db


def test_preferences_of_a_new_account(api):
    response = api.get("/api/v1/preferences")
    assert response.status_code == 200
    assert response.json() == {
        "posting:default:visibility": "public",
        "posting:default:sensitive": False,
        "posting:default:language": None,
        "posting:default:quote_policy": "public",
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
        "reading:autoplay:gifs": False,
    }


def test_preferences_follow_the_accounts_settings(api):
    user = api.user
    preferences_update(user=user, time_zone="UTC", language="de")
    profile_update(user=user, display_name="", bio="", quote_policy=QuotePolicy.FOLLOWERS)
    body = api.get("/api/v1/preferences").json()
    assert body["posting:default:language"] == "de"
    assert body["posting:default:quote_policy"] == "followers"


def test_preferences_need_the_accounts_scope(api_for):
    assert api_for(scope="read:statuses").get("/api/v1/preferences").status_code == 403
    assert api_for(scope="read:accounts").get("/api/v1/preferences").status_code == 200


def test_custom_emojis_need_no_token(anon_api, settings):
    settings.MSG_PUBLIC_PAGES = False
    response = anon_api.get("/api/v1/custom_emojis")
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize(
    "path", ["/api/v1/announcements", "/api/v1/domain_blocks", "/api/v1/scheduled_statuses"]
)
def test_empty_lists(api, path):
    response = api.get(path)
    assert response.status_code == 200
    assert response.json() == []
    assert "Link" not in response


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/announcements/1/dismiss"),
        ("put", "/api/v1/announcements/1/reactions/%F0%9F%91%8D"),
        ("delete", "/api/v1/announcements/1/reactions/%F0%9F%91%8D"),
        ("get", "/api/v1/scheduled_statuses/1"),
        ("put", "/api/v1/scheduled_statuses/1"),
        ("delete", "/api/v1/scheduled_statuses/1"),
        ("get", "/api/v1/push/subscription"),
        ("put", "/api/v1/push/subscription"),
    ],
)
def test_records_that_cannot_exist_are_404s(api, method, path):
    response = getattr(api, method)(path)
    assert response.status_code == 404
    assert response.json() == {"error": "Record not found"}


def test_push_subscription_is_refused_and_unsubscribing_is_fine(api):
    response = api.post(
        "/api/v1/push/subscription",
        {"subscription[endpoint]": "https://push.example/1", "data[alerts][mention]": "true"},
    )
    assert response.status_code == 422
    assert response.json() == {"error": NO_PUSH}
    assert api.delete("/api/v1/push/subscription").json() == {}
    assert api.get("/api/v1/push/subscription").status_code == 404


def test_push_needs_the_push_scope(api_for):
    assert api_for(scope="read write").get("/api/v1/push/subscription").status_code == 403


def test_domain_blocks_are_refused_and_unblocking_is_fine(api):
    response = api.post("/api/v1/domain_blocks", {"domain": "example.com"})
    assert response.status_code == 422
    assert response.json() == {"error": NO_DOMAINS}
    assert api.delete("/api/v1/domain_blocks", {"domain": "example.com"}).json() == {}
    assert api.get("/api/v1/domain_blocks").json() == []


TOKEN_ONLY = [
    "/api/v1/preferences",
    "/api/v1/announcements",
    "/api/v1/domain_blocks",
    "/api/v1/scheduled_statuses",
    "/api/v1/push/subscription",
]


@pytest.mark.parametrize("public", [False, True])
@pytest.mark.parametrize("path", TOKEN_ONLY)
def test_your_own_settings_need_a_token(anon_api, settings, path, public):
    settings.MSG_PUBLIC_PAGES = public
    response = anon_api.get(path)
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}


# The profile directory ----------------------------------------------------------------------


def usernames(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [a["username"] for a in response.json()]


def test_directory_lists_the_last_to_post_first(api):
    now = timezone.now()
    quiet, early, late = UserFactory(), UserFactory(), UserFactory()
    with time_machine.travel(now - timedelta(days=2)):
        PostFactory(author=late)
        PostFactory(author=early)
    PostFactory(author=late)
    PostFactory(author=early, body=f"@{quiet.username} psst", visibility=Visibility.DIRECT)
    names = usernames(api.get("/api/v1/directory", {"order": "active"}))
    assert names[:2] == [late.username, early.username]
    assert set(names) == {quiet.username, early.username, late.username, api.user.username}
    assert usernames(api.get("/api/v1/directory")) == names


def test_directory_lists_the_newest_first(api):
    first, second = UserFactory(), UserFactory()
    names = usernames(api.get("/api/v1/directory", {"order": "new"}))
    assert names[:2] == [second.username, first.username]


def test_directory_hides_blocked_muted_and_deactivated_accounts(api):
    shown, blocker, muted, gone = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    block_create(blocker=blocker, blocked=api.user)
    mute_create(muter=api.user, muted=muted)
    user_update(user=gone, is_active=False)
    assert set(usernames(api.get("/api/v1/directory"))) == {shown.username, api.user.username}


def test_directory_pages_by_offset(api):
    for _ in range(5):
        UserFactory()
    every = usernames(api.get("/api/v1/directory", {"order": "new"}))
    page = usernames(api.get("/api/v1/directory", {"order": "new", "offset": 2, "limit": 2}))
    assert page == every[2:4]
    assert usernames(api.get("/api/v1/directory", {"offset": 5000})) == []
    odd = {"offset": "x", "limit": "-1", "order": "sideways", "local": "maybe"}
    assert usernames(api.get("/api/v1/directory", odd)) == usernames(api.get("/api/v1/directory"))


def test_directory_limit_has_a_maximum(api):
    for _ in range(81):
        UserFactory()
    assert len(usernames(api.get("/api/v1/directory"))) == 40
    assert len(usernames(api.get("/api/v1/directory", {"limit": 500}))) == 80


def test_directory_needs_a_token_on_a_private_server(anon_api, settings):
    settings.MSG_PUBLIC_PAGES = False
    assert anon_api.get("/api/v1/directory").status_code == 401
    settings.MSG_PUBLIC_PAGES = True
    UserFactory()
    assert len(usernames(anon_api.get("/api/v1/directory"))) == 1


@pytest.mark.parametrize("n", [1, 6])
def test_directory_query_count_is_flat(api, django_assert_num_queries, n):
    for _ in range(n):
        PostFactory()
    with django_assert_num_queries(3):  # token, the accounts, their counts
        assert len(usernames(api.get("/api/v1/directory"))) == n + 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/announcements",
        "/api/v1/domain_blocks",
        "/api/v1/scheduled_statuses",
        "/api/v1/followed_tags",
        "/api/v1/featured_tags",
        "/api/v1/featured_tags/suggestions",
        "/api/v1/trends/statuses",
        "/api/v1/trends/links",
        "/api/v1/preferences",
    ],
)
def test_empty_answers_cost_only_the_token(api, django_assert_num_queries, path):
    PostFactory(author=api.user, body="#something")
    with django_assert_num_queries(1):
        assert api.get(path).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/directory", "/api/v1/trends/tags", "/api/v1/tags/hello"])
def test_an_unconfirmed_accounts_token_reads_no_more_than_a_visitor(
    api_for, anon_api, settings, url
):
    """Scoped answers 403 to a token whose account has not confirmed its address (sign-up
    through POST /api/v1/accounts needs no real address); discovery's AnyScope must too, or
    with MSG_PUBLIC_PAGES off such a token lists every member's profile (/api/v1/directory)
    while visitors get 401."""
    from allauth.account.models import EmailAddress

    from posts.services import post_create

    settings.MSG_PUBLIC_PAGES = False
    member = UserFactory()
    post_create(author=member, body="#hello world")
    stranger = UserFactory()
    EmailAddress.objects.filter(user=stranger).update(verified=False)
    client = api_for(stranger)
    assert client.get("/api/v1/accounts/verify_credentials").status_code == 403
    assert anon_api.get(url).status_code == 401
    response = client.get(url)
    assert response.status_code == 403, response.content[:200]


def test_discovery_takes_a_token_of_any_scope(api_for, settings):
    """Mastodon asks no scope for the directory: a confirmed member's write-only token reads
    it (AnyScope asks Scoped for a scope the token has)."""
    settings.MSG_PUBLIC_PAGES = False
    member = UserFactory()
    response = api_for(UserFactory(), scope="write:media").get("/api/v1/directory")
    assert response.status_code == 200
    assert str(member.pk) in [a["id"] for a in response.json()]
