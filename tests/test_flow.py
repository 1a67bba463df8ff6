"""The Prefect flow and the CLI produce the same release as the plain pipeline."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsfacts.cli import app
from newsfacts.pipeline import run_build

pytestmark = pytest.mark.flow


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    import flows  # noqa: F401  (project Prefect settings)
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def _files(release: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(release.iterdir())}


def test_flow_and_cli_give_the_same_release(
    prefect_harness: None, seeds_dir: Path, tmp_path: Path
) -> None:
    from flows.build import build

    flow_summary = build(source=seeds_dir, out=tmp_path / "flow")
    assert flow_summary.created and flow_summary.rows["articles"] == 2

    result = CliRunner().invoke(
        app, ["build", "--source", str(seeds_dir), "--out", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    assert "newsfacts v0001: published" in result.output
    assert ("rows:        articles=2, boilerplate=4, entities=24, mentions=67, quotes=15, "
            "events=23, dyads=6, rejected=0") in result.output

    flow_files = _files(tmp_path / "flow" / "newsfacts" / "v0001")
    cli_files = _files(tmp_path / "cli" / "newsfacts" / "v0001")
    assert flow_files == cli_files
    plain = run_build(seeds_dir, tmp_path / "plain")
    assert _files(plain.release_path) == flow_files


def test_flow_runs_batches_as_tasks_and_is_recorded(
    prefect_harness: None, seeds_dir: Path, tmp_path: Path
) -> None:
    from flows.build import build
    from prefect.client.orchestration import get_client

    state = build(source=seeds_dir, out=tmp_path, batch_size=1, return_state=True)
    assert state.is_completed()

    async def task_names() -> list[str]:
        async with get_client() as client:
            runs = await client.read_task_runs()
            return [r.name for r in runs if r.flow_run_id == state.state_details.flow_run_id]

    import asyncio

    names = sorted(n.rsplit("-", 1)[0] for n in asyncio.run(task_names()))
    assert names == ["clean-extract", "clean-extract", "ingest", "validate-publish"]


def test_flow_lets_the_batch_results_go_before_publishing(
    prefect_harness: None, seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each batch's records are in the state once stored; held by the task futures through
    publishing, they would cost ~60 kB per article on top of the release's tables."""
    import gc

    from flows.build import build

    from newsfacts import incremental
    from newsfacts.records import BatchResult

    def live_results() -> int:
        gc.collect()
        return sum(isinstance(o, BatchResult) and bool(o.articles) for o in gc.get_objects())

    real_finish = incremental.finish_build
    alive: list[int] = []

    def count_then_finish(*args, **kwargs):  # type: ignore[no-untyped-def]
        alive.append(live_results())
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(incremental, "finish_build", count_then_finish)
    before = live_results()  # any that earlier tests keep are not this run's
    summary = build(source=seeds_dir, out=tmp_path / "out", batch_size=1)
    assert summary.rows["articles"] == 2
    assert alive == [before]


def test_flow_reruns_process_only_new_articles(
    prefect_harness: None, seeds_dir: Path, tmp_path: Path
) -> None:
    from flows.build import build

    seeds = sorted(seeds_dir.glob("*.txt"))
    source, out = tmp_path / "source", tmp_path / "out"
    source.mkdir()
    shutil.copy(seeds[0], source)
    first = build(source=source, out=out, batch_size=1)
    assert (first.version, first.processed, first.reused) == ("v0001", 1, 0)
    shutil.copy(seeds[1], source)
    grown = build(source=source, out=out, batch_size=1)
    assert (grown.version, grown.processed, grown.reused, grown.removed) == ("v0002", 1, 1, 0)
    assert grown.rows == {"articles": 2, "boilerplate": 4, "entities": 24, "mentions": 67,
                          "quotes": 15, "events": 23, "dyads": 6, "rejected": 0}
    same = build(source=source, out=out, batch_size=1)
    assert (same.created, same.skipped, same.processed, same.reused) == (False, True, 0, 2)
    full = build(source=source, out=out, batch_size=1, full_refresh=True)
    assert (full.created, full.version, full.processed, full.reused) == (False, "v0002", 2, 0)


def test_cli_validate_checks_a_release(seeds_dir: Path, tmp_path: Path) -> None:
    run_build(seeds_dir, tmp_path)
    release = tmp_path / "newsfacts" / "latest"
    ok = CliRunner().invoke(app, ["validate", str(release)])
    assert ok.exit_code == 0, ok.output
    assert "articles: 2 rows, ok" in ok.output
    os.remove(release / "boilerplate.parquet")
    missing = CliRunner().invoke(app, ["validate", str(release)])
    assert missing.exit_code == 1
    assert "boilerplate: missing" in missing.output


def test_cli_refuses_a_missing_source(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", "--source", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "not a folder" in result.output


def test_flow_takes_a_source_by_name_from_the_sources_file(
    prefect_harness: None, seeds_dir: Path, tmp_path: Path
) -> None:
    import json

    from flows.build import build

    from newsfacts.sources import resolve_source

    seed = (seeds_dir / "004_b37bf997956b9fa5.txt").read_text(encoding="utf-8")
    record = {"maintext": seed, "url": "https://example.com/putin-call"}
    (tmp_path / "dump.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    config = tmp_path / "sources.toml"
    config.write_text('[sources.dump]\nkind = "jsonl"\nlocation = "dump.jsonl"\n',
                      encoding="utf-8")
    summary = build(source="dump", out=tmp_path / "flow", sources_file=config)
    assert summary.created and summary.rows["articles"] == 1
    plain = run_build(resolve_source("dump", config), tmp_path / "plain")
    assert _files(plain.release_path) == _files(summary.release_path)


def test_flow_with_no_wait_fails_at_once_when_another_run_publishes(
    prefect_harness: None, seeds_dir: Path, tmp_path: Path
) -> None:
    """The publish task is not retried on PublishLocked (flock conflicts between two open files,
    even in one process)."""
    import asyncio

    from flows.build import build
    from prefect.client.orchestration import get_client

    from newsfacts.publish.release import PublishLocked, publish_lock

    with publish_lock(tmp_path / "newsfacts"):
        state = build(source=seeds_dir, out=tmp_path, wait_for_lock=False, return_state=True)
    assert state.is_failed()
    with pytest.raises(PublishLocked, match=f"another run is publishing to {tmp_path}"):
        state.result()
    assert not (tmp_path / "newsfacts" / "v0001").exists()

    async def publish_attempts() -> list[int]:
        async with get_client() as client:
            runs = await client.read_task_runs()
            return [r.run_count for r in runs if r.flow_run_id == state.state_details.flow_run_id
                    and r.name.startswith("validate-publish")]

    assert asyncio.run(publish_attempts()) == [1]
