"""The authorization code flow: register an app, the consent page, the code, the token."""

import base64
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_grant_model, get_refresh_token_model

from tests.api.conftest import ApiClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
Grant = get_grant_model()
RefreshToken = get_refresh_token_model()

OOB = "urn:ietf:wg:oauth:2.0:oob"
CALLBACK = "https://client.example/callback"


def register(client: Client, redirect_uris: str = CALLBACK, scopes: str = "read write follow"):
    """Register an app through POST /api/v1/apps; return its JSON."""
    response = client.post(
        "/api/v1/apps",
        {"client_name": "Test client", "redirect_uris": redirect_uris, "scopes": scopes},
    )
    assert response.status_code == 200, response.content
    return response.json()


def authorize_url(app: dict, redirect_uri: str = CALLBACK, **params: str) -> str:
    """Return the /oauth/authorize address a client would open for app."""
    query = {"client_id": app["client_id"], "redirect_uri": redirect_uri, "response_type": "code"}
    query.update(params)
    return "/oauth/authorize?" + urlencode(query)


def answer(member: Client, url: str, decision: str = "authorize"):
    """Press the consent page's Authorize (or Deny) button for the request at url."""
    return member.post(url, {"allow": "1" if decision == "authorize" else "0"})


def code_from(response) -> str:
    """Return the code of a redirect back to the app."""
    assert response.status_code == 302, response.content
    return parse_qs(urlsplit(response["Location"]).query)["code"][0]


def exchange(app: dict, code: str, redirect_uri: str = CALLBACK, **extra: str):
    """POST the code to /oauth/token as the app would."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": redirect_uri,
        **extra,
    }
    return Client().post("/oauth/token", data)


def pkce_pair() -> tuple[str, str]:
    """Return a PKCE code verifier and its S256 challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@pytest.fixture
def app(client):
    return register(Client())


def test_the_whole_code_flow_ends_in_a_working_token(member_client, user, app):
    url = authorize_url(app, scope="read write", state="xyz")
    page = member_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Test client" in html
    assert 'name="allow" value="1"' in html
    assert "csrfmiddlewaretoken" in html

    response = answer(member_client, url)
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    assert parse_qs(location.query)["state"] == ["xyz"]
    code = code_from(response)

    token = exchange(app, code)
    assert token.status_code == 200, token.content
    body = token.json()
    assert set(body) == {"access_token", "token_type", "scope", "created_at"}
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "read write"
    assert isinstance(body["created_at"], int)
    assert not RefreshToken.objects.exists()

    me = ApiClient(body["access_token"]).get("/api/v1/accounts/verify_credentials")
    assert me.status_code == 200
    assert me.json()["username"] == user.username


def test_a_visitor_is_sent_to_the_login_page_first(client, app):
    url = authorize_url(app)
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/accounts/login/"
    assert parse_qs(location.query)["next"] == [url]


def test_the_consent_form_needs_the_csrf_token(user, app):
    member = Client(enforce_csrf_checks=True)
    member.force_login(user)
    assert answer(member, authorize_url(app)).status_code == 403
    assert not Grant.objects.exists()


def test_the_scope_of_the_token_is_what_was_granted(member_client, app):
    code = code_from(answer(member_client, authorize_url(app, scope="read")))
    body = exchange(app, code).json()
    assert body["scope"] == "read"
    assert AccessToken.objects.get().scope == "read"


def test_without_a_scope_the_app_gets_the_scopes_it_registered(member_client, app):
    code = code_from(answer(member_client, authorize_url(app)))
    assert exchange(app, code).json()["scope"] == "read write follow"


def test_granular_scopes_under_a_registered_one_are_allowed(member_client, app):
    code = code_from(answer(member_client, authorize_url(app, scope="read:statuses write:media")))
    assert exchange(app, code).json()["scope"] == "read:statuses write:media"


@pytest.mark.parametrize("scope", ["push", "read admin:read", "nonsense"])
def test_a_scope_the_app_did_not_register_goes_back_as_invalid_scope(member_client, app, scope):
    response = member_client.get(authorize_url(app, scope=scope, state="s1"))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["invalid_scope"]
    assert query["state"] == ["s1"]
    assert answer(member_client, authorize_url(app, scope=scope)).status_code == 302
    assert not Grant.objects.exists()


def test_out_of_band_shows_the_code_on_a_page(member_client):
    app = register(Client(), redirect_uris=OOB)
    url = authorize_url(app, redirect_uri=OOB)
    response = answer(member_client, url)
    assert response.status_code == 200
    grant = Grant.objects.get()
    assert grant.code in response.content.decode()
    assert grant.redirect_uri == OOB
    token = exchange(app, grant.code, redirect_uri=OOB)
    assert token.status_code == 200, token.content


@pytest.mark.parametrize(
    "asked",
    [
        CALLBACK + "/",
        CALLBACK + "?extra=1",
        "https://client.example/callback2",
        "https://CLIENT.example/callback",
        "http://client.example/callback",
        "https://client.example:443/callback",
        "https://evil.example/callback",
    ],
)
def test_only_the_exact_registered_redirect_uri_is_accepted(member_client, app, asked):
    for response in (
        member_client.get(authorize_url(app, redirect_uri=asked)),
        answer(member_client, authorize_url(app, redirect_uri=asked)),
    ):
        assert response.status_code == 400
        assert "Location" not in response
        assert "did not register" in response.content.decode()
    assert not Grant.objects.exists()


def test_an_unknown_client_gets_an_error_page_never_a_redirect(member_client):
    url = "/oauth/authorize?" + urlencode(
        {"client_id": "nope", "redirect_uri": CALLBACK, "response_type": "code"}
    )
    response = member_client.get(url)
    assert response.status_code == 400
    assert "Location" not in response
    assert "not registered" in response.content.decode()


def test_one_of_several_registered_uris_is_used_exactly(member_client):
    app = register(Client(), redirect_uris=f"{OOB}\nhttps://a.example/cb\nmyapp://done")
    response = answer(member_client, authorize_url(app, redirect_uri="https://a.example/cb"))
    assert response["Location"].startswith("https://a.example/cb?code=")


@pytest.mark.parametrize("callback", ["tusky://oauth", "ivory://", "org.joinmastodon.app:/cb"])
def test_a_native_app_scheme_gets_the_code(member_client, callback):
    app = register(Client(), redirect_uris=callback)
    response = answer(member_client, authorize_url(app, redirect_uri=callback, state="n"))
    assert response.status_code == 302
    assert response["Location"].startswith(callback + "?")
    code = code_from(response)
    assert exchange(app, code, redirect_uri=callback).status_code == 200


def test_deny_sends_access_denied_back(member_client, app):
    response = answer(member_client, authorize_url(app, state="st"), decision="deny")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["error"] == ["access_denied"]
    assert query["state"] == ["st"]
    assert "code" not in query
    assert not Grant.objects.exists()


def test_deny_out_of_band_shows_a_page(member_client):
    app = register(Client(), redirect_uris=OOB)
    response = answer(member_client, authorize_url(app, redirect_uri=OOB), decision="deny")
    assert response.status_code == 200
    assert "Access denied" in response.content.decode()
    assert not Grant.objects.exists()


def test_only_the_code_response_type_is_offered(member_client, app):
    response = member_client.get(authorize_url(app, response_type="token"))
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["unsupported_response_type"]


def test_pkce_with_the_right_verifier(member_client, app):
    verifier, challenge = pkce_pair()
    url = authorize_url(app, code_challenge=challenge, code_challenge_method="S256")
    code = code_from(answer(member_client, url))
    assert Grant.objects.get().code_challenge_method == "S256"
    assert exchange(app, code, code_verifier=verifier).status_code == 200


@pytest.mark.parametrize("verifier", [None, "x" * 43])
def test_pkce_with_a_wrong_or_missing_verifier_is_refused(member_client, app, verifier):
    _right, challenge = pkce_pair()
    url = authorize_url(app, code_challenge=challenge, code_challenge_method="S256")
    code = code_from(answer(member_client, url))
    extra = {"code_verifier": verifier} if verifier else {}
    response = exchange(app, code, **extra)
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_grant", "invalid_request")
    assert response.json()["error_description"]
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("method", [{"code_challenge_method": "plain"}, {}])
def test_pkce_plain_is_refused(member_client, app, method):
    _verifier, challenge = pkce_pair()
    url = authorize_url(app, code_challenge=challenge, **method)
    response = member_client.get(url)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_request"]
    answer(member_client, url)
    assert not Grant.objects.exists()


def test_a_code_works_only_once(member_client, app):
    code = code_from(answer(member_client, authorize_url(app)))
    assert exchange(app, code).status_code == 200
    again = exchange(app, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert AccessToken.objects.count() == 1


def test_a_code_older_than_ten_minutes_is_refused(member_client, app):
    code = code_from(answer(member_client, authorize_url(app)))
    with time_machine.travel(timezone.now() + timedelta(seconds=601), tick=False):
        response = exchange(app, code)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_a_code_nine_minutes_old_still_works(member_client, app):
    code = code_from(answer(member_client, authorize_url(app)))
    with time_machine.travel(timezone.now() + timedelta(seconds=540), tick=False):
        assert exchange(app, code).status_code == 200


def test_the_code_is_bound_to_its_redirect_uri_and_app(member_client):
    app = register(Client(), redirect_uris=f"{CALLBACK}\n{OOB}")
    other = register(Client())
    code = code_from(answer(member_client, authorize_url(app)))
    assert exchange(app, code, redirect_uri=OOB).status_code == 400
    assert exchange({**other}, code).status_code == 400
    assert exchange(app, code).status_code == 200


def test_the_client_secret_is_required(member_client, app):
    code = code_from(answer(member_client, authorize_url(app)))
    response = exchange({**app, "client_secret": "wrong"}, code)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert exchange(app, code).status_code == 200


def test_a_code_of_an_account_deactivated_since_is_refused(member_client, user, app):
    code = code_from(answer(member_client, authorize_url(app)))
    user.is_active = False
    user.save()
    assert exchange(app, code).status_code == 400
    assert not AccessToken.objects.exists()


def test_the_token_endpoint_reads_json_bodies(member_client, app):
    code = code_from(answer(member_client, authorize_url(app)))
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": CALLBACK,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["scope"] == "read write follow"


def test_refresh_tokens_are_not_offered(member_client, app):
    code = code_from(answer(member_client, authorize_url(app)))
    exchange(app, code)
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": "anything",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_the_consent_page_names_the_scopes_in_words(member_client, app):
    html = member_client.get(authorize_url(app, scope="read write:media")).content.decode()
    assert "Read everything in your account" in html
    assert "Upload images" in html
    assert "@" + UserFactory._meta.model.objects.get().username in html


@pytest.mark.parametrize("challenge", ["short", "x" * 129, "é" * 43, "a b" * 20])
def test_a_malformed_code_challenge_goes_back_as_invalid_request(member_client, app, challenge):
    url = authorize_url(app, code_challenge=challenge, code_challenge_method="S256")
    response = member_client.get(url)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_request"]
    answer(member_client, url)
    assert not Grant.objects.exists()


def test_openid_extras_are_not_stored(member_client, app):
    url = authorize_url(app, nonce="n" * 300, claims="{}", resource="not a uri")
    code_from(answer(member_client, url))
    grant = Grant.objects.get()
    assert (grant.nonce, grant.resource) == ("", [])


def test_a_post_without_an_answer_is_a_denial(member_client, app):
    response = member_client.post(authorize_url(app), {})
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["access_denied"]
    assert not Grant.objects.exists()


def test_a_nul_in_a_parameter_is_refused_without_a_lookup(member_client, app):
    page = member_client.get(authorize_url(app, state="a\x00b"))
    assert page.status_code == 400
    token = Client().post("/oauth/token", {"grant_type": "authorization_code", "code": "\x00"})
    assert token.status_code == 400
    assert token.json()["error"] == "invalid_request"
    revoked = Client().post("/oauth/revoke", {"token": "x", "client_id": "\x00"})
    assert (revoked.status_code, revoked.json()) == (200, {})
