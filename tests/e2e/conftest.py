"""End-to-end fixtures: headless Chromium (Playwright), the live server and a real SMTP sink.

Chromium policy: the browser is /usr/bin/chromium. When it is missing the browser tests fail on
CI (CI=true) and are skipped, loudly, everywhere else.
"""

import contextlib
import email
import logging
import os
import re
import socket
import time
import warnings
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from aiosmtpd.controller import Controller

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = (
    f"{CHROMIUM} is missing, so the end-to-end browser tests cannot run. "
    "Install it with `apt-get install -y chromium`."
)
# Playwright's own waits (clicks, expect()) give up after this many milliseconds.
TIMEOUT_MS = 10_000
MAIL_WAIT_S = 10.0


def _on_ci() -> bool:
    return os.environ.get("CI") == "true"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Run the browser tests last.

    Playwright's sync API leaves an asyncio loop running on the main thread for as long as the
    session-scoped browser lives; any later test that calls async_to_sync (an async view through
    the test client, say) would fail, and the ORM's async-safety check would be switched off.
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say it loudly when the browser tests were skipped for want of Chromium."""
    skipped = terminalreporter.stats.get("skipped", [])
    if any(MISSING_CHROMIUM in str(getattr(r, "longrepr", "")) for r in skipped):
        terminalreporter.write_sep("!", "END-TO-END BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(MISSING_CHROMIUM, red=True, bold=True)


# -- browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the whole session (per xdist worker)."""
    if not CHROMIUM.exists():
        if _on_ci():
            pytest.fail(f"CI=true and {MISSING_CHROMIUM}", pytrace=False)
        warnings.warn(MISSING_CHROMIUM, stacklevel=1)
        pytest.skip(MISSING_CHROMIUM)

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running on this thread; without this, Django
    # refuses ORM calls from the test (factories, assertions) as "async-unsafe".
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def console_errors() -> list[str]:
    """Console errors (CSP violations included) and uncaught exceptions from every page."""
    return []


@pytest.fixture
def new_page(browser, live_server, console_errors) -> Iterator[Callable]:
    """Open a page in a fresh browser context (its own cookies): one per simulated person."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()

        def on_console(msg) -> None:
            if msg.type == "error":
                source = msg.location.get("url") or "?"
                console_errors.append(f"{page.url}: {msg.text} [{source}]")

        page.on("console", on_console)
        page.on("pageerror", lambda error: console_errors.append(f"{page.url}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context."""
    return new_page()


@pytest.fixture(autouse=True)
def _e2e_settings(browser, settings, transactional_db, live_server, mail_sink) -> None:
    """Send mail to the sink and link to the live server.

    Django's test setup swaps MAILERS for locmem, so the override has to happen per test.
    """
    settings.SITE_URL = live_server.url
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": mail_sink.host, "port": mail_sink.port, "timeout": 10},
        }
    }


# -- SMTP sink ---------------------------------------------------------------------------------


class MailSink:
    """An SMTP server on 127.0.0.1 that keeps every message it receives."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = 0
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)

        # aiosmtpd needs a concrete port; take a free one, and retry if another worker wins it.
        for _attempt in range(5):
            with socket.socket() as probe:
                probe.bind((self.host, 0))
                port = probe.getsockname()[1]
            controller = Controller(
                self, hostname=self.host, port=port, server_hostname="localhost"
            )
            try:
                controller.start()
            except (OSError, RuntimeError):
                with contextlib.suppress(Exception):
                    controller.stop()
                continue
            self._controller, self.port = controller, port
            return
        raise RuntimeError("Could not start the SMTP sink on a free port.")

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def wait_for(self, to: str, *, subject_contains: str = "") -> EmailMessage:
        """Return the first message to `to` (with that in its subject), waiting a bounded time."""
        deadline = time.monotonic() + MAIL_WAIT_S
        while True:
            for message in list(self.messages):
                if to in message["To"] and subject_contains in message["Subject"]:
                    return message
            if time.monotonic() > deadline:
                got = [(m["To"], m["Subject"]) for m in self.messages]
                raise AssertionError(f"No mail to {to!r} ({subject_contains!r}) came; got {got}")
            time.sleep(0.05)

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain",))
        assert part is not None, "the mail has no text/plain part"
        return part.get_content()

    def link(self, message: EmailMessage, *, prefix: str) -> str:
        """Return the one link in the mail's text that starts with prefix."""
        links = set(re.findall(re.escape(prefix) + r"[^\s<>\"']+", self.body(message)))
        assert len(links) == 1, f"expected one link to {prefix} in:\n{self.body(message)}"
        return links.pop()


@pytest.fixture
def mail_sink() -> Iterator[MailSink]:
    """A fresh SMTP sink on its own port (so xdist workers never share one)."""
    sink = MailSink()
    sink.start()
    yield sink
    sink.stop()
