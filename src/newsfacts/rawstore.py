"""Content-addressed raw store: every fetched body kept once, under its SHA-256, with an index.

Layout under the store root:

    raw/sha256/ab/cdef…    the bytes, named by their hex digest split after two characters
    index.sqlite           `urls`: per URL the latest body, its validators (ETag,
                           Last-Modified), when it was fetched and last checked, the last
                           failure; `bodies`: every body a URL has had, in order

A rebuild reads only this, so it never needs the network. The index holds times and the
store may grow; releases never read the times, so they stay byte-identical.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from newsfacts.ids import sha256_hex

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    sha256 TEXT,
    final_url TEXT,
    etag TEXT,
    last_modified TEXT,
    content_type TEXT,
    fetched_at TEXT,
    checked_at TEXT NOT NULL,
    failure_reason TEXT,
    failure_detail TEXT
);
CREATE TABLE IF NOT EXISTS bodies (
    url TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (url, sha256)
);
"""


class StoreError(RuntimeError):
    """The store is missing a body it lists, or a body's bytes no longer match their name."""


@dataclass(frozen=True, slots=True)
class StoredUrl:
    """What the index knows about one URL: its latest body and how it was last fetched."""

    url: str
    sha256: str | None
    final_url: str | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    fetched_at: str | None
    checked_at: str
    failure_reason: str | None
    failure_detail: str | None


def utc_now() -> str:
    """The current time, UTC, ISO 8601 to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


class RawStore:
    """The raw store at `root` (created when missing). Use as a context manager."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "raw" / "sha256").mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(root / "index.sqlite", timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        with self._db:
            self._db.executescript(SCHEMA)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def __enter__(self) -> RawStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------ bodies

    def blob_path(self, sha256: str) -> Path:
        """Where the body with this digest lives."""
        return self.root / "raw" / "sha256" / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        """Keep `data` (once: the same bytes are never written twice); return its digest."""
        digest = sha256_hex(data)
        path = self.blob_path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temp, path)  # atomic: a reader sees the whole body or none
        return digest

    def get(self, sha256: str) -> bytes:
        """The body with this digest; StoreError when it is missing or damaged."""
        try:
            data = self.blob_path(sha256).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"raw store {self.root}: body {sha256} is missing") from None
        if sha256_hex(data) != sha256:
            raise StoreError(f"raw store {self.root}: body {sha256} is damaged (hash differs)")
        return data

    # ------------------------------------------------------------ index

    def lookup(self, url: str) -> StoredUrl | None:
        """What the index knows about `url`, or None if it was never fetched."""
        row = self._db.execute(
            "SELECT url, sha256, final_url, etag, last_modified, content_type, fetched_at, "
            "checked_at, failure_reason, failure_detail FROM urls WHERE url = ?", (url,)
        ).fetchone()
        return StoredUrl(*row) if row else None

    def history(self, url: str) -> list[str]:
        """Digests of every body `url` has had, oldest first."""
        rows = self._db.execute(
            "SELECT sha256 FROM bodies WHERE url = ? ORDER BY fetched_at, rowid", (url,))
        return [sha for (sha,) in rows]

    def urls(self) -> list[str]:
        """Every URL in the index, sorted."""
        return [url for (url,) in self._db.execute("SELECT url FROM urls ORDER BY url")]

    def record_body(self, url: str, sha256: str, *, final_url: str | None = None,
                    etag: str | None = None, last_modified: str | None = None,
                    content_type: str | None = None, when: str | None = None) -> None:
        """`url` answered with the body `sha256` (already `put`) and these validators."""
        when = when or utc_now()
        with self._db:
            self._db.execute(
                "INSERT INTO urls (url, sha256, final_url, etag, last_modified, content_type, "
                "fetched_at, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(url) DO UPDATE SET sha256 = excluded.sha256, "
                "final_url = excluded.final_url, etag = excluded.etag, "
                "last_modified = excluded.last_modified, content_type = excluded.content_type, "
                "fetched_at = excluded.fetched_at, checked_at = excluded.checked_at, "
                "failure_reason = NULL, failure_detail = NULL",
                (url, sha256, final_url or url, etag, last_modified, content_type, when, when))
            self._db.execute("INSERT OR IGNORE INTO bodies (url, sha256, fetched_at) "
                             "VALUES (?, ?, ?)", (url, sha256, when))

    def record_not_modified(self, url: str, when: str | None = None) -> None:
        """`url` answered 304 Not Modified: its stored body is still current."""
        with self._db:
            self._db.execute("UPDATE urls SET checked_at = ?, failure_reason = NULL, "
                             "failure_detail = NULL WHERE url = ?", (when or utc_now(), url))

    def record_failure(self, url: str, reason: str, detail: str, when: str | None = None) -> None:
        """Fetching `url` failed; a body stored before stays current."""
        when = when or utc_now()
        with self._db:
            self._db.execute(
                "INSERT INTO urls (url, checked_at, failure_reason, failure_detail) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
                "checked_at = excluded.checked_at, failure_reason = excluded.failure_reason, "
                "failure_detail = excluded.failure_detail",
                (url, when, reason, detail))
