"""Feed sources against a real HTTP server on 127.0.0.1: RSS and Atom feeds of the seed
pages and of misbehaving pages, conditional refetch, rebuild from the store alone, and
feeds that try entity expansion or external entities."""

from __future__ import annotations

import html
import io
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from loopback_site import Route, Site, serve_site
from newsfacts.fetch.client import Fetcher, FetchSettings
from newsfacts.ingest.decode import DecodeError
from newsfacts.ingest.feed import parse_feed, read_feed, sync_feed
from newsfacts.rawstore import RawStore
from newsfacts.records import RawArticle, Rejection, SourceMeta
from seed_pages import SEED_NAMES, seed_page_html, seed_parts

FAST = FetchSettings(min_interval_seconds=0.0, timeout_seconds=0.3, total_timeout_seconds=2.0,
                     max_bytes=1_000_000, max_redirects=3, max_retries=1, backoff_seconds=0.01)
HTML = {"Content-Type": "text/html; charset=utf-8"}
TITLES = [seed_parts(name)[0] for name in SEED_NAMES]


def rss(items: list[str]) -> bytes:
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel>"
            "<title>Example News</title><link>http://example.invalid/</link>"
            "<description>World news</description><language>en</language>"
            + "".join(items) + "</channel></rss>").encode()


def rss_item(title: str, link: str | None, date: str = "Wed, 03 Oct 2018 12:00:00 GMT",
             author: str = "Jane Doe") -> str:
    link_xml = f"<link>{html.escape(link)}</link>" if link else ""
    return (f"<item><title>{html.escape(title)}</title>{link_xml}<pubDate>{date}</pubDate>"
            f"<dc:creator>{author}</dc:creator></item>")


ATOM = (
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
    "<title>Example News (Atom)</title><id>urn:example:news</id>"
    "<updated>2017-07-11T10:00:00Z</updated>"
    f"<entry><title>{html.escape(TITLES[1])}</title><id>urn:example:putin-call</id>"
    "<link rel=\"alternate\" href=\"/news/putin-call.html\"/>"
    "<published>2017-07-11T09:30:00+02:00</published><updated>2017-07-11T10:00:00Z</updated>"
    "<author><name>John Roe</name></author></entry></feed>"
).encode()
# Misbehaving pages listed in the RSS feed, and the reason each must be rejected with.
HOSTILE = {
    "/broken.html": "ingest_fetch_http_error",
    "/slow.html": "ingest_fetch_timeout",
    "/loop-a": "ingest_fetch_too_many_redirects",
    "/to-file": "ingest_fetch_scheme_refused",
    "/huge.html": "ingest_fetch_too_large",
    "/private/memo.html": "ingest_fetch_robots_disallowed",
}


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET: must never be read", encoding="utf-8")
    site = Site()
    routes = site.routes
    routes["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n")
    for name, path in zip(SEED_NAMES, ("/news/maduro.html", "/news/putin-call.html"),
                          strict=True):
        routes[path] = Route(seed_page_html(name).encode(), headers=HTML,
                             etag=f'"{name[:3]}"', last_modified="Wed, 03 Oct 2018 12:00:00 GMT")
    routes["/broken.html"] = Route(fail_times=99)
    routes["/slow.html"] = Route(b"<html>late</html>", headers=HTML, delay=1.0)
    routes["/loop-a"] = Route(status=302, headers={"Location": "/loop-b"})
    routes["/loop-b"] = Route(status=302, headers={"Location": "/loop-a"})
    routes["/to-file"] = Route(status=302, headers={"Location": secret.as_uri()})
    routes["/huge.html"] = Route(b"<p>" + b"x" * 2_000_000, headers=HTML, content_length=False)
    routes["/private/memo.html"] = Route(seed_page_html(SEED_NAMES[0]).encode(), headers=HTML)
    items = [rss_item(TITLES[0], "/news/maduro.html"),
             *(rss_item(f"Hostile {path}", path) for path in HOSTILE),
             rss_item("A local file", secret.as_uri()),
             rss_item("No link at all", None)]
    routes["/rss.xml"] = Route(rss(items), headers={"Content-Type": "application/rss+xml"},
                               etag='"rss1"')
    routes["/atom.xml"] = Route(ATOM, headers={"Content-Type": "application/atom+xml"},
                                last_modified="Tue, 11 Jul 2017 10:00:00 GMT")
    with serve_site(site):
        yield site


def sync(store: RawStore, url: str) -> None:
    with Fetcher(store, FAST) as fetcher:
        sync_feed(url, store, fetcher)


def test_rss_entries_are_fetched_kept_and_read(site: Site, tmp_path: Path) -> None:
    feed_url = site.url("/rss.xml")
    with RawStore(tmp_path / "store") as store:
        sync(store, feed_url)
        items = list(read_feed(feed_url, store))
    articles = [i for i in items if isinstance(i, RawArticle)]
    assert [a.source_uri for a in articles] == [site.url("/news/maduro.html")]
    article = articles[0]
    assert article.text.startswith(TITLES[0] + "\n\n" + seed_parts(SEED_NAMES[0])[1][0])
    assert article.meta == SourceMeta(url=site.url("/news/maduro.html"), title=TITLES[0],
                                      published="2018-10-03T12:00:00+00:00",
                                      authors=("Jane Doe",), site="Example News", language="en")
    reasons = {i.source_uri: i.reason for i in items if isinstance(i, Rejection)}
    # feedparser spells the file:/// link file://tmp/…; refused either way, never opened.
    local = [uri for uri in reasons if uri.startswith("file:")]
    assert len(local) == 1 and local[0].endswith("/secret.txt")
    assert reasons == {
        **{site.url(path): reason for path, reason in HOSTILE.items()},
        local[0]: "ingest_fetch_scheme_refused",
        f"{feed_url}#entry-9": "ingest_feed_no_link",
    }
    assert "/private/memo.html" not in site.paths()
    assert site.paths().count("/broken.html") == 2 and site.paths().count("/loop-a") == 2
    assert all(b"TOP SECRET" not in p.read_bytes()
               for p in (tmp_path / "store" / "raw").rglob("*") if p.is_file())


def test_atom_entries_carry_their_metadata(site: Site, tmp_path: Path) -> None:
    feed_url = site.url("/atom.xml")
    with RawStore(tmp_path / "store") as store:
        sync(store, feed_url)
        items = list(read_feed(feed_url, store))
    assert len(items) == 1 and isinstance(items[0], RawArticle)
    assert items[0].meta == SourceMeta(url=site.url("/news/putin-call.html"), title=TITLES[1],
                                       published="2017-07-11T07:30:00+00:00",
                                       authors=("John Roe",), site="Example News (Atom)")
    assert items[0].text.startswith(TITLES[1])


def test_a_second_sync_is_conditional_and_refetches_nothing(site: Site, tmp_path: Path) -> None:
    feed_url = site.url("/rss.xml")
    with RawStore(tmp_path / "store") as store:
        sync(store, feed_url)
        first = list(read_feed(feed_url, store))
        bodies = sorted((tmp_path / "store" / "raw").rglob("*"))
        before = len(site.requests)
        sync(store, feed_url)
        second = list(read_feed(feed_url, store))
    again = {r.path: r for r in site.requests[before:]}
    assert again["/rss.xml"].headers["If-None-Match"] == '"rss1"'
    assert again["/news/maduro.html"].headers["If-None-Match"] == '"000"'
    assert again["/news/maduro.html"].headers["If-Modified-Since"] == \
        "Wed, 03 Oct 2018 12:00:00 GMT"
    assert sorted((tmp_path / "store" / "raw").rglob("*")) == bodies
    assert second == first


def test_a_rebuild_reads_the_store_alone(site: Site, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    feed_url = site.url("/rss.xml")
    with RawStore(tmp_path / "store") as store:
        sync(store, feed_url)
        online = list(read_feed(feed_url, store))

    def no_connection(self: socket.socket, address: object) -> None:
        raise OSError(f"no network during a rebuild from the store: {address!r}")

    monkeypatch.setattr(socket.socket, "connect", no_connection)
    with RawStore(tmp_path / "store") as store:
        assert list(read_feed(feed_url, store)) == online


def test_every_stored_version_of_a_feed_counts(site: Site, tmp_path: Path) -> None:
    feed_url = site.url("/feed.xml")
    site.routes["/feed.xml"] = Route(rss([rss_item(TITLES[0], "/news/maduro.html")]))
    with RawStore(tmp_path / "store") as store:
        sync(store, feed_url)
        site.routes["/feed.xml"] = Route(rss([rss_item(TITLES[1], "/news/putin-call.html")]))
        sync(store, feed_url)
        items = list(read_feed(feed_url, store))
    assert [i.source_uri for i in items] == [site.url("/news/maduro.html"),
                                             site.url("/news/putin-call.html")]


def test_an_unreachable_feed_is_one_rejection(site: Site, tmp_path: Path) -> None:
    with RawStore(tmp_path / "store") as store:
        sync(store, site.url("/missing.xml"))
        items = list(read_feed(site.url("/missing.xml"), store))
        never = list(read_feed(site.url("/never.xml"), store))
    assert [(i.reason, i.detail) for i in items] == [  # type: ignore[union-attr]
        ("ingest_fetch_http_error", f"{site.url('/missing.xml')}: HTTP 404")]
    assert [i.reason for i in never] == ["ingest_fetch_not_in_store"]  # type: ignore[union-attr]


def test_a_page_that_is_not_a_feed_is_rejected() -> None:
    with pytest.raises(DecodeError) as err:
        parse_feed(seed_page_html(SEED_NAMES[0]).encode(), "http://127.0.0.1/page.html")
    assert err.value.reason == "ingest_feed_unreadable"


# ------------------------------------------------------------------ hostile XML

def billion_laughs() -> bytes:
    """Ten levels of ten references each: 10^9 "lol"s (3 GB) if a parser expanded it."""
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    return ("<?xml version=\"1.0\"?>\n<!DOCTYPE rss [\n" + "\n".join(levels) + "\n]>\n"
            "<rss version=\"2.0\"><channel><title>&lol9;</title>"
            "<item><title>&lol9;</title><link>http://127.0.0.1/a</link></item>"
            "</channel></rss>").encode()


def external_entity(path: Path) -> bytes:
    """A feed whose title would be the content of a local file, were entities resolved."""
    return (f"<?xml version=\"1.0\"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM \"{path.as_uri()}\">]>"
            "\n<rss version=\"2.0\"><channel><title>&xxe;</title>"
            "<item><title>&xxe;</title><link>http://127.0.0.1/a</link></item>"
            "</channel></rss>").encode()


def test_hostile_feeds_are_refused_before_parsing(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET: must never be read", encoding="utf-8")
    for data, entity in ((billion_laughs(), "lol0"), (external_entity(secret), "xxe")):
        start = time.monotonic()
        with pytest.raises(DecodeError) as err:
            parse_feed(data, "http://127.0.0.1/feed.xml")
        assert time.monotonic() - start < 1.0
        assert err.value.reason == "ingest_feed_unsafe"
        assert f"EntitiesForbidden(name='{entity}'" in err.value.detail
        assert "TOP SECRET" not in err.value.detail


def test_feedparser_alone_expands_nothing_either(tmp_path: Path) -> None:
    """Defence in depth: without our check, feedparser 6 still neither expands the declared
    entities nor reads the external one (it falls back to its loose parser)."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET: must never be read", encoding="utf-8")
    laughs = feedparser.parse(io.BytesIO(billion_laughs()))
    assert "lollol" not in str(laughs.feed) + str(laughs.entries)
    xxe = feedparser.parse(io.BytesIO(external_entity(secret)))
    assert "TOP SECRET" not in str(xxe.feed) + str(xxe.entries)


def test_hostile_feeds_served_over_http_become_rejections(site: Site, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    site.routes["/laughs.xml"] = Route(billion_laughs())
    site.routes["/xxe.xml"] = Route(external_entity(secret))
    with RawStore(tmp_path / "store") as store:
        for path in ("/laughs.xml", "/xxe.xml"):
            sync(store, site.url(path))
            items = list(read_feed(site.url(path), store))
            assert [i.reason for i in items] == ["ingest_feed_unsafe"]  # type: ignore[union-attr]
    assert "/a" not in site.paths()  # no entry of a refused feed is fetched
