"""The article-extraction-benchmark shingle metric: 4-gram P/R/F1, averaged over documents.

A reimplementation of `string_shingle_matching` and `metrics_from_tp_fp_fns` in
scrapinghub/article-extraction-benchmark `evaluate.py` (MIT). Tokens are `\\w+` runs,
case-sensitive (the original passes IGNORECASE, which does not change what `\\w` matches);
shingles are token 4-grams counted as a multiset. Each document's (tp, fp, fn) is normalised
by its sum so that long documents weigh no more than short ones; the corpus precision and
recall are means over documents, and F1 is computed from those two means, not averaged.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from newsfacts.evaluate.prf import f1_of

TOKEN = re.compile(r"\w+")

TpFpFn = tuple[float, float, float]


@dataclass(frozen=True, slots=True)
class Scores:
    """Corpus scores: mean precision, mean recall, F1 of those means, documents scored."""

    precision: float
    recall: float
    f1: float
    documents: int


def shingle_counts(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of token n-grams; fewer than n tokens give one shorter shingle, none give none."""
    tokens = TOKEN.findall(text)
    if len(tokens) < n:
        # upstream loops over range(max(1, len - n + 1)): one short shingle, dropped if empty
        return Counter([tuple(tokens)] if tokens else [])
    # the shifted copies have different lengths on purpose: zip stops at the shortest
    return Counter(zip(*(tokens[i:] for i in range(n)), strict=False))


def shingle_match(true: str, pred: str, n: int = 4) -> TpFpFn:
    """(tp, fp, fn) of the predicted text's shingles against the gold's, normalised to sum 1."""
    true_counts = shingle_counts(true, n)
    tp = fp = 0
    for shingle, pred_count in shingle_counts(pred, n).items():
        true_count = true_counts.get(shingle, 0)
        tp += min(true_count, pred_count)
        fp += max(0, pred_count - true_count)
    # sum(max(0, true - pred)) == sum(true) - sum(min(true, pred)): one pass instead of two
    fn = sum(true_counts.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def precision_score(tp: float, fp: float, fn: float) -> float:
    """Per-document precision with the upstream conventions for empty texts."""
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    """Per-document recall with the upstream conventions for empty texts."""
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def f1_score(tp: float, fp: float, fn: float) -> float:
    """Per-document F1, for ranking documents (the corpus F1 is not a mean of these)."""
    precision, recall = precision_score(tp, fp, fn), recall_score(tp, fp, fn)
    return f1_of(precision, recall)


def corpus_scores(tp_fp_fns: list[TpFpFn]) -> Scores:
    """Mean precision over docs with a prediction, mean recall over docs with gold, their F1."""
    precisions = [precision_score(*d) for d in tp_fp_fns if d[0] + d[1] > 0]
    recalls = [recall_score(*d) for d in tp_fp_fns if d[0] + d[2] > 0]
    # upstream raises on an empty list or P + R == 0; an empty corpus scores 0 here instead
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = f1_of(precision, recall)
    return Scores(precision, recall, f1, len(tp_fp_fns))
