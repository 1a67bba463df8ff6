"""Score quote extraction on a PolNeAR-format corpus: content spans and content+source pairs.

Matching rule (lenient). Spans are compared as sets of *significant* character positions:
positions whose character is not whitespace, punctuation or a quote mark, so that "“Yes,”"
and "Yes" are the same span (PolNeAR keeps quote marks in the content, we do not). A
discontinuous span is the union of its segments. A predicted content matches a gold content
when their intersection over union (Jaccard) is at least `MIN_IOU` = 0.5, the threshold of
the PASCAL VOC detection metric: a prediction must share at least half of the joint extent,
so a clause neither matches a lone quoted word inside it nor half of a sentence. Matching
is one-to-one within a document: pairs are taken greedily by decreasing IoU (ties in text
order), each gold and each prediction at most once.

Exact rule: the two position sets are equal (same first and last word, same segments).

Content+source: a content match counts when its sources also match: both absent, or both
present and overlapping by at least one significant character (lenient) or equal (exact).
Sources are short noun phrases and PolNeAR marks them as written ("he", "who",
"Spokeswoman Haley Morris"), so the prediction's source is the speaker *mention*
(`speaker_mention_*`, the pronoun where one was resolved), not the resolved antecedent.

Scores are micro-averaged over the corpus: P = matched / predicted, R = matched / gold. The
direct subset is the gold attributions with `has_quote_marks` (recall) and the predictions
of kind direct or partial (precision), each side matched against everything on the other
side, so a quote that PolNeAR holds as a longer paraphrase still counts.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsfacts.evaluate.prf import f1_of
from newsfacts.extract.nlp import ParsedText, parse_texts
from newsfacts.extract.quotes import extract_quotes
from newsfacts.records import QuoteMatch

MIN_IOU = 0.5
QUOTE_MARKS = frozenset("\"'“”‘’«»„‚`")
SUBSETS = ("all", "direct")
RULES = ("lenient", "exact")

Positions = frozenset[int]
Parse = Callable[[Iterable[str]], Iterator[ParsedText]]


@dataclass(frozen=True, slots=True)
class Attribution:
    """One side of the comparison: content and source as significant positions."""

    content: Positions
    source: Positions | None
    direct: bool


@dataclass(frozen=True, slots=True)
class Counts:
    """Predictions matched / predicted (precision) and gold matched / gold (recall).

    Two matched counts because a subset can differ on each side: a direct prediction may
    match a paraphrase gold, which counts for precision but not for the direct recall.
    """

    predicted_matched: int = 0
    predicted: int = 0
    gold_matched: int = 0
    gold: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.predicted_matched + other.predicted_matched, self.predicted + other.predicted,
            self.gold_matched + other.gold_matched, self.gold + other.gold,
        )

    @property
    def precision(self) -> float:
        return self.predicted_matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.gold_matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        return f1_of(self.precision, self.recall)


# (subset, rule, "content" | "pair") -> Counts
Table = dict[tuple[str, str, str], Counts]


@dataclass(frozen=True, slots=True)
class QuoteEvaluation:
    """The scores of one corpus run, with per-document tables."""

    corpus: str
    doc_ids: tuple[str, ...]
    per_doc: tuple[Table, ...]
    seconds: float

    def total(self) -> Table:
        """The counts summed over documents."""
        total: Table = {}
        for table in self.per_doc:
            for key, counts in table.items():
                total[key] = total.get(key, Counts()) + counts
        return total


def significant(text: str, spans: Iterable[tuple[int, int]]) -> Positions:
    """Positions in the spans whose character is neither space, punctuation nor a quote mark."""
    return frozenset(
        i for start, end in spans for i in range(start, min(end, len(text)))
        if not (text[i].isspace() or text[i] in QUOTE_MARKS
                or unicodedata.category(text[i]).startswith("P"))
    )


def iou(a: Positions, b: Positions) -> float:
    """Intersection over union of two position sets (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def gold_attributions(text: str, gold: dict[str, Any]) -> list[Attribution]:
    """The gold attributions of a document; discontinuous spans scored on their segments."""
    def spans(span: dict[str, Any]) -> list[tuple[int, int]]:
        return [(s["start"], s["end"]) for s in span.get("segments") or [span]]

    return [
        Attribution(
            significant(text, spans(a["content"])),
            significant(text, spans(a["source"])) if a.get("source") else None,
            bool(a.get("has_quote_marks")),
        )
        for a in gold["attributions"]
    ]


def predicted_attributions(text: str, matches: Iterable[QuoteMatch]) -> list[Attribution]:
    """Our matches as attributions: content segments, speaker mention, quote-marked or not."""
    result = []
    for m in matches:
        source = None
        if m.speaker_mention_start is not None and m.speaker_mention_end is not None:
            source = significant(text, [(m.speaker_mention_start, m.speaker_mention_end)])
        segments = [(s.start, s.end) for s in m.segments]
        result.append(Attribution(significant(text, segments), source, m.kind != "indirect"))
    return result


def match_pairs(
    predicted: list[Attribution], gold: list[Attribution], exact: bool
) -> list[tuple[int, int]]:
    """One-to-one (prediction, gold) content matches, greedily by decreasing IoU."""
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            if not p.content or not g.content or not p.content & g.content:
                continue
            score = iou(p.content, g.content)
            if (score == 1.0) if exact else (score >= MIN_IOU):
                candidates.append((-score, i, j))
    taken_p, taken_g, pairs = set(), set(), []
    for _, i, j in sorted(candidates):
        if i not in taken_p and j not in taken_g:
            taken_p.add(i)
            taken_g.add(j)
            pairs.append((i, j))
    return pairs


def sources_match(p: Positions | None, g: Positions | None, exact: bool) -> bool:
    """Both absent, or both present and overlapping (lenient) / equal (exact)."""
    if p is None or g is None:
        return p is None and g is None
    return p == g if exact else bool(p & g)


def score_document(predicted: list[Attribution], gold: list[Attribution]) -> Table:
    """Counts for every subset, rule and target (content, content+source) of one document."""
    table: Table = {}
    for rule in RULES:
        exact = rule == "exact"
        pairs = match_pairs(predicted, gold, exact)
        with_source = [(i, j) for i, j in pairs
                       if sources_match(predicted[i].source, gold[j].source, exact)]
        for subset in SUBSETS:
            in_p = [subset == "all" or p.direct for p in predicted]
            in_g = [subset == "all" or g.direct for g in gold]
            for target, matched in (("content", pairs), ("pair", with_source)):
                table[(subset, rule, target)] = Counts(
                    sum(in_p[i] for i, _ in matched), sum(in_p),
                    sum(in_g[j] for _, j in matched), sum(in_g),
                )
    return table


def list_documents(corpus_dir: Path) -> list[str]:
    """Ids that have both `<id>.txt` and `<id>.gold.json`, sorted."""
    ids = {p.name.removesuffix(".txt") for p in corpus_dir.glob("*.txt")}
    return sorted(i for i in ids if (corpus_dir / f"{i}.gold.json").is_file())


def spread_sample(doc_ids: list[str], limit: int | None) -> list[str]:
    """`limit` ids evenly spaced over the sorted list (ids start with the publisher, so the
    first N would be one publisher); all of them without a limit. Deterministic."""
    if limit is None or limit >= len(doc_ids):
        return doc_ids
    return [doc_ids[i * len(doc_ids) // limit] for i in range(max(limit, 0))]


def evaluate_quotes_corpus(
    corpus_dir: Path, limit: int | None = None, parse: Parse = parse_texts
) -> QuoteEvaluation:
    """Parse and extract every document (or an evenly spread `limit` of them) and score them."""
    doc_ids = spread_sample(list_documents(corpus_dir), limit)
    texts = [(corpus_dir / f"{i}.txt").read_text(encoding="utf-8") for i in doc_ids]
    golds = [json.loads((corpus_dir / f"{i}.gold.json").read_text(encoding="utf-8"))
             for i in doc_ids]
    start = time.perf_counter()
    per_doc = tuple(
        score_document(predicted_attributions(text, extract_quotes(parsed)),
                       gold_attributions(text, gold))
        for text, gold, parsed in zip(texts, golds, parse(texts), strict=True)
    )
    return QuoteEvaluation(corpus_dir.name, tuple(doc_ids), per_doc,
                           time.perf_counter() - start)


def format_quote_scores(evaluation: QuoteEvaluation) -> str:
    """The P/R/F1 table: subset x rule rows, content and content+source columns."""
    total = evaluation.total()
    content = total[("all", "lenient", "content")]
    direct = total[("direct", "lenient", "content")]
    lines = [
        f"quotes {evaluation.corpus}: {len(evaluation.doc_ids)} docs, "
        f"{content.gold} gold attributions ({direct.gold} with quote marks), "
        f"{content.predicted} predicted ({direct.predicted} quoted), "
        f"{evaluation.seconds:.0f} s",
        f"{'subset':<7} {'match':<8} {'content P':>9} {'R':>6} {'F1':>6}   "
        f"{'content+source P':>16} {'R':>6} {'F1':>6}",
    ]
    for subset in SUBSETS:
        for rule in RULES:
            c, s = total[(subset, rule, "content")], total[(subset, rule, "pair")]
            lines.append(
                f"{subset:<7} {rule:<8} {c.precision:>9.3f} {c.recall:>6.3f} {c.f1:>6.3f}   "
                f"{s.precision:>16.3f} {s.recall:>6.3f} {s.f1:>6.3f}"
            )
    return "\n".join(lines)


def quote_evaluation_to_json(evaluation: QuoteEvaluation) -> dict[str, Any]:
    """Every score of the run, per document too, as plain JSON values."""
    def scores(table: Table) -> dict[str, dict[str, float | int]]:
        return {
            "/".join(key): {
                "precision": c.precision, "recall": c.recall, "f1": c.f1,
                "predicted": c.predicted, "gold": c.gold,
            }
            for key, c in sorted(table.items())
        }

    return {
        "corpus": evaluation.corpus,
        "documents": len(evaluation.doc_ids),
        "min_iou": MIN_IOU,
        "seconds": round(evaluation.seconds, 3),
        "total": scores(evaluation.total()),
        "per_doc": [{"doc_id": doc_id, "scores": scores(table)}
                    for doc_id, table in zip(evaluation.doc_ids, evaluation.per_doc, strict=True)],
    }
