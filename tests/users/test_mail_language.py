"""Mail to a member is written in the language the member chose, not the one of the browser that
asked for it (users.adapter.AccountAdapter.send_mail)."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
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
