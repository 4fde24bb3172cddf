"""A real web server for the link-preview tests: an http.server thread on 127.0.0.1.

Routes map a path to a Page (a canned answer) or to a function that writes the answer itself
(slow or broken servers). Every request is recorded with its headers.
"""

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO

from PIL import Image


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    path: str
    headers: dict[str, str]


Handler = Callable[[BaseHTTPRequestHandler], None]


def html(head: str, body: str = "<p>Hello</p>") -> Page:
    """An HTML page with this head."""
    return Page(f"<!doctype html><html><head>{head}</head><body>{body}</body></html>".encode())


def png(size: tuple[int, int] = (1200, 630), colour: str = "#0172ad") -> bytes:
    """The bytes of a PNG picture."""
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def redirect(location: str, status: int = 302) -> Page:
    return Page(status=status, headers={"Location": location}, content_type="text/plain")


def drip(seconds: float, *, head: bool = False) -> Handler:
    """A handler that sends one byte every `seconds` for a long time (headers first, unless
    head is set: then it stalls before the status line)."""

    def handle(request: BaseHTTPRequestHandler) -> None:
        if not head:
            request.send_response(200)
            request.send_header("Content-Type", "text/html")
            request.end_headers()
            request.wfile.flush()
        try:
            for _ in range(40):
                time.sleep(seconds)
                request.wfile.write(b"<" if head else b" ")
                request.wfile.flush()
        except OSError:
            pass  # the client gave up, as it should

    return handle


class LocalServer:
    """Serve routes from a thread; use as a context manager."""

    def __init__(self) -> None:
        self.routes: dict[str, Page | Handler] = {}
        self.requests: list[Request] = []
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(Request(self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    route = Page(b"not found", "text/plain", 404)
                if callable(route):
                    route(self)
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                # The client may stop reading (a body over the limit).
                with contextlib.suppress(OSError):
                    self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def __enter__(self) -> "LocalServer":
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
