"""Bytes to text: UTF-8 first, then a careful legacy-encoding guess, or a clear reason why not."""

from __future__ import annotations

import codecs
import zlib
from collections.abc import Callable

import charset_normalizer

from newsfacts.ids import make_article_id, sha256_hex
from newsfacts.limits import ENVIRONMENT, current_limits
from newsfacts.records import RawArticle, Rejection, TextFormat

GZIP_MAGIC = b"\x1f\x8b"
# Byte order marks, UTF-32 before UTF-16: the UTF-32-LE mark starts with the UTF-16-LE one.
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Legacy guesses need evidence: on a dozen bytes many code pages tie (charset-normalizer
# rates "Caf\xe9 con le\xf1a" as cp1006, Urdu, with cp1252 tied), so below this we do not guess.
MIN_LEGACY_BYTES = 64
MAX_LEGACY_CHAOS = 0.1  # charset-normalizer's "mess" ratio; its own default cut-off is 0.2
MIN_PRINTABLE_RATIO = 0.98
# Text uses many different characters; one byte repeated reads as "탤탤탤..." in cp949.
MIN_DISTINCT_CHARS = 10
# charset-normalizer breaks ties between Latin code pages arbitrarily (French cp1252 text comes
# out as cp1250, "España" as "Espańa"); among equally good candidates we prefer cp1252, which
# is what legacy Western text is and what browsers read "latin-1" as (WHATWG Encoding).
PREFERRED_LEGACY = "cp1252"
TIE_COHERENCE = 0.05
BROKEN_UTF8_RATIO = 10


class DecodeError(ValueError):
    """Why bytes could not become an article: a reason code and a detail for people."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def too_large_detail(size: int, limit: int, what: str) -> str:
    """Why an input is too large, with the setting that allows more."""
    variable = ENVIRONMENT["max_html_bytes" if what == "HTML page" else "max_article_bytes"]
    return f"{what} of {size:,} bytes, over the limit of {limit:,} ({variable})"


def check_size(data: bytes, limit: int | None = None, what: str = "text") -> None:
    """Raise `ingest_too_large` when the bytes exceed `limit` (default: the text limit)."""
    if limit is None:
        limit = current_limits().max_article_bytes
    if len(data) > limit:
        raise DecodeError("ingest_too_large", too_large_detail(len(data), limit, what))


def gunzip_limit() -> int:
    """The most that gunzip may produce: the larger of the text and HTML limits."""
    limits = current_limits()
    return max(limits.max_article_bytes, limits.max_html_bytes)


def gunzip_if_gzip(data: bytes, limit: int | None = None) -> bytes:
    """Unwrap gzip-compressed bytes (sniffed by magic number); other bytes pass through.

    Decompresses at most `limit` + 1 bytes, so a gzip bomb ends as `ingest_too_large`.
    """
    if not data.startswith(GZIP_MAGIC):
        return data
    limit = gunzip_limit() if limit is None else limit
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise DecodeError("ingest_bad_gzip", f"corrupt gzip data: {exc}") from None
    if len(out) > limit:
        raise DecodeError("ingest_too_large", f"gzip data inflating to over {limit:,} bytes "
                          "(a compression bomb, or not an article)")
    if not inflater.eof:
        raise DecodeError("ingest_bad_gzip", "truncated gzip data: the stream ends early")
    return out


def decode_bom(data: bytes) -> str | None:
    """Text of bytes that start with a Unicode byte order mark, else None."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                return None  # a stray mark: let the other decoders have a go
    return None


def printable_ratio(text: str) -> float:
    """Share of characters that are printable or ordinary whitespace."""
    if not text:
        return 0.0
    ok = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return ok / len(text)


def pick_legacy_encoding(data: bytes) -> str | None:
    """charset-normalizer's best guess, cp1252 winning ties; None when it has no guess."""
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    best = matches[0]
    if best.chaos > MAX_LEGACY_CHAOS:
        return None
    for match in matches:
        tied = match.chaos <= best.chaos and match.coherence >= best.coherence - TIE_COHERENCE
        if tied and PREFERRED_LEGACY in match.could_be_from_charset:
            return PREFERRED_LEGACY
    return best.encoding


def decode_legacy(data: bytes) -> str | None:
    """Text in a confidently detected legacy encoding (UTF-16 without BOM, cp1252, ...)."""
    if len(data) < MIN_LEGACY_BYTES:
        return None
    encoding = pick_legacy_encoding(data)
    if encoding is None:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text or printable_ratio(text) < MIN_PRINTABLE_RATIO:
        return None
    return text if len(set(text)) >= MIN_DISTINCT_CHARS else None


def decode_broken_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken sequences, each read as U+FFFD: a file cut in the middle of a
    character, a stray byte. None when the bytes look like another encoding: a legacy text
    has no well-formed multibyte characters (bar chance), so they must outnumber the broken
    ones BROKEN_UTF8_RATIO times. A character cut off at the end is enough when the text
    before it has multibyte characters or two of its bytes are left (one trailing byte after
    ASCII text, "Caf\\xe9", is as likely latin-1)."""
    try:
        data.decode("utf-8")
        return None  # not broken
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(data):
            head = data[:exc.start].decode("utf-8")
            if len(data) - exc.start >= 2 or not head.isascii():
                return head + "\ufffd"
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    well_formed = sum(1 for ch in text if ch > "\x7f" and ch != "\ufffd")
    if "\x00" in text or well_formed < BROKEN_UTF8_RATIO * broken:
        return None
    return text


def decode_text_bytes(data: bytes) -> str:
    """Text of a file's bytes: BOM, else UTF-8, else nearly UTF-8, else a confident legacy
    guess; or DecodeError (`ingest_binary` for bytes with NULs, else `ingest_not_utf8`)."""
    text = decode_bom(data)
    if text is not None:
        return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        error = exc
    text = decode_broken_utf8(data) or decode_legacy(data)
    if text is not None:
        return text
    if b"\x00" in data:
        raise DecodeError("ingest_binary", "contains NUL bytes and no text encoding fits: "
                          "a binary file, not text")
    raise DecodeError(
        "ingest_not_utf8",
        f"not valid UTF-8: byte 0x{data[error.start]:02x} at offset {error.start}, "
        "and no confident guess of a legacy encoding")


def decode_article_bytes(data: bytes) -> str:
    """Decode a text file (decode_text_bytes); NULs, empty text or too many bytes are a
    DecodeError."""
    check_size(data)
    text = decode_text_bytes(data)
    if "\x00" in text:
        # Valid UTF-8 with NULs: UTF-16 without a BOM, or a binary file.
        text = decode_legacy(data) or text
        if "\x00" in text:
            raise DecodeError("ingest_binary", "contains NUL bytes: not a text file")
    if not text.strip():
        raise DecodeError("ingest_empty_file", "empty or whitespace only")
    return text


def raw_article_from_bytes(
    source_uri: str,
    data: bytes,
    to_text: Callable[[bytes], str] = decode_article_bytes,
    text_format: TextFormat = "text",
) -> RawArticle | Rejection:
    """Make a RawArticle from a source's bytes (gzip unwrapped), or a Rejection saying why not.

    `to_text` turns the (unwrapped) bytes into the article text; the ids hash the raw bytes.
    """
    raw_sha256 = sha256_hex(data)
    article_id = make_article_id(source_uri, raw_sha256)
    try:
        text = to_text(gunzip_if_gzip(data))
    except DecodeError as err:
        return Rejection(source_uri, article_id, raw_sha256, "ingest", err.reason,
                         f"{source_uri}: {err.detail}")
    except Exception as exc:  # a decoder or trafilatura failing on odd bytes: this file only
        return Rejection(source_uri, article_id, raw_sha256, "ingest", "ingest_error",
                         f"{source_uri}: {type(exc).__name__}: {exc}")
    return RawArticle(article_id, source_uri, raw_sha256, text, text_format)
