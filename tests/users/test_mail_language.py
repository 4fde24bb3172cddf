"""Mail to a member is written in the language the member chose, not the one of the browser that
asked for it (users.adapter.AccountAdapter.send_mail)."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import UserFactory
from tests.users.helpers import links_in, signup
from users import services

pytestmark = pytest.mark.django_db


def _reset_mail(client, django_capture_on_commit_callbacks, email, accept_language):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"),
            {"email": email},
            HTTP_ACCEPT_LANGUAGE=accept_language,
        )
    (message,) = [m for m in mail.outbox if email in m.to]
    return message


@pytest.mark.parametrize(("chosen", "browser"), [("en", "de"), ("de", "en")])
def test_reset_mail_is_in_the_members_chosen_language_whatever_the_browser_asks(
    client, django_capture_on_commit_callbacks, chosen, browser
):
    """A member who chose a language gets their reset mail in it, whoever's browser asked."""
    member = UserFactory()
    services.preferences_update(user=member, time_zone="", language=chosen)
    # The mail as it reads when the browser speaks the member's own language.
    wanted = _reset_mail(client, django_capture_on_commit_callbacks, member.email, chosen)
    got = _reset_mail(client, django_capture_on_commit_callbacks, member.email, browser)
    assert got.subject == wanted.subject


# German mail says "du", like the site (msg's own wording in templates/account/email/, not
# allauth's, whose German mixes in "Sie").
FORMAL = re.compile(r"\b(Sie|Ihre|Ihr|Ihrem|Ihren|Ihnen)\b")


def test_the_german_verification_mail_says_du(client, django_capture_on_commit_callbacks):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "de"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signup(
            client,
            username="hans",
            email="hans@example.org",
            password1="plums-in-the-icebox-77",
        )
    (message,) = mail.outbox
    assert message.to == ["hans@example.org"]
    assert "deine E-Mail-Adresse" in message.subject
    assert "du" in message.body.split()
    assert FORMAL.findall(message.body) == []
    assert links_in(message)


MAIL_TEMPLATES = sorted(
    path.name
    for path in (Path(settings.BASE_DIR) / "templates" / "account" / "email").glob("*_message.txt")
    if not path.name.startswith("base_")
)


@pytest.mark.parametrize("name", MAIL_TEMPLATES)
def test_every_german_account_mail_says_du_and_is_translated(name):
    member = UserFactory(username="hans")
    context = {
        "current_site": SimpleNamespace(name="msg", domain="msg.example.org"),
        "user": member,
        "username": member.username,
        "email": member.email,
        "activate_url": "https://example.org/confirm/",
        "password_reset_url": "https://example.org/reset/",
        "signup_url": "https://example.org/signup/",
        "from_email": "old@example.org",
        "to_email": "new@example.org",
        "deleted_email": "old@example.org",
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
        "timestamp": "now",
    }
    with translation.override("en"):
        english = render_to_string(f"account/email/{name}", context)
    with translation.override("de"):
        german = render_to_string(f"account/email/{name}", context)
    assert FORMAL.findall(german) == [], german
    # Sentences left in English (a line that only shows a value, like "- Browser: Firefox",
    # may read the same in both).
    values = [v for v in context.values() if isinstance(v, str)]
    english_lines = {
        line for line in english.splitlines() if " " in line and not any(v in line for v in values)
    }
    untranslated = [line for line in german.splitlines() if line in english_lines]
    assert untranslated == [], german


def test_the_german_signup_form_says_benutzername(client):
    response = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="de")
    with translation.override("de"):
        label = gettext("Username")
    assert label != "Username"
    assert f">{label}</label>" in response.content.decode()
