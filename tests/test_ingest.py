"""Ingest: folder listing, decoding, stable ids and clear rejections."""

from __future__ import annotations

import codecs
from pathlib import Path

from newsfacts.ids import make_article_id, sha256_hex
from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.ingest.folder import read_folder
from newsfacts.records import RawArticle, Rejection


def test_seeds_are_read_in_path_order_with_stable_ids(seeds_dir: Path) -> None:
    items = list(read_folder(seeds_dir))
    assert [i.source_uri for i in items] == [
        "seeds/000_c1accda924f0f9d8.txt",
        "seeds/004_b37bf997956b9fa5.txt",
    ]
    assert all(isinstance(i, RawArticle) for i in items)
    first = items[0]
    raw = (seeds_dir / "000_c1accda924f0f9d8.txt").read_bytes()
    assert first.raw_sha256 == sha256_hex(raw)
    assert first.article_id == make_article_id(first.source_uri, first.raw_sha256)
    assert [i.article_id for i in read_folder(seeds_dir)] == [i.article_id for i in items]


def test_article_id_changes_with_bytes_or_source_only() -> None:
    digest = sha256_hex(b"x")
    assert make_article_id("s/a.txt", digest) == make_article_id("s/a.txt", digest)
    assert make_article_id("s/a.txt", digest) != make_article_id("s/b.txt", digest)
    assert make_article_id("s/a.txt", digest) != make_article_id("s/a.txt", sha256_hex(b"y"))
    assert len(make_article_id("s/a.txt", digest)) == 17


def test_bom_is_dropped() -> None:
    item = raw_article_from_bytes("s/bom.txt", codecs.BOM_UTF8 + b"Title\n\nBody")
    assert isinstance(item, RawArticle)
    assert item.text == "Title\n\nBody"


def test_undecodable_empty_and_binary_files_are_rejected_with_reasons(tmp_path: Path) -> None:
    (tmp_path / "a_latin1.txt").write_bytes("Caf\xe9 con le\xf1a".encode("latin-1"))
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_blank.txt").write_bytes(b"  \n\t\n")
    (tmp_path / "d_nul.txt").write_bytes(b"abc\x00def")
    (tmp_path / "e_good.txt").write_text("Headline\n\nA body.", encoding="utf-8")
    (tmp_path / "ignored.csv").write_text("not an article", encoding="utf-8")
    items = list(read_folder(tmp_path))
    by_name = {i.source_uri.rsplit("/", 1)[1]: i for i in items}
    assert sorted(by_name) == ["a_latin1.txt", "b_empty.txt", "c_blank.txt", "d_nul.txt",
                               "e_good.txt"]
    reasons = {n: i.reason for n, i in by_name.items() if isinstance(i, Rejection)}
    assert reasons == {
        "a_latin1.txt": "ingest_not_utf8",
        "b_empty.txt": "ingest_empty_file",
        "c_blank.txt": "ingest_empty_file",
        "d_nul.txt": "ingest_binary",
    }
    latin = by_name["a_latin1.txt"]
    assert isinstance(latin, Rejection)
    assert latin.detail.startswith(f"{latin.source_uri}: not valid UTF-8: byte 0xe9 at offset 3")
    assert latin.stage == "ingest" and latin.raw_sha256 is not None


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    import pytest

    with pytest.raises(NotADirectoryError, match="does-not-exist"):
        list(read_folder(tmp_path / "does-not-exist"))
