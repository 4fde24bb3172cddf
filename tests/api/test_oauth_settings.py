"""Settings, Authorized apps: the apps that can use the member's account, and Revoke."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
)

from api.services.apps import app_create, authorization_revoke
from tests.api.conftest import ApiClient, make_token
from tests.api.test_oauth_flow import answer, authorize_url, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AccessToken = get_access_token_model()
Application = get_application_model()
Grant = get_grant_model()


def new_app(name: str = "Tusky", scopes: str = "read write follow", website: str = ""):
    return app_create(
        name=name, redirect_uris="tusky://oauth", scopes=scopes, website=website
    ).application


def test_the_page_lists_the_apps_with_a_live_token(member_client, user):
    tusky = new_app("Tusky", website="https://tusky.app")
    make_token(user, scope="read write", app=tusky)
    expired = new_app("Old app")
    raw = make_token(user, app=expired)
    AccessToken.objects.filter(application=expired).update(expires=timezone.now())
    someone_elses = new_app("Not mine")
    make_token(UserFactory(), app=someone_elses)
    assert raw

    response = member_client.get("/settings/apps/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tusky" in html
    assert "https://tusky.app" in html
    assert "Read everything in your account" in html
    assert "Change anything in your account" in html
    assert "Old app" not in html
    assert "Not mine" not in html
    assert f'action="/settings/apps/{tusky.pk}/revoke/"' in html
    assert 'data-dialog="revoke-dialog-' in html


def test_the_page_shows_the_scopes_of_every_live_token(member_client, user):
    app = new_app(scopes="read write follow")
    make_token(user, scope="read", app=app)
    make_token(user, scope="follow", app=app)
    html = member_client.get("/settings/apps/").content.decode()
    assert "Read everything in your account" in html
    assert "Follow, block and mute accounts" in html
    assert "Change anything in your account" not in html


def test_an_empty_page_says_so(member_client):
    html = member_client.get("/settings/apps/").content.decode()
    assert "No app can use your account" in html


def test_the_settings_navigation_links_the_page(member_client):
    html = member_client.get("/settings/profile/").content.decode()
    assert 'href="/settings/apps/"' in html


@pytest.mark.parametrize("apps", [1, 4])
def test_the_page_costs_the_same_queries_for_one_app_or_many(
    member_client, user, django_assert_num_queries, apps
):
    for n in range(apps):
        app = new_app(f"App {n}")
        make_token(user, app=app)
        make_token(user, scope="read", app=app)
    with django_assert_num_queries(5):  # session, user, preferences, apps, their tokens
        assert member_client.get("/settings/apps/").status_code == 200


def test_revoke_asks_first_without_javascript(member_client, user):
    app = new_app("Tusky")
    make_token(user, app=app)
    response = member_client.get(f"/settings/apps/{app.pk}/revoke/")
    assert response.status_code == 200
    assert "Revoke Tusky?" in response.content.decode()
    assert AccessToken.objects.filter(application=app).exists()


def test_revoke_takes_back_the_tokens_and_codes(member_client, user):
    app = new_app("Tusky")
    raw = make_token(user, app=app)
    other_member_raw = make_token(UserFactory(), app=app)
    registered = register(Client(), redirect_uris="tusky://oauth")
    answer(member_client, authorize_url(registered, redirect_uri="tusky://oauth"))
    mine = Application.objects.get(client_id=registered["client_id"])
    make_token(user, app=mine)
    assert Grant.objects.filter(user=user).exists()

    response = member_client.post(f"/settings/apps/{mine.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"] == "/settings/apps/"
    assert not Grant.objects.filter(user=user).exists()
    assert not AccessToken.objects.filter(user=user, application=mine).exists()
    # Other apps and other members are untouched.
    assert ApiClient(raw).get("/api/v1/accounts/verify_credentials").status_code == 200
    assert ApiClient(other_member_raw).get("/api/v1/apps/verify_credentials").status_code == 200

    member_client.post(f"/settings/apps/{app.pk}/revoke/")
    assert ApiClient(raw).get("/api/v1/accounts/verify_credentials").status_code == 401
    assert ApiClient(other_member_raw).get("/api/v1/apps/verify_credentials").status_code == 200
    assert "can no longer use your account" in member_client.get("/settings/apps/").content.decode()


def test_revoking_an_app_you_did_not_authorize_is_a_404(member_client, user):
    app = new_app("Not mine")
    make_token(UserFactory(), app=app)
    assert member_client.post(f"/settings/apps/{app.pk}/revoke/").status_code == 404
    assert AccessToken.objects.filter(application=app).exists()


def test_revoke_needs_a_login(client, user):
    app = new_app()
    make_token(user, app=app)
    response = client.post(f"/settings/apps/{app.pk}/revoke/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert AccessToken.objects.filter(application=app).exists()


def test_authorization_revoke_service_keeps_other_members_tokens(user, other_user):
    app = new_app()
    make_token(user, app=app)
    make_token(user, app=app)
    make_token(other_user, app=app)
    assert authorization_revoke(user=user, application=app) == 2
    assert list(AccessToken.objects.values_list("user", flat=True)) == [other_user.pk]
    assert Application.objects.filter(pk=app.pk).exists()


def test_expired_tokens_are_revoked_too(user):
    app = new_app()
    make_token(user, app=app)
    AccessToken.objects.update(expires=timezone.now() - timedelta(days=1))
    assert authorization_revoke(user=user, application=app) == 1
    assert not AccessToken.objects.exists()
