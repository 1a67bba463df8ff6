"""HTML pages to article text: charset sniffing, then trafilatura for the main text and title."""

from __future__ import annotations

import codecs
import copy
import re

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Document
from trafilatura.utils import load_html

from newsfacts.ingest.decode import (
    DecodeError,
    check_size,
    decode_bom,
    decode_broken_utf8,
    decode_legacy,
)
from newsfacts.limits import current_limits

# Browsers look for the charset in the first 1,024 bytes (WHATWG prescan) and reparse on a
# later <meta> in the head; real pages put theirs 5-70 KB in (after inline scripts), so we
# look further (a UTF-8 page whose <meta> we miss is still read right, by the UTF-8 step).
PRESCAN_BYTES = 65_536
META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.IGNORECASE)
# Labels that browsers decode with another decoder (WHATWG Encoding, "Names and labels"),
# keyed by Python's codec name; UTF-16/32 in a <meta> means UTF-8 (the page was ASCII-readable).
WHATWG_DECODERS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
    "utf-32": "utf-8",
    "utf-32-le": "utf-8",
    "utf-32-be": "utf-8",
}
HTML_TAG = re.compile(r"<(?:!doctype|[a-z][a-z0-9]*)\b[^<>]*>", re.IGNORECASE)
# Once decoded, an XML declaration only misleads lxml (it re-reads the text in that charset).
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
SPACES = re.compile(r"\s+")
# What may follow a headline inside a <title>: " | Site", " - Site", " – Site", ": Site".
SITE_SUFFIX = re.compile(r"\s*[|\-–—:·•»]")
# Two trafilatura runs (docs/cleaning.md, "HTML path"): a recall-oriented one without the
# readability/jusText fallbacks gives the lines, a precision-oriented one (fallbacks on)
# confirms them. A line is kept when at least half of its word 4-grams occur in the
# confirming text (links and lines that only the recall run saw are the usual junk); when
# the precision run confirms less than a fifth of the words (it found another block, or
# nothing), the recall run is taken as it is.
COMMON_OPTIONS = {"include_comments": False, "include_tables": True, "include_images": False,
                  "include_links": False, "deduplicate": False}
RECALL_OPTIONS = {**COMMON_OPTIONS, "with_metadata": True, "fast": True, "favor_recall": True}
PRECISION_OPTIONS = {**COMMON_OPTIONS, "with_metadata": False, "favor_precision": True}
# Elements whose content a browser never shows as page text: inert templates, frames and
# plugin fallbacks; trafilatura keeps a <template>'s text, so they are taken out before it
# reads the page. HTML5 void elements that libxml2's HTML 4 parser takes for containers: it
# puts whatever follows an <embed> inside it, and trafilatura, dropping the <embed>, then
# loses the rest of the article, so their tags are dropped and what they hold is kept.
NEVER_SHOWN = ("template", "object", "applet", "iframe", "frame", "frameset")
VOID_TAKEN_FOR_CONTAINER = ("embed", "source", "track", "wbr")
WORD = re.compile(r"\w+")
SHINGLE = 4
CONFIRMED_SHARE = 0.5
MIN_CONFIRMED_WORDS = 0.2


def declared_encoding(data: bytes) -> str | None:
    """The Python codec a page declares (XML declaration or <meta>), as a browser reads it."""
    head = data[:PRESCAN_BYTES]
    found = XML_ENCODING.search(head) or META_CHARSET.search(head)
    if found is None:
        return None
    try:
        name = codecs.lookup(found.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return WHATWG_DECODERS.get(name, name)


def decode_declared(data: bytes) -> str | None:
    """Text in the page's declared charset, or None when there is none or it does not fit."""
    encoding = declared_encoding(data)
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None  # a wrong declaration: let UTF-8 and detection have a go


def decode_utf8(data: bytes) -> str | None:
    """Text of valid UTF-8 bytes without NULs, else None."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text


def decode_html_bytes(data: bytes) -> str:
    """Decode an HTML page: BOM, declared charset, UTF-8, detection; or DecodeError."""
    check_html_size(data)
    if not data.strip():
        raise DecodeError("ingest_empty_file", "empty or whitespace only")
    text = None
    for decode in (decode_bom, decode_declared, decode_utf8, decode_broken_utf8, decode_legacy):
        text = decode(data)
        if text is not None:
            break
    if text is None or "\x00" in text:
        raise DecodeError(
            "ingest_not_html", "no text encoding fits (binary data?): not an HTML page"
        )
    if not text.strip():
        raise DecodeError("ingest_empty_file", "empty or whitespace only")
    if HTML_TAG.search(text) is None:
        raise DecodeError("ingest_not_html", "no HTML markup found")
    return text


def starts_with_title(line: str, title: str) -> bool:
    """Whether a text line already gives the title, ignoring case and spacing.

    It does when it starts with the title, or is the title less a shorter site suffix
    ("Headline" for "Headline | Site"; not "Opinion" for "Opinion | Headline").
    """
    line_key = SPACES.sub(" ", line).strip().casefold()
    title_key = SPACES.sub(" ", title).strip().casefold()
    if line_key.startswith(title_key):
        return True
    if not line_key or not title_key.startswith(line_key):
        return False
    suffix = title_key[len(line_key):]
    return len(suffix) < len(line_key) and SITE_SUFFIX.match(suffix) is not None


def shingles(text: str) -> list[tuple[str, ...]]:
    """Word 4-grams of a text, case-folded."""
    words = WORD.findall(text.casefold())
    return [tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]


def confirmed_lines(lines: list[str], confirming: str) -> list[str]:
    """The lines that another extraction of the same page also gives.

    A line of four or more words is confirmed when at least half of its word 4-grams occur
    in `confirming` (the two runs may break paragraphs differently and drop link text); a
    shorter line when it equals one of its lines, ignoring case and spacing.
    """
    grams = set(shingles(confirming))
    short = {SPACES.sub(" ", line).strip().casefold() for line in confirming.splitlines()}
    kept = []
    for line in lines:
        own = shingles(line)
        if own:
            confirmed = sum(g in grams for g in own) >= CONFIRMED_SHARE * len(own)
        else:
            confirmed = SPACES.sub(" ", line).strip().casefold() in short
        if confirmed:
            kept.append(line)
    return kept


def page_tree(html: str) -> HtmlElement | str:
    """The page parsed as trafilatura parses it, less the elements a browser never shows
    as text (NEVER_SHOWN) and the tags of misparsed void elements; the text itself when
    lxml cannot parse it."""
    tree = load_html(html)
    if tree is None:
        return html
    etree.strip_tags(tree, *VOID_TAKEN_FOR_CONTAINER)
    etree.strip_elements(tree, *NEVER_SHOWN, with_tail=False)
    return tree


def extract_document(page: HtmlElement | str, options: dict[str, bool]) -> Document | None:
    """trafilatura's main text (and metadata) of a page with these options, if any."""
    own = copy.deepcopy(page) if isinstance(page, HtmlElement) else page  # it edits trees
    document = trafilatura.bare_extraction(own, **options)
    return document if isinstance(document, Document) and document.text else None


def main_lines(html: str) -> tuple[list[str], str]:
    """(main-text lines, page title) from the recall run, filtered by the precision run."""
    page = page_tree(html)
    document = extract_document(page, RECALL_OPTIONS)
    if document is None:
        return [], ""
    lines = [line.strip() for line in document.text.splitlines() if line.strip()]
    title = SPACES.sub(" ", document.title or "").strip()
    checker = extract_document(page, PRECISION_OPTIONS)
    if checker is not None:
        confirmed = confirmed_lines(lines, checker.text)
        words = sum(len(line.split()) for line in lines)
        if sum(len(line.split()) for line in confirmed) >= MIN_CONFIRMED_WORDS * words:
            lines = confirmed
    return lines, title


def html_to_text(html: str) -> str:
    """Main text of a page, one block per paragraph (blank line between), title first.

    Returns "" when trafilatura finds no main text.
    """
    lines, title = main_lines(XML_DECLARATION.sub("", html, count=1))
    if not lines:
        return ""
    if title and not starts_with_title(lines[0], title):
        lines.insert(0, title)
    return "\n\n".join(lines)


def check_html_size(data: bytes) -> None:
    """DecodeError `ingest_too_large` for a page over Limits.max_html_bytes."""
    check_size(data, current_limits().max_html_bytes, "HTML page")


def html_text_in_process(data: bytes) -> str:
    """Article text of a page's bytes; DecodeError when unreadable or without main text."""
    text = html_to_text(decode_html_bytes(data))
    if not text:
        raise DecodeError("ingest_no_main_text", "trafilatura found no main text in the page")
    return text


def html_bytes_to_text(data: bytes) -> str:
    """Article text of a page's bytes (html_text_in_process); a page over ISOLATE_HTML_BYTES
    is read in the isolated worker, under the per-article deadline (isolation.py)."""
    from newsfacts.isolation import ISOLATE_HTML_BYTES, html_text_isolated

    check_html_size(data)
    if len(data) > ISOLATE_HTML_BYTES:
        return html_text_isolated(data, current_limits().article_seconds)
    return html_text_in_process(data)
