"""Golden tests: what the two seed articles must yield, field by field (issue #2's table)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from newsfacts.clean.article import clean_article
from newsfacts.extract.article import extract_article
from newsfacts.ingest.folder import read_folder
from newsfacts.records import Article, CleanArticle, RawArticle

GOLDEN = Path(__file__).parent / "golden" / "seed_articles.json"

EXPECTED = {
    "seeds/000_c1accda924f0f9d8.txt": {
        "title": "Maduro Travels to Russia for ‘Very Important Meeting’ with Putin",
        "standfirst": None,
        "dateline_place": "Caracas",
        "dateline_country": "VE",
        "site": None,
        # Inferred: "Maduro visited Russia last year ... Russian Energy Week 2017" => 2018.
        "published_date": dt.date(2018, 1, 1),
        "published_date_precision": "year",
        "published_date_source": "inferred",
        "boilerplate": [
            "- Advertisement -",
            "Subscribe to our newsletter",
            "Sign up here to get the latest news, updates and special offers delivered "
            "directly to your inbox.",
        ],
        "first_paragraph_starts": "CARACAS, Venezuela – Venezuelan President Nicolás Maduro",
        "last_paragraph_ends": "where ministers and businessmen of both nations were present.",
    },
    "seeds/004_b37bf997956b9fa5.txt": {
        "title": "Maduro and Putin Talk Cooperation via Telephone",
        "standfirst": "The two heads of state discussed their mutual cooperation in “security "
        "and defence, energy, agriculture, science and technology, and culture”.",
        "dateline_place": "Caracas",
        "dateline_country": "VE",
        "site": "venezuelanalysis.com",
        "published_date": dt.date(2017, 7, 11),
        "published_date_precision": "day",
        "published_date_source": "dateline",
        "boilerplate": ["images_24"],
        "first_paragraph_starts": "Caracas, July 11 2017 (venezuelanalysis.com) – Both the Kremlin",
        "last_paragraph_ends": "under former Venezuelan President Hugo Chavez Frias in 1999.",
    },
}


def _process(raw: RawArticle) -> tuple[CleanArticle, Article]:
    clean = clean_article(raw)
    assert isinstance(clean, CleanArticle)
    article = extract_article(clean)
    assert isinstance(article, Article), article
    return clean, article


@pytest.fixture(scope="module")
def seed_results(seeds_dir: Path) -> dict[str, tuple[CleanArticle, Article]]:
    return {raw.source_uri: _process(raw) for raw in read_folder(seeds_dir)}  # type: ignore[arg-type]


@pytest.mark.parametrize("source_uri", sorted(EXPECTED))
def test_seed_fields(seed_results: dict, source_uri: str) -> None:
    expected = EXPECTED[source_uri]
    clean, article = seed_results[source_uri]
    for name in ("title", "standfirst", "dateline_place", "dateline_country", "site",
                 "published_date", "published_date_precision", "published_date_source"):
        assert getattr(article, name) == expected[name], name
    assert [line.text for line in clean.removed] == expected["boilerplate"]
    assert article.boilerplate_lines_removed == len(expected["boilerplate"])
    assert article.language == "en"


@pytest.mark.parametrize("source_uri", sorted(EXPECTED))
def test_seed_body_keeps_every_news_paragraph_and_no_boilerplate(
    seed_results: dict, seeds_dir: Path, source_uri: str
) -> None:
    expected = EXPECTED[source_uri]
    _, article = seed_results[source_uri]
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith(expected["first_paragraph_starts"])
    assert paragraphs[-1].endswith(expected["last_paragraph_ends"])
    for line in expected["boilerplate"]:
        assert line not in article.body
    raw_lines = (seeds_dir / source_uri.split("/", 1)[1]).read_text("utf-8").splitlines()
    news = [ln.strip() for ln in raw_lines if ln.strip() and ln.strip() not in
            expected["boilerplate"] and ln.strip() not in (article.title, article.standfirst)]
    assert paragraphs == news


@pytest.mark.parametrize("source_uri", sorted(EXPECTED))
def test_seed_offsets_point_at_their_evidence(seed_results: dict, source_uri: str) -> None:
    _, article = seed_results[source_uri]
    assert article.dateline is not None
    assert article.body[article.dateline_start:article.dateline_end] == article.dateline
    evidence = article.body[article.published_date_start:article.published_date_end]
    if article.published_date_source == "dateline":
        assert evidence == "July 11 2017"
    else:
        assert "last year" in evidence and "2017" in evidence


def test_seed_rows_match_golden_snapshot(seed_results: dict, update_golden: bool) -> None:
    """The whole rows, bodies included; refresh with `pytest --update-golden` and review."""
    rows = {
        uri: {k: (v.isoformat() if isinstance(v, dt.date) else v)
              for k, v in _asdict(article).items()}
        for uri, (_, article) in sorted(seed_results.items())
    }
    if update_golden:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert rows == json.loads(GOLDEN.read_text("utf-8"))


def _asdict(article: Article) -> dict:
    from dataclasses import fields

    return {f.name: getattr(article, f.name) for f in fields(article)}


def test_byline_under_the_headline_becomes_the_author() -> None:
    from newsfacts.extract.article import split_byline

    assert split_byline(["By Jane Doe", "Text."]) == ("Jane Doe", ["Text."])
    assert split_byline(["By Jane Doe and John O'Neill", "x"]) == ("Jane Doe and John O'Neill",
                                                                   ["x"])
    assert split_byline(["By the time he arrived, it was over.", "x"]) == (
        None, ["By the time he arrived, it was over.", "x"])
