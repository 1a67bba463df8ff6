"""Two runs never publish at once: a second publisher waits, or exits naming the holder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsfacts.publish.release import PublishLocked, publish_lock

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
# A real process that takes the dataset's publish lock and holds it until its stdin gets a line.
HOLDER = """
import sys
from pathlib import Path
from newsfacts.publish.release import publish_lock
with publish_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.readline()
"""
BUILD_TIMEOUT = 600  # seconds: a build of the seeds on a busy 2-core machine


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A process holding the lock of `<tmp_path>/out/newsfacts` (the dataset folder)."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "out" / "newsfacts")],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV)
    assert process.stdout is not None and process.stdout.readline() == "locked\n"
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(timeout=30)


def cli_build(out: Path, *args: str, stderr: object = subprocess.PIPE) -> subprocess.Popen[str]:
    """`newsfacts build` on the seeds in a process of its own."""
    return subprocess.Popen(
        [sys.executable, "-c", "from newsfacts.cli import app; app()", "build",
         "--source", str(ROOT / "seeds"), "--out", str(out), *args],
        stdout=subprocess.PIPE, stderr=stderr, text=True, env=ENV, cwd=ROOT)


def wait_for_text(path: Path, text: str, process: subprocess.Popen[str], timeout: float) -> None:
    """Poll a log file until it contains `text`; fail early if the process ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in path.read_text(encoding="utf-8", errors="replace"):
            return
        if process.poll() is not None:
            break
        time.sleep(0.5)
    pytest.fail(f"{text!r} not seen in {timeout}s (exit {process.poll()}):\n{path.read_text()}")


def test_lock_names_its_holder_and_is_released_when_the_holder_dies(
    holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    dataset = tmp_path / "out" / "newsfacts"
    with pytest.raises(PublishLocked) as refused, publish_lock(dataset, wait=False):
        pass
    assert refused.value.root == dataset
    assert refused.value.holder.startswith(f"pid {holder.pid} on ")
    assert str(refused.value).startswith(
        f"another run is publishing to {dataset} (pid {holder.pid} on ")

    holder.send_signal(signal.SIGKILL)  # a crashed holder: the kernel drops its flock
    holder.wait(timeout=30)
    with publish_lock(dataset, wait=False):
        assert (dataset / ".lock").read_text().startswith(f"pid {os.getpid()} on ")
    assert (dataset / ".lock").read_text() == ""


def test_second_build_waits_or_exits_3_while_another_run_publishes(
    holder: subprocess.Popen[str], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    waiter_log = tmp_path / "waiter.stderr"
    with waiter_log.open("w") as log:
        waiter = cli_build(out, stderr=log)
        refused = cli_build(out, "--no-wait")
        try:
            _, refused_err = refused.communicate(timeout=BUILD_TIMEOUT)
            assert refused.returncode == 3, refused_err
            assert (f"another run is publishing to {out / 'newsfacts'} (pid {holder.pid} on "
                    in refused_err)

            wait_for_text(waiter_log, "waiting for it", waiter, BUILD_TIMEOUT)
            assert f"(pid {holder.pid} on " in waiter_log.read_text()
            time.sleep(1)
            assert waiter.poll() is None, "the waiting build ended while the lock was held"
            assert not (out / "newsfacts" / "v0001").exists()

            assert holder.stdin is not None
            holder.stdin.write("release\n")
            holder.stdin.flush()
            waiter_out, _ = waiter.communicate(timeout=BUILD_TIMEOUT)
        finally:
            for process in (waiter, refused):
                if process.poll() is None:
                    process.kill()
                    process.wait(timeout=30)
    assert waiter.returncode == 0, waiter_log.read_text()
    assert "newsfacts v0001: published" in waiter_out
    assert (out / "newsfacts" / "latest").resolve().name == "v0001"
