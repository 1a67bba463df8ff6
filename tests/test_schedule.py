"""The deployments and task runners built from sources.toml (its parsing: test_sources.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfacts.sources import SourcesError, load_sources

ROOT = Path(__file__).resolve().parent.parent


def test_a_deployment_per_source_with_its_cron_and_absolute_paths(tmp_path: Path) -> None:
    from flows.deployments import build_deployments

    config = load_sources(ROOT / "sources.toml")
    [deployment] = build_deployments(config, Path("datasets"), wait_for_lock=False)
    assert deployment.name == "seeds"
    assert [s.schedule.cron for s in deployment.schedules] == [config.sources["seeds"].schedule]
    assert deployment.parameters == {"source": "seeds",
                                     "sources_file": str(ROOT / "sources.toml"),
                                     "out": str(Path("datasets").resolve()),
                                     "wait_for_lock": False}


def test_a_sources_file_without_schedules_has_nothing_to_serve(tmp_path: Path) -> None:
    from flows.deployments import build_deployments

    config = tmp_path / "sources.toml"
    config.write_text('[sources.here]\nkind = "folder"\nlocation = "."\n', encoding="utf-8")
    with pytest.raises(SourcesError, match="no source has a schedule"):
        build_deployments(load_sources(config), tmp_path)


def test_task_runners_by_name() -> None:
    from flows.task_runners import make_task_runner
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    assert isinstance(make_task_runner("local"), ThreadPoolTaskRunner)
    local_cluster = make_task_runner("dask", dask_workers=3)
    assert isinstance(local_cluster, DaskTaskRunner)
    assert local_cluster.cluster_kwargs == {"n_workers": 3, "threads_per_worker": 1,
                                            "processes": True}
    assert make_task_runner("dask", "tcp://127.0.0.1:8786").address == "tcp://127.0.0.1:8786"
    with pytest.raises(ValueError, match="needs the dask task runner"):
        make_task_runner("local", "tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="unknown task runner"):
        make_task_runner("ray")
