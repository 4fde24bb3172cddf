"""Rate limits from settings.ACCOUNT_RATE_LIMITS: failed logins per key and per IP, reset requests.

The Zulip pattern: once a login is locked, even the right password is refused until the window
passes. The numbers come from settings, so a changed limit changes the test with it.
"""

import datetime as dt
from http import HTTPStatus

import pytest
import time_machine
from django.core import mail

from tests.factories import UserFactory
from tests.users.helpers import is_logged_in, links_in, login, path_of, rate, request_reset

pytestmark = pytest.mark.django_db


def just_after(window: float) -> dt.timedelta:
    return dt.timedelta(seconds=window + 1)


def assert_too_many(response) -> None:
    """The login form came back with a clear "too many attempts" error."""
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors()).lower()
    assert "too many" in errors, errors


def fail_logins(client, logins: list[str]) -> None:
    for name in logins:
        response = login(client, name, "not-the-password")
        assert response.status_code == 200
        assert "too many" not in " ".join(response.context["form"].non_field_errors()).lower()


def test_login_limits_are_configured():
    """Failed logins are limited both per IP and per account (or per typed unknown login)."""
    assert rate("login_failed", "key").amount > 0
    assert rate("login_failed", "ip").amount > 0
    # The per-key tests stay under the per-IP limit.
    assert rate("login_failed", "key").amount < rate("login_failed", "ip").amount


def test_right_password_works_one_failure_short_of_the_limit(client, user, password):
    """Failures below the per-key limit do not lock the account."""
    limit = rate("login_failed", "key")
    fail_logins(client, [user.username] * (limit.amount - 1))
    login(client, user.username, password)
    assert is_logged_in(client)


def test_too_many_failed_logins_refuse_even_the_right_password(client, user, password):
    """After the per-key limit of failures, the right password is refused with "too many"."""
    limit = rate("login_failed", "key")
    fail_logins(client, [user.username] * limit.amount)
    response = login(client, user.username, password)
    assert_too_many(response)
    assert not is_logged_in(client)


def test_locked_login_works_again_after_the_window(client, user, password):
    """Once the per-key window has passed, the right password logs in again."""
    limit = rate("login_failed", "key")
    fail_logins(client, [user.username] * limit.amount)
    with time_machine.travel(dt.timedelta(seconds=limit.duration - 5)):
        assert_too_many(login(client, user.username, password))
    with time_machine.travel(just_after(limit.duration)):
        response = login(client, user.username, password)
        assert response.status_code == 302
        assert is_logged_in(client)


def test_login_key_ignores_case(client, user, password):
    """Changing the case of the login does not dodge the per-key limit."""
    limit = rate("login_failed", "key")
    spellings = [user.username.upper(), user.username.lower(), user.username.title()]
    fail_logins(client, [spellings[i % len(spellings)] for i in range(limit.amount)])
    assert_too_many(login(client, user.username, password))


def test_username_and_email_count_against_one_account(client, user, password):
    """Failures by username and by email address share the account's limit, not one each."""
    limit = rate("login_failed", "key")
    spellings = [user.username, user.email.upper()]
    fail_logins(client, [spellings[i % len(spellings)] for i in range(limit.amount)])
    for name in spellings:
        assert_too_many(login(client, name, password))
    assert not is_logged_in(client)


def test_password_reset_unlocks_the_account(client, user, django_capture_on_commit_callbacks):
    """After a password reset, the account locked by failures (by username) logs in again."""
    limit = rate("login_failed", "key")
    fail_logins(client, [user.username] * limit.amount)
    with django_capture_on_commit_callbacks(execute=True):
        request_reset(client, user.email)
    (link,) = links_in(mail.outbox[-1])
    form_url = client.get(path_of(link)).url
    new = "quartz-meadow-falcon-58"
    assert client.post(form_url, {"password1": new, "password2": new}).status_code == 302
    login(client, user.username, new)
    assert is_logged_in(client)


def test_locking_one_login_leaves_other_users_alone(client, user, other_user, password):
    """The per-key limit locks only the login that failed, not everyone on the same IP."""
    limit = rate("login_failed", "key")
    fail_logins(client, [user.username] * limit.amount)
    login(client, other_user.username, password)
    assert client.session["_auth_user_id"] == str(other_user.pk)


def test_too_many_failed_logins_from_one_ip_refuse_everyone(client, password):
    """After the per-IP limit of failures (on different logins), even a fresh right login fails."""
    limit = rate("login_failed", "ip")
    fail_logins(client, [f"stranger{i}" for i in range(limit.amount)])
    fresh = UserFactory()
    assert_too_many(login(client, fresh.username, password))
    assert not is_logged_in(client)
    with time_machine.travel(just_after(limit.duration)):
        login(client, fresh.username, password)
        assert is_logged_in(client)


def test_reset_requests_are_limited_per_address(client, user, django_capture_on_commit_callbacks):
    """Beyond the per-address limit, reset requests get 429 and no more mail, until the window."""
    limit = rate("reset_password", "key")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(limit.amount):
            assert request_reset(client, user.email).status_code == HTTPStatus.FOUND
        assert request_reset(client, user.email).status_code == HTTPStatus.TOO_MANY_REQUESTS
        blocked = request_reset(client, user.email.upper())
        assert blocked.status_code == HTTPStatus.TOO_MANY_REQUESTS
        assert "Too many attempts" in blocked.content.decode()
        assert "429.html" in [t.name for t in blocked.templates]
    assert len(mail.outbox) == limit.amount

    with time_machine.travel(just_after(limit.duration)):
        assert request_reset(client, user.email).status_code == HTTPStatus.FOUND


def test_reset_limit_for_one_address_leaves_others_alone(client, user, other_user):
    """Exhausting one address's reset limit does not block another address."""
    limit = rate("reset_password", "key")
    for _ in range(limit.amount + 1):
        request_reset(client, user.email)
    assert request_reset(client, other_user.email).status_code == HTTPStatus.FOUND
