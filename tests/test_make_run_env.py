"""What SITE_URL `make run` hands to Django (mail links), without starting the server.

The real Makefile runs in a scratch folder whose .venv/bin/python is a stand-in: it answers the
secret-key one-liner and, at `manage.py migrate`, prints the environment Django would get, then
stops. Django reads .env only for variables the environment lacks (environ.Env.read_env), so the
printed SITE_URL, when set, is the one the mail links use.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.http.request import validate_host

ROOT = Path(__file__).resolve().parents[1]
FAKE_PYTHON = """#!/bin/bash
if [ "$1" = "-c" ]; then echo fake-secret; exit 0; fi
echo "SITE_URL=${SITE_URL-<unset>}"
echo "DEBUG=${DEBUG-<unset>}"
exit 3
"""
# msg_project/settings.py's default ALLOWED_HOSTS (make run sets none).
DEFAULT_ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]


def _make_run(tmp_path: Path, *args: str, dotenv: str | None = None) -> dict[str, str]:
    for name in ("Makefile", "pyproject.toml", "uv.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(FAKE_PYTHON)
    (bin_dir / "python").chmod(0o755)
    time.sleep(0.01)
    (tmp_path / ".venv" / ".installed").touch()
    if dotenv is not None:
        (tmp_path / ".env").write_text(dotenv)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SITE_URL", "DEBUG", "SECRET_KEY", "HOST", "PORT", "ALLOWED_HOSTS"}
        and not k.startswith(("PYTEST", "DJANGO"))
    }
    result = subprocess.run(
        ["make", "--no-print-directory", "run", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "SITE_URL=" in result.stdout, result.stdout + result.stderr
    return dict(
        line.split("=", 1)
        for line in result.stdout.splitlines()
        if line.startswith(("SITE_URL=", "DEBUG="))
    )


def test_site_url_in_dotenv_is_respected(tmp_path):
    """.env's SITE_URL (say the name the machine is reached by) is what mail links use: make run
    exports its default only when neither the environment nor .env sets one."""
    seen = _make_run(tmp_path, "PORT=8765", dotenv="SITE_URL=http://mybox.lan:8765\n")
    effective = seen["SITE_URL"] if seen["SITE_URL"] != "<unset>" else "http://mybox.lan:8765"
    assert effective == "http://mybox.lan:8765"


@pytest.mark.parametrize("host", ["0.0.0.0", "[::]"])
def test_mail_links_work_when_serving_on_every_interface(tmp_path, host):
    """README: `make run HOST=0.0.0.0 PORT=8080`. The mail links must not be http://0.0.0.0:8080/,
    a host the default ALLOWED_HOSTS refuses (400) and no browser can open."""
    seen = _make_run(tmp_path, f"HOST={host}", "PORT=8080")
    hostname = urlsplit(seen["SITE_URL"]).hostname
    assert hostname is not None, seen["SITE_URL"]
    host_header = f"[{hostname}]" if ":" in hostname else hostname
    assert validate_host(host_header, DEFAULT_ALLOWED_HOSTS), seen["SITE_URL"]


def test_the_default_site_url_follows_the_port(tmp_path):
    assert _make_run(tmp_path, "PORT=8765")["SITE_URL"] == "http://127.0.0.1:8765"


def test_an_exported_site_url_in_dotenv_is_kept(tmp_path):
    """django-environ reads `export NAME=value` lines too: make run must see them as set."""
    env = _make_run(tmp_path, dotenv="export SITE_URL=https://msg.example.org\n")
    # Unset lets Django read .env; anything else must be the .env value.
    assert env["SITE_URL"] in {"<unset>", "https://msg.example.org"}, env


def test_ipv6_loopback_host_gives_a_valid_site_url(tmp_path):
    env = _make_run(tmp_path, "HOST=::1")
    parts = urlsplit(env["SITE_URL"])
    assert parts.hostname == "::1" and parts.port == 8000, env
