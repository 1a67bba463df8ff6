"""Page metadata: bylines, site names and visible dates, from the body or removed lines."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

import pytest

from newsfacts.extract.page_meta import (
    author_of_line,
    find_page_date,
    find_site,
    header_lines,
    later_lines,
)
from newsfacts.records import BoilerplateLine


def removed(*texts: str, start: int = 2) -> tuple[BoilerplateLine, ...]:
    return tuple(BoilerplateLine("a0123456789abcdef", start + i, t, "other", "test")
                 for i, t in enumerate(texts))


def test_byline_rules_file_names_prefixes_roles_and_non_names() -> None:
    data = json.loads(
        resources.files("newsfacts.rules").joinpath("bylines.json").read_text("utf-8"))
    assert data["version"] and data["description"]
    assert {"by", "written by", "author:"} <= set(data["prefixes"])
    assert "staff" in data["roles"] and "the" in data["not_names"]


@pytest.mark.parametrize(("line", "author"), [
    ("By Jane Doe", "Jane Doe"),
    ("by JANE DOE JAN. 13, 2017", "JANE DOE"),
    ("Written by Jane Doe", "Jane Doe"),
    ("Author: Jane Doe", "Jane Doe"),
    ("By Jane Doe and John Roe", "Jane Doe, John Roe"),
    ("By Jane Doe, Senior Staff Writer, Daily Bugle", "Jane Doe"),
    ("Jane Doe | Daily Bugle", "Jane Doe"),
    ("By the time the bridge opened, it was dark", None),
    ("by Taboola by Taboola", None),
    ("The mayor spoke on Tuesday", None),
])
def test_author_of_line(line: str, author: str | None) -> None:
    assert author_of_line(line) == author


def test_site_from_dateline_then_title_suffix_then_copyright() -> None:
    lines = removed("Bridge reopens after repairs | The Daily Bugle", "© 2019 Bugle Media Ltd.")
    assert find_site("Bridge reopens after repairs", lines, "bugle.com") == "bugle.com"
    assert find_site("Bridge reopens after repairs", lines, None) == "The Daily Bugle"
    assert find_site("Another headline entirely", lines, None) == "Bugle"
    assert find_site(None, removed("© 2019 All rights reserved"), None) is None


def test_published_beats_updated_and_a_removed_date_has_no_offsets() -> None:
    header = header_lines(1, removed("Updated March 4, 2019", "Published 3 March 2019"))
    date = find_page_date("The council met.", header)
    assert date is not None
    assert (date.date, date.precision, date.source, date.span) == (
        dt.date(2019, 3, 3), "day", "page", None)


def test_a_date_line_in_the_body_has_source_text_and_offsets() -> None:
    body = "By Jane Doe\n\nPosted 2019-03-12T10:00\n\nThe council met on March 1, 2019."
    date = find_page_date(body, [])
    assert date is not None and date.source == "text"
    assert date.span is not None and body[date.span.start:date.span.end] == "2019-03-12"


def test_a_date_in_prose_is_not_a_publication_date() -> None:
    body = ("The council first met on March 1, 2019, to discuss the bridge, and it has met "
            "every month since then to review the plans.")
    assert find_page_date(body, []) is None


def test_header_lines_are_those_just_under_the_headline() -> None:
    lines = removed("Menu", "By Jane Doe", start=1)
    assert header_lines(1, lines) == ["By Jane Doe"]
    assert header_lines(None, lines) == ["Menu", "By Jane Doe"]


def test_the_header_ends_where_the_body_starts_and_includes_the_block_over_it() -> None:
    # headline on line 1; related teasers 2-4; a byline and date just over the body (line 42)
    lines = (*removed("You may also like", "Other story", "March 17, 2016", start=2),
             *removed("Sarah Gooding", "9/11/13 10:00AM", start=40))
    assert header_lines(1, lines, body_line=42) == [
        "You may also like", "Other story", "March 17, 2016", "9/11/13 10:00AM",
        "Sarah Gooding"]
    # the body starts right under the headline: teaser lines are read after its paragraphs
    assert header_lines(1, lines, body_line=2) == []
    assert later_lines(1, lines, body_line=2) == [
        "You may also like", "Other story", "March 17, 2016"]
    body = "Sarah Gooding March 9, 2017\n\nStack Overflow published its analysis of hiring."
    date = find_page_date(body, [], "en", later_lines(1, lines, body_line=2))
    assert date is not None and date.date == dt.date(2017, 3, 9) and date.source == "text"
    assert find_page_date("No date here.", [], "en", ["March 17, 2016"]).date == dt.date(
        2016, 3, 17)


@pytest.mark.parametrize(("line", "language", "day"), [
    ("11.03.17 in Gadgetry", "en", dt.date(2017, 11, 3)),  # English: month first
    ("Le Monde | 04.05.2015 à 13h36", "fr", dt.date(2015, 5, 4)),  # elsewhere: day first
    ("12/03/2019", None, dt.date(2019, 3, 12)),
    ("25/12/2019", "en", dt.date(2019, 12, 25)),  # a part above 12 is the day
    ("AFP 30 avril 2015 à 07:19", "fr", dt.date(2015, 4, 30)),
    ("21.dez.2018 às 12h55", "pt", dt.date(2018, 12, 21)),
    ("24 de noviembre de 2017", "es", dt.date(2017, 11, 24)),
    ("Version 1.111 of the tool", "en", None),
    ("13/13/2019", "en", None),
])
def test_numeric_and_non_english_dates(line: str, language: str | None,
                                       day: dt.date | None) -> None:
    date = find_page_date("The council met.", [line], language)
    assert (date.date if date else None) == day


def test_a_date_line_just_above_the_headline_is_header_too() -> None:
    lines = removed("21 September 2020", "SQL", start=3)
    assert header_lines(5, lines) == ["SQL", "21 September 2020"]
