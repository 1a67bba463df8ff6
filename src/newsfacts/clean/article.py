"""The clean stage: normalise a RawArticle, remove boilerplate, detect the language."""

from __future__ import annotations

from newsfacts.clean.boilerplate import (
    HTML_THRESHOLD,
    TEXT_THRESHOLD,
    is_headline_like,
    remove_boilerplate,
)
from newsfacts.clean.language import detect_language
from newsfacts.clean.normalize import normalize_text
from newsfacts.records import CleanArticle, RawArticle, Rejection


def clean_article(raw: RawArticle) -> CleanArticle | Rejection:
    """Clean one article; an article with nothing left is rejected as `clean_empty_body`."""
    threshold = HTML_THRESHOLD if raw.text_format == "html" else TEXT_THRESHOLD
    text, removed = remove_boilerplate(raw.article_id, normalize_text(raw.text), threshold)
    if not text:
        return Rejection(
            source_uri=raw.source_uri,
            article_id=raw.article_id,
            raw_sha256=raw.raw_sha256,
            stage="clean",
            reason="clean_empty_body",
            detail=f"{raw.source_uri}: nothing left after removing "
            f"{len(removed)} boilerplate lines",
        )
    first = text.split("\n\n", 1)[0]
    return CleanArticle(
        article_id=raw.article_id,
        source_uri=raw.source_uri,
        raw_sha256=raw.raw_sha256,
        text=text,
        title=first if "\n" not in first and is_headline_like(first) else None,
        language=detect_language(text),
        removed=removed,
    )


def body_text(clean: CleanArticle) -> str:
    """The cleaned text without its headline: what extraction keeps as the body."""
    if clean.title is None:
        return clean.text
    return clean.text.split("\n\n", 1)[1] if "\n\n" in clean.text else ""
