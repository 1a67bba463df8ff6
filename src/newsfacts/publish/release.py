"""Atomic releases: write everything to a temporary folder, move it into place, then `latest`.

Durable too: every file and folder is fsynced before the rename that makes it visible, and a
publisher killed midway leaves only hidden names (`.staging-*`, `.publishing.json`) that the
next publisher removes, or finishes (docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import socket
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

VERSION_PATTERN = re.compile(r"^v(\d{4,})$")
LATEST = "latest"
LATEST_FILE = "latest.json"  # beside the symlink, for static hosts that cannot follow one
RUN_FILE = "run.json"
CHECKSUMS_FILE = "SHA256SUMS"
LOCK_FILE = ".lock"
LOGGER = logging.getLogger(__name__)
INTENT_FILE = ".publishing.json"  # the release being moved into place, until `latest` is moved
KILL_AT_ENV = "NEWSFACTS_TEST_KILL_AT"


@dataclass(frozen=True, slots=True)
class PublishedRelease:
    """Where a release is and whether this run created it."""

    version: str
    path: Path
    created: bool


@dataclass(frozen=True, slots=True)
class ReleaseContext:
    """What the metadata writers need to know about the release being written."""

    dataset: str
    version: str
    content_sha256: str
    previous: Path | None  # the release `latest` pointed at, if any


def dataset_root(out_root: Path, dataset: str) -> Path:
    """The folder holding every release of a dataset."""
    return out_root / dataset


def list_versions(root: Path) -> list[str]:
    """Published versions of a dataset, oldest first."""
    if not root.is_dir():
        return []
    found = [p.name for p in root.iterdir() if p.is_dir() and VERSION_PATTERN.match(p.name)]
    return sorted(found, key=lambda v: int(VERSION_PATTERN.match(v).group(1)))  # type: ignore[union-attr]


def next_version(root: Path) -> str:
    """The version after the newest one: v0001, v0002, ..."""
    versions = list_versions(root)
    last = int(VERSION_PATTERN.match(versions[-1]).group(1)) if versions else 0  # type: ignore[union-attr]
    return f"v{last + 1:04d}"


def latest_version(root: Path) -> str | None:
    """The version `latest` points at, if any."""
    link = root / LATEST
    return os.readlink(link) if link.is_symlink() else None


class PublishLocked(RuntimeError):
    """Another process holds the dataset's publish lock and this one chose not to wait."""

    def __init__(self, root: Path, holder: str) -> None:
        super().__init__(f"another run is publishing to {root} ({holder}); "
                         "nothing was published, try again when it is done")
        self.root = root
        self.holder = holder


def lock_holder(handle: IO[str]) -> str:
    """Who holds the lock, as its holder wrote it ("pid N on HOST"), or "pid unknown"."""
    handle.seek(0)
    return handle.read().strip() or "pid unknown"


@contextlib.contextmanager
def publish_lock(root: Path, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on the dataset while publishing.

    A second publisher waits for the first (`wait=True`) or raises PublishLocked naming the
    holder's pid. The lock is an flock on `<root>/.lock`: the kernel releases it when the
    holder exits, even if it crashes, so a stale file never blocks anyone.
    """
    root.mkdir(parents=True, exist_ok=True)
    # Opened without truncating: the holder's pid must survive a second process opening it.
    fd = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = lock_holder(handle)
            if not wait:
                raise PublishLocked(root, holder) from None
            LOGGER.warning("another run is publishing to %s (%s): waiting for it", root, holder)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"pid {os.getpid()} on {socket.gethostname()}\n")
            handle.flush()
            yield
        finally:
            handle.truncate(0)
            handle.flush()
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive flock on a folder itself (no lock file left in it); others wait."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def kill_point(name: str) -> None:
    """Test hook (tests/test_kill.py): SIGKILL this process here when the environment variable
    NEWSFACTS_TEST_KILL_AT is `name`; nothing otherwise."""
    if os.environ.get(KILL_AT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def fsync_path(path: Path) -> None:
    """Flush a file, or a folder's entries (so a rename in it survives a power cut), to disk."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def fsync_tree(folder: Path) -> None:
    """fsync every file and folder under `folder`, deepest first, then `folder` itself."""
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if not path.is_symlink():
            fsync_path(path)
    fsync_path(folder)


def write_durably(path: Path, text: str) -> None:
    """Write a small file to a temporary name beside it, fsync it, os.replace it into place,
    fsync the folder (which also makes earlier renames in it durable)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    tmp.chmod(0o644)
    os.replace(tmp, path)
    fsync_path(path.parent)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_files(folder: Path) -> list[str]:
    """Every file of a release folder as a sorted relative POSIX path, partition files
    (`events/year=2017/part-0.parquet`) included, hidden ones left out."""
    found = (p.relative_to(folder) for p in folder.rglob("*") if p.is_file())
    return sorted(r.as_posix() for r in found if not any(s.startswith(".") for s in r.parts))


def content_digest(folder: Path, exclude: frozenset[str]) -> str:
    """One hash over every file's path and bytes (except `exclude`): the release's content."""
    digest = hashlib.sha256()
    for name in release_files(folder):
        if name not in exclude:
            digest.update(f"{name}\x00{file_sha256(folder / name)}\n".encode())
    return digest.hexdigest()


def write_checksums(folder: Path) -> None:
    """`SHA256SUMS` in the format `sha256sum -c` reads (paths relative to the release)."""
    lines = [f"{file_sha256(folder / name)}  {name}\n"
             for name in release_files(folder) if name != CHECKSUMS_FILE]
    (folder / CHECKSUMS_FILE).write_text("".join(lines), encoding="utf-8")


def point_latest(root: Path, version: str) -> None:
    """Move `latest` to `version` in one step (symlink swapped with os.replace)."""
    tmp_link = root / f".{LATEST}.tmp"
    with contextlib.suppress(FileNotFoundError):
        tmp_link.unlink()
    tmp_link.symlink_to(version, target_is_directory=True)
    os.replace(tmp_link, root / LATEST)


def write_latest_file(root: Path, dataset: str, version: str, content_sha256: str) -> None:
    """`latest.json`: where `latest` points, as a file (swapped with os.replace)."""
    info = {
        "checksums": f"{version}/{CHECKSUMS_FILE}",
        "content_sha256": content_sha256,
        "croissant": f"{version}/croissant.json",
        "datapackage": f"{version}/datapackage.json",
        "dataset": dataset,
        "path": f"{version}/",
        "version": version,
    }
    write_durably(root / LATEST_FILE, json.dumps(info, indent=2, sort_keys=True) + "\n")


def move_latest(root: Path, dataset: str, version: str, content_sha256: str,
                hook: str | None = None) -> None:
    """Point `latest`, then `latest.json`, at a release already in place; then forget the
    intent file that said this was pending. (`hook`: a kill point between the two.)"""
    point_latest(root, version)
    if hook is not None:
        kill_point(hook)
    write_latest_file(root, dataset, version, content_sha256)  # fsyncs root: both moves
    (root / INTENT_FILE).unlink(missing_ok=True)


def recover_interrupted(root: Path, dataset: str) -> None:
    """Clean up after a publisher that was killed (called with the lock held, so nobody else
    is publishing): remove its staging folders and temporary files; if it had renamed its
    release into place (the intent file names a version that exists), finish its job by
    moving `latest` and `latest.json` there, as it would have done."""
    for stale in root.glob(".staging-*"):
        shutil.rmtree(stale)
    for tmp in root.glob(".*.tmp"):  # `latest`, latest.json or the intent file, half made
        tmp.unlink()
    intent = root / INTENT_FILE
    if intent.is_file():
        pending = json.loads(intent.read_text(encoding="utf-8"))
        if (root / pending["version"]).is_dir():
            move_latest(root, dataset, pending["version"], pending["content_sha256"])
        intent.unlink(missing_ok=True)


def read_run_info(release: Path) -> dict[str, Any]:
    """The run.json of a published release."""
    return json.loads((release / RUN_FILE).read_text(encoding="utf-8"))


def publish_release(
    out_root: Path,
    dataset: str,
    write_files: Callable[[Path], None],
    run_info: dict[str, Any],
    write_metadata: Callable[[Path, ReleaseContext], None] | None = None,
    wait_for_lock: bool = True,
) -> PublishedRelease:
    """Write a release atomically; if its content equals `latest`, keep `latest` instead.

    `write_files(folder)` writes the data files: their hashes are the release's content.
    `write_metadata(folder, context)` then adds the files that describe them (and may
    depend on the version and on the previous release); it raises if the release is not
    valid. `run.json` and `SHA256SUMS` are added here. Nothing is visible until the folder
    is renamed into place (after an fsync of all of it); `latest` and `latest.json` move only
    after that. What a killed publisher left is cleaned up or finished first. One publisher
    at a time: another one waits, or raises PublishLocked when `wait_for_lock` is False.
    """
    root = dataset_root(out_root, dataset)
    with publish_lock(root, wait=wait_for_lock):
        recover_interrupted(root, dataset)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
        try:
            write_files(staging)
            digest = content_digest(staging, exclude=frozenset({RUN_FILE, CHECKSUMS_FILE}))
            current = latest_version(root)
            if current and read_run_info(root / current).get("content_sha256") == digest:
                return PublishedRelease(current, root / current, created=False)
            version = next_version(root)
            if write_metadata is not None:
                previous = root / current if current else None
                write_metadata(staging, ReleaseContext(dataset, version, digest, previous))
            info = {"dataset": dataset, "version": version, "content_sha256": digest, **run_info}
            (staging / RUN_FILE).write_text(
                json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            write_checksums(staging)
            for path in staging.rglob("*"):
                path.chmod(0o755 if path.is_dir() else 0o644)
            staging.chmod(0o755)
            fsync_tree(staging)
            kill_point("staged")
            write_durably(root / INTENT_FILE,
                          json.dumps({"version": version, "content_sha256": digest}) + "\n")
            os.replace(staging, root / version)
            fsync_path(root)
            kill_point("placed")
            move_latest(root, dataset, version, digest, hook="latest-moved")
            return PublishedRelease(version, root / version, created=True)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
