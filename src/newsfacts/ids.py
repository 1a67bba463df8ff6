"""Stable identifiers: hashes of content, never of time or position."""

from __future__ import annotations

import dataclasses
import hashlib
import json

from newsfacts.records import SourceMeta


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def make_article_id(source_uri: str, raw_sha256: str) -> str:
    """`a` + 16 hex chars of SHA-256 over the source identity and the raw bytes' hash.

    It changes only when the source or its bytes change, never when extractors improve.
    """
    digest = hashlib.sha256(f"{source_uri}\x00{raw_sha256}".encode()).hexdigest()
    return f"a{digest[:16]}"


def source_meta_sha256(meta: SourceMeta | None) -> str | None:
    """Hex SHA-256 of what a source said about an article (its fields as sorted JSON); None
    when it said nothing.

    A feed entry's or WARC record's metadata is not in the raw bytes that `article_id`
    hashes, so incremental builds compare this too: new metadata, same page, is reprocessed.
    """
    if meta is None:
        return None
    document = json.dumps(dataclasses.asdict(meta), ensure_ascii=False, sort_keys=True)
    return sha256_hex(document.encode("utf-8"))
