"""The AEB shingle metric: hand-computed documents and the corpus mean-then-F1 rule."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsfacts.evaluate.shingles import (
    Scores,
    corpus_scores,
    f1_score,
    precision_score,
    recall_score,
    shingle_counts,
    shingle_match,
)

BLAZE = "Crews fought the blaze for six hours."
# tokens: Crews fought the blaze for six hours (7) -> 7 - 4 + 1 = 4 shingles:
#   (Crews fought the blaze) (fought the blaze for) (the blaze for six) (blaze for six hours)


def test_tokens_are_word_runs_and_shingles_cross_lines_and_punctuation() -> None:
    counts = shingle_counts("Crews fought\nthe blaze — for six hours.")
    assert counts == shingle_counts(BLAZE)
    assert counts == Counter({
        ("Crews", "fought", "the", "blaze"): 1,
        ("fought", "the", "blaze", "for"): 1,
        ("the", "blaze", "for", "six"): 1,
        ("blaze", "for", "six", "hours"): 1,
    })


def test_short_and_empty_texts() -> None:
    # fewer than 4 tokens: the whole text is one shorter shingle; no tokens: no shingle at all
    assert shingle_counts("Fire in Leeds") == Counter({("Fire", "in", "Leeds"): 1})
    assert shingle_counts("") == Counter()
    assert shingle_counts(" — … ") == Counter()


def test_identical_texts() -> None:
    # tp = 4, fp = fn = 0; normalised by 4
    assert shingle_match(BLAZE, BLAZE) == (1.0, 0.0, 0.0)
    assert (precision_score(1, 0, 0), recall_score(1, 0, 0)) == (1.0, 1.0)


def test_disjoint_texts() -> None:
    # gold 4 shingles, prediction 4 others (7 tokens each): tp = 0, fp = 4, fn = 4; / 8
    pred = "Subscribe to our newsletter for daily updates"
    assert shingle_match(BLAZE, pred) == (0.0, 0.5, 0.5)
    assert precision_score(0.0, 0.5, 0.5) == 0.0
    assert recall_score(0.0, 0.5, 0.5) == 0.0


def test_tokens_are_case_sensitive() -> None:
    # one 4-token shingle each, differing in case: tp = 0, fp = 1, fn = 1; / 2
    assert shingle_match("Police said the fire", "police said the fire") == (0.0, 0.5, 0.5)


def test_boilerplate_after_the_article_costs_precision_only() -> None:
    # prediction tokens: the 7 gold tokens + Read more = 9 -> 6 shingles, the 4 gold ones plus
    # (for six hours Read) (six hours Read more): tp = 4, fp = 2, fn = 0; / 6
    tp, fp, fn = shingle_match(BLAZE, BLAZE + "\nRead more")
    assert (tp, fp, fn) == pytest.approx((4 / 6, 2 / 6, 0.0))
    assert precision_score(tp, fp, fn) == pytest.approx(2 / 3)  # (4/6) / (4/6 + 2/6)
    assert recall_score(tp, fp, fn) == 1.0


def test_missing_text_costs_recall_only() -> None:
    # prediction "the blaze for six hours": 5 tokens -> 2 shingles, both in the gold
    # tp = 2, fp = 0, fn = 4 - 2 = 2; / 4
    tp, fp, fn = shingle_match(BLAZE, "the blaze for six hours")
    assert (tp, fp, fn) == (0.5, 0.0, 0.5)
    assert precision_score(tp, fp, fn) == 1.0
    assert recall_score(tp, fp, fn) == 0.5


def test_repeated_shingles_count_as_a_multiset() -> None:
    # gold "we can we can we can": 6 tokens -> (we can we can) x2, (can we can we) x1
    # prediction with 8 tokens -> (we can we can) x3, (can we can we) x2
    # tp = min(2,3) + min(1,2) = 3; fp = 1 + 1 = 2; fn = 0; / 5
    tp, fp, fn = shingle_match("we can we can we can", "we can we can we can we can")
    assert (tp, fp, fn) == pytest.approx((0.6, 0.4, 0.0))
    assert precision_score(tp, fp, fn) == pytest.approx(0.6)
    assert recall_score(tp, fp, fn) == 1.0


def test_short_text_never_half_matches_a_longer_one() -> None:
    # 3 tokens give the shingle (Fire in Leeds); 4 tokens give (Fire in Leeds today):
    # tp = 0, fp = 1, fn = 1; / 2
    assert shingle_match("Fire in Leeds", "Fire in Leeds") == (1.0, 0.0, 0.0)
    assert shingle_match("Fire in Leeds", "Fire in Leeds today") == (0.0, 0.5, 0.5)


def test_empty_prediction() -> None:
    # tp = 0, fp = 0, fn = 4; / 4 -> precision 0 (tp == fp == 0), recall 0/(0+1)
    tp, fp, fn = shingle_match(BLAZE, "")
    assert (tp, fp, fn) == (0.0, 0.0, 1.0)
    assert (precision_score(tp, fp, fn), recall_score(tp, fp, fn)) == (0.0, 0.0)


def test_empty_gold() -> None:
    # prediction "Read more about our newsletter": 5 tokens -> 2 shingles, none in the gold
    # tp = 0, fp = 2, fn = 0; / 2 -> precision 0/(0+1), recall 0 (tp == fn == 0)
    tp, fp, fn = shingle_match("", "Read more about our newsletter")
    assert (tp, fp, fn) == (0.0, 1.0, 0.0)
    assert (precision_score(tp, fp, fn), recall_score(tp, fp, fn)) == (0.0, 0.0)


def test_both_empty_is_perfect_but_left_out_of_the_corpus_means() -> None:
    assert shingle_match("", "") == (0.0, 0.0, 0.0)
    assert (precision_score(0, 0, 0), recall_score(0, 0, 0)) == (1.0, 1.0)
    # (0, 0, 0) has tp + fp == 0 and tp + fn == 0: it counts as a document, nothing else
    with_empty = corpus_scores([(0.5, 0.0, 0.5), (0.0, 0.0, 0.0)])
    assert with_empty == Scores(precision=1.0, recall=0.5, f1=pytest.approx(2 / 3), documents=2)


def test_corpus_f1_comes_from_mean_precision_and_mean_recall() -> None:
    docs = [
        shingle_match(BLAZE, "the blaze for six hours"),  # (1/2, 0, 1/2): P 1, R 1/2
        shingle_match(BLAZE, BLAZE + "\nRead more"),  # (2/3, 1/3, 0): P 2/3, R 1
        shingle_match(BLAZE, ""),  # (0, 0, 1): no prediction, so no precision; R 0
    ]
    scores = corpus_scores(docs)
    # P = mean(1, 2/3) = 5/6 over the 2 docs with tp + fp > 0
    # R = mean(1/2, 1, 0) = 1/2 over the 3 docs with tp + fn > 0
    # F1 = 2 * 5/6 * 1/2 / (5/6 + 1/2) = (5/6) / (4/3) = 5/8
    assert scores.precision == pytest.approx(5 / 6)
    assert scores.recall == pytest.approx(1 / 2)
    assert scores.f1 == pytest.approx(5 / 8)
    assert scores.documents == 3
    # not the mean of per-document F1s: (2/3 + 4/5 + 0) / 3 = 22/45
    assert sum(f1_score(*d) for d in docs) / 3 == pytest.approx(22 / 45)
    assert scores.f1 != pytest.approx(22 / 45)


def test_empty_corpus_scores_zero() -> None:
    assert corpus_scores([]) == Scores(0.0, 0.0, 0.0, 0)


def upstream_match(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """The metric written out as the upstream loop does it: slices, union of keys, then sum."""
    def ngrams(text: str) -> Counter[tuple[str, ...]]:
        tokens = text.split()
        grams = [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))]
        return Counter(g for g in grams if g)

    t, p = ngrams(true), ngrams(pred)
    tp = sum(min(t[k], p[k]) for k in t.keys() | p.keys())
    fp = sum(max(0, p[k] - t[k]) for k in t.keys() | p.keys())
    fn = sum(max(0, t[k] - p[k]) for k in t.keys() | p.keys())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


# few distinct words, so that shingles repeat and overlap often
WORDS = st.lists(st.sampled_from(["fire", "Fire", "crews", "the", "blaze"]), max_size=12)


@given(WORDS, WORDS)
def test_shingle_match_agrees_with_the_upstream_loop(true: list[str], pred: list[str]) -> None:
    true_text, pred_text = " ".join(true), " ".join(pred)
    assert shingle_match(true_text, pred_text) == pytest.approx(
        upstream_match(true_text, pred_text)
    )
