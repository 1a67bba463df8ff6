"""The F1 of a precision and a recall, shared by every scorer."""

from __future__ import annotations


def f1_of(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall; 0 when both are 0."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
