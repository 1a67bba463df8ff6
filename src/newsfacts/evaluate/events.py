"""Score event extraction on a PLOVER gold-standard set (one sentence per JSON record).

Each distinct sentence is parsed alone, then run through `extract_entities` and
`extract_events` exactly as the pipeline does (entity countries and sectors from the
sentence's own entity facts). A sentence's gold records (a few sentences carry two) are
scored against the set of its predicted events:

- **type accuracy**, per gold record: correct when some predicted event of the sentence has
  the gold PLOVER type. A sentence with no predicted event is wrong for all its records.
- Each gold record is then paired with one predicted event: an unused one of the same type
  (highest confidence first), else any of the same type, else the most confident event.
- **source / target country accuracy**, per gold record, on that pair: the gold ISO alpha-3
  lists (non-state actors left out, empty = none) against the event's actor1 / actor2
  alpha-2 countries mapped with pycountry, compared as sets (an empty gold list wants an
  empty prediction). For a symmetric gold record ("X and Y agreed", both coded SRC/TAR) both
  scores compare the union of source and target countries on each side.
- **precision** (reported beside, not a target): predicted events whose type is the type of
  one of their sentence's gold records, over all predicted events; the type accuracy alone
  would reward predicting many events per sentence.
The confusion lists (gold type, paired predicted type or NONE) for the most frequent types.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

from newsfacts.extract.entities import extract_entities
from newsfacts.extract.events import extract_events
from newsfacts.extract.nlp import parse_texts
from newsfacts.records import EventMatch

NONE = "NONE"


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """One gold record: type, source and target alpha-3 lists, symmetric flag."""

    record_id: str
    event_type: str
    source: frozenset[str]
    target: frozenset[str]
    symmetric: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one gold record was scored."""

    gold: GoldEvent
    text: str
    type_correct: bool
    predicted: EventMatch | None
    source_correct: bool
    target_correct: bool


@dataclass(frozen=True, slots=True)
class EventEvaluation:
    """Every record's outcome and the predictions per sentence."""

    corpus: str
    outcomes: tuple[Outcome, ...]
    predicted_total: int
    predicted_matching: int
    sentences: int
    seconds: float

    def accuracy(self, field: str) -> float:
        values = [getattr(o, field) for o in self.outcomes]
        return sum(values) / len(values) if values else 0.0

    @property
    def precision(self) -> float:
        return self.predicted_matching / self.predicted_total if self.predicted_total else 0.0

    def confusion(self) -> Counter[tuple[str, str]]:
        return Counter((o.gold.event_type, o.predicted.event_type if o.predicted else NONE)
                       for o in self.outcomes)


@cache
def alpha3(alpha2: str) -> str:
    """ISO alpha-3 of an alpha-2 code (the code itself when pycountry does not know it)."""
    country = pycountry.countries.get(alpha_2=alpha2)
    return country.alpha_3 if country else alpha2


def load_gold(path: Path) -> dict[str, list[GoldEvent]]:
    """Sentence text -> its gold records, in file order."""
    by_text: dict[str, list[GoldEvent]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        raw: dict[str, Any] = json.loads(line)
        by_text.setdefault(raw["text"], []).append(GoldEvent(
            raw["id"], raw["event_type"], frozenset(raw["source_country"]),
            frozenset(raw["target_country"]), bool(raw["symmetric"])))
    return by_text


def predict_events(texts: Iterable[str]) -> Iterable[tuple[EventMatch, ...]]:
    """The events of each text, from the same functions the pipeline runs."""
    for parsed in parse_texts(texts):
        mentions, facts = extract_entities("eval", parsed)
        countries = {f.entity_id: f.country for f in facts}
        sectors = {f.entity_id: f.sector for f in facts}
        yield extract_events(parsed, mentions, countries, sectors)


def pair_events(golds: Sequence[GoldEvent],
                events: Sequence[EventMatch]) -> list[EventMatch | None]:
    """The predicted event scored against each gold record (see the module docstring)."""
    ranked = sorted(events, key=lambda e: (-e.confidence, e.trigger_start))
    used: set[int] = set()
    pairs: list[EventMatch | None] = []
    for gold in golds:
        same = [e for e in ranked if e.event_type == gold.event_type]
        fresh = [e for e in same if id(e) not in used]
        chosen = (fresh or same or ranked or [None])[0]
        if chosen is not None:
            used.add(id(chosen))
        pairs.append(chosen)
    return pairs


def score_record(gold: GoldEvent, text: str, events: Sequence[EventMatch],
                 event: EventMatch | None) -> Outcome:
    """The outcome of one gold record given its sentence's events and its paired event."""
    if event is None:
        return Outcome(gold, text, False, None, False, False)
    source = frozenset(alpha3(c) for c in event.actor1_countries)
    target = frozenset(alpha3(c) for c in event.actor2_countries)
    if gold.symmetric:
        both = (gold.source | gold.target) == (source | target)
        source_ok = target_ok = both
    else:
        source_ok, target_ok = gold.source == source, gold.target == target
    type_ok = any(e.event_type == gold.event_type for e in events)
    return Outcome(gold, text, type_ok, event, source_ok, target_ok)


def evaluate_event_corpus(path: Path) -> EventEvaluation:
    """Parse, extract and score every sentence of a PLOVER-format JSONL file."""
    started = time.perf_counter()
    gold = load_gold(path)
    texts = list(gold)
    outcomes: list[Outcome] = []
    total = matching = 0
    for text, events in zip(texts, predict_events(texts), strict=True):
        golds = gold[text]
        total += len(events)
        matching += sum(1 for e in events if e.event_type in {g.event_type for g in golds})
        for record, event in zip(golds, pair_events(golds, events), strict=True):
            outcomes.append(score_record(record, text, events, event))
    return EventEvaluation(path.stem, tuple(outcomes), total, matching, len(texts),
                           time.perf_counter() - started)


def format_event_scores(evaluation: EventEvaluation, top: int = 10) -> str:
    """Accuracies, precision and the confusion of the most frequent gold types."""
    n = len(evaluation.outcomes)
    lines = [
        f"{'corpus':<12} {'records':>7} {'type':>6} {'source':>6} {'target':>6} "
        f"{'events':>6} {'precision':>9}",
        f"{evaluation.corpus:<12} {n:>7} {evaluation.accuracy('type_correct'):>6.3f} "
        f"{evaluation.accuracy('source_correct'):>6.3f} "
        f"{evaluation.accuracy('target_correct'):>6.3f} {evaluation.predicted_total:>6} "
        f"{evaluation.precision:>9.3f}",
        f"{evaluation.sentences} sentences, {evaluation.seconds:.1f} s",
        "",
        f"confusion (gold type -> paired predicted type), the {top} most frequent gold types:",
    ]
    gold_counts = Counter(o.gold.event_type for o in evaluation.outcomes)
    confusion = evaluation.confusion()
    for kind, count in sorted(gold_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        row = sorted(((p, c) for (g, p), c in confusion.items() if g == kind),
                     key=lambda pc: (-pc[1], pc[0]))
        cells = ", ".join(f"{p} {c}" for p, c in row)
        lines.append(f"  {kind:<11} {count:>3}: {cells}")
    return "\n".join(lines)


def format_event_misses(evaluation: EventEvaluation) -> str:
    """Every record with a wrong type or country: id, gold and predicted coding."""
    lines = ["misses (id: gold type src>tgt | predicted type src>tgt, trigger):"]
    for o in evaluation.outcomes:
        if o.type_correct and o.source_correct and o.target_correct:
            continue
        g, p = o.gold, o.predicted
        gold = f"{g.event_type} {sorted(g.source)}>{sorted(g.target)}"
        pred = (f"{p.event_type} {[alpha3(c) for c in p.actor1_countries]}>"
                f"{[alpha3(c) for c in p.actor2_countries]} '{p.trigger}'" if p else NONE)
        lines.append(f"  {g.record_id}: {gold} | {pred}")
    return "\n".join(lines)
