"""The pages shown when a request fails before any view of ours answers: the CSRF failure page
(templates/403_csrf.html, rendered by Django's own csrf_failure view) and the 500 page
(templates/500.html, rendered without context processors). Both are the site's own, in the
reader's language, fit a phone, and never fail themselves."""

import json
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


def test_a_stale_form_gets_the_sites_own_page_in_the_members_language():
    """A form sent with a stale token (a tab left open across a log-in elsewhere, which
    rotates the token) gets the site's page, not Django's English one: the reader's language,
    a viewport for phones, the member's navigation and a way home."""
    user = UserFactory()
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(user)
    response = client.post(reverse("settings_profile"), {"display_name": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="de"' in page
    assert 'name="viewport"' in page
    assert f"<h1>{_german('This form has expired')}</h1>" in page
    assert _german("Reload the page and send it again.") in page
    assert f'href="{reverse("home")}"' in page
    assert 'class="site-sidebar"' in page  # the member's own layout
    assert "CSRF verification failed" not in page  # Django's own page


def test_a_stale_form_from_a_visitor_gets_the_same_page():
    """Logged out (the log-in form itself, sent without its cookie): the same page, with the
    visitor's navigation; LoginRequiredMiddleware does not turn it into a redirect."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a", "password": "b"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<h1>This form has expired</h1>" in page
    assert f'href="{reverse("account_login")}"' in page
    assert 'class="site-sidebar"' not in page
    assert "CSRF verification failed" not in page  # Django's own page


def test_the_csrf_page_renders_without_a_request():
    page = render_to_string("403_csrf.html")
    assert "<h1>This form has expired</h1>" in page
    assert f'href="{reverse("home")}"' in page


def _stylesheets(page: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]*)"', page)


def test_the_server_error_page_has_the_sites_style_in_the_readers_language():
    """500.html stands alone (no context processors, no request) but links Pico and msg.css,
    so the page shown when things go wrong has the site's look, dark theme included."""
    with translation.override("de"):
        page = render_to_string("500.html")
    assert '<html lang="de"' in page
    assert f"<h1>{_german('Something went wrong')}</h1>" in page
    assert 'name="viewport"' in page
    sheets = _stylesheets(page)
    assert any("/vendor/pico" in sheet for sheet in sheets)
    assert any(sheet.endswith(("/css/msg.css", ".css")) and "/css/msg" in sheet for sheet in sheets)


def test_the_server_error_page_never_fails_on_a_missing_static_manifest(settings, tmp_path):
    """In production (manifest storage) {% static %} raises when the manifest is missing or
    lacks a file; on the 500 page that would raise again and leave the web server's bare
    error. The page falls back to the plain address; a listed file keeps its hashed name."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    request = RequestFactory().get("/")

    response = server_error(request)  # no manifest at all
    assert response.status_code == 500
    sheets = _stylesheets(response.content.decode())
    assert f"{settings.STATIC_URL}css/msg.css" in sheets
    assert any(sheet.startswith(f"{settings.STATIC_URL}vendor/pico") for sheet in sheets)

    hashed = "css/msg.0123456789ab.css"
    manifest = {"version": "1.1", "hash": "x", "paths": {"css/msg.css": hashed}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    settings.STORAGES = {**settings.STORAGES}  # a fresh storage reads the manifest
    response = server_error(request)
    assert response.status_code == 500
    sheets = _stylesheets(response.content.decode())
    assert f"{settings.STATIC_URL}{hashed}" in sheets  # from the manifest
    assert any(sheet.startswith(f"{settings.STATIC_URL}vendor/pico") for sheet in sheets)
