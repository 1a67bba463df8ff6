"""Datelines: where, when and for whom a story was filed, read off its first paragraph."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from importlib import resources

from newsfacts.extract.places import country_of_region, is_non_place, lookup_place
from newsfacts.records import Dateline, DatePrecision, Span

# Lowercase words that may join the capitalised words of a place: "Rio de Janeiro".
PLACE_CONNECTORS = (
    "de", "del", "da", "das", "do", "dos", "di", "du", "la", "le", "las", "les", "los", "el",
    "al", "of", "on", "upon", "am", "an", "der", "den", "sur", "en", "au", "aux",
)
MONTH_NUMBERS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
# A place written in mixed case with nothing after it but the dash ("Police – who ...")
# must be a city at least this large, or one of our overrides: a bare country name or a
# small town's name opening a sentence is more often a subject than a dateline.
MIN_BARE_PLACE_POPULATION = 100_000
MIN_PLACE_LETTERS = 3  # "US – China talks ..." is no dateline

HS = r"[^\S\r\n]"  # horizontal space: a dateline never crosses a line
# The separator is "--" or a dash, or a hyphen with a space on one side at least
# ("LONDON—Britain" is a dateline, "A-B-C" is not).
UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f"
# One capitalised word of a place, with up to three hyphenated parts ("Saint-Jean-de-Luz");
# bounded so a run of capitals can never make a dateline of a whole paragraph.
TOKEN = rf"[{UPPER}][\w'’.]{{0,24}}(?:-[\w'’.]{{1,24}}){{0,3}}"
CONNECTOR = "(?:" + "|".join(PLACE_CONNECTORS) + ")"
MONTH = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
DAY = r"\d{1,2}(?:st|nd|rd|th)?\b"
YEAR = r"(?:1[89]|20)\d\d\b"
DATE = (
    rf"(?:{MONTH}{HS}+{DAY}(?:{HS}*,?{HS}*{YEAR})?"  # July 11 2017, Jan. 5, 2019, March 3
    rf"|{DAY}{HS}+{MONTH}(?:{HS}*,?{HS}*{YEAR})?"  # 5 Dec. 2018, 12 February 2022
    rf"|{MONTH}{HS}+{YEAR})"  # July 2017
)
DATELINE = re.compile(
    rf"""
    (?P<place>{TOKEN}(?:{HS}+(?:{CONNECTOR}{HS}+)?{TOKEN}){{0,3}})
    (?:{HS}*,{HS}*(?!{MONTH})(?P<region>{TOKEN}(?:{HS}+(?:{CONNECTOR}{HS}+)?{TOKEN}){{0,2}}))?
    (?:{HS}*,?{HS}*(?P<date>{DATE}))?
    (?:{HS}*(?:\((?P<paren>[^()\n]{{1,60}})\)|/(?P<slash>[^/\n]{{1,40}})/))?
    (?P<sep>{HS}*(?:--|[‒–—―])|{HS}+-|-(?={HS})|(?(slash)\.?|(?(paren)\.|(?!))))
    (?={HS}*\S)
    """,
    re.VERBOSE,
)
LEADING_SPACE = re.compile(r"\s*")
MONTH_NAME = re.compile(r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
DAY_NUMBER = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\b")
YEAR_NUMBER = re.compile(rf"\b{YEAR}")
DOMAIN = re.compile(r"(?:www\.)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})", re.IGNORECASE)
CREDIT_NAME = re.compile(rf"[{UPPER}][\w&.'’-]*(?: [\w&.'’-]+){{0,4}}")


@lru_cache(maxsize=1)
def agency_names() -> dict[str, str]:
    """Case-folded agency name or alias -> the credit we record, from rules/agencies.json."""
    text = resources.files("newsfacts.rules").joinpath("agencies.json").read_text("utf-8")
    return {
        name.casefold(): agency["name"]
        for agency in json.loads(text)["agencies"]
        for name in (agency["name"], *agency["aliases"])
    }


def is_all_caps(text: str) -> bool:
    """True when every letter is a capital, and there are some: "NEW YORK", "D.C."."""
    return text.upper() == text and any(c.isalpha() for c in text)


def title_case_word(word: str, first: bool) -> str:
    """One word of an ALL-CAPS place in title case; connectors lowercase unless first."""
    parts = word.split("-")
    return "-".join(
        part.lower() if (i or not first) and part.lower() in PLACE_CONNECTORS
        else part[:1].upper() + part[1:].lower()
        for i, part in enumerate(parts)
    )


def title_case_place(place: str) -> str:
    """ "NEW YORK" -> "New York", "PORT-AU-PRINCE" -> "Port-au-Prince", "XI'AN" -> "Xi'an"."""
    return " ".join(title_case_word(w, i == 0) for i, w in enumerate(place.split()))


def read_date(text: str) -> tuple[dt.date | None, DatePrecision]:
    """The date of a dateline's date text, with its precision; (None, "unknown") without a year."""
    month_name = MONTH_NAME.search(text)
    year = YEAR_NUMBER.search(text)
    if month_name is None or year is None:
        return None, "unknown"
    month = MONTH_NUMBERS[month_name.group(1).lower()]
    day = DAY_NUMBER.search(text)
    try:
        if day is None:
            return dt.date(int(year.group()), month, 1), "month"
        return dt.date(int(year.group()), month, int(day.group(1))), "day"
    except ValueError:  # "Feb. 30"
        return None, "unknown"


def read_credit(text: str | None) -> tuple[str | None, str | None]:
    """(credit, site) of the parenthesised or slashed part: an agency, a domain or a name."""
    text = " ".join((text or "").split())
    if not text:
        return None, None
    agency = agency_names().get(text.casefold())
    if agency:
        return agency, None
    domain = DOMAIN.fullmatch(text)
    if domain:
        return None, domain.group(1).lower()
    return (text, None) if CREDIT_NAME.fullmatch(text) else (None, None)


def is_credible_place(place: str, region: str | None, bare: bool) -> bool:
    """Whether the words before the dash can be a dateline place, not a sentence's subject.

    ALL CAPS is the dateline convention; mixed case must resolve to a known place, or have a
    region that resolves; with nothing but the dash after it, it must be a large city.
    """
    if sum(c.isalpha() for c in place) < MIN_PLACE_LETTERS or is_non_place(place):
        return False
    if is_all_caps(place):
        return True
    match = lookup_place(place, region)
    if bare:
        return match is not None and (
            match.kind == "override"
            or (match.kind == "city" and match.population >= MIN_BARE_PLACE_POPULATION)
        )
    return match is not None or (region is not None and country_of_region(region) is not None)


def make_span(body: str, start: int, end: int) -> Span:
    """The Span of body[start:end]."""
    return Span(start, end, body[start:end])


def find_dateline(body: str, start: int = 0) -> Dateline | None:
    """The dateline opening the paragraph at `start` of body (default: the first), or None.

    Offsets are into body. The span runs from the place to the dash (or slashed credit, or
    the period after a credit) that ends the dateline: "CARACAS, Venezuela –",
    "Caracas, July 11 2017 (venezuelanalysis.com) –", "Moscow, 5 Dec. 2018 /TASS/.".
    """
    match = DATELINE.match(body, LEADING_SPACE.match(body, start).end())
    if match is None:
        return None
    place, region, date_text = match.group("place", "region", "date")
    bare = not (region or date_text or match.group("paren") or match.group("slash"))
    if not is_credible_place(place, region, bare):
        return None
    found = lookup_place(place, region)
    country = found.country if found else (country_of_region(region) if region else None)
    date, precision = read_date(date_text) if date_text else (None, "unknown")
    credit, site = read_credit(match.group("paren") or match.group("slash"))
    return Dateline(
        span=make_span(body, match.start("place"), match.end("sep")),
        place=title_case_place(place) if is_all_caps(place) else place,
        country=country,
        date=date,
        date_precision=precision,
        date_span=make_span(body, match.start("date"), match.end("date")) if date else None,
        credit=credit,
        site=site,
    )
