"""What a publish root must look like at any moment, however its publishers died: used by the
kill and concurrency tests. Not a test module."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from newsfacts.publish.release import (
    CHECKSUMS_FILE,
    LATEST_FILE,
    latest_version,
    list_versions,
    release_files,
)

ROOT = Path(__file__).resolve().parent.parent
LEFT_ALONE = {".lock", ".state"}  # locks, and the incremental state (issue-incr), not leftovers


@dataclass(frozen=True)
class RootState:
    """The visible state of a publish root (every release in it verified) and what is hidden."""

    versions: list[str]
    latest: str | None  # the `latest` symlink
    latest_file: str | None  # latest.json's version
    catalog: list[str] | None  # the versions catalog.json lists (None: no catalog yet)
    hidden: list[str]  # hidden names in the dataset folder and the root but LEFT_ALONE


def verify_release(folder: Path) -> None:
    """The release is complete: SHA256SUMS lists every other file, and `sha256sum -c` agrees."""
    sums = folder / CHECKSUMS_FILE
    assert sums.is_file(), f"{folder}: no {CHECKSUMS_FILE}"
    listed = [line.split("  ", 1)[1] for line in sums.read_text(encoding="utf-8").splitlines()]
    assert sorted(listed) == [n for n in release_files(folder) if n != CHECKSUMS_FILE], folder
    check = subprocess.run(["sha256sum", "--check", "--strict", "--quiet", CHECKSUMS_FILE],
                           cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0, f"{folder}: {check.stdout}{check.stderr}"
    run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    assert run["version"] == folder.name


def check_root(out: Path, dataset: str = "newsfacts",
               verified: set[str] | None = None) -> RootState:
    """Assert the invariants of a publish root and return its state: every version folder is a
    complete release; `latest`, `latest.json` and the catalog point only at those (or are
    absent); catalog.json and index.html are each whole or absent. Versions in `verified` (which
    gets the ones checked now) are not checked again."""
    folder = out / dataset
    versions = list_versions(folder)
    for version in versions:
        if verified is None or version not in verified:
            verify_release(folder / version)
    if verified is not None:
        verified.update(versions)
    latest = latest_version(folder) if folder.is_dir() else None
    assert latest is None or latest in versions, f"latest -> {latest}, not a release"
    latest_file = None
    if (folder / LATEST_FILE).exists():
        pointer = json.loads((folder / LATEST_FILE).read_text(encoding="utf-8"))
        latest_file = pointer["version"]
        assert latest_file in versions, f"latest.json -> {latest_file}, not a release"
        run = json.loads((folder / latest_file / "run.json").read_text(encoding="utf-8"))
        assert pointer["content_sha256"] == run["content_sha256"]
    catalog = None
    if (out / "catalog.json").exists():
        document = json.loads((out / "catalog.json").read_text(encoding="utf-8"))
        catalog = [d["version"] for d in document["dataset"] if d["name"] == dataset]
        assert set(catalog) <= set(versions), f"catalog lists {catalog}, on disk {versions}"
        for entry in document["dataset"]:
            for item in entry["distribution"]:
                assert file_sha256(out / item["contentUrl"]) == item["sha256"], item
    if (out / "index.html").exists():  # whole; a kill between the two files may leave it
        # older than catalog.json, or absent after the very first catalog.json
        page = (out / "index.html").read_text(encoding="utf-8")
        assert page.endswith("</html>\n")
        for link in re.findall(r'(?:href|src)="([^"]+)"', page):
            assert (out / html.unescape(link)).is_file(), f"index.html links to {link}"
    hidden = sorted(
        f"{where.name}/{p.name}" for where in (out, folder) if where.is_dir()
        for p in where.iterdir() if p.name.startswith(".") and p.name not in LEFT_ALONE)
    return RootState(versions, latest, latest_file, catalog, hidden)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file under `folder`: its sha256 and mtime (to show an input was not touched)."""
    return {p.relative_to(folder).as_posix(): (file_sha256(p), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(*args: str) -> list[str]:
    """The `newsfacts` command as a subprocess argument list (run with `cli_env`)."""
    return [sys.executable, "-c", "from newsfacts.cli import app; app()", *args]


def cli_env(kill_at: str | None = None) -> dict[str, str]:
    """The environment of a subprocess: this checkout's code, and the kill point if any."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSFACTS_TEST_KILL_AT"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                      env.get("PYTHONPATH")]))
    if kill_at is not None:
        env["NEWSFACTS_TEST_KILL_AT"] = kill_at
    return env
