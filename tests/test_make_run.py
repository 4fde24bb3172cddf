"""`make run` on a fresh database, with DEBUG off and a port of its own, serves a working site.

This starts the real command (migrate, collectstatic, seed_demo, runserver) in a child process on
a free port with a throwaway SQLite file and media folder, then reads pages and a password-reset
mail (printed by the console mail backend) from it.
"""

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import urllib3

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningSite:
    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.log = log
        self.http = urllib3.PoolManager(retries=False, timeout=30)
        self.cookies: dict[str, str] = {}

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def request(self, method: str, path: str, fields: dict[str, str] | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["Referer"] = self.base + path
            response = self.http.request(
                "POST",
                self.base + path,
                fields=fields,
                headers=headers,
                encode_multipart=False,
                redirect=False,
            )
        else:
            response = self.http.request("GET", self.base + path, headers=headers, redirect=False)
        for cookie in response.headers.getlist("Set-Cookie"):
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[RunningSite]:
    tmp = tmp_path_factory.mktemp("make-run")
    port = _free_port()
    log = tmp / "make-run.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SITE_URL", "SECRET_KEY", "DEBUG"}
        and not key.startswith("PYTEST")
    }
    env |= {
        "DEBUG": "False",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"),
        "MSG_PREVIEWS": "False",
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = RunningSite(port, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"make run exited early:\n{running.output()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"make run did not serve in {START_TIMEOUT_S} s:\n{running.output()}"
                    )
                time.sleep(0.5)
        yield running
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_make_run_with_debug_off_serves_pages_and_static_files(site: RunningSite) -> None:
    """With DEBUG=False the pages answer (not 500) and their stylesheets are served."""
    page = site.request("GET", "/accounts/login/")
    assert page.status == 200, site.output()[-3000:]
    html = page.data.decode()
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheets
    for href in stylesheets:
        # The manifest storage names each file by its hash: collectstatic ran.
        assert re.search(r"\.[0-9a-f]{12}\.css$", href), href
        assert site.request("GET", href).status == 200, href
    assert "DEBUG" not in html


def test_mail_links_point_at_the_port_make_run_serves(site: RunningSite) -> None:
    """A password reset mail links to http://127.0.0.1:<PORT>, the address make run serves."""
    match = re.search(r"Demo login: username (\w+)", site.output())
    assert match, site.output()
    form = site.request("GET", "/accounts/password/reset/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.data.decode())
    assert token
    answer = site.request(
        "POST",
        "/accounts/password/reset/",
        {"csrfmiddlewaretoken": token.group(1), "email": f"{match.group(1)}@example.com"},
    )
    assert answer.status == 302, answer.data[:2000]
    deadline = time.monotonic() + 10
    while "/accounts/password/reset/key/" not in site.output() and time.monotonic() < deadline:
        time.sleep(0.2)
    links = re.findall(r"https?://[^\s\"]+/accounts/password/reset/key/\S+", site.output())
    assert links, site.output()[-3000:]
    assert all(link.startswith(f"http://127.0.0.1:{site.port}/") for link in links), links
