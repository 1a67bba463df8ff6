"""Boilerplate removal by line rules kept as data in `rules/boilerplate.json`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

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


def remove_boilerplate(
    article_id: str, text: str, rules: tuple[LineRule, ...] | None = None
) -> tuple[str, tuple[BoilerplateLine, ...]]:
    """Drop boilerplate lines; return the kept text and the removed lines (1-based numbers).

    Blank lines are kept as paragraph breaks, and runs of them are collapsed to one.
    """
    rules = load_line_rules() if rules is None else rules
    kept: list[str] = []
    removed: list[BoilerplateLine] = []
    for line_no, line in enumerate(text.split("\n"), start=1):
        rule = match_line(line, rules)
        if rule is None:
            kept.append(line)
        else:
            removed.append(BoilerplateLine(article_id, line_no, line, rule.reason, rule.rule_id))
    return collapse_blank_lines("\n".join(kept)), tuple(removed)


BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def collapse_blank_lines(text: str) -> str:
    """One blank line between paragraphs, none at either end."""
    return BLANK_RUNS.sub("\n\n", text).strip()
