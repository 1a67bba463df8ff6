"""Which files a file-based source (a file, or a folder of them) reads, and what to call them."""

from __future__ import annotations

from pathlib import Path


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
        return path.name
    return f"{location.resolve().name}/{path.relative_to(location).as_posix()}"
