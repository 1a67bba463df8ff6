"""The stages composed in plain Python: the same calls back the CLI and the Prefect flow."""

from __future__ import annotations

import platform
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa

from newsfacts import __version__
from newsfacts.clean.article import clean_article
from newsfacts.clean.boilerplate import rules_version
from newsfacts.extract.article import extract_article
from newsfacts.extract.entities import extract_entities
from newsfacts.extract.event_rows import place_events
from newsfacts.extract.events import extract_events
from newsfacts.extract.nlp import ParsedText, Sentence, parse_texts
from newsfacts.extract.quotes import extract_quotes
from newsfacts.extract.speakers import place_quotes
from newsfacts.ids import source_meta_sha256
from newsfacts.ingest.folder import read_folder
from newsfacts.ingest.source import read_source
from newsfacts.isolation import (
    close_workers,
    in_dask_worker,
    needs_isolation,
    process_in_worker,
    process_isolated,
)
from newsfacts.limits import current_limits
from newsfacts.memory import release_free_memory
from newsfacts.publish.parquet import DEFAULT_PARTITION_ROWS
from newsfacts.records import (
    Article,
    BatchResult,
    Event,
    Quote,
    RawArticle,
    Rejection,
    Span,
    Stage,
)
from newsfacts.sources import Source, as_source
from newsfacts.tables import batch_to_tables, dyads_table, records_to_table, row_to_json

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
    # Incremental builds (incremental.py): articles cleaned and extracted in this run, taken
    # from the state, and forgotten because they left the source; None when not incremental.
    processed: int | None = None
    reused: int = 0
    removed: int = 0
    full_refresh: bool = False
    skipped: bool = False  # nothing changed since the last build: no dataset step ran


# ---------------------------------------------------------------- ingest


def ingest_folder(source: Path) -> list[Item]:
    """Every article of a folder source as a RawArticle or a Rejection."""
    return list(read_folder(source))


def ingest_source(source: Source | Path, offline: bool = False) -> list[Item]:
    """Every article of a source (or of the folder / file a path names); `offline` reads a
    feed from the raw store only."""
    return read_source(as_source(source), offline)


def without_texts(items: Sequence[Item]) -> list[Item]:
    """The items as publishing needs them (ids, raw hashes, source metadata for its hash,
    rejections), without their texts, which would otherwise stay in memory through every
    dataset-level step."""
    return [replace(i, text="") if isinstance(i, RawArticle) else i for i in items]


def make_batches(items: Sequence[Item], batch_size: int) -> list[list[Item]]:
    """Split items into batches of at most `batch_size`, keeping their order."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    return [list(items[i : i + batch_size]) for i in range(0, len(items), batch_size)]


# ---------------------------------------------------------------- clean + extract


def process_item(item: Item, on_stage: Callable[[Stage], None] | None = None) -> BatchResult:
    """Clean and extract one article; any failure becomes a Rejection, never an exception.

    `on_stage(stage)` is called as each stage starts (the isolation worker reports it)."""
    if isinstance(item, Rejection):
        return BatchResult((), (), (item,))
    stage: Stage = "clean"
    try:
        if on_stage is not None:
            on_stage(stage)
        clean = clean_article(item)
        if isinstance(clean, Rejection):
            return BatchResult((), (), (clean,))
        stage = "extract"
        if on_stage is not None:
            on_stage(stage)
        article = extract_article(clean)
    except Exception as exc:  # one broken article must not sink the batch
        return BatchResult((), (), (crash_rejection(item, stage, exc),))
    if isinstance(article, Rejection):
        # Its removed lines stay out too: boilerplate rows point at a published article, and
        # the whole article is in `rejected` with the reason (its raw text in the source).
        return BatchResult((), (), (article,))
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
    """Clean and extract a batch of articles, then find their entities in one NLP pass.

    This runs in a worker process (isolation.py), which loads the models once and is ended
    before publishing, so that their memory is not under the dataset steps (in a Dask
    worker, already a process of its own, it runs in place). Long articles go through all
    of it alone, under the per-article deadline, so that one cannot stall the batch."""
    seconds = current_limits().article_seconds
    short: list[Item] = []
    long: list[RawArticle] = []
    for item in items:
        if isinstance(item, RawArticle) and needs_isolation(item):
            long.append(item)
        else:
            short.append(item)
    together = []
    if any(isinstance(item, RawArticle) for item in short) and not in_dask_worker():
        together.append(process_in_worker(short, seconds))
    elif short:
        together.append(process_together(short))
    return BatchResult.merge([*together, *(process_isolated(item, seconds) for item in long)])


def process_together(items: Sequence[Item]) -> BatchResult:
    """Clean and extract each article, then find their entities in one NLP pass."""
    results = [process_item(item) for item in items]
    articles = [a for r in results for a in r.articles]
    return BatchResult.merge([*results, extract_batch_nlp(articles)])


def extract_batch_nlp(articles: Sequence[Article]) -> BatchResult:
    """Mentions, entity facts, quotes and events of articles, parsed together (spaCy batches
    are faster).

    Each parse is extracted as it comes and dropped (a batch's parses are ~0.3 MB an
    article). If the batch parse fails, the articles not done yet are parsed alone, so that
    only the broken one is reported (`extract_nlp_error`); its article row is still published.
    """
    results: list[BatchResult] = []
    try:
        for article, doc in zip(articles, parse_texts(a.body for a in articles), strict=True):
            results.append(extract_parsed(article, doc))
    except Exception:
        results += [parse_alone(a) for a in articles[len(results):]]
    return BatchResult.merge(results)


def extract_parsed(article: Article, doc: ParsedText) -> BatchResult:
    """Entities, quotes and events of one parsed body.

    A failure costs only what depends on the step that raised: without entities nothing is
    extracted (`extract_nlp_error`); a failure in quotes or events leaves the article's
    entities and the other table (`extract_quotes_error`, `extract_events_error`), and one
    in a sentence's events costs only that sentence's (a rejection naming its offsets)."""
    try:
        mentions, facts = extract_entities(article.article_id, doc, dateline_span(article))
    except Exception as exc:
        return BatchResult((), (), (nlp_rejection(article, exc),))
    rejected: list[Rejection] = []
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    try:
        quotes = place_quotes(article.article_id, extract_quotes(doc), mentions)
    except Exception as exc:
        rejected.append(nlp_rejection(article, exc, "extract_quotes_error"))

    def sentence_failed(sentence: Sentence, exc: Exception) -> None:
        rejected.append(nlp_rejection(article, exc, "extract_events_error",
                                      f"sentence {sentence.start}-{sentence.end}"))

    try:
        countries = {f.entity_id: f.country for f in facts}
        sectors = {f.entity_id: f.sector for f in facts}
        events = place_events(article, extract_events(doc, mentions, countries, sectors,
                                                      sentence_failed))
    except Exception as exc:
        rejected.append(nlp_rejection(article, exc, "extract_events_error"))
    return BatchResult((), (), tuple(rejected), mentions, facts, quotes, events)


def parse_alone(article: Article) -> BatchResult:
    """Parse one article by itself and extract from it; a failure becomes its Rejection."""
    try:
        (doc,) = parse_texts([article.body])
    except Exception as exc:
        return BatchResult((), (), (nlp_rejection(article, exc),))
    return extract_parsed(article, doc)


def dateline_span(article: Article) -> Span | None:
    """The dateline's span in the body, left out of entity extraction."""
    if article.dateline is None or article.dateline_start is None:
        return None
    return Span(article.dateline_start, article.dateline_end or article.dateline_start,
                article.dateline)


def nlp_rejection(article: Article, exc: Exception, reason: str = "extract_nlp_error",
                  where: str | None = None) -> Rejection:
    """The record of a published article whose entities, quotes or events (by `reason`)
    could not be extracted, or of the part of it `where` names (a sentence's offsets)."""
    place = f"{article.source_uri}: {where}" if where else article.source_uri
    return Rejection(
        source_uri=article.source_uri,
        article_id=article.article_id,
        raw_sha256=article.raw_sha256,
        stage="extract",
        reason=reason,
        detail=f"{place}: {type(exc).__name__}: {exc}",
    )


# ---------------------------------------------------------------- validate


def quarantine_rows(
    table_name: str, table: pa.Table, failing: dict[int, list[Any]]
) -> tuple[pa.Table, list[Rejection]]:
    """Split off the failing rows of a table as Rejections carrying the row itself (only
    those rows become Python values: a whole table would take ~10x its Arrow size)."""
    if not failing:
        return table, []
    indices = sorted(failing)
    rows = table.take(pa.array(indices, type=pa.int64())).to_pylist()
    rejections = [
        Rejection(
            source_uri=str(row.get("source_uri") or row.get("article_id") or table_name),
            article_id=row.get("article_id"),
            raw_sha256=row.get("raw_sha256"),
            stage="validate",
            reason=failing[i][0].reason,
            detail="; ".join(f.detail for f in failing[i]),
            table_name=table_name,
            row_json=row_to_json(row),
        )
        for i, row in zip(indices, rows, strict=True)
    ]
    keep = pa.array([i not in failing for i in range(table.num_rows)], type=pa.bool_())
    return table.filter(keep), rejections


def drop_orphans(
    table_name: str, table: pa.Table, column: str, parent_ids: set[str],
    source_of: dict[str, str],
) -> tuple[pa.Table, list[Rejection]]:
    """Quarantine rows pointing at a quarantined parent (reason `validate_parent_rejected`)."""
    if not parent_ids or column not in table.column_names:
        return table, []
    orphan = [value in parent_ids for value in table.column(column).to_pylist()]
    if not any(orphan):
        return table, []
    rows = table.filter(pa.array(orphan, type=pa.bool_())).to_pylist()
    rejections = [
        Rejection(
            source_uri=source_of.get(row.get("article_id") or "", row.get("article_id") or ""),
            article_id=row.get("article_id"),
            raw_sha256=None,
            stage="validate",
            reason="validate_parent_rejected",
            detail=f"{table_name} row pointing at {column} {row[column]}, which failed validation",
            table_name=table_name,
            row_json=row_to_json(row),
        )
        for row in rows
    ]
    keep = pa.array([not o for o in orphan], type=pa.bool_())
    return table.filter(keep), rejections


# Child tables and the parent key their rows point at, checked after the parent's validation.
PARENT_KEYS = {"articles": "article_id", "entities": "entity_id"}
# The columns of child tables that point at each parent table.
POINTER_COLUMNS = {"articles": ("article_id",),
                   "entities": ("entity_id", "speaker_entity_id", "location_entity_id")}


def validate_tables(
    tables: dict[str, pa.Table],
) -> tuple[dict[str, pa.Table], dict[str, dict[str, Any]]]:
    """Validate every table; quarantine failing rows into `rejected`; block a broken table.

    Tables go parent first (schemas.TABLE_NAMES order): when an article or entity row is
    quarantined, the rows of later tables that point at it follow it into `rejected`.
    Raises ReleaseBlocked when any table fails as a whole (wrong columns or types).
    """
    from newsfacts.schemas import load_schemas
    from newsfacts.validate import validate_table

    schemas = load_schemas()
    reports: dict[str, dict[str, Any]] = {}
    errors: list[str] = []
    quarantined: list[Rejection] = []
    result = dict(tables)
    articles = result["articles"]
    source_of = dict(zip(articles.column("article_id").to_pylist(),
                         articles.column("source_uri").to_pylist(), strict=True))
    dropped: dict[str, set[str]] = {}

    for name in (n for n in schemas if n != "rejected"):
        if name == "dyads" and result["events"] is not tables["events"]:
            # derived: count only the events that passed validation (when none failed, the
            # dyads counted from the same events stand; recounting builds every event again)
            result[name] = dyads_table(result["events"])
        for parent, columns in POINTER_COLUMNS.items():
            for column in columns:
                result[name], orphans = drop_orphans(name, result[name], column,
                                                     dropped.get(parent, set()), source_of)
                quarantined += orphans
        report = validate_table(schemas[name], result[name])
        reports[name] = report.to_dict()
        if not report.table_ok:
            errors += [f"{name}: {e}" for e in report.table_errors]
            continue
        before = result[name]
        result[name], rejected = quarantine_rows(name, before, report.failing_rows())
        quarantined += rejected
        if name in PARENT_KEYS and rejected:
            key = PARENT_KEYS[name]
            dropped[name] = (set(before.column(key).to_pylist())
                             - set(result[name].column(key).to_pylist()))

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


def release_writer(tables: dict[str, pa.Table], reports: dict[str, dict[str, Any]],  # type: ignore[no-untyped-def]
                   partition_rows: int, csv_safe: bool = False):
    """A function that writes the data files of a release into a folder (their hashes are
    the release's content; the metadata describing them comes after: publish/metadata.py).
    Parquet tables with more than `partition_rows` rows are split by year (publish/parquet.py);
    `csv_safe` makes the CSV text cells spreadsheet-safe (publish/csv.py)."""
    from newsfacts.publish.csv import write_csv
    from newsfacts.publish.jsonld import write_dataset_jsonld
    from newsfacts.publish.parquet import write_release_parquet
    from newsfacts.publish.release import kill_point
    from newsfacts.schemas import load_schemas

    def write(folder: Path) -> None:
        for name, table in tables.items():
            write_csv(table, folder / f"{name}.csv", csv_safe)
            release_free_memory()
        kill_point("data-files")  # test hook: half the data files written
        write_release_parquet(folder, load_schemas(), tables, partition_rows)
        release_free_memory()
        write_dataset_jsonld(load_schemas(), tables, folder / "newsfacts.jsonld")
        release_free_memory()
        (folder / "validation.json").write_text(
            _dumps({"tables": reports}), encoding="utf-8"
        )

    return write


def use_system_allocator() -> None:
    """Make the system allocator Arrow's default memory pool, for this process.

    Publishing builds, sorts, filters and writes whole tables, freeing a copy at each step;
    Arrow's default allocator (mimalloc) keeps what was freed for reuse, which put ~75 MB on
    the peak of a 1,000- or 3,000-article build, and releasing it between the steps did not
    help (bench/README.md, "Memory as the corpus grows"). The tables are the same.
    """
    if pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())


def _dumps(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def input_manifest(items: Sequence[Item]) -> list[dict[str, str | None]]:
    """Source, id and raw hash of every input, in input order, and the hash of the source's
    metadata for an article that has some (a feed entry's title and date are not in the
    page's bytes: a change to them is a change of input)."""
    return [
        {"source_uri": i.source_uri, "article_id": i.article_id, "raw_sha256": i.raw_sha256,
         **({"meta_sha256": source_meta_sha256(i.meta)}
            if isinstance(i, RawArticle) and i.meta is not None else {})}
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

    from newsfacts.fingerprint import pipeline_version

    return {
        "newsfacts": __version__,
        "pipeline": pipeline_version(),
        "boilerplate_rules": rules_version(),
        "python": platform.python_version(),
        **{pkg: version(pkg) for pkg in ("pyarrow", "great-expectations", "py3langid")},
    }


def publish(
    items: Sequence[Item],
    result: BatchResult | Iterable[BatchResult],
    out_root: Path,
    settings: dict[str, Any],
    wait_for_lock: bool = True,
) -> BuildSummary:
    """Validate the batch results (one BatchResult, or chunks of it in input order) and
    publish them as a release of the dataset.

    Another run publishing to the same dataset is waited for, or with `wait_for_lock=False`
    makes this one raise `publish.release.PublishLocked`."""
    from newsfacts.publish.catalog import write_catalog
    from newsfacts.publish.metadata import metadata_writer
    from newsfacts.publish.release import folder_lock, publish_release
    from newsfacts.schemas import load_schemas

    use_system_allocator()
    tables = batch_to_tables(result)
    del result
    release_free_memory()
    tables, reports = validate_tables(tables)
    release_free_memory()
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
    csv_safe = bool(settings.get("csv_safe"))
    write_files = release_writer(
        tables, reports, settings.get("parquet_partition_rows", DEFAULT_PARTITION_ROWS), csv_safe)
    release = publish_release(out_root, DATASET, write_files, run_info,
                              write_metadata=metadata_writer(load_schemas(), tables, csv_safe),
                              wait_for_lock=wait_for_lock)
    # After `latest` moved, so the catalog lists only placed releases; under a lock on the
    # root, so a slower run cannot overwrite it with a scan that misses a newer release.
    with folder_lock(out_root):
        write_catalog(out_root)
    return BuildSummary(
        dataset=DATASET,
        version=release.version,
        release_path=release.path,
        created=release.created,
        articles_in=len(items),
        rows=run_info["counts"]["rows"],
        rejected=run_info["counts"]["rejected"],
    )


def build_settings(source: Source | Path, batch_size: int,
                   partition_rows: int = DEFAULT_PARTITION_ROWS,
                   csv_safe: bool = False) -> dict[str, Any]:
    """Settings recorded in run.json: only what does not depend on the machine (a source by
    its name: a folder's own name, not its path; never whether a feed was read offline)."""
    source = as_source(source)
    return {"source": source.name, "source_kind": source.kind, "batch_size": batch_size,
            "parquet_partition_rows": partition_rows, "csv_safe": csv_safe,
            "limits": current_limits().as_settings()}


def run_build(
    source: Source | Path,
    out_root: Path,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: Any = None,
    partition_rows: int = DEFAULT_PARTITION_ROWS,
    offline: bool = False,
    full_refresh: bool = False,
    state_path: Path | None = None,
    wait_for_lock: bool = True,
    csv_safe: bool = False,
) -> BuildSummary:
    """Ingest → clean → extract → validate → publish, without Prefect.

    Incremental (`incremental.py`): only articles that are new or changed since the state
    (default `<out_root>/.state/newsfacts.sqlite`) was written are processed, unless
    `full_refresh`. `on_batch(done, total)` is called after each batch (the CLI draws a
    progress bar with it). Parquet tables with more than `partition_rows` rows are split by
    year; `offline` builds a feed source from the raw store alone.
    """
    from newsfacts import incremental

    source = as_source(source)
    items = ingest_source(source, offline)
    settings = build_settings(source, batch_size, partition_rows, csv_safe)
    plan = incremental.plan_build(items, out_root, settings, full_refresh, state_path)
    batches = make_batches(plan.to_process, batch_size)
    # From here only the batches hold texts, and each batch's go once it is processed.
    items, plan = without_texts(items), incremental.without_texts(plan)
    total = len(batches)
    for done in range(1, total + 1):
        incremental.save_batch(plan, process_batch(batches.pop(0)))
        if on_batch is not None:
            on_batch(done, total)
    close_workers()  # each holds a copy of the models (~0.5 GB) that publishing does not need
    return incremental.finish_build(items, plan, out_root, settings,
                                    wait_for_lock=wait_for_lock)


def format_summary(summary: BuildSummary) -> str:
    """A short plain-text report of a build."""
    state = "published" if summary.created else "unchanged (same content as latest)"
    lines = [
        f"{summary.dataset} {summary.version}: {state}",
        f"  release:     {summary.release_path}",
        f"  articles in: {summary.articles_in}",
        *incremental_lines(summary),
        "  rows:        " + ", ".join(f"{n}={c}" for n, c in summary.rows.items()),
    ]
    if summary.rejected:
        lines.append("  rejected:")
        lines += [f"    {reason}: {count}" for reason, count in summary.rejected.items()]
    else:
        lines.append("  rejected:    none")
    return "\n".join(lines)


def incremental_lines(summary: BuildSummary) -> list[str]:
    """The summary line of an incremental build: processed, reused and removed articles."""
    if summary.processed is None:
        return []
    note = (" (full refresh)" if summary.full_refresh
            else " (nothing changed: dataset steps skipped)" if summary.skipped else "")
    return [f"  incremental: processed={summary.processed}, reused={summary.reused}, "
            f"removed={summary.removed}{note}"]
