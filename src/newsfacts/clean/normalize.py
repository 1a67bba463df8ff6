"""Pure `str -> str` normalisers applied before anything else looks at the text."""

from __future__ import annotations

import re
import unicodedata

LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
TRAILING_SPACE = re.compile(r"[ \t\u00a0]+$", re.MULTILINE)


def normalize_text(text: str) -> str:
    """NFC, one kind of line break, no BOM, no trailing spaces on lines."""
    text = text.removeprefix("\ufeff")
    text = LINE_BREAKS.sub("\n", text)
    text = unicodedata.normalize("NFC", text)
    return TRAILING_SPACE.sub("", text)
