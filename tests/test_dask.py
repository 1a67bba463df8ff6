"""Scale-out: the build flow on Dask publishes the same bytes as the sequential build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsfacts.pipeline import run_build
from processes import stop_process_group

pytestmark = [pytest.mark.flow, pytest.mark.dask]

ROOT = Path(__file__).resolve().parent.parent
DASK = Path(sys.executable).with_name("dask")
RUN_TIMEOUT = 900  # seconds: a Dask build of the seeds on a busy 2-core machine


def run_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a build process: this checkout, its own Prefect home."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "PREFECT_HOME": str(tmp_path / "prefect-home")}


def run_logged(command: list[str], env: dict[str, str], log: Path) -> str:
    """Run a command to completion; on failure, fail the test with its output."""
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=RUN_TIMEOUT)
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    assert result.returncode == 0, f"{command} exited {result.returncode}:\n{log.read_text()}"
    return result.stdout


def release_files(release: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(release.iterdir())}


@pytest.fixture(scope="module")
def sequential_release(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of the plain, one-batch-after-another build of the seeds (batch size 1)."""
    out = tmp_path_factory.mktemp("sequential")
    summary = run_build(ROOT / "seeds", out, batch_size=1)
    return release_files(summary.release_path)


def test_dask_local_cluster_release_is_byte_identical(
    sequential_release: dict[str, bytes], tmp_path: Path
) -> None:
    """`newsfacts build --task-runner dask` (a LocalCluster of 2 worker processes)."""
    stdout = run_logged(
        [sys.executable, "-c", "from newsfacts.cli import app; app()", "build",
         "--source", str(ROOT / "seeds"), "--out", str(tmp_path / "out"), "--batch-size", "1",
         "--task-runner", "dask", "--dask-workers", "2"],
        run_env(tmp_path), tmp_path / "build.log")
    assert "newsfacts v0001: published" in stdout
    dask_files = release_files(tmp_path / "out" / "newsfacts" / "v0001")
    assert dask_files.keys() == sequential_release.keys()
    assert [n for n in dask_files if dask_files[n] != sequential_release[n]] == []


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """An existing cluster: `dask scheduler` and `dask worker --nworkers 2` on 127.0.0.1."""
    env = run_env(tmp_path)
    scheduler_file = tmp_path / "scheduler.json"
    logs = {name: (tmp_path / f"{name}.log").open("w") for name in ("scheduler", "workers")}
    processes = [subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
         "--scheduler-file", str(scheduler_file)],
        env=env, cwd=ROOT, stdout=logs["scheduler"], stderr=subprocess.STDOUT,
        start_new_session=True)]
    try:
        address = wait_for_scheduler(scheduler_file, processes[0], timeout=120)
        processes.append(subprocess.Popen(
            [str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1",
             "--no-dashboard", "--local-directory", str(tmp_path / "dask-workers")],
            env=env, cwd=ROOT, stdout=logs["workers"], stderr=subprocess.STDOUT,
            start_new_session=True))
        yield address
    except BaseException:
        for log in logs.values():
            log.flush()
        print("\n".join(f"--- {n}:\n{(tmp_path / f'{n}.log').read_text()}" for n in logs))
        raise
    finally:
        for process in reversed(processes):
            stop_process_group(process)
        for log in logs.values():
            log.close()


def wait_for_scheduler(scheduler_file: Path, process: subprocess.Popen[bytes],
                       timeout: float) -> str:
    """The scheduler's address once it has written its scheduler file."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if scheduler_file.is_file():
            try:
                return json.loads(scheduler_file.read_text())["address"]
            except (ValueError, KeyError):
                pass  # being written
        assert process.poll() is None, "dask scheduler exited"
        time.sleep(0.5)
    pytest.fail(f"dask scheduler did not start in {timeout}s")


def test_dask_existing_cluster_release_is_byte_identical_and_models_load_per_worker(
    sequential_release: dict[str, bytes], dask_cluster: str, tmp_path: Path
) -> None:
    """`python -m flows.build --task-runner dask --dask-address tcp://…`: batches run on the
    cluster's worker processes, each of which loaded its own spaCy model."""
    from distributed import Client

    run_logged(
        [sys.executable, "-m", "flows.build", "--source", str(ROOT / "seeds"),
         "--out", str(tmp_path / "out"), "--batch-size", "1",
         "--task-runner", "dask", "--dask-address", dask_cluster],
        run_env(tmp_path), tmp_path / "build.log")
    dask_files = release_files(tmp_path / "out" / "newsfacts" / "v0001")
    assert [n for n in dask_files if dask_files.get(n) != sequential_release.get(n)] == []
    assert dask_files.keys() == sequential_release.keys()

    with Client(dask_cluster, timeout=60) as client:
        models_loaded = client.run(
            lambda: __import__("newsfacts.extract.nlp", fromlist=["load_model"])
            .load_model.cache_info().currsize)
    assert len(models_loaded) == 2
    assert sum(models_loaded.values()) >= 1, models_loaded  # the batches ran on the workers
