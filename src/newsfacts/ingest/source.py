"""Read any configured source (folder, JSONL, WARC, feed) into RawArticles and Rejections."""

from __future__ import annotations

from collections.abc import Iterable

from newsfacts.fetch.client import Fetcher
from newsfacts.ingest.feed import read_feed, sync_feed
from newsfacts.ingest.folder import read_folder
from newsfacts.ingest.jsonl import read_jsonl
from newsfacts.ingest.warc import read_warc
from newsfacts.rawstore import RawStore
from newsfacts.records import RawArticle, Rejection
from newsfacts.sources import Source, SourcesError

Item = RawArticle | Rejection


def read_feed_source(source: Source, offline: bool) -> list[Item]:
    """Fetch the feed and its pages into the raw store (unless `offline`), then read the
    articles from the store alone."""
    if source.store is None:
        raise SourcesError(f"source {source.name!r}: a feed needs a raw store")
    with RawStore(source.store) as store:
        if not offline:
            with Fetcher(store, source.fetch) as fetcher:
                sync_feed(source.location, store, fetcher)
        return list(read_feed(source.location, store))


def read_source(source: Source, offline: bool = False) -> list[Item]:
    """Every item of a source, in the source's own stable order, repeats rejected.

    `offline` reads a feed from the raw store only (a rebuild); file sources never use
    the network anyway.
    """
    if source.kind == "feed":
        return reject_repeats(read_feed_source(source, offline))
    if source.path is None:
        raise SourcesError(f"source {source.name!r}: no path")
    if not source.path.exists():
        raise SourcesError(f"source {source.name!r}: not a folder or file: {source.path}")
    readers = {"folder": read_folder, "jsonl": read_jsonl, "warc": read_warc}
    return reject_repeats(readers[source.kind](source.path))


def reject_repeats(items: Iterable[Item]) -> list[Item]:
    """Items in order; an article whose id was already seen (same source identity and same
    bytes: a page twice in an archive, a line repeated) becomes an `ingest_duplicate`."""
    seen: set[str] = set()
    kept: list[Item] = []
    for item in items:
        if isinstance(item, RawArticle):
            if item.article_id in seen:
                item = Rejection(item.source_uri, item.article_id, item.raw_sha256, "ingest",
                                 "ingest_duplicate",
                                 f"{item.source_uri}: the same bytes from the same source "
                                 "were read before; kept once")
            else:
                seen.add(item.article_id)
        kept.append(item)
    return kept

