"""Hypothesis fuzzes the text stages with news-like text spoiled every way the bad-input
corpus spoils it (mojibake, odd line breaks, control characters, stray quote marks, long
lines): no stage raises, normalising and boilerplate removal are idempotent and so is
cleaning main text, every offset lies inside the body and points at the text it claims."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bad_inputs import mojibake
from bad_texts import ARTICLES
from newsfacts.clean.article import clean_article
from newsfacts.clean.boilerplate import (
    HTML_THRESHOLD,
    TEXT_THRESHOLD,
    Threshold,
    remove_boilerplate,
)
from newsfacts.clean.normalize import normalize_text
from newsfacts.extract.article import extract_article
from newsfacts.extract.event_dates import after_year_preposition, find_time_expressions
from newsfacts.ids import sha256_hex
from newsfacts.pipeline import extract_batch_nlp
from newsfacts.records import Article, BatchResult, CleanArticle, RawArticle, Rejection

SENTENCES = [p for _, paragraphs in ARTICLES for p in paragraphs] + [h for h, _ in ARTICLES]
PIECES = [
    "CARACAS, July 11 (Reuters) - ", "MOSCOW (AP) — ", "Published: 3 March 2021", "By Jane Doe",
    "Advertisement", "Share on Facebook | Twitter", "images_12", "Read more »", "© 2021 News",
    "“", "”", "\"", "'", "«", "»", "‘", "’", " said ", " told reporters ", " on Tuesday",
    " last year", " in 2017", "12/03/2019", "2018-10-03", "Mr. ", "U.S.", "...", "—", "–",
]
BREAKS = ["\n", "\n\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", " ", "\t"]
NOISE = ["\ufeff", "\u00a0", "\u200b", "\u202e", "\x1b[31m", "\x07", "\x00", "\ufffd", "\ue000",
         "Ã©", "â€™", "\ud7ff", "\U0001f4f0", "\u0301", "x" * 300, "word " * 200]
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
PART = st.one_of(
    st.sampled_from(SENTENCES), st.sampled_from(SENTENCES).map(mojibake),
    st.sampled_from(PIECES), st.sampled_from(BREAKS), st.sampled_from(NOISE), TEXT,
)
PAGE = st.lists(PART, max_size=30).map("".join)
# FUZZ_EXAMPLES=3000 for a longer search (each example is a whole cleaning).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def raw(text: str, text_format: str = "text") -> RawArticle:
    return RawArticle("a" + sha256_hex(text.encode("utf-8", "surrogatepass"))[:16],
                      "fuzz.txt", sha256_hex(text.encode("utf-8", "surrogatepass")), text,
                      text_format)  # type: ignore[arg-type]


def check_removed_lines(page: str, clean: CleanArticle) -> None:
    """Each removed line is the normalised page's line at its number."""
    lines = normalize_text(page).split("\n")
    for line in clean.removed:
        assert 1 <= line.line_no <= len(lines)
        assert lines[line.line_no - 1] == line.text


def check_article(article: Article) -> None:
    body = article.body
    assert body.strip() and article.word_count >= 1
    for start, end, text in ((article.dateline_start, article.dateline_end, article.dateline),
                             (article.published_date_start, article.published_date_end, None)):
        if start is not None:
            assert end is not None and 0 <= start <= end <= len(body)
            assert text is None or body[start:end] == text


def spans(result: BatchResult) -> list[tuple[int | None, int | None, str | None]]:
    """Every (start, end, text) a row of the NLP tables claims in the body (a quote's own
    text only when it is one part: see `check_quote_parts`)."""
    found: list[tuple[int | None, int | None, str | None]] = []
    found += [(m.start_char, m.end_char, m.text) for m in result.mentions]
    for q in result.quotes:
        found += [(q.start_char, q.end_char, None), (q.speaker_start, q.speaker_end,
                                                     q.speaker_text),
                  (q.cue_start, q.cue_end, q.cue)]
    for v in result.events:
        found += [(v.trigger_start, v.trigger_end, v.trigger),
                  (v.sentence_start, v.sentence_end, v.sentence),
                  (v.date_start, v.date_end, v.date_text)]
    return found


@FUZZ
@given(PAGE)
def test_normalising_what_cleaning_keeps_changes_nothing(page: str) -> None:
    """The cleaner strips the lines it keeps; normalising them again changes nothing (no
    BOM left anywhere, mojibake repaired as the stripped line will read)."""
    normalized = normalize_text(page)
    assert normalize_text(normalized) == normalized
    stripped = "\n".join(line.strip() for line in normalized.split("\n"))
    assert normalize_text(stripped) == stripped


@FUZZ
@given(PAGE, st.sampled_from([TEXT_THRESHOLD, HTML_THRESHOLD, None]))
def test_boilerplate_removal_is_idempotent(page: str, threshold: Threshold | None) -> None:
    """Removing boilerplate from what boilerplate removal kept removes nothing."""
    kept, _ = remove_boilerplate("a0123456789abcdef", normalize_text(page), threshold)
    assert remove_boilerplate("a0123456789abcdef", normalize_text(kept), threshold) == (kept, ())


@FUZZ
@given(PAGE, st.sampled_from(["text", "html"]))
def test_cleaning_never_raises_and_cleans_main_text_once(page: str, text_format: str) -> None:
    """No exception; each removed line is the page's line at its number; the headline comes
    first. Main text (HTML, JSONL) cleaned again comes back the same. Scraped text cleaned
    again need not: the headline was moved first, away from the lines that chose it, and
    may be chosen differently (docs/reliability.md)."""
    once = clean_article(raw(page, text_format))
    if isinstance(once, Rejection):
        assert once.reason == "clean_empty_body"
        return
    check_removed_lines(page, once)
    if once.title is not None:
        assert once.text == once.title or once.text.startswith(once.title + "\n\n")
    if text_format == "html":
        twice = clean_article(raw(once.text, "html"))
        assert isinstance(twice, CleanArticle)
        assert (twice.text, twice.removed) == (once.text, ())
        if once.title is not None:  # else the first paragraph may now pass for one
            assert (twice.title, twice.language) == (once.title, once.language)


@FUZZ
@given(PAGE, st.sampled_from(["text", "html"]))
def test_extraction_offsets_lie_in_the_body(page: str, text_format: str) -> None:
    clean = clean_article(raw(page, text_format))
    if isinstance(clean, Rejection):
        return
    article = extract_article(clean)
    if isinstance(article, Rejection):
        assert article.reason in ("extract_empty_body", "extract_too_short")
        return
    check_article(article)


@settings(max_examples=max(EXAMPLES // 4, 40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(PAGE)
def test_entities_quotes_and_events_point_into_the_body(page: str) -> None:
    clean = clean_article(raw(page))
    if isinstance(clean, Rejection):
        return
    article = extract_article(clean)
    if isinstance(article, Rejection):
        return
    result = extract_batch_nlp([article])
    assert not result.rejected, result.rejected  # extract_nlp_error: a stage raised
    for start, end, text in spans(result):
        if start is None:
            assert end is None
            continue
        assert end is not None and 0 <= start <= end <= len(article.body)
        assert text is None or article.body[start:end] == text
    for quote in result.quotes:
        check_quote_parts(article.body[quote.start_char:quote.end_char], quote.text)


def check_quote_parts(stretch: str, text: str) -> None:
    """A quote's text is its parts joined by one space (schemas/quotes.json) and its offsets
    span them all: the stretch starts with the first part, ends with the last and holds
    every word of the text in order."""
    words = text.split()
    assert words and stretch.startswith(words[0]) and stretch.endswith(words[-1])
    position = 0
    for word in words:
        position = stretch.index(word, position) + len(word)


YEAR_CONTEXT = st.lists(st.sampled_from(["in", "since", "by", "of", "until", "within", " ",
                                         "\n", "\u3000", "x", "_", "2017", "in 2017"]),
                       max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(YEAR_CONTEXT, st.data())
def test_time_expressions_read_a_bare_year_as_before(text: str, data: st.DataObject) -> None:
    """The bare-year check looks only at the end of the text before the year now; it says
    what searching the whole prefix said."""
    import re

    start = data.draw(st.integers(0, len(text)))
    whole_prefix = re.search(r"\b(?:in|since|of|by|until)\s+$", text[:start]) is not None
    assert after_year_preposition(text, start) == whole_prefix
    for span in find_time_expressions(text):
        assert text[span.start:span.end] == span.text
