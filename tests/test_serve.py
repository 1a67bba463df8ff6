"""Schedules through a real Prefect server: `newsfacts serve`, a triggered run, a cron run.

A `prefect server start` on 127.0.0.1 (its own home and SQLite database in tmp) and a
`newsfacts serve` process pointed at it; the tests talk to the server's REST API with httpx.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from processes import stop_process_group

pytestmark = [pytest.mark.flow, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
PREFECT = Path(sys.executable).with_name("prefect")
START_TIMEOUT = 240  # seconds for the server or the deployment to come up on a busy machine
RUN_TIMEOUT = 600  # seconds for one flow run of the seeds
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
# Far enough ahead that `serve` has registered the deployment before the first cron minute.
SCHEDULE_LEAD = dt.timedelta(seconds=100)


@dataclass
class Served:
    """A Prefect server and `newsfacts serve` registered with it."""

    api: str
    deployment_id: str
    cron_minutes: list[dt.datetime]  # the UTC minutes the schedule fires at
    scheduled_out: Path  # where scheduled runs publish
    config: Path  # the sources file served
    logs: Callable[[], str]  # tails of the server's and serve's logs, for failure messages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cron_once_at(minutes: list[dt.datetime]) -> str:
    """A daily cron firing at these UTC minutes (and, harmlessly, their other combinations)."""
    return (f"{','.join(sorted({str(m.minute) for m in minutes}))} "
            f"{','.join(sorted({str(m.hour) for m in minutes}))} * * *")


def next_minutes(lead: dt.timedelta, count: int) -> list[dt.datetime]:
    """`count` whole UTC minutes, two apart, the first at least `lead` from now."""
    start = dt.datetime.now(dt.UTC) + lead
    first = start.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return [first + dt.timedelta(minutes=2 * i) for i in range(count)]


def tail(path: Path, lines: int = 60) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def wait_until(check: Callable[[], Any], timeout: float, what: str, logs: Callable[[], str],
               alive: subprocess.Popen[bytes] | None = None, every: float = 1.0) -> Any:
    """Poll `check` until it returns something truthy; fail with the logs on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if alive is not None and alive.poll() is not None:
            pytest.fail(f"process exited ({alive.returncode}) while waiting for {what}\n{logs()}")
        try:
            found = check()
        except httpx.TransportError:
            found = None
        if found:
            return found
        time.sleep(every)
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{logs()}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    base_env = {key: value for key, value in os.environ.items()
                if not key.startswith("PREFECT_")}
    server_log, serve_log = tmp / "server.log", tmp / "serve.log"

    def logs() -> str:
        return f"--- server log:\n{tail(server_log)}\n--- serve log:\n{tail(serve_log)}"

    server_env = {
        **base_env,
        "PREFECT_HOME": str(tmp / "server-home"),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp / 'prefect.db'}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "10",
    }
    processes: list[subprocess.Popen[bytes]] = []
    with server_log.open("w") as server_out, serve_log.open("w") as serve_out:
        try:
            processes.append(subprocess.Popen(
                [str(PREFECT), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                env=server_env, cwd=tmp, stdout=server_out, stderr=subprocess.STDOUT,
                start_new_session=True))
            wait_until(lambda: httpx.get(f"{api}/health", timeout=5).status_code == 200,
                       START_TIMEOUT, "the Prefect server's /api/health", logs, processes[0])

            minutes = next_minutes(SCHEDULE_LEAD, 2)
            config = tmp / "sources.toml"
            config.write_text(
                '[sources.seeds]\nkind = "folder"\n'
                f'location = {json.dumps(str(ROOT / "seeds"))}\n'
                f'schedule = "{cron_once_at(minutes)}"\n', encoding="utf-8")
            processes.append(subprocess.Popen(
                [sys.executable, "-c", "from newsfacts.cli import app; app()", "serve",
                 "--sources", str(config), "--out", str(tmp / "scheduled")],
                env={**base_env, "PYTHONPATH": str(ROOT / "src"), "PREFECT_API_URL": api,
                     "PREFECT_HOME": str(tmp / "serve-home"),
                     "PREFECT_RUNNER_POLL_FREQUENCY": "2"},
                cwd=ROOT, stdout=serve_out, stderr=subprocess.STDOUT, start_new_session=True))
            deployment = wait_until(
                lambda: deployment_named(api, "build", "seeds"), START_TIMEOUT,
                "`newsfacts serve` to register build/seeds", logs, processes[1])
            yield Served(api, deployment["id"], minutes, tmp / "scheduled", config.resolve(),
                         logs)
        finally:
            for process in reversed(processes):
                stop_process_group(process)


RETRY_SECONDS = 60  # the longest a call goes on retrying a busy server


def call_api(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """An API request, retried as Prefect's own client does: the server answers 503 with
    Retry-After while its SQLite database is locked (by the scheduler, say, on a busy
    machine), and 429 when it sheds load."""
    deadline = time.monotonic() + RETRY_SECONDS
    while True:
        response = httpx.request(method, url, timeout=10, **kwargs)
        if response.status_code not in (429, 503) or time.monotonic() > deadline:
            return response
        time.sleep(float(response.headers.get("Retry-After") or 1))


def deployment_named(api: str, flow: str, name: str) -> dict[str, Any] | None:
    response = call_api("GET", f"{api}/deployments/name/{flow}/{name}")
    return response.json() if response.status_code == 200 else None


def flow_runs(api: str, deployment_id: str) -> list[dict[str, Any]]:
    body = {"flow_runs": {"deployment_id": {"any_": [deployment_id]}}, "limit": 50}
    response = call_api("POST", f"{api}/flow_runs/filter", json=body)
    response.raise_for_status()
    return response.json()


def state_of(run: dict[str, Any]) -> str:
    return (run.get("state") or {}).get("type", "")


def test_deployment_carries_the_cron_schedule_and_parameters(served: Served) -> None:
    deployment = deployment_named(served.api, "build", "seeds")
    assert deployment is not None
    assert [s["schedule"]["cron"] for s in deployment["schedules"]] == [
        cron_once_at(served.cron_minutes)]
    assert all(s["active"] for s in deployment["schedules"])
    assert deployment["parameters"] == {"source": "seeds",
                                        "sources_file": str(served.config),
                                        "out": str(served.scheduled_out),
                                        "wait_for_lock": True}


def test_triggered_run_completes_and_publishes(served: Served, tmp_path: Path) -> None:
    out = tmp_path / "manual"
    response = call_api("POST",
                        f"{served.api}/deployments/{served.deployment_id}/create_flow_run",
                        json={"parameters": {"out": str(out)}})
    response.raise_for_status()
    run_id = response.json()["id"]

    def finished() -> dict[str, Any] | None:
        response = call_api("GET", f"{served.api}/flow_runs/{run_id}")
        response.raise_for_status()
        run = response.json()
        return run if state_of(run) in TERMINAL else None

    run = wait_until(finished, RUN_TIMEOUT, f"triggered flow run {run_id}", served.logs,
                     every=2)
    assert state_of(run) == "COMPLETED", f"{run['state']}\n{served.logs()}"
    assert not run["auto_scheduled"]
    release = out / "newsfacts" / "v0001"
    info = json.loads((release / "run.json").read_text(encoding="utf-8"))
    assert info["counts"]["rows"]["articles"] == 2
    assert (out / "newsfacts" / "latest").resolve() == release.resolve()
    assert (out / "catalog.json").is_file()


@pytest.mark.schedule
def test_the_schedule_itself_creates_a_run_that_publishes(served: Served) -> None:
    """Waits for the first cron minute (up to ~3 min after the fixture started): a run the
    scheduler service created, not a trigger. Catches a scheduler that never schedules (with
    SQLAlchemy 2.1 its loop fails while everything else works: ../shared/STACK.md)."""
    expected = {m.isoformat() for m in served.cron_minutes}
    cron = cron_once_at(served.cron_minutes)

    def scheduled_runs() -> list[dict[str, Any]]:
        return [r for r in flow_runs(served.api, served.deployment_id) if r["auto_scheduled"]]

    # The scheduler creates runs ahead of their time: none by the first cron minute means
    # its loop is not working.
    until_first = (served.cron_minutes[0] - dt.datetime.now(dt.UTC)).total_seconds() + 30
    wait_until(scheduled_runs, max(until_first, 30),
               f"the scheduler service to create a run for cron {cron!r}", served.logs, every=3)

    def completed_scheduled_run() -> dict[str, Any] | None:
        for run in scheduled_runs():
            if state_of(run) in {"FAILED", "CRASHED"}:
                pytest.fail(f"scheduled run failed: {run['state']}\n{served.logs()}")
            if state_of(run) == "COMPLETED":
                return run
        return None

    until_last = (served.cron_minutes[-1] - dt.datetime.now(dt.UTC)).total_seconds()
    run = wait_until(completed_scheduled_run, max(until_last, 0) + RUN_TIMEOUT,
                     f"a completed run scheduled by cron {cron!r}", served.logs, every=3)
    start = dt.datetime.fromisoformat(run["expected_start_time"]).astimezone(dt.UTC)
    assert start.isoformat() in expected
    release = served.scheduled_out / "newsfacts" / "latest"
    info = json.loads((release / "run.json").read_text(encoding="utf-8"))
    assert info["version"] == "v0001"
    assert info["counts"]["rows"]["articles"] == 2
