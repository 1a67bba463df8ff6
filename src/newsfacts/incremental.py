"""Incremental builds: clean and extract only new or changed articles, reuse the rest.

A build plans (`plan_build`), processes the planned batches and stores each batch's
per-article results as soon as it is done (`save_batch`, one commit per batch: a crashed run
resumes where it stopped), then `finish_build` assembles every input's result from the state
in input order and runs the dataset-level steps (duplicates, entity merge, stories, dyads,
validation, publish) on all of them, so the release is byte-identical to a full rebuild.

An article is reused when the state holds its id (a hash of source and raw bytes: changed
bytes are a new id) with the current `pipeline_version` and the same source metadata
(`meta_sha256`: a feed entry's new title or date, same page, is processed again). Articles
gone from the source are not in the release, and their cached results are dropped after it
is published. When the
inputs, settings and code are exactly those of the last build and its release is still
`latest`, untouched, nothing runs: the release would be the same (`unchanged`).
`full_refresh` reprocesses everything and skips that shortcut.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from newsfacts import pipeline
from newsfacts.fingerprint import pipeline_version, release_fingerprint
from newsfacts.ids import source_meta_sha256
from newsfacts.publish.release import (
    CHECKSUMS_FILE,
    dataset_root,
    file_sha256,
    latest_version,
    read_run_info,
)
from newsfacts.records import BatchResult, RawArticle, Rejection
from newsfacts.state import (
    RESULT_PARTS,
    BuildState,
    RunRecord,
    StoredArticle,
    decode_result,
    default_state_path,
    encode_result,
)


@dataclass(frozen=True)
class BuildPlan:
    """What a build will do: which articles to process, how many it reuses.

    `unchanged` is the last build when this one would publish exactly the same release.
    """

    state_path: Path
    pipeline_version: str
    release_key: str
    to_process: tuple[RawArticle, ...]
    reused: int
    full_refresh: bool
    unchanged: RunRecord | None = None


def without_texts(plan: BuildPlan) -> BuildPlan:
    """The plan with its articles' texts dropped (what `save_batch` and `finish_build` read
    of them are ids and hashes)."""
    return replace(plan, to_process=tuple(pipeline.without_texts(plan.to_process)))


def select_articles(
    items: Sequence[pipeline.Item], stored: dict[str, StoredArticle], version: str,
    full_refresh: bool,
) -> tuple[list[RawArticle], int]:
    """The raw articles to process (new, changed, or cached by another pipeline version) and
    how many can be reused; ingest rejections need neither."""
    raws = [i for i in items if isinstance(i, RawArticle)]
    if full_refresh:
        return raws, 0
    todo = [r for r in raws if not is_cached(r, stored.get(r.article_id), version)]
    return todo, len(raws) - len(todo)


def is_cached(raw: RawArticle, stored: StoredArticle | None, version: str) -> bool:
    """True when the state holds this article's result from these bytes, this source
    metadata and this pipeline."""
    return (stored is not None and stored.raw_sha256 == raw.raw_sha256
            and stored.meta_sha256 == source_meta_sha256(raw.meta)
            and stored.pipeline_version == version)


def release_key(items: Sequence[pipeline.Item], settings: dict[str, Any]) -> str:
    """Hash of everything a release is made from: inputs, settings and all the code."""
    document = {"dataset": pipeline.DATASET, "settings": settings,
                "inputs": pipeline.input_manifest(items), "code": release_fingerprint()}
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def release_intact(out_root: Path, run: RunRecord) -> bool:
    """True when `run`'s release is still `latest` and its checksums file is unchanged."""
    root = dataset_root(out_root, run.dataset)
    sums = root / run.version / CHECKSUMS_FILE
    return (latest_version(root) == run.version and sums.is_file()
            and file_sha256(sums) == run.checksums_sha256)


def plan_build(
    items: Sequence[pipeline.Item], out_root: Path, settings: dict[str, Any],
    full_refresh: bool = False, state_path: Path | None = None,
) -> BuildPlan:
    """Read the state and decide what this build processes."""
    path = state_path or default_state_path(out_root)
    version = pipeline_version()
    key = release_key(items, settings)
    with BuildState(path) as state:
        last = state.last_run(pipeline.DATASET)
        if (not full_refresh and last is not None and last.release_key == key
                and release_intact(out_root, last)):
            reused = sum(isinstance(i, RawArticle) for i in items)
            return BuildPlan(path, version, key, (), reused, full_refresh, unchanged=last)
        todo, reused = select_articles(items, state.stored(), version, full_refresh)
    return BuildPlan(path, version, key, tuple(todo), reused, full_refresh)


def split_by_article(result: BatchResult) -> dict[str, BatchResult]:
    """A batch's result cut into one BatchResult per article id (order kept within each)."""
    parts: dict[str, dict[str, list[Any]]] = defaultdict(
        lambda: {name: [] for name in RESULT_PARTS})
    for name in RESULT_PARTS:
        for record in getattr(result, name):
            if record.article_id is not None:
                parts[record.article_id][name].append(record)
    return {article_id: BatchResult(**{name: tuple(rows) for name, rows in found.items()})
            for article_id, found in parts.items()}


def save_batch(plan: BuildPlan, result: BatchResult) -> None:
    """Store the per-article results of one processed batch of the plan (one commit)."""
    planned = {r.article_id: r for r in plan.to_process}
    entries = [
        (aid, planned[aid].source_uri, planned[aid].raw_sha256,
         source_meta_sha256(planned[aid].meta), plan.pipeline_version, encode_result(part))
        for aid, part in split_by_article(result).items() if aid in planned
    ]
    with BuildState(plan.state_path) as state:
        state.save(entries)


def assemble(items: Sequence[pipeline.Item], stored: dict[str, bytes]) -> BatchResult:
    """Every input's result in input order: ingest rejections as they are, articles from the
    state."""
    missing = [i.source_uri for i in items if isinstance(i, RawArticle)
               and i.article_id not in stored]
    if missing:
        raise RuntimeError(f"no stored result for {len(missing)} article(s), e.g. {missing[0]}")
    return BatchResult.merge([
        BatchResult((), (), (item,)) if isinstance(item, Rejection)
        else decode_result(stored[item.article_id])
        for item in items
    ])


ASSEMBLE_INPUTS = 500  # inputs whose stored results are decoded at a time for publishing


def stored_chunks(items: Sequence[pipeline.Item], state_path: Path,
                  size: int = ASSEMBLE_INPUTS) -> Iterator[BatchResult]:
    """`assemble` from the state file, `size` inputs at a time, in input order: publishing
    holds one chunk's records at a time (`tables.batch_to_tables`), not the dataset's.

    Every input's result is checked to be stored before the first chunk is read.
    """
    with BuildState(state_path) as state:
        stored_ids = state.stored_ids()
        missing = [i.source_uri for i in items if isinstance(i, RawArticle)
                   and i.article_id not in stored_ids]
        if missing:
            raise RuntimeError(
                f"no stored result for {len(missing)} article(s), e.g. {missing[0]}")
        del stored_ids
        for start in range(0, len(items), size):
            part = items[start : start + size]
            yield assemble(part, state.load([i.article_id for i in part
                                             if isinstance(i, RawArticle)]))


def finish_build(
    items: Sequence[pipeline.Item], plan: BuildPlan, out_root: Path, settings: dict[str, Any],
    wait_for_lock: bool = True,
) -> pipeline.BuildSummary:
    """Publish from every input's stored result, forget removed articles, log the run.
    `wait_for_lock=False`: raise PublishLocked if another run is publishing."""
    if plan.unchanged is not None:
        summary = unchanged_summary(items, out_root, plan.unchanged)
        removed = 0
    else:
        ids = [i.article_id for i in items if isinstance(i, RawArticle)]
        summary = pipeline.publish(items, stored_chunks(items, plan.state_path),
                                   out_root, settings, wait_for_lock=wait_for_lock)
        with BuildState(plan.state_path) as state:
            removed = state.prune(ids)
    summary = replace(summary, processed=len(plan.to_process), reused=plan.reused,
                      removed=removed, full_refresh=plan.full_refresh,
                      skipped=plan.unchanged is not None)
    with BuildState(plan.state_path) as state:
        state.record_run(RunRecord(
            dataset=summary.dataset, version=summary.version, release_key=plan.release_key,
            checksums_sha256=file_sha256(summary.release_path / CHECKSUMS_FILE),
            articles_in=summary.articles_in, processed=summary.processed or 0,
            reused=summary.reused, removed=removed, full_refresh=plan.full_refresh))
    return summary


def unchanged_summary(
    items: Sequence[pipeline.Item], out_root: Path, run: RunRecord
) -> pipeline.BuildSummary:
    """The summary of a build that found nothing to do: the counts of the release it kept."""
    path = dataset_root(out_root, run.dataset) / run.version
    counts = read_run_info(path)["counts"]
    return pipeline.BuildSummary(
        dataset=run.dataset, version=run.version, release_path=path, created=False,
        articles_in=len(items), rows=counts["rows"], rejected=counts["rejected"])
