"""Stable identifiers: hashes of content, never of time or position."""

from __future__ import annotations

import hashlib


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def make_article_id(source_uri: str, raw_sha256: str) -> str:
    """`a` + 16 hex chars of SHA-256 over the source identity and the raw bytes' hash.

    It changes only when the source or its bytes change, never when extractors improve.
    """
    digest = hashlib.sha256(f"{source_uri}\x00{raw_sha256}".encode()).hexdigest()
    return f"a{digest[:16]}"
