"""The user admin and createsuperuser: operators' users can log in without a verification mail."""

import os
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from posts.models import Post
from posts.selectors import search_posts
from posts.services import ImageUpload, post_create
from tests.factories import PASSWORD, SuperUserFactory, UserFactory
from tests.users.calls import record_calls
from tests.users.helpers import change_form_data, is_logged_in, login, messages_to, rate
from tests.users.test_media import image_bytes, upload
from users.admin import CustomUserAdmin
from users.forms import CustomUserChangeForm, CustomUserCreationForm
from users.models import CustomUser

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:users_customuser_changelist"


@pytest.fixture
def superuser():
    return SuperUserFactory()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def listed(response) -> set[str]:
    return {user.username for user in response.context["cl"].result_list}


def assert_verified_primary(user: CustomUser) -> None:
    """The user has exactly one address: their email, verified and primary."""
    addresses = list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary"))
    assert addresses == [{"email": user.email, "verified": True, "primary": True}]


def assert_can_log_in(client, login: str, password: str) -> None:
    """Log in through allauth's form and land on the home page, not on "verify your email"."""
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_user_admin_uses_the_custom_forms():
    """The user admin adds with CustomUserCreationForm and edits with CustomUserChangeForm."""
    model_admin = admin.site._registry[CustomUser]
    assert isinstance(model_admin, CustomUserAdmin)
    assert model_admin.add_form is CustomUserCreationForm
    assert model_admin.form is CustomUserChangeForm


def test_superuser_opens_the_user_changelist(admin_client, superuser):
    """The user list opens and lists every user."""
    users = UserFactory.create_batch(2)
    response = admin_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert listed(response) == {superuser.username, *(u.username for u in users)}


def test_user_changelist_search_and_filter(admin_client, superuser):
    """?q= finds users by name or email; the staff filter keeps only staff."""
    wanted = UserFactory(username="findme", email="hidden@example.org")
    UserFactory()
    url = reverse(CHANGELIST)
    assert listed(admin_client.get(url, {"q": "findme"})) == {wanted.username}
    assert listed(admin_client.get(url, {"q": "hidden@example"})) == {wanted.username}
    assert listed(admin_client.get(url, {"is_staff__exact": "1"})) == {superuser.username}


def test_user_change_form_opens_with_the_change_form(admin_client):
    """A user's change page opens, built on CustomUserChangeForm."""
    user = UserFactory()
    response = admin_client.get(reverse("admin:users_customuser_change", args=[user.pk]))
    assert response.status_code == 200
    assert isinstance(response.context["adminform"].form, CustomUserChangeForm)


def test_user_add_form_is_the_creation_form_with_email(admin_client):
    """The add page is CustomUserCreationForm and asks for the email address."""
    response = admin_client.get(reverse("admin:users_customuser_add"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert isinstance(form, CustomUserCreationForm)
    assert "email" in form.fields


def test_admin_add_creates_a_user_with_a_verified_email(admin_client, client):
    """A user added in the admin gets a verified primary address and can log in at once."""
    response = admin_client.post(
        reverse("admin:users_customuser_add"),
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = CustomUser.objects.get(username="newbie")
    assert user.check_password(PASSWORD)
    assert_verified_primary(user)
    client.logout()
    assert_can_log_in(client, "newbie@example.com", PASSWORD)


def test_admin_add_refuses_a_taken_email_in_another_case(admin_client):
    """The admin cannot add a second user with the same email, whatever its case."""
    UserFactory(email="taken@example.com")
    response = admin_client.post(
        reverse("admin:users_customuser_add"),
        {
            "username": "second",
            "email": "TAKEN@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not CustomUser.objects.filter(username="second").exists()


def test_create_superuser_marks_the_email_verified():
    """CustomUser.objects.create_superuser records a verified primary address."""
    user = CustomUser.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    assert user.is_superuser and user.is_staff
    assert_verified_primary(user)


def test_createsuperuser_command_makes_a_verified_superuser(monkeypatch, client):
    """`createsuperuser --noinput` makes a superuser who can log in without verifying email."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser",
        interactive=False,
        username="operator",
        email="operator@example.com",
        stdout=StringIO(),
    )
    user = CustomUser.objects.get(username="operator")
    assert user.is_superuser and user.is_staff
    assert user.check_password(PASSWORD)
    assert_verified_primary(user)
    assert_can_log_in(client, "operator", PASSWORD)
    assert client.get(reverse(CHANGELIST)).status_code == 200


def test_member_cannot_open_the_user_admin(member_client):
    """A member without staff status is sent to the admin login."""
    response = member_client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- the admin login goes through allauth ---------------------------------------------------------


def admin_login_post(client, username: str, password: str):
    """POST the admin's own login form, the way a password-guessing script would."""
    index = reverse("admin:index")
    return client.post(
        reverse("admin:login"), {"username": username, "password": password, "next": index}
    )


def allauth_login_for_admin(client) -> str:
    """Follow /admin/ to the login page it leads an anonymous visitor to; return that URL."""
    url = reverse("admin:index")
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 302
        url = response.url
        if urlsplit(url).path == reverse("account_login"):
            return url
    raise AssertionError(f"/admin/ did not lead to allauth's login page, but to {url}")


def test_admin_login_form_cannot_be_brute_forced(client, superuser):
    """Forty wrong passwords on /admin/login/, then the right one, do not open the admin."""
    for _ in range(40):
        admin_login_post(client, superuser.username, "not-the-password")
    admin_login_post(client, superuser.username, PASSWORD)
    assert not is_logged_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_login_is_allauths_login_with_next_admin(client):
    """An anonymous visit to /admin/ ends on allauth's login page, which returns to /admin/."""
    target = urlsplit(allauth_login_for_admin(client))
    assert parse_qs(target.query)["next"] == [reverse("admin:index")]


def test_admin_login_is_locked_after_the_failed_login_limit(client, superuser):
    """After the per-account limit of failures, the right password does not open the admin."""
    login_url = allauth_login_for_admin(client)
    for _ in range(rate("login_failed", "key").amount):
        client.post(login_url, {"login": superuser.username, "password": "not-the-password"})
    response = client.post(login_url, {"login": superuser.username, "password": PASSWORD})
    assert "too many" in " ".join(response.context["form"].non_field_errors()).lower()
    assert not is_logged_in(client)
    assert client.get(reverse("admin:index")).status_code == 302


def test_superuser_logs_in_to_the_admin_through_allauth(client, superuser):
    """A superuser logs in on allauth's page and lands back on the admin index."""
    login_url = allauth_login_for_admin(client)
    response = client.post(login_url, {"login": superuser.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert client.get(response.url).status_code == 200


def test_member_logging_in_for_the_admin_is_refused(client, user):
    """A member without staff status who logs in from the admin's page does not get into it."""
    login_url = allauth_login_for_admin(client)
    response = client.post(login_url, {"login": user.username, "password": PASSWORD})
    assert is_logged_in(client)
    assert client.get(response.url).status_code != 200
    assert client.get(reverse("admin:login")).status_code == 403


def test_staff_permissions_still_decide_what_the_admin_shows(client):
    """Without ModelBackend, a staff user still sees exactly what their permissions allow."""
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_customuser"))
    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert client.get(reverse("admin:users_customuser_add")).status_code == 403


def test_deleting_a_user_in_the_admin_removes_their_posts_files_and_search_rows(
    admin_client, django_capture_on_commit_callbacks
):
    """Account deletion in the admin goes through user_delete: the user's posts, comments on
    them, their image files and their search rows all go."""
    author, commenter = UserFactory(), UserFactory()
    post = post_create(
        author=author,
        body="uniqueword",
        images=[ImageUpload(file=upload(image_bytes("PNG"), "a.png"), alt_text="a picture")],
    )
    comment = post_create(author=commenter, body="a reply", in_reply_to=post)
    stored = post.images.get()
    paths = [stored.image.path, stored.thumbnail.path]
    assert all(os.path.exists(p) for p in paths)
    url = reverse("admin:users_customuser_delete", args=[author.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not CustomUser.objects.filter(pk=author.pk).exists()
    assert not Post.objects.filter(pk__in=[post.pk, comment.pk]).exists()
    assert not any(os.path.exists(p) for p in paths)
    assert list(search_posts(commenter, "uniqueword")) == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM post_search WHERE rowid = %s", [post.pk])
            assert cursor.fetchone()[0] == 0


# --- changing a user in the admin goes through user_update ----------------------------------------


def admin_change(admin_client, user: CustomUser, **changes):
    """POST the admin change form for user with changes (None leaves a field out)."""
    url = reverse("admin:users_customuser_change", args=[user.pk])
    return admin_client.post(url, change_form_data(admin_client, user, **changes))


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.com")


def test_admin_email_change_moves_login_to_the_verified_new_address(
    admin_client, alice, client, django_capture_on_commit_callbacks
):
    """After the admin changes alice's address (marked verified), the old one no longer logs in,
    the new one does and is her primary address, and nobody is mailed a confirmation link."""
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_change(
            admin_client, alice, email="alice.new@example.com", email_verified="on"
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert mail.outbox == []
    client.logout()
    old = login(client, "alice@example.com", PASSWORD)
    assert old.status_code == 200
    assert not is_logged_in(client)
    assert_can_log_in(client, "alice.new@example.com", PASSWORD)
    alice.refresh_from_db()
    assert alice.email == "alice.new@example.com"
    assert_verified_primary(alice)


def test_admin_email_change_left_unverified_needs_confirming(
    admin_client, alice, client, django_capture_on_commit_callbacks
):
    """An address the operator leaves unverified is primary but must be confirmed to log in."""
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_change(
            admin_client, alice, email="alice.new@example.com", email_verified=None
        )
    assert response.status_code == 302
    addresses = list(EmailAddress.objects.filter(user=alice).values("email", "verified", "primary"))
    assert addresses == [{"email": "alice.new@example.com", "verified": False, "primary": True}]
    client.logout()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, "alice.new@example.com", PASSWORD)
    assert response.url == reverse("account_email_verification_sent")
    assert not is_logged_in(client)
    assert len(messages_to("alice.new@example.com")) == 1


def test_admin_change_form_offers_the_verified_checkbox_ticked(admin_client, alice):
    """The change form asks whether a new address is verified, and says yes by default."""
    response = admin_client.get(reverse("admin:users_customuser_change", args=[alice.pk]))
    form = response.context["adminform"].form
    assert form["email_verified"].value() is True
    assert "The new address is verified" in response.text


def test_admin_refuses_a_taken_email_in_another_case(admin_client, alice):
    """Changing alice's address to bob's, in another case, is a form error and changes nothing."""
    UserFactory(username="bob", email="bob@example.com")
    response = admin_change(admin_client, alice, email="BOB@example.com", email_verified="on")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    assert_verified_primary(alice)


def test_admin_changes_go_through_user_update(admin_client, alice, monkeypatch):
    """Names, staff and active flags changed in the admin are written by user_update."""
    calls = record_calls(monkeypatch, "user_update")
    response = admin_change(
        admin_client, alice, first_name="Alice", last_name="Liddell", is_staff="on", is_active=None
    )
    assert response.status_code == 302
    assert [call["user"].pk for call in calls] == [alice.pk]
    alice.refresh_from_db()
    assert (alice.first_name, alice.last_name, alice.is_staff, alice.is_active) == (
        "Alice",
        "Liddell",
        True,
        False,
    )
