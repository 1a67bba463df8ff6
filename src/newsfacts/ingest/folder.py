"""Folder source: every `.txt` and `.html` article file under a directory, in a stable order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from newsfacts.ingest.decode import decode_article_bytes, raw_article_from_bytes
from newsfacts.ingest.html import html_bytes_to_text
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
    """Article files under `root`, sorted by relative path (so runs are reproducible)."""
    if not root.is_dir():
        raise NotADirectoryError(f"source folder does not exist or is not a folder: {root}")
    files = [
        p for p in root.rglob("*")
        if bytes_to_text_for(p) is not None and not p.name.startswith(".")
    ]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def source_uri_for(root: Path, path: Path) -> str:
    """Source identity of a file: the folder's name and the path inside it.

    Independent of where the folder sits on disk, so ids match across machines.
    """
    return f"{root.resolve().name}/{path.relative_to(root).as_posix()}"


def read_folder(root: Path) -> Iterator[RawArticle | Rejection]:
    """Yield a RawArticle or a Rejection per file; an unreadable file never stops the run."""
    for path in list_article_files(root):
        uri = source_uri_for(root, path)
        to_text, text_format = bytes_to_text_for(path) or (decode_article_bytes, "text")
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Rejection(uri, None, None, "ingest", "ingest_unreadable", f"{uri}: {exc}")
            continue
        yield raw_article_from_bytes(uri, data, to_text, text_format)
