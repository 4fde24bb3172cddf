"""Fetch a page or an image from another server for a link preview, safely, and read its card.

The fetch guards against server-side request forgery: http(s) only, no credentials in the URL,
and every address the host resolves to must be a public one (not loopback, private, link-local,
shared, multicast, reserved or unspecified, nor an IPv6 form of those). The check runs after
DNS and again at each redirect, and the connection goes to the address that was checked (the
host name only travels in the Host header and TLS SNI), so a DNS answer that changes between
check and connect reaches nothing. At most MAX_BYTES are read, in at most TIMEOUT seconds in all
(a watchdog closes the socket at the deadline, so a server that drips bytes cannot hold it),
through at most MAX_REDIRECTS redirects followed here, one by one.

urllib3 does the HTTP: it connects to a given address while verifying the certificate for
another name (server_hostname, assert_hostname), which is what pinning the checked address
needs. The card is read with the standard library's html.parser.
"""

import codecs
import contextlib
import ipaddress
import re
import socket
import threading
import time
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection

MAX_BYTES = 1_048_576
PARSE_LIMIT = 256 * 1024
TIMEOUT = 5.0
MAX_REDIRECTS = 3
USER_AGENT = "msg-link-preview/1.0"
# The longest text kept from a card before the caller cuts it to its own fields.
MAX_TEXT = 2000
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 65536

# The resolver runs in a thread so that a slow DNS answer counts against the deadline too.
_resolver_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="msg-fetch-dns")


class FetchError(Exception):
    """The URL was refused or could not be fetched; the message says why."""


@dataclass(frozen=True)
class Fetched:
    """A response body and what it is."""

    url: str  # after redirects
    content_type: str  # the media type, lower-case, without parameters
    charset: str | None
    body: bytes
    truncated: bool


@dataclass(frozen=True)
class Card:
    """What a page says about itself (OpenGraph, Twitter card, or its title)."""

    title: str
    description: str
    site_name: str
    image_url: str  # absolute http(s) URL, or ""


# Addresses ----------------------------------------------------------------------------------


def address_allowed(address: str, *, allow_loopback: bool = False) -> bool:
    """Return whether a resolved address is one a preview may connect to: a public one.

    IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry. With allow_loopback
    (for tests), 127.0.0.0/8 and ::1 are allowed too, nothing else.
    """
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            address.split("%", 1)[0]  # an IPv6 zone id ("fe80::1%eth0") is link-local anyway
        )
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_loopback and ip.is_loopback:
        return True
    # is_global leaves out private, shared (100.64/10), loopback, link-local, unspecified and
    # most reserved ranges; multicast and the rest of the reserved ones (240/4, ::/8 with the
    # IPv4-compatible and NAT64 forms) count as global there, so they are refused by name.
    return (
        ip.is_global
        and not ip.is_multicast
        and not ip.is_reserved
        and not ip.is_private
        and not ip.is_loopback
        and not ip.is_link_local
        and not ip.is_unspecified
        and not (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local)
    )


def resolve(host: str, port: int) -> list[str]:
    """Return the addresses host resolves to (the one place a name becomes an address)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _allow_loopback() -> bool:
    return bool(getattr(settings, "MSG_PREVIEW_ALLOW_LOOPBACK", False))


def _checked_addresses(host: str, port: int, deadline: float) -> list[str]:
    """Resolve host and return its addresses if every one of them is allowed, else refuse."""
    try:
        addresses = _resolver_pool.submit(resolve, host, port).result(timeout=_left(deadline))
    except FutureTimeout as e:
        raise FetchError("The name took too long to resolve.") from e
    except (OSError, UnicodeError) as e:
        raise FetchError("The name does not resolve.") from e
    if not addresses:
        raise FetchError("The name does not resolve.")
    allow_loopback = _allow_loopback()
    # One bad address refuses the name: which one a client would pick is not ours to know.
    if not all(address_allowed(a, allow_loopback=allow_loopback) for a in addresses):
        raise FetchError("That address is not a public one.")
    return addresses


# URLs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # lower-case, IDNA-encoded, without brackets
    port: int
    path: str
    query: str
    host_header: str

    @property
    def request_path(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


def _target(url: str) -> _Target:
    """Split url into what a request needs, or refuse it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise FetchError("That is not a valid URL.") from e
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError("Only http and https links are fetched.")
    if parts.username is not None or parts.password is not None:
        raise FetchError("Links with credentials are not fetched.")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchError("That URL has no host.")
    try:
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError as e:
        raise FetchError("That host name is not valid.") from e
    default = 443 if scheme == "https" else 80
    port = port or default
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if port == default else f"{shown}:{port}"
    return _Target(scheme, host, port, parts.path or "/", parts.query, host_header)


def normalize_url(url: str) -> str | None:
    """Return url in the one form a preview is stored under, or None if it is not fetchable:
    scheme and host lower-case, no default port, no fragment, "/" for an empty path."""
    try:
        target = _target(url)
    except FetchError:
        return None
    return urlunsplit((target.scheme, target.host_header, target.path, target.query, ""))


# The request --------------------------------------------------------------------------------


class _Watchdog:
    """Shut the current socket down when the deadline passes, whatever it is waiting for."""

    def __init__(self, deadline: float) -> None:
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(_left(deadline), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock

    def _expire(self) -> None:
        with self._lock:
            if self._sock is not None:
                # socket.socket's own shutdown, also for an SSLSocket: the blocked read in the
                # other thread ends, without a TLS close_notify exchange.
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(self._sock, socket.SHUT_RDWR)

    def stop(self) -> None:
        self._timer.cancel()


class _WatchedHTTPConnection(HTTPConnection):
    """Hand the connected socket to the request's watchdog (the HTTPS one inherits this)."""

    def __init__(self, *args: Any, watchdog: _Watchdog, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watchdog = watchdog

    def connect(self) -> None:
        super().connect()
        self._watchdog.watch(self.sock)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


def _left(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


def _pool(target: _Target, address: str, deadline: float, watchdog: _Watchdog) -> Any:
    """Return a one-connection pool to the checked address, speaking for target's host."""
    left = _left(deadline)
    timeout = urllib3.Timeout(connect=left, read=left)
    if target.scheme == "https":
        return _HTTPSPool(
            address,
            target.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            server_hostname=target.host,
            assert_hostname=target.host,
            watchdog=watchdog,
        )
    return _HTTPPool(address, target.port, timeout=timeout, retries=False, watchdog=watchdog)


def _media_type(value: str) -> tuple[str, str | None]:
    """Return the media type and charset of a Content-Type header."""
    kind, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return kind.strip().lower(), charset


def _read(response: Any, *, max_bytes: int, truncate: bool) -> tuple[bytes, bool]:
    """Read at most max_bytes of the body; past that, stop (truncate) or refuse."""
    length = response.headers.get("Content-Length", "")
    if not truncate and length.isdigit() and int(length) > max_bytes:
        raise FetchError("The file is too large.")
    body = bytearray()
    while len(body) <= max_bytes:
        chunk = response.read1(_CHUNK)
        if not chunk:
            return bytes(body), False
        body += chunk
    if not truncate:
        raise FetchError("The file is too large.")
    return bytes(body[:max_bytes]), True


def fetch(
    url: str,
    *,
    accept: Callable[[str], bool],
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
    truncate: bool = False,
) -> Fetched:
    """Return the body at url if its media type passes accept, or raise FetchError.

    A body over max_bytes is cut there when truncate is set, else refused.
    """
    deadline = time.monotonic() + timeout
    watchdog = _Watchdog(deadline)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            result = _hop(url, accept, max_bytes, truncate, deadline, watchdog)
            if isinstance(result, Fetched):
                return result
            url = result
        raise FetchError("Too many redirects.")
    finally:
        watchdog.stop()


def _hop(
    url: str,
    accept: Callable[[str], bool],
    max_bytes: int,
    truncate: bool,
    deadline: float,
    watchdog: _Watchdog,
) -> Fetched | str:
    """Make one request; return the body, or the URL a redirect points to."""
    target = _target(url)
    addresses = _checked_addresses(target.host, target.port, deadline)
    headers = {
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Accept": "text/html, image/*;q=0.9",
        "Accept-Encoding": "identity",  # no decompression: MAX_BYTES bounds what is held
    }
    last_error: Exception | None = None
    for address in addresses:
        pool = _pool(target, address, deadline, watchdog)
        try:
            response = pool.urlopen(
                "GET",
                target.request_path,
                headers=headers,
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=False,
                assert_same_host=False,
            )
        except urllib3.exceptions.NewConnectionError as e:
            last_error = e  # try the host's next address
            pool.close()
            continue
        except Exception as e:
            pool.close()
            raise _failure(e, deadline) from e
        try:
            return _answer(url, response, accept, max_bytes, truncate, deadline)
        except FetchError:
            raise
        except Exception as e:
            raise _failure(e, deadline) from e
        finally:
            response.release_conn()
            pool.close()
    raise FetchError("Could not connect.") from last_error


def _failure(error: Exception, deadline: float) -> FetchError:
    if _left(deadline) <= 0 or isinstance(error, urllib3.exceptions.TimeoutError):
        return FetchError("The server took too long.")
    return FetchError(f"The fetch failed ({type(error).__name__}).")


def _answer(
    url: str,
    response: Any,
    accept: Callable[[str], bool],
    max_bytes: int,
    truncate: bool,
    deadline: float,
) -> Fetched | str:
    if response.status in _REDIRECTS:
        location = response.headers.get("Location")
        if not location:
            raise FetchError("A redirect without a Location.")
        return urljoin(url, location.strip())
    if response.status != 200:
        raise FetchError(f"The server answered {response.status}.")
    if response.headers.get("Content-Encoding", "identity").lower() != "identity":
        raise FetchError("The server sent an encoding that was not asked for.")
    content_type, charset = _media_type(response.headers.get("Content-Type", ""))
    if not accept(content_type):
        raise FetchError(f"Not a type we read ({content_type or 'none'}).")
    body, truncated = _read(response, max_bytes=max_bytes, truncate=truncate)
    if _left(deadline) <= 0:
        raise FetchError("The server took too long.")
    return Fetched(url, content_type, charset, body, truncated)


def fetch_page(url: str, *, timeout: float = TIMEOUT) -> Fetched:
    """Return the HTML page at url (its first MAX_BYTES), or raise FetchError."""
    return fetch(url, accept=lambda kind: kind == "text/html", truncate=True, timeout=timeout)


def fetch_image(url: str, *, timeout: float = TIMEOUT) -> Fetched:
    """Return the image at url (refused over MAX_BYTES), or raise FetchError."""
    return fetch(url, accept=lambda kind: kind.startswith("image/"), timeout=timeout)


# The card -----------------------------------------------------------------------------------

_CARD_KEYS = {
    "title": ("og:title", "twitter:title"),
    "description": ("og:description", "twitter:description", "description"),
    "site_name": ("og:site_name",),
    "image": (
        "og:image:secure_url",
        "og:image:url",
        "og:image",
        "twitter:image",
        "twitter:image:src",
    ),
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Bidirectional embeddings, overrides and isolates: they could turn the card's text around.
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


class _CardParser(HTMLParser):
    """Collect <meta> properties and the <title> text of a document's head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.done = False
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            values = {k: v or "" for k, v in attrs}
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and "content" in values:
                self.meta.setdefault(key, values["content"])
        elif tag == "title":
            self._in_title = True
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self._in_title and len(self.title) < MAX_TEXT:
            self.title += data


def clean_text(text: str, limit: int = MAX_TEXT) -> str:
    """Return text without control or bidi-override characters, with whitespace collapsed."""
    text = "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c
        for c in text[: limit * 2].translate(_BIDI)
    )
    return " ".join(text.split())[:limit]


def _decode(body: bytes, charset: str | None) -> str:
    if charset is None and (found := _META_CHARSET.search(body[:4096])):
        charset = found.group(1).decode("ascii")
    try:
        codec = codecs.lookup(charset or "utf-8").name
    except LookupError:
        codec = "utf-8"
    return body.decode(codec, errors="replace")


def parse_card(page: Fetched) -> Card:
    """Return the OpenGraph or Twitter card of an HTML page, falling back to its <title> and
    meta description; the image URL is made absolute (and dropped unless http or https)."""
    parser = _CardParser()
    text = _decode(page.body, page.charset)
    # A card sits in the page's head: past PARSE_LIMIT characters a page has nothing more to
    # give, and a hostile megabyte of tags would only cost CPU.
    for start in range(0, min(len(text), PARSE_LIMIT), _CHUNK):
        parser.feed(text[start : start + _CHUNK])
        if parser.done:
            break

    def first(field: str) -> str:
        for key in _CARD_KEYS[field]:
            if value := clean_text(parser.meta.get(key, "")):
                return value
        return ""

    image = first("image")
    image_url = urljoin(page.url, image) if image else ""
    if urlsplit(image_url).scheme.lower() not in ("http", "https"):
        image_url = ""
    return Card(
        title=first("title") or clean_text(parser.title),
        description=first("description"),
        site_name=first("site_name"),
        image_url=image_url,
    )
