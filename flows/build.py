"""The `build` flow: ingest → clean/extract (one task per batch) → validate + publish."""

from __future__ import annotations

import argparse
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE
from prefect.futures import as_completed

import flows  # noqa: F401  (sets the Prefect environment before prefect is imported)
from newsfacts import incremental, pipeline
from newsfacts.records import BatchResult


@task(name="ingest", retries=2, retry_delay_seconds=2, cache_policy=NONE)
def ingest(source: Path) -> list[pipeline.Item]:
    return pipeline.ingest_folder(source)


@task(name="clean-extract", cache_policy=NONE)
def process(batch: list[pipeline.Item]) -> BatchResult:
    return pipeline.process_batch(batch)


@task(name="validate-publish", retries=1, retry_delay_seconds=2, cache_policy=NONE)
def publish(items: list[pipeline.Item], plan: incremental.BuildPlan, out: Path,
            settings: dict) -> pipeline.BuildSummary:
    return incremental.finish_build(items, plan, out, settings)


@flow(name="build")
def build(source: Path = Path("seeds"), out: Path = Path("datasets"),
          batch_size: int = pipeline.DEFAULT_BATCH_SIZE, full_refresh: bool = False,
          state: Path | None = None) -> pipeline.BuildSummary:
    """Build and publish a release of the dataset from a folder of articles, processing
    only new or changed articles unless `full_refresh` (state: OUT/.state/newsfacts.sqlite)."""
    items = ingest(source)
    settings = pipeline.build_settings(source, batch_size)
    plan = incremental.plan_build(items, out, settings, full_refresh, state)
    batches = process.map(pipeline.make_batches(plan.to_process, batch_size))
    for done in as_completed(batches):  # stored as each batch ends: a retry resumes there
        incremental.save_batch(plan, done.result())
    return publish(items, plan, out, settings)


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the build flow (Prefect, embedded mode).")
    parser.add_argument("--source", type=Path, default=Path("seeds"))
    parser.add_argument("--out", type=Path, default=Path("datasets"))
    parser.add_argument("--batch-size", type=int, default=pipeline.DEFAULT_BATCH_SIZE)
    parser.add_argument("--full-refresh", action="store_true",
                        help="process every article again, ignoring the state")
    parser.add_argument("--state", type=Path, help="state file (default: OUT/.state/...)")
    args = parser.parse_args()
    summary = build(source=args.source, out=args.out, batch_size=args.batch_size,
                    full_refresh=args.full_refresh, state=args.state)
    print(pipeline.format_summary(summary))


if __name__ == "__main__":
    main()
