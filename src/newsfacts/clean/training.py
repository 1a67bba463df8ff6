"""Training the line classifier on `<id>.raw.txt` + `<id>.gold.txt` corpora (offline, by hand).

Labels come from the gold body: a line of four or more words is content when most of its word
4-grams occur in the gold text; a shorter line when it equals a gold line. The model is a
LightGBM forest saved as text in `newsfacts/models/`, loaded without any download.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np

from newsfacts.clean.line_features import (
    FEATURE_NAMES,
    STAGE2_FEATURE_NAMES,
    line_features,
    stage2_features,
)
from newsfacts.clean.normalize import normalize_text

TOKEN = re.compile(r"\w+")
SHINGLE = 4
CONTENT_SHARE = 0.5
# Fixed so that retraining on the same corpora gives the same model file.
TRAINING_PARAMS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": 20261123,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbosity": -1,
}
TRAINING_ROUNDS = 400


def shingles(tokens: list[str], n: int = SHINGLE) -> list[tuple[str, ...]]:
    """Word n-grams of a token list."""
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def label_lines(lines: list[str], gold: str) -> np.ndarray:
    """1 for lines that belong to the gold body, 0 for boilerplate."""
    gold_shingles = set(shingles(TOKEN.findall(gold)))
    gold_lines = {" ".join(line.split()) for line in gold.split("\n") if line.strip()}
    labels = np.zeros(len(lines), dtype=np.int8)
    for i, line in enumerate(lines):
        tokens = TOKEN.findall(line)
        if len(tokens) >= SHINGLE:
            grams = shingles(tokens)
            labels[i] = sum(g in gold_shingles for g in grams) / len(grams) >= CONTENT_SHARE
        else:
            labels[i] = " ".join(line.split()) in gold_lines
    return labels


def page_lines(raw: str) -> list[str]:
    """The non-blank lines of a raw page, normalised as the cleaner sees them."""
    return [line for line in normalize_text(raw).split("\n") if line.strip()]


def corpus_pairs(corpus: Path) -> Iterator[tuple[str, str, str]]:
    """(id, raw text, gold text) for every pair in a corpus folder, sorted by id."""
    for raw_path in sorted(corpus.glob("*.raw.txt")):
        doc_id = raw_path.name.removesuffix(".raw.txt")
        gold_path = corpus / f"{doc_id}.gold.txt"
        if gold_path.is_file():
            yield doc_id, raw_path.read_text("utf-8"), gold_path.read_text("utf-8")


def trimmed_variants(
    lines: list[str], labels: np.ndarray, page_index: int
) -> list[tuple[list[str], np.ndarray]]:
    """The page as already-cleaned input looks: cut to its body, and with the footer cut.

    Pages in the corpora start with menus and end with footers, so without these variants
    the model learns that the first and last lines of any text are boilerplate, and would cut
    the lead or the last paragraph of an article that arrives clean (the seeds) or of a text
    cleaned once already. The body variant keeps 0, 1 or 2 lines before the first body line
    (a headline, a byline), chosen by page so that training stays deterministic.
    """
    content = np.flatnonzero(labels)
    if len(content) == 0:
        return []
    first, end = int(content[0]), int(content[-1]) + 1
    start = max(first - page_index % 3, 0)
    cuts = {(start, end), (0, end)} - {(0, len(lines))}
    return [(lines[a:b], labels[a:b]) for a, b in sorted(cuts)]


class TrainingLines(NamedTuple):
    """Every training line: features, label, page, segment (page or variant), text, weight."""

    features: np.ndarray
    labels: np.ndarray
    groups: np.ndarray
    segments: np.ndarray
    texts: list[str]
    weights: np.ndarray


CORPUS_BALANCE = 0.5  # 0: every page weighs the same; 1: every corpus weighs the same


def corpus_weights(pages_per_corpus: list[int], balance: float = CORPUS_BALANCE) -> list[float]:
    """Per-page weight of each corpus: pages ** -balance, scaled to a mean page weight of 1.

    Unweighted, the 181 AEB news pages count for an eighth of dragnet's 1,379, and the two
    disagree on comment threads (dragnet's gold keeps them, AEB's does not); fully balanced,
    dragnet's recall suffers. Half-way gives AEB's pages ~2.8 times a dragnet page's weight.
    """
    raw = [n ** -balance if n else 0.0 for n in pages_per_corpus]
    total = sum(pages_per_corpus)
    scale = total / sum(w * n for w, n in zip(raw, pages_per_corpus, strict=True)) if total else 0
    return [w * scale for w in raw]


def corpus_matrix(corpora: list[Path], augment: bool = True) -> TrainingLines:
    """The training lines of every page of the corpora (and of its trimmed variants)."""
    features, labels, groups, segments, texts, corpus_of_line = [], [], [], [], [], []
    pages = ((k, pair) for k, c in enumerate(corpora) for pair in corpus_pairs(c))
    pages_per_corpus = [0] * len(corpora)
    for doc_index, (corpus_index, (_, raw, gold)) in enumerate(pages):
        lines = page_lines(raw)
        if not lines:
            continue
        pages_per_corpus[corpus_index] += 1
        page_labels = label_lines(lines, gold)
        variants = [(lines, page_labels)]
        if augment:
            variants += trimmed_variants(lines, page_labels, doc_index)
        for variant_lines, variant_labels in variants:
            features.append(line_features(variant_lines))
            labels.append(variant_labels)
            groups.append(np.full(len(variant_lines), doc_index))
            segments.append(np.full(len(variant_lines), len(segments)))
            corpus_of_line.append(np.full(len(variant_lines), corpus_index))
            texts.extend(variant_lines)
    weights = np.array(corpus_weights(pages_per_corpus))[np.concatenate(corpus_of_line)]
    return TrainingLines(np.vstack(features), np.concatenate(labels), np.concatenate(groups),
                         np.concatenate(segments), texts, weights)


CV_FOLDS = 5


def train_booster(  # type: ignore[no-untyped-def]
    x: np.ndarray, y: np.ndarray, names: tuple[str, ...], rounds: int,
    weights: np.ndarray | None = None,
):
    """One LightGBM forest with the fixed training parameters."""
    import lightgbm as lgb

    dataset = lgb.Dataset(x, label=y, weight=weights, feature_name=list(names),
                          free_raw_data=False)
    return lgb.train(TRAINING_PARAMS, dataset, num_boost_round=rounds)


def out_of_fold_probabilities(data: TrainingLines, rounds: int) -> np.ndarray:
    """Stage-1 probabilities for every line from models that never saw its page."""
    x, y = data.features, data.labels
    folds = data.groups % CV_FOLDS
    p = np.zeros(len(y))
    for fold in range(CV_FOLDS):
        test = folds == fold
        model = train_booster(x[~test], y[~test], FEATURE_NAMES, rounds, data.weights[~test])
        p[test] = model.predict(x[test])
    return p


def stage2_matrix(
    x: np.ndarray, p: np.ndarray, segments: np.ndarray, texts: list[str]
) -> np.ndarray:
    """Stage-2 features segment by segment (contiguous runs of `segments`)."""
    bounds = np.flatnonzero(np.diff(segments)) + 1
    parts = np.split(np.arange(len(segments)), bounds)
    return np.vstack([stage2_features(x[idx], p[idx], [texts[i] for i in idx.tolist()])
                      for idx in parts])


def train_line_classifier(corpora: list[Path], rounds: int = TRAINING_ROUNDS):  # type: ignore[no-untyped-def]
    """Train both stages on the corpora: stage 1 on line features, stage 2 on stacked ones."""
    data = corpus_matrix(corpora)
    stage1 = train_booster(data.features, data.labels, FEATURE_NAMES, rounds, data.weights)
    p = out_of_fold_probabilities(data, rounds)
    stage2 = train_booster(stage2_matrix(data.features, p, data.segments, data.texts),
                           data.labels, STAGE2_FEATURE_NAMES, rounds, data.weights)
    return stage1, stage2


def save_models(stage1, stage2, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Write both forests as LightGBM text files (reproducible, no pickles)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, model in (("stage1", stage1), ("stage2", stage2)):
        text = model.model_to_string(num_iteration=-1)
        (folder / f"line_classifier_{name}.txt").write_text(text, encoding="utf-8")
