"""Helpers for the tests that drive msg with real clients (Mastodon.py, toot, schemathesis).

A person logs in through the site's own pages (allauth's login form, then the consent page at
/oauth/authorize) with a plain `requests.Session`, as a browser would: the forms are read from
the HTML, CSRF tokens included, so a change to the pages shows here.

`missing_fields` checks what Mastodon.py received against Mastodon.py's own entity model
(mastodon/return_types.py, written from the Mastodon docs, up to the version msg reports):
every field it lists as always present and not nullable must have a value.
"""

from __future__ import annotations

import ast
import io
import re
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

OOB = "urn:ietf:wg:oauth:2.0:oob"
# The version Mastodon.py 2.3.3 checks every call against in version_check_mode="changed".
MASTODON_VERSION = (4, 7, 0)


def close_connections_after_each_request(monkeypatch: Any) -> None:
    """Have the live server close its database connection at the end of each request.

    Its threads otherwise keep one per open keep-alive connection of a client (CONN_MAX_AGE),
    and one left open at the end keeps PostgreSQL from dropping the test database. Each
    request thread connects anew and reads CONN_MAX_AGE then.
    """
    from django.db import connections

    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)


def png(width: int = 8, height: int = 6, color: tuple[int, int, int] = (200, 40, 90)) -> bytes:
    """A real PNG image made by Pillow."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


# -- HTML forms -------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    # Submit buttons: (name, value, label).
    buttons: list[tuple[str, str, str]] = field(default_factory=list)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._button: list[str] | None = None  # name, value, label so far

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "submit":
                self._form.buttons.append(
                    (a.get("name", ""), a.get("value", ""), a.get("value", ""))
                )
            elif kind in {"checkbox", "radio"}:
                if "checked" in a and a.get("name"):
                    self._form.fields[a["name"]] = a.get("value", "on")
            elif a.get("name"):
                self._form.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and a.get("type", "submit").lower() == "submit":
            self._button = [a.get("name", ""), a.get("value", ""), ""]
        elif tag == "textarea" and a.get("name"):
            self._form.fields[a["name"]] = ""

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button[2] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button is not None and self._form is not None:
            name, value, label = self._button
            self._form.buttons.append((name, value, " ".join(label.split())))
            self._button = None
        elif tag == "form":
            self._form = None


def forms(html: str) -> list[Form]:
    """Every form of the page, with its fields' current values and its submit buttons."""
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def submit(
    session: requests.Session,
    page: requests.Response,
    button: str,
    values: dict[str, str] | None = None,
    **kwargs: Any,
) -> requests.Response:
    """Submit the form of page that has a submit button labelled `button`, as a browser would."""
    for form in forms(page.text):
        for name, value, label in form.buttons:
            if label.strip().lower() == button.lower():
                data = {**form.fields, **(values or {})}
                if name:
                    data[name] = value
                action = urljoin(page.url, form.action or page.url)
                assert form.method == "post", f"the {button!r} form is not a POST form"
                return session.post(action, data=data, headers={"Referer": page.url}, **kwargs)
    labels = [b[2] for f in forms(page.text) for b in f.buttons]
    raise AssertionError(
        f"no {button!r} button on {page.url} (buttons: {labels})\n{page.text[:3000]}"
    )


# -- logging in and authorizing ---------------------------------------------------------------


def site_login(session: requests.Session, page: requests.Response, login: str, password: str):
    """Fill allauth's login form on page (the login page) and return where it leads."""
    assert "/accounts/login/" in page.url, page.url
    answer = submit(session, page, "Log in", {"login": login, "password": password})
    assert answer.status_code == 200, answer.text[:2000]
    assert "/accounts/login/" not in answer.url, f"the login failed:\n{answer.text[:3000]}"
    return answer


def authorization_code(
    authorize_url: str, login: str, password: str, browser: requests.Session | None = None
) -> tuple[str, requests.Session, requests.Response]:
    """Open authorize_url as a visitor, log in when asked, press Authorize; return the code.

    For the out-of-band redirect the code is read from the page it shows; for a real redirect
    URI it is read from the Location header (the client's own site is never fetched).
    Returns the code, the browser session and the consent page.
    """
    session = browser or requests.Session()
    page = session.get(authorize_url, timeout=30)
    assert page.status_code == 200, (page.status_code, page.text[:2000])
    if "/accounts/login/" in page.url:
        page = site_login(session, page, login, password)
    consent = page
    assert urlsplit(consent.url).path.rstrip("/") == "/oauth/authorize", consent.url
    answer = submit(session, consent, "Authorize", allow_redirects=False)
    return _code_of(session, answer), session, consent


def _code_of(session: requests.Session, answer: requests.Response) -> str:
    hops = 0
    while answer.is_redirect:
        location = answer.headers["Location"]
        code = parse_qs(urlsplit(location).query).get("code")
        if code:
            return code[0]
        target = urljoin(answer.url, location)
        assert urlsplit(target).netloc == urlsplit(answer.url).netloc, (
            f"redirected off the site without a code: {location}"
        )
        answer = session.get(target, allow_redirects=False, timeout=30)
        hops += 1
        assert hops < 5, "too many redirects"
    assert answer.status_code == 200, (answer.status_code, answer.text[:2000])
    code = parse_qs(urlsplit(answer.url).query).get("code")
    if code:
        return code[0]
    # The out-of-band page shows the code for the person to copy.
    match = re.search(r"<code[^>]*>\s*([A-Za-z0-9_\-.~]{16,})\s*</code>", answer.text) or re.search(
        r"<input[^>]*value=\"([A-Za-z0-9_\-.~]{16,})\"[^>]*readonly", answer.text
    )
    assert match, f"no authorization code on the page:\n{answer.text[:3000]}"
    return match.group(1)


# -- Mastodon.py ------------------------------------------------------------------------------


def mastodon(base_url: str, access_token: str | None = None, **kwargs: Any):
    """A Mastodon.py client in strict version mode that raises on a 429 rather than sleep.

    The instance documents are checked first: when they fail, Mastodon.py recurses for a minute
    before it gives up (RecursionError), so this fails fast with the reason instead.
    """
    from mastodon import Mastodon

    for path in ["/api/v1/instance/", "/api/v2/instance/"]:
        answer = requests.get(base_url + path, timeout=30)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"
        version = answer.json().get("version", "")
        assert re.match(r"^\d+\.\d+\.\d+", version), f"{path}: version {version!r}"
    client = Mastodon(
        api_base_url=base_url,
        access_token=access_token,
        version_check_mode="changed",
        ratelimit_method="throw",
        request_timeout=30,
        **kwargs,
    )
    return client


@dataclass(frozen=True)
class _Field:
    optional: bool
    nullable: bool


@cache
def _entity_fields() -> dict[str, dict[str, _Field]]:
    """Read Mastodon.py's entity classes: {class: {field: (optional, nullable)}}."""
    import mastodon.return_types

    tree = ast.parse(Path(mastodon.return_types.__file__).read_text())
    result: dict[str, dict[str, _Field]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields: dict[str, _Field] = {}
        for i, item in enumerate(node.body):
            if not (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)):
                continue
            doc = ""
            following = node.body[i + 1] if i + 1 < len(node.body) else None
            if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant):
                doc = str(following.value.value)
            added = re.findall(r"\* ([0-9]+)\.([0-9]+)\.([0-9]+)\S*: added", doc)
            if added and min(tuple(int(p) for p in v) for v in added) > MASTODON_VERSION:
                continue  # not in the version msg claims
            fields[item.target.id] = _Field(
                optional="(optional" in doc, nullable="(nullable" in doc or "(optional" in doc
            )
        result[node.name] = fields
    return result


# Fields Mastodon.py's model calls non-null that Mastodon itself serves as null, so every client
# copes: the instance's contact account when the admin has set none (REST::InstanceSerializer's
# has_one :account), and the blurhash of an attachment it has not processed (masto.js, Elk's
# client library, types it `string | null`). msg computes no blurhash.
MASTODON_SERVES_NULL = {
    ("Instance", "contact_account"),
    ("InstanceContact", "account"),
    ("MediaAttachment", "blurhash"),
}


def missing_fields(value: Any, where: str = "") -> list[tuple[str, str, str]]:
    """Return (entity, field, where) for each field Mastodon.py's model says value must have
    and it lacks.

    value is what a Mastodon.py call returned: its entities are instances of the classes in
    mastodon.return_types, nested ones included.
    """
    from mastodon.types_base import AttribAccessDict

    problems: list[tuple[str, str, str]] = []
    if isinstance(value, AttribAccessDict):
        name = type(value).__name__
        where = where or name
        for key, spec in _entity_fields().get(name, {}).items():
            # Mastodon.py fills a field the server left out with None: to a client, missing
            # and null are one thing.
            if (name, key) in MASTODON_SERVES_NULL:
                continue
            if not spec.optional and value.get(key) is None and not spec.nullable:
                problems.append((name, key, f"{where}.{key}"))
        for key, item in value.items():
            problems += missing_fields(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for item in value:
            problems += missing_fields(item, f"{where}[]")
    elif isinstance(value, dict):
        for key, item in value.items():
            problems += missing_fields(item, f"{where}.{key}")
    return problems


class Recorder:
    """Collect the entity problems of every call a Mastodon.py client makes (see `watch`)."""

    def __init__(self) -> None:
        # (entity, field) -> the calls whose answers lacked it
        self.problems: dict[tuple[str, str], set[str]] = {}

    def watch(self, client: Any) -> Any:
        """Return a proxy of client whose calls' results are checked by missing_fields."""
        return _Watched(client, self)

    def add(self, call: str, result: Any) -> None:
        for entity, key, _where in missing_fields(result):
            self.problems.setdefault((entity, key), set()).add(call)

    def report(self) -> str:
        return "\n".join(
            f"{entity}.{key} missing or null  (in {', '.join(sorted(calls))})"
            for (entity, key), calls in sorted(self.problems.items())
        )


class _Watched:
    def __init__(self, client: Any, recorder: Recorder) -> None:
        self._client = client
        self._recorder = recorder

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name.startswith("_") or not callable(attr) or name in _NOT_ENTITIES:
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            result = attr(*args, **kwargs)
            self._recorder.add(name, result)
            return result

        return call

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._client, name, value)


_NOT_ENTITIES = {
    "log_in",
    "auth_request_url",
    "make_poll",
    "retrieve_mastodon_version",
    "verify_minimum_version",
    "get_pagination_info",
    "revoke_access_token",
    "persistable_login_credentials",
}
