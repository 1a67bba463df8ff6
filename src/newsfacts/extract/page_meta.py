"""Page metadata around the article: byline author, site name and visible publication date.

Scraped pages carry these outside the article text too: the cleaner removes a byline,
a "Published ..." line or a "© 2019 Site" footer as boilerplate, so we read the removed
lines (`CleanArticle.removed`) as well as the first paragraphs of the body.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from importlib import resources

from newsfacts.clean.headline import line_key, split_site_suffix
from newsfacts.extract.dateline import MONTH, read_date
from newsfacts.records import BoilerplateLine, PublishedDate, Span

HEAD_PARAGRAPHS = 3  # body paragraphs that may hold a byline or a date line
MAX_DATE_LINE_WORDS = 12  # a body paragraph giving the date is a short line, not prose
MAX_LINES_AFTER_TITLE = 30  # removed lines this close under the headline are its header
MAX_LINES_BEFORE_TITLE = 3  # ... and these just above it (a date line over the headline)
MAX_LINES_OVER_BODY = 8  # ... and these over the first body line (byline, date, share counts)
MAX_NAMES = 4
UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"
# A name word is capitalised and is not a month: "By JANE DOE JAN. 13, 2017" ends at "JAN.".
NAME_WORD = rf"(?!{MONTH}(?:\s|$))(?:[{UPPER}][\w'’\-]*\.?|[{UPPER}]\.)"
NAME = rf"{NAME_WORD}(?:\s+(?:(?:de|van|von|der|da|del|la|le)\s+)?{NAME_WORD}){{1,3}}"
NAMES = re.compile(rf"(?P<names>{NAME}(?:\s*(?:,|\band\b|&|\bet\b|\bund\b|\by\b)\s*{NAME})*)")
SEPARATOR_CREDIT = re.compile(rf"^(?P<name>{NAME})\s*\|\s*\S")  # "Jane Doe | Reuters"
HS = r"[^\S\n]"
DAY_FIRST = rf"\d{{1,2}}(?:st|nd|rd|th)?\.?{HS}+{MONTH},?{HS}+\d{{4}}"
MONTH_FIRST = rf"{MONTH}{HS}+\d{{1,2}}(?:st|nd|rd|th)?,?{HS}+\d{{4}}"
ISO = r"(?P<iso>\d{4}-\d{2}-\d{2})(?=T|\b)"
DATE = re.compile(rf"(?:{ISO}|(?P<text>{DAY_FIRST}|{MONTH_FIRST}))")
# "12/03/2019", "11.03.17", "21.dez.2018", "30 avril 2015", "24 de noviembre de 2017".
NUMERIC_DATE = re.compile(r"(?<![\d.,/])(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)"
                          r"(?P<y>\d{4}|\d{2})(?![\d/]|\.\d)")
WORD_DATE = re.compile(r"(?<!\d)(?P<d>\d{1,2})(?:er|º|\.)?[^\S\n]*(?:de[^\S\n]+)?[./]?"
                       r"(?P<m>[^\W\d_]{3,10})\.?[^\S\n]*(?:de[^\S\n]+)?[./,]?[^\S\n]*"
                       r"(?P<y>(?:19|20)\d\d)\b")
PUBLISHED = re.compile(r"\b(?:published|posted|publié|veröffentlicht|publicado|pubblicato)\b",
                       re.IGNORECASE)
UPDATED = re.compile(r"\b(?:updated|modified|last modified|mis à jour|aktualisiert|actualizado)\b",
                     re.IGNORECASE)
COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?"
    rf"(?P<site>[{UPPER}\w][\w.&'’ -]{{1,40}}?)\s*(?:[.,|/]|\ball rights\b|$)",
    re.IGNORECASE,
)
NOT_SITE = re.compile(r"^\d|\ball rights\b|^by\b|\d{4}", re.IGNORECASE)
COMPANY_WORDS = re.compile(r"\s+(?:inc|llc|ltd|limited|plc|gmbh|corp|media|group)\b.*$",
                           re.IGNORECASE)


@cache
def date_rules() -> tuple[dict[str, int], frozenset[str]]:
    """Month name -> number in the languages of rules/dates.json, and the month-first ones."""
    data = json.loads(resources.files("newsfacts.rules").joinpath("dates.json").read_text("utf-8"))
    months = {name: number for names in data["months"].values()
              for number, name in enumerate(names, start=1)}
    return months, frozenset(data["month_first_languages"])


def full_year(text: str) -> int:
    """A four-digit year; a two-digit one is 20xx up to 69, else 19xx."""
    year = int(text)
    return year if len(text) == 4 else (2000 + year if year < 70 else 1900 + year)


def read_numeric_date(match: re.Match[str], language: str | None) -> dt.date | None:
    """The day of "12/03/2019": a part above 12 is the day, else the language's order."""
    a, b, year = int(match.group("a")), int(match.group("b")), full_year(match.group("y"))
    month_first = language in date_rules()[1]
    if a > 12 or (b <= 12 and not month_first):
        day, month = a, b
    else:
        month, day = a, b
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def read_word_date(match: re.Match[str]) -> dt.date | None:
    """The day of "30 avril 2015" or "21.dez.2018" (months of rules/dates.json)."""
    month = date_rules()[0].get(match.group("m").casefold())
    if month is None:
        return None
    try:
        return dt.date(int(match.group("y")), month, int(match.group("d")))
    except ValueError:
        return None


@cache
def byline_rules() -> dict[str, frozenset[str]]:
    """Prefixes, roles and non-names of bylines (data: rules/bylines.json)."""
    text = resources.files("newsfacts.rules").joinpath("bylines.json").read_text("utf-8")
    data = json.loads(text)
    return {key: frozenset(data[key]) for key in ("prefixes", "roles", "not_names")}


def strip_byline_prefix(line: str) -> str | None:
    """The rest of a line that opens with a byline prefix ("By", "Written by"), else None."""
    lowered = line.strip().lower()
    for prefix in sorted(byline_rules()["prefixes"], key=len, reverse=True):
        if lowered.startswith(prefix) and (prefix.endswith(":") or lowered[len(prefix):][:1]
                                           in (" ", "\t")):
            return line.strip()[len(prefix):].strip()
    return None


def clean_names(text: str) -> str | None:
    """Author names at the start of text, up to a role word, a date, a handle or a digit."""
    match = NAMES.match(text)
    if match is None:
        return None
    rules = byline_rules()
    names = []
    for part in re.split(r"\s*(?:,|\band\b|&|\bet\b|\bund\b|\by\b)\s*", match.group("names")):
        words = part.split()
        if not words or words[0].lower() in rules["not_names"]:
            break
        if any(w.lower().strip(".") in rules["roles"] for w in words):
            break
        names.append(part)
    if not names or len(names) > MAX_NAMES:
        return None
    return ", ".join(names) if len(names) > 1 else names[0]


def author_of_line(line: str) -> str | None:
    """The author a byline line names: "By Jane Doe", "Jane Doe | Reuters", "Author: ..."."""
    rest = strip_byline_prefix(line)
    if rest is not None:
        return clean_names(rest)
    credit = SEPARATOR_CREDIT.match(line.strip())
    return clean_names(credit.group("name")) if credit else None


def header_lines(title_line: int | None, removed: tuple[BoilerplateLine, ...],
                 body_line: int | None = None) -> list[str]:
    """The page's header: removed lines just under the headline (down to the first body line
    when it is known), the few just above the headline, then the few just above the first
    body line (a byline and date block over the article). All removed lines when the
    headline is unknown.
    """
    if title_line is None:
        return [line.text for line in removed]
    end = title_line + MAX_LINES_AFTER_TITLE + 1
    if body_line is not None and body_line > title_line:
        end = min(end, body_line)
    below = [line for line in removed if title_line < line.line_no < end]
    above = [line for line in sorted(removed, key=lambda line: -line.line_no)
             if title_line - MAX_LINES_BEFORE_TITLE <= line.line_no < title_line]
    over_body = [] if body_line is None else [
        line for line in sorted(removed, key=lambda line: -line.line_no)
        if max(end, body_line - MAX_LINES_OVER_BODY) <= line.line_no < body_line]
    return [line.text for line in below + above + over_body]


def later_lines(title_line: int | None, removed: tuple[BoilerplateLine, ...],
                body_line: int | None) -> list[str]:
    """Removed lines close under the headline but after the first body line: read after the
    body's own first paragraphs (a teaser's date there is not the article's)."""
    if title_line is None or body_line is None or body_line <= title_line:
        return []
    return [line.text for line in removed
            if body_line <= line.line_no <= title_line + MAX_LINES_AFTER_TITLE]


def find_author(paragraphs: list[str], header: list[str]) -> str | None:
    """The first byline among the header lines, then the first body paragraphs."""
    for line in [*header, *paragraphs[:HEAD_PARAGRAPHS]]:
        author = author_of_line(line)
        if author:
            return author
    return None


def site_from_title_line(title: str | None, removed: tuple[BoilerplateLine, ...]) -> str | None:
    """The site of a page-title line "Headline | Site" whose headline is ours."""
    if not title:
        return None
    for line in removed:
        split = split_site_suffix(line.text)
        if split is not None and line_key(split[0]) == line_key(title):
            return split[1]
    return None


def site_from_copyright(removed: tuple[BoilerplateLine, ...]) -> str | None:
    """The owner named by the last copyright line: "© 2019 The Daily Bugle. All rights ..."."""
    for line in reversed(removed):
        match = COPYRIGHT.search(line.text)
        if match:
            site = COMPANY_WORDS.sub("", match.group("site")).strip(" .,-")
            if len(site) >= 2 and not NOT_SITE.search(site):
                return site
    return None


def find_site(title: str | None, removed: tuple[BoilerplateLine, ...],
              dateline_site: str | None) -> str | None:
    """The dateline's credit site, else the page title's suffix, else the copyright owner."""
    return dateline_site or site_from_title_line(title, removed) or site_from_copyright(removed)


def read_visible_date(text: str, language: str | None = None
                      ) -> tuple[dt.date, re.Match[str]] | None:
    """The first full date (day, month, year) written in a line, with its match: English
    month names, ISO, then other languages' month names, then numeric dates."""
    for match in DATE.finditer(text):
        if match.group("iso"):
            try:
                return dt.date.fromisoformat(match.group("iso")), match
            except ValueError:
                continue
        date, precision = read_date(match.group("text"))
        if date is not None and precision == "day":
            return date, match
    for match in WORD_DATE.finditer(text):
        if (date := read_word_date(match)) is not None:
            return date, match
    for match in NUMERIC_DATE.finditer(text):
        if (date := read_numeric_date(match, language)) is not None:
            return date, match
    return None


def date_rank(line: str) -> int:
    """0 for a "Published" line, 1 for a plain one, 2 for an "Updated" one."""
    if PUBLISHED.search(line):
        return 0
    return 2 if UPDATED.search(line) else 1


def find_page_date(body: str, header: list[str], language: str | None = None,
                   later: list[str] | None = None) -> PublishedDate | None:
    """The visible publication date: "Published" over plain over "Updated", then the first
    in reading order: header lines, the body's first paragraphs, then `later` lines.

    A date in the body's first paragraphs has source `text` and offsets into body; one in a
    removed header line has source `page` and no offsets (it is not in the body).
    """
    found: list[tuple[int, int, PublishedDate]] = []
    for order, line in enumerate(header):
        hit = read_visible_date(line, language)
        if hit:
            found.append((date_rank(line), order, PublishedDate(hit[0], "day", "page", None)))
    offset = 0
    for order, paragraph in enumerate(body.split("\n\n")[:HEAD_PARAGRAPHS], start=len(header)):
        hit = read_visible_date(paragraph, language)
        if hit and len(paragraph.split()) <= MAX_DATE_LINE_WORDS:
            start, end = offset + hit[1].start(), offset + hit[1].end()
            span = Span(start, end, body[start:end])
            found.append((date_rank(paragraph), order, PublishedDate(hit[0], "day", "text", span)))
        offset += len(paragraph) + 2
    for order, line in enumerate(later or [], start=len(header) + HEAD_PARAGRAPHS):
        hit = read_visible_date(line, language)
        if hit:
            found.append((date_rank(line), order, PublishedDate(hit[0], "day", "page", None)))
    return min(found, key=lambda f: (f[0], f[1]))[2] if found else None
