"""Serve the publish root on localhost (http.server), with `Range: bytes=N-` for resuming."""

from __future__ import annotations

import functools
import re
import shutil
import urllib.parse
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RANGE = re.compile(r"^bytes=(\d+)-$")  # the only form `newsfacts download` sends


class DatasetHandler(SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler plus open-ended byte ranges (it has none of its own); hidden
    paths (`.state/`, `.staging-*`, `.lock`) are never served."""

    quiet = False

    def is_hidden(self) -> bool:
        """True when a segment of the requested path starts with a dot."""
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        return any(part.startswith(".") for part in path.split("/"))

    def do_HEAD(self) -> None:
        if self.is_hidden():
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        super().do_HEAD()

    def do_GET(self) -> None:
        if self.is_hidden():
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        match = RANGE.match(self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            super().do_GET()
            return
        size = path.stat().st_size
        start = int(match.group(1))
        if start >= size:
            self.send_error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            return
        with path.open("rb") as handle:
            handle.seek(start)
            self.send_response(HTTPStatus.PARTIAL_CONTENT)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
            self.send_header("Content-Length", str(size - start))
            self.send_header("Accept-Ranges", "bytes")
            self.end_headers()
            shutil.copyfileobj(handle, self.wfile)

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def make_server(root: Path, host: str = "127.0.0.1", port: int = 8000,
                quiet: bool = False) -> ThreadingHTTPServer:
    """A threading HTTP server for `root` (port 0 picks a free port); call serve_forever()."""
    handler = type("Handler", (DatasetHandler,), {"quiet": quiet})
    return ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(root)))


def server_url(server: ThreadingHTTPServer) -> str:
    """`http://host:port/` of a running server."""
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"
