"""A deterministic corpus of bad inputs, with what must become of each (not a test module).

`write_folder_cases`, `write_jsonl_cases`, `write_warc_cases` and `feed_site` put the bad
items of one source kind beside the good ones and return a `Case` per bad item: rejected with
one of the named reason codes (its detail naming the item), or published, repaired (an
encoding fixed, scripts and frames left out) and then its body equals a reference article's,
holds what it must and nothing it must not. The same call writes the same bytes: random
bytes come from seeded generators, archives carry fixed dates and record ids.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import html
import io
import json
import os
import random
import urllib.parse
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252", as real mojibake is)

from bad_texts import (
    ARTICLES,
    CP1252_ARTICLES,
    LATIN1_ARTICLES,
    article_html,
    article_text,
)
from newsfacts.ingest.paths import printable_name

BIG_TEXT_BYTES = 50 * 1024 * 1024
# Each way of spoiling an article is applied to every SPREAD-th invented article (rotating),
# not to all eight: each repaired article costs a pass through the whole pipeline.
SPREAD = 3
# What the cleaner and extraction say of a text that is not an article: which one depends on
# what the cleaner keeps of it, a judgement of its classifier, so either is right here.
NOT_AN_ARTICLE = ("clean_empty_body", "extract_empty_body", "extract_too_short")
# Byte sequences that are never UTF-8 (Unicode 15, table 3-7): overlong forms, surrogates,
# code points past U+10FFFF, bytes that never occur, lone continuation bytes, lead bytes
# without their continuation.
INVALID_UTF8 = (
    b"\xc0\xaf", b"\xc1\xbf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf", b"\xed\xa0\x80",
    b"\xed\xbf\xbf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80", b"\xf8\x88\x80\x80\x80",
    b"\xfc\x84\x80\x80\x80\x80", b"\xfe", b"\xff", b"\x80", b"\xbf", b"\x80\x80\x80",
    b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xc3\x28", b"\xe2\x28\xa1",
)
# Scripts, styles, frames and handlers a page may carry: none of their marker words may
# reach a published article (markers are made-up words that occur nowhere else).
HOSTILE_HEAD = (
    "<script>var zqxhead01 = 'zqxhead01';</script>",
    "<style>.zqxhead02 { color: red } body::after { content: 'zqxhead02' }</style>",
    "<script type=\"application/ld+json\">{\"headline\": \"zqxhead03\"}</script>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:zqxhead04()\">",
    "<base href=\"javascript:zqxhead05//\">",
    "<style>@import url('zqxhead06.css');</style>",
    "<script src=\"data:text/javascript,zqxhead07()\"></script>",
    "<noscript><style>.zqxhead08 { display: none }</style></noscript>",
)
HOSTILE_BODY = (
    "<script>document.write('<p>zqxbody01 injected paragraph</p>')</script>",
    "<iframe srcdoc=\"<p>zqxbody02 framed text of another page</p>\"></iframe>",
    "<iframe src=\"javascript:alert('zqxbody03')\" width=\"0\" height=\"0\"></iframe>",
    "<img src=\"x.png\" onerror=\"alert('zqxbody04')\" alt=\"\">",
    "<svg><script>alert('zqxbody05')</script></svg>",
    "<template><p>zqxbody06 template text never rendered</p></template>",
    "<script><!-- alert('zqxbody07') --></script>",
    "<math><mtext><script>alert('zqxbody08')</script></mtext></math>",
    "<object data=\"movie.swf\" type=\"application/x-shockwave-flash\">"
    "<param name=\"zqxbody09\" value=\"zqxbody09\"></object>",
    "<embed src=\"zqxbody10.swf\">",
    "<style>p.zqxbody11::before { content: 'zqxbody11' }</style>",
    "<script>var s = '<\\/script><p>zqxbody12</p>';</script>",
    "<!-- zqxbody13 a comment with <p>markup</p> -->",
    "<script type=\"text/template\"><p>zqxbody14 client-side template</p></script>",
    "<iframe src=\"https://ads.invalid/zqxbody15\"></iframe>",
    "<form action=\"javascript:zqxbody16()\"><input type=\"hidden\" value=\"zqxbody16\"></form>",
)


@dataclass(frozen=True)
class Case:
    """One bad item and what must become of it.

    Rejected: `reasons` holds the acceptable reason codes (their prefix is the stage) and the
    row's detail must contain `named` (default: the uri). Published (`reasons` empty): the
    body equals the body published for `same_body_as` (a reference article) when set,
    contains every string of `present`, and no string of `absent` is in title, standfirst
    or body.
    """

    family: str
    uri: str
    reasons: tuple[str, ...] = ()
    same_body_as: str | None = None
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    named: str | None = None

    @property
    def published(self) -> bool:
        return not self.reasons


@dataclass
class Corpus:
    """Cases gathered while writing one source's files."""

    label: str  # how source ids name the folder or file: its name
    cases: list[Case] = field(default_factory=list)

    def uri(self, relative: str) -> str:
        return printable_name(f"{self.label}/{relative}")

    def reject(self, family: str, uri: str, *reasons: str, named: str | None = None) -> None:
        self.cases.append(Case(family, uri, tuple(reasons), named=named))

    def publish(self, family: str, uri: str, same_body_as: str | None = None,
                present: tuple[str, ...] = (), absent: tuple[str, ...] = ()) -> None:
        self.cases.append(Case(family, uri, (), same_body_as, present, absent))


def seeded_bytes(seed: int, size: int, low: int = 0, high: int = 256) -> bytes:
    """`size` bytes from a generator seeded with `seed`."""
    rng = random.Random(seed)
    return bytes(rng.randrange(low, high) for _ in range(size))


def mojibake(text: str, times: int = 1) -> str:
    """Text read as cp1252 (as browsers and Windows do) after being written as UTF-8."""
    for _ in range(times):
        text = text.encode("utf-8").decode("sloppy-windows-1252")
    return text


def gzip_bytes(data: bytes) -> bytes:
    """gzip without a timestamp, so the same data gives the same bytes."""
    return gzip.compress(data, mtime=0)


# ---------------------------------------------------------------- folder source


class FolderWriter(Corpus):
    """Writes files into a source folder and records their cases."""

    def __init__(self, root: Path) -> None:
        super().__init__(root.name)
        self.root = root

    def write(self, relative: str | bytes, data: bytes) -> str:
        """Write a file (a bytes name is written as those bytes) and return its uri."""
        path = Path(os.fsdecode(relative)) if isinstance(relative, bytes) else Path(relative)
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return self.uri(path.as_posix())

    def rejected(self, family: str, relative: str | bytes, data: bytes, *reasons: str) -> None:
        self.reject(family, self.write(relative, data), *reasons)

    def published(self, family: str, relative: str | bytes, data: bytes,
                  same_body_as: str | None = None, present: tuple[str, ...] = (),
                  absent: tuple[str, ...] = ()) -> str:
        uri = self.write(relative, data)
        self.publish(family, uri, same_body_as, present, absent)
        return uri


def write_empty(out: FolderWriter) -> None:
    """Empty and whitespace-only files, as text, HTML and gzip."""
    blanks = [b"", b" ", b"\n", b"\r\n", b"\t \n \t", b"\n" * 500, b" " * 10_000,
              b"\x0b\x0c\n", "\u00a0\u2003\u3000\n".encode(), "\u2028\u2029".encode(),
              codecs.BOM_UTF8, codecs.BOM_UTF8 + b"  \n", codecs.BOM_UTF16_LE + " \n".encode(
                  "utf-16-le"), codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE + "\n".encode(
                  "utf-32-le")]
    for number, blank in enumerate(blanks):
        out.rejected("empty", f"empty/blank-{number:02}.txt", blank, "ingest_empty_file")
        out.rejected("empty", f"empty/blank-{number:02}.html", blank, "ingest_empty_file")
        out.rejected("empty", f"empty/blank-{number:02}.html.gz", gzip_bytes(blank),
                     "ingest_empty_file")
    out.rejected("empty", "empty/markup-only.html", b"<html><head></head><body></body></html>",
                 "ingest_no_main_text")
    out.rejected("empty", "empty/title-only.html",
                 b"<html><head><title>Only a title here</title></head><body></body></html>",
                 "ingest_no_main_text")


def write_binary(out: FolderWriter) -> None:
    """Binary files under article names: random bytes, file signatures, text with NULs."""
    signatures = {
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01",
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nstream\n\x00\x01",
        "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        "elf": b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00",
        "sqlite": b"SQLite format 3\x00\x10\x00\x01\x01\x00@  ",
        "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00",
        "class": b"\xca\xfe\xba\xbe\x00\x00\x00\x34",
    }
    for name, head in signatures.items():
        data = head + seeded_bytes(len(name), 2000)
        out.rejected("binary", f"binary/{name}.txt", data, "ingest_binary")
        out.rejected("binary", f"binary/{name}.html", data, "ingest_not_html")
    for seed in range(100):
        size = (1, 7, 64, 500, 4096, 20_000)[seed % 6]
        data = seeded_bytes(1000 + seed, size) + b"\x00"
        out.rejected("binary", f"binary/random-{seed:02}.txt", data, "ingest_binary")
        out.rejected("binary", f"binary/random-{seed:02}.htm", data, "ingest_not_html")
    text = article_text(0).encode()
    for seed, where in enumerate((0, 1, 100, len(text) // 2, len(text) - 1)):
        data = text[:where] + b"\x00" + text[where:]
        out.rejected("binary", f"binary/text-with-nul-{seed}.txt", data, "ingest_binary")
    out.rejected("binary", "binary/nuls.txt", b"\x00" * 4096, "ingest_binary")
    for seed in range(20):  # high bytes only, no NUL: no encoding reads them as text
        data = seeded_bytes(2000 + seed, 256 + 100 * seed, 0x80, 0x100)
        out.rejected("binary", f"binary/high-{seed:02}.txt", data, "ingest_not_utf8")
        out.rejected("binary", f"binary/high-{seed:02}.html", data, "ingest_not_html")


def write_invalid_utf8(out: FolderWriter) -> None:
    """Short texts with byte sequences that are never UTF-8 (too short to guess a legacy
    encoding from: rejected), and articles with one broken sequence (repaired: U+FFFD)."""
    contexts = ((b"Caf", b" au lait"), (b"The minister said ", b" on Tuesday."),
                (b"", b" at the start"), (b"x", b"y"), (b"\xc3\xa9t\xc3\xa9 ", b" \xe2\x80\x94"))
    for number, sequence in enumerate(INVALID_UTF8):
        for context, (before, after) in enumerate(contexts):
            data = before + sequence + after
            out.rejected("invalid_utf8", f"utf8/short-{number:02}-{context}.txt", data,
                         "ingest_not_utf8")
    for index in (0, 4, 5, 6):  # a multibyte UTF-8 article with one stray byte in the middle
        text = article_text(index).encode()
        middle = text.index(b" ", len(text) // 2) + 1
        data = text[:middle] + b"\xff" + text[middle:]
        out.published("invalid_utf8", f"utf8/stray-byte-{index}.txt", data, present=("\ufffd",))
    for index in (4, 5, 6, 7):  # cut in the middle of its last character: a truncated file
        text = (article_text(index).rstrip() + " “Fin”").encode()
        out.published("invalid_utf8", f"utf8/cut-mid-character-{index}.txt", text[:-1],
                      present=("\ufffd",))


def write_encodings(out: FolderWriter) -> None:
    """The invented articles in legacy encodings, UTF-16/32, with BOMs, mojibake, other line
    breaks, decomposed accents: each is repaired to the body of its UTF-8 original."""
    for index in range(len(ARTICLES)):
        text = article_text(index)
        reference = out.published("encoding", f"encoding/{index}-utf8.txt", text.encode())
        variants: dict[str, bytes] = {
            "utf8-bom": codecs.BOM_UTF8 + text.encode(),
            "utf16": text.encode("utf-16"),
            "utf16le-bom": codecs.BOM_UTF16_LE + text.encode("utf-16-le"),
            "utf16be-bom": codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
            "utf16le": text.encode("utf-16-le"),
            "utf16be": text.encode("utf-16-be"),
            "utf32": text.encode("utf-32"),
            "mojibake": mojibake(text).encode(),
            "mojibake-twice": mojibake(text, 2).encode(),
            "mojibake-latin1": text.encode().decode("latin-1").encode(),
            "mojibake-one-line": text.replace(
                ARTICLES[index][1][2], mojibake(ARTICLES[index][1][2])).encode(),
            "crlf": article_text(index, "\r\n").encode(),
            "cr": article_text(index, "\r").encode(),
            "line-separator": article_text(index, "\u2028").encode(),
            "trailing-spaces": text.replace("\n", " \t\u00a0\n").encode(),
            "nfd": __import__("unicodedata").normalize("NFD", text).encode(),
            "bom-crlf-gzip": gzip_bytes(codecs.BOM_UTF8 + article_text(index, "\r\n").encode()),
        }
        if index in CP1252_ARTICLES:
            variants["cp1252"] = text.encode("cp1252")
            variants["cp1252-crlf"] = article_text(index, "\r\n").encode("cp1252")
        if index in LATIN1_ARTICLES:
            variants["latin1"] = text.encode("latin-1")
        for number, (name, data) in enumerate(variants.items()):
            if (index + number) % SPREAD == 0:
                out.published("encoding", f"encoding/{index}-{name}.txt", data,
                              same_body_as=reference)
        write_html_encodings(out, index)


def write_html_encodings(out: FolderWriter, index: int) -> None:
    """One invented article as pages in declared, undeclared and wrongly declared charsets."""
    page = article_html(index)
    reference = out.published("encoding", f"encoding/{index}-utf8.html", page.encode())
    variants = {
        "utf8-bom": codecs.BOM_UTF8 + page.encode(),
        "utf16": article_html(index, None).encode("utf-16"),
        "undeclared-utf8": article_html(index, None).encode(),
        "gzip": gzip_bytes(page.encode()),
        "xml-declaration": ('<?xml version="1.0" encoding="utf-8"?>\n' + page).encode(),
        "declared-utf16-but-utf8": article_html(index, "utf-16").encode(),
    }
    if index in CP1252_ARTICLES:
        variants.update({
            "windows-1252": article_html(index, "windows-1252").encode("cp1252"),
            "iso-8859-1-label": article_html(index, "iso-8859-1").encode("cp1252"),
            "undeclared-cp1252": article_html(index, None).encode("cp1252"),
            "declared-utf8-but-cp1252": article_html(index, "utf-8").encode("cp1252"),
            "http-equiv": article_html(index, None, extra_head=(
                '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
            )).encode("cp1252"),
        })
    for number, (name, data) in enumerate(variants.items()):
        if (index + number) % SPREAD:
            continue
        suffix = ".html.gz" if name == "gzip" else ".html"
        out.published("encoding", f"encoding/{index}-{name}{suffix}", data,
                      same_body_as=reference)


def write_hostile_html(out: FolderWriter) -> None:
    """Pages carrying scripts, styles, frames and handlers: published without any of them."""
    markers = [f"zqxhead{n:02}" for n in range(1, len(HOSTILE_HEAD) + 1)] + [
        f"zqxbody{n:02}" for n in range(1, len(HOSTILE_BODY) + 1)] + ["alert(", "<script"]
    for index in range(len(ARTICLES)):
        reference = out.uri(f"encoding/{index}-utf8.html")
        for number, payload in enumerate(HOSTILE_HEAD):
            if (index + number) % SPREAD:
                continue
            page = article_html(index, extra_head=payload)
            out.published("hostile_html", f"hostile/{index}-head-{number:02}.html",
                          page.encode(), same_body_as=reference, absent=tuple(markers))
        for number, payload in enumerate(HOSTILE_BODY):
            if (index + number) % SPREAD:
                continue
            page = article_html(index, between=payload) if number % 2 else article_html(
                index, extra_body=payload)
            out.published("hostile_html", f"hostile/{index}-body-{number:02}.html",
                          page.encode(), same_body_as=reference, absent=tuple(markers))
    every = article_html(0, extra_head="".join(HOSTILE_HEAD), between="".join(HOSTILE_BODY))
    out.published("hostile_html", "hostile/all-at-once.html", every.encode(),
                  same_body_as=out.uri("encoding/0-utf8.html"), absent=tuple(markers))
    shell = ("<html><head><title>Loading</title>" + "".join(HOSTILE_HEAD) + "</head><body>"
             + "".join(HOSTILE_BODY) + "</body></html>")
    out.rejected("hostile_html", "hostile/scripts-only.html", shell.encode(),
                 "ingest_no_main_text")


def write_nested_html(out: FolderWriter) -> None:
    """Pages nested deeper than libxml2 parses (256 levels): no main text can be found."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in ARTICLES[3][1])
    for depth in (300, 1_000, 10_000, 100_000):
        for tag in ("div", "span", "table") if depth < 100_000 else ("div",):
            closed = f"<{tag}>" * depth + paragraphs + f"</{tag}>" * depth
            out.rejected("nested_html", f"nested/{tag}-{depth}.html",
                         f"<html><body>{closed}</body></html>".encode(), "ingest_no_main_text")
        out.rejected("nested_html", f"nested/unclosed-{depth}.html",
                     f"<html><body>{'<div>' * depth}{paragraphs}".encode(),
                     "ingest_no_main_text")


def write_gzip(out: FolderWriter) -> None:
    """Gzip files cut short or corrupted, and a compression bomb."""
    for index in (0, 4):
        whole = gzip_bytes(article_html(index).encode())
        for cut in (2, 3, 10, 11, 20, 50, 100, len(whole) // 2, len(whole) - 8, len(whole) - 1):
            out.rejected("gzip", f"gzip/{index}-cut-{cut}.html.gz", whole[:cut],
                         "ingest_bad_gzip")
        rng = random.Random(index)
        for flip in range(40):  # one bit flipped in the deflate data or the checksum
            data = bytearray(whole)
            position = rng.randrange(10, len(whole))
            data[position] ^= 1 << rng.randrange(8)
            out.rejected("gzip", f"gzip/{index}-flip-{flip:02}.html.gz", bytes(data),
                         "ingest_bad_gzip")
        text = gzip_bytes(article_text(index).encode())
        out.rejected("gzip", f"gzip/{index}-cut.txt", text[: len(text) // 2], "ingest_bad_gzip")
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = bomb.compress(b"<p>" + b"\x00" * 30_000_000) + bomb.flush()
    out.rejected("gzip", "gzip/bomb.html.gz", data, "ingest_too_large")


def write_too_large(out: FolderWriter) -> None:
    """A 50 MB text and files just over the limits: rejected before they are read whole."""
    out.rejected("too_large", "large/fifty-megabytes.txt",
                 (article_text(0).encode() * (BIG_TEXT_BYTES // 800 + 1))[:BIG_TEXT_BYTES],
                 "ingest_too_large")
    out.rejected("too_large", "large/just-over-a-megabyte.txt",
                 (b"The talks went on. " * 60_000)[:1_000_001], "ingest_too_large")
    out.rejected("too_large", "large/eleven-megabytes.html",
                 b"<html><body><p>" + b"Words and more words. " * 500_000 + b"</p></body></html>",
                 "ingest_too_large")


def write_long_lines(out: FolderWriter) -> None:
    """Extremely long lines: one paragraph of 24,000 characters is still an article; a line
    of one character repeated, or of digits and punctuation, is not."""
    headline, paragraphs = ARTICLES[2]
    prose = " ".join(paragraphs * 30)  # 24,000 characters
    out.published("long_lines", "long/one-long-paragraph.txt",
                  f"{headline}\n\n{prose}\n".encode(), present=(paragraphs[0][:60],))
    out.published("long_lines", "long/whole-article-on-one-line.txt",
                  (headline + " " + " ".join(paragraphs)).encode() + b" " * 6_000,
                  present=("Grünwalder brewery",))
    out.rejected("long_lines", "long/one-character.txt", b"x" * 300_000,
                 *NOT_AN_ARTICLE)
    out.rejected("long_lines", "long/punctuation.txt", b"-=+*" * 50_000,
                 *NOT_AN_ARTICLE)
    out.rejected("long_lines", "long/digits.txt", b"0123456789 " * 20_000,
                 *NOT_AN_ARTICLE)


def write_odd_text(out: FolderWriter) -> None:
    """Texts that decode but are not articles, or articles with control characters."""
    not_articles = {
        "only-boilerplate": "Advertisement\n\nShare on Facebook\n\nimages_1\n\nRead more »\n",
        "one-word": "Hello\n",
        "only-punctuation": "...\n---\n***\n",
        "menu": "Home\nWorld\nSport\nWeather\nContact us\nPrivacy policy\n",
        "numbers": "\n".join(str(n) for n in range(2_000)),
        "headline-only": "Harbour council in Vællø approves ferry link to Østrik island\n",
    }
    for name, text in not_articles.items():
        out.rejected("odd_text", f"odd/{name}.txt", text.encode(), *NOT_AN_ARTICLE)
    controls = {
        "ansi-escapes": "\x1b[31m", "bell": "\x07", "backspace": "x\x08", "escape": "\x1b",
        "rtl-override": "\u202e", "zero-width": "\u200b\u200c\u200d", "bom-inside": "\ufeff",
        "c1": "\x85\x9c", "delete": "\x7f", "private-use": "\ue000", "noncharacter": "\ufffe",
    }
    for number, (name, noise) in enumerate(controls.items()):
        index = number % len(ARTICLES)
        headline, paragraphs = ARTICLES[index]
        text = headline + "\n\n" + "\n\n".join(f"{p[:40]}{noise}{p[40:]}" for p in paragraphs)
        out.published("odd_text", f"odd/control-{name}.txt", text.encode(),
                      present=(paragraphs[1][60:100],))


def write_names(out: FolderWriter) -> None:
    """Good articles under odd file names: dots, spaces, non-ASCII, bytes that are not UTF-8,
    control characters, upper-case suffixes."""
    names: list[str | bytes] = [
        "names/a..b.txt", "names/..dots-first/inner.txt", "names/dots.. ..txt",
        "names/with spaces  and  tabs\t.txt", "names/ünïcødé-名前-ñ.txt", "names/emoji 📰.txt",
        "names/new\nline.txt", "names/escape\x1b[31m.txt", b"names/latin1-caf\xe9.txt",
        b"names/broken-\xff\xfe.html", "names/UPPER.TXT", "names/Mixed.Html",
        "names/semi;colon,comma'quote\"s.txt", "names/%2e%2e%2fescape.txt",
        "names/back\\slash.txt", "names/" + "long-" * 48 + ".txt", "names/-dash-first.txt",
        "names/ leading space.txt", "names/trailing dot..txt", "names/a.txt.txt",
    ]
    for number, name in enumerate(names):
        index = number % len(ARTICLES)
        is_html = os.fsdecode(name).lower().endswith(".html")
        data = article_html(index).encode() if is_html else article_text(index).encode()
        reference = out.uri(f"encoding/{index}-utf8.{'html' if is_html else 'txt'}")
        out.published("names", name, data, same_body_as=reference)
    (out.root / "names" / ".hidden.txt").write_bytes(article_text(0).encode())  # not an article


def write_links(out: FolderWriter, outside: Path) -> None:
    """Symbolic links: loops, dangling, out of the folder (refused), within it (read), to a
    folder; and a named pipe, which would block a reader forever."""
    links = out.root / "links"
    links.mkdir()
    (outside / "secret.txt").write_bytes(article_text(1).encode())
    cases = {
        "loop-a.txt": ("loop-b.txt", "ingest_symlink_loop"),
        "loop-b.txt": ("loop-a.txt", "ingest_symlink_loop"),
        "self.txt": ("self.txt", "ingest_symlink_loop"),
        "dangling.txt": ("no-such-file.txt", "ingest_unreadable"),
        "outside.txt": (os.path.relpath(outside / "secret.txt", links), "ingest_symlink_outside"),
        "absolute-outside.txt": (str(outside / "secret.txt"), "ingest_symlink_outside"),
        "etc-passwd.txt": ("/etc/passwd", "ingest_symlink_outside"),
        "up-and-out.txt": ("../" * 30 + "etc/passwd", "ingest_symlink_outside"),
        "folder.txt": (".", "ingest_not_a_file"),
    }
    for name, (target, reason) in cases.items():
        (links / name).symlink_to(target)
        out.reject("links", out.uri(f"links/{name}"), reason)
    (links / "real.txt").write_bytes(article_text(3).encode())
    (links / "inside.txt").symlink_to("real.txt")
    out.publish("links", out.uri("links/real.txt"), out.uri("encoding/3-utf8.txt"))
    out.publish("links", out.uri("links/inside.txt"), out.uri("encoding/3-utf8.txt"))
    (links / "sub").mkdir()
    (links / "sub" / "up").symlink_to("..")  # a loop of folders: not followed
    os.mkfifo(links / "pipe.txt")
    out.reject("links", out.uri("links/pipe.txt"), "ingest_not_a_file")


FOLDER_FAMILIES: tuple[Callable[[FolderWriter], None], ...] = (
    write_empty, write_binary, write_invalid_utf8, write_encodings, write_hostile_html,
    write_nested_html, write_gzip, write_too_large, write_long_lines, write_odd_text,
    write_names,
)


def write_folder_cases(root: Path, outside: Path) -> list[Case]:
    """Write the bad files into the source folder `root` (symbolic links also point into
    `outside`, a folder beside it) and return their cases."""
    out = FolderWriter(root)
    for write in FOLDER_FAMILIES:
        write(out)
    write_links(out, outside)
    return out.cases


# ---------------------------------------------------------------- JSONL source


def news_please(index: int, url: str | None, **changes: object) -> dict[str, object]:
    """A news-please record of an invented article."""
    headline, paragraphs = ARTICLES[index]
    record: dict[str, object] = {"title": headline, "maintext": "\n".join(paragraphs),
                                 "url": url, "date_publish": "2021-03-02 10:00:00",
                                 "authors": ["Desk"], "source_domain": "example.invalid",
                                 "language": "en"}
    record.update(changes)
    return record


def jsonl_line(record: object) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode()


def bad_json_lines() -> list[tuple[bytes, str]]:
    """(line, reason) of lines that cannot be a record."""
    good = jsonl_line(news_please(0, "https://example.invalid/cut"))
    lines: list[tuple[bytes, str]] = [(good[:cut], "ingest_bad_json")
                                      for cut in range(1, len(good) - 1, len(good) // 30)]
    not_json = [b"{", b"}", b"[", b"{'title': 'single quotes'}", b"{\"a\": 1,}", b"title: x",
                b"<html><body>not json</body></html>", b"{\"maintext\": \"x\" \"y\"}",
                b"\"unterminated", b"{\"a\": tru}", b"--", b"\\x00", b"{\"a\": [1, 2}",
                b"undefined", b"{\"a\": .5}", b"{\"a\": 01}", b"{\"a\": \"\\q\"}",
                b"{\"a\": \"tab\there\"}", b"{\"maintext\": \"x\"} trailing", b"\x1b[31m{}"]
    lines += [(line, "ingest_bad_json") for line in not_json]
    lines += [(b"[" * depth + b"]" * depth, "ingest_bad_json") for depth in (100_000, 400_000)]
    lines += [(b"{\"maintext\": \"x\", \"n\": " + b"[" * 200_000 + b"]" * 200_000 + b"}",
               "ingest_bad_json")]
    lines += [(b"{\"maintext\": \"x\", \"n\": " + b"9" * 5_000 + b"}", "ingest_bad_json")]
    not_objects = [b"[]", b"[1, 2]", b"\"a string\"", b"42", b"-1.5e300", b"null", b"true",
                   b"false", b"NaN", b"Infinity", b"[{\"maintext\": \"in an array\"}]"]
    lines += [(line, "ingest_bad_record") for line in not_objects]
    no_text = [{}, {"title": "Only a title"}, {"maintext": ""}, {"maintext": "   \n\t "},
               {"text": None}, {"maintext": None, "text": "", "raw_text": " "},
               {"url": "https://example.invalid/no-text"}, {"maintext": "\u2028\u3000"},
               {"Maintext": "wrong case of the field name"}, {"body": "an unknown field"}]
    lines += [(jsonl_line(record), "ingest_no_text") for record in no_text]
    wrong_types = [{"maintext": 42}, {"maintext": ["a", "b"]}, {"maintext": {"a": 1}},
                   {"maintext": True}, {"text": 1.5}, {"raw_text": [None]}]
    lines += [(jsonl_line(record), "ingest_bad_record") for record in wrong_types]
    lines += [(jsonl_line({"maintext": f"before{nul}after and more text"}), "ingest_binary")
              for nul in ("\x00", "\x00\x00", "a\x00")]
    for number, sequence in enumerate(INVALID_UTF8):
        lines.append((b"{\"maintext\": \"Caf" + sequence + b" text\"}", "ingest_not_utf8"))
        if number % 4 == 0:
            lines.append((b"{\"title\": \"" + sequence + b"\", \"maintext\": \"x\"}",
                          "ingest_not_utf8"))
    latin1 = json.dumps({"maintext": "Café con leña"}, ensure_ascii=False).encode("latin-1")
    lines.append((latin1, "ingest_not_utf8"))
    lines.append((json.dumps({"maintext": "x"}).encode("utf-16"), "ingest_not_utf8"))
    return lines


def write_jsonl_cases(folder: Path, good_lines: list[bytes], label: str) -> list[Case]:
    """A JSONL folder: `bad.jsonl` (good lines first and last, a BOM before the first, bad
    lines and repairable records between, CRLF endings) and a truncated `cut.jsonl.gz`.
    `label` is the folder's name in source ids."""
    corpus = Corpus(label)
    lines: list[bytes] = [codecs.BOM_UTF8 + good_lines[0]]

    def add(line: bytes, reason: str | None, url: str | None = None, **published: object) -> None:
        lines.append(line)
        where = f"{label}/bad.jsonl:{len(lines)}"
        if reason is None:
            corpus.publish("jsonl", url or where, **published)  # type: ignore[arg-type]
        else:
            corpus.reject("jsonl", where, reason)

    for line, reason in bad_json_lines():
        add(line, reason)
    for number, index in enumerate(range(len(ARTICLES))):
        url = f"https://example.invalid/jsonl/{number}"
        add(jsonl_line(news_please(index, url)), None, url)
        reference = url
        variants = {
            "lone-surrogate": (news_please(index, None, maintext="\ud800 "
                                           + "\n".join(ARTICLES[index][1])), ("\ufffd",)),
            "escaped": (news_please(index, None), ()),
            "odd-meta": (news_please(index, None, authors={"name": ["x"]}, language=7,
                                     date_publish="not a date", source_domain={"a": 1}), ()),
            "javascript-url": (news_please(index, "javascript:alert('zqxjsonl')"), ()),
        }
        for name, (record, present) in variants.items():
            escaped = name in ("escaped", "lone-surrogate")  # "\\u00e9", "\\ud800"
            line = json.dumps(record, ensure_ascii=escaped).encode()
            add(line, None, None, present=present,
                same_body_as=None if present else reference)
    long_text = "\n".join(ARTICLES[2][1] * 30)  # 24,000 characters: the isolated worker
    add(jsonl_line(news_please(2, None, maintext=long_text)), None,
        present=(ARTICLES[2][1][1][:60],))
    lines.append(jsonl_line(news_please(7, "https://example.invalid/jsonl/7")))  # a repeat
    corpus.reject("jsonl", "https://example.invalid/jsonl/7", "ingest_duplicate")
    add(b"{\"title\": \"big\", \"maintext\": \"" + b"word " * 220_000 + b"\"}",
        "ingest_too_large")
    lines.append(good_lines[1])
    (folder / "bad.jsonl").write_bytes(b"\r\n".join(lines) + b"\r\n")

    # Eight records, then a long line that compresses badly, cut in the middle of it.
    records = [jsonl_line(news_please(i, f"https://example.invalid/gz/{i}")) for i in range(8)]
    filler = jsonl_line({"padding": seeded_bytes(10, 200_000, 0x61, 0x7b).decode()})
    whole = gzip_bytes(b"\n".join([*records, filler]) + b"\n")
    (folder / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    for number in range(8):
        corpus.publish("jsonl", f"https://example.invalid/gz/{number}",
                       same_body_as=f"https://example.invalid/jsonl/{number}")
    corpus.reject("jsonl", f"{label}/cut.jsonl.gz:9", "ingest_bad_gzip")
    return corpus.cases


# ---------------------------------------------------------------- WARC source


def warc_writer(handle: io.BufferedIOBase, compress: bool):  # type: ignore[no-untyped-def]
    """A warcio writer whose records carry fixed ids and dates (same bytes on every run)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(handle, gzip=compress)
    counter = iter(range(1, 1_000_000))

    def response(url: str, body: bytes, content_type: str = "text/html; charset=utf-8",
                 status: str = "200 OK", headers: tuple[tuple[str, str], ...] = ()) -> None:
        http = StatusAndHeaders(status, [("Content-Type", content_type), *headers],
                                protocol="HTTP/1.1")
        fixed = {"WARC-Record-ID": f"<urn:uuid:00000000-0000-0000-0000-{next(counter):012d}>",
                 "WARC-Date": "2021-03-02T10:00:00Z"}
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict=fixed))

    return response


def write_warc_cases(folder: Path, good_pages: list[tuple[str, bytes]], label: str
                     ) -> list[Case]:
    """A WARC folder: `bad.warc.gz` (the good pages first and last, bad and repairable
    records between), and archives cut short, corrupted or not WARC at all."""
    corpus = Corpus(label)
    base = "https://example.invalid/warc/"
    with (folder / "bad.warc.gz").open("wb") as handle:
        response = warc_writer(handle, compress=True)
        response(*good_pages[0])
        rejected = {
            "empty": (b"", "ingest_empty_file"), "blank": (b" \n\t", "ingest_empty_file"),
            "binary": (b"\x89PNG\r\n\x1a\n\x00\x00" + seeded_bytes(7, 3000), "ingest_not_html"),
            "plain-text": (b"Just words, no markup, in a text/html response.",
                           "ingest_not_html"),
            "scripts-only": (("<html><head>" + "".join(HOSTILE_HEAD) + "</head><body>"
                              + "".join(HOSTILE_BODY) + "</body></html>").encode(),
                             "ingest_no_main_text"),
            "nested": (b"<html><body>" + b"<div>" * 50_000 + b"<p>deep</p>", "ingest_no_main_text"),
            "too-large": (b"<html><body><p>" + b"x" * 10_000_001, "ingest_too_large"),
            "high-bytes": (seeded_bytes(8, 5000, 0x80, 0x100), "ingest_not_html"),
        }
        for name, (body, reason) in rejected.items():
            response(base + name, body)
            corpus.reject("warc", base + name, reason, named=f"{label}/bad.warc.gz")
        response(base + "bad-gzip-encoding", b"\x1f\x8b\x08\x00garbage",
                 headers=(("Content-Encoding", "gzip"),))
        corpus.reject("warc", base + "bad-gzip-encoding", "ingest_bad_gzip")
        for index in range(len(ARTICLES)):
            url = f"{base}{index}"
            response(url, article_html(index).encode())
            corpus.publish("warc", url)
            variants = {
                "cp1252": article_html(index, "windows-1252").encode("cp1252", "replace"),
                "gzip-encoded": gzip_bytes(article_html(index).encode()),
                "hostile": article_html(index, extra_head="".join(HOSTILE_HEAD),
                                        between="".join(HOSTILE_BODY)).encode(),
                "xhtml": article_html(index).encode(),
            }
            for name, body in variants.items():
                kind = "application/xhtml+xml" if name == "xhtml" else "text/html"
                headers = (("Content-Encoding", "gzip"),) if name == "gzip-encoded" else ()
                if name == "cp1252" and index not in CP1252_ARTICLES:
                    continue
                response(f"{url}/{name}", body, kind, headers=headers)
                corpus.publish("warc", f"{url}/{name}", same_body_as=url,
                               absent=("zqxhead", "zqxbody", "alert(", "<script"))
        # warcio writes a space as %20; a response for a URI that is not http(s) is not a
        # web page (warcio reads no HTTP headers for it) and is skipped like a request.
        odd_uris = {"https://example.invalid/a b/../c": "https://example.invalid/a%20b/../c",
                    "https://example.invalid/ünï/名前?q=\"x\"#frag": None,
                    "javascript:alert('zqxwarc')": "", "file:///etc/passwd": ""}
        for number, (uri, read_as) in enumerate(odd_uris.items()):
            response(uri, article_html(number).encode())
            if read_as != "":
                corpus.publish("warc", read_as or uri, same_body_as=f"{base}{number}")
        response(base + "0", article_html(0).encode())  # the same page twice
        corpus.reject("warc", base + "0", "ingest_duplicate")
        for status in ("404 Not Found", "301 Moved Permanently", "500 Server Error"):
            response(base + "status", b"<html><body><p>error page</p></body></html>",
                     status=status)  # not articles: skipped, no case
        response(*good_pages[1])

    write_broken_warcs(folder, corpus)
    return corpus.cases


def archive(name: str, compress: bool) -> tuple[bytes, list[int], list[str]]:
    """(bytes, end offset of each record, its URI) of a WARC of the eight invented pages."""
    buffer = io.BytesIO()
    response = warc_writer(buffer, compress)
    ends, uris = [], []
    for index in range(len(ARTICLES)):
        uris.append(f"https://example.invalid/{name}/{index}")
        response(uris[-1], article_html(index).encode())
        ends.append(buffer.tell())
    return buffer.getvalue(), ends, uris


def write_broken_warcs(folder: Path, corpus: Corpus) -> None:
    """Archives cut inside their sixth record (the five before it are kept, the sixth is
    rejected), corrupted in their first, or not WARC at all (rejected as a file)."""
    for name, compress in (("cut", True), ("cut-plain", False)):
        data, ends, uris = archive(name, compress)
        suffix = ".warc.gz" if compress else ".warc"
        (folder / f"{name}{suffix}").write_bytes(data[: (ends[4] + ends[5]) // 2])
        for index in range(5):
            corpus.publish("warc", uris[index], same_body_as=f"https://example.invalid/warc/{index}")
        corpus.reject("warc", uris[5], "ingest_bad_warc", named=f"{corpus.label}/{name}{suffix}")
        if compress:  # and the gzip stream ends early
            corpus.reject("warc", f"{corpus.label}/{name}{suffix}", "ingest_bad_gzip")
    data, ends, uris = archive("flipped", True)
    (folder / "flipped.warc.gz").write_bytes(data[:200] + bytes([data[200] ^ 0xFF]) + data[201:])
    corpus.reject("warc", f"{corpus.label}/flipped.warc.gz", "ingest_bad_gzip")
    for name, data in (("garbage.warc", seeded_bytes(9, 5000)),
                       ("not-warc.warc", b"WARC/1.0\r\nthis is not a record\r\n\r\n" * 10),
                       ("html.warc.gz", gzip_bytes(article_html(0).encode()))):
        (folder / name).write_bytes(data)
        corpus.reject("warc", f"{corpus.label}/{name}", "ingest_bad_warc")


def count_cases(*groups: list[Case]) -> int:
    return sum(len(group) for group in groups)


# ---------------------------------------------------------------- feed source

FEED_PATH = "/feeds/bad.xml"
GOOD_FEED_PATH = "/feeds/good.xml"
XML_TYPE = {"Content-Type": "application/rss+xml"}
HTML_TYPE = {"Content-Type": "text/html; charset=utf-8"}


def rss(items: list[str], prolog: str = "", title: str = "Invented News") -> bytes:
    """An RSS 2.0 feed of these items, with an optional DOCTYPE (`prolog`)."""
    return (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{prolog}<rss version=\"2.0\">"
            f"<channel><title>{title}</title><link>http://example.invalid/</link>"
            "<description>News</description>" + "".join(items) + "</channel></rss>").encode()


def rss_item(title: str, link: str | None) -> str:
    link_xml = f"<link>{html.escape(link)}</link>" if link is not None else ""
    return (f"<item><title>{html.escape(title)}</title>{link_xml}"
            "<pubDate>Tue, 02 Mar 2021 10:00:00 GMT</pubDate></item>")


def hostile_feeds() -> dict[str, tuple[bytes, str]]:
    """Feed versions that must be refused or cannot be read: (body, reason) by name."""
    laughs = "".join(['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)])
    item = "<item><title>&x;</title><link>http://127.0.0.1:9/never</link></item>"
    unsafe = {  # name: (DOCTYPE, the item's title)
        "billion-laughs": (f"<!DOCTYPE rss [{laughs}]>\n", "&lol9;"),
        "quadratic-blowup": (f'<!DOCTYPE rss [<!ENTITY a "{"a" * 50_000}">]>\n', "&a;" * 20_000),
        "external-file": ('<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n', "&x;"),
        "external-url": ('<!DOCTYPE rss [<!ENTITY x SYSTEM "http://127.0.0.1:9/evil">]>\n', "&x;"),
        "parameter-entity": ('<!DOCTYPE rss [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n',
                             "x"),
    }
    feeds = {name: (rss([item.replace("&x;", title)], doctype), "ingest_feed_unsafe")
             for name, (doctype, title) in unsafe.items()}
    unreadable = {
        "html-page": article_html(0).encode(),
        "binary": b"\x89PNG\r\n\x1a\n\x00\x00" + seeded_bytes(11, 2000),
        "plain-text": b"This is not a feed, only words.",
        "json": b'{"items": [{"url": "http://127.0.0.1:9/never"}]}',
    }
    return feeds | {name: (body, "ingest_feed_unreadable") for name, body in unreadable.items()}


@dataclass
class FeedPlan:
    """A news site for the feed source: the feed versions to serve at FEED_PATH one after
    another (one sync each), and the cases."""

    versions: list[bytes]
    cases: list[Case]


def feed_site(site: Any, good_pages: list[tuple[str, bytes]]) -> FeedPlan:
    """Put the pages of a feed source on `site` (a running tests/loopback_site.Site): the
    good pages, listed by GOOD_FEED_PATH and by the first version of FEED_PATH with invented,
    hostile and broken pages and links; then hostile and unreadable versions of the feed."""
    from loopback_site import Route

    corpus = Corpus("feed")
    feed_url = site.url(FEED_PATH)
    for path, body in good_pages:
        site.routes[path] = Route(body, headers=HTML_TYPE)
    site.routes[GOOD_FEED_PATH] = Route(rss([rss_item(f"good {n}", site.url(path))
                                             for n, (path, _) in enumerate(good_pages)]),
                                        headers=XML_TYPE)
    items = [rss_item(f"good {n}", site.url(path)) for n, (path, _) in enumerate(good_pages)]

    def page(path: str, route: Route | None, title: str) -> str:
        if route is not None:
            site.routes[path] = route
        items.append(rss_item(title, site.url(path)))
        return site.url(path)

    for index in range(len(ARTICLES)):
        url = page(f"/news/{index}.html", Route(article_html(index).encode(), headers=HTML_TYPE),
                   ARTICLES[index][0])
        corpus.publish("feed", url, present=(ARTICLES[index][1][0][:50],))
    # The repaired pages' entries have no title, so the page's own headline is published
    # (an entry's title would win over it: extract/source_meta.py) and compared.
    hostile = article_html(1, extra_head="".join(HOSTILE_HEAD), between="".join(HOSTILE_BODY))
    corpus.publish("feed", page("/news/hostile.html", Route(hostile.encode(), headers=HTML_TYPE),
                                ""),
                   same_body_as=site.url("/news/1.html"), absent=("zqxhead", "zqxbody", "alert("))
    cp1252 = article_html(4, None).encode("cp1252")
    corpus.publish("feed", page("/news/cp1252.html", Route(cp1252, headers={
        "Content-Type": "text/html; charset=windows-1252"}), ""),
                   same_body_as=site.url("/news/4.html"))
    bomb = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb_body = bomb.compress(b"<p>" + b"\x00" * 30_000_000) + bomb.flush()
    broken = {
        "/bad/empty.html": (Route(b"", headers=HTML_TYPE), "ingest_empty_file"),
        "/bad/binary.html": (Route(seeded_bytes(12, 3000), headers=HTML_TYPE), "ingest_not_html"),
        "/bad/missing.html": (None, "ingest_fetch_http_error"),
        "/bad/error.html": (Route(b"oops", status=500), "ingest_fetch_http_error"),
        "/bad/scripts.html": (Route(("<html><head>" + "".join(HOSTILE_HEAD) + "</head><body>"
                                     + "".join(HOSTILE_BODY) + "</body></html>").encode(),
                                    headers=HTML_TYPE), "ingest_no_main_text"),
        "/bad/nested.html": (Route(b"<html><body>" + b"<div>" * 20_000 + b"<p>deep</p>",
                                   headers=HTML_TYPE), "ingest_no_main_text"),
        "/bad/bomb.html": (Route(bomb_body, headers={**HTML_TYPE, "Content-Encoding": "gzip"}),
                           "ingest_fetch_too_large"),
        "/bad/to-file.html": (Route(status=302, headers={"Location": "file:///etc/passwd"}),
                              "ingest_fetch_scheme_refused"),
        "/bad/loop.html": (Route(status=302, headers={"Location": "/bad/loop.html"}),
                           "ingest_fetch_too_many_redirects"),
        "/bad/../../../etc/passwd": (None, "ingest_fetch_http_error"),
    }
    for path, (route, reason) in broken.items():
        page(path, route, path)
        corpus.reject("feed", items_link(items[-1]), reason)
    for link, reason in (("javascript:alert('zqxfeed')", "ingest_fetch_scheme_refused"),
                         ("file://localhost/etc/passwd", "ingest_fetch_scheme_refused"),
                         ("data:text/html,<p>zqxfeed</p>", "ingest_fetch_scheme_refused"),
                         ("ftp://127.0.0.1/news.html", "ingest_fetch_scheme_refused")):
        items.append(rss_item(link, link))
        corpus.reject("feed", link, reason)
    items.append(rss_item("an entry without a link", None))
    corpus.reject("feed", f"{feed_url}#entry-{len(items)}", "ingest_feed_no_link",
                  named=f"entry {len(items)}")
    versions = [rss(items)]
    for body, reason in hostile_feeds().values():
        versions.append(body)
        digest = hashlib.sha256(body).hexdigest()
        corpus.reject("feed", feed_url, reason, named=f"(version {digest[:12]})")
    return FeedPlan(versions, corpus.cases)


def items_link(item: str) -> str:
    """The link of an rss_item, as the feed source reads it back (dot segments resolved)."""
    start = item.index("<link>") + len("<link>")
    return urllib.parse.urljoin("http://x/", html.unescape(item[start:item.index("</link>")]))
