"""Sign-up through the API (POST /api/v1/accounts) with an app's token: the web sign-up's
rules and confirmation mail, a token that works only once the address is confirmed, field
details on a refusal, and nothing revealed about addresses that already have an account."""

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from oauth2_provider.models import get_access_token_model

from tests.api.conftest import ApiClient, make_app, make_token
from tests.factories import UserFactory
from tests.users.helpers import links_in, messages_to, path_of
from users.models import CustomUser

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()

URL = "/api/v1/accounts"
PASSWORD = "velvet-lantern-orbit-73"
UNCONFIRMED = {"error": "Your login is missing a confirmed e-mail address"}


@pytest.fixture
def app_api(db):
    """An ApiClient with an app's own token (client_credentials: no account)."""
    return ApiClient(make_token(None, scope="read write follow"))


def sign_up(client, capture, **fields):
    data = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password": PASSWORD,
        "agreement": "true",
        **fields,
    }
    with capture(execute=True):
        return client.post(URL, data)


def test_sign_up_creates_an_unconfirmed_account_and_mails_the_link(
    app_api, django_capture_on_commit_callbacks
):
    response = sign_up(app_api, django_capture_on_commit_callbacks)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "read write follow"
    assert isinstance(body["created_at"], int)
    user = CustomUser.objects.get(username="newbie")
    assert user.check_password(PASSWORD)
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()
    (message,) = messages_to("newbie@example.com")
    assert "confirm" in message.subject.lower()
    token = AccessToken.objects.get(user=user)
    assert token.application_id == AccessToken.objects.get(user=None).application_id
    # An API client keeps no session: the flow leaves no cookie behind.
    assert not response.cookies


def test_the_token_works_once_the_address_is_confirmed(app_api, django_capture_on_commit_callbacks):
    body = sign_up(app_api, django_capture_on_commit_callbacks).json()
    member = ApiClient(body["access_token"])
    response = member.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 403
    assert response.json() == UNCONFIRMED
    assert member.get("/api/v1/blocks").status_code == 403
    (message,) = messages_to("newbie@example.com")
    (link,) = links_in(message)
    assert Client().post(path_of(link)).status_code == 302  # the web's confirmation page
    response = member.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 200
    assert response.json()["username"] == "newbie"


def test_the_locale_sets_the_language(app_api, django_capture_on_commit_callbacks):
    sign_up(app_api, django_capture_on_commit_callbacks, locale="de")
    assert CustomUser.objects.get(username="newbie").language == "de"
    (message,) = messages_to("newbie@example.com")
    assert "Bestätig" in message.subject or "bestätig" in message.body.lower()


def test_an_unknown_locale_is_left_out(app_api, django_capture_on_commit_callbacks):
    response = sign_up(app_api, django_capture_on_commit_callbacks, locale="xx")
    assert response.status_code == 200
    assert CustomUser.objects.get(username="newbie").language == ""


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"username": ""}, "username", "ERR_BLANK"),
        ({"username": "no spaces"}, "username", "ERR_INVALID"),
        ({"email": "not-an-address"}, "email", "ERR_INVALID"),
        ({"password": "short"}, "password", "ERR_TOO_SHORT"),
        ({"agreement": "false"}, "agreement", "ERR_ACCEPTED"),
        ({"agreement": ""}, "agreement", "ERR_ACCEPTED"),
    ],
)
def test_bad_input_is_a_422_with_details(
    app_api, django_capture_on_commit_callbacks, fields, field, code
):
    response = sign_up(app_api, django_capture_on_commit_callbacks, **fields)
    assert response.status_code == 422
    body = response.json()
    assert body["error"].startswith("Validation failed")
    assert code in [d["error"] for d in body["details"][field]]
    assert not CustomUser.objects.filter(username="newbie").exists()
    assert not mail.outbox
    assert AccessToken.objects.filter(user__isnull=False).count() == 0


def test_a_taken_username_is_a_422(app_api, django_capture_on_commit_callbacks):
    UserFactory(username="Newbie")
    response = sign_up(app_api, django_capture_on_commit_callbacks)
    assert response.status_code == 422
    assert "username" in response.json()["details"]
    assert CustomUser.objects.filter(username__iexact="newbie").count() == 1


def test_a_taken_address_is_not_revealed(app_api, django_capture_on_commit_callbacks):
    """As on the web: the owner is mailed, no account is made, and the answer looks alike."""
    owner = UserFactory(username="owner", email="newbie@example.com")
    response = sign_up(app_api, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "scope", "created_at"}
    assert not CustomUser.objects.filter(username="newbie").exists()
    assert AccessToken.objects.filter(user__isnull=False).count() == 0
    (message,) = messages_to(owner.email)
    assert "confirm" not in message.subject.lower()
    assert ApiClient(body["access_token"]).get("/api/v1/blocks").status_code == 401


def test_sign_up_needs_write_accounts(django_capture_on_commit_callbacks):
    reader = ApiClient(make_token(None, scope="read"))
    assert sign_up(reader, django_capture_on_commit_callbacks).status_code == 403
    assert not CustomUser.objects.filter(username="newbie").exists()


def test_sign_up_needs_a_token(anon_api, django_capture_on_commit_callbacks):
    assert sign_up(anon_api, django_capture_on_commit_callbacks).status_code == 401


def test_closed_sign_up_is_a_403(app_api, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(DefaultAccountAdapter, "is_open_for_signup", lambda self, request: False)
    response = sign_up(app_api, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert not CustomUser.objects.filter(username="newbie").exists()


def test_sign_up_is_rate_limited_as_the_web(app_api, django_capture_on_commit_callbacks, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/m/ip"}
    for n in range(2):
        response = sign_up(
            app_api, django_capture_on_commit_callbacks, username=f"u{n}", email=f"u{n}@x.org"
        )
        assert response.status_code == 200
    response = sign_up(app_api, django_capture_on_commit_callbacks, username="u3", email="u3@x.org")
    assert response.status_code == 429
    assert not CustomUser.objects.filter(username="u3").exists()


def test_a_json_body_signs_up_too(app_api, django_capture_on_commit_callbacks):
    data = {
        "username": "jsonuser",
        "email": "json@example.com",
        "password": PASSWORD,
        "agreement": True,
        "locale": "en",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = app_api.post(URL, data, content_type="application/json")
    assert response.status_code == 200, response.content
    assert CustomUser.objects.filter(username="jsonuser").exists()


def test_a_user_token_of_an_unconfirmed_account_is_refused_everywhere(api_for):
    """Whatever route: the rule lives in api.auth, not in the account routes."""
    user = UserFactory()
    EmailAddress.objects.filter(user=user).update(verified=False)
    client = ApiClient(make_token(user, app=make_app()))
    assert client.get("/api/v1/accounts/verify_credentials").json() == UNCONFIRMED
    assert client.get("/api/v1/timelines/home").status_code == 403
