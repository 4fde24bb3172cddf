"""The API's common ground: tokens and scopes, JSON errors, bodies of every type."""

import pytest

from tests.api.conftest import make_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_token_reads_its_own_account(api):
    response = api.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == str(api.user.pk)
    assert body["username"] == api.user.username
    assert body["source"]["note"] == api.user.bio
    assert body["avatar"].startswith("http://testserver/")


def test_no_token_is_a_json_401(anon_api):
    response = anon_api.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 401
    assert response.json() == {"error": "The access token is invalid"}


def test_a_wrong_token_is_a_json_401(api):
    api.token = "not-a-token"
    response = api.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 401
    assert "error" in response.json()


def test_a_token_of_a_deactivated_account_is_refused(api):
    api.user.is_active = False
    api.user.save()
    assert api.get("/api/v1/accounts/verify_credentials").status_code == 401


def test_a_token_without_the_scope_is_a_403(api_for):
    client = api_for(scope="write")
    response = client.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 403
    assert "scope" in response.json()["error"]


@pytest.mark.parametrize("scope", ["read", "read:accounts", "read write follow"])
def test_broad_and_granular_scopes_both_cover(api_for, scope):
    assert api_for(scope=scope).get("/api/v1/accounts/verify_credentials").status_code == 200


def test_the_token_is_stored_only_as_a_checksum(db):
    from oauth2_provider.models import get_access_token_model

    raw = make_token(UserFactory())
    row = get_access_token_model().objects.get()
    assert raw not in (row.token, row.token_checksum)


def test_query_count_of_verify_credentials(api, django_assert_num_queries):
    with django_assert_num_queries(2):  # the token with its account, the account's counts
        assert api.get("/api/v1/accounts/verify_credentials").status_code == 200


def test_the_login_redirect_never_answers_the_api(client):
    response = client.get("/api/v1/accounts/verify_credentials")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_openapi_document(anon_api):
    response = anon_api.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/accounts/verify_credentials" in response.json()["paths"]
