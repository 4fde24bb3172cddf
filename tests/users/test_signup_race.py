"""Two sign-ups for the same username (or address) submitted at the same moment."""

import threading

import pytest
from django.db import connection
from django.test import Client

from users.models import CustomUser


def _signup(username: str, email: str) -> dict:
    return {
        "username": username,
        "email": email,
        "password1": "a-long-enough-pass-42",
        "password2": "a-long-enough-pass-42",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises the two writers")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "forms",
    [
        pytest.param((("racer", "one@example.com"), ("racer", "two@example.com")), id="username"),
        pytest.param((("racer1", "same@example.com"), ("racer2", "same@example.com")), id="email"),
    ],
)
def test_simultaneous_signups_for_one_name_do_not_500(forms, monkeypatch):
    """Expected: both sign-ups answer normally (one account, the other refused with the
    form's 'already exists' error, status 200). Actual: both pass full_clean()'s uniqueness
    check before either inserts, the loser's INSERT raises IntegrityError, which neither
    create_account, the allauth adapter nor ServiceErrorMiddleware handles: HTTP 500.

    The barrier only lines the two requests up inside the window between full_clean() and
    save(), which a real pair of concurrent requests can hit the same way.
    """
    barrier = threading.Barrier(2)
    full_clean = CustomUser.full_clean

    def full_clean_then_wait(self, *args, **kwargs):
        full_clean(self, *args, **kwargs)
        barrier.wait(timeout=5)

    monkeypatch.setattr(CustomUser, "full_clean", full_clean_then_wait)
    statuses: list[int] = []

    def run(username: str, email: str) -> None:
        try:
            client = Client(raise_request_exception=False)
            response = client.post("/accounts/signup/", _signup(username, email))
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert CustomUser.objects.count() == 1
    assert 500 not in statuses, f"statuses {sorted(statuses)}"


@pytest.mark.django_db
def test_signup_losing_the_race_to_another_signup_is_not_a_500(monkeypatch):
    """The same race, deterministically and on every database: another sign-up for the same
    username commits after this one's full_clean() and before its INSERT.

    Expected: the form comes back (200) with "A user with that username already exists."
    Actual: IntegrityError from CustomUserManager.create_account -> HTTP 500.
    """
    save = CustomUser.save

    def lose_the_race_then_save(self, *args, **kwargs):
        # create_account has run full_clean(); the competitor commits now, before our INSERT.
        if self.pk is None and self.username == "racer":
            CustomUser.objects.bulk_create([CustomUser(username="racer", email="x@example.com")])
        save(self, *args, **kwargs)

    monkeypatch.setattr(CustomUser, "save", lose_the_race_then_save)
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/signup/", _signup("racer", "me@example.com"))
    assert response.status_code == 200, f"status {response.status_code}"
    assert "already exists" in response.content.decode()
