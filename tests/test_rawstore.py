"""The raw store: bodies kept once by hash, the index of URLs, damage detected."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfacts.ids import sha256_hex
from newsfacts.rawstore import RawStore, StoreError

PAGE = (Path(__file__).resolve().parent.parent / "seeds" / "000_c1accda924f0f9d8.txt").read_bytes()


def test_bodies_are_kept_once_by_their_hash(tmp_path: Path) -> None:
    with RawStore(tmp_path) as store:
        digest = store.put(PAGE)
        assert store.put(PAGE) == digest == sha256_hex(PAGE)
        files = [p for p in (tmp_path / "raw").rglob("*") if p.is_file()]
        assert files == [tmp_path / "raw" / "sha256" / digest[:2] / digest[2:]]
        assert store.get(digest) == PAGE


def test_the_index_keeps_the_current_body_its_history_and_failures(tmp_path: Path) -> None:
    url = "https://example.com/a"
    with RawStore(tmp_path) as store:
        first = store.put(PAGE)
        store.record_body(url, first, etag='"1"', when="2026-01-01T00:00:00+00:00")
        second = store.put(PAGE + b"\nCorrection.")
        store.record_body(url, second, etag='"2"', when="2026-01-02T00:00:00+00:00")
        store.record_failure(url, "ingest_fetch_timeout", f"{url}: no answer within 20 s")
    with RawStore(tmp_path) as store:  # it is all on disk
        entry = store.lookup(url)
        assert entry is not None
        assert (entry.sha256, entry.etag) == (second, '"2"')  # a failure keeps the body
        assert entry.failure_reason == "ingest_fetch_timeout"
        assert entry.fetched_at == "2026-01-02T00:00:00+00:00"
        assert store.history(url) == [first, second]
        assert store.urls() == [url]
        assert store.lookup("https://example.com/never") is None


def test_a_damaged_or_missing_body_is_an_error(tmp_path: Path) -> None:
    with RawStore(tmp_path) as store:
        digest = store.put(PAGE)
        store.blob_path(digest).write_bytes(PAGE[:-1])
        with pytest.raises(StoreError, match="damaged"):
            store.get(digest)
        store.blob_path(digest).unlink()
        with pytest.raises(StoreError, match="missing"):
            store.get(digest)
