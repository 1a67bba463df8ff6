"""The stages composed in plain Python: the same calls back the CLI and the Prefect flow."""

from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from newsfacts import __version__
from newsfacts.clean.article import clean_article
from newsfacts.clean.boilerplate import rules_version
from newsfacts.extract.article import extract_article
from newsfacts.ingest.folder import read_folder
from newsfacts.records import BatchResult, RawArticle, Rejection, Stage
from newsfacts.tables import batch_to_tables, records_to_table, row_to_json

DATASET = "newsfacts"
DEFAULT_BATCH_SIZE = 500
Item = RawArticle | Rejection


class ReleaseBlocked(RuntimeError):
    """A table failed validation as a whole: nothing was published."""

    def __init__(self, errors: list[str], reports: dict[str, dict[str, Any]]) -> None:
        super().__init__("release blocked by validation:\n  " + "\n  ".join(errors))
        self.errors = errors
        self.reports = reports


@dataclass(frozen=True)
class BuildSummary:
    """What a build did, for people (printed) and for tests."""

    dataset: str
    version: str
    release_path: Path
    created: bool
    articles_in: int
    rows: dict[str, int]
    rejected: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- ingest


def ingest_folder(source: Path) -> list[Item]:
    """Every article of a folder source as a RawArticle or a Rejection."""
    return list(read_folder(source))


def make_batches(items: Sequence[Item], batch_size: int) -> list[list[Item]]:
    """Split items into batches of at most `batch_size`, keeping their order."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    return [list(items[i : i + batch_size]) for i in range(0, len(items), batch_size)]


# ---------------------------------------------------------------- clean + extract


def process_item(item: Item) -> BatchResult:
    """Clean and extract one article; any failure becomes a Rejection, never an exception."""
    if isinstance(item, Rejection):
        return BatchResult((), (), (item,))
    stage: Stage = "clean"
    try:
        clean = clean_article(item)
        if isinstance(clean, Rejection):
            return BatchResult((), (), (clean,))
        stage = "extract"
        article = extract_article(clean)
    except Exception as exc:  # one broken article must not sink the batch
        return BatchResult((), (), (crash_rejection(item, stage, exc),))
    if isinstance(article, Rejection):
        return BatchResult((), clean.removed, (article,))
    return BatchResult((article,), clean.removed, ())


def crash_rejection(item: RawArticle, stage: Stage, exc: Exception) -> Rejection:
    """A Rejection for an article on which a stage raised."""
    return Rejection(
        source_uri=item.source_uri,
        article_id=item.article_id,
        raw_sha256=item.raw_sha256,
        stage=stage,
        reason=f"{stage}_error",
        detail=f"{item.source_uri}: {type(exc).__name__}: {exc}",
    )


def process_batch(items: Iterable[Item]) -> BatchResult:
    """Clean and extract a batch of articles."""
    return BatchResult.merge([process_item(item) for item in items])


# ---------------------------------------------------------------- validate


def quarantine_rows(
    table_name: str, table: pa.Table, failing: dict[int, list[Any]]
) -> tuple[pa.Table, list[Rejection]]:
    """Split off the failing rows of a table as Rejections carrying the row itself."""
    rows = table.to_pylist()
    rejections = [
        Rejection(
            source_uri=str(rows[i].get("source_uri") or rows[i].get("article_id") or table_name),
            article_id=rows[i].get("article_id"),
            raw_sha256=rows[i].get("raw_sha256"),
            stage="validate",
            reason=failures[0].reason,
            detail="; ".join(f.detail for f in failures),
            table_name=table_name,
            row_json=row_to_json(rows[i]),
        )
        for i, failures in sorted(failing.items())
    ]
    keep = pa.array([i not in failing for i in range(table.num_rows)], type=pa.bool_())
    return table.filter(keep), rejections


def drop_orphans(
    table_name: str, table: pa.Table, article_ids: set[str], source_of: dict[str, str]
) -> tuple[pa.Table, list[Rejection]]:
    """Quarantine rows whose article was quarantined (reason `validate_parent_rejected`)."""
    ids = table.column("article_id").to_pylist()
    rows = table.to_pylist()
    rejections = [
        Rejection(
            source_uri=source_of.get(row["article_id"], row["article_id"]),
            article_id=row["article_id"],
            raw_sha256=None,
            stage="validate",
            reason="validate_parent_rejected",
            detail=f"{table_name} row of article {row['article_id']}, which failed validation",
            table_name=table_name,
            row_json=row_to_json(row),
        )
        for row in rows
        if row["article_id"] in article_ids
    ]
    keep = pa.array([i not in article_ids for i in ids], type=pa.bool_())
    return table.filter(keep), rejections


def validate_tables(
    tables: dict[str, pa.Table],
) -> tuple[dict[str, pa.Table], dict[str, dict[str, Any]]]:
    """Validate every table; quarantine failing rows into `rejected`; block a broken table.

    Raises ReleaseBlocked when any table fails as a whole (wrong columns or types).
    """
    from newsfacts.schemas import load_schemas
    from newsfacts.validate import validate_table

    schemas = load_schemas()
    reports: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    quarantined: list[Rejection] = []
    result = dict(tables)

    articles_report = validate_table(schemas["articles"], result["articles"])
    reports["articles"] = articles_report.to_dict()
    if articles_report.table_ok:
        before = set(result["articles"].column("article_id").to_pylist())
        source_of = dict(zip(result["articles"].column("article_id").to_pylist(),
                             result["articles"].column("source_uri").to_pylist(), strict=True))
        result["articles"], rejected = quarantine_rows(
            "articles", result["articles"], articles_report.failing_rows()
        )
        quarantined += rejected
        dropped = before - set(result["articles"].column("article_id").to_pylist())
        if dropped and "article_id" in result["boilerplate"].column_names:
            result["boilerplate"], orphans = drop_orphans(
                "boilerplate", result["boilerplate"], dropped, source_of
            )
            quarantined += orphans
    else:
        errors += [f"articles: {e}" for e in articles_report.table_errors]

    boilerplate_report = validate_table(schemas["boilerplate"], result["boilerplate"])
    reports["boilerplate"] = boilerplate_report.to_dict()
    if boilerplate_report.table_ok:
        result["boilerplate"], rejected = quarantine_rows(
            "boilerplate", result["boilerplate"], boilerplate_report.failing_rows()
        )
        quarantined += rejected
    else:
        errors += [f"boilerplate: {e}" for e in boilerplate_report.table_errors]

    if quarantined:
        all_rejected = result["rejected"].to_pylist() + [
            {name: getattr(r, name) for name in schemas["rejected"].column_names}
            for r in quarantined
        ]
        result["rejected"] = records_to_table(
            schemas["rejected"], [Rejection(**row) for row in all_rejected]
        )
    rejected_report = validate_table(schemas["rejected"], result["rejected"])
    reports["rejected"] = rejected_report.to_dict()
    if not rejected_report.table_ok or rejected_report.row_failures:
        # The quarantine itself must be valid: there is nowhere further to put its rows.
        errors += [f"rejected: {e}" for e in rejected_report.table_errors]
        errors += [f"rejected: {f.detail}" for f in rejected_report.row_failures]
    if errors:
        raise ReleaseBlocked(errors, reports)
    return result, reports


# ---------------------------------------------------------------- publish


def release_writer(tables: dict[str, pa.Table], reports: dict[str, dict[str, Any]]):  # type: ignore[no-untyped-def]
    """A function that writes every file of a release into a folder."""
    from newsfacts.publish.csv import write_csv
    from newsfacts.publish.jsonld import articles_graph, write_jsonld
    from newsfacts.publish.parquet import write_parquet
    from newsfacts.schemas import load_schemas

    def write(folder: Path) -> None:
        for name, table in tables.items():
            write_csv(table, folder / f"{name}.csv")
            write_parquet(table, folder / f"{name}.parquet")
        document = articles_graph(load_schemas()["articles"], tables["articles"])
        write_jsonld(document, folder / "articles.jsonld")
        (folder / "validation.json").write_text(
            _dumps({"tables": reports}), encoding="utf-8"
        )

    return write


def _dumps(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def input_manifest(items: Sequence[Item]) -> list[dict[str, str | None]]:
    """Source, id and raw hash of every input, in input order."""
    return [
        {"source_uri": i.source_uri, "article_id": i.article_id, "raw_sha256": i.raw_sha256}
        for i in items
    ]


def rejection_counts(rejected: pa.Table) -> dict[str, int]:
    """Rejected rows per `stage/reason`."""
    pairs = zip(rejected.column("stage").to_pylist(), rejected.column("reason").to_pylist(),
                strict=True)
    return dict(sorted(Counter(f"{s}/{r}" for s, r in pairs).items()))


def code_versions() -> dict[str, str]:
    """Versions of the code that shaped the output."""
    from importlib.metadata import version

    return {
        "newsfacts": __version__,
        "boilerplate_rules": rules_version(),
        "python": platform.python_version(),
        **{pkg: version(pkg) for pkg in ("pyarrow", "great-expectations", "py3langid")},
    }


def publish(
    items: Sequence[Item],
    result: BatchResult,
    out_root: Path,
    settings: dict[str, Any],
) -> BuildSummary:
    """Validate the batch results and publish them as a release of the dataset."""
    from newsfacts.publish.release import publish_release

    tables, reports = validate_tables(batch_to_tables(result))
    run_info = {
        "code": code_versions(),
        "settings": settings,
        "counts": {
            "articles_in": len(items),
            "rows": {name: t.num_rows for name, t in tables.items()},
            "rejected": rejection_counts(tables["rejected"]),
        },
        "inputs": input_manifest(items),
    }
    release = publish_release(out_root, DATASET, release_writer(tables, reports), run_info)
    return BuildSummary(
        dataset=DATASET,
        version=release.version,
        release_path=release.path,
        created=release.created,
        articles_in=len(items),
        rows=run_info["counts"]["rows"],
        rejected=run_info["counts"]["rejected"],
    )


def build_settings(source: Path, batch_size: int) -> dict[str, Any]:
    """Settings recorded in run.json: only what does not depend on the machine."""
    return {"source": source.resolve().name, "source_kind": "folder", "batch_size": batch_size}


def run_build(
    source: Path,
    out_root: Path,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Any = None,
) -> BuildSummary:
    """Ingest → clean → extract → validate → publish, without Prefect.

    `on_batch(done, total)` is called after each batch (the CLI draws a progress bar with it).
    """
    items = ingest_folder(source)
    batches = make_batches(items, batch_size)
    results = []
    for done, batch in enumerate(batches, start=1):
        results.append(process_batch(batch))
        if on_batch is not None:
            on_batch(done, len(batches))
    return publish(items, BatchResult.merge(results), out_root, build_settings(source, batch_size))


def format_summary(summary: BuildSummary) -> str:
    """A short plain-text report of a build."""
    state = "published" if summary.created else "unchanged (same content as latest)"
    lines = [
        f"{summary.dataset} {summary.version}: {state}",
        f"  release:     {summary.release_path}",
        f"  articles in: {summary.articles_in}",
        "  rows:        " + ", ".join(f"{n}={c}" for n, c in summary.rows.items()),
    ]
    if summary.rejected:
        lines.append("  rejected:")
        lines += [f"    {reason}: {count}" for reason, count in summary.rejected.items()]
    else:
        lines.append("  rejected:    none")
    return "\n".join(lines)
