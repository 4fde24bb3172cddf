"""Changing the email address: one address per account, changed only once the new one is verified.

An address someone is only changing to belongs to nobody yet: it must not stop its real owner
from signing up, nor let a password reset for it reach the account that typed it in.
"""

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import parse_rates
from django.core import mail
from django.test import Client
from django.urls import resolve, reverse

from tests.factories import UserFactory
from tests.users.helpers import (
    is_logged_in,
    links_in,
    login,
    messages_to,
    path_of,
    rate,
    request_reset,
    signup,
)
from users.models import CustomUser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_site_url")]

NEW_ADDRESS = "moved@example.com"
STRANGERS_ADDRESS = "stranger@example.com"
NEW_PASSWORD = "velvet-lantern-orbit-73"


def request_change(client, address: str):
    """Ask, on allauth's email page, to change the account's address to address."""
    return client.post(reverse("account_email"), {"email": address, "action_add": ""})


def link_to(address: str, url_name: str) -> str:
    """The path of the last link to url_name mailed to address."""
    paths = [
        path_of(link)
        for message in messages_to(address)
        for link in links_in(message)
        if resolve(path_of(link)).url_name == url_name
    ]
    assert paths, f"no {url_name} link was mailed to {address}"
    return paths[-1]


def confirm(client, address: str):
    """Follow the confirmation link mailed to address and press Confirm."""
    return client.post(link_to(address, "account_confirm_email"))


def addresses(user) -> list[tuple[str, bool, bool]]:
    """The user's allauth addresses as (email, verified, primary), oldest first."""
    return list(
        EmailAddress.objects.filter(user=user)
        .order_by("pk")
        .values_list("email", "verified", "primary")
    )


def test_change_takes_effect_only_after_the_new_address_is_confirmed(
    member_client, user, password, on_commit
):
    """The new address gets a confirmation link; until it is used, the old address stays."""
    old = user.email
    response = request_change(member_client, NEW_ADDRESS)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == old
    assert EmailAddress.objects.get_primary_email(user) == old
    assert messages_to(NEW_ADDRESS), "the new address gets a confirmation mail"

    confirm(member_client, NEW_ADDRESS)

    user.refresh_from_db()
    assert user.email == NEW_ADDRESS
    assert addresses(user) == [(NEW_ADDRESS, True, True)]
    anonymous = Client()
    login(anonymous, old, password)
    assert not is_logged_in(anonymous), "the old address no longer logs in"
    login(anonymous, NEW_ADDRESS, password)
    assert anonymous.session["_auth_user_id"] == str(user.pk)


def test_old_address_is_told_about_the_change(member_client, user, on_commit):
    """Once the change is confirmed, the old address gets a notice naming the new one."""
    old = user.email
    request_change(member_client, NEW_ADDRESS)
    link = link_to(NEW_ADDRESS, "account_confirm_email")
    mail.outbox.clear()
    member_client.post(link)
    (notice,) = messages_to(old)
    assert "changed" in notice.subject.lower()
    assert NEW_ADDRESS in notice.body


def test_member_has_one_address_and_at_most_one_pending_change(member_client, user, on_commit):
    """Asking for a second change replaces the first; confirming leaves a single address."""
    old = user.email
    request_change(member_client, "first@example.com")
    request_change(member_client, NEW_ADDRESS)
    assert addresses(user) == [(old, True, True), (NEW_ADDRESS, False, False)]

    stale = member_client.get(link_to("first@example.com", "account_confirm_email"))
    assert stale.context["confirmation"] is None, "the replaced change can no longer be confirmed"

    confirm(member_client, NEW_ADDRESS)
    assert addresses(user) == [(NEW_ADDRESS, True, True)]


def test_a_pending_address_cannot_be_made_primary(member_client, user, on_commit):
    """The unconfirmed address cannot be switched to by marking it primary."""
    old = user.email
    request_change(member_client, NEW_ADDRESS)
    member_client.post(reverse("account_email"), {"email": NEW_ADDRESS, "action_primary": ""})
    user.refresh_from_db()
    assert user.email == old
    assert EmailAddress.objects.get_primary_email(user) == old


@pytest.fixture
def squatter(client, user, on_commit) -> Iterator[CustomUser]:
    """A member who asked, a while ago, to change to a stranger's address they cannot confirm."""
    client.force_login(user)
    request_change(client, STRANGERS_ADDRESS)
    client.logout()
    mail.outbox.clear()
    # allauth mails one verification link per address per cooldown: let the squatter's pass.
    (cooldown,) = parse_rates(account_settings.RATE_LIMITS["confirm_email"])
    with time_machine.travel(dt.timedelta(seconds=cooldown.duration + 1)):
        yield user


def sign_up_stranger(client) -> CustomUser:
    response = signup(client, username="stranger", email=STRANGERS_ADDRESS, password1=NEW_PASSWORD)
    assert response.status_code == 302
    return CustomUser.objects.get(username="stranger")


def test_stranger_signs_up_with_an_address_someone_else_is_changing_to(client, squatter, on_commit):
    """A pending change does not hold the address: its owner signs up and gets a real account."""
    stranger = sign_up_stranger(client)
    assert stranger.email == STRANGERS_ADDRESS
    confirm(client, STRANGERS_ADDRESS)
    assert addresses(stranger) == [(STRANGERS_ADDRESS, True, True)]
    login(client, STRANGERS_ADDRESS, NEW_PASSWORD)
    assert client.session["_auth_user_id"] == str(stranger.pk)


def test_pending_address_does_not_log_in_to_the_squatter(client, squatter, password):
    """The address being changed to is not a login for the account that typed it in."""
    login(client, STRANGERS_ADDRESS, password)
    assert not is_logged_in(client)


def test_reset_for_a_pending_address_mails_no_link_to_the_squatter(client, squatter, on_commit):
    """A reset for an address nobody owns yet mails no reset link."""
    request_reset(client, STRANGERS_ADDRESS)
    assert messages_to(STRANGERS_ADDRESS), "the address still gets the unknown-account mail"
    for message in messages_to(STRANGERS_ADDRESS):
        for link in links_in(message):
            assert resolve(path_of(link)).url_name != "account_reset_password_from_key"


def test_reset_for_the_strangers_address_resets_only_the_stranger(
    client, squatter, password, on_commit
):
    """With the stranger signed up, a reset for the address reaches the stranger alone."""
    stranger = sign_up_stranger(Client())
    mail.outbox.clear()
    request_reset(client, STRANGERS_ADDRESS)
    assert len(messages_to(STRANGERS_ADDRESS)) == 1, "one mail, for the stranger alone"
    form_url = client.get(link_to(STRANGERS_ADDRESS, "account_reset_password_from_key")).url
    chosen = "quartz-meadow-falcon-58"
    client.post(form_url, {"password1": chosen, "password2": chosen})
    assert CustomUser.objects.get(pk=stranger.pk).check_password(chosen)
    assert CustomUser.objects.get(pk=squatter.pk).check_password(password)


def test_confirming_an_address_another_account_took_meanwhile_is_refused_clearly(
    member_client, user, on_commit
):
    """If another account signed up with the address before the link is used, nothing changes
    and the page says why."""
    old = user.email
    request_change(member_client, NEW_ADDRESS)
    other = UserFactory(email=NEW_ADDRESS.upper(), email_verified=False)

    response = confirm(member_client, NEW_ADDRESS)
    assert response.status_code in (200, 302)
    page = member_client.get(response.url) if response.status_code == 302 else response
    assert "another account" in page.content.decode()

    user.refresh_from_db()
    assert user.email == old
    assert addresses(user) == [(old, True, True), (NEW_ADDRESS, False, False)]
    assert CustomUser.objects.get(pk=other.pk).email.lower() == NEW_ADDRESS


def test_squatters_password_reset_does_not_unlock_the_strangers_account(
    client, squatter, on_commit
):
    """A reset unlocks the account reset, not the owner of an address it is changing to."""
    stranger = sign_up_stranger(Client())
    limit = rate("login_failed", "key")
    for _ in range(limit.amount):
        login(client, STRANGERS_ADDRESS, "not-the-password")

    request_reset(client, squatter.email)
    form_url = client.get(link_to(squatter.email, "account_reset_password_from_key")).url
    chosen = "quartz-meadow-falcon-58"
    client.post(form_url, {"password1": chosen, "password2": chosen})
    assert CustomUser.objects.get(pk=squatter.pk).check_password(chosen)

    EmailAddress.objects.filter(user=stranger).update(verified=True)
    response = login(client, STRANGERS_ADDRESS, NEW_PASSWORD)
    assert not is_logged_in(client), "the squatter's reset unlocked the stranger's account"
    assert "too many" in " ".join(response.context["form"].non_field_errors()).lower()


def test_confirming_while_another_account_takes_the_address_is_refused_clearly(
    member_client, user, monkeypatch, on_commit
):
    """Should the address be taken between the check and the write, the confirmation is refused
    with the same message, and nothing is half-changed."""
    old = user.email
    request_change(member_client, NEW_ADDRESS)
    UserFactory(email=NEW_ADDRESS, email_verified=False)
    monkeypatch.setattr("users.adapter.account_for_address", lambda email: None)

    response = confirm(member_client, NEW_ADDRESS)
    assert "another account" in member_client.get(response.url).content.decode()
    user.refresh_from_db()
    assert user.email == old
    assert addresses(user) == [(old, True, True), (NEW_ADDRESS, False, False)]


def test_email_page_shows_the_pending_change_without_inline_styles(member_client, user, on_commit):
    """The page shows the current and the pending address, with nothing the CSP would block."""
    request_change(member_client, NEW_ADDRESS)
    page = member_client.get(reverse("account_email"))
    assert page.context["current_emailaddress"].email == user.email
    assert page.context["new_emailaddress"].email == NEW_ADDRESS
    assert "style=" not in page.content.decode()
