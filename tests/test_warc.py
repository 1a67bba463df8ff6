"""WARC source: archives written with warcio (plain, gzip, cut short) holding the seed pages."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsfacts.ingest.warc import read_warc
from newsfacts.records import RawArticle, Rejection, SourceMeta
from seed_pages import SEED_NAMES, seed_page_html, seed_parts

URLS = ("https://example.com/maduro-travels", "https://example.com/putin-call")


def write_warc(path: Path, compress: bool) -> Path:
    """A small crawl: warcinfo, then per page a request and a response; the second page
    gzip-encoded over HTTP; a redirect, an image and a metadata record that are not articles."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))

        def response(url: str, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            request = io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
            writer.write_record(writer.create_warc_record(url, "request", payload=request))
            writer.write_record(writer.create_warc_record(url, "response",
                                                          payload=io.BytesIO(body),
                                                          http_headers=http))

        html_type = ("Content-Type", "text/html; charset=utf-8")
        response(URLS[0], "200 OK", [html_type], seed_page_html(SEED_NAMES[0]).encode())
        response("https://example.com/old", "301 Moved Permanently",
                 [("Location", URLS[0]), html_type], b"<html>moved</html>")
        response("https://example.com/logo.png", "200 OK", [("Content-Type", "image/png")],
                 b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
        response(URLS[1], "200 OK", [html_type, ("Content-Encoding", "gzip")],
                 gzip.compress(seed_page_html(SEED_NAMES[1]).encode(), mtime=0))
        writer.write_record(writer.create_warc_record(
            URLS[1], "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
            warc_content_type="application/warc-fields"))
    return path


@pytest.mark.parametrize("compress", [False, True], ids=["warc", "warc.gz"])
def test_html_responses_become_articles_with_their_url(tmp_path: Path, compress: bool) -> None:
    path = write_warc(tmp_path / ("crawl.warc.gz" if compress else "crawl.warc"), compress)
    items = list(read_warc(path))
    assert all(isinstance(i, RawArticle) for i in items)
    assert [i.source_uri for i in items] == list(URLS)
    for item, name in zip(items, SEED_NAMES, strict=True):
        title, paragraphs = seed_parts(name)
        assert isinstance(item, RawArticle)
        assert item.text.startswith(title + "\n\n" + paragraphs[0])
        assert item.text_format == "html"
        assert item.meta == SourceMeta(url=item.source_uri)


def test_a_folder_of_archives_is_read_in_name_order(tmp_path: Path) -> None:
    folder = tmp_path / "ccnews"
    folder.mkdir()
    write_warc(folder / "b.warc.gz", True)
    write_warc(folder / "a.warc", False)
    items = list(read_warc(folder))
    assert [i.source_uri for i in items] == [*URLS, *URLS]
    assert items[0].article_id == items[2].article_id  # same URL, same bytes, same id


def test_truncated_gzip_keeps_the_records_before_the_break(tmp_path: Path) -> None:
    whole = write_warc(tmp_path / "whole.warc.gz", True).read_bytes()
    second = whole.index(b"\x1f\x8b", len(whole) // 2)  # a member in the second page's part
    for cut, kept in ((len(whole) - 4, 2), (second + 40, 1)):
        path = tmp_path / f"cut{cut}.warc.gz"
        path.write_bytes(whole[:cut])
        items = list(read_warc(path))
        articles = [i for i in items if isinstance(i, RawArticle)]
        assert [a.source_uri for a in articles] == list(URLS[:kept])
        rejected = [i for i in items if isinstance(i, Rejection)]
        assert len(rejected) == 1, rejected
        assert rejected[0].reason == "ingest_bad_gzip"
        assert rejected[0].source_uri == path.name
        assert f"{kept} article record(s) before it were read" in rejected[0].detail


def test_a_plain_warc_cut_inside_a_record_rejects_that_record(tmp_path: Path) -> None:
    whole = write_warc(tmp_path / "whole.warc", False).read_bytes()
    end_of_second = whole.index(b"WARC-Type: metadata")
    path = tmp_path / "cut.warc"
    path.write_bytes(whole[: end_of_second - 300])
    items = list(read_warc(path))
    assert isinstance(items[0], RawArticle)
    assert isinstance(items[1], Rejection)
    assert items[1].reason == "ingest_bad_warc"
    assert items[1].source_uri == URLS[1]
    assert "record cut short" in items[1].detail
