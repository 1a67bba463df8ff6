"""A small news site on 127.0.0.1 for the fetcher and feed tests: pages, feeds and paths
that misbehave on purpose (slow, failing, redirect loops, oversize). Not a test module."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    """How the site answers one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    fail_times: int = 0  # answer 500 this many times first
    etag: str | None = None  # answer 304 to a matching If-None-Match
    last_modified: str | None = None  # answer 304 to a matching If-Modified-Since
    content_length: bool = True  # False: no Content-Length, the body ends with the connection
    drip: float = 0.0  # seconds between each of ten slices of the body


@dataclass(frozen=True)
class Request:
    """One request the site received."""

    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival


class Site:
    """The routes and the log of requests of one running server."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.base = ""

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests]

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.requests.append(Request(handler.path, dict(handler.headers), time.monotonic()))
            route = self.routes.get(handler.path)
            failing = route is not None and route.fail_times > 0
            if failing and route is not None:
                route.fail_times -= 1
        if route is None:
            handler.send_error(404)
            return
        if route.delay:
            time.sleep(route.delay)
        if failing:
            handler.send_error(500)
            return
        if ((route.etag and handler.headers.get("If-None-Match") == route.etag)
                or (route.last_modified
                    and handler.headers.get("If-Modified-Since") == route.last_modified)):
            handler.send_response(304)
            self.validators(handler, route)
            handler.end_headers()
            return
        handler.send_response(route.status)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        self.validators(handler, route)
        if route.content_length:
            handler.send_header("Content-Length", str(len(route.body)))
        handler.end_headers()
        if not route.drip:
            handler.wfile.write(route.body)
            return
        step = len(route.body) // 10 + 1
        for start in range(0, len(route.body), step):
            handler.wfile.write(route.body[start:start + step])
            handler.wfile.flush()
            time.sleep(route.drip)

    @staticmethod
    def validators(handler: BaseHTTPRequestHandler, route: Route) -> None:
        if route.etag:
            handler.send_header("ETag", route.etag)
        if route.last_modified:
            handler.send_header("Last-Modified", route.last_modified)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a slow handler may still sleep when the test ends

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that give up (timeouts, size caps) break the pipe on purpose


@contextmanager
def serve_site(site: Site) -> Iterator[Site]:
    """Run `site` on a free port of 127.0.0.1 for the duration of the block."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.answer(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = QuietServer(("127.0.0.1", 0), Handler)
    host, port = server.server_address[:2]
    site.base = f"http://{host}:{port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
