"""Tests for dateline detection: the forms we read, the sentences we must not, and the seeds."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

import pytest

from newsfacts.extract.dateline import find_dateline, read_credit, title_case_place
from newsfacts.records import Dateline

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def check_offsets(body: str, dateline: Dateline) -> None:
    """Spans point into body, end exclusive."""
    assert body[dateline.span.start:dateline.span.end] == dateline.span.text
    if dateline.date_span is not None:
        span = dateline.date_span
        assert body[span.start:span.end] == span.text
        assert dateline.span.start <= span.start < span.end <= dateline.span.end


# body, span text, place, country, date, precision, date text, credit, site
FORMS = [
    ("CARACAS, Venezuela – Venezuelan President Nicolás Maduro has left for Moscow.",
     "CARACAS, Venezuela –", "Caracas", "VE", None, "unknown", None, None, None),
    ("Caracas, July 11 2017 (venezuelanalysis.com) – Both the Kremlin and the ministry agree.",
     "Caracas, July 11 2017 (venezuelanalysis.com) –", "Caracas", "VE",
     dt.date(2017, 7, 11), "day", "July 11 2017", None, "venezuelanalysis.com"),
    ("WASHINGTON (Reuters) - The U.S. Senate voted on Tuesday.",
     "WASHINGTON (Reuters) -", "Washington", "US", None, "unknown", None, "Reuters", None),
    ("LONDON — Britain's economy grew.",
     "LONDON —", "London", "GB", None, "unknown", None, None, None),
    ("Moscow, 5 Dec. 2018 /TASS/. Russian President Vladimir Putin said.",
     "Moscow, 5 Dec. 2018 /TASS/.", "Moscow", "RU",
     dt.date(2018, 12, 5), "day", "5 Dec. 2018", "TASS", None),
    ("BEIJING, March 3 (Reuters) - China said.",
     "BEIJING, March 3 (Reuters) -", "Beijing", "CN", None, "unknown", None, "Reuters", None),
    ("NEW YORK (AP) — Stocks fell.",
     "NEW YORK (AP) —", "New York", "US", None, "unknown", None, "AP", None),
    ("PARIS, Jan. 5, 2019 (AFP) - France said.",
     "PARIS, Jan. 5, 2019 (AFP) -", "Paris", "FR",
     dt.date(2019, 1, 5), "day", "Jan. 5, 2019", "AFP", None),
    ("Kyiv, Ukraine, 12 February 2022 — Ukraine said.",
     "Kyiv, Ukraine, 12 February 2022 —", "Kyiv", "UA",
     dt.date(2022, 2, 12), "day", "12 February 2022", None, None),
    ("WASHINGTON, D.C. — The city council met.",
     "WASHINGTON, D.C. —", "Washington", "US", None, "unknown", None, None, None),
    ("SAN FRANCISCO, Calif. — Tech firms said.",
     "SAN FRANCISCO, Calif. —", "San Francisco", "US", None, "unknown", None, None, None),
    ("UNITED NATIONS (Reuters) - The Security Council met.",
     "UNITED NATIONS (Reuters) -", "United Nations", None, None, "unknown", None, "Reuters", None),
    ("LONDON -- Britain said.", "LONDON --", "London", "GB", None, "unknown", None, None, None),
    ("LONDON – Britain said.", "LONDON –", "London", "GB", None, "unknown", None, None, None),
    ("LONDON - Britain said.", "LONDON -", "London", "GB", None, "unknown", None, None, None),
    ("LONDON—Britain said.", "LONDON—", "London", "GB", None, "unknown", None, None, None),
    ("LONDON- Britain said.", "LONDON-", "London", "GB", None, "unknown", None, None, None),
    ("CARACAS, July 2017 – Prices rose.",
     "CARACAS, July 2017 –", "Caracas", "VE", dt.date(2017, 7, 1), "month", "July 2017",
     None, None),
    ("MOSCOW, Dec 5 /TASS/ Russia said.",
     "MOSCOW, Dec 5 /TASS/", "Moscow", "RU", None, "unknown", None, "TASS", None),
    ("RIO DE JANEIRO (Reuters) - Brazil said.",
     "RIO DE JANEIRO (Reuters) -", "Rio de Janeiro", "BR", None, "unknown", None, "Reuters", None),
    ("ST. PAUL, Minn. (AP) — A jury said.",
     "ST. PAUL, Minn. (AP) —", "St. Paul", "US", None, "unknown", None, "AP", None),
    ("Paris, Texas (AP) — A storm hit.",
     "Paris, Texas (AP) —", "Paris", "US", None, "unknown", None, "AP", None),
    ("SMALLTOWN, Venezuela — Nobody came.",  # unknown town, known region
     "SMALLTOWN, Venezuela —", "Smalltown", "VE", None, "unknown", None, None, None),
    ("London – Britain's economy grew.",  # mixed case, a large city
     "London –", "London", "GB", None, "unknown", None, None, None),
    ("PARIS, Feb. 30, 2019 (AFP) - No such day.",  # impossible date: no date
     "PARIS, Feb. 30, 2019 (AFP) -", "Paris", "FR", None, "unknown", None, "AFP", None),
]


@pytest.mark.parametrize(
    ("body", "text", "place", "country", "date", "precision", "date_text", "credit", "site"),
    FORMS,
    ids=[f[1] for f in FORMS],
)
def test_find_dateline_forms(
    body: str, text: str, place: str, country: str | None, date: dt.date | None,
    precision: str, date_text: str | None, credit: str | None, site: str | None,
) -> None:
    dateline = find_dateline(body)
    assert dateline is not None
    check_offsets(body, dateline)
    assert dateline.span.start == 0 and dateline.span.text == text
    assert (dateline.place, dateline.country) == (place, country)
    assert (dateline.date, dateline.date_precision) == (date, precision)
    assert (dateline.date_span.text if dateline.date_span else None) == date_text
    assert (dateline.credit, dateline.site) == (credit, site)


@pytest.mark.parametrize(
    "body",
    [
        "According to the Venezuelan president, he plans to hold “a very intense meeting”.",
        "Russia has been supporting the sovereignty of Venezuela and arguing otherwise.",
        "The two heads of state discussed their mutual cooperation in “security”.",
        "In 2019 - a year of change - the economy shrank.",
        "Maduro said at yesterdays meeting that “Venezuela and Turkey have relations.”",
        "Mr. Smith – a lawyer – said he would appeal.",
        "Police – who had been called twice – arrived late.",  # a small town's name
        "Venezuela – a country once rich – is in crisis.",  # a bare country name
        "BREAKING — The Senate has voted.",  # a kicker, not a place
        "US – China talks resumed.",  # too short to be a place
        "LONDON",  # no dash, no text after it
        "A-B-C-D-E-F-G-H said nothing.",  # hyphens inside words are no separators
        "NEW YORK-based lenders said.",
        "LONDON —",  # a dash with nothing after it
        "",
    ],
)
def test_find_dateline_not_in_sentences(body: str) -> None:
    assert find_dateline(body) is None


def test_only_the_first_paragraph() -> None:
    body = "The story starts here.\n\nLONDON — Not a dateline where it stands."
    assert find_dateline(body) is None


def test_dateline_does_not_cross_lines() -> None:
    assert find_dateline("LONDON\n— Britain said.") is None


def test_start_offset_reads_a_later_paragraph_with_body_offsets() -> None:
    body = "Standfirst sentence.\n\nLONDON (Reuters) - Britain said."
    dateline = find_dateline(body, start=body.index("\n\n"))
    assert dateline is not None
    check_offsets(body, dateline)
    assert dateline.span.text == "LONDON (Reuters) -"
    assert dateline.span.start == body.index("LONDON")


def test_leading_space_is_skipped() -> None:
    body = "  CARACAS, Venezuela – Text."
    dateline = find_dateline(body)
    assert dateline is not None and dateline.span.start == 2
    check_offsets(body, dateline)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Reuters", ("Reuters", None)), ("The Associated Press", ("AP", None)),
     ("ITAR-TASS", ("TASS", None)), ("dpa", ("dpa", None)), ("CNN", ("CNN", None)),
     ("www.Example.org", (None, "example.org")), ("updated 3pm GMT", (None, None)),
     (None, (None, None))],
)
def test_read_credit(text: str | None, expected: tuple[str | None, str | None]) -> None:
    assert read_credit(text) == expected


@pytest.mark.parametrize(
    ("place", "expected"),
    [("CARACAS", "Caracas"), ("NEW YORK", "New York"), ("WASHINGTON", "Washington"),
     ("PORT-AU-PRINCE", "Port-au-Prince"), ("XI'AN", "Xi'an"),
     ("RIO DE JANEIRO", "Rio de Janeiro")],
)
def test_title_case_place(place: str, expected: str) -> None:
    assert title_case_place(place) == expected


def test_agencies_rules_file() -> None:
    """rules/agencies.json names the wire services datelines credit."""
    rules = json.loads(
        resources.files("newsfacts.rules").joinpath("agencies.json").read_text("utf-8")
    )
    names = {a["name"] for a in rules["agencies"]}
    assert {"Reuters", "AP", "AFP", "TASS", "Xinhua", "EFE", "ANSA", "dpa", "Bloomberg", "UPI",
            "IANS", "PTI", "Anadolu", "Sputnik", "RIA Novosti", "Interfax", "Kyodo", "Yonhap",
            "Prensa Latina"} <= names


def body_from(seed: str, opening: str) -> str:
    """The seed's text from the paragraph that opens with `opening` to the end."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    return text[text.index(opening):]


def test_seed_000_dateline() -> None:
    body = body_from("000_c1accda924f0f9d8.txt", "CARACAS, Venezuela –")
    dateline = find_dateline(body)
    assert dateline is not None
    check_offsets(body, dateline)
    assert dateline.span.text == "CARACAS, Venezuela –"
    assert (dateline.place, dateline.country, dateline.date) == ("Caracas", "VE", None)
    assert (dateline.credit, dateline.site) == (None, None)


def test_seed_004_dateline() -> None:
    body = body_from("004_b37bf997956b9fa5.txt", "Caracas, July 11 2017")
    dateline = find_dateline(body)
    assert dateline is not None
    check_offsets(body, dateline)
    assert dateline.span.text == "Caracas, July 11 2017 (venezuelanalysis.com) –"
    assert (dateline.place, dateline.country) == ("Caracas", "VE")
    assert (dateline.date, dateline.date_precision) == (dt.date(2017, 7, 11), "day")
    assert dateline.date_span is not None and dateline.date_span.text == "July 11 2017"
    assert (dateline.credit, dateline.site) == (None, "venezuelanalysis.com")


@pytest.mark.parametrize("seed", ["000_c1accda924f0f9d8.txt", "004_b37bf997956b9fa5.txt"])
def test_seed_paragraphs_without_dateline(seed: str) -> None:
    """No other paragraph of either seed reads as a dateline."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    found = [p.split(" – ")[0] for p in paragraphs if find_dateline(p) is not None]
    assert found in (["CARACAS, Venezuela"], ["Caracas, July 11 2017 (venezuelanalysis.com)"])
