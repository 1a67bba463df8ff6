"""A page's lines as one string, for computing per-line figures with one scan per page.

Running a regex over each line costs a Python call per line and scans every line again for
every pattern. Here the (stripped) lines are joined with "\\n", each pattern runs once over
the page, and every match is mapped back to its line. The patterns must not match across
"\\n" (line_features.py writes them with SPACE for whitespace, and MULTILINE anchors).
Patterns that scan slowly can be restricted to candidate lines: those that contain one of
a few literal strings (a cheap `str.find` in the case-folded page) or a given character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from newsfacts.clean.char_classes import class_bits, code_points

# The only characters besides A-Z that re.IGNORECASE matches to an ASCII letter
# (tests/test_line_classifier.py checks this against every code point).
IGNORECASE_ASCII = {"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"}


@dataclass(frozen=True)
class PageText:
    """Stripped lines joined by "\\n", with where each line starts and ends."""

    lines: list[str]
    text: str
    starts: np.ndarray
    ends: np.ndarray

    @classmethod
    def of(cls, stripped: list[str]) -> PageText:
        """The page of the given (stripped, "\\n"-free) lines."""
        lengths = np.fromiter(map(len, stripped), dtype=np.int64, count=len(stripped))
        starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
        return cls(stripped, "\n".join(stripped), starts, starts + lengths)

    @property
    def lengths(self) -> np.ndarray:
        """Characters per line."""
        return self.ends - self.starts

    @cached_property
    def codes(self) -> np.ndarray:
        """The code point of each character of the page."""
        return code_points(self.text)

    @cached_property
    def bits(self) -> np.ndarray:
        """The character-class bits (clean/char_classes.py) of each character."""
        return class_bits(self.codes)

    @cached_property
    def folded(self) -> str | None:
        """The page lower-cased, every character that re.IGNORECASE equates with an ASCII
        letter turned into that letter; None in the (unseen) case that lengths change."""
        text = self.text.replace("\u0130", "i") if "\u0130" in self.text else self.text
        text = text.lower()
        for char, letter in IGNORECASE_ASCII.items():
            if char in text:
                text = text.replace(char, letter)
        return text if len(text) == len(self.text) else None

    def line_of(self, positions: list[int] | np.ndarray) -> np.ndarray:
        """The line number of each character position."""
        return np.searchsorted(self.starts, positions, side="right") - 1

    def per_line(self, values: np.ndarray) -> np.ndarray:
        """Sum of a per-character array over each line."""
        cumulative = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
        return cumulative[self.ends] - cumulative[self.starts]

    def lines_containing(self, needles: tuple[str, ...]) -> np.ndarray:
        """Whether each line contains one of the lower-case ASCII `needles`, ignoring case as
        re.IGNORECASE does (all lines when the page could not be folded)."""
        folded = self.folded
        if folded is None:
            return np.ones(len(self.lines), dtype=bool)
        positions = []
        for needle in needles:
            found = folded.find(needle)
            while found != -1:
                positions.append(found)
                found = folded.find(needle, found + 1)
        out = np.zeros(len(self.lines), dtype=bool)
        out[self.line_of(positions)] = True
        return out

    def lines_matching(
        self, pattern: re.Pattern[str], candidates: np.ndarray | None = None
    ) -> np.ndarray:
        """1.0 for each line where `pattern` matches (re.search), else 0.0.

        With `candidates` only those lines are scanned (the caller knows the others cannot
        match); they are joined into a smaller page of their own.
        """
        out = np.zeros(len(self.lines))
        if candidates is None or candidates.all():
            positions = [m.start() for m in pattern.finditer(self.text)]
            if positions:
                out[self.line_of(positions)] = 1.0
            return out
        chosen = np.flatnonzero(candidates)
        if len(chosen):
            sub = PageText.of([self.lines[i] for i in chosen.tolist()])
            positions = [m.start() for m in pattern.finditer(sub.text)]
            if positions:
                out[chosen[sub.line_of(positions)]] = 1.0
        return out
