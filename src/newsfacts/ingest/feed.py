"""RSS / Atom source: a feed whose entries' pages are fetched into the raw store, then read
back from the store alone.

Two steps, so that a rebuild never needs the network: `sync_feed` fetches the feed and every
entry's page (fetch/client.py: conditional, polite, bounded) and records each outcome in the
store; `read_feed` turns what the store holds into RawArticles. A feed source is the union of
every version of the feed the store has kept (a feed lists only its latest entries), one
article per entry link, in link order. Feeds are refused when they declare entities or point
at external ones (defusedxml, before feedparser sees them); feedparser reads the bytes from
memory only, so it never opens a URL or a file itself.
"""

from __future__ import annotations

import dataclasses
import io
import urllib.parse
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree
import feedparser
from defusedxml import DefusedXmlException

from newsfacts.fetch.client import Fetcher
from newsfacts.ingest.decode import DecodeError, raw_article_from_bytes
from newsfacts.ingest.html import html_bytes_to_text
from newsfacts.ingest.meta import clean_value, iso_from_struct, make_meta
from newsfacts.rawstore import RawStore, StoredUrl, StoreError
from newsfacts.records import RawArticle, Rejection, SourceMeta


@dataclasses.dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry of a feed: the absolute link to its page (None when it has none), and what
    the feed says about it."""

    link: str | None
    meta: SourceMeta
    position: int


def check_feed_xml(data: bytes) -> None:
    """DecodeError `ingest_feed_unsafe` when the feed declares entities (billion laughs) or
    refers to external ones (a local file, a URL). Not well-formed XML passes: feedparser's
    loose parser reads it and expands no declared entity."""
    try:
        defusedxml.ElementTree.fromstring(data, forbid_dtd=False, forbid_entities=True,
                                          forbid_external=True)
    except DefusedXmlException as exc:
        raise DecodeError("ingest_feed_unsafe",
                          f"refused before parsing: {type(exc).__name__}: {exc}") from None
    except (ParseError, ValueError):
        return


def entry_meta(entry: feedparser.FeedParserDict, feed: feedparser.FeedParserDict,
               link: str | None) -> SourceMeta:
    """What a feed entry says about its article."""
    published = iso_from_struct(entry.get("published_parsed") or entry.get("updated_parsed"))
    authors = [a.get("name") for a in entry.get("authors", []) if isinstance(a, dict)]
    return make_meta(
        url=link,
        title=entry.get("title"),
        published=published or entry.get("published") or entry.get("updated"),
        authors=[a for a in authors if a] or entry.get("author"),
        site=feed.get("title"),
        language=feed.get("language"),
    )


def parse_feed(data: bytes, feed_url: str) -> list[FeedEntry]:
    """The entries of an RSS or Atom feed, links made absolute against `feed_url`; DecodeError
    for an unsafe feed or one feedparser cannot read."""
    check_feed_xml(data)
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": feed_url})
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception") or "no RSS or Atom markup"
        raise DecodeError("ingest_feed_unreadable", f"not a readable feed: {problem}")
    entries = []
    for position, entry in enumerate(parsed.entries, start=1):
        link = clean_value(entry.get("link"))
        link = urllib.parse.urljoin(feed_url, link) if link else None
        entries.append(FeedEntry(link, entry_meta(entry, parsed.feed, link), position))
    return entries


def current_feed(feed_url: str, store: RawStore) -> list[FeedEntry]:
    """The entries of the feed's latest stored version ([] when it has none or is unreadable)."""
    stored = store.lookup(feed_url)
    if stored is None or stored.sha256 is None:
        return []
    try:
        return parse_feed(store.get(stored.sha256), feed_url)
    except (DecodeError, StoreError):
        return []  # read_feed reports it


def sync_feed(feed_url: str, store: RawStore, fetcher: Fetcher) -> None:
    """Fetch the feed, then the page of every entry it lists now, into the store."""
    fetcher.fetch(feed_url)
    for entry in current_feed(feed_url, store):
        if entry.link is not None:
            fetcher.fetch(entry.link)


def feed_rejection(uri: str, reason: str, detail: str, sha256: str | None = None) -> Rejection:
    return Rejection(uri, None, sha256, "ingest", reason, detail)


def missing_body(url: str, stored: StoredUrl | None) -> Rejection:
    """Why the store has no body for `url`: its last fetch failure, or never fetched."""
    if stored is not None and stored.failure_reason:
        return feed_rejection(url, stored.failure_reason, stored.failure_detail or url)
    return feed_rejection(url, "ingest_fetch_not_in_store",
                          f"{url}: not in the raw store (never fetched)")


def page_item(link: str, meta: SourceMeta, store: RawStore) -> RawArticle | Rejection:
    """The article of an entry's page as the store holds it, or why there is none."""
    stored = store.lookup(link)
    if stored is None or stored.sha256 is None:
        return missing_body(link, stored)
    try:
        data = store.get(stored.sha256)
    except StoreError as err:
        return feed_rejection(link, "ingest_store_damaged", str(err), stored.sha256)
    item = raw_article_from_bytes(link, data, html_bytes_to_text, "html")
    return dataclasses.replace(item, meta=meta) if isinstance(item, RawArticle) else item


def feed_entries(feed_url: str, store: RawStore) -> tuple[dict[str, FeedEntry], list[Rejection]]:
    """Every entry (by link) of every stored version of the feed, later versions' metadata
    winning; and a Rejection for each version that cannot be read or an entry without link."""
    versions = store.history(feed_url)
    if not versions:
        return {}, [missing_body(feed_url, store.lookup(feed_url))]
    entries: dict[str, FeedEntry] = {}
    rejected = []
    for digest in versions:
        try:
            parsed = parse_feed(store.get(digest), feed_url)
        except DecodeError as err:
            rejected.append(feed_rejection(feed_url, err.reason,
                                           f"{feed_url} (version {digest[:12]}): {err.detail}",
                                           digest))
            continue
        except StoreError as err:
            rejected.append(feed_rejection(feed_url, "ingest_store_damaged", str(err), digest))
            continue
        for entry in parsed:
            if entry.link is None:
                rejected.append(feed_rejection(
                    f"{feed_url}#entry-{entry.position}", "ingest_feed_no_link",
                    f"{feed_url} (version {digest[:12]}): entry {entry.position} "
                    f"({entry.meta.title or 'untitled'}) has no link", digest))
            else:
                entries[entry.link] = entry
    return entries, rejected


def read_feed(feed_url: str, store: RawStore) -> Iterator[RawArticle | Rejection]:
    """The articles of a feed source from the raw store alone (no network)."""
    entries, rejected = feed_entries(feed_url, store)
    yield from rejected
    for link in sorted(entries):
        yield page_item(link, entries[link].meta, store)
