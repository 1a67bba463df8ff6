"""The fetcher against a real HTTP server on 127.0.0.1: User-Agent, robots.txt, rate limit,
timeouts, retries, redirects, size caps, conditional GET and the raw store."""

from __future__ import annotations

import gzip
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from loopback_site import Route, Site, serve_site
from newsfacts import __version__
from newsfacts.fetch.client import PROJECT_URL, Fetcher, FetchResult, FetchSettings
from newsfacts.ids import sha256_hex
from newsfacts.rawstore import RawStore
from seed_pages import SEED_NAMES, seed_page_html

# Fast settings for loopback: small gaps and backoffs; the limits themselves are what we test.
FAST = FetchSettings(min_interval_seconds=0.0, timeout_seconds=0.5, total_timeout_seconds=2.0,
                     max_bytes=1_000_000, max_redirects=3, max_retries=2, backoff_seconds=0.05)
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
PAGE = seed_page_html(SEED_NAMES[0]).encode()


@pytest.fixture
def site() -> Iterator[Site]:
    site = Site()
    site.routes["/robots.txt"] = Route(ROBOTS, headers={"Content-Type": "text/plain"})
    site.routes["/news/maduro.html"] = Route(
        PAGE, headers={"Content-Type": "text/html; charset=utf-8"}, etag='"v1"',
        last_modified="Wed, 03 Oct 2018 12:00:00 GMT")
    with serve_site(site):
        yield site


@pytest.fixture
def store(tmp_path: Path) -> Iterator[RawStore]:
    with RawStore(tmp_path / "store") as store:
        yield store


def fetch(store: RawStore, url: str, settings: FetchSettings = FAST) -> FetchResult:
    with Fetcher(store, settings) as fetcher:
        return fetcher.fetch(url)


def blobs(store: RawStore) -> list[Path]:
    return sorted(p for p in (store.root / "raw" / "sha256").rglob("*") if p.is_file())


def test_a_page_is_fetched_politely_and_kept_by_its_hash(site: Site, store: RawStore) -> None:
    result = fetch(store, site.url("/news/maduro.html"))
    assert result.state == "fetched" and result.sha256 == sha256_hex(PAGE)
    assert site.paths() == ["/robots.txt", "/news/maduro.html"]
    agent = f"newsfacts/{__version__} (+{PROJECT_URL})"
    assert {r.headers["User-Agent"] for r in site.requests} == {agent}
    digest = sha256_hex(PAGE)
    assert store.blob_path(digest) == store.root / "raw" / "sha256" / digest[:2] / digest[2:]
    assert store.get(digest) == PAGE
    entry = store.lookup(site.url("/news/maduro.html"))
    assert entry is not None
    assert (entry.etag, entry.last_modified) == ('"v1"', "Wed, 03 Oct 2018 12:00:00 GMT")
    assert store.lookup(site.url("/robots.txt")) is not None  # everything fetched is kept


def test_the_user_agent_names_the_homepage_of_the_release_metadata() -> None:
    from newsfacts.publish.describe import HOMEPAGE

    assert PROJECT_URL == HOMEPAGE


def test_conditional_get_refetches_nothing(site: Site, store: RawStore) -> None:
    url = site.url("/news/maduro.html")
    first = fetch(store, url)
    stored = blobs(store)
    second = fetch(store, url)
    assert (first.state, second.state) == ("fetched", "not_modified")
    assert second.sha256 == first.sha256
    again = [r for r in site.requests if r.path == "/news/maduro.html"][1]
    assert again.headers["If-None-Match"] == '"v1"'
    assert again.headers["If-Modified-Since"] == "Wed, 03 Oct 2018 12:00:00 GMT"
    assert blobs(store) == stored


def test_a_changed_page_is_kept_beside_the_old_one(site: Site, store: RawStore) -> None:
    url = site.url("/news/maduro.html")
    fetch(store, url)
    site.routes["/news/maduro.html"] = Route(PAGE + b"<!-- corrected -->", etag='"v2"')
    result = fetch(store, url)
    assert result.state == "fetched"
    assert store.history(url) == [sha256_hex(PAGE), sha256_hex(PAGE + b"<!-- corrected -->")]


def test_a_500_is_retried_with_backoff_then_fails(site: Site, store: RawStore) -> None:
    site.routes["/broken"] = Route(b"never", fail_times=99)
    result = fetch(store, site.url("/broken"))
    assert result.state == "failed" and result.reason == "ingest_fetch_http_error"
    assert result.detail == f"{site.url('/broken')}: HTTP 500 (3 attempts)"
    times = [r.at for r in site.requests if r.path == "/broken"]
    assert len(times) == 3  # the first attempt and max_retries=2
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1  # backoff doubles
    entry = store.lookup(site.url("/broken"))
    assert entry is not None and entry.failure_reason == "ingest_fetch_http_error"


def test_a_passing_500_is_retried_and_the_page_kept(site: Site, store: RawStore) -> None:
    site.routes["/flaky"] = Route(PAGE, fail_times=1)
    result = fetch(store, site.url("/flaky"))
    assert result.state == "fetched"
    assert site.paths().count("/flaky") == 2


def test_a_slow_page_times_out_after_its_retries(site: Site, store: RawStore) -> None:
    site.routes["/slow"] = Route(PAGE, delay=1.5)
    settings = FetchSettings(min_interval_seconds=0.0, timeout_seconds=0.2, max_retries=1,
                             backoff_seconds=0.01)
    result = fetch(store, site.url("/slow"), settings)
    assert result.reason == "ingest_fetch_timeout"
    assert result.detail == f"{site.url('/slow')}: no answer within 0.2 s (2 attempts)"
    assert site.paths().count("/slow") == 2
    assert store.lookup(site.url("/slow")).sha256 is None  # type: ignore[union-attr]


def test_a_body_dripping_past_the_total_timeout_is_cut(site: Site, store: RawStore) -> None:
    site.routes["/drip"] = Route(PAGE, drip=0.15)  # each read well within the read timeout
    settings = FetchSettings(min_interval_seconds=0.0, timeout_seconds=1.0,
                             total_timeout_seconds=0.5, max_retries=0)
    result = fetch(store, site.url("/drip"), settings)
    assert result.reason == "ingest_fetch_timeout"
    assert "the body took too long" in (result.detail or "")


def test_a_redirect_loop_is_capped(site: Site, store: RawStore) -> None:
    site.routes["/loop-a"] = Route(status=302, headers={"Location": "/loop-b"})
    site.routes["/loop-b"] = Route(status=301, headers={"Location": site.url("/loop-a")})
    result = fetch(store, site.url("/loop-a"))
    assert result.reason == "ingest_fetch_too_many_redirects"
    assert result.detail == (f"{site.url('/loop-a')}: more than 3 redirects "
                             f"(the last to {site.url('/loop-a')})")
    assert len([p for p in site.paths() if p.startswith("/loop-")]) == 4


def test_a_redirect_is_followed_within_the_cap(site: Site, store: RawStore) -> None:
    site.routes["/old"] = Route(status=301, headers={"Location": "/news/maduro.html"})
    result = fetch(store, site.url("/old"))
    assert result.state == "fetched" and result.sha256 == sha256_hex(PAGE)
    entry = store.lookup(site.url("/old"))
    assert entry is not None and entry.final_url == site.url("/news/maduro.html")


def test_a_redirect_to_a_local_file_is_refused(site: Site, store: RawStore,
                                               tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET: must never be read", encoding="utf-8")
    site.routes["/to-file"] = Route(status=302, headers={"Location": secret.as_uri()})
    result = fetch(store, site.url("/to-file"))
    assert result.reason == "ingest_fetch_scheme_refused"
    assert result.detail == (f"{site.url('/to-file')}: redirected to {secret.as_uri()}: "
                             "only http and https URLs are fetched")
    direct = fetch(store, secret.as_uri())
    assert direct.reason == "ingest_fetch_scheme_refused"
    assert all(b"TOP SECRET" not in p.read_bytes() for p in blobs(store))


@pytest.mark.parametrize("route", [
    Route(b"x" * 1_500_000, headers={"Content-Type": "text/html"}),
    Route(b"x" * 1_500_000, headers={"Content-Type": "text/html"}, content_length=False),
    Route(gzip.compress(b"\x00" * 50_000_000, mtime=0),
          headers={"Content-Type": "text/html", "Content-Encoding": "gzip"}),
], ids=["announced", "streamed", "gzip-bomb"])
def test_an_oversize_response_is_cut_and_not_kept(site: Site, store: RawStore,
                                                  route: Route) -> None:
    site.routes["/huge"] = route
    result = fetch(store, site.url("/huge"))
    assert result.reason == "ingest_fetch_too_large"
    assert site.paths().count("/huge") == 1  # not retried
    assert [p.name for p in blobs(store)] == [sha256_hex(ROBOTS)[2:]]


def test_a_path_robots_txt_forbids_is_never_requested(site: Site, store: RawStore) -> None:
    site.routes["/private/memo.html"] = Route(PAGE)
    result = fetch(store, site.url("/private/memo.html"))
    assert result.reason == "ingest_fetch_robots_disallowed"
    assert "/private/memo.html" not in site.paths()


def test_rules_for_our_user_agent_apply(site: Site, store: RawStore) -> None:
    site.routes["/robots.txt"] = Route(b"User-agent: newsfacts\nDisallow: /\n\n"
                                       b"User-agent: *\nAllow: /\n")
    result = fetch(store, site.url("/news/maduro.html"))
    assert result.reason == "ingest_fetch_robots_disallowed"


@pytest.mark.parametrize(("robots", "allowed"), [
    (Route(status=404), True),  # no robots.txt: everything allowed
    (Route(fail_times=99), False),  # robots.txt failing: the site is unreachable
], ids=["missing", "failing"])
def test_robots_txt_absent_or_failing(site: Site, store: RawStore, robots: Route,
                                      allowed: bool) -> None:
    site.routes["/robots.txt"] = robots
    result = fetch(store, site.url("/news/maduro.html"))
    assert (result.state == "fetched") is allowed
    assert ("/news/maduro.html" in site.paths()) is allowed


def test_requests_to_one_host_are_spaced(site: Site, store: RawStore) -> None:
    for name in ("a", "b", "c"):
        site.routes[f"/{name}.html"] = Route(PAGE)
    settings = FetchSettings(min_interval_seconds=0.5)
    with Fetcher(store, settings) as fetcher:
        for name in ("a", "b", "c"):
            fetcher.fetch(site.url(f"/{name}.html"))
    assert site.paths() == ["/robots.txt", "/a.html", "/b.html", "/c.html"]
    # Arrival times at the server: connection set-up makes them jitter around the start times.
    times = [r.at for r in site.requests]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.4


def test_a_crawl_delay_longer_than_ours_is_obeyed(site: Site, store: RawStore) -> None:
    site.routes["/robots.txt"] = Route(b"User-agent: *\nCrawl-delay: 1\n")
    site.routes["/b.html"] = Route(PAGE)
    with Fetcher(store, FAST) as fetcher:
        fetcher.fetch(site.url("/news/maduro.html"))
        fetcher.fetch(site.url("/b.html"))
    pages = [r.at for r in site.requests if r.path != "/robots.txt"]
    assert pages[1] - pages[0] >= 0.99
