"""POST /oauth/token (password and client credentials), POST /oauth/revoke, and the
authorization server metadata."""

import pytest
from django.test import Client
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from tests.api.conftest import ApiClient
from tests.api.test_oauth_flow import CALLBACK, answer, authorize_url, code_from, exchange, register
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
RefreshToken = get_refresh_token_model()


@pytest.fixture
def app(db):
    return register(Client(), scopes="read write follow push")


def password_token(app: dict, username: str, password: str = PASSWORD, **extra: str):
    data = {
        "grant_type": "password",
        "username": username,
        "password": password,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        **extra,
    }
    return Client().post("/oauth/token", data)


def app_token(app: dict, **extra: str):
    data = {
        "grant_type": "client_credentials",
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        **extra,
    }
    return Client().post("/oauth/token", data)


@pytest.mark.parametrize("login", ["username", "email"])
def test_the_password_grant_logs_in_by_username_or_email(app, user, login):
    response = password_token(app, getattr(user, login), scope="read write")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"access_token", "token_type", "scope", "created_at"}
    assert body["scope"] == "read write"
    assert AccessToken.objects.get().user == user
    assert not RefreshToken.objects.exists()
    me = ApiClient(body["access_token"]).get("/api/v1/accounts/verify_credentials")
    assert me.json()["username"] == user.username


def test_a_wrong_password_is_invalid_grant(app, user):
    response = password_token(app, user.username, "wrong-password")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert response.json()["error_description"]
    assert not AccessToken.objects.exists()


def test_an_unverified_account_gets_no_token(app):
    unverified = UserFactory(email_verified=False)
    response = password_token(app, unverified.username)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert "verified" in response.json()["error_description"]
    assert not AccessToken.objects.exists()


def test_an_inactive_account_gets_no_token(app, user):
    user.is_active = False
    user.save()
    response = password_token(app, user.username)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_the_password_grant_can_be_switched_off(app, user, settings):
    settings.MSG_OAUTH_PASSWORD_GRANT = False
    response = password_token(app, user.username)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
    assert not AccessToken.objects.exists()
    metadata = Client().get("/.well-known/oauth-authorization-server").json()
    assert "password" not in metadata["grant_types_supported"]
    settings.MSG_OAUTH_PASSWORD_GRANT = True
    assert password_token(app, user.username).status_code == 200


def test_failed_passwords_hit_the_login_rate_limit(app, user):
    # allauth's login_failed limit: 5 failures per account in 5 minutes (settings).
    for _ in range(5):
        assert password_token(app, user.username, "wrong").status_code == 400
    response = password_token(app, user.email)  # the right password, the same account
    assert response.status_code == 429
    assert response.json()["error"] == "too_many_requests"
    assert not AccessToken.objects.exists()


def test_a_switched_off_password_grant_checks_no_password(app, user, settings):
    settings.MSG_OAUTH_PASSWORD_GRANT = False
    for _ in range(6):
        password_token(app, user.username, "wrong")
    settings.MSG_OAUTH_PASSWORD_GRANT = True
    assert password_token(app, user.username).status_code == 200


def test_the_password_grant_needs_the_client_secret(app, user):
    response = password_token({**app, "client_secret": "wrong"}, user.username)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_password_token_cannot_exceed_the_registered_scopes(user):
    app = register(Client(), scopes="read")
    response = password_token(app, user.username, scope="read write")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_client_credentials_give_an_app_token(app):
    response = app_token(app)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == "read write follow push"
    token = AccessToken.objects.get()
    assert token.user is None
    client = ApiClient(body["access_token"])
    verified = client.get("/api/v1/apps/verify_credentials")
    assert verified.status_code == 200
    assert verified.json()["name"] == "Test client"
    # A route that needs an account answers 422, as Mastodon does.
    user_route = client.get("/api/v1/accounts/verify_credentials")
    assert user_route.status_code == 422
    assert user_route.json() == {"error": "This method requires an authenticated user"}


def test_client_credentials_with_a_narrower_scope(app):
    assert app_token(app, scope="read").json()["scope"] == "read"
    assert app_token(app, scope="admin:read").status_code == 400


def test_client_credentials_need_the_secret(app):
    response = app_token({**app, "client_secret": "nope"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert not AccessToken.objects.exists()


def test_an_unknown_grant_type_is_refused(app):
    response = Client().post(
        "/oauth/token",
        {"grant_type": "implicit", "client_id": app["client_id"], "client_secret": "x"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_the_token_endpoint_answers_json_to_a_get():
    response = Client().get("/oauth/token")
    assert response.status_code == 405
    assert response.json() == {"error": "Method not allowed"}


def revoke(app: dict, token: str):
    data = {"token": token, "client_id": app["client_id"], "client_secret": app["client_secret"]}
    return Client().post("/oauth/revoke", data)


def test_revoke_makes_the_token_a_401(app, user):
    raw = password_token(app, user.username).json()["access_token"]
    client = ApiClient(raw)
    assert client.get("/api/v1/accounts/verify_credentials").status_code == 200
    response = revoke(app, raw)
    assert response.status_code == 200
    assert response.json() == {}
    assert client.get("/api/v1/accounts/verify_credentials").status_code == 401
    assert not AccessToken.objects.exists()


def test_revoke_with_the_wrong_secret_or_app_revokes_nothing(app, user):
    raw = password_token(app, user.username).json()["access_token"]
    other = register(Client())
    for response in (revoke({**app, "client_secret": "wrong"}, raw), revoke(other, raw)):
        assert response.status_code == 200
        assert response.json() == {}
    assert ApiClient(raw).get("/api/v1/accounts/verify_credentials").status_code == 200


def test_revoke_of_an_unknown_token_is_still_ok(app):
    response = revoke(app, "not-a-token")
    assert response.status_code == 200
    assert response.json() == {}
    assert Client().post("/oauth/revoke", {}).json() == {}


def test_revoke_a_code_flow_token(member_client, app):
    code = code_from(answer(member_client, authorize_url(app)))
    raw = exchange(app, code).json()["access_token"]
    revoke(app, raw)
    assert ApiClient(raw).get("/api/v1/accounts/verify_credentials").status_code == 401


def test_the_metadata_document(client):
    response = client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    body = response.json()
    assert body["issuer"] == "http://testserver/"
    assert body["authorization_endpoint"] == "http://testserver/oauth/authorize"
    assert body["token_endpoint"] == "http://testserver/oauth/token"
    assert body["revocation_endpoint"] == "http://testserver/oauth/revoke"
    assert body["app_registration_endpoint"] == "http://testserver/api/v1/apps"
    assert body["service_documentation"].startswith("http://testserver/")
    assert body["response_types_supported"] == ["code"]
    assert body["response_modes_supported"] == ["query"]
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert body["grant_types_supported"] == ["authorization_code", "client_credentials", "password"]
    assert body["token_endpoint_auth_methods_supported"] == [
        "client_secret_basic",
        "client_secret_post",
    ]
    for scope in ("read", "write", "follow", "push", "read:statuses", "write:media"):
        assert scope in body["scopes_supported"]


def test_the_metadata_follows_the_request_host(client):
    body = client.get("/.well-known/oauth-authorization-server", HTTP_HOST="localhost:8000").json()
    assert body["token_endpoint"] == "http://localhost:8000/oauth/token"


def test_the_code_flow_uses_the_registered_callback(member_client, app):
    # The metadata's endpoints are those the flow really uses.
    url = authorize_url(app)
    assert url.startswith("/oauth/authorize?")
    assert answer(member_client, url)["Location"].startswith(CALLBACK + "?code=")
