"""Ingest: folder listing, decoding, stable ids and clear rejections."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from newsfacts.ids import make_article_id, sha256_hex
from newsfacts.ingest.decode import DecodeError, decode_article_bytes, raw_article_from_bytes
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
    # Too short to tell cp1252 from a dozen other code pages: still rejected, saying why.
    latin = by_name["a_latin1.txt"]
    assert isinstance(latin, Rejection)
    assert latin.detail.startswith(f"{latin.source_uri}: not valid UTF-8: byte 0xe9 at offset 3")
    assert "no confident guess of a legacy encoding" in latin.detail
    assert latin.stage == "ingest" and latin.raw_sha256 is not None


# Written for these tests: curly quotes, dashes, the euro sign and accents, all in cp1252.
LEGACY_TEXT = (
    "Council approves new budget\n\n"
    "The city council voted 7–2 on Tuesday to approve a €4.5 million budget for next year. "
    "“We’ve made hard choices,” said the mayor, adding that the café tax would stay at 3%.\n\n"
    "Critics called the plan “a disaster for naïve savers” — but the vote stands, and the "
    "budget takes effect in January.\n"
)
SPANISH_TEXT = (
    "El Gobierno aprobó ayer la reforma. La oposición criticó la decisión y pidió una "
    "votación en el Congreso. El año pasado, la economía de España creció.\n"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (LEGACY_TEXT, "cp1252"),
        (SPANISH_TEXT, "latin-1"),  # charset-normalizer alone says cp1250: "Espańa"
        (LEGACY_TEXT, "utf-16"),  # with a BOM
        (LEGACY_TEXT, "utf-16-le"),  # without one
        (LEGACY_TEXT, "utf-16-be"),
    ],
)
def test_legacy_encodings_are_decoded(text: str, encoding: str) -> None:
    assert decode_article_bytes(text.encode(encoding)) == text


def test_cp1252_file_in_a_folder_becomes_an_article(tmp_path: Path) -> None:
    data = LEGACY_TEXT.encode("cp1252")
    (tmp_path / "legacy.txt").write_bytes(data)
    [item] = read_folder(tmp_path)
    assert isinstance(item, RawArticle)
    assert item.text == LEGACY_TEXT
    assert item.raw_sha256 == sha256_hex(data)


def _random_bytes(n: int) -> bytes:
    rng = random.Random(0)
    return bytes(rng.randrange(256) for _ in range(n))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_random_bytes(4096), "ingest_binary"),  # NULs among them: binary, not a text
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _random_bytes(1000), "ingest_binary"),
        (bytes(range(0x80, 0x100)) * 8, "ingest_not_utf8"),
        (b"\xc5" * 4096, "ingest_not_utf8"),  # cp949 would read it as one syllable repeated
        (b"Some text at first, " * 5 + b"\x00\x01\x02\x03", "ingest_binary"),
    ],
    ids=["random", "png", "high-bytes", "one-byte-repeated", "text-then-nul"],
)
def test_garbage_bytes_stay_rejected(tmp_path: Path, data: bytes, reason: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_article_bytes(data)
    assert caught.value.reason == reason
    (tmp_path / "junk.txt").write_bytes(data)
    [item] = read_folder(tmp_path)
    assert isinstance(item, Rejection)
    assert (item.reason, item.stage) == (reason, "ingest")
    assert item.detail.startswith(f"{tmp_path.name}/junk.txt: ")


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError, match="does-not-exist"):
        list(read_folder(tmp_path / "does-not-exist"))
