"""Which files a file-based source (a file, or a folder of them) reads, and what to call them."""

from __future__ import annotations

import re
from pathlib import Path

# Characters of a file name that cannot stand in a source id as they are: control characters
# (a newline in a name is legal on Linux) and lone surrogates, which is how Python keeps the
# bytes of a name that is not UTF-8 (PEP 383); written as escapes instead.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def printable_name(name: str) -> str:
    """A path as text that any writer accepts: name bytes that are not UTF-8 as `\\xff`,
    control characters as `\\n`-style escapes; other names unchanged."""
    if UNPRINTABLE.search(name) is None:
        return name
    raw = name.encode("utf-8", "surrogateescape")
    text = raw.decode("utf-8", "backslashreplace")
    return UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def list_source_files(location: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """`location` itself when it is a file, else the files under it whose names end with one of
    `suffixes` (lower case), sorted by relative path so runs are reproducible."""
    if location.is_file():
        return [location]
    if not location.is_dir():
        raise FileNotFoundError(f"source does not exist (no such file or folder): {location}")
    files = [
        p for p in location.rglob("*")
        if p.is_file() and p.name.lower().endswith(suffixes) and not p.name.startswith(".")
    ]
    return sorted(files, key=lambda p: p.relative_to(location).as_posix())


def file_label(location: Path, path: Path) -> str:
    """A file's name in source ids and messages: the folder's name and the path inside it, or
    the file's own name; independent of where the source sits on disk."""
    if path == location:
        return printable_name(path.name)
    return printable_name(f"{location.resolve().name}/{path.relative_to(location).as_posix()}")
