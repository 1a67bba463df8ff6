"""Where the build flow's batch tasks run: Prefect's thread pool here, or a Dask cluster."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

TASK_RUNNERS = ("local", "dask")
DEFAULT_DASK_WORKERS = 2


def dask_cluster_kwargs(workers: int) -> dict[str, Any]:
    """A LocalCluster of `workers` processes with one thread each.

    Processes, not threads: spaCy and LightGBM hold the GIL for much of a batch, and each
    process loads the models once (module-level caches) and keeps them for every later batch.
    """
    return {"n_workers": workers, "threads_per_worker": 1, "processes": True}


def make_task_runner(name: str, dask_address: str | None = None,
                     dask_workers: int = DEFAULT_DASK_WORKERS) -> Any:
    """The task runner called `name`: `local` (threads in this process) or `dask`.

    `dask` with an address connects to that scheduler (`tcp://host:8786`); without one it
    starts a LocalCluster of `dask_workers` processes for the flow run and stops it after.
    """
    if name not in TASK_RUNNERS:
        raise ValueError(f"unknown task runner {name!r}; choose from {', '.join(TASK_RUNNERS)}")
    if name == "local":
        if dask_address:
            raise ValueError("a Dask address needs the dask task runner")
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner()
    if dask_workers < 1:
        raise ValueError(f"dask_workers must be at least 1, got {dask_workers}")
    from prefect_dask import DaskTaskRunner

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(cluster_kwargs=dask_cluster_kwargs(dask_workers))


@contextlib.contextmanager
def shared_prefect_api() -> Iterator[str]:
    """One Prefect API for the flow process and every Dask worker; yields its URL.

    Without PREFECT_API_URL, Prefect starts a temporary server in each process that needs an
    API, so each Dask worker would start its own (measured: ~15-40 s each, and their task runs
    land outside the flow's). Start that temporary server once, here: Prefect serialises the
    settings, API URL included, with every task it sends to a worker. It listens on
    127.0.0.1, so workers on other machines need a real server (see README, Scale-out).
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value()
    if url:
        yield url
        return
    from prefect.server.api.server import SubprocessASGIServer

    with SubprocessASGIServer() as server, temporary_settings({PREFECT_API_URL: server.api_url}):
        try:
            yield server.api_url
        finally:
            send_pending_logs_and_events()


def send_pending_logs_and_events() -> None:
    """Send the logs and events Prefect still holds, while the server is up to take them."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        worker.drain_all(timeout=5)
