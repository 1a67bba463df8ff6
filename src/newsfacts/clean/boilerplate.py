"""Boilerplate removal: line rules kept as data, then the trained line classifier."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import numpy as np

from newsfacts.clean.classifier import content_probabilities
from newsfacts.clean.headline import find_headline
from newsfacts.clean.line_features import (
    CUE_GROUPS,
    STATISTICS_CUE_COLUMNS,
    TOKEN,
    cue_shares,
    page_statistics,
)
from newsfacts.records import BoilerplateLine, BoilerplateReason


@dataclass(frozen=True, slots=True)
class LineRule:
    """A compiled boilerplate rule: a whole-line pattern, a length cap and a reason."""

    rule_id: str
    reason: BoilerplateReason
    max_chars: int
    pattern: re.Pattern[str]
    example: str


@cache
def load_line_rules() -> tuple[LineRule, ...]:
    """The boilerplate line rules shipped with the package, compiled once."""
    data = json.loads(
        resources.files("newsfacts.rules").joinpath("boilerplate.json").read_text("utf-8")
    )
    return tuple(
        LineRule(
            rule_id=r["id"],
            reason=r["reason"],
            max_chars=int(r["max_chars"]),
            pattern=re.compile(r["pattern"], re.IGNORECASE),
            example=r["example"],
        )
        for r in data["rules"]
    )


def rules_version() -> str:
    """Version of the boilerplate rule set, recorded with each run."""
    data = json.loads(
        resources.files("newsfacts.rules").joinpath("boilerplate.json").read_text("utf-8")
    )
    return str(data["version"])


def match_line(line: str, rules: tuple[LineRule, ...]) -> LineRule | None:
    """The first rule that matches the whole (stripped) line, if any."""
    stripped = line.strip()
    if not stripped:
        return None
    for rule in rules:
        if len(stripped) <= rule.max_chars and rule.pattern.fullmatch(stripped):
            return rule
    return None


@lru_cache(maxsize=1 << 16)  # each cleaning round, and the audit rows, ask again per line
def match_shipped_rule(line: str) -> LineRule | None:
    """`match_line` with the shipped rules, cached by line (hashing the rules costs more)."""
    return match_line(line, load_line_rules())


CLASSIFIER_RULE_ID = "line_classifier"


@dataclass(frozen=True, slots=True)
class Threshold:
    """Probability cut-offs of the classifier: sure body lines, and their body neighbours."""

    high: float
    low: float


# Tuned on the dev corpora (docs/cleaning.md): scraped page text, and text that an HTML
# extractor (trafilatura) has already cut to the article, where only clear junk should go.
TEXT_THRESHOLD = Threshold(high=0.8, low=0.6)
HTML_THRESHOLD = Threshold(high=0.1, low=0.1)
# Cue group (rules/line_cues.json) -> reason code of a line the classifier removed.
CUE_REASONS: dict[str, BoilerplateReason] = {
    "share": "share", "navigation": "navigation", "related": "related",
    "comments": "comments", "legal": "legal", "byline": "byline",
    "advertisement": "advertisement", "media": "other",
}


@lru_cache(maxsize=1 << 16)
def name_removal_reason(line: str) -> BoilerplateReason:
    """The reason for a line the classifier removed: its dominant cue group, else `other`."""
    lowered = [t.lower() for t in TOKEN.findall(line)]
    shares = dict(zip(CUE_GROUPS, cue_shares(lowered), strict=True))
    group = max(CUE_GROUPS, key=lambda g: shares[g])
    return CUE_REASONS[group] if shares[group] > 0 else "other"


def grow_kept(candidates: list[int], probabilities: np.ndarray, threshold: Threshold) -> set[int]:
    """Hysteresis: keep sure lines (p >= high), then their neighbours with p >= low, repeatedly.

    A lead paragraph or a standfirst next to the body is kept on weaker evidence than a line
    standing alone between menus. Neighbours are the adjacent candidate lines.
    """
    kept = {i for i in candidates if probabilities[i] >= threshold.high}
    frontier = list(kept)
    position = {line: k for k, line in enumerate(candidates)}
    while frontier:
        k = position[frontier.pop()]
        for neighbour in candidates[max(k - 1, 0): k + 2]:
            if neighbour not in kept and probabilities[neighbour] >= threshold.low:
                kept.add(neighbour)
                frontier.append(neighbour)
    return kept


def classify_round(
    lines: list[str], threshold: Threshold | None, statistics: np.ndarray | None = None
) -> list[bool]:
    """One round over non-blank lines: rules, then the classifier, then restore the headline.

    The headline is the one clean/headline.py finds (the same call decides the title), kept
    so that the next round sees it beside the body. `statistics`: the lines'
    `page_statistics`, if the caller has them.
    """
    kept = [match_shipped_rule(line) is None for line in lines]
    if threshold is not None:
        probabilities = content_probabilities(
            [ln if k else "" for ln, k in zip(lines, kept, strict=True)], statistics)
        candidates = [i for i, k in enumerate(kept) if k]
        sure = grow_kept(candidates, probabilities, threshold)
        kept = [i in sure for i in range(len(lines))]
        title = find_headline(lines, kept)
        if title is not None:
            kept[title] = True
    return kept


def remove_boilerplate(
    article_id: str, text: str, threshold: Threshold | None = TEXT_THRESHOLD
) -> tuple[str, tuple[BoilerplateLine, ...]]:
    """Drop boilerplate lines; return the kept text and the removed lines (1-based numbers).

    Rounds repeat until nothing more is removed, so cleaning a cleaned text changes nothing
    (each round keeps a subset of the lines it is given, so this ends). Each kept line
    becomes a paragraph. With `threshold` None only the line rules apply.
    """
    all_lines = text.split("\n")
    alive = [i for i, line in enumerate(all_lines) if line.strip()]
    # a line's own statistics do not change between rounds: computed once for the page
    statistics = (page_statistics([all_lines[i].strip() for i in alive])
                  if threshold is not None else None)
    row = {line_index: r for r, line_index in enumerate(alive)}
    while alive:
        kept = classify_round([all_lines[i] for i in alive], threshold,
                              None if statistics is None else statistics[[row[i] for i in alive]])
        survivors = [i for i, k in zip(alive, kept, strict=True) if k]
        if len(survivors) == len(alive):
            break
        alive = survivors
    alive_set = set(alive)
    gone = [i for i in row if i not in alive_set]
    reasons = (dominant_cue_reasons(statistics[[row[i] for i in gone]])
               if statistics is not None else [None] * len(gone))
    removed = tuple(removal_record(article_id, i + 1, all_lines[i], reason)
                    for i, reason in zip(gone, reasons, strict=True))
    return join_paragraphs([all_lines[i] for i in alive]), removed


def dominant_cue_reasons(statistics: np.ndarray) -> list[BoilerplateReason]:
    """`name_removal_reason` of each line, from its `page_statistics` row (its cue shares)."""
    shares = statistics[:, STATISTICS_CUE_COLUMNS]
    best = shares.argmax(axis=1)  # the first of equal shares, as max() over CUE_GROUPS
    top = shares[np.arange(len(shares)), best]
    return [CUE_REASONS[CUE_GROUPS[g]] if share > 0 else "other"
            for g, share in zip(best.tolist(), top.tolist(), strict=True)]


def removal_record(
    article_id: str, line_no: int, line: str, reason: BoilerplateReason | None = None
) -> BoilerplateLine:
    """The audit row for a removed line: the rule that matched, or the classifier's reason
    (`reason` when the caller has it from `dominant_cue_reasons`)."""
    rule = match_shipped_rule(line)
    if rule is not None:
        return BoilerplateLine(article_id, line_no, line, rule.reason, rule.rule_id)
    return BoilerplateLine(article_id, line_no, line, reason or name_removal_reason(line),
                           CLASSIFIER_RULE_ID)


def join_paragraphs(lines: list[str]) -> str:
    """Kept lines as paragraphs, one blank line between them.

    Scraped text has one block per line (with or without blank lines between), so each line
    is a paragraph. Hard-wrapped text would come out one paragraph per line: not handled yet.
    """
    return "\n\n".join(line.strip() for line in lines)
