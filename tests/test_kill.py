"""SIGKILL during publishing: a real `newsfacts build` of the seeds killed at each step of the
release protocol (the hook `NEWSFACTS_TEST_KILL_AT`, publish/release.py), and a small publisher
killed from outside at random moments. After every kill no partial release is visible, `latest`
and `latest.json` point at complete releases (or are absent), the input was not touched, and
the next run cleans up or finishes what the dead one left, then publishes."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from release_state import RootState, check_root, cli, cli_env, snapshot

pytestmark = pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs sha256sum")


def build(source: Path, out: Path, kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli("build", "--source", str(source), "--out", str(out)),
                          env=cli_env(kill_at), cwd=out.parent, capture_output=True, text=True,
                          timeout=600)


def killed(source: Path, out: Path, point: str) -> RootState:
    """Run a build killed at `point`; return the publish root's state, checked."""
    result = build(source, out, point)
    assert result.returncode == -signal.SIGKILL, (point, result.returncode, result.stderr)
    return check_root(out)


def test_a_build_killed_at_each_step_of_publishing(seeds_dir: Path, tmp_path: Path) -> None:
    # Two inputs, so that every run has something new to publish: the seeds, and one of them.
    both, one = tmp_path / "seeds", tmp_path / "one"
    shutil.copytree(seeds_dir, both)
    one.mkdir()
    first = sorted(seeds_dir.glob("*.txt"))[0]
    shutil.copy2(first, one / first.name)
    inputs = {both: snapshot(both), one: snapshot(one)}
    out = tmp_path / "out"
    data = out / "newsfacts"

    # Killed while writing the data files (CSV written, Parquet not yet): nothing visible.
    state = killed(both, out, "data-files")
    assert (state.versions, state.latest, state.latest_file, state.catalog) == ([], None, None,
                                                                               None)
    (staging,) = data.glob(".staging-*")
    assert (staging / "articles.csv").is_file() and not (staging / "articles.parquet").exists()

    # Killed with the release staged and checked, just before the rename: still nothing
    # visible; the first run's staging folder is gone (removed by this run, under the lock).
    state = killed(both, out, "staged")
    assert (state.versions, state.latest, state.latest_file) == ([], None, None)
    assert not staging.exists()
    (staging,) = data.glob(".staging-*")
    assert (staging / "SHA256SUMS").is_file()

    # Killed after the rename, before `latest` moved: v0001 is whole; nothing points at it
    # yet; the intent file says it is pending.
    state = killed(both, out, "placed")
    assert (state.versions, state.latest, state.latest_file) == (["v0001"], None, None)
    assert state.hidden == ["newsfacts/.publishing.json"]

    # Another input, killed between the `latest` symlink and latest.json: this run first
    # finished the last one's job (latest -> v0001), then published v0002 on top of it.
    state = killed(one, out, "latest-moved")
    assert (state.versions, state.latest, state.latest_file) == (["v0001", "v0002"], "v0002",
                                                                 "v0001")
    assert '"previous_version": "v0001"' in (data / "v0002" / "changes.json").read_text()

    # Killed while writing the catalog (catalog.json's temporary file written, not renamed).
    state = killed(both, out, "catalog")
    assert (state.versions, state.latest, state.latest_file) == (["v0001", "v0002", "v0003"],
                                                                 "v0003", "v0003")
    assert state.catalog is None and [h for h in state.hidden if ".catalog.json." in h]

    # The next run completes and publishes; everything left behind is gone.
    result = build(one, out)
    assert result.returncode == 0, result.stderr
    assert "newsfacts v0004: published" in result.stdout
    state = check_root(out)
    assert state == RootState(["v0001", "v0002", "v0003", "v0004"], "v0004", "v0004",
                              ["v0001", "v0002", "v0003", "v0004"], [])
    assert (out / "index.html").is_file()
    assert {folder: snapshot(folder) for folder in inputs} == inputs  # inputs untouched


# A publisher that publishes and rewrites the catalog over and over, each release different
# (twelve small files), until it is killed.
LOOP = """
import sys
from pathlib import Path
from newsfacts.publish.catalog import write_catalog
from newsfacts.publish.release import folder_lock, publish_release
out, run = Path(sys.argv[1]), sys.argv[2]

def writer(tag):
    def write(folder):
        for part in range(12):
            (folder / f"part{part:02d}.csv").write_text(f"{tag},{part}\\n" * 2_000)
    return write

print("ready", flush=True)
for n in range(1_000_000):
    publish_release(out, "ds", writer(f"{run}-{n}"), {"run": run, "n": n})
    with folder_lock(out):
        write_catalog(out)
"""
RANDOM_KILLS = 25


def where_it_died(state: RootState) -> str:
    """Which step a kill interrupted, as far as the leftovers tell."""
    if any(".staging-" in h for h in state.hidden):
        return "staging"
    if any(".publishing.json" in h for h in state.hidden):
        return "placing (latest not yet moved)" if state.latest != state.versions[-1] else (
            "moving latest")
    if any(".catalog.json." in h or ".index.html." in h for h in state.hidden):
        return "catalog"
    return "between steps"


def test_publishers_killed_at_random_moments(tmp_path: Path) -> None:
    out = tmp_path / "out"
    rng = random.Random(8)
    seen: dict[str, int] = {}
    verified: set[str] = set()
    for run in range(RANDOM_KILLS):
        process = subprocess.Popen([sys.executable, "-c", LOOP, str(out), str(run)],
                                   env=cli_env(), stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.5))
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=60) == -signal.SIGKILL
        state = check_root(out, "ds", verified)
        if state.versions and not any(".publishing.json" in h for h in state.hidden):
            # `latest` lags the newest release only while the intent file says so
            assert state.latest == state.latest_file == state.versions[-1]
        place = where_it_died(state)
        seen[place] = seen.get(place, 0) + 1
    finish = subprocess.run([sys.executable, "-c", LOOP.replace("range(1_000_000)", "range(1)"),
                             str(out), "last"], env=cli_env(), capture_output=True, text=True,
                            timeout=60)
    assert finish.returncode == 0, finish.stderr
    state = check_root(out, "ds")
    assert state.hidden == [] and state.latest == state.latest_file == state.versions[-1]
    assert state.catalog == state.versions and (out / "index.html").is_file()
    print(f"{RANDOM_KILLS} kills, {len(state.versions)} releases; where: {seen}")
