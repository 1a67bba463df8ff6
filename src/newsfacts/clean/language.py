"""Language identification with py3langid (its model ships inside the package).

py3langid counts byte n-grams by walking an automaton over the UTF-8 bytes in a Python loop,
one step per byte: most of its time. `FastIdentifier` walks it with numpy instead. After six
bytes the automaton is in the same state whatever state it started from (its n-grams are at
most six bytes long), so the state after byte i is the state reached from the start by
bytes i-5..i: six vectorised steps for the whole text. Each text is then checked step by
step (state i is the move from state i-1 by byte i, one vectorised comparison), and walked
the library's way should the check ever fail, so the counts, and the answer, are always the
library's own.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

MIN_CHARS_FOR_LANGUAGE = 40  # below this, langid guesses are noise
# langid's cost grows with the text; a few paragraphs decide the language as well as all.
SAMPLE_CHARS = 2000
AUTOMATON_MEMORY = 6  # bytes after which py3langid's automaton forgets where it started


class FastIdentifier(LanguageIdentifier):
    """py3langid's identifier with a vectorised automaton walk (same counts, same answers)."""

    __slots__ = ("_moves", "_outputs", "_rows")

    def _arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The automaton as numpy arrays: moves, row offset per state, output per state."""
        try:
            return self._moves, self._rows, self._outputs
        except AttributeError:
            self._moves = np.asarray(self.tk_nextmove, dtype=np.int64)
            self._rows = np.asarray(self._rowbase, dtype=np.int64)
            self._outputs = np.asarray(self.tk_output, dtype=np.int64)
            return self._moves, self._rows, self._outputs

    def _raw_score(self, text: bytes) -> np.ndarray:
        """py3langid's raw scores, from the same feature counts as its own walk."""
        visits = automaton_visits(*self._arrays(), text)
        if visits is None:  # the check failed: the library's own loop
            return super()._raw_score(text)
        if visits:
            return self._sparse_score(visits, self.nb_ptc)
        return super()._raw_score(b"")  # no features: the library's fill value


def automaton_visits(
    moves: np.ndarray, rows: np.ndarray, outputs: np.ndarray, text: bytes
) -> Counter[int] | None:
    """Feature -> count over the states the automaton visits on `text` (first-seen order, as
    py3langid's `visit_counts`), or None if the vectorised walk fails its check."""
    data = np.frombuffer(text, dtype=np.uint8).astype(np.int64)
    n = len(data)
    states = np.zeros(n, dtype=np.int64)
    for back in range(min(AUTOMATON_MEMORY, n) - 1, -1, -1):
        states[back:] = moves[rows[states[back:]] + data[: n - back]]
    previous = np.concatenate([[0], states[:-1]])
    if not np.array_equal(moves[rows[previous] + data], states):
        return None
    features = outputs[states]
    return Counter(features[features >= 0].tolist())


@cache
def identifier() -> FastIdentifier:
    """The shared identifier (the model loads once)."""
    return FastIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the text is too short to tell."""
    if len(text.strip()) < MIN_CHARS_FOR_LANGUAGE:
        return None
    lang, _prob = identifier().classify(text[:SAMPLE_CHARS])
    return str(lang)
