"""Fixtures of the API tests: apps, tokens, and a test client that sends a bearer token."""

import secrets
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    set_token_value,
)

from tests.factories import UserFactory

Application = get_application_model()
AccessToken = get_access_token_model()

ALL_SCOPES = "read write follow push"


def make_app(name: str = "Test client", redirect_uris: str = "urn:ietf:wg:oauth:2.0:oob"):
    """An OAuth application as POST /api/v1/apps would create it."""
    return Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uris,
        skip_authorization=False,
        algorithm="",
    )


def make_token(user, scope: str = ALL_SCOPES, app=None) -> str:
    """A valid access token for user (None: an app token) with scope; returns the raw token."""
    raw = secrets.token_urlsafe(32)
    token = AccessToken(
        user=user,
        application=app or make_app(),
        scope=scope,
        expires=timezone.now() + timedelta(days=365 * 100),
    )
    set_token_value(token, raw)  # as the toolkit stores it: a checksum only
    token.save()
    return raw


class ApiClient(Client):
    """A test client whose requests carry `Authorization: Bearer <token>` (if it has one)."""

    def __init__(self, token: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.token = token
        self.user = None

    def request(self, **request):
        if self.token:
            request.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.token}")
        return super().request(**request)


@pytest.fixture
def api_for(db):
    """Return a function: api_for(user, scope=...) gives an ApiClient with a token for user."""

    def build(user=None, scope: str = ALL_SCOPES) -> ApiClient:
        user = user or UserFactory()
        client = ApiClient(make_token(user, scope))
        client.user = user
        return client

    return build


@pytest.fixture
def api(api_for, user):
    """An ApiClient with an all-scopes token for `user`."""
    return api_for(user)


@pytest.fixture
def anon_api(db):
    """An ApiClient without a token."""
    return ApiClient()
