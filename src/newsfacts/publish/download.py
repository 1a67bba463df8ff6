"""Download a release listed in a catalog.json (over http(s) or from a folder), verify, resume."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from newsfacts.publish.catalog import CATALOG_FILE

CHUNK = 1 << 16
TIMEOUT = 60  # seconds per connection attempt


class DownloadError(RuntimeError):
    """The catalog, a link or a file cannot be trusted: nothing unverified is kept."""


class ChecksumMismatch(DownloadError):
    """One file's bytes differ from its catalog sha256 (the other files are still fetched)."""


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """A file to fetch: its name in the target folder, link, size and sha256."""

    name: str
    url: str  # relative to the base
    bytes: int
    sha256: str


def is_remote(base: str) -> bool:
    """True for an http(s) base, False for a local folder."""
    return urllib.parse.urlsplit(base).scheme in ("http", "https")


def base_url(base: str) -> str:
    """The base with one trailing slash, so relative links resolve inside it."""
    return base if base.endswith("/") else base + "/"


def safe_relative(url: str) -> str:
    """A contentUrl as a clean relative path, or DownloadError if it could leave the base."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("/", "\\")) or "\\" in url:
        raise DownloadError(f"refusing contentUrl {url!r}: not a relative path under the base")
    path = urllib.parse.unquote(parts.path)
    normal = posixpath.normpath(path)
    if (not path or normal.startswith("../") or normal in ("..", ".")
            or ".." in path.split("/") or "\x00" in path):
        raise DownloadError(f"refusing contentUrl {url!r}: it points outside the base")
    return normal


def safe_name(name: str, target: Path) -> Path:
    """Where a file lands in the target folder, or DownloadError for a name that escapes it.

    A name is a file name or a relative path of plain names (`events/year=2017/part-0.parquet`
    for a table split by year): no empty, `.` or `..` part, no backslash, no NUL.
    """
    if (not name or "\\" in name or "\x00" in name
            or any(part in ("", ".", "..") for part in name.split("/"))):
        raise DownloadError(f"refusing file name {name!r}: not a plain file name or path")
    root = target.resolve()
    path = (target / name).resolve()
    if path == root or not path.is_relative_to(root):
        raise DownloadError(f"refusing file name {name!r}: it points outside {target}")
    return path


def open_source(base: str, relative: str, start: int = 0) -> tuple[IO[bytes], bool]:
    """Open base/relative from `start`; returns the stream and whether it really starts there."""
    if not is_remote(base):
        handle = (Path(base) / relative).open("rb")
        handle.seek(start)
        return handle, True
    request = urllib.request.Request(urllib.parse.urljoin(base_url(base), relative))
    if start:
        request.add_header("Range", f"bytes={start}-")
    response = urllib.request.urlopen(request, timeout=TIMEOUT)
    return response, start == 0 or response.status == 206


def read_catalog(base: str) -> dict[str, Any]:
    """The catalog.json at a base URL or folder."""
    try:
        handle, _ = open_source(base, CATALOG_FILE)
        with handle:
            return json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError) as error:
        raise DownloadError(f"cannot read {CATALOG_FILE} at {base}: {error}") from None


def pick_release(catalog: dict[str, Any], spec: str | None) -> dict[str, Any]:
    """The catalog entry for NAME[@VERSION]; default: the latest of the only dataset."""
    name, _, version = (spec or "").partition("@")
    entries = catalog.get("dataset") or []
    names = sorted({e["name"] for e in entries})
    if not name:
        if len(names) != 1:
            raise DownloadError(f"the catalog holds {len(names)} datasets ({', '.join(names)}): "
                                "name one, e.g. newsfacts@v0001")
        name = names[0]
    version = version or (catalog.get("latest") or {}).get(name, "")
    for entry in entries:
        if entry["name"] == name and entry["version"] == version:
            return entry
    raise DownloadError(f"no release {name}@{version or '?'} in the catalog "
                        f"(datasets: {', '.join(names) or 'none'})")


def release_files(entry: dict[str, Any], target: Path) -> list[RemoteFile]:
    """Every file of a catalog entry, each link and name checked before anything is fetched."""
    files = []
    for item in entry.get("distribution", []):
        safe_name(item["name"], target)
        size = str(item.get("contentSize", "")).removesuffix(" B")
        files.append(RemoteFile(item["name"], safe_relative(item["contentUrl"]),
                                int(size) if size.isdigit() else -1, item["sha256"]))
    return files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_file(base: str, item: RemoteFile, target: Path,
               on_bytes: Callable[[int], None] = lambda n: None) -> str:
    """Fetch one file to `<name>.part` (resumed if present), verify it, then rename it.

    Returns `skipped` (already there and verified), `resumed` or `fetched`.
    """
    final = safe_name(item.name, target)
    if final.is_file() and sha256_of(final) == item.sha256:
        on_bytes(final.stat().st_size)
        return "skipped"
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(final.name + ".part")
    start = part.stat().st_size if part.is_file() else 0
    if item.bytes >= 0 and start > item.bytes:
        start = 0
    state = "resumed" if start else "fetched"
    if item.bytes < 0 or start < item.bytes:
        source, ranged = open_source(base, item.url, start)
        if not ranged:  # the server ignored Range: start again
            start, state = 0, "fetched"
        on_bytes(start)
        with source, part.open("ab" if start else "wb") as out:
            for block in iter(lambda: source.read(CHUNK), b""):
                out.write(block)
                on_bytes(len(block))
    else:
        on_bytes(start)
    actual = sha256_of(part)
    if actual != item.sha256:
        part.unlink()
        raise ChecksumMismatch(f"checksum mismatch for {item.name}: expected sha256 {item.sha256}, "
                            f"got {actual}; the file was deleted")
    os.replace(part, final)
    return state


def download_release(base: str, spec: str | None, target: Path,
                     on_start: Callable[[int], None] = lambda total: None,
                     on_bytes: Callable[[int], None] = lambda n: None,
                     ) -> tuple[dict[str, Any], dict[str, str]]:
    """Fetch and verify every file of a release into `target`: (catalog entry, state per file)."""
    if not is_remote(base) and urllib.parse.urlsplit(base).scheme not in ("", "file"):
        raise DownloadError(f"unsupported base {base!r}: use http(s):// or a folder")
    base = base.removeprefix("file://")
    entry = pick_release(read_catalog(base), spec)
    target.mkdir(parents=True, exist_ok=True)
    files = release_files(entry, target)
    on_start(sum(max(f.bytes, 0) for f in files))
    states: dict[str, str] = {}
    mismatches: list[str] = []
    for item in files:
        try:
            states[item.name] = fetch_file(base, item, target, on_bytes)
        except ChecksumMismatch as mismatch:
            mismatches.append(str(mismatch))
        except OSError as error:
            raise DownloadError(f"download failed: {error} (run again to resume)") from None
    if mismatches:
        raise DownloadError("\n".join([
            *mismatches, f"{len(states)} of {len(files)} files verified in {target}; "
            f"{len(mismatches)} failed their checksum and were deleted"]))
    return entry, states

