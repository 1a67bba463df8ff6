"""Score entity mentions against a gold corpus (`<id>.txt` + `<id>.gold.json`, e.g. gum-news).

Predictions are the `mentions` the pipeline would publish (`extract.entities` over the NLP
adapter), typed for scoring as PERSON, ORG or LOC (GPE and LOC); NORP mentions
("Venezuelan") are not names of a person, organisation or place and are not scored.

Matching, one-to-one and per type, counted over the whole corpus (micro-averaged):
- **lenient**: a prediction matches a gold mention of the same type whose span it overlaps
  (gold span conventions differ from NER ones: "U.S. President Donald Trump" in the gold is
  "Donald Trump" for the model); pairs are taken greatest overlap first;
- **exact**: the same, but boundaries must be identical.
A prediction that matches nothing is not a false positive when it equals one of the gold's
`other_mentions` exactly (a nested or wider name the source also marked) or overlaps an
`ignore` span (a name-like span the gold could not judge), as the corpus README prescribes.
Only predictions inside the gold's `eval_region` count.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsfacts.evaluate.prf import f1_of
from newsfacts.extract.entities import extract_entities
from newsfacts.extract.nlp import parse_texts

SCORED_TYPES = ("PERSON", "ORG", "LOC")
SCORED_TYPE_OF = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC"}


@dataclass(frozen=True, slots=True)
class Labelled:
    """A typed span: start, end (exclusive) and type."""

    start: int
    end: int
    type: str


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """The gold mentions of one document and what must not count against a prediction."""

    doc_id: str
    text: str
    mentions: tuple[Labelled, ...]
    neutral_exact: frozenset[tuple[int, int]]
    ignore: tuple[Labelled, ...]
    region: tuple[int, int]


@dataclass(frozen=True, slots=True)
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        return f1_of(self.precision, self.recall)


@dataclass(frozen=True, slots=True)
class EntityEvaluation:
    """Scores per type and overall, lenient and exact, for one corpus."""

    corpus: str
    documents: int
    lenient: dict[str, Counts]
    exact: dict[str, Counts]
    seconds: float


def read_gold(path: Path) -> GoldDocument:
    """One gold document from `<id>.gold.json` and its `<id>.txt`."""
    doc_id = path.name.removesuffix(".gold.json")
    data = json.loads(path.read_text("utf-8"))
    text = path.with_name(f"{doc_id}.txt").read_text("utf-8")
    region = data.get("eval_region") or {"start": 0, "end": len(text)}
    return GoldDocument(
        doc_id=doc_id,
        text=text,
        mentions=tuple(Labelled(m["start"], m["end"], m["type"]) for m in data["mentions"]
                       if m["type"] in SCORED_TYPES),
        neutral_exact=frozenset((m["start"], m["end"]) for m in data.get("other_mentions", [])),
        ignore=tuple(Labelled(m["start"], m["end"], m.get("type", "")) for m in
                     data.get("ignore", [])),
        region=(region["start"], region["end"]),
    )


def read_corpus(corpus: Path) -> list[GoldDocument]:
    """Every gold document of a corpus folder, in id order."""
    return [read_gold(path) for path in sorted(corpus.glob("*.gold.json"))]


def overlap(a: Labelled, b: Labelled) -> int:
    """Characters two spans share."""
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def match_pairs(
    predicted: Sequence[Labelled], gold: Sequence[Labelled], exact: bool
) -> set[tuple[int, int]]:
    """One-to-one (prediction, gold) index pairs of the same type, greatest overlap first."""
    candidates = sorted(
        ((overlap(p, g), i, j) for i, p in enumerate(predicted) for j, g in enumerate(gold)
         if p.type == g.type and overlap(p, g) > 0
         and (not exact or (p.start, p.end) == (g.start, g.end))),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = set()
    for _, i, j in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.add((i, j))
    return pairs


def score_document(
    predicted: Sequence[Labelled], gold: GoldDocument, exact: bool
) -> dict[str, Counts]:
    """Counts per type for one document."""
    lo, hi = gold.region
    predicted = [p for p in predicted if lo <= p.start and p.end <= hi]
    pairs = match_pairs(predicted, gold.mentions, exact)
    matched_p = {i for i, _ in pairs}
    matched_g = {j for _, j in pairs}
    counts = {t: Counts() for t in SCORED_TYPES}
    for i, p in enumerate(predicted):
        if i in matched_p:
            counts[p.type] += Counts(tp=1)
        elif not is_neutral(p, gold):
            counts[p.type] += Counts(fp=1)
    for j, g in enumerate(gold.mentions):
        if j not in matched_g:
            counts[g.type] += Counts(fn=1)
    return counts


def is_neutral(prediction: Labelled, gold: GoldDocument) -> bool:
    """An unmatched prediction the gold cannot judge (see the module docstring)."""
    if (prediction.start, prediction.end) in gold.neutral_exact:
        return True
    return any(overlap(prediction, span) > 0 for span in gold.ignore)


def predict(texts: Iterable[str]) -> list[list[Labelled]]:
    """The scored mentions the pipeline finds in each text."""
    out = []
    for index, parsed in enumerate(parse_texts(texts)):
        mentions, _ = extract_entities(f"a{index:016x}", parsed)
        out.append([Labelled(m.start_char, m.end_char, SCORED_TYPE_OF[m.entity_type])
                    for m in mentions if m.entity_type in SCORED_TYPE_OF])
    return out


def evaluate_entity_corpus(corpus: Path) -> EntityEvaluation:
    """Score the entity extractor on every document of a corpus folder."""
    documents = read_corpus(corpus)
    started = time.perf_counter()
    predictions = predict(d.text for d in documents)
    seconds = time.perf_counter() - started
    lenient = {t: Counts() for t in SCORED_TYPES}
    exact = {t: Counts() for t in SCORED_TYPES}
    for document, predicted in zip(documents, predictions, strict=True):
        for totals, is_exact in ((lenient, False), (exact, True)):
            for kind, counts in score_document(predicted, document, is_exact).items():
                totals[kind] += counts
    return EntityEvaluation(corpus.name, len(documents), lenient, exact, seconds)


def overall(by_type: dict[str, Counts]) -> Counts:
    """Counts summed over types (micro average)."""
    total = Counts()
    for counts in by_type.values():
        total += counts
    return total
