"""Source metadata in extraction: news-please records, a WARC archive and an RSS feed on
127.0.0.1 holding the seed texts; precedence between the text and the record; broken dates;
incremental rebuilds when only the metadata changes."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from loopback_site import Route, Site, serve_site
from newsfacts.extract.source_meta import choose_language, date_of_record
from newsfacts.ingest.folder import read_folder
from newsfacts.ingest.jsonl import read_jsonl
from newsfacts.ingest.warc import read_warc
from newsfacts.pipeline import process_batch, run_build
from newsfacts.records import Article, BatchResult, PublishedDate, RawArticle, SourceMeta
from newsfacts.sources import resolve_source
from seed_pages import SEED_NAMES, seed_page_html, seed_parts

MADURO, PUTIN = SEED_NAMES


def record(name: str, **fields: object) -> dict[str, object]:
    """A seed as a news-please record (its fields: NewsArticle.py), with `fields` changed."""
    title, paragraphs = seed_parts(name)
    base: dict[str, object] = {
        "authors": ["Jane Doe", "John Roe"], "date_publish": "2018-10-03 12:30:00",
        "language": "en", "maintext": "\n".join(paragraphs), "source_domain": "example.com",
        "title": title, "url": f"https://example.com/{name[:3]}",
    }
    return {key: value for key, value in {**base, **fields}.items() if value is not None}


def build_records(tmp_path: Path, *records: dict[str, object]) -> BatchResult:
    """The records written as a JSONL file, read and processed like any build."""
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    items = list(read_jsonl(path))
    assert all(isinstance(i, RawArticle) for i in items), items
    return process_batch(items)


def only_article(result: BatchResult) -> Article:
    assert result.rejected == ()
    (article,) = result.articles
    return article


def date_of(article: Article) -> tuple[dt.date | None, str, str | None]:
    return (article.published_date, article.published_date_precision,
            article.published_date_source)


# ------------------------------------------------------------------ JSONL records


def test_a_record_gives_url_title_author_site_and_date(tmp_path: Path) -> None:
    article = only_article(build_records(tmp_path, record(MADURO)))
    assert article.url == "https://example.com/000"
    assert (article.title, article.title_source) == (seed_parts(MADURO)[0], "source_metadata")
    assert (article.author, article.author_source) == ("Jane Doe, John Roe", "source_metadata")
    assert (article.site, article.site_source) == ("example.com", "source_metadata")
    # The text only lets us infer the year (2018); the record knows the day.
    assert date_of(article) == (dt.date(2018, 10, 3), "day", "source_metadata")
    assert (article.published_date_start, article.published_date_end) == (None, None)
    assert article.language == "en"


def test_event_dates_resolve_against_the_final_publication_date(
        tmp_path: Path, seeds_dir: Path) -> None:
    """"he plans to hold ... meeting with Putin on Tuesday": the Tuesday after Wednesday
    3 October 2018 with the record's date; unresolved with the year the text gives."""
    def tuesday(result: BatchResult) -> tuple[dt.date | None, str]:
        (event,) = {(e.event_date, e.event_date_precision) for e in result.events
                    if e.date_text == "on Tuesday"}
        return event

    from_record = build_records(tmp_path, record(MADURO))
    from_folder = process_batch([i for i in read_folder(seeds_dir)
                                 if i.source_uri.endswith(MADURO)])
    assert only_article(from_folder).published_date_precision == "year"
    assert tuesday(from_record) == (dt.date(2018, 10, 9), "day")
    assert tuesday(from_folder) != (dt.date(2018, 10, 9), "day")


@pytest.mark.parametrize("record_date", ["2017-07-12 08:00:00", "2017-07", "2017"])
def test_the_dateline_wins_over_a_record_date_no_more_precise(tmp_path: Path,
                                                              record_date: str) -> None:
    article = only_article(build_records(tmp_path, record(PUTIN, date_publish=record_date)))
    assert date_of(article) == (dt.date(2017, 7, 11), "day", "dateline")
    assert article.body[article.published_date_start:article.published_date_end] == (
        "July 11 2017")


@pytest.mark.parametrize(("record_date", "expected"), [
    ("2018-10", (dt.date(2018, 10, 1), "month", "source_metadata")),  # finer than the year
    ("2018", (dt.date(2018, 1, 1), "year", "inferred")),  # as precise: the text wins
    ("2019", (dt.date(2018, 1, 1), "year", "inferred")),
])
def test_a_record_date_wins_only_when_more_precise(tmp_path: Path, record_date: str,
                                                   expected: tuple[object, ...]) -> None:
    article = only_article(build_records(tmp_path, record(MADURO, date_publish=record_date)))
    assert date_of(article) == expected


@pytest.mark.parametrize("broken", ["yesterday", "2018-02-30", "2018-13-45 10:00",
                                    "0001-01-01T00:00:00", "", 20181003, ["2018-10-03"]])
def test_a_broken_record_date_is_ignored(tmp_path: Path, broken: object) -> None:
    """An unreadable date is no date: the text's (here the inferred year) stands."""
    article = only_article(build_records(tmp_path, record(MADURO, date_publish=broken)))
    assert date_of(article) == (dt.date(2018, 1, 1), "year", "inferred")
    assert article.title_source == "source_metadata"  # the rest of the record still counts


def test_record_values_are_normalised_like_the_text(tmp_path: Path) -> None:
    """A title read in the wrong encoding upstream ("‘" as "â€˜") is repaired, as the text
    is; repeated and blank author names are dropped."""
    title = seed_parts(MADURO)[0]
    broken = title.encode("utf-8").decode("cp1252")
    assert broken != title
    article = only_article(build_records(tmp_path, record(
        MADURO, title=broken, authors=["Jane Doe", " Jane  Doe ", " "])))
    assert (article.title, article.author) == (title, "Jane Doe")


def test_a_byline_in_the_text_wins_over_the_records_authors(tmp_path: Path) -> None:
    _, paragraphs = seed_parts(MADURO)
    text = "\n".join(["By Maria Lopez", *paragraphs])
    article = only_article(build_records(tmp_path, record(MADURO, maintext=text)))
    assert (article.author, article.author_source) == ("Maria Lopez", "page")
    assert not article.body.startswith("By ")


def test_site_from_the_dateline_then_the_record_then_the_url(tmp_path: Path) -> None:
    result = build_records(
        tmp_path,
        record(PUTIN),  # the dateline credits venezuelanalysis.com
        record(MADURO, source_domain=None, url="https://www.example.org/world/maduro"),
    )
    sites = {a.source_uri: (a.site, a.site_source) for a in result.articles}
    assert sites == {"https://example.com/004": ("venezuelanalysis.com", "dateline"),
                     "https://www.example.org/world/maduro": ("example.org", "url")}


def test_a_record_without_metadata_gives_what_the_text_gives(tmp_path: Path) -> None:
    title, paragraphs = seed_parts(MADURO)
    bare = {"maintext": "\n".join([title, *paragraphs])}
    article = only_article(build_records(tmp_path, bare))
    assert (article.url, article.site, article.author) == (None, None, None)
    assert (article.title, article.title_source) == (title, "page")
    assert date_of(article) == (dt.date(2018, 1, 1), "year", "inferred")


def test_new_metadata_on_the_same_text_is_a_new_jsonl_article(tmp_path: Path) -> None:
    """A JSONL record's raw bytes are its whole line: metadata included in the id."""
    ids = []
    for date in ("2018-10-03", "2018-10-04"):
        path = tmp_path / f"{date}.jsonl"
        path.write_text(json.dumps(record(MADURO, date_publish=date)) + "\n", "utf-8")
        (item,) = read_jsonl(path)
        assert isinstance(item, RawArticle)
        ids.append(item.article_id)
    assert ids[0] != ids[1]


# ------------------------------------------------------------------ dates and languages


@pytest.mark.parametrize(("value", "expected"), [
    ("2018-10-03T23:30:00-05:00", (dt.date(2018, 10, 3), "day")),  # the publisher's day
    ("2018-10-03", (dt.date(2018, 10, 3), "day")),
    ("2018-10", (dt.date(2018, 10, 1), "month")),
    ("2018", (dt.date(2018, 1, 1), "year")),
    ("Wed, 03 Oct 2018 12:00:00 GMT", (dt.date(2018, 10, 3), "day")),  # RSS pubDate as written
    ("October 3rd", None), ("2018-10-03x", None), ("1899-12-31", None), (None, None),
])
def test_record_dates_are_read_with_their_precision(value: str | None,
                                                    expected: tuple[dt.date, str] | None) -> None:
    found = date_of_record(value)
    if expected is None:
        assert found is None
    else:
        assert found == PublishedDate(expected[0], expected[1], "source_metadata", None)


def test_the_records_language_is_only_a_fallback() -> None:
    assert choose_language("es", SourceMeta(language="en")) == "es"
    assert choose_language(None, SourceMeta(language="en-US")) == "en"
    assert choose_language(None, SourceMeta(language="pt_BR")) == "pt"
    assert choose_language(None, SourceMeta(language="English")) is None
    assert choose_language(None, None) is None


# ------------------------------------------------------------------ WARC


def test_a_warc_record_gives_url_and_site_but_not_its_capture_date(tmp_path: Path) -> None:
    """WARC-Date and Last-Modified say when the page was captured or last changed on the
    server, not when the article was published: the text's date stands."""
    url = "https://www.example.org/news/maduro"
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                           ("Last-Modified", "Mon, 06 May 2019 08:00:00 GMT")],
                                protocol="HTTP/1.1")
        page = seed_page_html(MADURO).replace("© 2018 Example News", "")
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(page.encode()), http_headers=http,
            warc_headers_dict={"WARC-Date": "2019-05-06T08:00:00Z"}))
    (item,) = read_warc(path)
    article = only_article(process_batch([item]))
    assert article.url == url
    assert (article.site, article.site_source) == ("example.org", "url")
    assert (article.title, article.title_source) == (seed_parts(MADURO)[0], "page")
    assert date_of(article) == (dt.date(2018, 1, 1), "year", "inferred")


# ------------------------------------------------------------------ feeds


def rss_feed(title: str, date: str) -> bytes:
    return ("<?xml version=\"1.0\"?><rss version=\"2.0\" "
            "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>Example News</title>"
            f"<item><title>{title}</title><link>/news/maduro.html</link><pubDate>{date}</pubDate>"
            "<dc:creator>Jane Doe</dc:creator></item></channel></rss>").encode()


FEED_TITLE = "Maduro flies to Moscow for talks with Putin"


@pytest.fixture
def news_site() -> Iterator[Site]:
    site = Site()
    site.routes["/robots.txt"] = Route(b"User-agent: *\n")
    page = seed_page_html(MADURO).replace("© 2018 Example News", "")
    site.routes["/news/maduro.html"] = Route(page.encode(), etag='"page"',
                                             headers={"Content-Type": "text/html; charset=utf-8"})
    site.routes["/rss.xml"] = Route(rss_feed(FEED_TITLE, "Wed, 03 Oct 2018 12:00:00 GMT"),
                                    etag='"feed1"')
    with serve_site(site):
        yield site


def feed_source(tmp_path: Path, site: Site):  # type: ignore[no-untyped-def]
    path = tmp_path / "sources.toml"
    path.write_text(
        'store = "store"\n[fetch]\nmin_interval_seconds = 0\ntimeout_seconds = 2\n'
        'max_retries = 0\n'
        f'[sources.loopback]\nkind = "feed"\nlocation = "{site.url("/rss.xml")}"\n',
        encoding="utf-8")
    return resolve_source("loopback", path)


def published_articles(release: Path) -> list[dict[str, object]]:
    import pyarrow.parquet as pq

    return pq.read_table(release / "articles.parquet").to_pylist()


def test_a_feed_entry_gives_title_date_author_and_site(news_site: Site, tmp_path: Path) -> None:
    summary = run_build(feed_source(tmp_path, news_site), tmp_path / "out")
    (row,) = published_articles(summary.release_path)
    assert row["url"] == news_site.url("/news/maduro.html")
    # The page's headline differs from the entry's: the entry's is the publisher's.
    assert seed_parts(MADURO)[0] != FEED_TITLE
    assert (row["title"], row["title_source"]) == (FEED_TITLE, "source_metadata")
    assert (row["published_date"], row["published_date_precision"],
            row["published_date_source"]) == (dt.date(2018, 10, 3), "day", "source_metadata")
    assert (row["author"], row["author_source"]) == ("Jane Doe", "source_metadata")
    assert (row["site"], row["site_source"]) == ("Example News", "source_metadata")


def test_new_feed_metadata_on_the_same_page_is_reprocessed(news_site: Site,
                                                           tmp_path: Path) -> None:
    """The page's bytes, hence its article_id, stay; the entry's metadata is in the state's
    key and the input manifest, so the article is processed again and the release changes."""
    source = feed_source(tmp_path, news_site)
    first = run_build(source, tmp_path / "out")
    news_site.routes["/rss.xml"] = Route(
        rss_feed("Maduro lands in Moscow", "Thu, 04 Oct 2018 09:00:00 GMT"), etag='"feed2"')
    second = run_build(source, tmp_path / "out")
    assert (second.created, second.processed, second.reused) == (True, 1, 0)
    (before,) = published_articles(first.release_path)
    (after,) = published_articles(second.release_path)
    assert after["article_id"] == before["article_id"]
    assert after["raw_sha256"] == before["raw_sha256"]
    assert (after["title"], after["published_date"]) == ("Maduro lands in Moscow",
                                                         dt.date(2018, 10, 4))
    third = run_build(source, tmp_path / "out")  # nothing new: reused, nothing published
    assert (third.created, third.processed, third.reused) == (False, 0, 1)


def test_seeds_carry_no_source_metadata(seeds_dir: Path) -> None:
    assert all(isinstance(i, RawArticle) and i.meta is None for i in read_folder(seeds_dir))
