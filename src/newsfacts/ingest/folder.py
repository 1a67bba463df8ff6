"""Folder source: every `.txt` file under a directory, in a stable order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.records import RawArticle, Rejection

ARTICLE_SUFFIXES = frozenset({".txt"})


def list_article_files(root: Path) -> list[Path]:
    """Article files under `root`, sorted by relative path (so runs are reproducible)."""
    if not root.is_dir():
        raise NotADirectoryError(f"source folder does not exist or is not a folder: {root}")
    files = [
        p for p in root.rglob("*")
        if p.suffix.lower() in ARTICLE_SUFFIXES and not p.name.startswith(".")
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
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Rejection(uri, None, None, "ingest", "ingest_unreadable", f"{uri}: {exc}")
            continue
        yield raw_article_from_bytes(uri, data)
