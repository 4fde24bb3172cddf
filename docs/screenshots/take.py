"""Take the README's screenshots: home, a post with images, a profile and a new member's first
screen, at 1280 and 390 px wide, light and dark.

Run from the repository root: `.venv/bin/python docs/screenshots/take.py`. It builds a throwaway
SQLite database with `seed_demo`, adds a member who follows nobody, serves it with runserver on
a free port and drives /usr/bin/chromium with Playwright. The PNGs land next to this file.
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Literal

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
PYTHON = sys.executable
DEMO_PASSWORD = "demo-password-2026"
NEWCOMER = "newcomer"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")
CREATE_NEWCOMER = f"""
from users.services import profile_update, user_create
user = user_create(username={NEWCOMER!r}, email="newcomer@example.com",
                   password={DEMO_PASSWORD!r}, email_verified=True)

"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def log_in(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("networkidle")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="msg-shots-"))
    env = {
        **os.environ,
        "DEBUG": "True",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp / "media"),
        "MSG_PREVIEWS": "False",
        "TIME_ZONE": "Europe/Berlin",
    }
    manage(env, "migrate", "--noinput")
    seeded = manage(env, "seed_demo")
    demo = re.search(r"Demo login: username (\w+)", seeded)
    assert demo, seeded
    manage(env, "shell", "-c", CREATE_NEWCOMER)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        shots(base, demo.group(1))
    finally:
        server.terminate()
        server.wait()


def shots(base: str, demo_user: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for scheme in SCHEMES:
            for width_name, (width, height) in WIDTHS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    color_scheme=scheme,
                    timezone_id="Europe/Berlin",
                    locale="en-GB",
                )
                page = context.new_page()
                log_in(page, base, demo_user)
                page.goto(base + "/")
                page.wait_for_load_state("networkidle")
                save(page, f"home-{width_name}-{scheme}")
                page.goto(base + "/search/?q=uploaded")
                link = page.locator("article a.post-time").first
                link.click()
                page.wait_for_load_state("networkidle")
                save(page, f"post-images-{width_name}-{scheme}")
                page.goto(f"{base}/@{demo_user}/")
                page.wait_for_load_state("networkidle")
                save(page, f"profile-{width_name}-{scheme}")
                log_in(page, base, NEWCOMER)
                page.goto(base + "/")
                page.wait_for_load_state("networkidle")
                save(page, f"new-member-{width_name}-{scheme}")
                context.close()
        browser.close()


def save(page: Page, name: str) -> None:
    page.screenshot(path=str(OUT / f"{name}.png"))
    print("wrote", OUT / f"{name}.png")


if __name__ == "__main__":
    main()
