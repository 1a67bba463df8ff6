"""Tests for evaluate/quotes.py: the matching rule on hand-made spans, and `eval quotes`."""

from __future__ import annotations

import json
from pathlib import Path

from newsfacts.evaluate.quotes import (
    Attribution,
    Counts,
    iou,
    match_pairs,
    score_document,
    significant,
    sources_match,
    spread_sample,
)

TEXT = "“We will win,” Smith said. Jones said the vote was close."
#       0         1         2         3         4         5


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def positions(part: str) -> frozenset[int]:
    return significant(TEXT, [span(TEXT, part)])


def attribution(content: str, source: str | None, direct: bool = False) -> Attribution:
    return Attribution(positions(content), positions(source) if source else None, direct)


def test_significant_positions_ignore_quote_marks_punctuation_and_spaces() -> None:
    assert positions("“We will win,”") == positions("We will win")
    assert len(positions("We will win")) == len("Wewillwin")


def test_iou_threshold_is_half_of_the_union() -> None:
    gold = positions("the vote was close")  # 15 significant characters
    assert iou(positions("the vote was"), gold) == 10 / 15  # matches
    assert iou(positions("vote"), gold) == 4 / 15  # does not
    pairs = match_pairs([attribution("vote", None)], [attribution("the vote was close", None)],
                        exact=False)
    assert pairs == []
    assert match_pairs([attribution("the vote was", None)],
                       [attribution("the vote was close", None)], exact=False) == [(0, 0)]


def test_matching_is_one_to_one_and_prefers_the_best_overlap() -> None:
    gold = [attribution("the vote was close", "Jones")]
    predicted = [attribution("vote was close", "Jones"), attribution("the vote was close", None)]
    assert match_pairs(predicted, gold, exact=False) == [(1, 0)]


def test_exact_needs_the_same_words_but_not_the_same_quote_marks() -> None:
    gold = [attribution("“We will win,”", "Smith")]
    assert match_pairs([attribution("We will win", "Smith")], gold, exact=True) == [(0, 0)]
    assert match_pairs([attribution("We will", "Smith")], gold, exact=True) == []


def test_sources_overlap_for_lenient_and_are_equal_for_exact() -> None:
    assert sources_match(positions("Smith said"), positions("Smith"), exact=False)
    assert not sources_match(positions("Smith said"), positions("Smith"), exact=True)
    assert sources_match(None, None, exact=True)
    assert not sources_match(positions("Jones"), None, exact=False)
    assert not sources_match(positions("Jones"), positions("Smith"), exact=False)


def test_score_document_counts_content_pairs_and_the_direct_subset() -> None:
    gold = [attribution("“We will win,”", "Smith", direct=True),
            attribution("the vote was close", "Jones")]
    predicted = [attribution("We will win", "Jones", direct=True),  # right words, wrong source
                 attribution("the vote was close", "Jones")]
    table = score_document(predicted, gold)
    assert table[("all", "lenient", "content")] == Counts(2, 2, 2, 2)
    assert table[("all", "lenient", "pair")] == Counts(1, 2, 1, 2)
    assert table[("direct", "lenient", "content")] == Counts(1, 1, 1, 1)
    assert table[("direct", "lenient", "pair")] == Counts(0, 1, 0, 1)
    assert Counts(1, 2, 1, 4).precision == 0.5
    assert Counts(1, 2, 1, 4).recall == 0.25


def test_nothing_predicted_scores_zero() -> None:
    table = score_document([], [attribution("the vote was close", "Jones")])
    assert table[("all", "lenient", "content")].f1 == 0.0


def test_spread_sample_is_deterministic_and_spread() -> None:
    ids = [f"{i:03}" for i in range(10)]
    assert spread_sample(ids, 3) == ["000", "003", "006"]
    assert spread_sample(ids, None) == ids


def test_eval_quotes_command_scores_a_tiny_corpus(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsfacts.cli import app

    text = "“The bridge will open in May,” the mayor said. Critics said the plan was late."
    quote, source = span(text, "“The bridge will open in May,”"), span(text, "the mayor")
    gold = {"attributions": [
        {"source": {"start": source[0], "end": source[1], "text": "the mayor"},
         "cue": None, "has_quote_marks": True,
         "content": {"start": quote[0], "end": quote[1], "text": text[quote[0]:quote[1]]}},
    ], "meta": {}}
    corpus = tmp_path / "tiny"
    corpus.mkdir()
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    (corpus / "a.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["eval", "quotes", "--corpus", str(corpus),
                                      "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 docs" in result.output
    total = json.loads(out.read_text(encoding="utf-8"))["total"]
    # the mayor's quote matches with its source; "Critics said ..." is a false positive
    assert total["all/lenient/pair"]["recall"] == 1.0
    assert total["all/lenient/content"]["precision"] == 0.5
    assert total["direct/exact/pair"]["f1"] == 1.0
