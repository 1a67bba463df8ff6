"""JSONL source: news-please and trafilatura records of the seeds, broken lines rejected."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import trafilatura

from newsfacts.ingest.jsonl import parse_record, read_jsonl
from newsfacts.pipeline import process_item
from newsfacts.records import RawArticle, Rejection, SourceMeta
from seed_pages import SEED_NAMES, seed_page_html, seed_parts


def news_please_record() -> dict[str, object]:
    """A seed as news-please stores it (fields of its JSON output, NewsArticle.py)."""
    title, paragraphs = seed_parts(SEED_NAMES[0])
    return {
        "authors": ["Jane Doe", "John Roe"],
        "date_download": "2019-01-02 10:00:00",
        "date_modify": None,
        "date_publish": "2018-10-03 12:30:00",
        "description": paragraphs[0],
        "filename": "https%3A%2F%2Fexample.com%2Fmaduro.json",
        "image_url": None,
        "language": "en",
        "localpath": None,
        "maintext": "\n".join(paragraphs),
        "source_domain": "example.com",
        "title": title,
        "title_page": None,
        "title_rss": None,
        "url": "https://example.com/maduro-travels",
    }


def trafilatura_record() -> dict[str, object]:
    """A seed page as trafilatura itself writes it with `output_format="json"`."""
    out = trafilatura.extract(seed_page_html(SEED_NAMES[1], author="Jane Doe; John Roe",
                                             date="2017-07-11"),
                              output_format="json", with_metadata=True,
                              url="https://example.com/putin-call")
    assert out is not None
    return json.loads(out)


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_news_please_record_gives_text_and_metadata() -> None:
    text, meta = parse_record(json.dumps(news_please_record()).encode())
    title, paragraphs = seed_parts(SEED_NAMES[0])
    assert text == "\n\n".join([title, *paragraphs])
    assert meta == SourceMeta(url="https://example.com/maduro-travels", title=title,
                              published="2018-10-03T12:30:00", authors=("Jane Doe", "John Roe"),
                              site="example.com", language="en")


def test_trafilatura_record_gives_text_and_metadata() -> None:
    record = trafilatura_record()
    assert "url" not in record and record["source"] == "https://example.com/putin-call"
    text, meta = parse_record(json.dumps(record).encode())
    title, paragraphs = seed_parts(SEED_NAMES[1])
    assert text.startswith(title + "\n\n" + paragraphs[0])
    assert "Hugo Chavez Frias in 1999." in text
    assert meta.url == "https://example.com/putin-call"
    assert meta.title == title  # trafilatura drops the " | Example News" suffix itself
    assert meta.published == "2017-07-11"
    assert meta.authors == ("Jane Doe", "John Roe")
    assert meta.site == "example.com"


def test_a_broken_line_is_rejected_by_file_and_line_and_the_rest_goes_on(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "dump.jsonl", [
        json.dumps(news_please_record()),
        '{"title": "Cut short", "maintext": "The line ends in the middle',
        "",
        json.dumps(["an", "array"]),
        json.dumps({"title": "No text", "url": "https://example.com/x"}),
        json.dumps({"title": "Wrong type", "maintext": ["a", "list"]}),
        json.dumps(trafilatura_record()),
    ])
    items = list(read_jsonl(path))
    assert [type(i).__name__ for i in items] == ["RawArticle", "Rejection", "Rejection",
                                                 "Rejection", "Rejection", "RawArticle"]
    rejected = {i.source_uri: (i.reason, i.detail) for i in items if isinstance(i, Rejection)}
    assert rejected == {
        "dump.jsonl:2": ("ingest_bad_json", "dump.jsonl:2: invalid JSON at column 36: "
                                            "Unterminated string starting at"),
        "dump.jsonl:4": ("ingest_bad_record",
                         "dump.jsonl:4: a JSON array, not an object (one article per line)"),
        "dump.jsonl:5": ("ingest_no_text",
                         "dump.jsonl:5: no article text: none of maintext, text, raw_text has any"),
        "dump.jsonl:6": ("ingest_bad_record",
                         "dump.jsonl:6: field 'maintext' is a JSON array, not a string"),
    }
    articles = [i for i in items if isinstance(i, RawArticle)]
    assert [a.source_uri for a in articles] == ["https://example.com/maduro-travels",
                                                "https://example.com/putin-call"]
    assert all(a.text_format == "html" and a.meta is not None for a in articles)
    assert [a.article_id for a in read_jsonl(path)] == [i.article_id for i in items]


def test_jsonl_articles_go_through_clean_and_extract(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "dump.jsonl",
                       [json.dumps(news_please_record()), json.dumps(trafilatura_record())])
    results = [process_item(item) for item in read_jsonl(path)]
    assert [r.rejected for r in results] == [(), ()]
    titles = [r.articles[0].title for r in results]
    assert titles == [seed_parts(name)[0] for name in SEED_NAMES]
    assert results[0].articles[0].dateline_place == "Caracas"


def test_folder_of_jsonl_gz_and_truncated_gzip(tmp_path: Path) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    lines = [json.dumps(news_please_record()), json.dumps(trafilatura_record())]
    whole = gzip.compress("".join(line + "\n" for line in lines).encode())
    (folder / "a.jsonl.gz").write_bytes(whole)
    # The second line's bytes, then nothing: a download cut short.
    cut = gzip.compress(("".join(line + "\n" for line in lines) * 20).encode())
    (folder / "b.jsonl.gz").write_bytes(cut[: len(cut) // 2])
    (folder / "notes.txt").write_text("not a dump", encoding="utf-8")
    items = list(read_jsonl(folder))
    complete = [i for i in items if isinstance(i, RawArticle)]
    broken = [i for i in items if isinstance(i, Rejection)]
    assert len(broken) == 1
    assert broken[0].reason == "ingest_bad_gzip"
    assert broken[0].source_uri.startswith("dumps/b.jsonl.gz:")
    read_before = int(broken[0].source_uri.rsplit(":", 1)[1]) - 1
    assert f"the {read_before} lines before it were read" in broken[0].detail
    assert len(complete) == 2 + read_before and read_before >= 1


def test_an_over_long_line_is_rejected_without_stopping_the_file(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    big = json.dumps({"title": "Huge", "maintext": "word " * 1_100_000})
    path.write_text(big + "\n" + json.dumps(news_please_record()) + "\n", encoding="utf-8")
    items = list(read_jsonl(path))
    assert isinstance(items[0], Rejection) and items[0].reason == "ingest_too_large"
    assert items[0].source_uri == "big.jsonl:1"
    assert isinstance(items[1], RawArticle)
