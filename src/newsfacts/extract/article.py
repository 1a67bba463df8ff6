"""Article-level extraction: headline, standfirst, body, dateline, date, site, word count.

Values the text gives are weighed against what the source's record says (SourceMeta:
extract/source_meta.py), and each keeps where it came from.
"""

from __future__ import annotations

import re

from newsfacts import __version__
from newsfacts.extract.dateline import find_dateline
from newsfacts.extract.page_meta import (
    find_author,
    find_page_date,
    find_site,
    header_lines,
    later_lines,
)
from newsfacts.extract.published_date import extract_published_date
from newsfacts.extract.source_meta import (
    choose_author,
    choose_language,
    choose_published_date,
    choose_site,
    choose_title,
)
from newsfacts.records import Article, CleanArticle, Dateline, Rejection

MAX_STANDFIRST_WORDS = 80
# How many paragraphs after the headline may come before the dateline paragraph.
MAX_PARAGRAPHS_BEFORE_DATELINE = 2
WORD = re.compile(r"\w+(?:[’'\-.]\w+)*")
# "By Jane Doe", "By Jane Doe and John Smith", "By JANE DOE, Reuters": a byline paragraph.
NAME = r"[A-Z][\w.'’\-]+(?:\s+[A-Z][\w.'’\-]+){0,3}"
BYLINE = re.compile(rf"^By\s+(?P<author>{NAME}(?:(?:,\s*|\s+and\s+){NAME}){{0,3}})\.?$")
MIN_STANDFIRST_WORDS = 6
# A body of fewer words is a fragment ("Hello", a line of one character repeated), not an
# article; the shortest real bodies in the dev corpora have 7 (a date line and a time).
MIN_BODY_WORDS = 5


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a cleaned text (separated by blank lines), stripped."""
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def count_words(text: str) -> int:
    """Words in a text: runs of letters/digits, with inner apostrophes, hyphens and dots."""
    return len(WORD.findall(text))


def split_byline(paragraphs: list[str]) -> tuple[str | None, list[str]]:
    """The author named by a byline paragraph right under the headline, and the rest."""
    if paragraphs and (match := BYLINE.match(paragraphs[0])):
        return match.group("author"), paragraphs[1:]
    return None, paragraphs


def count_standfirst_paragraphs(paragraphs: list[str]) -> int:
    """How many leading paragraphs form a standfirst: those before a dateline paragraph.

    Without a dateline we cannot tell a standfirst from a first paragraph, so we say none.
    """
    if not paragraphs or find_dateline(paragraphs[0]) is not None:
        return 0
    for index in range(1, min(len(paragraphs), MAX_PARAGRAPHS_BEFORE_DATELINE + 1)):
        if find_dateline(paragraphs[index]) is not None:
            words = count_words(" ".join(paragraphs[:index]))
            return index if MIN_STANDFIRST_WORDS <= words <= MAX_STANDFIRST_WORDS else 0
    return 0


def reject(clean: CleanArticle, reason: str, detail: str) -> Rejection:
    """A Rejection from the extract stage for this article."""
    return Rejection(
        source_uri=clean.source_uri,
        article_id=clean.article_id,
        raw_sha256=clean.raw_sha256,
        stage="extract",
        reason=reason,
        detail=f"{clean.source_uri}: {detail}",
    )


def extract_article(clean: CleanArticle) -> Article | Rejection:
    """Extract the article row from a cleaned article."""
    paragraphs = split_paragraphs(clean.text)
    # The cleaner decided the headline (clean/headline.py); without one the title is null.
    title = clean.title
    author, rest = split_byline(paragraphs[1:] if title is not None else paragraphs)
    if not rest:
        return reject(clean, "extract_empty_body", "nothing after the headline")
    n_standfirst = count_standfirst_paragraphs(rest)
    standfirst = " ".join(rest[:n_standfirst]) or None
    body = "\n\n".join(rest[n_standfirst:])
    if (words := count_words(body)) < MIN_BODY_WORDS:
        return reject(clean, "extract_too_short",
                      f"the body has {words} word{'s' * (words != 1)}, fewer than "
                      f"{MIN_BODY_WORDS}: not an article")
    dateline = find_dateline(body)
    header = header_lines(clean.title_line, clean.removed, clean.body_line)
    later = later_lines(clean.title_line, clean.removed, clean.body_line)
    meta = clean.meta
    title, title_source = choose_title(title, meta)
    author, author_source = choose_author(author or find_author(rest, header + later), meta)
    site, site_source = choose_site(dateline.site if dateline else None,
                                    find_site(clean.title, clean.removed, None), meta)
    published = choose_published_date(
        extract_published_date(body, dateline, find_page_date(body, header, clean.language, later)),
        meta)
    return Article(
        article_id=clean.article_id,
        source_uri=clean.source_uri,
        raw_sha256=clean.raw_sha256,
        url=meta.url if meta else None,
        site=site,
        site_source=site_source,
        title=title,
        title_source=title_source,
        standfirst=standfirst,
        author=author,
        author_source=author_source,
        credit=dateline.credit if dateline else None,
        body=body,
        language=choose_language(clean.language, meta),
        word_count=count_words(body),
        **dateline_columns(dateline),
        published_date=published.date,
        published_date_precision=published.precision,
        published_date_source=published.source,
        published_date_start=published.span.start if published.span else None,
        published_date_end=published.span.end if published.span else None,
        boilerplate_lines_removed=len(clean.removed),
        pipeline_version=__version__,
    )


def dateline_columns(dateline: Dateline | None) -> dict[str, object]:
    """The article columns that describe the dateline."""
    if dateline is None:
        return {"dateline": None, "dateline_place": None, "dateline_country": None,
                "dateline_start": None, "dateline_end": None}
    return {
        "dateline": dateline.span.text,
        "dateline_place": dateline.place,
        "dateline_country": dateline.country,
        "dateline_start": dateline.span.start,
        "dateline_end": dateline.span.end,
    }
