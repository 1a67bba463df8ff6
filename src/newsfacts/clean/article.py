"""The clean stage: normalise a RawArticle, remove boilerplate, find the headline, language."""

from __future__ import annotations

from dataclasses import replace

from newsfacts.clean.boilerplate import (
    HTML_THRESHOLD,
    TEXT_THRESHOLD,
    Threshold,
    remove_boilerplate,
)
from newsfacts.clean.headline import find_headline, is_headline_like
from newsfacts.clean.language import detect_language
from newsfacts.clean.normalize import normalize_text
from newsfacts.records import BoilerplateLine, CleanArticle, RawArticle, Rejection


def place_headline(
    text: str, kept_text: str, removed: tuple[BoilerplateLine, ...], html: bool = False
) -> tuple[str | None, int | None, str, tuple[BoilerplateLine, ...]]:
    """(title, its line number, text with the title first, removed lines less the title).

    `text` is the normalised page, `kept_text` what boilerplate removal kept (one paragraph
    per kept line, in page order) and `removed` the lines it dropped (1-based numbers).
    HTML input is the main text with the page title first (ingest/html.py): its headline
    is that first line when it is headline-shaped, with no search among menus.
    """
    removed_numbers = {line.line_no for line in removed}
    numbered = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    lines = [line for _, line in numbered]
    kept = [n not in removed_numbers for n, _ in numbered]
    if html:
        index = 0 if lines and kept[0] and is_headline_like(lines[0]) else None
    else:
        index = find_headline(lines, kept)
    paragraphs = kept_text.split("\n\n") if kept_text else []
    if index is None:
        return None, None, kept_text, removed
    line_no, title_line = numbered[index]
    title = title_line.strip()
    if line_no in removed_numbers:
        return title, line_no, "\n\n".join([title, *paragraphs]), tuple(
            line for line in removed if line.line_no != line_no)
    kept_before = sum(1 for n, _ in numbered[:index] if n not in removed_numbers)
    rest = paragraphs[:kept_before] + paragraphs[kept_before + 1:]
    return title, line_no, "\n\n".join([title, *rest]), removed


SETTLE_ROUNDS = 3  # rounds that remove lines: 174 of 1,560 dev pages settle, 12 remove 1 round


def settle(article_id: str, normalized: str, text: str, removed: tuple[BoilerplateLine, ...],
           title_line: int, threshold: Threshold) -> tuple[str, tuple[BoilerplateLine, ...]]:
    """Remove boilerplate again from the text as it is published, headline first, until
    nothing more goes (at most SETTLE_ROUNDS rounds): what cleaning the cleaned text would
    remove, so that cleaning is idempotent. Removed lines are recorded with their numbers on
    the original page.

    Needed only when the headline moved: elsewhere the last round of `remove_boilerplate`
    saw the kept lines in this order already. A round that would remove the headline itself
    stops the settling (the headline search disagrees with itself in the new order).
    """
    removed_numbers = {line.line_no for line in removed}
    page = normalized.split("\n")
    order = [title_line, *(n for n, line in enumerate(page, start=1)
                           if line.strip() and n not in removed_numbers and n != title_line)]
    for _ in range(SETTLE_ROUNDS):
        settled, again = remove_boilerplate(article_id, text, threshold)
        if not again or any(line.line_no == 1 for line in again):
            break
        gone = {(line.line_no - 1) // 2: line for line in again}  # paragraph k is line 2k+1
        removed += tuple(replace(line, line_no=order[k], text=page[order[k] - 1])
                         for k, line in gone.items())
        order = [n for k, n in enumerate(order) if k not in gone]
        text = settled
    return text, tuple(sorted(removed, key=lambda line: line.line_no))


def first_body_line(text: str, removed: tuple[BoilerplateLine, ...],
                    title_line: int | None) -> int | None:
    """The 1-based number of the first kept line under the headline (of the first kept line
    when there is no headline); None when nothing is kept there."""
    removed_numbers = {line.line_no for line in removed}
    after = title_line or 0
    for n, line in enumerate(text.split("\n"), start=1):
        if n > after and line.strip() and n not in removed_numbers:
            return n
    return None


def clean_article(raw: RawArticle) -> CleanArticle | Rejection:
    """Clean one article; an article with nothing left is rejected as `clean_empty_body`.

    The headline (clean/headline.py) comes out as `title` and as the first paragraph of
    `text`, even when the page had it above menus or the classifier had removed it.
    """
    threshold = HTML_THRESHOLD if raw.text_format == "html" else TEXT_THRESHOLD
    normalized = normalize_text(raw.text)
    kept_text, removed = remove_boilerplate(raw.article_id, normalized, threshold)
    if not kept_text:
        return Rejection(
            source_uri=raw.source_uri,
            article_id=raw.article_id,
            raw_sha256=raw.raw_sha256,
            stage="clean",
            reason="clean_empty_body",
            detail=f"{raw.source_uri}: nothing left after removing "
            f"{len(removed)} boilerplate lines",
        )
    title, title_line, text, removed = place_headline(
        normalized, kept_text, removed, html=raw.text_format == "html")
    if title_line is not None and text != kept_text:  # the headline moved first
        text, removed = settle(raw.article_id, normalized, text, removed, title_line, threshold)
    return CleanArticle(
        article_id=raw.article_id,
        source_uri=raw.source_uri,
        raw_sha256=raw.raw_sha256,
        text=text,
        title=title,
        language=detect_language(text),
        removed=removed,
        title_line=title_line,
        meta=raw.meta,
        body_line=first_body_line(normalized, removed, title_line),
    )


def body_text(clean: CleanArticle) -> str:
    """The cleaned text without its headline: what extraction keeps as the body."""
    if clean.title is None:
        return clean.text
    return clean.text.split("\n\n", 1)[1] if "\n\n" in clean.text else ""
