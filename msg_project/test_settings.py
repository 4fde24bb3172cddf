"""Settings for the test suite: the real settings, with a throwaway SECRET_KEY if none is set."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")

from msg_project.settings import *  # noqa: F403

# Tests serve static files through the finders; nothing is collected.
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
