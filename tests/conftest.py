import pytest

from tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Keep tests fast (cheap hashing) and isolated (own cache, media dir, page size)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
    # A request leaves its language and time zone active on the thread (the middleware sets
    # them on every request, so servers are unaffected): tests that follow start from English
    # and the server's zone.
    from django.utils import timezone, translation

    translation.activate(settings.LANGUAGE_CODE)
    timezone.deactivate()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def member_client(client, user):
    """A test client logged in as user."""
    client.force_login(user)
    return client


@pytest.fixture
def commits(db, monkeypatch):
    """Run on-commit callbacks (notifications, mail) whenever the test's outermost atomic block
    ends without an error, as the real commit would.

    pytest-django wraps each test in a transaction that never commits, so on_commit callbacks
    never run. With this fixture a service's callbacks run as it returns; a block that rolls
    back drops its callbacks, as Django does, so a failed write still tells nobody. Callbacks
    registered outside any atomic block still need django_capture_on_commit_callbacks.
    """
    from django.db import transaction

    exit_atomic = transaction.Atomic.__exit__
    depth = len(transaction.get_connection().atomic_blocks)
    running = False

    def commit(connection) -> None:
        nonlocal running
        running = True
        try:
            while connection.run_on_commit:
                pending, connection.run_on_commit = connection.run_on_commit, []
                for _, callback, _ in pending:
                    callback()
        finally:
            running = False

    def exit_and_commit(self, exc_type, exc_value, traceback):
        exit_atomic(self, exc_type, exc_value, traceback)
        connection = transaction.get_connection(self.using)
        if exc_type is None and not running and len(connection.atomic_blocks) == depth:
            commit(connection)

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_commit)
    # What fixtures set up before this one would have committed by now.
    commit(transaction.get_connection())
