"""The `build` flow: ingest → clean/extract (one task per batch) → validate + publish."""

from __future__ import annotations

import argparse
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NONE

import flows  # noqa: F401  (sets the Prefect environment before prefect is imported)
from newsfacts import pipeline
from newsfacts.records import BatchResult
from newsfacts.sources import Source, resolve_source


@task(name="ingest", retries=2, retry_delay_seconds=2, cache_policy=NONE)
def ingest(source: Source, offline: bool = False) -> list[pipeline.Item]:
    return pipeline.ingest_source(source, offline)


@task(name="clean-extract", cache_policy=NONE)
def process(batch: list[pipeline.Item]) -> BatchResult:
    return pipeline.process_batch(batch)


@task(name="validate-publish", retries=1, retry_delay_seconds=2, cache_policy=NONE)
def publish(items: list[pipeline.Item], results: list[BatchResult], out: Path,
            settings: dict) -> pipeline.BuildSummary:
    return pipeline.publish(items, BatchResult.merge(results), out, settings)


@flow(name="build")
def build(source: str | Path = "seeds", out: Path = Path("datasets"),
          batch_size: int = pipeline.DEFAULT_BATCH_SIZE, sources_file: Path | None = None,
          offline: bool = False,
          partition_rows: int = pipeline.DEFAULT_PARTITION_ROWS,
          csv_safe: bool = False) -> pipeline.BuildSummary:
    """Build and publish a release of the dataset from a source: a name in sources.toml,
    or a folder / .jsonl / .warc path. `offline` reads a feed from the raw store only;
    `csv_safe` makes CSV text cells spreadsheet-safe."""
    spec = resolve_source(source, sources_file)
    items = ingest(spec, offline)
    results = process.map(pipeline.make_batches(items, batch_size)).result()
    return publish(items, results, out,
                   pipeline.build_settings(spec, batch_size, partition_rows, csv_safe))


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
    parser.add_argument("--csv-safe", action="store_true",
                        help="spreadsheet-safe CSV text cells (see newsfacts build --help)")
    args = parser.parse_args()
    summary = build(source=args.source, out=args.out, batch_size=args.batch_size,
                    sources_file=args.sources, offline=args.offline,
                    partition_rows=args.partition_rows, csv_safe=args.csv_safe)
    print(pipeline.format_summary(summary))


if __name__ == "__main__":
    main()
