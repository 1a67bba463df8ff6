"""A build killed mid-run loses no raw input: a feed build (a real subprocess fetching from a
news site on 127.0.0.1) is SIGKILLed while it waits for the second page; what it had fetched is
in the raw store, whole, and the retry asks for it only conditionally (304), fetches the rest
and publishes. (Per-article processing state does not exist yet: a retry redoes the cleaning
and extraction; see docs/reliability.md.)"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from loopback_site import Route, Site, serve_site
from newsfacts.rawstore import RawStore
from release_state import check_root, cli, cli_env, snapshot
from seed_pages import SEED_NAMES, seed_page_html
from test_feed import HTML, TITLES, rss, rss_item

PAGES = ("/news/maduro.html", "/news/putin-call.html")


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    for name, path in zip(SEED_NAMES, PAGES, strict=True):
        site.routes[path] = Route(seed_page_html(name).encode(), headers=HTML,
                                  etag=f'"{name[:3]}"')
    site.routes["/rss.xml"] = Route(
        rss([rss_item(title, path) for title, path in zip(TITLES, PAGES, strict=True)]),
        headers={"Content-Type": "application/rss+xml"}, etag='"rss1"')
    with serve_site(site):
        yield site


def test_a_build_killed_while_fetching_keeps_what_it_fetched(site: Site, tmp_path: Path) -> None:
    (tmp_path / "sources.toml").write_text(
        'store = "store"\n[fetch]\nmin_interval_seconds = 0.0\ntimeout_seconds = 60.0\n'
        'total_timeout_seconds = 120.0\n'
        f'[sources.news]\nkind = "feed"\nlocation = "{site.url("/rss.xml")}"\n',
        encoding="utf-8")
    out, store = tmp_path / "out", tmp_path / "store"
    command = cli("build", "--source", "news", "--sources", str(tmp_path / "sources.toml"),
                  "--out", str(out))
    site.routes[PAGES[1]].delay = 60.0  # the second page hangs: the build is mid-ingest

    process = subprocess.Popen(command, env=cli_env(), cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while PAGES[1] not in site.paths():
        assert process.poll() is None and time.monotonic() < deadline, "never asked for page 2"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=60) == -signal.SIGKILL
    asked_before = len(site.requests)

    # Nothing published; the feed and the first page are in the store, whole.
    assert check_root(out).versions == []
    with RawStore(store) as raw:
        kept = {url: raw.lookup(url) for url in raw.urls()}
        assert {site.url("/rss.xml"), site.url(PAGES[0])} <= set(kept)
        for url in (site.url("/rss.xml"), site.url(PAGES[0])):
            stored = kept[url]
            assert stored is not None and stored.sha256 is not None
            raw.get(stored.sha256)  # raises if missing or damaged
    with sqlite3.connect(store / "index.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    bodies = snapshot(store / "raw")

    # The retry: the page already fetched is asked for conditionally only, the rest fetched.
    site.routes[PAGES[1]].delay = 0.0
    retry = subprocess.run(command, env=cli_env(), cwd=tmp_path, capture_output=True, text=True,
                           timeout=600)
    assert retry.returncode == 0, retry.stderr
    assert "newsfacts v0001: published" in retry.stdout and "rejected:    none" in retry.stdout
    assert "articles=2," in retry.stdout
    again = [r for r in site.requests[asked_before:] if r.path == PAGES[0]]
    assert again and all(r.headers.get("If-None-Match") == '"000"' for r in again)
    after = snapshot(store / "raw")
    assert {name: after[name] for name in bodies} == bodies  # bodies kept, not rewritten
    assert check_root(out).latest == "v0001"
