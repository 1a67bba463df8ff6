"""Deployments of the build flow, one per source of sources.toml with its cron schedule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flows  # noqa: F401  (sets the Prefect environment before prefect is imported)
from flows.build import build, build_on
from flows.task_runners import DEFAULT_DASK_WORKERS
from newsfacts.sources import Source, SourcesConfig, SourcesError, load_sources


class NoServer(RuntimeError):
    """`serve` needs a Prefect server: the embedded one does not run the scheduler."""


def scheduled_sources(config: SourcesConfig) -> list[Source]:
    """The sources of a sources file that have a schedule, in file order."""
    scheduled = [s for s in config.sources.values() if s.schedule]
    if not scheduled:
        raise SourcesError(f"{config.path}: no source has a schedule")
    return scheduled


def deployment_parameters(source: Source, config: SourcesConfig, out: Path,
                          wait_for_lock: bool = True) -> dict[str, Any]:
    """The build flow's parameters for one source: its name in the sources file (absolute
    paths: runs start elsewhere)."""
    return {"source": source.name, "sources_file": str(config.path.resolve()),
            "out": str(out.resolve()), "wait_for_lock": wait_for_lock}


def build_deployments(config: SourcesConfig, out: Path, flow: Any = build,
                      wait_for_lock: bool = True) -> list[Any]:
    """One deployment `build/<source name>` per scheduled source, on its cron schedule (UTC)."""
    return [
        flow.to_deployment(
            name=source.name,
            cron=source.schedule,
            paused=False,
            parameters=deployment_parameters(source, config, out, wait_for_lock),
            description=f"Build and publish the {source.kind} source {source.location}.",
            tags=["newsfacts", source.kind],
        )
        for source in scheduled_sources(config)
    ]


def require_server() -> str:
    """The API URL of the Prefect server to register with; NoServer when none is set."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    if not url:
        raise NoServer("newsfacts serve needs a Prefect server (the embedded one never runs "
                       "schedules): start one with `prefect server start` and set "
                       "PREFECT_API_URL=http://127.0.0.1:4200/api")
    return url


def serve_sources(config: Path, out: Path, task_runner: str = "local",
                  dask_address: str | None = None, dask_workers: int = DEFAULT_DASK_WORKERS,
                  wait_for_lock: bool = True, limit: int | None = None) -> None:
    """Register a deployment per source and run their scheduled and triggered runs until
    interrupted (Prefect pauses the schedules on shutdown)."""
    from prefect import serve

    require_server()
    flow = build_on(task_runner, dask_address, dask_workers)
    deployments = build_deployments(load_sources(config), out, flow, wait_for_lock)
    serve(*deployments, limit=limit)
