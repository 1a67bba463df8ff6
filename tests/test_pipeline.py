"""End to end without Prefect: seeds -> release; determinism; quarantine; a broken table blocks."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from newsfacts import pipeline
from newsfacts.pipeline import ReleaseBlocked, run_build
from newsfacts.publish.release import latest_version

RELEASE_FILES = sorted(
    [f"{t}.{ext}" for t in ("articles", "boilerplate", "entities", "mentions", "quotes",
                            "events", "dyads", "rejected")
     for ext in ("csv", "parquet")]
    + ["newsfacts.jsonld", "run.json", "SHA256SUMS", "validation.json", "validation.html",
       "datapackage.json", "croissant.json", "README.md", "changes.json",
       "plot_articles_over_time.png", "plot_top_entities.png", "plot_country_network.png"]
)


def test_release_has_every_file_and_latest(seed_release: Path) -> None:
    root = seed_release / "newsfacts"
    assert sorted(os.listdir(root / "v0001")) == RELEASE_FILES
    assert latest_version(root) == "v0001"
    assert not [p for p in os.listdir(root) if p.startswith(".staging")]


def test_duckdb_reads_typed_columns(seed_release: Path) -> None:
    import duckdb

    path = seed_release / "newsfacts" / "latest" / "articles.parquet"
    con = duckdb.connect()
    rows = con.execute(
        f"select title, dateline_place, published_date from '{path}' order by title").fetchall()
    assert rows == [
        ("Maduro Travels to Russia for ‘Very Important Meeting’ with Putin", "Caracas",
         dt.date(2018, 1, 1)),
        ("Maduro and Putin Talk Cooperation via Telephone", "Caracas", dt.date(2017, 7, 11)),
    ]
    types = dict(con.execute(f"select column_name, column_type from (describe '{path}')")
                 .fetchall())
    assert types["published_date"] == "DATE"
    assert types["word_count"] == "INTEGER"  # bounded by one article: INT32 (schemas/)
    assert types["boilerplate_lines_removed"] == "INTEGER"


def test_pandas_and_polars_read_the_schema_types(seed_release: Path) -> None:
    import pandas as pd
    import polars as pl

    path = seed_release / "newsfacts" / "latest" / "articles.parquet"
    frame = pl.read_parquet(path)
    assert frame.schema["published_date"] == pl.Date
    assert frame.schema["word_count"] == pl.Int32
    assert frame.schema["dateline_start"] == pl.Int32
    pdf = pd.read_parquet(path)
    assert str(pdf["word_count"].dtype) == "int32"
    assert sorted(pdf["dateline_country"]) == ["VE", "VE"]


def test_jsonld_release_expands(seed_release: Path) -> None:
    from pyld import jsonld

    document = json.loads((seed_release / "newsfacts" / "latest" / "newsfacts.jsonld").read_text())
    expanded = jsonld.expand(document)
    articles = [n for n in expanded if n["@type"] == ["https://schema.org/NewsArticle"]]
    assert len(articles) == 2
    node_ids = {n["@id"] for n in expanded}
    for article in articles:  # every entity an article mentions is a node of the graph
        linked = {m["@id"] for m in article["https://schema.org/mentions"]}
        assert linked and linked <= node_ids
    people = [n for n in expanded if n["@type"] == ["https://schema.org/Person"]]
    names = {n["https://schema.org/name"][0]["@value"] for n in people}
    assert {"Nicolás Maduro", "Vladimir Putin"} <= names
    quotes = [n for n in expanded if n["@type"] == ["https://schema.org/Quotation"]]
    article_ids = {a["@id"] for a in articles}
    assert len(quotes) == 15
    for quote in quotes:
        assert {p["@id"] for p in quote["https://schema.org/isPartOf"]} <= article_ids
        assert {c["@id"] for c in quote.get("https://schema.org/creator", [])} <= node_ids
    maduro = next(n["@id"] for n in people
                  if n["https://schema.org/name"][0]["@value"] == "Nicolás Maduro")
    assert sum(1 for q in quotes
               if {"@id": maduro} in q.get("https://schema.org/creator", [])) >= 3


def test_run_json_records_inputs_counts_and_code(seed_release: Path) -> None:
    info = json.loads((seed_release / "newsfacts" / "latest" / "run.json").read_text())
    assert info["version"] == "v0001"
    assert [i["source_uri"] for i in info["inputs"]] == [
        "seeds/000_c1accda924f0f9d8.txt", "seeds/004_b37bf997956b9fa5.txt"]
    assert info["counts"]["rows"] == {"articles": 2, "boilerplate": 4, "entities": 24,
                                      "mentions": 67, "quotes": 15, "events": 23, "dyads": 6,
                                      "rejected": 0}
    assert info["settings"] == {"source": "seeds", "source_kind": "folder", "batch_size": 500,
                                "parquet_partition_rows": 1_000_000, "csv_safe": False,
                                "limits": {"max_article_bytes": 1_000_000,
                                           "max_html_bytes": 10_000_000,
                                           "article_seconds": 120.0}}
    assert info["code"]["newsfacts"] == pipeline.__version__


def test_same_inputs_give_byte_identical_releases(
    seed_release: Path, seeds_dir: Path, tmp_path: Path
) -> None:
    run_build(seeds_dir, tmp_path, batch_size=1)
    first, second = seed_release / "newsfacts" / "v0001", tmp_path / "newsfacts" / "v0001"
    for name in RELEASE_FILES:
        if name in ("run.json", "SHA256SUMS"):  # batch_size differs on purpose (and its hash)
            continue
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    again = run_build(seeds_dir, tmp_path, batch_size=1)
    assert (again.created, again.version) == (False, "v0001")
    twin = tmp_path / "twin"
    run_build(seeds_dir, twin)
    for name in RELEASE_FILES:
        assert (first / name).read_bytes() == (twin / "newsfacts" / "v0001" / name).read_bytes()


def test_bad_files_are_rejected_and_good_ones_published(seeds_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "mixed"
    shutil.copytree(seeds_dir, source)
    (source / "latin1.txt").write_bytes("Caf\xe9".encode("latin-1"))
    (source / "empty.txt").write_bytes(b"")
    (source / "only_ads.txt").write_text("- Advertisement -\nimages_3\n", encoding="utf-8")
    summary = run_build(source, tmp_path / "out")
    assert summary.rows["articles"] == 2
    assert summary.rejected == {"clean/clean_empty_body": 1, "ingest/ingest_empty_file": 1,
                                "ingest/ingest_not_utf8": 1}
    import pyarrow.parquet as pq

    rejected = pq.read_table(summary.release_path / "rejected.parquet").to_pylist()
    assert {r["source_uri"] for r in rejected} == {"mixed/latin1.txt", "mixed/empty.txt",
                                                   "mixed/only_ads.txt"}
    assert all(r["detail"].startswith(r["source_uri"] + ": ") for r in rejected)


def test_failing_rows_are_quarantined_with_their_children(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.batch_to_tables

    def with_a_bad_language(result):  # the first article's language breaks ^[a-z]{2}$
        tables = real(result)
        articles = tables["articles"]
        languages = articles.column("language").to_pylist()
        languages[0] = "english"
        index = articles.schema.get_field_index("language")
        tables["articles"] = articles.set_column(index, articles.schema.field(index),
                                                 pa.array(languages, pa.string()))
        return tables

    monkeypatch.setattr(pipeline, "batch_to_tables", with_a_bad_language)
    summary = run_build(seeds_dir, tmp_path)
    assert summary.rows["articles"] == 1
    import pyarrow.parquet as pq

    rejected = pq.read_table(summary.release_path / "rejected.parquet").to_pylist()
    bad = next(r for r in rejected if r["reason"] == "validate_pattern")
    assert bad["table_name"] == "articles"
    assert json.loads(bad["row_json"])["language"] == "english"
    assert "language" in bad["detail"]
    children = [r for r in rejected if r["reason"] == "validate_parent_rejected"]
    assert {r["table_name"] for r in children} == {"boilerplate", "mentions", "quotes", "events"}
    assert {r["article_id"] for r in children} == {bad["article_id"]}
    assert summary.rejected == {"validate/validate_pattern": 1,
                                "validate/validate_parent_rejected": len(children)}
    for table in ("boilerplate", "mentions", "quotes"):  # nothing of it is left published
        published = pq.read_table(summary.release_path / f"{table}.parquet")
        assert bad["article_id"] not in published.column("article_id").to_pylist()
        assert published.num_rows > 0
    # the dyads are counted again from the events left (tables.dyads_table)
    dyads = pq.read_table(summary.release_path / "dyads.parquet").to_pylist()
    events = pq.read_table(summary.release_path / "events.parquet").to_pylist()
    assert dyads and all(bad["article_id"] not in d["article_ids"] for d in dyads)
    assert sum(d["event_count"] for d in dyads) <= len(events)


# Share buttons, a short headline, an advertisement and a newsletter box: the cleaner removes
# lines of it, and what is left is too short to be an article.
NOT_AN_ARTICLE_PAGE = (
    "Share this:\n\nFacebook\n\nTwitter\n\nThe Minister Visits The Port\n\n"
    "- Advertisement -\n\nSubscribe to our newsletter\n\nSign up here\n"
)


def test_a_rejected_article_leaves_no_rows_behind(seeds_dir: Path, tmp_path: Path) -> None:
    """Its removed lines must not reach `boilerplate` (they would point at no article and the
    release's foreign-key check would refuse the whole release)."""
    source = tmp_path / "src"
    shutil.copytree(seeds_dir, source)
    (source / "not_an_article.txt").write_text(NOT_AN_ARTICLE_PAGE, encoding="utf-8")
    summary = run_build(source, tmp_path / "out")
    import pyarrow.parquet as pq

    release = summary.release_path
    rejected = pq.read_table(release / "rejected.parquet").to_pylist()
    assert [(r["source_uri"], r["stage"]) for r in rejected] == [
        ("src/not_an_article.txt", "extract")]
    articles = set(pq.read_table(release / "articles.parquet").column("article_id").to_pylist())
    assert len(articles) == 2 and rejected[0]["article_id"] not in articles
    for table in ("boilerplate", "mentions", "quotes", "events"):
        ids = set(pq.read_table(release / f"{table}.parquet").column("article_id").to_pylist())
        assert ids and ids <= articles, table


def test_a_parse_failing_mid_batch_costs_only_the_broken_article(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The batch parse breaks on the second article: the first keeps its extraction, the
    rest are parsed alone, and only the broken one is rejected (`extract_nlp_error`)."""
    from newsfacts.extract import nlp

    items = pipeline.ingest_folder(seeds_dir)
    articles = [a for i in items for a in pipeline.process_item(i).articles]
    broken = articles[1].body
    real_parse = nlp.parse_texts
    parsed: list[str] = []

    def parse_texts(texts):  # type: ignore[no-untyped-def]
        for text in texts:
            parsed.append(text)
            if text == broken:
                raise RuntimeError("the parser broke")
            yield from real_parse([text])

    monkeypatch.setattr(pipeline, "parse_texts", parse_texts)
    batch = pipeline.extract_batch_nlp(articles * 2)  # first, broken, first again, broken
    # the batch parse gave the first article, broke on the second; only the three articles
    # not done were parsed again, one by one (the first is not parsed a second time)
    assert parsed == [articles[0].body, broken, broken, articles[0].body, broken]
    assert [r.reason for r in batch.rejected] == ["extract_nlp_error"] * 2
    assert {r.article_id for r in batch.rejected} == {articles[1].article_id}
    assert "the parser broke" in batch.rejected[0].detail
    expected = pipeline.extract_parsed(articles[0], nlp.parse_text(articles[0].body))
    assert batch.mentions == expected.mentions * 2 and expected.mentions
    assert batch.events == expected.events * 2 and expected.events


def test_a_failure_in_events_costs_only_the_events(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsfacts.extract.nlp import parse_text

    articles = [a for i in pipeline.ingest_folder(seeds_dir)
                for a in pipeline.process_item(i).articles]
    article = articles[0]
    doc = parse_text(article.body)
    whole = pipeline.extract_parsed(article, doc)
    assert whole.mentions and whole.quotes and whole.events and not whole.rejected

    def broken(*args: object) -> None:
        raise KeyError("no such actor")

    monkeypatch.setattr(pipeline, "extract_events", broken)
    partial = pipeline.extract_parsed(article, doc)
    assert (partial.mentions, partial.entity_facts, partial.quotes) == (
        whole.mentions, whole.entity_facts, whole.quotes)
    assert partial.events == ()
    [rejection] = partial.rejected
    assert (rejection.reason, rejection.article_id) == ("extract_events_error",
                                                          article.article_id)
    assert rejection.detail == f"{article.source_uri}: KeyError: 'no such actor'"


def test_a_failure_in_one_sentence_costs_only_its_events(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsfacts.extract import events as event_module
    from newsfacts.extract.nlp import parse_text

    article = next(a for i in pipeline.ingest_folder(seeds_dir)
                   for a in pipeline.process_item(i).articles)
    doc = parse_text(article.body)
    whole = pipeline.extract_parsed(article, doc)
    real = event_module.sentence_events

    def breaks_on_erdogan(tree, *args):  # type: ignore[no-untyped-def]
        sentence = tree.parsed.text[tree.sentence.start:tree.sentence.end]
        if "Erdogan" in sentence:
            raise IndexError("no token there")
        return real(tree, *args)

    monkeypatch.setattr(event_module, "sentence_events", breaks_on_erdogan)
    partial = pipeline.extract_parsed(article, doc)
    broken = [s for s in doc.sentences if "Erdogan" in doc.text[s.start:s.end]]
    assert broken and len(partial.rejected) == len(broken)
    assert [r.detail for r in partial.rejected] == [
        f"{article.source_uri}: sentence {s.start}-{s.end}: IndexError: no token there"
        for s in broken]
    assert {r.reason for r in partial.rejected} == {"extract_events_error"}
    kept = [e for e in whole.events
            if not any(s.start <= e.trigger_start < s.end for s in broken)]
    assert partial.events and 0 < len(partial.events) < len(whole.events)
    assert {e.sentence for e in partial.events} <= {e.sentence for e in kept}
    assert partial.mentions == whole.mentions and partial.quotes == whole.quotes
    with pytest.raises(IndexError):  # without a handler (evaluation, tests) it propagates
        event_module.extract_events(doc, whole.mentions, {}, {})


def test_a_broken_table_blocks_publishing(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_build(seeds_dir, tmp_path)
    real = pipeline.batch_to_tables

    def without_title(result):
        tables = real(result)
        tables["articles"] = tables["articles"].drop_columns(["title"])
        return tables

    monkeypatch.setattr(pipeline, "batch_to_tables", without_title)
    source = tmp_path / "changed"
    shutil.copytree(seeds_dir, source)  # different source name: a new release would differ
    with pytest.raises(ReleaseBlocked, match="articles"):
        run_build(source, tmp_path)
    root = tmp_path / "newsfacts"
    assert sorted(p for p in os.listdir(root) if not p.startswith(".")) == [
        "latest", "latest.json", "v0001"]
    assert latest_version(root) == "v0001"


def test_duckdb_command_line_reads_the_release(seed_release: Path) -> None:
    """The README's query, with the `duckdb` command the project installs."""
    import subprocess
    import sys

    duckdb_cli = Path(sys.executable).parent / "duckdb"
    path = seed_release / "newsfacts" / "latest" / "articles.parquet"
    query = f"select title, dateline_place, published_date from '{path}' order by title"
    result = subprocess.run([str(duckdb_cli), "-csv", "-c", query], capture_output=True,
                            text=True, check=True, timeout=60)
    import csv

    assert list(csv.reader(result.stdout.splitlines())) == [
        ["title", "dateline_place", "published_date"],
        ["Maduro Travels to Russia for ‘Very Important Meeting’ with Putin", "Caracas",
         "2018-01-01"],
        ["Maduro and Putin Talk Cooperation via Telephone", "Caracas", "2017-07-11"],
    ]


def test_html_and_scraped_text_go_through_the_whole_pipeline(tmp_path: Path) -> None:
    """A page as HTML and a page as scraped text (menus, one block per line) both publish."""
    paragraphs = [
        "LONDON (Reuters) - The central bank raised interest rates on Thursday for the third"
        " time this year, saying inflation was still far above its target.",
        "The governor told reporters that further increases could not be ruled out if prices"
        " kept rising at the current pace through the winter months.",
        "Markets had expected the move, and the pound was little changed after the decision"
        " was announced at noon in the capital.",
    ]
    headline = "Bank of England raises rates again as inflation bites"
    source = tmp_path / "mixed"
    source.mkdir()
    body_html = "".join(f"<p>{p}</p>" for p in paragraphs)
    (source / "page.html").write_text(
        f"<html><head><title>{headline}</title></head><body><nav><a href='/'>Home</a>"
        f"<a href='/w'>World</a></nav><article><h1>{headline}</h1>{body_html}</article>"
        "<footer>© 2024 Example News. All rights reserved.</footer></body></html>",
        encoding="utf-8")
    menu = ["Home", "World", "Business", "Markets", "Sport", "Search"]
    footer = ["Share on Facebook", "Related stories", "Privacy Policy", "© 2024 Example News"]
    (source / "scraped.txt").write_text(
        "\n".join([*menu, headline, "By Jane Doe", *paragraphs, *footer]), encoding="utf-8")
    summary = run_build(source, tmp_path / "out")
    import pyarrow.parquet as pq

    rows = {r["source_uri"]: r for r in
            pq.read_table(summary.release_path / "articles.parquet").to_pylist()}
    assert sorted(rows) == ["mixed/page.html", "mixed/scraped.txt"]
    for row in rows.values():
        assert row["title"] == headline
        assert row["body"].split("\n\n") == paragraphs
        assert (row["dateline_place"], row["dateline_country"], row["credit"]) == (
            "London", "GB", "Reuters")
    removed = pq.read_table(summary.release_path / "boilerplate.parquet").to_pylist()
    scraped_removed = {r["text"] for r in removed
                       if r["article_id"] == rows["mixed/scraped.txt"]["article_id"]}
    assert {*menu, *footer} <= scraped_removed
    assert rows["mixed/scraped.txt"]["author"] == "Jane Doe"
