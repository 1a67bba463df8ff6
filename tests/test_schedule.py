"""sources.toml: the scheduled sources, and the deployments and task runners built from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfacts.schedule import SourcesError, is_cron, load_sources

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    config = tmp_path / "sources.toml"
    config.write_text(text, encoding="utf-8")
    return config


def test_the_project_sources_toml_schedules_the_seeds() -> None:
    [seeds] = load_sources(ROOT / "sources.toml")
    assert (seeds.name, seeds.kind, seeds.location) == ("seeds", "folder", ROOT / "seeds")
    assert is_cron(seeds.schedule)
    assert seeds.location.is_dir()


def test_locations_are_relative_to_the_file_and_order_is_kept(tmp_path: Path) -> None:
    config = write(tmp_path, '[[source]]\nname = "b"\nkind = "folder"\nlocation = "x/y"\n'
                             'schedule = "*/15 * * * *"\n\n'
                             '[[source]]\nname = "a"\nkind = "folder"\nlocation = "/abs"\n'
                             'schedule = "0 6 * * MON-FRI"\n')
    sources = load_sources(config)
    assert [s.name for s in sources] == ["b", "a"]
    assert sources[0].location == tmp_path / "x" / "y"
    assert sources[1].location == Path("/abs")


@pytest.mark.parametrize(("text", "message"), [
    ('[[source]]\nname = "a"\nkind = "folder"\nlocation = "s"\n', "missing schedule"),
    ('[[source]]\nname = "a"\nkind = "folder"\nlocation = "s"\nschedule = "daily"\n',
     "is not a five-field cron"),
    ('[[source]]\nname = ""\nkind = "folder"\nlocation = "s"\nschedule = "0 6 * * *"\n',
     "name must be a non-empty string"),
    ('[[source]]\nname = "a"\nkind = "folder"\nlocation = "s"\nschedule = "0 6 * * *"\n' * 2,
     "duplicate source names: a"),
    ('title = "no sources"\n', "no [[source]] tables"),
    ('[[source]\n', "sources.toml"),
])
def test_malformed_configs_are_refused_with_the_reason(tmp_path: Path, text: str,
                                                       message: str) -> None:
    with pytest.raises(SourcesError, match=message.replace("[", r"\[")):
        load_sources(write(tmp_path, text))


def test_cron_shapes() -> None:
    assert all(map(is_cron, ["* * * * *", "0 6 * * *", "*/5 1-3 1,15 JAN MON"]))
    assert not any(map(is_cron, ["", "* * * *", "* * * * * *", "0 6 * * ?", "@daily"]))


def test_a_deployment_per_source_with_its_cron_and_absolute_paths(tmp_path: Path) -> None:
    from flows.deployments import build_deployments

    sources = load_sources(ROOT / "sources.toml")
    [deployment] = build_deployments(sources, Path("datasets"), wait_for_lock=False)
    assert deployment.name == "seeds"
    assert [s.schedule.cron for s in deployment.schedules] == [sources[0].schedule]
    assert deployment.parameters == {"source": str(ROOT / "seeds"),
                                     "out": str(Path("datasets").resolve()),
                                     "wait_for_lock": False}


def test_a_kind_the_flow_cannot_build_is_refused(tmp_path: Path) -> None:
    from flows.deployments import build_deployments

    config = write(tmp_path, '[[source]]\nname = "f"\nkind = "rss"\n'
                             'location = "https://example.org/feed"\nschedule = "0 * * * *"\n')
    with pytest.raises(SourcesError, match="kind 'rss' cannot be built yet"):
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
