"""Logging in and out: username or email, wrong passwords, logout, member pages, superusers."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

from tests.users.helpers import is_logged_in, login
from users.models import CustomUser

pytestmark = pytest.mark.django_db


def test_login_with_username(client, user, password):
    """The right username and password log the user in and go to the home page."""
    response = login(client, user.username, password)
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_username_in_other_case(client, user, password):
    """The username matches whatever its case."""
    response = login(client, user.username.upper(), password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_email(client, user, password):
    """The email address works in place of the username."""
    response = login(client, user.email, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_with_email_ignores_case(client, user, password):
    """The email address matches whatever its case."""
    response = login(client, user.email.swapcase(), password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("which", ["username", "email"])
def test_wrong_password_is_refused_with_error(client, user, password, which):
    """A wrong password re-shows the form with an error and logs no one in."""
    response = login(client, getattr(user, which), password + "-wrong")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not is_logged_in(client)


def test_unknown_user_is_refused(client, password):
    """A login nobody has is refused like a wrong password."""
    response = login(client, "nobody_here", password)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not is_logged_in(client)


def test_inactive_user_cannot_log_in(client, user, password):
    """A deactivated account cannot log in with its right password."""
    CustomUser.objects.filter(pk=user.pk).update(is_active=False)
    login(client, user.username, password)
    assert not is_logged_in(client)


# --- logout --------------------------------------------------------------------------------------


def test_logout_get_shows_confirmation_and_keeps_user_logged_in(member_client):
    """GET on the logout URL only asks for confirmation."""
    response = member_client.get(reverse("account_logout"))
    assert response.status_code == 200
    assert is_logged_in(member_client)


def test_logout_post_logs_out(member_client):
    """POST on the logout URL ends the session."""
    response = member_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not is_logged_in(member_client)


# --- LoginRequiredMiddleware ---------------------------------------------------------------------


def test_anonymous_member_page_redirects_to_login_with_next(client, user):
    """An anonymous visit to a member page goes to the login page, remembering where it was."""
    profile = reverse("profile", args=[user.username])
    response = client.get(profile)
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == reverse("account_login")
    assert parse_qs(target.query)["next"] == [profile]


def test_login_with_next_lands_back_on_the_member_page(client, user, other_user, password):
    """Logging in from that redirect returns to the page first asked for."""
    profile = reverse("profile", args=[other_user.username])
    login_url = client.get(profile).url
    response = client.post(login_url, {"login": user.username, "password": password})
    assert response.status_code == 302
    assert response.url == profile
    assert client.get(profile).status_code == 200


def test_login_ignores_next_pointing_off_site(client, user, password):
    """A next= URL on another site is not followed after login."""
    response = login(client, user.username, password, next="https://evil.example.com/")
    assert response.status_code == 302
    assert "evil.example.com" not in response.url


# --- superusers ----------------------------------------------------------------------------------


@pytest.fixture
def superuser(db, password):
    return CustomUser.objects.create_superuser("root_op", "root@example.com", password)


def test_superuser_can_log_in_on_the_site_at_once(client, superuser, password):
    """A superuser made with create_superuser needs no email verification to log in."""
    response = login(client, superuser.username, password)
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert client.session["_auth_user_id"] == str(superuser.pk)


def test_superuser_can_log_in_on_the_site_by_email(client, superuser, password):
    """A fresh superuser can also log in with their email address."""
    login(client, superuser.email, password)
    assert client.session["_auth_user_id"] == str(superuser.pk)


def test_superuser_can_log_in_to_admin(client, superuser, password):
    """The admin login page sends a fresh superuser to allauth's login, then to the admin index."""
    index = reverse("admin:index")
    to_login = client.get(reverse("admin:login"), {"next": index})
    assert to_login.status_code == 302
    assert urlsplit(to_login.url).path == reverse("account_login")
    response = client.post(to_login.url, {"login": superuser.username, "password": password})
    assert response.status_code == 302
    assert response.url == index
    assert client.get(index).status_code == 200
