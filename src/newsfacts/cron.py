"""Cron strings for source schedules: the standard five fields, or an @-macro.

A strict subset of what Prefect's cron schedules accept (tests/test_sources.py checks each
accepted example against Prefect itself), checked here without importing Prefect.
"""

from __future__ import annotations

import re

MACROS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@hourly"})
MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    start=1)}
DAYS = {name: number for number, name in enumerate(
    ("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
# (name, lowest, highest, names allowed for numbers); day of week 7 is Sunday again.
FIELDS = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, MONTHS),
    ("day of week", 0, 7, DAYS),
)
PART = re.compile(r"^(?:\*|(?P<first>[a-z0-9]+)(?:-(?P<last>[a-z0-9]+))?)(?:/(?P<step>\d+))?$")


def field_problem(value: str, name: str, low: int, high: int, names: dict[str, int]) -> str | None:
    """What is wrong with one field (a list of `*`, N, N-M, each with an optional /STEP)."""
    for part in value.split(","):
        match = PART.match(part)
        if match is None:
            return f"{name} {value!r}: not a number, range, list or step"
        numbers = []
        for token in (match["first"], match["last"]):
            if token is None:
                continue
            number = names.get(token, int(token) if token.isdigit() else None)
            if number is None or not low <= number <= high:
                return f"{name} {token!r}: not in {low}-{high}"
            numbers.append(number)
        if len(numbers) == 2 and numbers[0] > numbers[1]:
            return f"{name} {part!r}: the range runs backwards"
        if match["step"] is not None and int(match["step"]) == 0:
            return f"{name} {part!r}: a step of 0"
    return None


def cron_problem(expression: str) -> str | None:
    """Why `expression` is not a cron string we accept, or None when it is one."""
    text = expression.strip().lower()
    if text in MACROS:
        return None
    fields = text.split()
    if len(fields) != len(FIELDS):
        return (f"{len(fields)} fields, expected 5 (minute hour day-of-month month "
                "day-of-week) or one of " + ", ".join(sorted(MACROS)))
    for value, (name, low, high, names) in zip(fields, FIELDS, strict=True):
        problem = field_problem(value, name, low, high, names)
        if problem:
            return problem
    return None
