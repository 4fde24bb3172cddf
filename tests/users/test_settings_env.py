"""msg_project.settings read from the environment, each case imported fresh in a subprocess.

Every variable the cases depend on is set explicitly, and the repo's .env is not read, so a
developer's local .env cannot change the outcome.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

# Keep the real read_env out: the environment below is the whole configuration.
PRELUDE = "import environ; environ.Env.read_env = lambda *args, **kwargs: None\n"

BASE_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "subprocess-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "SITE_URL": "http://127.0.0.1:8000",
    "REDIS_URL": "",
}

SECURITY_NAMES = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    """Run code with a fresh interpreter from the project root, with only env configured."""
    environment = {"PATH": os.environ.get("PATH", ""), **BASE_ENV, **env}
    return subprocess.run(
        [sys.executable, "-c", PRELUDE + code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_values(names: list[str], **env: str) -> dict:
    """Import msg_project.settings under env and return the named settings."""
    code = (
        "import json, msg_project.settings as s\n"
        f"print(json.dumps({{name: getattr(s, name) for name in {names!r}}}))\n"
    )
    result = run_python(code, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_missing_secret_key_without_debug_fails_clearly():
    """DEBUG off and no SECRET_KEY: importing settings raises ImproperlyConfigured naming it."""
    result = run_python("import msg_project.settings", DEBUG="False", SECRET_KEY="")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr.splitlines()[-1]


def test_missing_secret_key_with_debug_is_allowed():
    """In DEBUG, a missing SECRET_KEY falls back to a development-only key."""
    values = settings_values(["SECRET_KEY"], DEBUG="True", SECRET_KEY="")
    assert values["SECRET_KEY"]


def test_secret_key_comes_from_the_environment():
    """A SECRET_KEY in the environment is the one used."""
    values = settings_values(["SECRET_KEY"], SECRET_KEY="from-the-env-" + "k" * 40)
    assert values["SECRET_KEY"] == "from-the-env-" + "k" * 40


def test_https_site_url_turns_on_https_protections():
    """An https SITE_URL turns on the SSL redirect, secure cookies and HSTS."""
    values = settings_values(SECURITY_NAMES, SITE_URL="https://msg.example.org")
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_HSTS_SECONDS"] > 0


def test_http_site_url_leaves_https_protections_off():
    """A plain-http SITE_URL (local use) keeps them off, so the site still works over http."""
    values = settings_values(SECURITY_NAMES, SITE_URL="http://127.0.0.1:8000")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.parametrize("scheme,expected", [("https", "https"), ("http", "http")])
def test_mail_links_use_the_site_url_scheme(scheme, expected):
    """allauth's default protocol follows SITE_URL's scheme."""
    values = settings_values(
        ["ACCOUNT_DEFAULT_HTTP_PROTOCOL"], SITE_URL=f"{scheme}://msg.example.org"
    )
    assert values["ACCOUNT_DEFAULT_HTTP_PROTOCOL"] == expected


def test_redis_url_selects_the_redis_cache():
    """With REDIS_URL set, the cache (and so the rate-limit counters) lives in Redis."""
    url = "redis://cache.internal:6379/3"
    values = settings_values(["CACHES"], REDIS_URL=url)
    default = values["CACHES"]["default"]
    assert default["BACKEND"].rsplit(".", 1)[-1] == "RedisCache"
    assert default["LOCATION"] == url


def test_no_redis_url_keeps_a_local_cache():
    """Without REDIS_URL, the cache is not Redis."""
    values = settings_values(["CACHES"], REDIS_URL="")
    assert "redis" not in values["CACHES"]["default"]["BACKEND"].lower()


def test_s3_bucket_switches_uploads_to_object_storage_and_allows_its_images():
    """S3_BUCKET stores uploads with django-storages, and the CSP lets the bucket's images load."""
    values = settings_values(
        ["STORAGES", "SECURE_CSP"],
        S3_BUCKET="msg-media",
        S3_CUSTOM_DOMAIN="media.msg.example.com",
    )
    assert values["STORAGES"]["default"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert values["STORAGES"]["default"]["OPTIONS"]["bucket_name"] == "msg-media"
    assert "https://media.msg.example.com" in values["SECURE_CSP"]["img-src"]


def test_without_s3_uploads_stay_on_disk_and_images_are_same_origin():
    """Without S3_BUCKET, uploads use the file system and the CSP allows only this site's images."""
    values = settings_values(["STORAGES", "SECURE_CSP"])
    assert values["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert all(source in ("'self'", "data:") for source in values["SECURE_CSP"]["img-src"])


def test_trusted_proxy_count_reaches_allauth():
    """TRUSTED_PROXY_COUNT tells allauth how many proxies to skip for the client's IP."""
    assert settings_values(["ALLAUTH_TRUSTED_PROXY_COUNT"], TRUSTED_PROXY_COUNT="1") == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 1
    }
    assert settings_values(["ALLAUTH_TRUSTED_PROXY_COUNT"])["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
