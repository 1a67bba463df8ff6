"""Read a response body within a size cap and a deadline, decoding gzip/deflate boundedly."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable


class BodyError(Exception):
    """A body that is too large, too slow or wrongly encoded, with a reason code."""

    def __init__(self, reason: str, detail: str, retryable: bool = False) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.retryable = retryable


def make_decoder(content_encoding: str | None) -> zlib._Decompress | None:
    """A decompressor for the Content-Encoding, None for identity; BodyError otherwise."""
    encoding = (content_encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise BodyError("ingest_fetch_bad_encoding", f"Content-Encoding {encoding!r} is not supported")


def read_body(chunks: Iterable[bytes], content_encoding: str | None, max_bytes: int,
              deadline: float, clock: Callable[[], float]) -> bytes:
    """The decoded body, or BodyError once it passes `max_bytes` (decoded: a gzip bomb stops
    there too) or the clock passes `deadline` (a server dripping bytes)."""
    decoder = make_decoder(content_encoding)
    out = bytearray()
    for chunk in chunks:
        if clock() > deadline:
            raise BodyError("ingest_fetch_timeout", "the body took too long", retryable=True)
        room = max_bytes + 1 - len(out)
        try:
            data = decoder.decompress(chunk, room) if decoder else chunk
        except zlib.error as exc:
            raise BodyError("ingest_fetch_bad_encoding",
                            f"corrupt compressed body: {exc}") from None
        out += data
        if len(out) > max_bytes:
            raise BodyError("ingest_fetch_too_large", f"body over {max_bytes} bytes")
    if decoder is not None and not decoder.eof:
        raise BodyError("ingest_fetch_bad_encoding", "compressed body ends early", retryable=True)
    return bytes(out)
