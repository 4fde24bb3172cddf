"""Settings for the benchmark server: msg's own settings, with static files collected to a temp dir.

Everything else comes from the environment that bench/run.py sets, exactly as in production.
"""

import os
from pathlib import Path

from msg_project.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
# The seed's posts link real sites: the benchmark reaches 127.0.0.1 only, so no preview fetch.
MSG_PREVIEWS = False
