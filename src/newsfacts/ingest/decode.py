"""Bytes to text: strict UTF-8 with a clear reason when a file cannot be read as an article."""

from __future__ import annotations

import codecs

from newsfacts.ids import make_article_id, sha256_hex
from newsfacts.records import RawArticle, Rejection

MAX_ARTICLE_BYTES = 5_000_000  # a news article is kilobytes; beyond this it is not one


class DecodeError(ValueError):
    """Why bytes could not become an article: a reason code and a detail for people."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def decode_article_bytes(data: bytes) -> str:
    """Decode UTF-8 (a leading BOM is dropped); raise DecodeError with a reason code."""
    if len(data) > MAX_ARTICLE_BYTES:
        raise DecodeError("ingest_too_large", f"{len(data)} bytes, limit {MAX_ARTICLE_BYTES}")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            "ingest_not_utf8",
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
        ) from None
    if "\x00" in text:
        raise DecodeError("ingest_binary", "contains NUL bytes: not a text file")
    if not text.strip():
        raise DecodeError("ingest_empty_file", "empty or whitespace only")
    return text


def raw_article_from_bytes(source_uri: str, data: bytes) -> RawArticle | Rejection:
    """Make a RawArticle from a source's bytes, or a Rejection saying what is wrong."""
    raw_sha256 = sha256_hex(data)
    article_id = make_article_id(source_uri, raw_sha256)
    try:
        text = decode_article_bytes(data)
    except DecodeError as err:
        return Rejection(
            source_uri=source_uri,
            article_id=article_id,
            raw_sha256=raw_sha256,
            stage="ingest",
            reason=err.reason,
            detail=f"{source_uri}: {err.detail}",
        )
    return RawArticle(article_id, source_uri, raw_sha256, text)
