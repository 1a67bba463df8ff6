"""Quote marks paired in a text: the quoted stretches `extract.quotes` attributes.

Typographic and straight double quotes, single quotes used as quotes outside double ones
(nested single quotes stay part of their quote), and the news convention of a quote running
over several paragraphs (each continued paragraph reopens with a quote mark, only the last
one closes).
"""

from __future__ import annotations

from dataclasses import dataclass

DOUBLE_OPENERS = frozenset("“„«")
DOUBLE_CLOSERS = frozenset("”»")
SINGLE_OPENERS = frozenset("‘'")
SINGLE_CLOSERS = frozenset("’'")
BEFORE_OPENING = frozenset(" \t([{—–-/")


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """Text between quote marks: mark offsets (`open`, `close` after the closing mark) and
    the content inside them, trimmed of spaces and of a trailing comma."""

    open: int
    close: int
    start: int
    end: int


def find_quote_spans(text: str) -> tuple[QuoteSpan, ...]:
    """Pair the quote marks of a text, paragraph by paragraph (see the module docstring)."""
    spans: list[QuoteSpan] = []
    running: int | None = None  # opening offset of a double quote running on from above
    offset = 0
    for line in text.split("\n"):
        if running is not None and line.lstrip()[:1] not in DOUBLE_OPENERS | {'"'}:
            add_quote_span(spans, text, running, offset - 1)  # the quote ended with its paragraph
            running = None
        running = pair_quotes_in_line(text, offset, len(line), running, spans)
        offset += len(line) + 1
    if running is not None:
        add_quote_span(spans, text, running, len(text))
    return tuple(spans)


def pair_quotes_in_line(
    text: str, offset: int, length: int, running: int | None, spans: list[QuoteSpan]
) -> int | None:
    """Pair marks on one line; returns the opening offset of a double quote left open."""
    double = running
    straight = running is not None and text[running] == '"'  # closed by '"', not by '”'
    single: int | None = None
    nested = 0
    reopening = running is not None  # the first mark of a continued paragraph reopens it
    for position in range(offset, offset + length):
        char = text[position]
        before = text[position - 1] if position > 0 else " "
        after = text[position + 1] if position + 1 < len(text) else " "
        if reopening and (char in DOUBLE_OPENERS or char == '"'):
            reopening = False
        elif double is None and (char in DOUBLE_OPENERS or char == '"'):
            if not after.isspace():
                double, single, straight, nested = position, None, char == '"', 0
        elif double is not None and straight and char in DOUBLE_OPENERS:
            nested += 1  # "… “inner” …": typographic marks nested in straight ones
        elif double is not None and (char == '"' or char in DOUBLE_CLOSERS):
            if nested and char != '"':
                nested -= 1
                continue
            add_quote_span(spans, text, double, position + 1)
            double = None
        elif double is None and single is None and char in SINGLE_OPENERS:
            if (before in BEFORE_OPENING or before in DOUBLE_OPENERS) and after.isalnum():
                single = position
        elif double is None and single is not None and char in SINGLE_CLOSERS:
            if not after.isalnum() and not before.isspace():
                add_quote_span(spans, text, single, position + 1)
                single = None
        elif not char.isspace():
            reopening = False
    return double


def add_quote_span(spans: list[QuoteSpan], text: str, open_: int, close: int) -> None:
    """Record a quote if anything is inside the marks; the closing mark may be absent."""
    end = close - 1 if close <= len(text) and text[close - 1] in "”»\"’'" else close
    start = open_ + 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if end > start:
        spans.append(QuoteSpan(open_, close, start, end))
