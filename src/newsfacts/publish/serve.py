"""Serve the publish root on localhost (http.server), with `Range: bytes=N-` for resuming.

Only the published tree is served: a path with a hidden segment (`.staging-*` folders of a
release being written, locks, temporary files) is 404, and folders are not listed
(catalog.json and index.html are the listing)."""

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

    def hidden(self) -> bool:
        """Whether the request names a hidden file or folder (or goes through one)."""
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        return any(part.startswith(".") for part in path.split("/") if part)

    def send_head(self) -> Any:
        if self.hidden():
            self.send_error(HTTPStatus.NOT_FOUND)
            return None
        return super().send_head()

    def list_directory(self, path: Any) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "No folder listings: see catalog.json")

    def do_GET(self) -> None:
        match = RANGE.match(self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file() or self.hidden():
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
