"""Publication date: dateline first, then inference from relative years."""

from __future__ import annotations

import datetime as dt

from newsfacts.extract.published_date import (
    extract_published_date,
    infer_year_from_relative_mentions,
)
from newsfacts.records import Dateline, Span


def test_last_year_with_one_explicit_year_gives_the_next_year() -> None:
    body = "Intro.\n\nHe visited Moscow last year and attended the 2017 forum. More text."
    found = infer_year_from_relative_mentions(body)
    assert found is not None
    assert (found.date, found.precision, found.source) == (dt.date(2018, 1, 1), "year",
                                                           "inferred")
    assert body[found.span.start:found.span.end] == (
        "He visited Moscow last year and attended the 2017 forum.")


def test_next_year_and_this_year() -> None:
    assert infer_year_from_relative_mentions(
        "The 2020 games move to next year.").date == dt.date(2019, 1, 1)  # type: ignore[union-attr]
    assert infer_year_from_relative_mentions(
        "This year, the 2016 budget was cut.").date == dt.date(2016, 1, 1)  # type: ignore[union-attr]


def test_no_inference_when_ambiguous_or_absent() -> None:
    assert infer_year_from_relative_mentions("Last year he visited in 2015 and 2016.") is None
    assert infer_year_from_relative_mentions("He came in 2017. Nothing relative here.") is None
    assert infer_year_from_relative_mentions(
        "Last year the 2017 forum. Next year the 2017 plan.") is None


def test_dateline_date_wins_over_inference() -> None:
    body = "Caracas, July 11 2017 (x.com) – He came last year to the 2015 forum."
    dateline = Dateline(Span(0, 33, body[:33]), "Caracas", "VE", dt.date(2017, 7, 11), "day",
                        Span(9, 21, "July 11 2017"), None, "x.com")
    found = extract_published_date(body, dateline)
    assert (found.date, found.source, found.span) == (dt.date(2017, 7, 11), "dateline",
                                                      Span(9, 21, "July 11 2017"))


def test_unknown_when_nothing_says() -> None:
    found = extract_published_date("No dates here.", None)
    assert (found.date, found.precision, found.source, found.span) == (None, "unknown", None,
                                                                       None)
