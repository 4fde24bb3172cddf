"""Settings for the test suite: the real settings, with a throwaway SECRET_KEY if none is set."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from msg_project.settings import *  # noqa: F403

# Tests serve static files through the finders; nothing is collected.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# SQLite tests use a file, not the shared in-memory database: threads in the concurrency tests
# then get their own connections with WAL and busy timeouts, as in production. One file per
# process, so parallel runs never share one (pytest-django deletes it at the end).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"msg-test-{os.getpid()}.sqlite3")
    }

# No test reaches the network: link previews are off, except in the tests that turn them on
# and serve the pages from a local http.server thread (hence loopback).
MSG_PREVIEWS = False
MSG_PREVIEW_ALLOW_LOOPBACK = True
MSG_API_RATE_LIMIT_EXEMPT_LOOPBACK = True
