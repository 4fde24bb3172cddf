"""POST /api/v1/apps and GET /api/v1/apps/verify_credentials."""

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from oauth2_provider.models import get_application_model

from api.models import ClientApp
from tests.api.conftest import ApiClient, make_token
from tests.api.test_oauth_flow import CALLBACK, OOB

pytestmark = pytest.mark.django_db

Application = get_application_model()


def test_registering_an_app_returns_its_credentials_once(anon_api):
    response = anon_api.post(
        "/api/v1/apps",
        {
            "client_name": "Tusky",
            "redirect_uris": f"{OOB}\ntusky://oauth",
            "scopes": "read write follow push",
            "website": "https://tusky.app",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    app = Application.objects.get()
    assert body["id"] == str(app.pk)
    assert body["name"] == "Tusky"
    assert body["website"] == "https://tusky.app"
    assert body["scopes"] == ["read", "write", "follow", "push"]
    assert body["redirect_uri"] == f"{OOB}\ntusky://oauth"
    assert body["redirect_uris"] == [OOB, "tusky://oauth"]
    assert body["client_id"] == app.client_id
    assert body["client_secret_expires_at"] == 0
    assert body["vapid_key"] == ""
    # Only a hash of the secret is kept.
    assert app.client_secret != body["client_secret"]
    assert check_password(body["client_secret"], app.client_secret)
    client_app = ClientApp.objects.get(application=app)
    assert (client_app.website, client_app.scopes) == (
        "https://tusky.app",
        "read write follow push",
    )


def test_defaults_read_scope_and_no_website(anon_api):
    body = anon_api.post("/api/v1/apps", {"client_name": "x", "redirect_uris": OOB}).json()
    assert body["scopes"] == ["read"]
    assert body["website"] is None


def test_redirect_uris_as_a_list_and_as_json(anon_api):
    form = anon_api.post(
        "/api/v1/apps",
        {"client_name": "Elk", "redirect_uris[]": [CALLBACK, OOB], "scopes": "read"},
    )
    assert form.status_code == 200, form.content
    assert form.json()["redirect_uris"] == [CALLBACK, OOB]
    as_json = anon_api.post(
        "/api/v1/apps",
        {"client_name": "Phanpy", "redirect_uris": [CALLBACK], "scopes": "read write"},
        content_type="application/json",
    )
    assert as_json.status_code == 200, as_json.content
    assert as_json.json()["redirect_uris"] == [CALLBACK]
    assert as_json.json()["scopes"] == ["read", "write"]


@pytest.mark.parametrize(
    "uri",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "not a uri",
        "/relative/path",
        "https://client.example/cb#fragment",
        "https://user:pass@client.example/cb",
        "https:///no-host",
    ],
)
def test_a_dangerous_or_broken_redirect_uri_is_refused(anon_api, uri):
    response = anon_api.post(
        "/api/v1/apps", {"client_name": "Evil", "redirect_uris": f"{OOB}\n{uri}"}
    )
    assert response.status_code == 422
    assert "Redirect URI" in response.json()["error"]
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("data", "word"),
    [
        ({"client_name": "x", "redirect_uris": OOB, "scopes": "read admin:write"}, "scope"),
        ({"client_name": "x", "redirect_uris": OOB, "scopes": "read nonsense"}, "scope"),
        ({"client_name": "", "redirect_uris": OOB}, "Name"),
        ({"client_name": "x" * 61, "redirect_uris": OOB}, "Name"),
        ({"client_name": "x", "redirect_uris": ""}, "Redirect URI"),
        ({"client_name": "x", "redirect_uris": "https://a.example/" + "a" * 2000}, "too long"),
        ({"client_name": "x", "redirect_uris": OOB, "website": "javascript:x"}, "Website"),
        ({"redirect_uris": OOB}, "client_name"),
    ],
)
def test_invalid_registrations_are_a_422(anon_api, data, word):
    response = anon_api.post("/api/v1/apps", data)
    assert response.status_code == 422
    assert word in response.json()["error"]
    assert not Application.objects.exists()
    assert not ClientApp.objects.exists()


def test_verify_credentials_with_a_user_token(anon_api, user):
    registered = anon_api.post(
        "/api/v1/apps",
        {
            "client_name": "Ice Cubes",
            "redirect_uris": CALLBACK,
            "scopes": "read write",
            "website": "https://icecubes.example",
        },
    ).json()
    app = Application.objects.get(client_id=registered["client_id"])
    client = ApiClient(make_token(user, scope="write", app=app))
    response = client.get("/api/v1/apps/verify_credentials")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": registered["id"],
        "name": "Ice Cubes",
        "website": "https://icecubes.example",
        "scopes": ["read", "write"],
        "redirect_uri": CALLBACK,
        "redirect_uris": [CALLBACK],
        "vapid_key": "",
    }


def test_verify_credentials_needs_a_valid_token(anon_api):
    assert anon_api.get("/api/v1/apps/verify_credentials").status_code == 401
    assert ApiClient("nope").get("/api/v1/apps/verify_credentials").status_code == 401


def test_verify_credentials_query_count(django_assert_num_queries, user):
    client = ApiClient(make_token(user))
    with django_assert_num_queries(2):  # the token with its app, the app's client app row
        assert client.get("/api/v1/apps/verify_credentials").status_code == 200


def test_registration_does_not_need_a_login_or_a_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/v1/apps", {"client_name": "x", "redirect_uris": OOB})
    assert response.status_code == 200


def test_a_nul_in_an_app_name_is_refused(anon_api):
    """POST /api/v1/apps must not store a client_name holding a NUL: a 500 on PostgreSQL
    (DataError), and a control character shown on the consent page."""
    before = Application.objects.count()
    response = anon_api.post("/api/v1/apps", {"client_name": "Evil\x00App", "redirect_uris": OOB})
    assert response.status_code == 422, response.content
    # Counted, not filtered by name: PostgreSQL refuses a NUL in a query as well.
    assert Application.objects.count() == before


@pytest.mark.parametrize(
    "form",
    [
        {"client_name": "Evil\x1bApp", "redirect_uris": OOB},
        # \x1c-\x1f are spaces to str.split(): refused, not taken as separators.
        {"client_name": "Evil\x1cApp", "redirect_uris": OOB},
        {"client_name": "App", "redirect_uris": f"{OOB}\x1c{CALLBACK}"},
        {"client_name": "App", "redirect_uris": f"{CALLBACK}\x00"},
        {"client_name": "App", "redirect_uris[]": [OOB, "https://app.example/\x00"]},
        {"client_name": "App", "redirect_uris": OOB, "website": "https://app.example/\x00x"},
        {"client_name": "App", "redirect_uris": OOB, "website": "https://app.example/\x7f"},
    ],
)
def test_control_characters_in_an_app_are_refused_before_anything_is_stored(anon_api, form):
    before = (Application.objects.count(), ClientApp.objects.count())
    response = anon_api.post("/api/v1/apps", form)
    assert response.status_code == 422, response.content
    assert "control characters" in response.json()["error"]
    assert (Application.objects.count(), ClientApp.objects.count()) == before


def test_tabs_and_newlines_still_separate_redirect_uris(anon_api):
    response = anon_api.post(
        "/api/v1/apps", {"client_name": "Two\tTabs", "redirect_uris": f"{OOB}\r\n{CALLBACK}"}
    )
    assert response.status_code == 200, response.content
    app = Application.objects.get(client_id=response.json()["client_id"])
    assert (app.name, app.redirect_uris.split()) == ("Two Tabs", [OOB, CALLBACK])
