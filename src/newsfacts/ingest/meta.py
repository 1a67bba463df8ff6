"""Metadata that sources give beside the text (JSONL fields, feed entries), made uniform."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable

from newsfacts.records import SourceMeta

SPACES = re.compile(r"\s+")
# trafilatura joins several authors with "; " (trafilatura/metadata.py, normalize_authors).
AUTHOR_SEPARATOR = re.compile(r"\s*;\s*")
HTTP_URL = re.compile(r"^https?://", re.IGNORECASE)


def clean_value(value: object) -> str | None:
    """A metadata string with its whitespace collapsed; None when empty or not a string."""
    if not isinstance(value, str):
        return None
    text = SPACES.sub(" ", value).strip()
    return text or None


def normalize_published(value: object) -> str | None:
    """ISO 8601 for a date or date-time we can read ("2018-10-03 12:00:00" becomes
    "2018-10-03T12:00:00"); other text as written, spacing collapsed."""
    text = clean_value(value)
    if text is None:
        return None
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
        try:
            return parse(text).isoformat()
        except ValueError:
            continue
    return text


def iso_from_struct(value: time.struct_time | None) -> str | None:
    """ISO 8601 (UTC, seconds) of a parsed feed date (feedparser gives UTC struct_times)."""
    if value is None:
        return None
    return dt.datetime(*value[:6], tzinfo=dt.UTC).isoformat()


def split_authors(value: object) -> tuple[str, ...]:
    """Author names from a list (news-please) or a "A; B" string (trafilatura)."""
    if isinstance(value, str):
        names: Iterable[object] = AUTHOR_SEPARATOR.split(value)
    elif isinstance(value, list):
        names = value
    else:
        return ()
    cleaned = (clean_value(name) for name in names)
    return tuple(dict.fromkeys(name for name in cleaned if name))


def http_url(value: object) -> str | None:
    """The value when it is an http(s) URL, else None."""
    text = clean_value(value)
    return text if text is not None and HTTP_URL.match(text) else None


def make_meta(url: object = None, title: object = None, published: object = None,
              authors: object = None, site: object = None, language: object = None) -> SourceMeta:
    """A SourceMeta from loosely typed source values (anything unusable becomes None)."""
    return SourceMeta(
        url=http_url(url),
        title=clean_value(title),
        published=normalize_published(published),
        authors=split_authors(authors),
        site=clean_value(site),
        language=clean_value(language),
    )
