"""The headline of a scraped page: the one place an article's title is decided.

On scraped pages the headline is rarely the first line: menus come first, the rendered
`<title>` ("Headline | Site") may open the page, and the `<h1>` is often repeated. We look
at the lines before the first body line the cleaner kept (and a few kept lines after it),
keep those that can be a headline, and rank them by evidence (`headline_evidence`): the page
title names them, they are repeated before the body, a byline, an author name or a date
follows them (a "By ..." line counts again when no other candidate comes between), a longer
standfirst follows them, the lead defines them ("New Zealand (Maori: ..."), their words come
back in the body, they are long enough, they are close; and against: cue words of menus, a
line just under an image (a caption), a line just under another headline-shaped line (a
standfirst), a line under a "Related stories" heading or in a review's "Pros" / "Cons" list.
Weights and figures: docs/cleaning.md.

A two-word line ("New Zealand", "Hermitian matrix") is a headline only when the first body
lines name it; one longer than `LONG_WORDS` words is more often a standfirst or a caption.
A line of two sentences ("... i Linekera. Součka je snadné přehlédnout") is one only when the
body is about it and the page repeats it before the body, its title names it, or it opens a
cleaned text.
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
    stopwords,
)

MAX_LOOKBACK = 60  # lines before the first body line: measured gaps on scraped pages reach ~60
DISTANCE_SCALE = 80  # a candidate this many lines above the body loses one point
MAX_LOOKAHEAD = 3  # kept lines after the first body line (a kept menu item or date first)
MAX_HEADLINE_CHARS = 300
MAX_SITE_WORDS = 6  # "| Site": a longer trailing segment is part of the headline
FOLLOWER_LINES = 4  # a byline or date this close under a line (images not counted) marks it
# Evidence weights. A line named by the page title outranks one merely repeated, which
# outranks one with a byline under it; length and distance only break ties between those.
PAGE_TITLE_BONUS = 3.0
REPEATED_BONUS = 1.5
FOLLOWED_BONUS = 1.0
BYLINE_BONUS = 1.0  # a "By ..." line under it (before any other candidate), where rare
# A standfirst under it: the next line is longer prose, above the body start.
STANDFIRST_BELOW_BONUS = 0.25
STANDFIRST_MIN_WORDS = 8
# The first body line opens with it ("New Zealand (Maori: Aotearoa) is ..."): an encyclopedia
# lead names its subject, which is the page's title, however far above the headline is.
LEAD_BONUS = 2.0
# A line refused only by a waivable rule (two sentences) needs strong evidence, and the body
# must be about it: this share of its content words in the first body lines (a repeated
# "See a sample reprint in PDF format. Order a reprint of this article now" shares none).
WAIVED_BODY_SHARE = 0.5
DEFINITION = re.compile(r" \(| (?:is|was|are|were) (?:a|an|the|one)\b")
BODY_WORDS_WEIGHT = 1.5  # times the share of the line's content words found in the body
BODY_LINES = 20  # kept lines from the body start that make its vocabulary
MENTION_LINES = 3  # a two-word headline must be named in this many first body lines
LENGTH_WEIGHT = 2.0  # a 12-word line earns this much: headlines are longer than menu items
LENGTH_WORDS = 12
LONG_WORDS = 16  # past this a line is more often a standfirst or caption ...
LONG_PENALTY = 0.1  # ... and loses this much per extra word
CUE_WEIGHT = 2.0  # times the largest share of boilerplate cue words (rules/line_cues.json)
CAPTION_PENALTY = 0.3  # the line right under an image placeholder
# The line right under another headline-shaped line is a standfirst, unless that line is
# much shorter (a kicker: "Sur vos écrans cette semaine" over the headline).
STANDFIRST_PENALTY = 1.0
STANDFIRST_RATIO = 0.75
STANDFIRST_WORDS = 15
RELATED_PENALTY = 1.0  # a line a few lines under a "Related stories" heading
RELATED_WINDOW = 8
# A line in a review's list of pros and cons ("Cons", then "Expensive", "Still no VR support")
# is a verdict, never the headline, however close to the body the review puts it.
LIST_PENALTY = 2.0
LIST_WINDOW = 8
# A page that starts with its headline: first line, and nothing removed between it and the
# body. This is what a cleaned text looks like, so cleaning it again finds the same headline.
TOP_BONUS = 3.0
# An <h1> repeated close by (title block, then article header) is a headline; menu items
# repeat too, but far apart (header and footer) and short; a table of contents repeats its
# subheadings inside the body, so only a repeat before the body counts.
REPEAT_DISTANCE = 15
REPEAT_BODY_LINES = 2  # a repeat as the first body lines still counts (a kept <h1>)
MIN_REPEATED_WORDS = 4
SHORT_WORDS = 2
MAX_HEADER_WORDS = 8  # a kept date line or byline this short is header, not body
SITE_SUFFIX = re.compile(r"\s+(?:\||-|–|—|·|::|»)\s+(?P<site>[^|–—·:»]+?)\s*$")
SPACES = re.compile(r"\s+")
# "... Underneath N.Y.C." ends with an abbreviation, not a sentence.
FINAL_INITIALS = re.compile(r"(?:\b[A-Z]\.){2,}$")
# Dates and times that DATE_OR_TIME (line classifier features) does not cover: "04.05.2015",
# "11.03.17", "13h36", "30 avril 2015", "21.dez.2018".
MONTH_WORD = r"[^\W\d_]{3,10}\.?"
EXTRA_DATE = re.compile(
    r"\b(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2}h\d{2}|\d{1,2}(?:er|º)?[\s.]+"
    rf"(?:de\s+)?{MONTH_WORD}[\s.]+(?:de\s+)?\d{{4}})\b",
    re.IGNORECASE,
)
CONTENT_WORD_CHARS = 4
NAME_PARTICLES = frozenset({"de", "van", "von", "da", "del", "la"})


@dataclass(frozen=True, slots=True)
class NotHeadlineRule:
    """A pattern for lines that are never the headline (credits, captions, file names)."""

    rule_id: str
    pattern: re.Pattern[str]
    example: str


@cache
def headline_rules() -> dict:
    """rules/headline.json, parsed once."""
    return json.loads(
        resources.files("newsfacts.rules").joinpath("headline.json").read_text("utf-8"))


@cache
def not_headline_rules() -> tuple[NotHeadlineRule, ...]:
    """The never-a-headline rules of rules/headline.json, compiled once."""
    return tuple(NotHeadlineRule(r["id"], re.compile(r["pattern"], re.IGNORECASE), r["example"])
                 for r in headline_rules()["not_headline"])


@cache
def related_heading() -> re.Pattern[str]:
    """Headings over lists of other stories ("Related", "Sur le même sujet")."""
    return re.compile(headline_rules()["related_heading"], re.IGNORECASE)


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def line_key(line: str) -> str:
    """A line compared without case or spacing differences."""
    return SPACES.sub(" ", line).strip().casefold()


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def has_date(line: str) -> bool:
    """Whether a line gives a date or a time of day, in any of the forms we know."""
    return bool(DATE_OR_TIME.search(line) or EXTRA_DATE.search(line))


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def is_headline_shaped(line: str, min_words: int) -> bool:
    """min_words-30 words, mostly words not numbers, no final full stop, few cue words."""
    stripped = line.strip()
    tokens = TOKEN.findall(stripped)
    if not min_words <= len(tokens) <= 30:
        return False
    if stripped.endswith((",", ":", ";")) or (stripped.endswith(".")
                                               and not FINAL_INITIALS.search(stripped)):
        return False
    if 2 * sum(1 for t in tokens if not t.isalpha()) > len(tokens):
        return False
    return max(cue_shares([t.lower() for t in tokens])) < 0.34 and not BYLINE.match(stripped)


def is_headline_like(line: str) -> bool:
    """A line that could be a headline: 3-30 words, no final full stop, few cue words."""
    return is_headline_shaped(line, 3)


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def split_site_suffix(line: str) -> tuple[str, str] | None:
    """("Headline", "Site") of a page-title line "Headline | Site", else None."""
    match = SITE_SUFFIX.search(line.strip())
    if match is None or len(match.group("site").split()) > MAX_SITE_WORDS:
        return None
    headline = line.strip()[: match.start()].strip()
    return (headline, match.group("site").strip()) if TOKEN.search(headline) else None


def passes_rules(stripped: str, waived: frozenset[str] = frozenset()) -> bool:
    """Not too long, no image, no date and no rule of rules/headline.json (but the `waived`
    ones) says otherwise."""
    if len(stripped) > MAX_HEADLINE_CHARS or IMAGE_PLACEHOLDER.match(stripped):
        return False
    if has_date(stripped):
        return False
    return not any(rule.pattern.search(stripped) for rule in not_headline_rules()
                   if rule.rule_id not in waived)


@cache
def waivable_rules() -> frozenset[str]:
    """The not_headline rules a line may break and still be the headline on strong evidence."""
    return frozenset(headline_rules()["waivable"])


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def is_headline_candidate(line: str) -> bool:
    """A line that can be a headline: headline-shaped, no date, no credit or caption.

    Context-free on purpose: cleaning a cleaned text must find the same headline again.
    """
    stripped = line.strip()
    return is_headline_like(stripped) and passes_rules(stripped)


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def is_short_candidate(line: str) -> bool:
    """A two-word line shaped like a headline ("New Zealand"): one only when the body names it."""
    stripped = line.strip()
    return (len(TOKEN.findall(stripped)) == SHORT_WORDS and is_headline_shaped(stripped, 2)
            and passes_rules(stripped))


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def is_waived_candidate(line: str) -> bool:
    """A headline-shaped line refused only by a waivable rule of rules/headline.json (two
    sentences: "West Ham hrozí gigantům, okouzlil i Linekera. Součka je snadné přehlédnout"):
    a headline only on strong evidence (`is_candidate`)."""
    stripped = line.strip()
    return (not is_headline_candidate(stripped) and is_headline_like(stripped)
            and passes_rules(stripped, waivable_rules()))


def page_title_keys(lines: list[str]) -> dict[str, int]:
    """Headline key -> line index, for every line shaped "Headline | Site"."""
    keys: dict[str, int] = {}
    for index, line in enumerate(lines):
        split = split_site_suffix(line)
        if split is not None:
            keys.setdefault(line_key(split[0]), index)
    return keys


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def content_words(line: str) -> frozenset[str]:
    """The words of a line that carry meaning: long enough and not function words."""
    words = stopwords()
    return frozenset(t for t in (w.casefold() for w in TOKEN.findall(line))
            if len(t) >= CONTENT_WORD_CHARS and t not in words and not t.isdigit())


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def is_name_line(line: str) -> bool:
    """An author line without "By": 2-4 capitalised words or initials ("(R.J.)"), maybe
    ", @handle" after."""
    text = re.sub(r"\s*,?\s*@\w+$", "", line.strip())
    words = text.split()
    return (2 <= len(words) <= 4 and all(is_name_word(w) for w in words)
            and max(cue_shares([w.lower() for w in words])) == 0)


def is_name_word(word: str) -> bool:
    """A capitalised word, initials ("R.J.", "(R.J.)") or a particle ("de", "van")."""
    core = word.strip("().").replace(".", "")
    return (core[:1].isupper() and core.isalpha()) or word in NAME_PARTICLES


@dataclass(frozen=True, slots=True)
class Page:
    """What the scorer needs to know about a page's lines, computed once."""

    lines: list[str]
    kept: list[bool]
    first: int
    titled: dict[str, int]
    body_words: frozenset[str]
    body_head: str  # the first body lines, case-folded, spaces normalised
    lead: str  # the first body line, case-folded, spaces normalised
    scanned: frozenset[int]  # the candidates above the body, looked at once for the shares
    followed: frozenset[int]  # ... those with a byline, a name or a date under them
    bylined: frozenset[int]  # ... those with a "By ..." byline under them
    followed_share: float  # of the candidates above the body, the share in `followed`
    byline_share: float  # ... and in `bylined`


def prior_line(lines: list[str], index: int) -> int | None:
    """The line above `index`, or None at the top."""
    return index - 1 if index > 0 else None


@lru_cache(maxsize=1 << 16)
def is_image(line: str) -> bool:
    """An image placeholder line ("images_3")."""
    return IMAGE_PLACEHOLDER.match(line.strip()) is not None


def following_lines(lines: list[str], index: int, to_candidate: bool = False) -> list[str]:
    """The FOLLOWER_LINES lines under `index`, image placeholders skipped; with
    `to_candidate`, only up to the next headline candidate."""
    below: list[str] = []
    for line in lines[index + 1:]:
        if is_image(line):
            continue
        if to_candidate and is_headline_candidate(line):
            break
        below.append(line.strip())
        if len(below) == FOLLOWER_LINES:
            break
    return below


@lru_cache(maxsize=1 << 16)
def is_byline_or_date(line: str) -> bool:
    """A byline, or a line with a date or a time in it."""
    return bool(BYLINE.match(line.strip()) or has_date(line))


def is_followed_by_byline_or_date(lines: list[str], index: int) -> bool:
    """Whether a byline, an author's name or a date comes a few lines under line `index`."""
    return any(BYLINE.match(line) or has_date(line) or is_name_line(line)
               for line in following_lines(lines, index))


def is_followed_by_byline(lines: list[str], index: int) -> bool:
    """Whether a "By ..." byline comes a few lines under line `index`, before any other
    candidate (the byline under a kicker and its headline is the headline's)."""
    return any(BYLINE.match(line) for line in following_lines(lines, index, to_candidate=True))


def has_standfirst_below(page: Page, index: int) -> bool:
    """Whether the next line (images skipped) is longer prose that is not the body start."""
    for below in range(index + 1, page.first):
        line = page.lines[below].strip()
        if is_image(line):
            continue
        words = word_count(line)
        return (words >= STANDFIRST_MIN_WORDS and words > word_count(page.lines[index])
                and not is_byline_or_date(line))
    return False


@lru_cache(maxsize=1 << 16)
def word_count(line: str) -> int:
    """Words (\\w+ tokens) in a line."""
    return len(TOKEN.findall(line))


def is_repeated_nearby(page: Page, index: int) -> bool:
    """Whether a line of some length occurs again close by, above the body."""
    lines = page.lines
    if len(TOKEN.findall(lines[index])) < MIN_REPEATED_WORDS:
        return False
    key = line_key(lines[index])
    nearby = range(max(0, index - REPEAT_DISTANCE),
                   min(len(lines), page.first + REPEAT_BODY_LINES + 1,
                       index + REPEAT_DISTANCE + 1))
    return any(i != index and line_key(lines[i]) == key for i in nearby)


@cache
def list_heading() -> re.Pattern[str]:
    """Headings over a review's lists of pros, cons or specs ("Pros", "Cons", "Key specs")."""
    return re.compile(headline_rules()["list_heading"], re.IGNORECASE)


def under_list_heading(lines: list[str], index: int) -> bool:
    """Whether a "Pros" or "Cons" heading is a few lines above line `index`."""
    pattern = list_heading()
    return any(pattern.match(lines[i].strip())
               for i in range(max(0, index - LIST_WINDOW), index))


def under_related_heading(lines: list[str], index: int) -> bool:
    """Whether a "Related stories" heading is a few lines above line `index`."""
    pattern = related_heading()
    return any(pattern.match(lines[i].strip())
               for i in range(max(0, index - RELATED_WINDOW), index))


def is_named_in_body(page: Page, index: int) -> bool:
    """Whether the first body lines contain line `index` as words ("New Zealand (Maori ...").

    A line at or under the body start is left out of those lines: it does not name itself
    (otherwise a short line after the body would be the headline on the page, and not on
    the cleaned text, where it comes first)."""
    head = page.body_head if index < page.first else body_head(
        [page.lines[i] for i in range(page.first, len(page.lines))
         if page.kept[i] and i != index])
    key = line_key(page.lines[index])
    start = head.find(key)
    while start >= 0:
        end = start + len(key)
        if not (start and is_word_char(head[start - 1])) and not (
                end < len(head) and is_word_char(head[end])):
            return True
        start = head.find(key, start + 1)
    return False


def body_head(body: list[str]) -> str:
    """The first MENTION_LINES body lines, case-folded, spaces normalised, in one string."""
    return " ".join(line_key(line) for line in body[:MENTION_LINES])


def is_word_char(char: str) -> bool:
    """A character \\w matches."""
    return char.isalnum() or char == "_"


def opens_lead(page: Page, line: str) -> bool:
    """Whether the first body line defines the line's words: "X (...", "X is a ..."
    (a name that merely opens a news lead, "Mass Effect Trilogy pushed ...", is not enough)."""
    key = line_key(line)
    return page.lead.startswith(key) and DEFINITION.match(page.lead, len(key)) is not None


def headline_evidence(page: Page, index: int) -> dict[str, float]:
    """The evidence for and against line `index` being the headline, term by term."""
    lines = page.lines
    line = lines[index]
    tokens = [t.lower() for t in TOKEN.findall(line)]
    evidence = {
        "length": LENGTH_WEIGHT * min(len(tokens), LENGTH_WORDS) / LENGTH_WORDS
        - LONG_PENALTY * max(0, len(tokens) - LONG_WORDS),
        "cues": -CUE_WEIGHT * max(cue_shares(tokens)),
        "distance": -abs(page.first - index) / DISTANCE_SCALE,
    }
    if content_words(line):
        evidence["body_words"] = BODY_WORDS_WEIGHT * body_word_share(page, line)
    if line_key(line) in page.titled:
        evidence["page_title"] = PAGE_TITLE_BONUS
    if opens_lead(page, line):
        evidence["lead"] = LEAD_BONUS
    if is_repeated_nearby(page, index):
        evidence["repeated"] = REPEATED_BONUS
    if (index in page.followed if index in page.scanned
            else is_followed_by_byline_or_date(lines, index)):
        # Under every teaser of a list of stories is a date: evidence only where it is rare.
        evidence["followed"] = FOLLOWED_BONUS * (1.0 - page.followed_share)
    if (index in page.bylined if index in page.scanned
            else is_followed_by_byline(lines, index)):
        evidence["byline"] = BYLINE_BONUS * (1.0 - page.byline_share)
    if has_standfirst_below(page, index):
        evidence["standfirst_below"] = STANDFIRST_BELOW_BONUS
    above = prior_line(lines, index)
    if above is not None and is_image(lines[above]):
        evidence["caption"] = -CAPTION_PENALTY
    if above is not None and is_headline_candidate(lines[above]) and not any(
            cue_shares([t.lower() for t in TOKEN.findall(lines[above])])) and (
            len(TOKEN.findall(lines[above])) >= STANDFIRST_RATIO * len(tokens)
            or len(tokens) >= STANDFIRST_WORDS):
        evidence["standfirst"] = -STANDFIRST_PENALTY
    if under_related_heading(lines, index):
        evidence["related"] = -RELATED_PENALTY
    if under_list_heading(lines, index):
        evidence["pros_cons"] = -LIST_PENALTY
    if opens_clean_page(page, index) and (is_headline_candidate(line)
                                          or is_waived_candidate(line)):
        evidence["top"] = TOP_BONUS
    return evidence


def opens_clean_page(page: Page, index: int) -> bool:
    """Whether line `index` is the first line and every line from it to the body is kept:
    a cleaned text, whose headline comes first."""
    return index == 0 and all(page.kept[1: page.first + 1])


def is_candidate(page: Page, index: int) -> bool:
    """A line that can be this page's headline: a headline candidate; a two-word line the
    first body lines name; a line refused only by a waivable rule (two sentences) that the
    body is about and that is repeated before the body, named by the page title or opens a
    cleaned text."""
    line = page.lines[index]
    if is_headline_candidate(line):
        return True
    if is_short_candidate(line):
        return is_named_in_body(page, index)
    return is_waived_candidate(line) and about_body_share(page, index) >= WAIVED_BODY_SHARE and (
        opens_clean_page(page, index) or is_repeated_nearby(page, index)
        or line_key(line) in page.titled)


def about_body_share(page: Page, index: int) -> float:
    """`body_word_share` of line `index`, the line itself left out of the body: a two-sentence
    line opening the body (a headline kept in an earlier round) is not about itself."""
    if index != page.first:
        return body_word_share(page, page.lines[index])
    words = content_words(page.lines[index])
    body = [page.lines[i] for i in range(index + 1, len(page.lines)) if page.kept[i]]
    vocabulary = frozenset().union(*(content_words(line) for line in body[:BODY_LINES]))
    return len(words & vocabulary) / len(words) if words else 0.0


def body_word_share(page: Page, line: str) -> float:
    """The share of the line's content words that come back in the first body lines."""
    words = content_words(line)
    return len(words & page.body_words) / len(words) if words else 0.0


def headline_score(page: Page, index: int) -> float:
    """How much the page says line `index` is its headline (see the module docstring)."""
    return sum(headline_evidence(page, index).values())


@lru_cache(maxsize=1 << 16)  # asked again for the same lines in every round
def is_header_line(line: str) -> bool:
    """A short line of the article header, not of its body: a date line or a byline."""
    stripped = line.strip()
    return len(TOKEN.findall(stripped)) <= MAX_HEADER_WORDS and (
        has_date(stripped) or bool(BYLINE.match(stripped)))


def body_start(lines: list[str], kept_lines: list[int], titled: dict[str, int]) -> int:
    """The first kept line that can be neither a headline (of any length) nor its header.

    A two-sentence line counts as body, unless it repeats a line just above or the page
    title names it: then it may be the headline, kept by an earlier round."""
    return next((i for i in kept_lines
                 if not is_headline_candidate(lines[i]) and not is_short_candidate(lines[i])
                 and not is_header_line(lines[i])
                 and not (is_waived_candidate(lines[i]) and (
                     is_repeated_above(lines, i) or line_key(lines[i]) in titled))),
                kept_lines[0])


def is_repeated_above(lines: list[str], index: int) -> bool:
    """Whether a line of some length occurs a few lines above itself."""
    key = line_key(lines[index])
    return word_count(lines[index]) >= MIN_REPEATED_WORDS and any(
        line_key(lines[i]) == key for i in range(max(0, index - REPEAT_DISTANCE), index))


def make_page(lines: list[str], kept: list[bool], first: int,
              titled: dict[str, int] | None = None) -> Page:
    """The page as the scorer sees it (see `Page`); `titled`: `page_title_keys(lines)`."""
    titled = page_title_keys(lines) if titled is None else titled
    body = [lines[i] for i in range(first, len(lines)) if kept[i]][:BODY_LINES]
    words: set[str] = set()
    for line in body:
        words |= content_words(line)
    head = body_head(body)
    above = [i for i in range(max(0, first - MAX_LOOKBACK), first)
             if is_headline_candidate(lines[i])]
    followed = frozenset(i for i in above if is_followed_by_byline_or_date(lines, i))
    bylined = frozenset(i for i in above if is_followed_by_byline(lines, i))
    count = max(len(above), 1)
    return Page(lines, kept, first, titled, frozenset(words), head,
                line_key(lines[first]), frozenset(above), followed, bylined,
                len(followed) / count, len(bylined) / count)


def find_headline(lines: list[str], kept: list[bool]) -> int | None:
    """Index of the headline among a page's lines, given which lines the cleaner kept.

    `first` is the first body line: the first kept line that cannot be a headline (a kept
    headline does not move it, so the answer is the same before and after the cleaner
    restores the headline). Candidates are the lines up to it (within MAX_LOOKBACK, or
    anywhere before it when the cleaner kept them, as an earlier round's headline, or the
    page title names them), two-word lines only when the first body lines name them,
    two-sentence lines only on strong evidence (`is_candidate`); only when none qualifies,
    the next MAX_LOOKAHEAD kept lines.
    """
    kept_lines = [i for i, k in enumerate(kept) if k]
    if not kept_lines:
        return None
    titled = page_title_keys(lines)
    first = body_start(lines, kept_lines, titled)
    page = make_page(lines, kept, first, titled)
    before = {*range(max(0, first - MAX_LOOKBACK), first + 1),
              *(i for i in range(first) if kept[i] or line_key(lines[i]) in page.titled
                or opens_lead(page, lines[i]))}
    after = [i for i in range(first + 1, len(lines)) if kept[i]][:MAX_LOOKAHEAD]
    for group in (sorted(before), after):
        candidates = [i for i in group if is_candidate(page, i)]
        if candidates:
            return max(candidates, key=lambda i: (headline_score(page, i), i))
    return None
