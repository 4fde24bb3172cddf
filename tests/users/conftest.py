import pytest
from django.test import Client

from tests.users.helpers import PUBLIC_SITE_URL


@pytest.fixture
def public_site_url(settings) -> str:
    """Point SITE_URL somewhere the test client is not, so mailed links must be built from it."""
    settings.SITE_URL = PUBLIC_SITE_URL
    return PUBLIC_SITE_URL


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """Run each request's on-commit callbacks (the mail tasks) as the request ends."""
    request = Client.request

    def request_then_commit(self, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(self, **kwargs)

    monkeypatch.setattr(Client, "request", request_then_commit)
