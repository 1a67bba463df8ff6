"""Features of each line of a scraped page and of its neighbours, for the line classifier."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from functools import cache, lru_cache
from importlib import resources
from itertools import repeat

import numpy as np

from newsfacts.clean.char_classes import ALPHA, DECIMAL, DIGIT, LOWER, UPPER, WORD, class_bits
from newsfacts.clean.page_scan import PageText

TOKEN = re.compile(r"\w+")
# Whitespace inside a line. The patterns below are also run over a whole page at once (one
# line per "\n", MULTILINE anchors), so none of them may match across a line break; on a
# single line they behave as with \s.
SPACE = r"[^\S\n]"
IMAGE_PLACEHOLDER = re.compile(r"^images?_\d+$", re.MULTILINE)
SEPARATOR_CHARS = "|»›•·©▶►→←«‹"
SEPARATORS = re.compile(f"[{re.escape(SEPARATOR_CHARS)}]")
DATE_OR_TIME = re.compile(
    rf"\b(?:\d{{1,2}}:\d{{2}}{SPACE}*(?:[ap]\.?m\.?)?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov"
    rf"|dec)[a-z]*\.?{SPACE}+\d{{1,2}},?{SPACE}+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})",
    re.IGNORECASE | re.MULTILINE,
)
BYLINE = re.compile(rf"^(?:by|von|par|por|di){SPACE}+\S", re.IGNORECASE | re.MULTILINE)
LEGAL = re.compile(r"©|\bcopyright\b|all rights reserved|terms of (?:use|service)|privacy policy",
                   re.IGNORECASE)
# "Alex on September 17, 2018 at 6:34 am said:", "Reply", "12 comments": a comment thread.
COMMENT_MARKER = re.compile(
    rf"(?:\b(?:said|says|wrote|writes|commented){SPACE}*:?{SPACE}*$|^(?:reply|report|report abuse|"
    rf"log in to reply|\d+{SPACE}+(?:comments?|replies|responses)){SPACE}*$|^comments?{SPACE}*"
    rf"(?:\(\d+\))?$|\bcomments are closed\b|^leave a (?:comment|reply)\b|^(?:\d+{SPACE}+)?"
    rf"(?:likes?|points?)$)",
    re.IGNORECASE | re.MULTILINE,
)
TERMINAL = frozenset(".!?…\"”’'):;")

BASE_FEATURES = (
    "log_chars", "log_tokens", "ends_terminal", "capitalised_ratio", "digit_ratio",
    "alpha_ratio", "stopword_ratio", "commas_per_token", "has_separator", "is_image",
    "is_duplicate", "mean_token_len", "starts_lower", "has_date", "is_byline", "is_legal",
    "upper_ratio", "is_comment_marker", "is_heading_like",
    "cue_share", "cue_navigation", "cue_related", "cue_comments", "cue_legal", "cue_media",
    "cue_byline", "cue_advertisement",
)
NEIGHBOUR_OFFSETS = (-3, -2, -1, 1, 2, 3)
NEIGHBOUR_FEATURES = ("log_tokens", "ends_terminal", "stopword_ratio", "is_image")
CONTEXT_FEATURES = (
    "position", "tokens_before_ratio", "tokens_vs_max", "log_lines", "log_window_tokens",
    "long_lines_nearby", "distance_to_long_line", "tokens_vs_median", "short_run_length",
    "comment_markers_before", "comment_markers_after",
)
# Repeated page templates: teaser lists ("Headline" / date / one summary sentence, again and
# again), comment threads (name / "2 days ago" / comment) and link lists glued to their
# summaries ("Police Arrest TwoA 24-year-old man ..."). An article body is a run of prose
# paragraphs, sometimes under a subheading; these are short and long lines taking turns.
TEMPLATE_FEATURES = (
    "ends_ellipsis", "glued_words", "prose_run_length", "prose_alternations_nearby",
    "short_dates_nearby", "comment_markers_nearby", "shape_period2_match",
    "shape_period3_match", "single_prose_between_short",
)
FEATURE_NAMES = (
    *BASE_FEATURES,
    *(f"n{o:+d}_{name}" for o in NEIGHBOUR_OFFSETS for name in NEIGHBOUR_FEATURES),
    *CONTEXT_FEATURES,
    *TEMPLATE_FEATURES,
)
LONG_LINE_TOKENS = 15  # a line this long is almost always prose
SHORT_LINE_TOKENS = 6  # menus and link lists are runs of lines shorter than this
WINDOW = 5


@cache
def stopwords() -> frozenset[str]:
    """Function words of the commonest news languages (data: rules/stopwords.txt)."""
    text = resources.files("newsfacts.rules").joinpath("stopwords.txt").read_text("utf-8")
    return frozenset(w for w in text.split() if not w.startswith("#"))


@cache
def line_cues() -> dict[str, frozenset[str]]:
    """Cue words of boilerplate by kind (data: rules/line_cues.json)."""
    data = json.loads(
        resources.files("newsfacts.rules").joinpath("line_cues.json").read_text("utf-8")
    )
    return {group: frozenset(words) for group, words in data["groups"].items()}


CUE_GROUPS = ("share", "navigation", "related", "comments", "legal", "media", "byline",
              "advertisement")


@cache
def cue_index() -> dict[str, tuple[int, ...]]:
    """Cue word -> the indices (in CUE_GROUPS) of the groups it belongs to."""
    cues = line_cues()
    words = sorted(set().union(*cues.values()))
    return {w: tuple(g for g, name in enumerate(CUE_GROUPS) if w in cues[name]) for w in words}


def cue_shares(lowered: list[str]) -> list[float]:
    """Per cue group, the share of a line's words that are cues of that group."""
    if not lowered:
        return [0.0] * len(CUE_GROUPS)
    index = cue_index()
    counts = [0] * len(CUE_GROUPS)
    for token in lowered:
        for group in index.get(token, ()):
            counts[group] += 1
    return [count / len(lowered) for count in counts]


DUPLICATE_COLUMN = BASE_FEATURES.index("is_duplicate")
# page_statistics columns: BASE_FEATURES less is_duplicate (it depends on the page)
STATISTICS_NAMES = tuple(name for name in BASE_FEATURES if name != "is_duplicate")
STATISTICS_CUE_COLUMNS = [STATISTICS_NAMES.index(f"cue_{group}") for group in CUE_GROUPS]


def line_statistics(stripped: str) -> tuple[float, ...]:
    """The features of a stripped line that do not depend on the page (STATISTICS_NAMES).

    The definition, line by line; the cleaner computes the same numbers for a whole page at
    once with `page_statistics`.
    """
    tokens = TOKEN.findall(stripped)
    n_chars = len(stripped)
    n_tokens = len(tokens)
    words = stopwords()
    lowered = [t.lower() for t in tokens]
    letters = sum(map(str.isalpha, stripped))
    capitalised = sum(t[0].isupper() for t in tokens)
    return (
        math.log1p(n_chars),
        math.log1p(n_tokens),
        float(bool(stripped) and stripped[-1] in TERMINAL),
        capitalised / n_tokens if n_tokens else 0.0,
        sum(map(str.isdigit, stripped)) / n_chars if n_chars else 0.0,
        letters / n_chars if n_chars else 0.0,
        sum(t in words for t in lowered) / n_tokens if n_tokens else 0.0,
        stripped.count(",") / n_tokens if n_tokens else 0.0,
        float(bool(SEPARATORS.search(stripped))),
        float(bool(IMAGE_PLACEHOLDER.match(stripped))),
        sum(map(len, tokens)) / n_tokens if n_tokens else 0.0,
        float(bool(stripped) and stripped[0].islower()),
        float(bool(DATE_OR_TIME.search(stripped))),
        float(bool(BYLINE.match(stripped))),
        float(bool(LEGAL.search(stripped))),
        sum(map(str.isupper, stripped)) / letters if letters else 0.0,
        float(bool(COMMENT_MARKER.search(stripped))),
        float(3 <= n_tokens <= 14 and stripped[-1:] not in TERMINAL
              and capitalised >= n_tokens / 2),
        *cue_shares(lowered),
    )


@cache
def cue_table() -> tuple[dict[str, int], np.ndarray]:
    """Cue word -> row number (from 1), and rows of 0/1 group membership (row 0: no cue)."""
    index = cue_index()
    rows = np.zeros((len(index) + 1, len(CUE_GROUPS)))
    for row, groups in enumerate(index.values(), start=1):
        rows[row, list(groups)] = 1.0
    return {word: row for row, word in enumerate(index, start=1)}, rows


def portable_log1p(values: np.ndarray) -> np.ndarray:
    """log1p of each value with the C library's `math.log1p`, as `line_statistics` does.

    numpy's vectorised log1p rounds differently by CPU (its AVX-512 path differs from libm in
    the last bit), so features, and the token counts read back from them, moved between
    machines: the same page could be cleaned differently on another computer.
    """
    return np.fromiter(map(math.log1p, np.asarray(values, dtype=np.float64).tolist()),
                       dtype=np.float64, count=len(values))


def token_counts(log_tokens: np.ndarray) -> np.ndarray:
    """The whole token counts behind `log_tokens` (expm1 alone gives 14.999… for 15, so a
    15-token line would not count as long; numpy's vectorised expm1 also differs by CPU)."""
    return np.rint(np.expm1(log_tokens))


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0.0 where the denominator is 0."""
    out = np.zeros(len(numerator))
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _codes(chars: str) -> np.ndarray:
    """The code points of `chars`, sorted (for np.isin)."""
    return np.array(sorted(map(ord, chars)), dtype=np.uint32)


TERMINAL_CODES = _codes("".join(TERMINAL))
SEPARATOR_CODES = _codes(SEPARATOR_CHARS)
# Necessary conditions for the patterns that scan slowly, so that only the lines that can
# match are scanned (exactness is tested against line_statistics). Letters are listed with
# every character re.IGNORECASE equates with them (page_scan.IGNORECASE_ASCII: only "ſ" here).
BYLINE_FIRST = _codes("bBvVpPdD")  # ^(?:by|von|par|por|di)
# COMMENT_MARKER: "...said:" at the end of a line; "reply", "12 comments", "comments (3)",
# "leave a comment", "3 likes" from its start; "comments are closed" anywhere.
COMMENT_END = _codes("dDsSſeE:")
COMMENT_END_NEEDLES = ("said", "says", "wrote", "writes", "commented")
COMMENT_START = _codes("rRlLcCpP")  # or a digit
COMMENT_START_NEEDLES = ("repl", "report", "comment", "respons", "leave a", "like", "point")
COMMENT_ANYWHERE_NEEDLES = ("comments are closed",)
# LEGAL: one of these, ignoring case as re.IGNORECASE does.
LEGAL_NEEDLES = ("©", "copyright", "all rights reserved", "terms of use", "terms of service",
                 "privacy policy")


def pattern_columns(page: PageText, first: np.ndarray, last: np.ndarray) -> list[np.ndarray]:
    """has_separator, is_image, has_date, is_byline, is_legal, is_comment_marker of each line
    (1.0 / 0.0), scanning with each pattern only the lines that can match it.

    The lines must be stripped (COMMENT_MARKER's end anchor is then the last character);
    `first` and `last` are the code points of each line's first and last character.
    """
    bits, codes = page.bits, page.codes
    digits = (bits & DECIMAL) > 0
    four_digits = np.zeros(len(codes), dtype=bool)  # a \d{4}: ISO dates and years
    four_digits[:-3] = digits[:-3] & digits[1:-2] & digits[2:-1] & digits[3:]
    first_digit = (class_bits(first) & DECIMAL) > 0
    date_candidates = (page.per_line(four_digits) > 0) | (
        (page.per_line(digits) > 0) & (page.per_line((codes == ord(":")) | (codes == ord("/"))) > 0)
    )  # \d{1,2}:\d{2}, month \d{1,2}, \d{4}, \d{4}-\d{2}-\d{2}, \d{1,2}/\d{1,2}/\d{2,4}
    comment_candidates = (
        page.lines_containing(COMMENT_ANYWHERE_NEEDLES)
        | (np.isin(last, COMMENT_END) & page.lines_containing(COMMENT_END_NEEDLES))
        | ((np.isin(first, COMMENT_START) | first_digit)
           & page.lines_containing(COMMENT_START_NEEDLES))
    )
    return [
        (page.per_line(np.isin(codes, SEPARATOR_CODES)) > 0).astype(np.float64),
        page.lines_matching(IMAGE_PLACEHOLDER, first == ord("i")),
        page.lines_matching(DATE_OR_TIME, date_candidates),
        page.lines_matching(BYLINE, np.isin(first, BYLINE_FIRST)),
        page.lines_matching(LEGAL, page.lines_containing(LEGAL_NEEDLES)),
        page.lines_matching(COMMENT_MARKER, comment_candidates),
    ]


def lowered_tokens(page: PageText) -> list[str]:
    """`[t.lower() for t in TOKEN.findall(page.text)]`, from the page's character classes:
    non-word characters become spaces, and one lower() and split() do the rest (a space
    is not case-ignorable, so a final sigma is lowered as within its own token)."""
    word = (page.bits & WORD) > 0
    spaced = np.where(word, page.codes, 32).astype(np.uint32).tobytes()
    return spaced.decode("utf-32-le", "surrogatepass").lower().split()


def page_statistics(stripped: list[str]) -> np.ndarray:
    """`line_statistics` of every (stripped) line of a page, computed for the page at once.

    Same numbers as calling `line_statistics` line by line (tests/test_line_classifier.py
    checks it on real pages and on Hypothesis text), but each pattern scans the page once,
    the slow ones only the lines that can match, and character classes come from numpy
    (clean/page_scan.py, clean/char_classes.py).
    """
    n = len(stripped)
    if not n:
        return np.zeros((0, len(STATISTICS_NAMES)))
    page = PageText.of(stripped)
    codes, bits, lengths = page.codes, page.bits, page.lengths
    word = (bits & WORD) > 0
    token_start = word.copy()
    token_start[1:] &= ~word[:-1]
    upper = (bits & UPPER) > 0
    letters = page.per_line((bits & ALPHA) > 0)
    n_tokens = page.per_line(token_start)
    capitalised = page.per_line(token_start & upper)
    token_lines = page.line_of(np.flatnonzero(token_start))
    lowered = lowered_tokens(page)
    stop = np.fromiter(map(stopwords().__contains__, lowered), dtype=bool, count=len(lowered))
    cue_rows, cue_groups = cue_table()
    cue_ids = np.fromiter(map(cue_rows.get, lowered, repeat(0)), dtype=np.intp,
                          count=len(lowered))
    hits = cue_ids > 0
    cue_counts = np.zeros((n, len(CUE_GROUPS)))
    np.add.at(cue_counts, token_lines[hits], cue_groups[cue_ids[hits]])
    nonempty = lengths > 0
    first = codes[np.minimum(page.starts, len(codes) - 1)] if len(codes) else np.zeros(n, int)
    last = codes[np.maximum(page.ends - 1, 0)] if len(codes) else np.zeros(n, int)
    ends_terminal = nonempty & np.isin(last, TERMINAL_CODES)
    starts_lower = nonempty & ((class_bits(first) & LOWER) > 0)
    separator, image, date, byline, legal, comment_marker = pattern_columns(
        page, np.where(nonempty, first, 0), np.where(nonempty, last, 0))
    return np.column_stack([
        portable_log1p(lengths),
        portable_log1p(n_tokens),
        ends_terminal,
        _ratio(capitalised, n_tokens),
        _ratio(page.per_line((bits & DIGIT) > 0), lengths),
        _ratio(letters, lengths),
        _ratio(np.bincount(token_lines, weights=stop, minlength=n), n_tokens),
        _ratio(page.per_line(codes == ord(",")), n_tokens),
        separator,
        image,
        _ratio(page.per_line(word), n_tokens),
        starts_lower,
        date,
        byline,
        legal,
        _ratio(page.per_line(upper), letters),
        comment_marker,
        (n_tokens >= 3) & (n_tokens <= 14) & ~ends_terminal & (capitalised >= n_tokens / 2),
        *_ratio_columns(cue_counts, n_tokens),
    ]).astype(np.float64).reshape(n, len(STATISTICS_NAMES))


def _ratio_columns(counts: np.ndarray, denominator: np.ndarray) -> list[np.ndarray]:
    """Each column of `counts` divided by `denominator` (0.0 where it is 0)."""
    return [_ratio(counts[:, k], denominator) for k in range(counts.shape[1])]


def shifted(columns: np.ndarray, offsets: tuple[int, ...], fill: float = -1.0) -> list[np.ndarray]:
    """For each offset, the rows columns[i + offset] for each i, `fill` past either end."""
    n = len(columns)
    reach = max(abs(o) for o in offsets)
    pad = np.full((reach, columns.shape[1]), fill)
    padded = np.concatenate([pad, columns, pad])
    return [padded[reach + o: reach + o + n] for o in offsets]


NEIGHBOUR_COLUMNS = [BASE_FEATURES.index(name) for name in NEIGHBOUR_FEATURES]


def line_features(lines: list[str], statistics: np.ndarray | None = None) -> np.ndarray:
    """The feature matrix of a page's non-blank lines (one row per line, FEATURE_NAMES).

    `statistics` are the lines' `page_statistics` when the caller has them already (each
    cleaning round sees a subset of the lines of the round before).
    """
    if not lines:
        return np.zeros((0, len(FEATURE_NAMES)))
    stripped = [line.strip() for line in lines]
    counts = Counter(stripped)
    duplicate = np.fromiter(map(counts.__getitem__, stripped), dtype=np.int64,
                            count=len(lines)) > 1
    if statistics is None:
        statistics = page_statistics(stripped)
    base = np.insert(statistics, DUPLICATE_COLUMN, duplicate, axis=1)
    index = {name: i for i, name in enumerate(BASE_FEATURES)}
    neighbours = shifted(base[:, NEIGHBOUR_COLUMNS], NEIGHBOUR_OFFSETS)
    markers = base[:, index["is_comment_marker"]]
    return np.column_stack([
        base, *neighbours, *context_features(base[:, index["log_tokens"]]),
        np.cumsum(markers) - markers, markers.sum() - np.cumsum(markers),
        *template_features(stripped, base),
    ])


ELLIPSIS_ENDS = ("...", "…", "[…]", "[...]")
PAGE_LINES_CACHE = 1 << 12  # lines cached for the next round: a page's, not the corpus's
# a link glued to its summary: "Student-AthleteA 24-year-old", "250,000The state" (also
# matches "WordPress": a feature, not a rule)
GLUED_WORDS = re.compile(r"[a-z]{3}[A-Z]|\d[A-Z][a-z]")
PROSE_TOKENS = 10  # a line this long that ends a sentence is prose
TEMPLATE_RADIUS = 6
SHORT_DATE_TOKENS = 12


@lru_cache(maxsize=PAGE_LINES_CACHE)
def line_marks(stripped: str) -> tuple[float, float]:
    """(ends with an ellipsis, number of glued words) of a line; cached, since every cleaning
    round sees the lines of the round before."""
    return float(stripped.endswith(ELLIPSIS_ENDS)), float(len(GLUED_WORDS.findall(stripped)))


def template_features(stripped: list[str], base: np.ndarray) -> list[np.ndarray]:
    """TEMPLATE_FEATURES of each line: how much its surroundings repeat a short/long pattern."""
    index = {name: i for i, name in enumerate(BASE_FEATURES)}
    n = len(stripped)
    tokens = token_counts(base[:, index["log_tokens"]])
    terminal = base[:, index["ends_terminal"]] > 0
    prose = terminal & (tokens >= PROSE_TOKENS)
    short_date = (base[:, index["has_date"]] > 0) & (tokens <= SHORT_DATE_TOKENS)
    heading = base[:, index["is_heading_like"]] > 0
    turns = np.zeros(n)
    turns[1:] = prose[1:] != prose[:-1]
    shape = prose.astype(np.int64) + 2 * short_date + 4 * heading
    marks = np.array([line_marks(line) for line in stripped], dtype=np.float64).reshape(n, 2)
    not_prose = np.concatenate([[True], ~prose, [True]])
    return [
        marks[:, 0],
        _ratio(marks[:, 1], np.maximum(tokens, 1.0)),
        portable_log1p(run_lengths(prose)),
        window_sum(turns, TEMPLATE_RADIUS),
        window_sum(short_date.astype(np.float64), TEMPLATE_RADIUS),
        window_sum(base[:, index["is_comment_marker"]], TEMPLATE_RADIUS),
        period_match(shape, 2, TEMPLATE_RADIUS),
        period_match(shape, 3, TEMPLATE_RADIUS),
        (prose & not_prose[:-2] & not_prose[2:]).astype(np.float64),
    ]


def period_match(shape: np.ndarray, period: int, radius: int) -> np.ndarray:
    """Share of the lines within `radius` whose shape equals the shape `period` lines below,
    less the same share for period 1: high where a pattern of two or three kinds of line
    repeats, not in a run of one kind (prose paragraphs, menus)."""
    n = len(shape)

    def share(p: int) -> np.ndarray:
        same, paired = np.zeros(n), np.zeros(n)
        if n > p:
            same[:-p] = shape[:-p] == shape[p:]
            paired[:-p] = 1.0
        return _ratio(window_sum(same, radius), window_sum(paired, radius))

    return share(period) - share(1)


def window_sum(values: np.ndarray, radius: int) -> np.ndarray:
    """Sum of values[i - radius : i + radius + 1] for each i (clipped at the ends)."""
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    n = len(values)
    upper = np.minimum(np.arange(n) + radius + 1, n)
    lower = np.maximum(np.arange(n) - radius, 0)
    return cumulative[upper] - cumulative[lower]


def context_features(log_tokens: np.ndarray) -> list[np.ndarray]:
    """Where a line sits in the page and how much prose surrounds it (CONTEXT_FEATURES)."""
    n = len(log_tokens)
    tokens = token_counts(log_tokens)
    total = max(tokens.sum(), 1.0)
    cumulative = np.cumsum(tokens) - tokens
    window_tokens = window_sum(tokens, WINDOW)
    long = (tokens >= LONG_LINE_TOKENS).astype(np.float64)
    long_nearby = window_sum(long, WINDOW)
    positions = np.arange(n)
    long_positions = positions[long > 0]
    if len(long_positions):
        right = np.searchsorted(long_positions, positions).clip(0, len(long_positions) - 1)
        left = (right - 1).clip(0)
        nearest = np.minimum(np.abs(long_positions[right] - positions),
                             np.abs(long_positions[left] - positions)).astype(np.float64)
    else:
        nearest = np.full(n, n, dtype=np.float64)
    median = max(float(np.median(tokens)), 1.0)
    return [
        positions / max(n - 1, 1),
        cumulative / total,
        tokens / max(tokens.max(), 1.0),
        np.full(n, math.log1p(n)),
        portable_log1p(window_tokens),
        long_nearby,
        portable_log1p(nearest),
        portable_log1p(tokens / median),
        portable_log1p(run_lengths(tokens < SHORT_LINE_TOKENS)),
    ]


def run_lengths(flags: np.ndarray) -> np.ndarray:
    """For each position, the length of the run of equal flags it belongs to (0 if unflagged)."""
    flags = np.asarray(flags, dtype=bool)
    if not len(flags):
        return np.zeros(0)
    bounds = np.concatenate([[0], np.flatnonzero(flags[1:] != flags[:-1]) + 1, [len(flags)]])
    lengths = np.diff(bounds)
    return np.where(flags, np.repeat(lengths, lengths), 0).astype(np.float64)


STAGE2_OFFSETS = (-6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6)
STAGE2_RADII = (3, 10, 25)
STAGE2_FEATURE_NAMES = (
    *FEATURE_NAMES,
    "p",
    *(f"p{o:+d}" for o in STAGE2_OFFSETS),
    *(f"p_mean_{r}" for r in STAGE2_RADII),
    "p_mass_before", "p_mass_after", "p_vs_max", "p_max", "p_mean", "p_rank",
    "kept_token_share", "body_word_share", "in_main_block", "distance_to_main_block",
)
SURE_BODY = 0.8  # stage-1 probability of the lines whose words make the body's vocabulary
MIN_WORD_CHARS = 4


@lru_cache(maxsize=PAGE_LINES_CACHE)
def content_words(line: str) -> frozenset[str]:
    """The lowercased words of a line that can say what it is about (no function words);
    cached, since every cleaning round sees the lines of the round before."""
    words = stopwords()
    return frozenset(t for t in TOKEN.findall(line.lower())
                     if len(t) >= MIN_WORD_CHARS and t not in words)


def body_word_shares(lines: list[str], p: np.ndarray) -> np.ndarray:
    """For each line, the share of its content words found in the *other* sure body lines
    (stage-1 p >= SURE_BODY): a teaser or a comment on another story shares few."""
    vocabularies = [content_words(line) for line in lines]
    counts: Counter[str] = Counter()
    for words, sure in zip(vocabularies, p >= SURE_BODY, strict=True):
        if sure:
            counts.update(words)
    out = np.zeros(len(lines))
    for i, (words, sure) in enumerate(zip(vocabularies, p >= SURE_BODY, strict=True)):
        if words:
            own = 1 if sure else 0
            out[i] = sum(counts[w] > own for w in words) / len(words)
    return out


def main_block(p: np.ndarray, tokens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(in the main block, log distance in lines to it): the main block is the run of lines
    with p >= 0.5 (one line below it may interrupt it) holding the most tokens."""
    n = len(p)
    body = p >= 0.5
    if not body.any():
        return np.zeros(n), np.full(n, math.log1p(n))
    gap = ~body
    bridged = body.copy()
    bridged[1:-1] |= gap[1:-1] & body[:-2] & body[2:]
    starts = np.flatnonzero(bridged & np.concatenate([[True], ~bridged[:-1]]))
    ends = np.flatnonzero(bridged & np.concatenate([~bridged[1:], [True]])) + 1
    cumulative = np.concatenate([[0.0], np.cumsum(tokens * body)])
    best = int(np.argmax(cumulative[ends] - cumulative[starts]))
    start, end = int(starts[best]), int(ends[best])
    positions = np.arange(n)
    inside = (positions >= start) & (positions < end)
    distance = np.where(positions < start, start - positions, positions - end + 1)
    return inside.astype(np.float64), portable_log1p(np.where(inside, 0, distance))


def stage2_features(features: np.ndarray, p: np.ndarray, lines: list[str]) -> np.ndarray:
    """Stage-2 input: a line's features plus the stage-1 probabilities around it and page-wide,
    and how its words and place relate to the lines stage 1 is sure of."""
    n = len(p)
    columns = [p, *(column[:, 0] for column in shifted(p[:, None], STAGE2_OFFSETS))]
    columns += [window_sum(p, r) / window_sum(np.ones(n), r) for r in STAGE2_RADII]
    cumulative = np.cumsum(p)
    total = max(float(cumulative[-1]), 1e-9) if n else 1e-9
    top = max(float(p.max()), 1e-9) if n else 1e-9
    tokens = token_counts(features[:, FEATURE_NAMES.index("log_tokens")])
    kept_share = float((tokens * (p >= 0.5)).sum() / max(tokens.sum(), 1.0))
    columns += [
        (cumulative - p) / total,
        (total - cumulative) / total,
        p / top,
        np.full(n, top),
        np.full(n, p.mean() if n else 0.0),
        p.argsort(kind="stable").argsort(kind="stable") / max(n - 1, 1),
        np.full(n, kept_share),
        body_word_shares(lines, p),
        *main_block(p, tokens),
    ]
    return np.column_stack([features, *columns])
