"""Unicode character classes of a whole text at once, as numpy flags (for page-wide features).

`str.isalpha` and friends cost a Python call per character; here a text becomes an array of
code points and each class a table lookup. The tables are filled lazily, each new character
asking Python itself (`str.isalpha`, ..., and `re`'s word and digit classes), so the flags
are exactly what the per-character calls give.
"""

from __future__ import annotations

import re

import numpy as np

ALPHA, DIGIT, UPPER, LOWER, WORD, DECIMAL = (1 << k for k in range(6))
_WORD_CHAR = re.compile(r"\w")
_DECIMAL_CHAR = re.compile(r"\d")
_MAX_CODE = 0x110000
_bits = np.zeros(_MAX_CODE, dtype=np.uint8)
_known = np.zeros(_MAX_CODE, dtype=bool)


def char_bits(char: str) -> int:
    """The class bits of one character, asked of Python."""
    return (
        ALPHA * char.isalpha() | DIGIT * char.isdigit() | UPPER * char.isupper()
        | LOWER * char.islower() | WORD * bool(_WORD_CHAR.fullmatch(char))
        | DECIMAL * bool(_DECIMAL_CHAR.fullmatch(char))
    )


def code_points(text: str) -> np.ndarray:
    """The code points of `text` (lone surrogates included), one uint32 per character."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def class_bits(codes: np.ndarray) -> np.ndarray:
    """The class bits (ALPHA | DIGIT | UPPER | LOWER | WORD | DECIMAL) of each code point."""
    new = codes[~_known[codes]]
    if new.size:
        for code in np.unique(new).tolist():
            _bits[code] = char_bits(chr(code))
            _known[code] = True
    return _bits[codes]
