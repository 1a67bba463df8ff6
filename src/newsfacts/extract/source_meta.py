"""What a source's record says about an article (SourceMeta), read into article values.

The text and the record can both name a title, author, site, date and language; these
functions read the record's values and decide between the two, saying where each value
came from (`ValueSource`, `DateSource`). The order of precedence and its reasons are in
docs/architecture.md ("Source metadata").
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import urllib.parse

from newsfacts.clean.normalize import normalize_text
from newsfacts.records import DatePrecision, PublishedDate, SiteSource, SourceMeta, ValueSource

# "2018", "2018-10", "2018-10-03", then anything after a "T" or a space (a time, a zone):
# the date is taken as the source wrote it, in the publisher's time zone, never converted.
ISO_DATE = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?(?:[T ].*)?$")
# Before this year a record's date is a placeholder ("0001-01-01", a zero value), not news.
MIN_YEAR = 1900
# ISO 639-1 primary subtag of "en", "en-US", "en_GB", "EN".
LANGUAGE_TAG = re.compile(r"^(?P<code>[a-z]{2})(?:[-_][a-z0-9]+)*$")
PRECISION_RANK: dict[DatePrecision, int] = {"unknown": 0, "year": 1, "month": 2, "day": 3}
SPACES = re.compile(r"\s+")


def normalized(value: str | None) -> str | None:
    """A record's text value normalised as the article text is (mojibake repaired, NFC:
    clean/normalize.py), on one line; None when nothing is left."""
    if value is None:
        return None
    return SPACES.sub(" ", normalize_text(value)).strip() or None


def date_of_record(value: str | None) -> PublishedDate | None:
    """The record's publication date with its precision, source `source_metadata`; None
    when it has none or it cannot be read ("yesterday", "2018-13-45", a year before 1900)."""
    if value is None:
        return None
    found = read_iso_date(value.strip()) or read_email_date(value)
    if found is None or found[0].year < MIN_YEAR:
        return None
    return PublishedDate(found[0], found[1], "source_metadata", None)


def read_iso_date(text: str) -> tuple[dt.date, DatePrecision] | None:
    """An ISO 8601 date of year, month or day precision, or None."""
    match = ISO_DATE.match(text)
    if match is None:
        return None
    year, month, day = match.group("y", "m", "d")
    precision: DatePrecision = "day" if day else "month" if month else "year"
    try:
        return dt.date(int(year), int(month or 1), int(day or 1)), precision
    except ValueError:
        return None


def read_email_date(text: str) -> tuple[dt.date, DatePrecision] | None:
    """An RFC 2822 date ("Wed, 03 Oct 2018 12:00:00 GMT", as RSS writes them), or None."""
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return (parsed.date(), "day") if parsed is not None else None


def choose_published_date(text_date: PublishedDate, meta: SourceMeta | None) -> PublishedDate:
    """The text's date (dateline, page, inferred) unless the record's is more precise.

    At equal precision the text wins: its date is evidence a reader can check in the
    article, while a record's date is often a crawler's guess or the feed's insertion time.
    """
    record = date_of_record(meta.published) if meta else None
    if record is None:
        return text_date
    if text_date.date is None or PRECISION_RANK[record.precision] > PRECISION_RANK[
            text_date.precision]:
        return record
    return text_date


def choose_title(page_title: str | None, meta: SourceMeta | None
                 ) -> tuple[str | None, ValueSource | None]:
    """The record's title when it has one (the publisher's: a JSONL record's, a feed
    entry's), else the headline the cleaner found on the page."""
    if meta is not None and (title := normalized(meta.title)) is not None:
        return title, "source_metadata"
    return page_title, "page" if page_title is not None else None


def choose_author(page_author: str | None, meta: SourceMeta | None
                  ) -> tuple[str | None, ValueSource | None]:
    """The page's byline, else the record's authors joined by ", "."""
    if page_author:
        return page_author, "page"
    authors = [name for name in map(normalized, meta.authors if meta else ()) if name]
    if authors:
        return ", ".join(dict.fromkeys(authors)), "source_metadata"
    return None, None


def host_of(url: str | None) -> str | None:
    """The host of a URL without "www.", lower case; None without one."""
    if url is None:
        return None
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def choose_site(dateline_site: str | None, page_site: str | None, meta: SourceMeta | None
                ) -> tuple[str | None, SiteSource | None]:
    """The dateline's site, the page's, the record's site name, then the URL's host."""
    candidates: list[tuple[str | None, SiteSource]] = [
        (dateline_site, "dateline"), (page_site, "page"),
        (normalized(meta.site) if meta else None, "source_metadata"),
        (host_of(meta.url) if meta else None, "url"),
    ]
    return next(((site, source) for site, source in candidates if site), (None, None))


def choose_language(detected: str | None, meta: SourceMeta | None) -> str | None:
    """The detected language; the record's ISO 639-1 code only when the text is too short
    to tell (detection reads the body itself, a record's language may be the site's)."""
    if detected is not None or meta is None or meta.language is None:
        return detected
    match = LANGUAGE_TAG.match(meta.language.strip().lower())
    return match.group("code") if match else None
