"""HTML ingest: charset sniffing, main text with trafilatura, title first, gzip, rejections."""

from __future__ import annotations

import codecs
import gzip
from pathlib import Path

import pytest

from newsfacts.clean.article import clean_article
from newsfacts.extract.article import extract_article
from newsfacts.ids import sha256_hex
from newsfacts.ingest import html as html_ingest
from newsfacts.ingest.decode import DecodeError
from newsfacts.ingest.folder import read_folder
from newsfacts.ingest.html import (
    confirmed_lines,
    declared_encoding,
    decode_html_bytes,
    html_to_text,
    starts_with_title,
)
from newsfacts.records import Article, CleanArticle, RawArticle, Rejection

# A page written for these tests: every kind of furniture around a four-paragraph article.
HEADLINE = "Harbour bridge reopens after repairs"
PARAGRAPHS = [
    "The old harbour bridge reopened to traffic on Monday morning after eight months of "
    "repairs that cost the town council more than two million pounds.",
    "Engineers replaced the rusted steel cables and resurfaced the whole deck, the council "
    "said in a statement, adding that the work had finished two weeks ahead of schedule.",
    "“It is wonderful to be able to walk across again,” said a pensioner who crosses the "
    "bridge every day to buy bread at the market on the far bank of the river.",
    "Buses will return to their usual routes from Wednesday, while a new cycle lane on the "
    "eastern side will open later in the spring once the paint has dried.",
]
FURNITURE = [
    "We use cookies to improve your experience",
    "Accept all cookies",
    "Weather",
    "Share on Facebook",
    "Ten best picnic spots near the river",
    "All rights reserved",
    "Privacy policy",
    "tracking pixel loaded",
    "subscribe now for only one pound a week",
]


def make_page(
    headline: str | None = HEADLINE,
    paragraphs: list[str] = PARAGRAPHS,
    head: str = '<meta charset="utf-8">',
    title: str = f"{HEADLINE} | The Riverside Gazette",
) -> str:
    """The test page, with or without its <h1>, in any charset declaration."""
    h1 = f"<h1>{headline}</h1>" if headline else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>{head}
<title>{title}</title>
<script>window.analytics = {{track: function () {{ return "tracking pixel loaded"; }}}};</script>
<style>body {{ font-family: serif; }}</style>
</head><body>
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
<button>Accept all cookies</button></div>
<header class="site-header"><a href="/">The Riverside Gazette</a>
<nav class="main-nav"><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather</a></li><li><a href="/opinion">Opinion</a></li></ul></nav>
</header>
<main><article>{h1}
<p class="byline">By Jane Example</p>
{body}
<div class="share-bar">Share on Facebook Share on Twitter Share by email</div>
</article></main>
<aside class="related"><h3>Most read</h3><ul><li><a href="/a">Ten best picnic spots near the
river</a></li><li><a href="/b">Council tax to rise next year</a></li></ul></aside>
<footer class="site-footer"><p>Copyright 2024 The Riverside Gazette. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul>
</footer>
<script>document.write("subscribe now for only one pound a week");</script>
</body></html>
"""


def test_article_is_kept_and_page_furniture_dropped() -> None:
    text = html_to_text(make_page())
    blocks = text.split("\n\n")
    assert blocks[0] == HEADLINE
    assert blocks[1:] == PARAGRAPHS
    for snippet in FURNITURE:
        assert snippet.lower() not in text.lower(), snippet


def test_lines_are_kept_when_the_precision_run_gives_them_too() -> None:
    lines = [PARAGRAPHS[0], "Ten best picnic spots near the river", "Weather", "Sport"]
    # the other run broke the paragraph in two, dropped link text and kept "Sport" alone
    confirming = PARAGRAPHS[0][:90] + "\n" + PARAGRAPHS[0][90:].replace("council", "") + "\nSport"
    assert confirmed_lines(lines, confirming) == [PARAGRAPHS[0], "Sport"]


def test_recall_run_is_taken_whole_when_the_precision_run_confirms_too_little(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def other_block(html: str, options: dict[str, bool]) -> object:
        document = real_extract(html, options)
        if document is not None and options.get("favor_precision"):
            document.text = "Council tax to rise next year"
        return document

    real_extract = html_ingest.extract_document
    monkeypatch.setattr(html_ingest, "extract_document", other_block)
    assert html_to_text(make_page()).split("\n\n") == [HEADLINE, *PARAGRAPHS]


def test_title_comes_from_metadata_when_the_text_lacks_it() -> None:
    text = html_to_text(make_page(headline=None))
    assert text.split("\n\n")[0] == HEADLINE  # <title> less its " | site" suffix
    assert text.count(HEADLINE) == 1


def test_html_articles_get_their_title_through_the_pipeline(tmp_path: Path) -> None:
    (tmp_path / "bridge.html").write_text(make_page(), encoding="utf-8")
    [raw] = read_folder(tmp_path)
    assert isinstance(raw, RawArticle)
    clean = clean_article(raw)
    assert isinstance(clean, CleanArticle)
    article = extract_article(clean)
    assert isinstance(article, Article)
    assert article.title == HEADLINE
    assert PARAGRAPHS[-1] in article.body


@pytest.mark.parametrize(
    ("line", "title", "expected"),
    [
        ("Headline here", "Headline here", True),
        ("HEADLINE  here", "Headline here", True),
        ("Headline here", "Headline here | Site", True),
        ("Headline here", "Headline here - Site", True),
        ("Headline", "Headline - A site name longer than it", False),
        ("Opinion", "Opinion | A much longer headline", False),
        ("The first paragraph.", "Headline here", False),
    ],
)
def test_starts_with_title(line: str, title: str, expected: bool) -> None:
    assert starts_with_title(line, title) is expected


LEGACY_PARAGRAPH = (
    "The café’s owner said the “new rules” would cost her €2,000 a year — more than the "
    "council’s own estimate."
)


@pytest.mark.parametrize(
    "head",
    [
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
        '<meta charset="iso-8859-1">',  # browsers (WHATWG) read latin-1 labels as cp1252
        "",  # undeclared: not UTF-8, so charset-normalizer decides
    ],
)
def test_cp1252_pages_are_decoded(head: str) -> None:
    page = make_page(paragraphs=[*PARAGRAPHS, LEGACY_PARAGRAPH], head=head)
    html = decode_html_bytes(page.encode("cp1252"))
    assert LEGACY_PARAGRAPH in html
    assert html_to_text(html).split("\n\n")[-1] == LEGACY_PARAGRAPH


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta charset="UTF-8">', "utf-8"),
        ("<meta content='text/html;charset=Shift_JIS' http-equiv='content-type'>", "cp932"),
        ('<meta charset="utf-16">', "utf-8"),  # a page that reads as ASCII is not UTF-16
        ('<meta charset="no-such-charset">', None),
        ("", None),
    ],
)
def test_declared_encoding(head: str, expected: str | None) -> None:
    assert declared_encoding(f"<html><head>{head}</head></html>".encode("ascii")) == expected


def test_declared_charset_that_does_not_fit_falls_back_to_utf8() -> None:
    page = make_page(paragraphs=[LEGACY_PARAGRAPH], head='<meta charset="us-ascii">')
    # cp1252 (the decoder for "us-ascii") cannot decode 0x81 (in "ā"), so UTF-8 is tried next
    html = decode_html_bytes(page.replace("café", "cafā").encode("utf-8"))
    assert "cafā" in html


def test_bom_wins_and_xml_declarations_do_not_mislead_lxml() -> None:
    page = make_page(paragraphs=[*PARAGRAPHS, LEGACY_PARAGRAPH], head="")
    html = decode_html_bytes(page.encode("utf-16"))
    assert html_to_text(html).split("\n\n")[-1] == LEGACY_PARAGRAPH
    xhtml = '<?xml version="1.0" encoding="windows-1252"?>\n' + page
    html = decode_html_bytes(xhtml.encode("cp1252"))
    assert html_to_text(html).split("\n\n")[-1] == LEGACY_PARAGRAPH


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "ingest_empty_file"),
        (b" \n\t ", "ingest_empty_file"),
        (codecs.BOM_UTF8, "ingest_empty_file"),
        (codecs.BOM_UTF16_LE + " \n".encode("utf-16-le"), "ingest_empty_file"),
        (b"Just a line of plain text, no markup at all.", "ingest_not_html"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "ingest_not_html"),
    ],
)
def test_bad_pages_raise_reason_codes(data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_html_bytes(data)
    assert caught.value.reason == reason


def test_too_large_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFACTS_MAX_HTML_BYTES", "100")
    with pytest.raises(DecodeError, match="ingest_too_large"):
        decode_html_bytes(make_page().encode("utf-8"))


# A script-only app shell: the article would be rendered by JavaScript.
APP_SHELL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Loading</title>
<script src="/app.js"></script></head><body><div id="root"></div><noscript></noscript>
<script>window.__STATE__ = {"page": "article"};</script></body></html>"""


def test_page_without_text_gives_empty_string() -> None:
    assert html_to_text(APP_SHELL) == ""


def test_folder_reads_txt_html_htm_and_gzip_and_rejects_bad_pages(tmp_path: Path) -> None:
    page = make_page().encode("utf-8")
    gzipped = gzip.compress(page, mtime=0)
    (tmp_path / "a.txt").write_text("Headline\n\nA body.", encoding="utf-8")
    (tmp_path / "b.html").write_bytes(page)
    (tmp_path / "c.HTM").write_bytes(page)
    (tmp_path / "d.html.gz").write_bytes(gzipped)
    (tmp_path / "e_truncated.html.gz").write_bytes(gzipped[: len(gzipped) // 2])
    (tmp_path / "f_no_text.html").write_text(APP_SHELL, encoding="utf-8")
    (tmp_path / "g_plain.html").write_text("no markup here", encoding="utf-8")
    (tmp_path / "style.css").write_text("body {}", encoding="utf-8")
    (tmp_path / "page.gz").write_bytes(gzipped)  # not an article suffix
    items = {i.source_uri.rsplit("/", 1)[1]: i for i in read_folder(tmp_path)}
    assert list(items) == ["a.txt", "b.html", "c.HTM", "d.html.gz", "e_truncated.html.gz",
                           "f_no_text.html", "g_plain.html"]
    html_items = [items[n] for n in ("b.html", "c.HTM", "d.html.gz")]
    assert all(isinstance(i, RawArticle) for i in html_items)
    assert len({i.text for i in html_items}) == 1  # type: ignore[union-attr]
    assert items["d.html.gz"].raw_sha256 == sha256_hex(gzipped)
    reasons = {n: (i.reason, i.detail) for n, i in items.items() if isinstance(i, Rejection)}
    assert {n: r for n, (r, _) in reasons.items()} == {
        "e_truncated.html.gz": "ingest_bad_gzip",
        "f_no_text.html": "ingest_no_main_text",
        "g_plain.html": "ingest_not_html",
    }
    for name, (_, detail) in reasons.items():
        assert detail.startswith(f"{tmp_path.name}/{name}: "), detail


def test_html_files_are_marked_as_extracted_text(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The cleaner treats extractor output gently: the folder source says where text came from."""
    from newsfacts.ingest.folder import read_folder
    from newsfacts.records import RawArticle

    page = ("<html><head><title>Storm hits the coast</title></head><body><article>"
            "<h1>Storm hits the coast</h1><p>" + "The storm reached the coast on Monday. " * 5
            + "</p></article></body></html>")
    (tmp_path / "a.html").write_text(page, encoding="utf-8")
    (tmp_path / "b.txt").write_text("Headline here\n\nSome body text.", encoding="utf-8")
    items = {i.source_uri.rsplit("/", 1)[1]: i for i in read_folder(tmp_path)}
    assert isinstance(items["a.html"], RawArticle) and items["a.html"].text_format == "html"
    assert isinstance(items["b.txt"], RawArticle) and items["b.txt"].text_format == "text"
