"""Pure `str -> str` normalisers applied before anything else looks at the text."""

from __future__ import annotations

import re
import unicodedata

import ftfy

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


def repair_mojibake(text: str) -> str:
    """Undo text decoded with the wrong codec (UTF-8 read as cp1252/latin-1), NFC."""
    return ftfy.fix_text(text, MOJIBAKE_ONLY)


def unify_breaks(text: str) -> str:
    """No BOM, one kind of line break, no trailing spaces on lines."""
    text = LINE_BREAKS.sub("\n", text.lstrip("\ufeff"))
    return TRAILING_SPACE.sub("", text)


def normalize_text(text: str) -> str:
    """Mojibake repaired, NFC, one kind of line break, no BOM, no trailing spaces on lines.

    The breaks are unified before the repair (ftfy judges line by line) and again after it,
    since a repair can bring up a break ("â€¨" is U+2028) or a BOM.
    """
    text = repair_mojibake(unify_breaks(text))
    text = NEXT_LINE.sub("\n", text)
    return unify_breaks(unicodedata.normalize("NFC", text))
