"""Concurrent runs on one publish root: three real `newsfacts build` processes started together
(two on the same input, one on another) all finish, one after the other at publish time, and
leave a root where every release verifies, each release's `previous` is the one before it,
`latest` is the newest and the catalog lists them all."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsfacts.publish.release import publish_lock
from release_state import RootState, check_root, cli, cli_env

pytestmark = pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs sha256sum")


def test_three_builds_at_once_on_one_root(seeds_dir: Path, tmp_path: Path) -> None:
    one = tmp_path / "one"
    one.mkdir()
    first = sorted(seeds_dir.glob("*.txt"))[0]
    shutil.copy2(first, one / first.name)
    out = tmp_path / "out"
    inputs = [seeds_dir, seeds_dir, one]
    processes = [subprocess.Popen(cli("build", "--source", str(source), "--out", str(out)),
                                  env=cli_env(), cwd=tmp_path, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for source in inputs]
    results = [p.communicate(timeout=900) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], [err for _, err in results]

    state = check_root(out)
    n = len(state.versions)
    # The seeds are published once or twice (twice when the other input came in between).
    assert state.versions == [f"v{i:04d}" for i in range(1, n + 1)] and n in (2, 3)
    assert state == RootState(state.versions, state.versions[-1], state.versions[-1],
                              state.versions, [])
    data = out / "newsfacts"
    for before, version in zip([None, *state.versions], state.versions, strict=False):
        changes = json.loads((data / version / "changes.json").read_text(encoding="utf-8"))
        assert changes["previous_version"] == before  # each publisher saw the one before it
    said = {line.split(":")[0].split()[-1] for out_text, _ in results
            for line in out_text.splitlines() if line.startswith("newsfacts v")}
    assert said == set(state.versions)  # every run reports a release that exists
    sources = [json.loads((data / v / "run.json").read_text())["settings"]["source"]
               for v in state.versions]
    assert sorted(set(sources)) == ["one", "seeds"]


WAITER = """
import sys
from pathlib import Path
from newsfacts.publish.release import publish_release
def write(folder):
    (folder / "data.txt").write_text("waited")
print("publishing", flush=True)
print(publish_release(Path(sys.argv[1]), "ds", write, {}).version, flush=True)
"""


def test_a_second_publisher_waits_for_the_lock(tmp_path: Path) -> None:
    with publish_lock(tmp_path / "ds"):
        waiter = subprocess.Popen([sys.executable, "-c", WAITER, str(tmp_path)], env=cli_env(),
                                  stdout=subprocess.PIPE, text=True)
        assert waiter.stdout is not None and waiter.stdout.readline() == "publishing\n"
        time.sleep(2.0)
        assert waiter.poll() is None  # still waiting
        assert not (tmp_path / "ds" / "v0001").exists()
    assert waiter.communicate(timeout=60)[0] == "v0001\n"
    assert check_root(tmp_path, "ds").latest == "v0001"
