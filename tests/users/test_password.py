"""Changing a password (with the current one, plus a notice mail) and resetting a forgotten one."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import resolve, reverse

from tests.users.helpers import (
    PUBLIC_SITE_URL,
    is_logged_in,
    links_in,
    login,
    messages_to,
    path_of,
    request_reset,
)
from users.models import CustomUser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_site_url")]

NEW_PASSWORD = "quartz-meadow-falcon-58"


def password_of(user) -> CustomUser:
    return CustomUser.objects.get(pk=user.pk)


# --- change --------------------------------------------------------------------------------------


def change_password(client, old: str, new: str = NEW_PASSWORD):
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": old, "password1": new, "password2": new},
    )


def test_change_password_page_requires_login(client):
    """Anonymous visitors are sent to log in first."""
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 302
    assert path_of(response.url) == reverse("account_login")


def test_change_password_with_wrong_current_password_is_refused(
    member_client, user, password, django_capture_on_commit_callbacks
):
    """A wrong current password is refused, the password stays, and no notice is mailed."""
    with django_capture_on_commit_callbacks(execute=True):
        response = change_password(member_client, old=password + "-wrong")
    assert response.status_code == 200
    assert "oldpassword" in response.context["form"].errors
    assert password_of(user).check_password(password)
    assert not password_of(user).check_password(NEW_PASSWORD)
    assert mail.outbox == []


def test_change_password_with_current_password_works_and_mails_notice(
    member_client, user, password, django_capture_on_commit_callbacks
):
    """The right current password changes it, keeps the user logged in, and mails a notice."""
    with django_capture_on_commit_callbacks(execute=True):
        response = change_password(member_client, old=password)
    assert response.status_code == 302
    assert password_of(user).check_password(NEW_PASSWORD)
    assert is_logged_in(member_client)
    (notice,) = messages_to(user.email)
    assert notice.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert "password" in notice.subject.lower()


def test_changed_password_is_the_one_that_logs_in(client, user, password):
    """After a change the old password no longer logs in and the new one does."""
    client.force_login(user)
    change_password(client, old=password)
    client.logout()
    login(client, user.username, password)
    assert not is_logged_in(client)
    login(client, user.username, NEW_PASSWORD)
    assert is_logged_in(client)


def test_change_password_applies_password_rules(member_client, user, password):
    """The new password must pass the same rules as at signup."""
    response = change_password(member_client, old=password, new="password123")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert password_of(user).check_password(password)


# --- reset ---------------------------------------------------------------------------------------


@pytest.fixture
def reset_link(client, user, django_capture_on_commit_callbacks) -> str:
    """The path of the reset link mailed to user."""
    with django_capture_on_commit_callbacks(execute=True):
        request_reset(client, user.email)
    (message,) = messages_to(user.email)
    (link,) = links_in(message)
    assert link.startswith(PUBLIC_SITE_URL + "/")
    return path_of(link)


def use_reset_link(client, path: str, new: str = NEW_PASSWORD):
    """Follow the mailed link to the set-password form and submit it."""
    redirect = client.get(path)
    assert redirect.status_code == 302, "a good key redirects to the form without the key"
    form = client.get(redirect.url)
    assert form.status_code == 200
    assert not form.context.get("token_fail")
    return client.post(redirect.url, {"password1": new, "password2": new})


def test_reset_request_mails_link_for_known_address(client, user, reset_link):
    """A known address gets one mail with a reset link on SITE_URL."""
    (message,) = mail.outbox
    assert message.to == [user.email]
    assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)


def test_reset_request_matches_address_case_insensitively(
    client, user, django_capture_on_commit_callbacks
):
    """An address typed in another case still gets the reset link."""
    with django_capture_on_commit_callbacks(execute=True):
        request_reset(client, user.email.upper())
    assert len(mail.outbox) == 1
    assert links_in(mail.outbox[0])


def test_reset_link_sets_new_password_without_logging_in(client, user, password, reset_link):
    """The link lets the user choose a new password; it does not log them in."""
    response = use_reset_link(client, reset_link)
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_from_key_done")
    assert not is_logged_in(client)
    assert password_of(user).check_password(NEW_PASSWORD)
    assert not password_of(user).check_password(password)
    login(client, user.username, NEW_PASSWORD)
    assert is_logged_in(client)


def test_reset_link_works_only_once(client, user, reset_link):
    """A used link shows the bad-token page."""
    use_reset_link(client, reset_link)
    second = client.get(reset_link)
    assert second.status_code == 200
    assert second.context["token_fail"] is True


def test_reset_link_still_works_just_before_it_expires(client, user, reset_link):
    """A minute before PASSWORD_RESET_TIMEOUT runs out, the link still works."""
    just_before = dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT) - dt.timedelta(minutes=1)
    with time_machine.travel(just_before):
        response = use_reset_link(client, reset_link)
    assert response.status_code == 302
    assert password_of(user).check_password(NEW_PASSWORD)


def test_reset_link_has_expired_after_an_hour(client, user, password, reset_link):
    """Sixty-one minutes later the link shows the bad-token page and changes nothing."""
    assert dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT) <= dt.timedelta(hours=1)
    with time_machine.travel(dt.timedelta(minutes=61)):
        response = client.get(reset_link)
        assert response.status_code == 200
        assert response.context["token_fail"] is True
    assert password_of(user).check_password(password)


def test_reset_request_answers_the_same_for_unknown_address(client, user):
    """Known and unknown addresses get the same status and redirect target (no enumeration)."""
    known = request_reset(client, user.email)
    unknown = request_reset(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url


def test_reset_request_sends_no_link_for_unknown_address(
    client, user, django_capture_on_commit_callbacks
):
    """An unknown address never receives a working reset link."""
    with django_capture_on_commit_callbacks(execute=True):
        request_reset(client, "nobody@example.com")
    for message in mail.outbox:
        for link in links_in(message):
            assert resolve(path_of(link)).url_name != "account_reset_password_from_key"
