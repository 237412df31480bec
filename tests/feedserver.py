"""A programmable feed server on loopback: feeds that change, fail, stall or lie.

Each path has a `Route` (body, status, headers, delay, ETag support, a
mid-body reset); every request is logged with its time and headers, so tests
can check conditional GET, backoff and who polled what, when.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/rss+xml; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: bool = True  # answer 304 to a matching If-None-Match
    delay_s: float = 0.0  # before the status line (a stalled server)
    reset_after: int | None = None  # close the connection after this many body bytes
    stream_bytes: int | None = None  # serve this many bytes of filler (a huge body)


@dataclass(frozen=True)
class Request:
    path: str
    at: float
    headers: dict[str, str]


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self.base = ""

    def route(self, path: str, **kwargs: Any) -> str:
        self.routes[path] = Route(**kwargs)
        return self.base + path

    def hits(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _log(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)


def rss(
    items: list[tuple[Any, ...]],
    *,
    title: str = "Test feed",
    ttl: int | None = None,
) -> bytes:
    """An RSS 2.0 body from (link, title, description[, published Unix time]) tuples."""
    entries = "".join(
        f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
        f"<guid>{escape(link)}</guid><description>{escape(d)}</description>"
        f"<pubDate>{formatdate(at[0] if at else 1_780_000_000 + n * 60, usegmt=True)}</pubDate>"
        "</item>"
        for n, (link, t, d, *at) in enumerate(items)
    )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.test/</link>{ttl_tag}"
        f"{entries}</channel></rss>"
    ).encode()


def _handler(server: FeedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            server._log(Request(self.path, time.time(), dict(self.headers.items())))
            route = server.routes.get(self.path)
            if route is None:
                self._send(404, b"not found", {"Content-Type": "text/plain"})
                return
            if route.delay_s:
                time.sleep(route.delay_s)
            etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
            if route.etag and route.status == 200 and self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"ETag": etag})
                return
            headers = {"Content-Type": route.content_type, **route.headers}
            if route.etag:
                headers["ETag"] = etag
            if route.stream_bytes is not None:
                self._stream(route.stream_bytes, headers)
                return
            if route.reset_after is not None:
                headers["Content-Length"] = str(len(route.body))
                self._head(route.status, headers)
                with contextlib.suppress(OSError):
                    self.wfile.write(route.body[: route.reset_after])
                    self.wfile.flush()
                self.close_connection = True
                self.connection.close()
                return
            self._send(route.status, route.body, headers)

        def _head(self, status: int, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self._head(status, {**headers, "Content-Length": str(len(body))})
            with contextlib.suppress(OSError):
                self.wfile.write(body)

        def _stream(self, size: int, headers: dict[str, str]) -> None:
            """A huge body with no Content-Length: the client must stop reading by itself."""
            self.close_connection = True
            self._head(200, {**headers, "Connection": "close"})
            chunk = b"<!-- " + b"x" * 65_000 + b" -->"
            sent = 0
            with contextlib.suppress(OSError):
                self.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
                while sent < size:
                    self.wfile.write(chunk)
                    sent += len(chunk)

    return Handler


@contextlib.contextmanager
def feed_server() -> Iterator[FeedServer]:
    state = FeedServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, name="feed-server", daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
