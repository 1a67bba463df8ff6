"""Time expressions of events ("on Tuesday", "Monday evening", "last year") and their dates.

`find_time_expressions` finds them in a text (regular expressions, English); which one belongs
to an event is decided by `extract.events` from the parse. `resolve_event_date` turns one into
a date with a precision, given the article's date and how precise that is: an expression never
comes out more precise than the date it is resolved against ("Tuesday" in an article known only
to the year 2018 is 2018, precision year).
"""

from __future__ import annotations

import datetime as dt
import re

from newsfacts.records import DatePrecision, Span

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_PART = r"(?:\s+(?:morning|afternoon|evening|night))?"
_RELATIVE = r"(?:last|this|next|this\s+coming|coming|past|previous)"
# Longest alternatives first; case-insensitive except month and weekday names (capitalised).
TIME_EXPRESSION = re.compile(
    rf"(?:\b(?:on|since|by|until|from|in|during|late|early)\s+)?(?:"
    rf"(?:{_WEEKDAY}),?\s+(?:{_MONTH})\s+\d{{1,2}}(?:,?\s+\d{{4}})?"
    rf"|(?:{_MONTH})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH})(?:,?\s+\d{{4}})?"
    rf"|(?i:{_RELATIVE})\s+(?:{_MONTH}|{_WEEKDAY})"
    rf"|(?i:{_RELATIVE})\s+(?i:week(?:end)?|month|year)"
    rf"|(?:{_MONTH})\s+\d{{4}}"
    rf"|(?:{_WEEKDAY}){_PART}"
    rf"|(?i:yesterday|today|tomorrow|tonight)(?:\s+(?i:morning|afternoon|evening))?"
    rf"|(?:{_MONTH})(?=[\s,.;])"
    rf"|(?<!\d)(?:19[5-9]\d|20\d\d)(?!\d)"
    rf")\b"
)
YEAR_PREPOSITION = re.compile(r"\b(?:in|since|of|by|until)\s+$")
LONGEST_YEAR_PREPOSITION = 5  # "since", "until"
# A bare "May" or "March" is mostly a verb: it counts as a month only after these words.
MONTH_NEEDS_PREPOSITION = frozenset({"may", "march"})


def after_year_preposition(text: str, start: int) -> bool:
    """Whether `text[:start]` ends with "in", "since", "of", "by" or "until" and spaces.

    Looks only at the end (searching the whole prefix for each year was quadratic)."""
    word_end = start
    while word_end > 0 and text[word_end - 1].isspace():
        word_end -= 1
    window = text[max(word_end - LONGEST_YEAR_PREPOSITION - 1, 0):start]
    return word_end < start and YEAR_PREPOSITION.search(window) is not None


def find_time_expressions(text: str) -> list[Span]:
    """Time expressions in a text, leading preposition included ("on Tuesday")."""
    spans = []
    for match in TIME_EXPRESSION.finditer(text):
        words = match.group().split()
        bare = words[-1].rstrip(".").lower()
        if len(words) == 1 and bare in MONTH_NEEDS_PREPOSITION:
            continue
        if len(words) == 1 and bare.isdigit() and not after_year_preposition(text, match.start()):
            continue  # a bare year only after "in", "since" ... ("in 2017"), not "2,000 people"
        spans.append(Span(match.start(), match.end(), match.group()))
    return spans


def month_number(word: str) -> int | None:
    """1-12 for a month name or abbreviation ("Sept.", "october"), else None."""
    key = word.rstrip(".").lower()
    for number, month in enumerate(MONTHS, start=1):
        if key == month or (len(key) >= 3 and month.startswith(key)):
            return number
    return None


def shift_weekday(reference: dt.date, weekday: int, direction: int) -> dt.date:
    """The nearest such weekday before (direction -1) or after (+1) the reference, or itself."""
    delta = (weekday - reference.weekday()) % 7
    if direction > 0:
        return reference + dt.timedelta(days=delta)
    return reference - dt.timedelta(days=(7 - delta) % 7)


def month_in_context(reference: dt.date, month: int, relative: str | None,
                     future: bool) -> dt.date:
    """The first day of a month named relative to the reference date."""
    year = reference.year
    if relative in ("last", "past", "previous") or (relative is None and not future
                                                     and month > reference.month):
        year -= 1 if month >= reference.month else 0
    elif relative in ("next", "coming", "this coming") or (relative is None and future):
        year += 1 if month < reference.month else 0
    return dt.date(year, month, 1)


PRECISION_RANK = {"unknown": 0, "year": 1, "month": 2, "day": 3}


def coarsest(date: dt.date, precision: DatePrecision,
             limit: DatePrecision) -> tuple[dt.date | None, DatePrecision]:
    """The date cut to the coarser of two precisions (day > month > year > unknown)."""
    keep = precision if PRECISION_RANK[precision] <= PRECISION_RANK[limit] else limit
    if keep == "unknown":
        return None, "unknown"
    if keep == "year":
        return dt.date(date.year, 1, 1), "year"
    if keep == "month":
        return dt.date(date.year, date.month, 1), "month"
    return date, "day"


def resolve_event_date(
    expression: str,
    article_date: dt.date | None,
    article_precision: DatePrecision = "day",
    future: bool = False,
) -> tuple[dt.date | None, DatePrecision]:
    """The date an expression means, read against the article's date.

    A weekday is the last such day up to the article's date, or the next from it for a
    `future` (planned) event; "last/next year" shift the year; a month without a year is
    the one around the article's date (the coming one for a future event). Absolute dates
    ("July 10, 2017", "in 2017") need no article date. Precision never exceeds the article's.
    """
    text = " ".join(expression.lower().replace(",", " ").split())
    text = re.sub(r"^(?:on|since|by|until|from|in|during|late|early)\s+", "", text)
    text = re.sub(r"\s+(?:morning|afternoon|evening|night)$", "", text)
    absolute = resolve_absolute(text, article_date)
    if absolute is not None:
        return absolute
    if article_date is None or article_precision == "unknown":
        return None, "unknown"
    resolved = resolve_relative(text, article_date, future)
    if resolved is None:
        return None, "unknown"
    date, precision = resolved
    if PRECISION_RANK[precision] > PRECISION_RANK[article_precision] or (
            article_precision == "year" and precision != "year"):
        # Finer than what is known of the article's date ("yesterday" in an article known to
        # the year): only the article's own period is known.
        return coarsest(article_date, article_precision, article_precision)
    return coarsest(date, precision, article_precision)


def resolve_absolute(
    text: str, article_date: dt.date | None
) -> tuple[dt.date, DatePrecision] | None:
    """Dates that carry their own year ("july 10 2017", "10 july 2017", "june 2017", "2017")."""
    words = text.replace(" of ", " ").split()
    if words and words[0] in WEEKDAYS:
        words = words[1:]
    numbers = [w.rstrip("stndrh") for w in words if w.rstrip("stndrh").isdigit()]
    months = [m for w in words if (m := month_number(w))]
    years = [int(n) for n in numbers if len(n) == 4]
    days = [int(n) for n in numbers if len(n) <= 2]
    if not years:
        if months and days and article_date is not None:
            return dt.date(article_date.year, months[0], days[0]), "day"
        return None
    if months and days:
        return dt.date(years[0], months[0], days[0]), "day"
    if months:
        return dt.date(years[0], months[0], 1), "month"
    return dt.date(years[0], 1, 1), "year"


def resolve_relative(text: str, reference: dt.date,
                     future: bool) -> tuple[dt.date, DatePrecision] | None:
    """Dates named relative to the reference ("yesterday", "last year", "this coming october")."""
    offsets = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}
    if text in offsets:
        return reference + dt.timedelta(days=offsets[text]), "day"
    match = re.fullmatch(r"(?:(last|this coming|coming|this|next|past|previous)\s+)?(\w+)", text)
    if not match:
        return None
    relative, word = match.group(1), match.group(2)
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "this coming": 1}
    if word in WEEKDAYS:
        direction = step.get(relative or "", 1 if future else -1)
        return shift_weekday(reference, WEEKDAYS.index(word), direction), "day"
    if word in ("year", "month", "week", "weekend"):
        shift = step.get(relative or "this", 0)
        if word == "year":
            return dt.date(reference.year + shift, 1, 1), "year"
        if word == "month":
            month_index = reference.year * 12 + reference.month - 1 + shift
            return dt.date(month_index // 12, month_index % 12 + 1, 1), "month"
        day = reference + dt.timedelta(days=7 * shift)
        return dt.date(day.year, day.month, 1), "month"  # no week precision: the month
    if month := month_number(word):
        return month_in_context(reference, month, relative, future), "month"
    return None
