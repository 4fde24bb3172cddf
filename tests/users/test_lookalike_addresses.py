# ruff: noqa: RUF002  (the dotless i in the docstrings is the point)
"""Addresses that differ only by a Unicode case-mapping collision (dotless i) are different
addresses: found in review, on PostgreSQL, whose UPPER() folds U+0131 onto "I". On SQLite the
comparison folds ASCII only, so these pass there with or without the fix; the CI's PostgreSQL
pass is where they bite."""

import pytest
from django.core import mail
from django.urls import resolve

from tests.factories import UserFactory
from tests.users.helpers import links_in, messages_to, path_of, request_reset
from users.models import CustomUser

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_site_url")]


def reset_links(address: str) -> list[str]:
    return [
        path_of(link)
        for message in messages_to(address)
        for link in links_in(message)
        if resolve(path_of(link)).url_name == "account_reset_password_from_key"
    ]


def test_reset_for_a_unicode_lookalike_address_takes_over_the_account(client, on_commit):
    """Account takeover through a Unicode case-mapping collision (PostgreSQL, the production DB).

    users.selectors.account_for_address matches with email__iexact, which on PostgreSQL is
    UPPER(email) = UPPER(typed). UPPER('ı') (dotless i, U+0131) is 'I', so the address
    alice@gmaıl.com (an IDN domain, xn--gmal-..., that anyone can register) "is" alice@gmail.com.
    users.forms.ResetPasswordForm hands that account to allauth, which mails the reset link to the
    address *typed*.

    Expected: no reset link for alice's account reaches alice@gmaıl.com.
    Actual: the link is mailed there, and following it sets alice's password.
    (On SQLite, iexact is ASCII-only and this passes; run with DATABASE_URL=postgres://...)
    """
    alice = UserFactory(username="alice", email="alice@gmail.com")
    lookalike = "alice@gma\u0131l.com"
    mail.outbox.clear()
    request_reset(client, lookalike)
    links = reset_links(lookalike)
    if links:
        form_url = client.get(links[-1]).url
        chosen = "quartz-meadow-falcon-58"
        client.post(form_url, {"password1": chosen, "password2": chosen})
        taken_over = CustomUser.objects.get(pk=alice.pk).check_password(chosen)
    else:
        taken_over = False
    assert not links, f"alice's reset link was mailed to {lookalike!r}; taken over: {taken_over}"


def test_a_unicode_lookalike_address_squats_the_real_one_at_signup(client, on_commit):
    """Squatting through a Unicode lookalike address (PostgreSQL, the production DB).

    CustomUser's unique constraint is on Lower(email), so bob@gmaıl.com (dotless i) and
    bob@gmail.com are different addresses and both may be registered; but account_for_address
    compares with iexact (UPPER on PostgreSQL, where UPPER('ı') = 'I'), so it takes the lookalike
    account for the holder of the real address. An attacker who registers bob@gmaıl.com first
    keeps the real Bob from signing up: Bob's signup is treated as "account already exists".

    Expected: bob@gmail.com signs up and gets an account of his own.
    Actual: no account is created for Bob (SignupForm.account_already_exists is set).
    """
    from tests.users.helpers import signup

    squatter = UserFactory(username="squatter", email="bob@gma\u0131l.com")
    response = signup(
        client, username="bob", email="bob@gmail.com", password1="quartz-meadow-falcon-58"
    )
    assert response.status_code == 302
    assert CustomUser.objects.filter(username="bob").exists(), (
        f"Bob's signup was taken for {squatter.email!r}'s account; no account was created"
    )
