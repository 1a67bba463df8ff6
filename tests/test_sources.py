"""sources.toml: the shipped file, clear errors naming the line, `newsfacts sources`, naming a
source on the command line, and builds from feed, JSONL and WARC sources."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from loopback_site import Route, Site, serve_site
from newsfacts.cli import app
from newsfacts.cron import cron_problem
from newsfacts.fetch.client import FetchSettings
from newsfacts.pipeline import run_build
from newsfacts.sources import Source, SourcesError, load_sources, parse_sources, resolve_source
from seed_pages import SEED_NAMES, seed_page_html, seed_parts

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_sources_file_builds_the_seeds_by_default() -> None:
    config = load_sources(ROOT / "sources.toml")
    assert config.default == "seeds"
    assert config.store == ROOT / "store"
    assert config.fetch == FetchSettings()  # the file states the defaults
    seeds = config.sources["seeds"]
    assert (seeds.kind, seeds.location, seeds.path) == ("folder", "seeds", ROOT / "seeds")
    assert seeds.schedule == "0 6 * * *"


GOOD = """\
default = "news"
store = "raw-store"

[fetch]
min_interval_seconds = 2
max_retries = 1

[sources.news]
kind = "feed"
location = "https://news.example.com/rss.xml"
schedule = "*/30 * * * *"

[sources."cc-news"]
kind = "warc"
location = "data/cc"
"""


def test_a_config_gives_sources_with_paths_store_and_fetch_settings(tmp_path: Path) -> None:
    config = parse_sources(GOOD, tmp_path / "sources.toml")
    assert list(config.sources) == ["news", "cc-news"]
    news = config.sources["news"]
    assert news == Source(name="news", kind="feed", location="https://news.example.com/rss.xml",
                          schedule="*/30 * * * *", store=tmp_path / "raw-store",
                          fetch=FetchSettings(min_interval_seconds=2.0, max_retries=1))
    assert config.sources["cc-news"].path == tmp_path / "data" / "cc"


@pytest.mark.parametrize(("change", "message"), [
    (("kind = \"feed\"", "kind = \"feed"), "sources.toml:9: not valid TOML: "),
    (("kind = \"warc\"", "kind = \"ftp\""),
     "sources.toml:14: source 'cc-news': unknown kind 'ftp' (one of folder, jsonl, warc, feed)"),
    (("location = \"data/cc\"\n", ""),
     "sources.toml:13: source 'cc-news': 'location' is required (a string)"),
    (("*/30 * * * *", "*/30 * * *"),
     "sources.toml:11: source 'news': schedule '*/30 * * *' is not a cron string: 4 fields"),
    (("*/30 * * * *", "61 * * * *"),
     "sources.toml:11: source 'news': schedule '61 * * * *' is not a cron string: "
     "minute '61': not in 0-59"),
    (("https://news.example.com/rss.xml", "file:///etc/passwd"),
     "sources.toml:10: source 'news': a feed's location must be an http(s) URL"),
    (("location = \"data/cc\"", "location = \"data/cc\"\nloction = \"x\""),
     "sources.toml:16: source 'cc-news': unknown key 'loction'"),
    (("default = \"news\"", "default = \"nope\""),
     "sources.toml:1: default 'nope' is not one of the sources (news, cc-news)"),
    (("max_retries = 1", "max_retry = 1"), "sources.toml:6: unknown fetch setting 'max_retry'"),
    (("max_retries = 1", "max_retries = -1"),
     "sources.toml:6: fetch setting 'max_retries' must be a whole number >= 0, not -1"),
    (("max_retries = 1", "max_retries = 1\nuser_agent = \"Mozilla/5.0\""),
     "sources.toml:7: fetch setting 'user_agent' must start with 'newsfacts/'"),
    (("[sources.news]", "[sources.\"bad name!\"]"),
     "sources.toml:8: source name 'bad name!': use letters, digits"),
])
def test_a_bad_config_names_the_file_and_line(tmp_path: Path, change: tuple[str, str],
                                              message: str) -> None:
    text = GOOD.replace(*change)
    assert text != GOOD
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourcesError) as err:
        load_sources(path)
    assert str(err.value).startswith(f"{tmp_path}/{message}"), str(err.value)


def test_a_config_without_sources_says_so(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match=re.escape("no sources: add a [sources.NAME] table")):
        parse_sources('default = "x"\n', tmp_path / "sources.toml")


ACCEPTED = ["0 6 * * *", "*/30 * * * *", "0 0 1 jan *", "15 8 * * mon-fri", "0 0,12 * * 7",
            "5-55/10 * * * *", "@daily", "@hourly", "@weekly"]
REFUSED = ["", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "* * * * 8",
           "*/0 * * * *", "10-5 * * * *", "* * * * funday", "@reboot", "H * * * *",
           "0 0 * * * *"]


def test_cron_strings_we_accept_prefect_accepts_too() -> None:
    import flows  # noqa: F401  (project Prefect settings before prefect is imported)
    from prefect.client.schemas.schedules import CronSchedule

    for expression in ACCEPTED:
        assert cron_problem(expression) is None, expression
        CronSchedule(cron=expression)  # raises if Prefect disagrees
    for expression in REFUSED:
        assert cron_problem(expression) is not None, expression


def test_newsfacts_sources_lists_them(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["sources", "--config", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any("news (default)" in line and "feed" in line
               and "https://news.example.com/rss.xml" in line and "*/30 * * * *" in line
               for line in lines)
    assert any("cc-news" in line and "warc" in line and "data/cc" in line for line in lines)
    shipped = CliRunner().invoke(app, ["sources", "--config", str(ROOT / "sources.toml")])
    assert shipped.exit_code == 0 and "seeds (default)" in shipped.output


def test_newsfacts_sources_reports_a_bad_file(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(GOOD.replace('kind = "warc"', 'kind = "ftp"'), encoding="utf-8")
    result = CliRunner().invoke(app, ["sources", "--config", str(path)])
    assert result.exit_code == 2
    assert f"{path}:14: source 'cc-news': unknown kind 'ftp'" in result.output


def test_a_source_is_named_or_given_by_path(tmp_path: Path, seeds_dir: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert resolve_source("news", path).kind == "feed"
    by_path = resolve_source(seeds_dir, path)
    assert (by_path.name, by_path.kind, by_path.path) == ("seeds", "folder", seeds_dir)
    dump = tmp_path / "dump.jsonl"
    dump.write_text("{}\n", encoding="utf-8")
    assert resolve_source(str(dump), path).kind == "jsonl"
    with pytest.raises(SourcesError) as err:
        resolve_source("nope", path)
    assert str(err.value) == f"not a folder, a .jsonl or a .warc file, nor a source in {path}: nope"


# ------------------------------------------------------------------ builds from sources


@pytest.fixture
def news_site() -> Iterator[Site]:
    site = Site()
    site.routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n")
    links = []
    for name, path in zip(SEED_NAMES, ("/news/maduro.html", "/news/putin-call.html"),
                          strict=True):
        site.routes[path] = Route(seed_page_html(name).encode(),
                                  headers={"Content-Type": "text/html; charset=utf-8"},
                                  etag=f'"{name[:3]}"')
        links.append((seed_parts(name)[0], path))
    site.routes["/broken.html"] = Route(fail_times=99)
    links += [("Down", "/broken.html"), ("Forbidden", "/private/memo.html")]
    items = "".join(f"<item><title>{title}</title><link>{path}</link></item>"
                    for title, path in links)
    site.routes["/rss.xml"] = Route(
        ("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Example News</title>"
         f"{items}</channel></rss>").encode(), etag='"feed1"')
    with serve_site(site):
        yield site


def feed_config(tmp_path: Path, site: Site) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        'store = "store"\n[fetch]\nmin_interval_seconds = 0\ntimeout_seconds = 0.5\n'
        'max_retries = 1\nbackoff_seconds = 0.01\n'
        f'[sources.loopback]\nkind = "feed"\nlocation = "{site.url("/rss.xml")}"\n'
        'schedule = "*/15 * * * *"\n', encoding="utf-8")
    return path


def release_files(release: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(release.iterdir())}


def test_a_feed_source_builds_then_rebuilds_from_the_store_alone(
        news_site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = resolve_source("loopback", feed_config(tmp_path, news_site))
    online = run_build(source, tmp_path / "online")
    assert online.created and online.articles_in == 4
    assert online.rows["articles"] == 2
    assert online.rejected == {"ingest/ingest_fetch_http_error": 1,
                               "ingest/ingest_fetch_robots_disallowed": 1}
    run = json.loads((online.release_path / "run.json").read_text(encoding="utf-8"))
    assert {key: run["settings"][key] for key in ("source", "source_kind", "batch_size")} == {
        "source": "loopback", "source_kind": "feed", "batch_size": 500}
    assert "offline" not in run["settings"]
    assert [i["source_uri"] for i in run["inputs"]][:2] == [
        news_site.url("/broken.html"), news_site.url("/news/maduro.html")]

    again = run_build(source, tmp_path / "online")  # conditional GETs: nothing new
    assert not again.created and again.version == "v0001"
    assert {r.headers.get("If-None-Match") for r in news_site.requests
            if r.path == "/news/maduro.html"} == {None, '"000"'}

    def no_connection(self: socket.socket, address: object) -> None:
        raise OSError(f"no network during a rebuild from the store: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", no_connection)
    rebuilt = run_build(source, tmp_path / "rebuilt", offline=True)
    assert release_files(rebuilt.release_path) == release_files(online.release_path)


def test_cli_builds_a_named_jsonl_source(tmp_path: Path) -> None:
    title, paragraphs = seed_parts(SEED_NAMES[0])
    record = {"title": title, "maintext": "\n".join(paragraphs),
              "url": "https://example.com/maduro", "date_publish": "2018-10-03 12:00:00"}
    (tmp_path / "dump.jsonl").write_text(json.dumps(record) + "\n" + json.dumps(record) + "\n"
                                         + "{broken\n", encoding="utf-8")
    config = tmp_path / "sources.toml"
    config.write_text('[sources.dump]\nkind = "jsonl"\nlocation = "dump.jsonl"\n',
                      encoding="utf-8")
    result = CliRunner().invoke(app, ["build", "--source", "dump", "--sources", str(config),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "articles in: 3" in result.output
    assert "ingest/ingest_duplicate: 1" in result.output
    assert "ingest/ingest_bad_json: 1" in result.output
    assert "rows:        articles=1," in result.output


def test_cli_refuses_an_unknown_source_name(tmp_path: Path) -> None:
    config = tmp_path / "sources.toml"
    config.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["build", "--source", "nope", "--sources", str(config)])
    assert result.exit_code == 2
    assert "nor a source in" in result.output
