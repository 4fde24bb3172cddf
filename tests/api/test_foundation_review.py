"""The shared foundation against hostile input (found in review): bodies, HEAD, OPTIONS,
app tokens, scopes, 401 challenges, cursors."""

import json

import pytest
from oauth2_provider.models import get_application_model

from social import services as social_services
from tests.api.conftest import ApiClient, make_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Application = get_application_model()


def _is_json_error(response) -> bool:
    return response["Content-Type"].startswith("application/json") and "error" in response.json()


@pytest.mark.parametrize("kind", ["objects", "arrays"])
def test_a_deeply_nested_json_body_is_a_json_4xx_not_a_500(api, kind):
    """json.loads raises RecursionError (not ValueError) on deep nesting: api/middleware.py
    parse_body lets it escape and the server answers 500."""
    depth = 50_000
    if kind == "objects":
        body = '{"a":' * depth + "1" + "}" * depth
    else:
        body = '{"a":' + "[" * depth + "]" * depth + "}"
    response = api.patch(
        "/api/v1/accounts/update_credentials", data=body, content_type="application/json"
    )
    assert 400 <= response.status_code < 500, response.status_code
    assert _is_json_error(response)


def test_a_deeply_nested_json_body_at_the_token_endpoint_is_not_a_500(anon_api):
    body = '{"a":' * 50_000 + "1" + "}" * 50_000
    response = anon_api.post("/oauth/token", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500, response.status_code
    assert response["Content-Type"].startswith("application/json")


def test_an_oversized_json_body_gets_a_json_error(api):
    """RequestDataTooBig from request.body (api/middleware.py parse_body) escapes the
    middleware: Django's HTML 400 page is served to an API client."""
    body = json.dumps({"note": "x" * 3_000_000})
    response = api.patch(
        "/api/v1/accounts/update_credentials", data=body, content_type="application/json"
    )
    assert response.status_code in (400, 413)
    assert _is_json_error(response), response["Content-Type"]


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_form_with_too_many_fields_gets_a_json_error(api, method):
    """TooManyFieldsSent is not a MultiPartParserError: parse_body lets it escape (HTML 400)."""
    body = "&".join(f"f{i}=1" for i in range(1200))
    url = (
        f"/api/v1/accounts/{UserFactory().pk}/follow"
        if method == "post"
        else "/api/v1/accounts/update_credentials"
    )
    response = getattr(api, method)(
        url, data=body, content_type="application/x-www-form-urlencoded"
    )
    assert 400 <= response.status_code < 500
    assert _is_json_error(response), response["Content-Type"]


@pytest.mark.parametrize(
    "url", ["/api/v1/instance", "/api/v2/instance", "/api/v1/accounts/verify_credentials"]
)
def test_head_on_a_read_route_answers_as_get_does(api, url):
    """Rails (Mastodon) answers HEAD on every GET route; msg answers 405."""
    get = api.get(url)
    head = api.head(url)
    assert get.status_code == 200
    assert head.status_code == 200, head.status_code


def test_options_on_the_token_endpoint_has_a_json_body(anon_api):
    """Every response has a JSON body (issue 10); OPTIONS /oauth/token is an empty text/html
    200 (Django's View.options, api/oauth.py TokenView)."""
    response = anon_api.options("/oauth/token")
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]


def test_an_app_token_reads_what_a_visitor_may_read(anon_api, settings):
    """With MSG_PUBLIC_PAGES on, no token reads an account; an app's own token
    (client_credentials, as Mastodon.py and web clients use before login) gets a 422
    "This method requires an authenticated user" (api/auth.py Scoped.__call__). Mastodon
    lets app tokens read whatever a visitor may (authorize_if_got_token!)."""
    settings.MSG_PUBLIC_PAGES = True
    member = UserFactory()
    assert anon_api.get(f"/api/v1/accounts/{member.pk}").status_code == 200
    app_client = ApiClient(make_token(None, "read"))
    assert app_client.get(f"/api/v1/accounts/{member.pk}").status_code == 200
    assert app_client.get("/api/v1/timelines/public").status_code == 200


def test_the_profile_scope_reads_verify_credentials(api_for):
    """Mastodon 4.3+: verify_credentials accepts `profile` (doorkeeper_authorize! :profile,
    :read, :'read:accounts'); msg offers the scope (settings, metadata) but answers 403."""
    client = api_for(scope="profile")
    response = client.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == str(client.user.pk)


def test_a_401_names_the_bearer_scheme(api):
    """RFC 6750 section 3 (and Mastodon's Doorkeeper): a 401 carries WWW-Authenticate:
    Bearer ... error="invalid_token"; msg's 401s have none (api/auth.py token_of)."""
    api.token = "not-a-token"
    response = api.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 401
    assert response.get("WWW-Authenticate", "").startswith("Bearer")


BIG = str(2**63 - 1)  # a valid 64-bit id, 19 digits, newer than anything stored


@pytest.mark.parametrize("cursor", ["since_id", "min_id"])
def test_a_lower_bound_above_every_id_gives_an_empty_page(api, cursor):
    """_cursor drops any id over 18 digits as "no cursor" (api/pagination.py _cursor), so
    since_id/min_id = 2**63-1 (a valid bigint id) returns the newest page instead of
    nothing: a client polling with a large since_id gets old items again."""
    social_services.block_create(blocker=api.user, blocked=UserFactory())
    response = api.get(f"/api/v1/blocks?{cursor}={BIG}")
    assert response.status_code == 200
    assert response.json() == []
