"""Incremental builds: only new or changed articles are processed, the state survives a crash,
and the release is byte-identical to a full rebuild."""

from __future__ import annotations

import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from newsfacts.cli import app
from newsfacts.fingerprint import PACKAGE_DIR, is_dataset_level, package_files, pipeline_version
from newsfacts.incremental import select_articles, split_by_article
from newsfacts.ingest.folder import read_folder
from newsfacts.pipeline import format_summary, process_batch, run_build
from newsfacts.records import BatchResult, RawArticle
from newsfacts.state import (
    BuildState,
    StoredArticle,
    decode_result,
    default_state_path,
    encode_result,
)

SEED_000 = "000_c1accda924f0f9d8.txt"
SEED_004 = "004_b37bf997956b9fa5.txt"


class Interrupted(Exception):
    """Stands for a crash or Ctrl-C in the middle of a run."""


def _files(release: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(release.iterdir())}


def _article_ids(release: Path) -> list[str]:
    return sorted(pq.read_table(release / "articles.parquet").column("article_id").to_pylist())


def test_a_rerun_reuses_every_article_and_full_refresh_redoes_them(
    seeds_dir: Path, tmp_path: Path
) -> None:
    first = run_build(seeds_dir, tmp_path)
    assert (first.created, first.processed, first.reused, first.removed) == (True, 2, 0, 0)

    again = run_build(seeds_dir, tmp_path)
    assert (again.created, again.version, again.skipped) == (False, "v0001", True)
    assert (again.processed, again.reused, again.removed) == (0, 2, 0)
    assert again.rows == first.rows
    assert ("incremental: processed=0, reused=2, removed=0 (nothing changed: dataset steps "
            "skipped)") in format_summary(again)

    full = CliRunner().invoke(app, ["build", "--source", str(seeds_dir), "--out", str(tmp_path),
                                    "--full-refresh"])
    assert full.exit_code == 0, full.output
    assert "newsfacts v0001: unchanged" in full.output
    assert "incremental: processed=2, reused=0, removed=0 (full refresh)" in full.output
    with BuildState(default_state_path(tmp_path)) as state:
        assert sorted(state.stored()) == _article_ids(first.release_path)
        last = state.last_run("newsfacts")
    assert last is not None and (last.version, last.processed, last.full_refresh) == (
        "v0001", 2, True)


def test_an_interrupted_run_resumes_and_equals_a_full_rebuild(
    seeds_dir: Path, tmp_path: Path
) -> None:
    def crash_after_first_batch(done: int, total: int) -> None:
        raise Interrupted

    out = tmp_path / "out"
    with pytest.raises(Interrupted):
        run_build(seeds_dir, out, batch_size=1, on_batch=crash_after_first_batch)
    assert not (out / "newsfacts").exists()  # nothing published ...
    with BuildState(default_state_path(out)) as state:
        assert len(state.stored()) == 1  # ... but the finished batch is kept

    resumed = run_build(seeds_dir, out, batch_size=1)
    assert (resumed.processed, resumed.reused) == (1, 1)
    rebuilt = run_build(seeds_dir, tmp_path / "full", batch_size=1, full_refresh=True)
    assert _files(resumed.release_path) == _files(rebuilt.release_path)


def test_new_changed_and_removed_articles(seeds_dir: Path, tmp_path: Path) -> None:
    source, out, twin = tmp_path / "source", tmp_path / "out", tmp_path / "twin"
    source.mkdir()
    shutil.copy(seeds_dir / SEED_000, source)
    first = run_build(source, out)
    assert (first.version, first.processed) == ("v0001", 1)
    shutil.copytree(out, twin, symlinks=True)

    shutil.copy(seeds_dir / SEED_004, source)  # a new article
    grown = run_build(source, out)
    assert (grown.version, grown.processed, grown.reused, grown.removed) == ("v0002", 1, 1, 0)
    assert grown.rows["articles"] == 2 and grown.rows["events"] == 23
    # The same release as reprocessing everything on top of the same v0001, every file.
    rebuilt = run_build(source, twin, full_refresh=True)
    assert (rebuilt.version, rebuilt.processed) == ("v0002", 2)
    assert _files(grown.release_path) == _files(rebuilt.release_path)

    edited = source / SEED_004  # changed bytes: a new article id, the old one removed
    edited.write_text(edited.read_text("utf-8").replace("Both the Kremlin", "The Kremlin"),
                      encoding="utf-8")
    changed = run_build(source, out)
    assert (changed.version, changed.processed, changed.reused, changed.removed) == (
        "v0003", 1, 1, 1)
    assert _article_ids(changed.release_path) != _article_ids(grown.release_path)

    (source / SEED_000).unlink()  # gone from the source: gone from the release and the state
    shrunk = run_build(source, out)
    assert (shrunk.version, shrunk.processed, shrunk.reused, shrunk.removed) == (
        "v0004", 0, 1, 1)
    remaining = _article_ids(shrunk.release_path)
    assert len(remaining) == 1
    with BuildState(default_state_path(out)) as state:
        assert sorted(state.stored()) == remaining


def test_a_new_pipeline_version_or_new_bytes_mean_processing_again(seeds_dir: Path) -> None:
    items = list(read_folder(seeds_dir))
    raws = [i for i in items if isinstance(i, RawArticle)]
    stored = {r.article_id: StoredArticle(r.raw_sha256, "p-current") for r in raws}
    assert select_articles(items, stored, "p-current", full_refresh=False) == ([], 2)
    assert select_articles(items, stored, "p-current", full_refresh=True) == (raws, 0)
    assert select_articles(items, stored, "p-newer", full_refresh=False) == (raws, 0)
    stale = {**stored, raws[0].article_id: StoredArticle("0" * 64, "p-current")}
    assert select_articles(items, stale, "p-current", full_refresh=False) == ([raws[0]], 1)


def test_pipeline_version_hashes_per_article_code_rules_and_models_only() -> None:
    version = pipeline_version()
    assert version.startswith("p") and len(version) == 17
    hashed = {p.relative_to(PACKAGE_DIR).as_posix() for p in package_files()
              if not is_dataset_level(p)}
    assert {"clean/boilerplate.py", "extract/events.py", "rules/events.json",
            "models/line_classifier_stage1.txt", "records.py", "state.py"} <= hashed
    assert not hashed & {"publish/release.py", "tables.py", "duplicates.py", "cli.py",
                         "extract/stories.py", "extract/entity_merge.py"}


def test_stored_results_round_trip(seeds_dir: Path) -> None:
    result = process_batch(list(read_folder(seeds_dir)))
    parts = split_by_article(result)
    assert len(parts) == 2
    decoded = [decode_result(encode_result(part)) for part in parts.values()]
    assert decoded == list(parts.values())
    assert BatchResult.merge(decoded) == result  # floats, dates and tuples come back exact


def test_serve_datasets_hides_the_state(tmp_path: Path) -> None:
    from newsfacts.publish.serve import make_server, server_url

    (tmp_path / ".state").mkdir()
    (tmp_path / ".state" / "newsfacts.sqlite").write_bytes(b"SQLite format 3\x00")
    (tmp_path / "catalog.json").write_text("{}", encoding="utf-8")
    with make_server(tmp_path, port=0, quiet=True) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = server_url(server)
        try:
            with urllib.request.urlopen(base + "catalog.json", timeout=10) as response:
                assert response.read() == b"{}"
            for hidden in (".state/newsfacts.sqlite", "%2Estate/newsfacts.sqlite"):
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(base + hidden, timeout=10)
                assert refused.value.code == 404
        finally:
            server.shutdown()


def test_publishing_reads_the_state_in_chunks_and_needs_every_result(
    seeds_dir: Path, tmp_path: Path
) -> None:
    """stored_chunks: input order, `size` inputs at a time; a missing result is an error
    naming the input before any chunk is read."""
    from newsfacts.incremental import stored_chunks

    items = list(read_folder(seeds_dir))
    state = tmp_path / "state.sqlite"
    with BuildState(state) as db:
        db.save([(i.article_id, i.source_uri, i.raw_sha256, None, "v",
                  encode_result(BatchResult((), (), (), ()))) for i in items[:1]])
    chunks = stored_chunks(items, state, size=1)
    missing = f"no stored result for 1 article.*{items[1].source_uri}"
    with pytest.raises(RuntimeError, match=missing):
        next(chunks)
    with BuildState(state) as db:
        db.save([(i.article_id, i.source_uri, i.raw_sha256, None, "v",
                  encode_result(split_by_article(process_batch([i]))[i.article_id]))
                 for i in items])
    parts = list(stored_chunks(items, state, size=1))
    assert [p.articles[0].source_uri for p in parts] == [i.source_uri for i in items]
