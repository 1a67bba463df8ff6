"""The metadata scorer on hand-made cases: each matching rule can pass and can fail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsfacts.evaluate.metadata import (
    Prediction,
    evaluate_metadata_corpus,
    match_author,
    match_date,
    match_site,
    match_title,
    normalize,
    title_variants,
)


def test_normalize_ignores_case_punctuation_quotes_and_spaces() -> None:
    assert normalize("  Mayor’s  “Plan” — Approved! ") == normalize("mayor's plan approved")
    assert normalize("...") == ""


@pytest.mark.parametrize(("prediction", "gold", "ok"), [
    ("Harbour bridge reopens after repairs", "Harbour Bridge Reopens After Repairs", True),
    ("Harbour bridge reopens after repairs", "Harbour bridge reopens after repairs | Daily Bugle",
     True),
    ("Harbour bridge reopens", "Harbour bridge reopens - Ann Lee - The Bugle", True),
    ("Harbour bridge reopens", "Harbour bridge reopens after repairs", False),  # a prefix
    ("Harbour bridge reopens after repairs | Daily Bugle", "Harbour bridge reopens after repairs",
     False),
    (None, "Harbour bridge reopens", False),
    ("", "", False),
    ("Menu", "Harbour bridge reopens", False),
])
def test_title_match(prediction: str | None, gold: str, ok: bool) -> None:
    assert match_title(prediction, gold) is ok


def test_a_long_trailing_segment_is_part_of_the_headline_not_a_site() -> None:
    gold = "Storm hits coast - residents told to leave their homes before the weekend"
    assert title_variants(gold) == {normalize(gold)}


@pytest.mark.parametrize(("prediction", "gold", "ok"), [
    ("Jane Doe", "Jane Doe", True),
    ("By JANE DOE", "Jane Doe", True),
    ("John Roe and Jane Doe", "Jane Doe; John Roe", True),
    ("Jane Doe, John Roe", "Jane Doe and John Roe", True),
    ("Doe, Jane", "Doe, Jane", True),
    ("Jane Doe", "Jane Doe, John Roe", False),
    ("Jane Doe", "Jane Doe Staff Writer", False),
    (None, "Jane Doe", False),
])
def test_author_match_is_a_set_of_names(prediction: str | None, gold: str, ok: bool) -> None:
    assert match_author(prediction, gold) is ok


@pytest.mark.parametrize(("prediction", "gold", "ok"), [
    ("The Daily Planet", "the daily planet", True),
    ("dailyplanet.com", "The Daily Planet", True),
    ("www.dailyplanet.com", "Daily Planet", True),
    ("Daily Bugle", "The Daily Planet", False),
    (None, "Daily Planet", False),
    ("", "", False),
])
def test_site_match(prediction: str | None, gold: str, ok: bool) -> None:
    assert match_site(prediction, gold) is ok


def test_date_match_is_exact_day() -> None:
    assert match_date("2019-03-12", "2019-03-12")
    assert not match_date("2019-03-11", "2019-03-12")
    assert not match_date(None, "2019-03-12")


def write_page(corpus: Path, doc_id: str, gold: dict[str, object]) -> None:
    (corpus / f"{doc_id}.raw.txt").write_text("page text", encoding="utf-8")
    (corpus / f"{doc_id}.gold.json").write_text(json.dumps(gold), encoding="utf-8")


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "tiny"
    corpus.mkdir()
    write_page(corpus, "a", {"title": "Dam opens", "title_visible": True, "author": "Ann Lee",
                             "author_visible": False, "site": None, "site_visible": None,
                             "date": "2020-01-02", "date_visible": True})
    write_page(corpus, "b", {"title": "Dam closes | Bugle", "title_visible": False,
                             "author": None, "author_visible": None, "site": "Bugle",
                             "site_visible": True, "date": None, "date_visible": None})
    (corpus / "c.raw.txt").write_text("no gold", encoding="utf-8")
    return corpus


def fixed_predictions(doc_id: str, _text: str) -> Prediction:
    return {
        "a": Prediction("Dam opens", "Ann Lee", None, "2020-01-03"),
        "b": Prediction("Dam closes", None, None, None, "extract_no_title"),
    }[doc_id]


def test_corpus_scores_count_visible_and_all_and_skip_null_gold(tiny_corpus: Path) -> None:
    evaluation = evaluate_metadata_corpus(tiny_corpus, fixed_predictions)
    assert [d.doc_id for d in evaluation.docs] == ["a", "b"]
    title, author, site, date = (evaluation.score(f) for f in ("title", "author", "site", "date"))
    assert (title.visible_correct, title.visible_n, title.all_correct, title.all_n) == (1, 1, 2, 2)
    assert (author.visible_n, author.all_correct, author.all_n) == (0, 1, 1)
    assert (site.visible_correct, site.visible_n, site.all_n) == (0, 1, 1)
    assert (date.visible_correct, date.visible_n) == (0, 1)
    assert author.visible_accuracy == 0.0  # no visible gold: reported as 0 with n = 0


def test_eval_metadata_command_prints_each_field_with_n(tiny_corpus: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    import newsfacts.evaluate.metadata as metadata
    from newsfacts.cli import app

    monkeypatch.setattr(metadata.evaluate_metadata_corpus, "__defaults__", (fixed_predictions,))
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(
        app, ["eval", "metadata", "--corpus", str(tiny_corpus), "--per-doc", "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "title" in result.output and "date" in result.output
    assert "a  date: '2020-01-03' | '2020-01-02'" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["fields"]["title"] == {"visible_accuracy": 1.0, "visible_n": 1,
                                       "all_accuracy": 1.0, "all_n": 2}
    assert data["per_doc"][1]["rejected"] == "extract_no_title"


def test_the_real_pipeline_predicts_on_a_page_of_our_own(tmp_path: Path) -> None:
    from newsfacts.evaluate.metadata import predict_with_newsfacts

    page = "\n".join([
        "Home", "News", "Sport",
        "Council approves new harbour bridge plan",
        "The city council on Tuesday approved a plan to rebuild the harbour bridge, which "
        "has been closed to lorries since a storm damaged its northern span last winter.",
        "Work is expected to start in the spring and to take about two years, officials said.",
    ])
    prediction = predict_with_newsfacts("doc", page)
    assert prediction.rejected is None
    assert prediction.title == "Council approves new harbour bridge plan"
