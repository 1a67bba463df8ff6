"""Near-duplicates: a republished copy of a seed is linked to it and counted once; the two
different seeds are not linked."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsfacts.duplicates import (
    duplicate_pairs,
    find_duplicates,
    link_duplicates,
    word_shingles,
)
from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.pipeline import process_item, run_build
from newsfacts.records import Article, BatchResult

SEED_000 = "000_c1accda924f0f9d8.txt"


def republished(text: str) -> str:
    """Seed text as another site would re-publish it months later: its own headline, date,
    share line and footer, one phrase edited."""
    _headline, *rest = text.split("\n")
    copy = "\n".join(["Venezuela's Maduro heads to Moscow for talks with Putin",
                      "Published September 5, 2018", "Share this article", *rest])
    return (copy.replace("an acute economic crisis", "a severe economic crisis")
                .replace("- Advertisement -", "Read more: Oil prices slide")
                .replace("Subscribe to our newsletter", "Follow us on Twitter"))


def _article(uri: str, text: str) -> Article:
    (article,) = process_item(raw_article_from_bytes(uri, text.encode("utf-8"))).articles
    return article


@pytest.fixture(scope="module")
def articles(seeds_dir: Path) -> dict[str, Article]:
    texts = {p.name: p.read_text("utf-8") for p in sorted(seeds_dir.glob("*.txt"))}
    found = {name: _article(f"seeds/{name}", text) for name, text in texts.items()}
    found["copy"] = _article("wire/copy.txt", republished(texts[SEED_000]))
    return found


def test_word_shingles() -> None:
    assert word_shingles("The cat sat on the mat, again!") == {
        "the cat sat on the", "cat sat on the mat", "sat on the mat again"}
    assert word_shingles("Short text.") == {"short text"}
    assert word_shingles(" – ") == set()


def test_the_two_seeds_are_not_duplicates(articles: dict[str, Article]) -> None:
    seeds = [a for name, a in articles.items() if name != "copy"]
    assert len(seeds) == 2
    assert duplicate_pairs(seeds) == []
    assert find_duplicates(seeds) == {}


def test_a_republished_copy_is_linked_to_the_original(articles: dict[str, Article]) -> None:
    original, copy = articles[SEED_000], articles["copy"]
    assert copy.title != original.title and copy.body != original.body
    assert copy.published_date == dt.date(2018, 9, 5)  # later than the original's 2018
    pair = tuple(sorted([original.article_id, copy.article_id]))
    assert duplicate_pairs(list(articles.values())) == [pair]
    assert find_duplicates(list(articles.values())) == {copy.article_id: original.article_id}


def test_the_earliest_published_then_the_smallest_id_is_the_original(
    articles: dict[str, Article],
) -> None:
    seed, copy = articles[SEED_000], articles["copy"]
    earlier_copy = replace(copy, published_date=dt.date(2017, 12, 31))
    assert find_duplicates([seed, earlier_copy]) == {seed.article_id: copy.article_id}
    undated_seed = replace(seed, published_date=None)
    assert find_duplicates([undated_seed, copy]) == {seed.article_id: copy.article_id}
    same_day = replace(copy, published_date=seed.published_date)
    first, second = sorted([seed.article_id, copy.article_id])
    assert find_duplicates([seed, same_day]) == {second: first}


def test_link_duplicates_marks_only_the_copy(articles: dict[str, Article]) -> None:
    linked = link_duplicates(BatchResult(tuple(articles.values()), (), ()))
    marks = {a.article_id: a.duplicate_of for a in linked.articles}
    original, copy = articles[SEED_000].article_id, articles["copy"].article_id
    assert marks == {a.article_id: (original if a.article_id == copy else None)
                     for a in articles.values()}


def test_a_syndicated_copy_adds_an_article_and_nothing_else(
    seeds_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "mixed"
    shutil.copytree(seeds_dir, source)
    (source / "wire-copy.txt").write_text(
        republished((seeds_dir / SEED_000).read_text("utf-8")), encoding="utf-8")
    summary = run_build(source, tmp_path / "out")
    assert summary.rows == {"articles": 3, "boilerplate": 7, "entities": 24, "mentions": 67,
                            "quotes": 15, "events": 23, "dyads": 6, "rejected": 0}
    rows = pq.read_table(summary.release_path / "articles.parquet").to_pylist()
    by_uri = {r["source_uri"]: r for r in rows}
    duplicate, original = by_uri["mixed/wire-copy.txt"], by_uri[f"mixed/{SEED_000}"]
    assert duplicate["duplicate_of"] == original["article_id"]
    assert [r["duplicate_of"] for r in rows].count(None) == 2
    for table in ("mentions", "quotes", "events"):
        ids = set(pq.read_table(summary.release_path / f"{table}.parquet")
                  .column("article_id").to_pylist())
        assert duplicate["article_id"] not in ids and original["article_id"] in ids
    dyad_articles = {a for row in pq.read_table(summary.release_path / "dyads.parquet")
                     .column("article_ids").to_pylist() for a in row}
    assert duplicate["article_id"] not in dyad_articles
