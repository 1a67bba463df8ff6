"""Publication date: from the dateline, a date shown on the page, or inferred from the text."""

from __future__ import annotations

import datetime as dt
import re

from newsfacts.records import Dateline, PublishedDate, Span

# "last year ... 2017" in one sentence means the article was written in 2018.
RELATIVE_YEAR_OFFSETS = {"last year": 1, "this year": 0, "next year": -1}
RELATIVE_YEAR = re.compile(r"\b(last|this|next) year\b", re.IGNORECASE)
EXPLICIT_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
# Sentence ends: . ! ? (optionally closed by a quote) followed by space, or a paragraph break.
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[”\"’']?|$)", re.MULTILINE)

UNKNOWN_DATE = PublishedDate(date=None, precision="unknown", source=None, span=None)


def published_date_from_dateline(dateline: Dateline | None) -> PublishedDate | None:
    """The dateline's date, when it has one precise to the day or month."""
    if dateline is None or dateline.date is None or dateline.date_precision == "unknown":
        return None
    return PublishedDate(dateline.date, dateline.date_precision, "dateline", dateline.date_span)


def infer_year_from_relative_mentions(body: str) -> PublishedDate | None:
    """Infer the year from a sentence pairing a relative year with one explicit year.

    "Maduro visited Russia last year ... the Russian Energy Week 2017 forum" gives 2018.
    Every such sentence must agree; otherwise nothing is inferred.
    """
    found: list[tuple[int, Span]] = []
    for sentence in SENTENCE.finditer(body):
        text = sentence.group()
        relative = {m.group().lower() for m in RELATIVE_YEAR.finditer(text)}
        years = {int(y) for y in EXPLICIT_YEAR.findall(text)}
        if len(relative) != 1 or len(years) != 1:
            continue
        year = years.pop() + RELATIVE_YEAR_OFFSETS[relative.pop()]
        start = sentence.start() + (len(text) - len(text.lstrip()))
        found.append((year, Span(start, sentence.end(), body[start:sentence.end()])))
    if not found or len({year for year, _ in found}) != 1:
        return None
    year, span = found[0]
    return PublishedDate(dt.date(year, 1, 1), "year", "inferred", span)


def extract_published_date(
    body: str, dateline: Dateline | None, page_date: PublishedDate | None = None
) -> PublishedDate:
    """Best publication date: the dateline's, then one shown on the page (extract/page_meta.py:
    "Published March 3, 2017"), then inference; unknown when none says."""
    return (
        published_date_from_dateline(dateline)
        or page_date
        or infer_year_from_relative_mentions(body)
        or UNKNOWN_DATE
    )
