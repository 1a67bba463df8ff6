"""WARC / WARC.gz source (Common Crawl News, any crawler's archive), read with warcio.

Each `response` record holding an HTML page with a 2xx status is an article: its payload
goes through the HTML path (ingest/html.py) and its WARC-Target-URI is its identity. Other
records (requests, metadata, redirects, images, robots.txt) are not articles and are
skipped, as a folder source skips files that are not articles. warcio reads a cut-off
archive without complaint (a short last record, a missing gzip trailer), so both are
checked here: a truncated record or gzip stream is a Rejection, and every record read
before the break is kept.
"""

from __future__ import annotations

import dataclasses
import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.recordloader import ArcWarcRecord

from newsfacts.ids import make_article_id, sha256_hex
from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.ingest.html import html_bytes_to_text
from newsfacts.ingest.meta import make_meta
from newsfacts.ingest.paths import file_label, list_source_files
from newsfacts.limits import current_limits
from newsfacts.records import RawArticle, Rejection

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
CHUNK = 1 << 20


def is_article_response(record: ArcWarcRecord) -> bool:
    """A `response` record of an HTML page with a 2xx HTTP status."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return status.startswith("2") and content_type.startswith(HTML_TYPES)


def payload_stream(record: ArcWarcRecord) -> BinaryIO:
    """The record's payload: gzip-encoded bodies as archived, which raw_article_from_bytes
    unzips with its limit and its error for a cut or corrupt stream (warcio's decoder
    returns what it could decode and says nothing); any other body as warcio decodes it."""
    headers = record.http_headers
    encoding = (headers.get_header("Content-Encoding") or "").strip().lower()
    chunked = "chunked" in (headers.get_header("Transfer-Encoding") or "").lower()
    if encoding in ("gzip", "x-gzip") and not chunked:
        return record.raw_stream
    return record.content_stream()


def item_from_record(record: ArcWarcRecord, label: str) -> RawArticle | Rejection:
    """The article of an HTML response record, or a Rejection (too large, cut short,
    undecodable, no main text)."""
    uri = record.rec_headers.get_header("WARC-Target-URI") or f"{label}@unknown"
    limit = current_limits().max_html_bytes
    data = payload_stream(record).read(limit + 1)
    raw_sha256 = sha256_hex(data)

    def reject(reason: str, detail: str) -> Rejection:
        return Rejection(uri, make_article_id(uri, raw_sha256), raw_sha256, "ingest", reason,
                         f"{label}: {uri}: {detail}")

    if len(data) > limit:
        return reject("ingest_too_large", f"payload over the limit of {limit:,} bytes "
                                          "(NEWSFACTS_MAX_HTML_BYTES)")
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        return reject("ingest_bad_warc",
                      f"record cut short: {missing} bytes of its block are missing")
    item = raw_article_from_bytes(uri, data, html_bytes_to_text, "html")
    if isinstance(item, Rejection):
        return dataclasses.replace(item, detail=f"{label}: {item.detail}")
    return dataclasses.replace(item, meta=make_meta(url=uri))


def gzip_problem(path: Path) -> str | None:
    """What is wrong with a gzip file's stream (cut short, corrupt), or None when whole."""
    try:
        with gzip.open(path, "rb") as handle:
            while handle.read(CHUNK):
                pass
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        return str(exc)
    return None


def read_warc_file(path: Path, label: str) -> Iterator[RawArticle | Rejection]:
    """The articles of one WARC file, then a Rejection if the file is broken."""
    gzip_error = gzip_problem(path) if path.name.lower().endswith(".gz") else None
    read = 0
    with path.open("rb") as handle:
        records = ArchiveIterator(handle)
        try:
            for record in records:
                if record.rec_type is None:  # "WARC/1.0" and then no WARC headers
                    raise ValueError("a record without a WARC-Type header: not a WARC file")
                if is_article_response(record):
                    read += 1
                    yield item_from_record(record, label)
        except Exception as exc:  # warcio fails in many ways on a broken archive
            problem = gzip_error or (f"unreadable from byte {records.offset}: "
                                     f"{type(exc).__name__}: {exc}")
            yield broken_file(label, "ingest_bad_gzip" if gzip_error else "ingest_bad_warc",
                              problem, read)
            return
    if gzip_error:
        yield broken_file(label, "ingest_bad_gzip", gzip_error, read)


def broken_file(label: str, reason: str, problem: str, kept: int) -> Rejection:
    """The Rejection of an archive that breaks after `kept` article records."""
    return Rejection(label, None, None, "ingest", reason,
                     f"{label}: {problem}; {kept} article record(s) before it were read")


def read_warc(location: Path) -> Iterator[RawArticle | Rejection]:
    """Every article of a WARC file, or of every `.warc` / `.warc.gz` file under a folder."""
    for path in list_source_files(location, WARC_SUFFIXES):
        yield from read_warc_file(path, file_label(location, path))
