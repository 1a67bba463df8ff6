"""Pure `str -> str` normalisers applied before anything else looks at the text."""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy.badness import BADNESS_RE

# U+0085 is left to the mojibake repair: in news text it is far more often a cp1252 "…"
# read as latin-1 (or part of "Ã\x85" = "Å") than an EBCDIC line break.
LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c]")
NEXT_LINE = re.compile("\x85")
TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)
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
NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
BADNESS_REACH = 7


def is_bad(text: str) -> bool:
    """ftfy's `is_bad`, searched only near non-ASCII characters (same answer, faster)."""
    return any(
        BADNESS_RE.search(text, max(run.start() - BADNESS_REACH, 0), run.end() + BADNESS_REACH)
        for run in NON_ASCII_RUN.finditer(text)
    )


def looks_broken(text: str) -> bool:
    """Whether ftfy might change more of `text` than its NFC form (cheap: a few regexes).

    Checked before and after NFC, because ftfy repeats its fixes after normalising (a
    decomposed "Ã" becomes mojibake only once composed).
    """
    return any(
        is_bad(form) or C1_OR_SURROGATE.search(form) or BAD_LINE_START.search(form)
        for form in (text, unicodedata.normalize("NFC", text))
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
    """No BOM, one kind of line break, no trailing spaces on lines."""
    text = LINE_BREAKS.sub("\n", text.replace("\ufeff", ""))
    return TRAILING_SPACE.sub("", text)


def normalize_text(text: str) -> str:
    """Mojibake repaired, NFC, one kind of line break, no BOM, no trailing spaces on lines.

    The breaks are unified before the repair (ftfy judges line by line) and again after it,
    since a repair can bring up a break ("â€¨" is U+2028) or a BOM.
    """
    text = repair_mojibake(unify_breaks(text))
    text = NEXT_LINE.sub("\n", text)
    return unify_breaks(unicodedata.normalize("NFC", text))
