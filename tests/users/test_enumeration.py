"""Login and signup cost the same password hashes whether or not the account exists.

Password hashing is the slow part of both, so an unequal number of hashes tells an attacker, by
timing alone, which usernames and addresses are registered. The tests count hashes, not time.
"""

from collections.abc import Callable

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher, check_password, make_password
from django.test import Client

from tests.users.helpers import is_logged_in, login, signup
from users.models import CustomUser

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "velvet-lantern-orbit-73"


class CountingMD5Hasher(MD5PasswordHasher):
    """The tests' MD5 hasher, counting every password hash: encode, verify and harden_runtime."""

    hashes = 0
    _depth = 0  # verify() calls encode(): count only the outermost call

    def _counted(self, method: Callable, *args):
        cls = type(self)
        if cls._depth == 0:
            cls.hashes += 1
        cls._depth += 1
        try:
            return method(*args)
        finally:
            cls._depth -= 1

    def encode(self, password, salt):
        return self._counted(super().encode, password, salt)

    def verify(self, password, encoded):
        return self._counted(super().verify, password, encoded)

    def harden_runtime(self, password, encoded):
        return self._counted(super().harden_runtime, password, encoded)


@pytest.fixture
def count_hashes(settings) -> Callable[[Callable[[], object]], int]:
    """Return a function that runs its argument and answers how many passwords it hashed."""
    settings.PASSWORD_HASHERS = [f"{__name__}.{CountingMD5Hasher.__qualname__}"]

    def count(action: Callable[[], object]) -> int:
        CountingMD5Hasher.hashes = 0
        action()
        return CountingMD5Hasher.hashes

    return count


def test_the_counter_counts_one_hash_per_hashing(count_hashes):
    """Making a hash and checking one (right or wrong) count one hash each."""
    assert count_hashes(lambda: make_password("secret")) == 1
    encoded = make_password("secret")
    assert count_hashes(lambda: check_password("secret", encoded)) == 1
    assert count_hashes(lambda: check_password("wrong", encoded)) == 1


@pytest.mark.parametrize(
    "which,unknown", [("username", "nobody_here"), ("email", "nobody@example.com")]
)
def test_login_hashes_the_same_for_known_and_unknown_logins(
    count_hashes, user, password, which, unknown
):
    """A registered login, with a wrong or the right password, hashes as often as an unknown one."""
    known = getattr(user, which)
    unknown_login = count_hashes(lambda: login(Client(), unknown, password))
    wrong_password = count_hashes(lambda: login(Client(), known, password + "-wrong"))
    right = Client()
    right_password = count_hashes(lambda: login(right, known, password))
    assert is_logged_in(right)
    assert unknown_login >= 1
    assert wrong_password == unknown_login, (
        f"{which}: registered {wrong_password}, unknown {unknown_login}"
    )
    assert right_password == unknown_login


def test_login_by_address_of_a_user_with_an_unusable_password_hashes_the_same(
    count_hashes, user, password
):
    """An account without a usable password costs as much as an unknown one."""
    user.set_unusable_password()
    user.save()
    unknown = count_hashes(lambda: login(Client(), "nobody@example.com", password))
    assert count_hashes(lambda: login(Client(), user.email, password)) == unknown


def test_signup_hashes_the_same_for_a_taken_and_a_free_address(count_hashes, user):
    """Signing up with a taken address hashes the password as often as with a free one."""
    taken = count_hashes(
        lambda: signup(Client(), username="first_try", email=user.email, password1=NEW_PASSWORD)
    )
    free = count_hashes(
        lambda: signup(
            Client(), username="second_try", email="free@example.com", password1=NEW_PASSWORD
        )
    )
    assert not CustomUser.objects.filter(username="first_try").exists()
    assert CustomUser.objects.filter(username="second_try").exists()
    assert free >= 1
    assert taken == free
