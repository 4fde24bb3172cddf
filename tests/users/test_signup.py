"""Signup: the form, mandatory email verification, resending the mail, and validation rules."""

import datetime as dt
import secrets

import pytest
import time_machine
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory
from tests.users.helpers import (
    PUBLIC_SITE_URL,
    is_logged_in,
    links_in,
    login,
    messages_to,
    path_of,
    signup,
)
from users.models import CustomUser, username_validator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_site_url")]

NEW_PASSWORD = "velvet-lantern-orbit-73"


def sign_up_new_user(client, capture, username="newbie", email="newbie@example.com"):
    with capture(execute=True):
        response = signup(client, username=username, email=email, password1=NEW_PASSWORD)
    return response


def confirmation_link(address: str) -> str:
    (message,) = messages_to(address)[-1:]
    (link,) = links_in(message)
    return link


def form_errors(response) -> dict[str, list[str]]:
    return response.context["form"].errors


def test_signup_page_asks_for_username_email_and_password_twice(client):
    """The signup page offers username, email, password and password-again fields."""
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    fields = response.context["form"].fields
    assert {"username", "email", "password1", "password2"} <= set(fields)
    for name in ("username", "email", "password1", "password2"):
        assert fields[name].required, name


def test_signup_creates_unverified_user_not_logged_in(client, django_capture_on_commit_callbacks):
    """Signing up creates the user, sends them to the verification-sent page, and logs no one in."""
    response = sign_up_new_user(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = CustomUser.objects.get(username="newbie")
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()
    assert not is_logged_in(client)


def test_signup_mails_verification_link_on_site_url(client, django_capture_on_commit_callbacks):
    """The verification mail reaches the address, with the subject prefix and a SITE_URL link."""
    sign_up_new_user(client, django_capture_on_commit_callbacks)
    (message,) = messages_to("newbie@example.com")
    assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert "confirm" in message.subject.lower()
    links = links_in(message)
    assert len(links) == 1
    assert links[0].startswith(PUBLIC_SITE_URL + "/")


def test_unverified_user_cannot_log_in(client, django_capture_on_commit_callbacks):
    """Logging in before verifying leads to the verification-sent page and does not authenticate."""
    sign_up_new_user(client, django_capture_on_commit_callbacks)
    response = login(client, "newbie", NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not is_logged_in(client)


def test_verification_link_verifies_and_then_login_works(
    client, django_capture_on_commit_callbacks
):
    """GET shows the confirm page, POST verifies the address; afterwards the user can log in."""
    sign_up_new_user(client, django_capture_on_commit_callbacks)
    path = path_of(confirmation_link("newbie@example.com"))

    page = client.get(path)
    assert page.status_code == 200
    address = EmailAddress.objects.get(email="newbie@example.com")
    assert not address.verified, "a GET alone must not verify the address"

    confirmed = client.post(path)
    assert confirmed.status_code == 302
    address.refresh_from_db()
    assert address.verified
    assert not is_logged_in(client), "confirming must not log the user in by itself"

    response = login(client, "newbie", NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert is_logged_in(client)


def test_bogus_verification_link_verifies_nothing(client, django_capture_on_commit_callbacks):
    """A made-up confirmation key does not verify the address."""
    sign_up_new_user(client, django_capture_on_commit_callbacks)
    path = reverse("account_confirm_email", args=["not-a-real-key"])
    client.post(path)
    assert not EmailAddress.objects.get(email="newbie@example.com").verified


def test_login_attempt_while_unverified_resends_verification_mail(
    client, django_capture_on_commit_callbacks
):
    """After the resend cooldown, a login attempt by an unverified user mails a fresh link."""
    sign_up_new_user(client, django_capture_on_commit_callbacks)
    assert len(messages_to("newbie@example.com")) == 1
    (cooldown,) = parse_rates(account_settings.RATE_LIMITS["confirm_email"])

    with time_machine.travel(dt.timedelta(seconds=cooldown.duration + 1)):
        with django_capture_on_commit_callbacks(execute=True):
            response = login(client, "newbie", NEW_PASSWORD)
        assert response.url == reverse("account_email_verification_sent")
        assert len(messages_to("newbie@example.com")) == 2
        client.post(path_of(confirmation_link("newbie@example.com")))

    assert EmailAddress.objects.get(email="newbie@example.com").verified


def test_signup_with_taken_email_creates_no_user_and_reveals_nothing(
    client, user, django_capture_on_commit_callbacks
):
    """Signing up with an address in use answers like a normal signup but creates no account."""
    before = CustomUser.objects.count()
    response = sign_up_new_user(
        client, django_capture_on_commit_callbacks, email=user.email.upper()
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert CustomUser.objects.count() == before
    assert len(messages_to(user.email.upper()) + messages_to(user.email)) == 1


def test_refused_signup_does_not_reveal_a_taken_email(client, user):
    """When another rule refuses the signup, no error points at the address being taken."""
    response = signup(client, username="bad name!", email=user.email, password1=NEW_PASSWORD)
    errors = assert_rejected(response, "username")
    assert set(errors) == {"username"}, errors


# --- validation: the seed form's rules apply to signup -------------------------------------------


def assert_rejected(response, field: str | None = None) -> dict:
    assert response.status_code == 200, "an invalid signup re-renders the form"
    errors = form_errors(response)
    assert errors
    if field:
        assert field in errors, errors
    return errors


def all_messages(errors) -> list[str]:
    return [message for messages in errors.values() for message in messages]


@pytest.mark.parametrize("username", ["bad name!", "bad-name", "naïve", "a.b"])
def test_username_with_bad_characters_is_refused_with_clear_error(client, username):
    """Usernames may hold only letters, digits and underscores; the error says so."""
    response = signup(client, username=username, email="x@example.com", password1=NEW_PASSWORD)
    errors = assert_rejected(response, "username")
    assert str(username_validator.message) in errors["username"]
    assert not CustomUser.objects.filter(email="x@example.com").exists()


def test_username_differing_only_in_case_is_refused(client):
    """A username equal to an existing one apart from case is taken."""
    UserFactory(username="Alice")
    response = signup(client, username="aLICE", email="x@example.com", password1=NEW_PASSWORD)
    assert_rejected(response, "username")
    assert CustomUser.objects.filter(username__iexact="alice").count() == 1


def test_email_differing_only_in_case_creates_no_second_account(client, user):
    """An email equal to an existing one apart from case creates no second account."""
    signup(client, username="fresh", email=user.email.upper(), password1=NEW_PASSWORD)
    assert not CustomUser.objects.filter(username="fresh").exists()


def test_password_shorter_than_eight_is_refused(client):
    """A seven-character password is too short."""
    response = signup(client, username="shorty", email="x@example.com", password1="Zq7#kLp")
    assert_rejected(response, "password1")
    assert not CustomUser.objects.filter(username="shorty").exists()


def test_password_of_eight_characters_is_accepted(client):
    """Eight characters is long enough (the boundary of the length rule)."""
    response = signup(client, username="eight", email="x@example.com", password1="Zq7#kLp!")
    assert response.status_code == 302
    assert CustomUser.objects.filter(username="eight").exists()


def test_long_password_is_accepted(client):
    """A password of 64 or more characters is accepted and works."""
    long_password = secrets.token_urlsafe(60)
    assert len(long_password) >= 64
    response = signup(client, username="longpw", email="x@example.com", password1=long_password)
    assert response.status_code == 302
    assert CustomUser.objects.get(username="longpw").check_password(long_password)


def test_common_password_is_refused(client):
    """A password from the common-passwords list is refused."""
    response = signup(client, username="common", email="x@example.com", password1="password123")
    assert_rejected(response, "password1")
    assert not CustomUser.objects.filter(username="common").exists()


def test_all_numeric_password_is_refused(client):
    """A password made only of digits is refused."""
    response = signup(client, username="digits", email="x@example.com", password1="8405172936")
    assert_rejected(response, "password1")
    assert not CustomUser.objects.filter(username="digits").exists()


def test_password_similar_to_username_is_refused(client):
    """A password too close to the username is refused."""
    response = signup(
        client, username="margaretsmith", email="x@example.com", password1="margaretsmith7"
    )
    assert_rejected(response, "password1")
    assert not CustomUser.objects.filter(username="margaretsmith").exists()


def test_mismatched_passwords_are_refused(client):
    """The two password fields must match."""
    response = signup(
        client,
        username="mismatch",
        email="x@example.com",
        password1=NEW_PASSWORD,
        password2=NEW_PASSWORD + "x",
    )
    assert_rejected(response, "password2")
    assert not CustomUser.objects.filter(username="mismatch").exists()


@pytest.mark.parametrize(
    "username,password",
    [
        ("shorty", "Zq7#kLp"),
        ("common", "password123"),
        ("margaretsmith", "margaretsmith7"),
        ("bad name!", NEW_PASSWORD),
        ("Taken", NEW_PASSWORD),
    ],
)
def test_each_signup_error_is_reported_once(client, username, password):
    """A rule broken once produces one error message, not one from each form."""
    UserFactory(username="taken")
    response = signup(client, username=username, email="x@example.com", password1=password)
    messages = all_messages(assert_rejected(response))
    assert len(messages) == len(set(messages)), messages


def test_failed_signup_sends_no_mail(client, django_capture_on_commit_callbacks):
    """A refused signup mails nothing."""
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, username="bad name!", email="x@example.com", password1=NEW_PASSWORD)
    assert mail.outbox == []
