"""core.fetch: the SSRF-safe fetcher behind link previews, against a real local web server.

Only the resolver (core.fetch.resolve, the one place a name becomes addresses) is ever
replaced; every request goes through the real HTTP stack to the http.server thread.
"""

import time

import pytest

from core import fetch
from tests.web_server import LocalServer, Page, drip, html, png, redirect

OG_HEAD = (
    '<meta property="og:title" content="The OG title">'
    '<meta property="og:description" content="What the page is about.">'
    '<meta property="og:site_name" content="Example Site">'
    '<meta property="og:image" content="/pictures/card.png">'
    "<title>The plain title</title>"
    '<meta name="description" content="The plain description">'
)


@pytest.fixture(autouse=True)
def _loopback(settings):
    """The local server lives on 127.0.0.1, which only this setting lets through."""
    settings.MSG_PREVIEW_ALLOW_LOOPBACK = True


@pytest.fixture
def web():
    with LocalServer() as server:
        yield server


# Addresses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("172.31.255.254", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata
        ("127.0.0.1", False),
        ("127.8.9.10", False),
        ("0.0.0.0", False),
        ("100.64.0.1", False),  # shared address space (carrier-grade NAT)
        ("224.0.0.1", False),
        ("239.255.255.250", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("192.0.2.1", False),  # documentation
        ("198.18.0.1", False),  # benchmarking
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("fd12:3456::1", False),
        ("fec0::1", False),  # site-local
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("::127.0.0.1", False),  # IPv4-compatible
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2001:db8::1", False),
        ("not an address", False),
        ("93.184.215.14", True),
        ("8.8.8.8", True),
        ("::ffff:8.8.8.8", True),
        ("2606:4700:4700::1111", True),
    ],
)
def test_only_public_addresses_are_allowed(address, allowed):
    """Loopback, private, link-local, shared, multicast, reserved and unspecified addresses,
    and the IPv6 forms of them, are refused; public ones are allowed."""
    assert fetch.address_allowed(address) is allowed


@pytest.mark.parametrize(
    ("address", "allowed"),
    [("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("::ffff:127.0.0.1", True)]
    + [(a, False) for a in ("10.0.0.1", "192.168.0.1", "169.254.0.1", "0.0.0.0", "fe80::1")],
)
def test_allow_loopback_allows_loopback_and_nothing_else(address, allowed):
    assert fetch.address_allowed(address, allow_loopback=True) is allowed


# Pages and cards ----------------------------------------------------------------------------


def test_an_opengraph_card_is_read_with_its_image_made_absolute(web):
    web.routes["/article"] = html(OG_HEAD)
    card = fetch.parse_card(fetch.fetch_page(web.url("/article")))
    assert card == fetch.Card(
        title="The OG title",
        description="What the page is about.",
        site_name="Example Site",
        image_url=web.url("/pictures/card.png"),
    )


def test_a_twitter_card_is_read_when_there_is_no_opengraph(web):
    web.routes["/tweet"] = html(
        '<meta name="twitter:title" content="Tw title">'
        '<meta name="twitter:description" content="Tw text">'
        '<meta name="twitter:image" content="https://cdn.example.com/t.png">'
        "<title>ignored</title>"
    )
    card = fetch.parse_card(fetch.fetch_page(web.url("/tweet")))
    assert (card.title, card.description, card.image_url) == (
        "Tw title",
        "Tw text",
        "https://cdn.example.com/t.png",
    )


def test_the_title_and_meta_description_are_the_fallback(web):
    web.routes["/plain"] = html(
        "<title>\n  Just a   title \n</title><meta name=description content='Described.'>"
    )
    card = fetch.parse_card(fetch.fetch_page(web.url("/plain")))
    assert (card.title, card.description, card.site_name, card.image_url) == (
        "Just a title",
        "Described.",
        "",
        "",
    )


def test_control_and_bidi_characters_are_stripped_from_the_card(web):
    web.routes["/odd"] = html(
        '<meta property="og:title" content="A&#1;B\x01C\u202eD\u0000E">'
        "<meta property='og:description' content='line one\nline\ttwo'>"
    )
    card = fetch.parse_card(fetch.fetch_page(web.url("/odd")))
    assert card.title == "AB CD E"
    assert card.description == "line one line two"


def test_a_non_web_image_url_is_dropped(web):
    web.routes["/js"] = html(
        '<meta property="og:title" content="T"><meta property="og:image" content="javascript:x">'
    )
    assert fetch.parse_card(fetch.fetch_page(web.url("/js"))).image_url == ""


def test_the_charset_of_the_page_is_honoured(web):
    web.routes["/latin"] = Page(
        '<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head></html>'.encode(
            "latin-1"
        ),
        content_type="text/html",
    )
    assert fetch.parse_card(fetch.fetch_page(web.url("/latin"))).title == "Café"


def test_a_page_that_is_not_html_is_refused(web):
    web.routes["/data.json"] = Page(b'{"title": "no"}', content_type="application/json")
    with pytest.raises(fetch.FetchError, match="Not a type"):
        fetch.fetch_page(web.url("/data.json"))


def test_an_image_must_be_an_image(web):
    web.routes["/card.png"] = Page(png(), content_type="image/png")
    web.routes["/fake.png"] = Page(b"<html></html>", content_type="text/html")
    assert fetch.fetch_image(web.url("/card.png")).body == png()
    with pytest.raises(fetch.FetchError, match="Not a type"):
        fetch.fetch_image(web.url("/fake.png"))


def test_an_error_status_is_refused(web):
    with pytest.raises(fetch.FetchError, match="404"):
        fetch.fetch_page(web.url("/missing"))


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "gopher://x/"])
def test_only_http_and_https_are_fetched(url):
    with pytest.raises(fetch.FetchError, match="Only http"):
        fetch.fetch_page(url)


def test_a_url_with_credentials_is_refused(web):
    with pytest.raises(fetch.FetchError, match="credentials"):
        fetch.fetch_page(web.url("/x").replace("http://", "http://user:secret@"))
    assert web.requests == []


# Size and time ------------------------------------------------------------------------------


def test_a_page_over_the_limit_is_cut_at_the_limit(web):
    head = html(OG_HEAD).body.split(b"<body>")[0]
    web.routes["/huge"] = Page(head + b"<body>" + b"x" * (2 * fetch.MAX_BYTES))
    page = fetch.fetch_page(web.url("/huge"))
    assert page.truncated
    assert len(page.body) == fetch.MAX_BYTES
    assert fetch.parse_card(page).title == "The OG title"


def test_an_image_over_the_limit_is_refused(web):
    web.routes["/huge.png"] = Page(b"\x89PNG" + b"0" * fetch.MAX_BYTES, content_type="image/png")
    with pytest.raises(fetch.FetchError, match="too large"):
        fetch.fetch_image(web.url("/huge.png"))


def test_an_image_over_the_limit_without_a_length_is_refused_while_reading(web):
    def chunked(request):
        request.send_response(200)
        request.send_header("Content-Type", "image/png")
        request.end_headers()  # no Content-Length: the size is only known by reading
        for _ in range(20):
            request.wfile.write(b"0" * 65536)

    web.routes["/stream.png"] = chunked
    with pytest.raises(fetch.FetchError, match="too large"):
        fetch.fetch_image(web.url("/stream.png"))


def test_a_server_dripping_bytes_is_cut_off_at_the_total_timeout(web):
    """One byte every 0.4 s never trips a per-read timeout; the total deadline still holds."""
    web.routes["/drip"] = drip(0.4)
    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match="too long"):
        fetch.fetch_page(web.url("/drip"))
    elapsed = time.monotonic() - started
    assert fetch.TIMEOUT - 0.5 < elapsed < fetch.TIMEOUT + 1


def test_a_server_that_never_answers_times_out(web):
    web.routes["/stall"] = drip(0.3, head=True)
    started = time.monotonic()
    with pytest.raises(fetch.FetchError, match="too long"):
        fetch.fetch(web.url("/stall"), accept=lambda kind: True, timeout=1.0)
    assert time.monotonic() - started < 2


# Redirects ----------------------------------------------------------------------------------


def _chain(web, hops: int) -> str:
    """Route a chain of `hops` redirects ending at an OG page; return its first URL."""
    web.routes["/end"] = html(OG_HEAD)
    for i in range(1, hops + 1):
        web.routes[f"/hop/{i}"] = redirect("/end" if i == 1 else f"/hop/{i - 1}")
    return web.url(f"/hop/{hops}")


def test_three_redirects_are_followed(web):
    page = fetch.fetch_page(_chain(web, 3))
    assert page.url == web.url("/end")
    assert fetch.parse_card(page).title == "The OG title"


def test_a_fourth_redirect_is_refused(web):
    with pytest.raises(fetch.FetchError, match="Too many redirects"):
        fetch.fetch_page(_chain(web, 4))
    assert "/end" not in [r.path for r in web.requests]


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:192.168.0.1]/",
        "http://0.0.0.0:80/",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(web, location):
    web.routes["/out"] = redirect(location)
    with pytest.raises(fetch.FetchError, match="not a public"):
        fetch.fetch_page(web.url("/out"))


def test_a_redirect_to_another_scheme_is_refused(web):
    web.routes["/out"] = redirect("file:///etc/passwd")
    with pytest.raises(fetch.FetchError, match="Only http"):
        fetch.fetch_page(web.url("/out"))


def test_loopback_is_refused_without_the_setting(web, settings):
    settings.MSG_PREVIEW_ALLOW_LOOPBACK = False
    web.routes["/article"] = html(OG_HEAD)
    with pytest.raises(fetch.FetchError, match="not a public"):
        fetch.fetch_page(web.url("/article"))
    assert web.requests == []


# Names --------------------------------------------------------------------------------------


def _resolver(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Replace the resolver with fixed answers; return the list of names it is asked."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[host]

    monkeypatch.setattr(fetch, "resolve", resolve)
    return asked


@pytest.mark.parametrize(
    "addresses", [["10.0.0.7"], ["93.184.215.14", "192.168.0.2"], ["2606:4700::1", "fd00::1"]]
)
def test_a_name_with_any_private_address_is_refused(web, monkeypatch, addresses):
    asked = _resolver(monkeypatch, {"intranet.example": addresses})
    with pytest.raises(fetch.FetchError, match="not a public"):
        fetch.fetch_page("http://intranet.example/")
    assert asked == ["intranet.example"]


def test_a_redirect_to_a_name_resolving_to_a_private_address_is_refused(web, monkeypatch):
    _resolver(monkeypatch, {"127.0.0.1": ["127.0.0.1"], "metadata.example": ["169.254.169.254"]})
    web.routes["/out"] = redirect("http://metadata.example/latest/")
    with pytest.raises(fetch.FetchError, match="not a public"):
        fetch.fetch_page(web.url("/out"))


def test_the_checked_address_is_the_one_connected_to(web, monkeypatch):
    """The name is resolved once per hop and the connection goes to that address, with the
    name in the Host header: a second, different DNS answer (rebinding) is never asked for."""
    asked = _resolver(monkeypatch, {"news.example": ["127.0.0.1"]})
    web.routes["/story"] = html(OG_HEAD)
    page = fetch.fetch_page(web.url("/story", host="news.example"))
    assert fetch.parse_card(page).title == "The OG title"
    assert asked == ["news.example"]
    assert web.requests[0].headers["Host"] == f"news.example:{web.port}"


def test_a_name_that_does_not_resolve_is_refused(monkeypatch):
    def resolve(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    monkeypatch.setattr(fetch, "resolve", resolve)
    with pytest.raises(fetch.FetchError, match="does not resolve"):
        fetch.fetch_page("http://nowhere.example/")


# URLs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("HTTPS://Example.COM", "https://example.com/"),
        ("https://example.com:443/a?b=1#frag", "https://example.com/a?b=1"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("http://Bücher.example/", "http://xn--bcher-kva.example/"),
        ("http://[::1]:80/x", "http://[::1]/x"),
        ("ftp://example.com/", None),
        ("https://user:pw@example.com/", None),
        ("http://example.com:99999/", None),
    ],
)
def test_urls_are_normalised_for_storage(url, normal):
    assert fetch.normalize_url(url) == normal
