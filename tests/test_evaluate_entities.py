"""The entity scorer on hand-made spans: overlap vs exact matching, neutral predictions."""

from __future__ import annotations

from newsfacts.evaluate.entities import Counts, GoldDocument, Labelled, score_document

TEXT = "U.S. President Donald Trump met Angela Merkel in Berlin at the Museum of Flight."


def gold(**extra) -> GoldDocument:
    return GoldDocument(
        doc_id="d", text=TEXT,
        mentions=(Labelled(0, 27, "PERSON"), Labelled(32, 45, "PERSON"),
                  Labelled(49, 55, "LOC")),
        neutral_exact=extra.get("neutral", frozenset()),
        ignore=extra.get("ignore", ()),
        region=(0, len(TEXT)),
    )


def test_overlap_matches_but_exact_does_not() -> None:
    predicted = [Labelled(15, 27, "PERSON"), Labelled(32, 45, "PERSON"), Labelled(49, 55, "LOC")]
    lenient = score_document(predicted, gold(), exact=False)
    exact = score_document(predicted, gold(), exact=True)
    assert lenient["PERSON"] == Counts(tp=2) and lenient["LOC"] == Counts(tp=1)
    assert exact["PERSON"] == Counts(tp=1, fp=1, fn=1)


def test_wrong_type_is_a_false_positive_and_a_miss() -> None:
    counts = score_document([Labelled(49, 55, "ORG")], gold(), exact=False)
    assert counts["ORG"] == Counts(fp=1)
    assert counts["LOC"] == Counts(fn=1)
    assert counts["PERSON"] == Counts(fn=2)


def test_one_gold_mention_matches_one_prediction_only() -> None:
    counts = score_document([Labelled(0, 4, "PERSON"), Labelled(15, 27, "PERSON")], gold(),
                            exact=False)
    assert counts["PERSON"] == Counts(tp=1, fp=1, fn=1)


def test_nested_gold_name_and_ignored_spans_are_neutral() -> None:
    museum = Labelled(63, 79, "ORG")
    assert score_document([museum], gold(), exact=False)["ORG"] == Counts(fp=1)
    neutral = gold(neutral=frozenset({(63, 79)}))
    assert score_document([museum], neutral, exact=False)["ORG"] == Counts()
    ignored = gold(ignore=(Labelled(60, 70, ""),))
    assert score_document([museum], ignored, exact=False)["ORG"] == Counts()


def test_precision_recall_f1() -> None:
    counts = Counts(tp=3, fp=1, fn=2)
    assert (counts.precision, counts.recall) == (0.75, 0.6)
    assert round(counts.f1, 4) == round(2 * 0.75 * 0.6 / 1.35, 4)
    assert Counts().f1 == 0.0
