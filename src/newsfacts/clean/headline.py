"""The headline of a scraped page: the one place an article's title is decided.

On scraped pages the headline is rarely the first line: menus come first, the rendered
`<title>` ("Headline | Site") may open the page, and the `<h1>` is often repeated. We look
at the lines before the first body line the cleaner kept (and a few kept lines after it),
keep those that can be a headline, and rank them by evidence: the page title names them,
they are repeated, a byline or a date follows them, they are long, they are close.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from newsfacts.clean.line_features import (
    BYLINE,
    DATE_OR_TIME,
    IMAGE_PLACEHOLDER,
    TOKEN,
    cue_shares,
)

MAX_LOOKBACK = 40  # lines before the first body line: measured gaps on scraped pages reach ~30
MAX_LOOKAHEAD = 3  # kept lines after the first body line (a kept menu item or date first)
MAX_HEADLINE_CHARS = 300
MAX_SITE_WORDS = 6  # "| Site": a longer trailing segment is part of the headline
FOLLOWER_LINES = 4  # a byline or date this close under a line marks it as the headline
# Evidence weights. A line named by the page title outranks one merely repeated, which
# outranks one with a byline under it; length and distance only break ties between those.
PAGE_TITLE_BONUS = 3.0
REPEATED_BONUS = 1.5
FOLLOWED_BONUS = 1.0
LENGTH_WEIGHT = 2.0  # a 12-word line earns this much: headlines are longer than menu items
LENGTH_WORDS = 12
CUE_WEIGHT = 2.0  # times the largest share of boilerplate cue words (rules/line_cues.json)
# An <h1> repeated close by (title block, then article header) is a headline; menu items
# repeat too, but far apart (header and footer) and short.
REPEAT_DISTANCE = 15
MIN_REPEATED_WORDS = 4
SITE_SUFFIX = re.compile(r"\s+(?:\||-|–|—|·|::|»)\s+(?P<site>[^|–—·:»]+?)\s*$")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class NotHeadlineRule:
    """A pattern for lines that are never the headline (credits, captions, file names)."""

    rule_id: str
    pattern: re.Pattern[str]
    example: str


@cache
def not_headline_rules() -> tuple[NotHeadlineRule, ...]:
    """The rules of rules/headline.json, compiled once."""
    data = json.loads(
        resources.files("newsfacts.rules").joinpath("headline.json").read_text("utf-8")
    )
    return tuple(NotHeadlineRule(r["id"], re.compile(r["pattern"], re.IGNORECASE), r["example"])
                 for r in data["not_headline"])


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def line_key(line: str) -> str:
    """A line compared without case or spacing differences."""
    return SPACES.sub(" ", line).strip().casefold()


def is_headline_like(line: str) -> bool:
    """A line that could be a headline: 3-30 words, no final full stop, few cue words."""
    stripped = line.strip()
    tokens = TOKEN.findall(stripped)
    if not 3 <= len(tokens) <= 30 or stripped.endswith((".", ",", ":", ";")):
        return False
    return max(cue_shares([t.lower() for t in tokens])) < 0.34 and not BYLINE.match(stripped)


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def split_site_suffix(line: str) -> tuple[str, str] | None:
    """("Headline", "Site") of a page-title line "Headline | Site", else None."""
    match = SITE_SUFFIX.search(line.strip())
    if match is None or len(match.group("site").split()) > MAX_SITE_WORDS:
        return None
    headline = line.strip()[: match.start()].strip()
    return (headline, match.group("site").strip()) if TOKEN.search(headline) else None


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def is_headline_candidate(line: str) -> bool:
    """A line that can be a headline: headline-shaped, no date, no credit or caption.

    Context-free on purpose: cleaning a cleaned text must find the same headline again.
    """
    stripped = line.strip()
    if len(stripped) > MAX_HEADLINE_CHARS or IMAGE_PLACEHOLDER.match(stripped):
        return False
    if not is_headline_like(stripped) or DATE_OR_TIME.search(stripped):
        return False
    return not any(rule.pattern.search(stripped) for rule in not_headline_rules())


def page_title_keys(lines: list[str]) -> dict[str, int]:
    """Headline key -> line index, for every line shaped "Headline | Site"."""
    keys: dict[str, int] = {}
    for index, line in enumerate(lines):
        split = split_site_suffix(line)
        if split is not None:
            keys.setdefault(line_key(split[0]), index)
    return keys


@lru_cache(maxsize=1 << 16)
def is_byline_or_date(line: str) -> bool:
    """A byline, or a line with a date or time in it."""
    return bool(BYLINE.match(line.strip()) or DATE_OR_TIME.search(line))


def is_followed_by_byline_or_date(lines: list[str], index: int) -> bool:
    """Whether a byline or a date comes within a few lines under line `index`."""
    return any(map(is_byline_or_date, lines[index + 1: index + 1 + FOLLOWER_LINES]))


@lru_cache(maxsize=1 << 16)
def word_count(line: str) -> int:
    """Words (\\w+ tokens) in a line."""
    return len(TOKEN.findall(line))


@lru_cache(maxsize=1 << 16)
def line_shape_score(line: str) -> float:
    """The part of the headline score that depends on the line alone: long, few cue words."""
    tokens = [t.lower() for t in TOKEN.findall(line)]
    score = LENGTH_WEIGHT * min(len(tokens), LENGTH_WORDS) / LENGTH_WORDS
    score -= CUE_WEIGHT * max(cue_shares(tokens))
    return score


def is_repeated_nearby(lines: list[str], index: int) -> bool:
    """Whether a line of some length occurs again within REPEAT_DISTANCE lines of itself."""
    if word_count(lines[index]) < MIN_REPEATED_WORDS:
        return False
    key = line_key(lines[index])
    nearby = range(max(0, index - REPEAT_DISTANCE), min(len(lines), index + REPEAT_DISTANCE + 1))
    return any(i != index and line_key(lines[i]) == key for i in nearby)


def headline_score(lines: list[str], index: int, first: int, titled: dict[str, int]) -> float:
    """How much the page says line `index` is its headline (see the module docstring)."""
    score = line_shape_score(lines[index])
    score -= abs(first - index) / (2 * MAX_LOOKBACK)
    if line_key(lines[index]) in titled:
        score += PAGE_TITLE_BONUS
    if is_repeated_nearby(lines, index):
        score += REPEATED_BONUS
    if is_followed_by_byline_or_date(lines, index):
        score += FOLLOWED_BONUS
    return score


def find_headline(lines: list[str], kept: list[bool]) -> int | None:
    """Index of the headline among a page's lines, given which lines the cleaner kept.

    `first` is the first body line: the first kept line that cannot be a headline (a kept
    headline does not move it, so the answer is the same before and after the cleaner
    restores the headline). Candidates are the lines up to it (within MAX_LOOKBACK, or
    anywhere before it when the page title names them); only when none qualifies, the next
    MAX_LOOKAHEAD kept lines.
    """
    kept_lines = [i for i, k in enumerate(kept) if k]
    if not kept_lines:
        return None
    first = next((i for i in kept_lines if not is_headline_candidate(lines[i])), kept_lines[0])
    titled = page_title_keys(lines)
    before = {*range(max(0, first - MAX_LOOKBACK), first + 1),
              *(i for i in range(first) if line_key(lines[i]) in titled)}
    after = [i for i in range(first + 1, len(lines)) if kept[i]][:MAX_LOOKAHEAD]
    for group in (sorted(before), after):
        candidates = [i for i in group if is_headline_candidate(lines[i])]
        if candidates:
            return max(candidates,
                       key=lambda i: (headline_score(lines, i, first, titled), i))
    return None
