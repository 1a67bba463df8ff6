"""Pure `str -> str` normalisers applied before anything else looks at the text."""

from __future__ import annotations

import re
import unicodedata

import ftfy
import numpy as np
from ftfy.badness import BADNESS_RE

from newsfacts.clean.char_classes import code_points

# U+0085 is left to the mojibake repair: in news text it is far more often a cp1252 "…"
# read as latin-1 (or part of "Ã\x85" = "Å") than an EBCDIC line break.
LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c]")
TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
OTHER_BREAKS = "\r\u2028\u2029\x0b\x0c"  # the characters LINE_BREAKS replaces
LINE_END_SPACES = (" ", "\t", "\u00a0")  # the characters TRAILING_SPACE removes
# ftfy repairs mojibake ("FranÃ§ois" -> "François") and C1 controls that stand for cp1252
# punctuation; everything that would rewrite well-formed text stays off: curly quotes,
# ligatures, full-width forms, HTML entities (unescaping is not idempotent: "&amp;lt;"),
# control characters and line breaks (ours, first: ftfy judges line by line).
MOJIBAKE_ONLY = ftfy.TextFixerConfig(
    unescape_html=False,
    remove_terminal_escapes=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization="NFC",
    explain=False,
)


# What ftfy (with MOJIBAKE_ONLY) can change besides NFC: a segment it judges bad (`is_bad`),
# C1 controls, surrogates. `is_bad` on the whole text finds every bad line except one that
# starts with "Ã " / "Â " (its regex anchors `^` at the text start only), hence the extra check
# (leading spaces allowed: each line is repaired without them, see repair_segment).
C1_OR_SURROGATE = re.compile("[\x80-\x9f\ud800-\udfff]")
BAD_LINE_START = re.compile("^[^\\S\n]*[ÃÂ] ", re.MULTILINE)
SEGMENT = re.compile(r"[^\n]*\n|[^\n]+")  # ftfy's own unit: a line with its break
# Every alternative of ftfy's BADNESS_RE needs a non-ASCII character and spans at most 7
# characters, so it is enough to search it around the non-ASCII runs (most text is ASCII).
BADNESS_REACH = 7


def non_ascii_windows(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches of `text` within BADNESS_REACH of a non-ASCII character,
    overlapping stretches merged (numpy over the code points: no Python loop per run)."""
    positions = np.flatnonzero(code_points(text) > 0x7F)
    if not len(positions):
        return []
    starts = np.maximum(positions - BADNESS_REACH, 0)
    ends = np.minimum(positions + 1 + BADNESS_REACH, len(text))
    first = np.concatenate([[0], np.flatnonzero(starts[1:] > ends[:-1]) + 1])
    last = np.concatenate([first[1:] - 1, [len(positions) - 1]])
    return list(zip(starts[first].tolist(), ends[last].tolist(), strict=True))


def is_bad(text: str) -> bool:
    """ftfy's `is_bad`, searched only near non-ASCII characters (same answer, faster).

    BADNESS_RE has no lookaround and its only anchor is the text start, so a match inside a
    merged window is a match of one of the windows it merges, and the other way round.
    """
    return any(BADNESS_RE.search(text, start, end) for start, end in non_ascii_windows(text))


def looks_broken(text: str) -> bool:
    """Whether ftfy might change more of `text` than its NFC form (cheap: a few regexes).

    Checked before and after NFC, because ftfy repeats its fixes after normalising (a
    decomposed "Ã" becomes mojibake only once composed). ASCII text never looks broken.
    """
    if text.isascii():
        return False
    composed = unicodedata.normalize("NFC", text)
    return any(
        is_bad(form) or C1_OR_SURROGATE.search(form) or BAD_LINE_START.search(form)
        for form in ((text,) if composed == text else (text, composed))
    )


def repair_mojibake(text: str) -> str:
    """Undo text decoded with the wrong codec (UTF-8 read as cp1252/latin-1), NFC.

    ftfy costs more than the rest of the cleaner, and almost every line needs nothing, so it
    only sees the lines that `looks_broken`; the others get NFC, which is what ftfy gives them.
    """
    if text.isascii():
        return text
    if not looks_broken(text):
        return unicodedata.normalize("NFC", text)
    return "".join(repair_segment(segment) for segment in SEGMENT.findall(text))


def repair_segment(segment: str) -> str:
    """One line repaired without its leading whitespace, as the cleaner, which strips it,
    will give it back: ftfy repairs "Ã©" but not "\\xa0Ã©", so a line repaired with it
    would be repaired again when a cleaned text is cleaned."""
    core = segment.lstrip()
    lead = segment[: len(segment) - len(core)]
    if looks_broken(core):
        return unicodedata.normalize("NFC", lead) + ftfy.fix_text(core, MOJIBAKE_ONLY)
    return unicodedata.normalize("NFC", segment)


def unify_breaks(text: str) -> str:
    """No BOM, one kind of line break, no trailing spaces on lines.

    Each substitution runs only when a plain substring search finds something for it to do
    (the regexes cost more than the searches on text that needs nothing).
    """
    text = text.replace("\ufeff", "")
    if any(char in text for char in OTHER_BREAKS):
        text = LINE_BREAKS.sub("\n", text)
    if text.endswith(LINE_END_SPACES) or any(f"{space}\n" in text for space in LINE_END_SPACES):
        text = TRAILING_SPACE.sub("", text)
    return text


def normalize_text(text: str) -> str:
    """Mojibake repaired, NFC, one kind of line break, no BOM, no trailing spaces on lines.

    The breaks are unified before the repair (ftfy judges line by line) and again after it,
    since a repair can bring up a break ("â€¨" is U+2028) or a BOM.
    """
    text = repair_mojibake(unify_breaks(text))
    text = text.replace("\x85", "\n")
    return unify_breaks(unicodedata.normalize("NFC", text))
