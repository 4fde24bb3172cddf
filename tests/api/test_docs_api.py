"""docs/api.md names every route the API serves, and names no route that does not exist.

The routes come from the live NinjaAPI's OpenAPI document, so a new route fails this test
until the doc's table lists it. To print the rows the table lacks, in the table's format:

    DEBUG=1 .venv/bin/python -m tests.api.test_docs_api
"""

import re
from pathlib import Path
from typing import Any

from django.urls import Resolver404, resolve

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
METHODS = ("get", "post", "put", "patch", "delete")
# A route as the doc writes it: `GET /api/v1/instance`.
ROUTE = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^`\s]*)`")


def documented() -> set[tuple[str, str]]:
    """Return every (METHOD, path) the doc names (none while it does not exist)."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    return {(m, p) for m, p in ROUTE.findall(text)}


def served() -> dict[tuple[str, str], dict[str, Any]]:
    """Return every (METHOD, path) in the API's OpenAPI document, with its operation."""
    from api.main import api

    paths = api.get_openapi_schema()["paths"]
    return {
        (method.upper(), path): operation
        for path, operations in paths.items()
        for method, operation in operations.items()
        if method in METHODS
    }


def status_of(operation: dict[str, Any]) -> str:
    """Guess a route's status from its summary (the doc's author checks it)."""
    summary = (operation.get("summary") or "").lower()
    if "refused" in summary or "cannot" in summary:
        return "refused (422)"
    if "none exists" in summary:
        return "404 by design"
    if "(none" in summary or "(one" in summary:
        return "empty by design"
    return "served"


def row(method: str, path: str, operation: dict[str, Any]) -> str:
    description = (operation.get("description") or operation.get("summary") or "").strip()
    first = " ".join(description.split("\n\n")[0].split())
    return f"| `{method} {path}` | {status_of(operation)} | {first} |"


def test_the_doc_names_every_route_the_api_serves():
    missing = sorted(set(served()) - documented(), key=lambda r: (r[1], r[0]))
    assert not missing, "docs/api.md lacks these routes:\n" + "\n".join(
        row(m, p, served()[(m, p)]) for m, p in missing
    )


def _resolves(path: str) -> bool:
    concrete = re.sub(r"\{[^}]+\}", "1", path.split("?")[0])
    try:
        resolve(concrete)
    except Resolver404:
        return False
    return True


def test_the_doc_names_no_route_that_does_not_exist():
    known = set(served())
    stale = sorted((m, p) for m, p in documented() if (m, p) not in known and not _resolves(p))
    assert not stale, f"docs/api.md names routes nobody serves: {stale}"


def test_the_doc_exists_and_says_how_to_log_in():
    text = DOC.read_text(encoding="utf-8")
    for name in ("Ivory", "Tusky", "Elk", "Phanpy", "Mastodon.py", "toot"):
        assert name in text
    assert "/oauth/authorize" in text


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msg_project.settings")
    django.setup()
    routes = served()
    have = documented()
    for method, path in sorted(routes, key=lambda r: (r[1], r[0])):
        if (method, path) not in have:
            print(row(method, path, routes[(method, path)]))
