"""Mastodon.py logs in against a live server: the code flow through the consent page (out of
band, as Mastodon.py does by default), the password grant, the app token, and revoke."""

import re

import pytest
import requests
from mastodon import Mastodon
from mastodon.errors import MastodonIllegalArgumentError, MastodonUnauthorizedError

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCOPES = ["read", "write", "follow"]


def browser_login(base: str, login: str) -> requests.Session:
    """Log in on the site's login page, as a person in a browser would."""
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    response = session.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "login": login, "password": PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
    )
    assert response.ok and "sessionid" in session.cookies
    return session


def consent(session: requests.Session, url: str) -> requests.Response:
    """Open the consent page at url and press Authorize."""
    page = session.get(url)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    return session.post(
        url,
        data={"csrfmiddlewaretoken": token.group(1), "allow": "1"},
        headers={"Referer": url},
        allow_redirects=False,
    )


@pytest.fixture
def base(live_server):
    return live_server.url


def test_mastodon_py_code_flow_out_of_band(base):
    user = UserFactory()
    client_id, client_secret = Mastodon.create_app(
        "Mastodon.py test", scopes=SCOPES, api_base_url=base
    )
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    url = api.auth_request_url(scopes=SCOPES, state="mpy", allow_http=True)
    assert url.startswith(f"{base}/oauth/authorize?")
    answer = consent(browser_login(base, user.username), url)
    assert answer.status_code == 200
    code = re.search(r'id="oauth-code"[^>]*value="([^"]+)"', answer.text)
    assert code is not None
    token = api.log_in(code=code.group(1), scopes=SCOPES, allow_http=True)
    assert token
    assert api.app_verify_credentials()["name"] == "Mastodon.py test"
    api.revoke_access_token(allow_http=True)
    with pytest.raises(MastodonUnauthorizedError):
        Mastodon(access_token=token, api_base_url=base).app_verify_credentials()


def test_mastodon_py_password_login_and_app_token(base):
    user = UserFactory()
    client_id, client_secret = Mastodon.create_app(
        "Password client", scopes=SCOPES, api_base_url=base
    )
    api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=base)
    token = api.log_in(user.email, PASSWORD, scopes=SCOPES, allow_http=True)
    assert token
    assert api.app_verify_credentials()["scopes"] == SCOPES
    with pytest.raises(MastodonIllegalArgumentError, match="invalid_grant"):
        api.log_in(user.email, "wrong password", scopes=SCOPES, allow_http=True)
