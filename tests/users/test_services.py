"""The users services: every user is created by user_create, and user_update keeps allauth's
addresses in step with CustomUser.email."""

import ast
import inspect
from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

import users.models
from tests.factories import PASSWORD, SuperUserFactory, UserFactory
from tests.users.calls import record_calls
from tests.users.helpers import is_logged_in, login, messages_to, signup
from users.models import CustomUser, CustomUserManager
from users.services import user_create, user_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts_made(monkeypatch) -> list[dict[str, Any]]:
    """Record each CustomUserManager.create_account call: the one place a user row is made."""
    calls: list[dict[str, Any]] = []
    original = CustomUserManager.create_account

    def recording(self: CustomUserManager, **kwargs: Any) -> CustomUser:
        calls.append(kwargs)
        return original(self, **kwargs)

    monkeypatch.setattr(CustomUserManager, "create_account", recording)
    return calls


def addresses(user: CustomUser) -> list[dict[str, Any]]:
    return list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary"))


# --- every way a user is created -----------------------------------------------------------------


def test_signup_creates_the_user_with_user_create(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """A sign-up POST creates the user through user_create, unverified, and mails the link."""
    calls = record_calls(monkeypatch, "user_create")
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(
            client, username="newbie", email="newbie@example.com", password1="velvet-lantern-73"
        )
    assert response.url == reverse("account_email_verification_sent")
    assert [(c["username"], c["email"], c.get("email_verified", False)) for c in calls] == [
        ("newbie", "newbie@example.com", False)
    ]
    user = CustomUser.objects.get(username="newbie")
    assert user.check_password("velvet-lantern-73")
    assert addresses(user) == [{"email": "newbie@example.com", "verified": False, "primary": True}]
    assert len(messages_to("newbie@example.com")) == 1


def test_signup_with_a_taken_address_creates_nobody(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    """A taken address still gets allauth's "you already have an account" mail, not a user."""
    UserFactory(email="taken@example.com")
    calls = record_calls(monkeypatch, "user_create")
    with django_capture_on_commit_callbacks(execute=True):
        response = signup(
            client, username="second", email="taken@example.com", password1="velvet-lantern-73"
        )
    assert response.url == reverse("account_email_verification_sent")
    assert calls == []
    assert not CustomUser.objects.filter(username="second").exists()
    assert len(messages_to("taken@example.com")) == 1


def test_admin_add_creates_the_user_with_user_create(client, monkeypatch):
    """The admin's add form creates the user through user_create, with a verified address."""
    client.force_login(SuperUserFactory())
    calls = record_calls(monkeypatch, "user_create")
    response = client.post(
        reverse("admin:users_customuser_add"),
        {
            "username": "added",
            "email": "added@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    user = CustomUser.objects.get(username="added")
    assert response.status_code == 302
    assert response.url == reverse("admin:users_customuser_change", args=[user.pk])
    assert [(c["username"], c["email_verified"]) for c in calls] == [("added", True)]
    assert addresses(user) == [{"email": "added@example.com", "verified": True, "primary": True}]


def test_user_create_makes_the_account_with_create_account(accounts_made):
    """user_create hands the work to create_account, the routine every creation path runs."""
    user_create(username="member", email="member@example.com", password=PASSWORD)
    assert [c["username"] for c in accounts_made] == ["member"]


def test_createsuperuser_creates_the_user_with_create_account(monkeypatch, accounts_made):
    """`createsuperuser --noinput` goes through create_account, the routine user_create runs.

    The command calls the manager, which cannot import users.services (that imports the
    models): so both reach the one routine instead."""
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command(
        "createsuperuser",
        "--noinput",
        username="operator",
        email="operator@example.com",
        stdout=StringIO(),
    )
    assert [(c["username"], c["email_verified"], c["is_superuser"]) for c in accounts_made] == [
        ("operator", True, True)
    ]
    user = CustomUser.objects.get(username="operator")
    assert addresses(user) == [{"email": "operator@example.com", "verified": True, "primary": True}]


def test_create_superuser_validates_like_user_create():
    """create_superuser refuses what user_create refuses: here a username only case apart."""
    UserFactory(username="boss")
    with pytest.raises(ValidationError):
        CustomUser.objects.create_superuser("BOSS", "other@example.com", PASSWORD)
    assert CustomUser.objects.filter(username__iexact="boss").count() == 1


def test_create_user_validates_and_leaves_the_address_unverified():
    """create_user goes through create_account too: validated, and no verified address."""
    with pytest.raises(ValidationError):
        CustomUser.objects.create_user("no spaces", "nospaces@example.com", PASSWORD)
    user = CustomUser.objects.create_user("member", "member@example.com", PASSWORD)
    assert user.check_password(PASSWORD)
    assert addresses(user) == []


def test_seed_demo_creates_every_user_with_user_create(monkeypatch):
    """seed_demo makes each demo user through user_create."""
    calls = record_calls(monkeypatch, "user_create")
    call_command("seed_demo", stdout=StringIO())
    made = set(CustomUser.objects.values_list("username", flat=True))
    assert made
    assert sorted(c["username"] for c in calls) == sorted(made)


def test_factories_create_users_with_user_create(monkeypatch):
    """UserFactory and SuperUserFactory build through user_create, with verified addresses."""
    calls = record_calls(monkeypatch, "user_create")
    member, boss = UserFactory(), SuperUserFactory()
    assert [c["username"] for c in calls] == [member.username, boss.username]
    assert boss.is_superuser and boss.is_staff
    assert addresses(boss) == [{"email": boss.email, "verified": True, "primary": True}]


def test_users_models_imports_no_project_module_inside_a_function():
    """users/models.py imports nothing inside a function (it used to, to dodge a cycle)."""
    tree = ast.parse(inspect.getsource(users.models))
    nested = [
        node
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert nested == []


# --- user_create --------------------------------------------------------------------------------


def test_user_create_refuses_a_taken_email_in_another_case():
    """user_create refuses an address another user holds in any case, and creates nobody."""
    UserFactory(email="taken@example.com")
    with pytest.raises(ValidationError):
        user_create(username="second", email="TAKEN@example.com", password=PASSWORD)
    assert not CustomUser.objects.filter(username="second").exists()


def test_user_create_without_a_password_makes_an_unusable_one():
    """password=None creates an account nobody can log in to with a password."""
    user = user_create(username="nopass", email="nopass@example.com", password=None)
    assert not user.has_usable_password()


# --- user_update --------------------------------------------------------------------------------


@pytest.fixture
def alice():
    return UserFactory(username="alice", email="alice@example.com")


def test_user_update_verified_email_moves_login_to_the_new_address(client, alice):
    """A verified new address becomes the only, primary one: it logs in, the old one does not."""
    user_update(user=alice, email="alice.new@example.com", email_verified=True)
    assert addresses(alice) == [
        {"email": "alice.new@example.com", "verified": True, "primary": True}
    ]
    assert CustomUser.objects.get(pk=alice.pk).email == "alice.new@example.com"
    login(client, "alice@example.com", PASSWORD)
    assert not is_logged_in(client)
    login(client, "alice.new@example.com", PASSWORD)
    assert is_logged_in(client)


def test_user_update_unverified_email_must_be_confirmed(
    client, alice, django_capture_on_commit_callbacks
):
    """An unverified new address is primary, and logging in with it mails a confirmation link."""
    user_update(user=alice, email="alice.new@example.com")
    assert addresses(alice) == [
        {"email": "alice.new@example.com", "verified": False, "primary": True}
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, "alice", PASSWORD)
    assert response.url == reverse("account_email_verification_sent")
    assert not is_logged_in(client)
    assert len(messages_to("alice.new@example.com")) == 1
    assert messages_to("alice@example.com") == []


def test_user_update_drops_a_pending_address_change(client, alice):
    """An address alice was changing to no longer waits for confirmation once the operator
    sets another one."""
    EmailAddress.objects.create(user=alice, email="pending@example.com", verified=False)
    user_update(user=alice, email="alice.new@example.com", email_verified=True)
    assert [a["email"] for a in addresses(alice)] == ["alice.new@example.com"]


def test_user_update_refuses_a_taken_email_in_another_case(alice):
    """An address another user holds, in another case, is refused and nothing changes."""
    UserFactory(email="bob@example.com")
    with pytest.raises(ValidationError) as refused:
        user_update(user=alice, email="BOB@example.com", email_verified=True, first_name="Al")
    assert refused.value.message_dict
    stored = CustomUser.objects.get(pk=alice.pk)
    assert (stored.email, stored.first_name) == ("alice@example.com", "")
    assert addresses(alice) == [{"email": "alice@example.com", "verified": True, "primary": True}]


def test_user_update_refuses_another_accounts_verified_address(alice):
    """An address verified by another account is taken, even if not its CustomUser.email."""
    bob = UserFactory()
    EmailAddress.objects.create(user=bob, email="bob.old@example.com", verified=True)
    with pytest.raises(ValidationError) as refused:
        user_update(user=alice, email="bob.old@example.com", email_verified=True)
    assert "email" in refused.value.message_dict
    assert CustomUser.objects.get(pk=alice.pk).email == "alice@example.com"


def test_user_update_refuses_an_invalid_username(alice):
    """user_update validates fully: a username with a space is refused and not saved."""
    with pytest.raises(ValidationError):
        user_update(user=alice, username="alice smith")
    assert CustomUser.objects.get(pk=alice.pk).username == "alice"


def test_user_update_keeps_the_address_when_the_email_is_unchanged(alice):
    """Changing other fields leaves the verified address alone, whatever email_verified says."""
    user_update(user=alice, email="alice@example.com", email_verified=False, first_name="Alice")
    assert addresses(alice) == [{"email": "alice@example.com", "verified": True, "primary": True}]
    assert CustomUser.objects.get(pk=alice.pk).first_name == "Alice"


def test_user_update_deactivates_and_reactivates(client, alice):
    """A deactivated account cannot log in; reactivated, it can again."""
    user_update(user=alice, is_active=False)
    login(client, "alice", PASSWORD)
    assert not is_logged_in(client)
    user_update(user=alice, is_active=True)
    login(client, "alice", PASSWORD)
    assert is_logged_in(client)


def test_user_update_sets_access_and_groups(alice):
    """Staff, superuser and group membership are written by user_update."""
    editors = Group.objects.create(name="editors")
    user_update(user=alice, is_staff=True, is_superuser=True, groups=[editors])
    stored = CustomUser.objects.get(pk=alice.pk)
    assert (stored.is_staff, stored.is_superuser) == (True, True)
    assert list(stored.groups.all()) == [editors]
