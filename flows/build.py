"""The `build` flow: ingest → clean/extract (one task per batch) → validate + publish."""

from __future__ import annotations

import argparse
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE

import flows  # noqa: F401  (sets the Prefect environment before prefect is imported)
from newsfacts import pipeline
from newsfacts.records import BatchResult


@task(name="ingest", retries=2, retry_delay_seconds=2, cache_policy=NONE)
def ingest(source: Path) -> list[pipeline.Item]:
    return pipeline.ingest_folder(source)


@task(name="clean-extract", cache_policy=NONE)
def process(batch: list[pipeline.Item]) -> BatchResult:
    return pipeline.process_batch(batch)


@task(name="validate-publish", retries=1, retry_delay_seconds=2, cache_policy=NONE)
def publish(items: list[pipeline.Item], results: list[BatchResult], out: Path,
            settings: dict) -> pipeline.BuildSummary:
    return pipeline.publish(items, BatchResult.merge(results), out, settings)


@flow(name="build")
def build(source: Path = Path("seeds"), out: Path = Path("datasets"),
          batch_size: int = pipeline.DEFAULT_BATCH_SIZE,
          partition_rows: int = pipeline.DEFAULT_PARTITION_ROWS) -> pipeline.BuildSummary:
    """Build and publish a release of the dataset from a folder of articles."""
    items = ingest(source)
    results = process.map(pipeline.make_batches(items, batch_size)).result()
    return publish(items, results, out,
                   pipeline.build_settings(source, batch_size, partition_rows))


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the build flow (Prefect, embedded mode).")
    parser.add_argument("--source", type=Path, default=Path("seeds"))
    parser.add_argument("--out", type=Path, default=Path("datasets"))
    parser.add_argument("--batch-size", type=int, default=pipeline.DEFAULT_BATCH_SIZE)
    parser.add_argument("--partition-rows", type=int, default=pipeline.DEFAULT_PARTITION_ROWS)
    args = parser.parse_args()
    summary = build(source=args.source, out=args.out, batch_size=args.batch_size,
                    partition_rows=args.partition_rows)
    print(pipeline.format_summary(summary))


if __name__ == "__main__":
    main()
