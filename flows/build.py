"""The `build` flow: ingest → clean/extract (one task per batch) → validate + publish."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.futures import as_completed

import flows  # noqa: F401  (sets the Prefect environment before prefect is imported)
from flows.task_runners import (
    DEFAULT_DASK_WORKERS,
    TASK_RUNNERS,
    make_task_runner,
    shared_prefect_api,
)
from newsfacts import incremental, pipeline
from newsfacts.isolation import close_workers
from newsfacts.publish.release import PublishLocked
from newsfacts.records import BatchResult
from newsfacts.sources import Source, resolve_source


def retry_unless_locked(task, task_run, state) -> bool:  # type: ignore[no-untyped-def]
    """Retry a failed publish, except when another run holds the lock and we chose not to wait."""
    return not isinstance(state.result(raise_on_failure=False), PublishLocked)


@task(name="ingest", retries=2, retry_delay_seconds=2, cache_policy=NONE)
def ingest(source: Source, offline: bool = False) -> list[pipeline.Item]:
    return pipeline.ingest_source(source, offline)


@task(name="clean-extract", cache_policy=NONE)
def process(batch: list[pipeline.Item]) -> BatchResult:
    return pipeline.process_batch(batch)


@task(name="validate-publish", retries=1, retry_delay_seconds=2, cache_policy=NONE,
      retry_condition_fn=retry_unless_locked)
def publish(items: list[pipeline.Item], plan: incremental.BuildPlan, out: Path,
            settings: dict, wait_for_lock: bool = True) -> pipeline.BuildSummary:
    return incremental.finish_build(items, plan, out, settings, wait_for_lock=wait_for_lock)


def save_as_completed(plan: incremental.BuildPlan, batches: list[Any]) -> None:
    """Store each batch's result as its task ends (a retry of the flow resumes there)."""
    for done in as_completed(batches):
        incremental.save_batch(plan, done.result())


@flow(name="build")
def build(source: str | Path = "seeds", out: Path = Path("datasets"),
          batch_size: int = pipeline.DEFAULT_BATCH_SIZE, sources_file: Path | None = None,
          offline: bool = False, partition_rows: int = pipeline.DEFAULT_PARTITION_ROWS,
          full_refresh: bool = False, state: Path | None = None,
          wait_for_lock: bool = True, csv_safe: bool = False) -> pipeline.BuildSummary:
    """Build and publish a release of the dataset from a source: a name in sources.toml,
    or a folder / .jsonl / .warc path. `offline` reads a feed from the raw store only.
    Only new or changed articles are processed unless `full_refresh` (state:
    OUT/.state/newsfacts.sqlite); `csv_safe` makes CSV text cells spreadsheet-safe."""
    spec = resolve_source(source, sources_file)
    items = ingest(spec, offline)
    settings = pipeline.build_settings(spec, batch_size, partition_rows, csv_safe)
    plan = incremental.plan_build(items, out, settings, full_refresh, state)
    batches = process.map(pipeline.make_batches(plan.to_process, batch_size))
    # Publishing needs ids and hashes, not texts: let the texts go with their batches.
    items, plan = pipeline.without_texts(items), incremental.without_texts(plan)
    save_as_completed(plan, batches)
    del batches  # the futures hold each batch's records, which are in the state now
    close_workers()  # idle isolation workers hold a copy of the models publishing does not need
    return publish(items, plan, out, settings, wait_for_lock)


def build_on(task_runner: str = "local", dask_address: str | None = None,
             dask_workers: int = DEFAULT_DASK_WORKERS):  # type: ignore[no-untyped-def]
    """The build flow with its batch tasks on the named task runner (see flows/task_runners.py).

    Only `clean-extract` is submitted to the runner: ingest and publish run in the flow's own
    process, so Dask workers need no access to the source or the publish root.
    """
    return build.with_options(task_runner=make_task_runner(task_runner, dask_address,
                                                           dask_workers))


def run_build_flow(task_runner: str = "local", dask_address: str | None = None,
                   dask_workers: int = DEFAULT_DASK_WORKERS,
                   **parameters: Any) -> pipeline.BuildSummary:
    """Run the build flow on the named task runner; Dask workers share this process's API."""
    flow_on = build_on(task_runner, dask_address, dask_workers)
    if task_runner != "dask":
        return flow_on(**parameters)
    with shared_prefect_api():
        return flow_on(**parameters)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the build flow (Prefect, embedded mode).")
    parser.add_argument("--source", default="seeds",
                        help="a source name from sources.toml, or a folder / .jsonl / .warc path")
    parser.add_argument("--out", type=Path, default=Path("datasets"))
    parser.add_argument("--batch-size", type=int, default=pipeline.DEFAULT_BATCH_SIZE)
    parser.add_argument("--sources", type=Path, default=None,
                        help="the sources file (default: ./sources.toml when present)")
    parser.add_argument("--offline", action="store_true",
                        help="read feeds from the raw store only (a rebuild, no network)")
    parser.add_argument("--partition-rows", type=int, default=pipeline.DEFAULT_PARTITION_ROWS)
    parser.add_argument("--full-refresh", action="store_true",
                        help="process every article again, ignoring the state")
    parser.add_argument("--state", type=Path, help="state file (default: OUT/.state/...)")
    parser.add_argument("--task-runner", choices=TASK_RUNNERS, default="local",
                        help="local: threads in this process; dask: a Dask cluster")
    parser.add_argument("--dask-address", help="scheduler of an existing Dask cluster, "
                        "e.g. tcp://10.0.0.5:8786 (default: start a LocalCluster)")
    parser.add_argument("--dask-workers", type=int, default=DEFAULT_DASK_WORKERS,
                        help="worker processes of the LocalCluster (one thread each)")
    parser.add_argument("--no-wait", dest="wait_for_lock", action="store_false",
                        help="exit with status 3 if another run is publishing to --out")
    parser.add_argument("--csv-safe", action="store_true",
                        help="spreadsheet-safe CSV text cells (see newsfacts build --help)")
    args = parser.parse_args()
    try:
        make_task_runner(args.task_runner, args.dask_address, args.dask_workers)
    except ValueError as error:
        parser.error(str(error))
    try:
        summary = run_build_flow(args.task_runner, args.dask_address, args.dask_workers,
                                 source=args.source, out=args.out, batch_size=args.batch_size,
                                 sources_file=args.sources, offline=args.offline,
                                 partition_rows=args.partition_rows,
                                 full_refresh=args.full_refresh, state=args.state,
                                 wait_for_lock=args.wait_for_lock, csv_safe=args.csv_safe)
    except PublishLocked as locked:
        print(locked, file=sys.stderr)
        raise SystemExit(3) from None
    print(pipeline.format_summary(summary))


if __name__ == "__main__":
    main()
