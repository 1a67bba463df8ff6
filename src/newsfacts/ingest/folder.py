"""Folder source: every `.txt` and `.html` article file under a directory, in a stable order.

Files and symbolic links are read when they lead to a regular file inside the folder. A link
that leads outside it is refused (`ingest_symlink_outside`: a scraped folder must not make a
build publish `/etc/passwd`), and so is one that loops (`ingest_symlink_loop`) or leads
nowhere, and a name that is not a regular file (a named pipe would block the read forever:
`ingest_not_a_file`). Linked folders are not entered (pathlib does not follow them), and
hidden files (names starting with `.`) are not articles.
"""

from __future__ import annotations

import errno
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from newsfacts.ingest.decode import (
    decode_article_bytes,
    raw_article_from_bytes,
    too_large_detail,
)
from newsfacts.ingest.html import html_bytes_to_text
from newsfacts.ingest.paths import printable_name
from newsfacts.limits import current_limits
from newsfacts.records import RawArticle, Rejection, TextFormat

# File name endings (lower case) and how their bytes become article text; gzip is sniffed.
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")


def bytes_to_text_for(path: Path) -> tuple[Callable[[bytes], str], TextFormat] | None:
    """How to turn this file's bytes into article text and what that text is, or None when
    the file is not an article."""
    name = path.name.lower()
    if name.endswith(HTML_SUFFIXES):
        return html_bytes_to_text, "html"
    if name.endswith(TEXT_SUFFIXES):
        return decode_article_bytes, "text"
    return None


def list_article_files(root: Path) -> list[Path]:
    """Article files under `root` (by name; folders left out), sorted by relative path (so
    runs are reproducible)."""
    if not root.is_dir():
        raise NotADirectoryError(f"source folder does not exist or is not a folder: {root}")
    files = [
        p for p in root.rglob("*")
        if bytes_to_text_for(p) is not None and not p.name.startswith(".")
        and (p.is_symlink() or not p.is_dir())
    ]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def source_uri_for(root: Path, path: Path) -> str:
    """Source identity of a file: the folder's name and the path inside it.

    Independent of where the folder sits on disk, so ids match across machines.
    """
    return printable_name(f"{root.resolve().name}/{path.relative_to(root).as_posix()}")


def link_problem(root: Path, path: Path) -> tuple[str, str] | None:
    """(reason, detail) when `path` is a symbolic link that must not be read, else None."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop this way
        return "ingest_symlink_loop", "a symbolic link that loops back on itself: not read"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "ingest_symlink_loop", "a symbolic link that loops back on itself: not read"
        return "ingest_unreadable", "a symbolic link to a file that does not exist"
    if not target.is_relative_to(root.resolve()):
        return ("ingest_symlink_outside", "a symbolic link to a file outside the source "
                "folder: not read (links are followed only within the folder)")
    return None


def file_problem(root: Path, path: Path, limit: int) -> tuple[str, str] | None:
    """(reason, detail) when the file cannot or must not be read, else None."""
    problem = link_problem(root, path)
    if problem is not None:
        return problem
    try:
        info = path.stat()
    except OSError as exc:
        return "ingest_unreadable", exc.strerror or type(exc).__name__
    if stat.S_ISDIR(info.st_mode):
        return "ingest_not_a_file", "a symbolic link to a folder, not an article file"
    if not stat.S_ISREG(info.st_mode):
        return "ingest_not_a_file", "not a regular file (a named pipe, socket or device)"
    if info.st_size > limit:
        return "ingest_too_large", too_large_detail(info.st_size, limit, "file")
    return None


def read_capped(path: Path, limit: int) -> bytes:
    """The file's bytes, at most `limit` + 1 of them (a file may grow after stat)."""
    with path.open("rb") as handle:
        return handle.read(limit + 1)


def read_folder(root: Path) -> Iterator[RawArticle | Rejection]:
    """Yield a RawArticle or a Rejection per file; an unreadable file never stops the run."""
    limits = current_limits()
    for path in list_article_files(root):
        uri = source_uri_for(root, path)
        to_text, text_format = bytes_to_text_for(path) or (decode_article_bytes, "text")
        limit = limits.max_html_bytes if text_format == "html" else limits.max_article_bytes
        problem = file_problem(root, path, limit)
        if problem is None:
            try:
                data = read_capped(path, limit)
            except OSError as exc:
                problem = "ingest_unreadable", exc.strerror or type(exc).__name__
        if problem is not None:
            yield Rejection(uri, None, None, "ingest", problem[0], f"{uri}: {problem[1]}")
            continue
        yield raw_article_from_bytes(uri, data, to_text, text_format)
