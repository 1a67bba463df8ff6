"""Writers and the atomic release: round trips, determinism, `latest`, no partial releases."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsfacts.publish.csv import table_to_csv
from newsfacts.publish.jsonld import articles_graph
from newsfacts.publish.parquet import write_parquet
from newsfacts.publish.release import (
    ReleaseContext,
    latest_version,
    list_versions,
    publish_release,
)
from newsfacts.records import BoilerplateLine
from newsfacts.schemas import load_schema
from newsfacts.tables import records_to_table

TRICKY = 'He said, "quoted"\nand a new line; also = formula-like and ünïcödé'


def _boilerplate_table():
    rows = [
        BoilerplateLine("a0000000000000002", 3, "images_1", "image_placeholder",
                        "image_placeholder"),
        BoilerplateLine("a0000000000000001", 9, TRICKY, "other", "x"),
        BoilerplateLine("a0000000000000001", 2, "- Advertisement -", "advertisement", "ad_marker"),
    ]
    return records_to_table(load_schema("boilerplate"), rows)


def test_rows_are_sorted_by_primary_key() -> None:
    table = _boilerplate_table()
    assert list(zip(table.column("article_id").to_pylist(), table.column("line_no").to_pylist(),
                    strict=True)) == [("a0000000000000001", 2), ("a0000000000000001", 9),
                                      ("a0000000000000002", 3)]


def test_csv_is_rfc4180_and_round_trips() -> None:
    table = _boilerplate_table()
    text = table_to_csv(table)
    assert text.startswith("article_id,line_no,text,reason,rule_id\r\n")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == table.column_names
    assert rows[2][2] == TRICKY
    assert [r[1] for r in rows[1:]] == ["2", "9", "3"]


def test_parquet_keeps_types_and_bytes_are_reproducible(tmp_path: Path) -> None:
    table = _boilerplate_table()
    schema = load_schema("boilerplate")
    write_parquet(table, tmp_path / "a.parquet", schema)
    write_parquet(table, tmp_path / "b.parquet", schema)
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    back = pq.read_table(tmp_path / "a.parquet")
    assert back.schema.equals(schema.parquet_schema(), check_metadata=True)
    assert back.to_pylist() == table.to_pylist()


def test_jsonld_expands_with_pyld_offline() -> None:
    from pyld import jsonld

    from newsfacts.records import Article

    article = Article(
        article_id="a0123456789abcdef", source_uri="seeds/x.txt", raw_sha256="0" * 64,
        url=None, site="example.org", site_source="page", title="A <b>title</b>",
        title_source="page", standfirst=None, author=None, author_source=None, credit=None,
        body="CARACAS – Body.", language="en", word_count=2,
        dateline="CARACAS –", dateline_place="Caracas", dateline_country="VE",
        dateline_start=0, dateline_end=9, published_date=dt.date(2017, 7, 11),
        published_date_precision="day", published_date_source="dateline",
        published_date_start=None, published_date_end=None, boilerplate_lines_removed=0,
        pipeline_version="0.1.0",
    )
    schema = load_schema("articles")
    document = articles_graph(schema, records_to_table(schema, [article]))
    (node,) = jsonld.expand(document)
    s = "https://schema.org/"
    assert node["@type"] == [f"{s}NewsArticle"]
    assert node[f"{s}headline"] == [{"@value": "A <b>title</b>"}]
    assert node[f"{s}datePublished"] == [
        {"@type": "http://www.w3.org/2001/XMLSchema#date", "@value": "2017-07-11"}]
    assert node[f"{s}wordCount"][0]["@value"] == 2
    place = node[f"{s}locationCreated"][0]
    assert place[f"{s}name"] == [{"@value": "Caracas"}]
    assert place[f"{s}address"][0][f"{s}addressCountry"] == [{"@value": "VE"}]
    assert node[f"{s}publisher"][0][f"{s}name"] == [{"@value": "example.org"}]
    assert "https://w3id.org/newsfacts/terms#dateline_start" in node


def _writer(payload: bytes):
    def write(folder: Path) -> None:
        (folder / "data.txt").write_bytes(payload)
    return write


def test_release_versions_latest_and_unchanged_content(tmp_path: Path) -> None:
    first = publish_release(tmp_path, "ds", _writer(b"one"), {"k": 1})
    assert (first.version, first.created) == ("v0001", True)
    assert latest_version(tmp_path / "ds") == "v0001"
    again = publish_release(tmp_path, "ds", _writer(b"one"), {"k": 1})
    assert (again.version, again.created) == ("v0001", False)
    second = publish_release(tmp_path, "ds", _writer(b"two"), {"k": 1})
    assert (second.version, second.created) == ("v0002", True)
    assert list_versions(tmp_path / "ds") == ["v0001", "v0002"]
    assert (tmp_path / "ds" / "latest" / "data.txt").read_bytes() == b"two"
    assert (tmp_path / "ds" / "v0001" / "data.txt").read_bytes() == b"one"
    sums = (tmp_path / "ds" / "v0002" / "SHA256SUMS").read_text()
    assert "  data.txt\n" in sums and "  run.json\n" in sums
    latest = json.loads((tmp_path / "ds" / "latest.json").read_text())
    assert (latest["version"], latest["path"]) == ("v0002", "v0002/")
    assert latest["content_sha256"] == json.loads(
        (tmp_path / "ds" / "v0002" / "run.json").read_text())["content_sha256"]


def test_metadata_sees_version_and_previous_and_is_not_content(tmp_path: Path) -> None:
    seen = []

    def metadata(folder: Path, context: ReleaseContext) -> None:
        seen.append((context.version, context.previous and context.previous.name))
        (folder / "about.json").write_text(json.dumps([context.version]))

    publish_release(tmp_path, "ds", _writer(b"one"), {}, write_metadata=metadata)
    again = publish_release(tmp_path, "ds", _writer(b"one"), {}, write_metadata=metadata)
    assert not again.created  # metadata (version-dependent) is not part of the content
    publish_release(tmp_path, "ds", _writer(b"two"), {}, write_metadata=metadata)
    assert seen == [("v0001", None), ("v0002", "v0001")]
    assert (tmp_path / "ds" / "v0002" / "about.json").read_text() == '["v0002"]'
    assert "  about.json\n" in (tmp_path / "ds" / "v0002" / "SHA256SUMS").read_text()


def test_invalid_metadata_publishes_nothing(tmp_path: Path) -> None:
    publish_release(tmp_path, "ds", _writer(b"one"), {})

    def refuse(folder: Path, context: ReleaseContext) -> None:
        raise RuntimeError("datapackage.json invalid")

    with pytest.raises(RuntimeError, match="invalid"):
        publish_release(tmp_path, "ds", _writer(b"two"), {}, write_metadata=refuse)
    assert list_versions(tmp_path / "ds") == ["v0001"]
    assert json.loads((tmp_path / "ds" / "latest.json").read_text())["version"] == "v0001"


def test_a_failing_writer_leaves_no_trace(tmp_path: Path) -> None:
    publish_release(tmp_path, "ds", _writer(b"one"), {})

    def broken(folder: Path) -> None:
        (folder / "half.txt").write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        publish_release(tmp_path, "ds", broken, {})
    assert sorted(os.listdir(tmp_path / "ds")) == [".lock", "latest", "latest.json", "v0001"]
    assert latest_version(tmp_path / "ds") == "v0001"
    assert json.loads((tmp_path / "ds" / "latest.json").read_text())["version"] == "v0001"


def test_the_next_publisher_cleans_up_and_finishes_a_killed_one(tmp_path: Path) -> None:
    """What a SIGKILL can leave (tests/test_kill.py makes it for real): a staging folder,
    half-made temporary files, and a release placed before `latest` moved."""
    publish_release(tmp_path, "ds", _writer(b"one"), {})
    root = tmp_path / "ds"
    pointer = (root / "latest.json").read_text()
    placed = publish_release(tmp_path, "ds", _writer(b"two"), {}).path
    (root / "latest").unlink()  # back to the moment v0002 had been renamed into place
    os.symlink("v0001", root / "latest")
    (root / "latest.json").write_text(pointer)
    (root / ".publishing.json").write_text(json.dumps(
        {"version": "v0002", "content_sha256": json.loads(
            (placed / "run.json").read_text())["content_sha256"]}))
    (root / ".staging-dead").mkdir()
    (root / ".staging-dead" / "data.txt").write_text("half")
    os.symlink("v0001", root / ".latest.tmp")
    (root / "..publishing.json.tmp").write_text('{"vers')
    again = publish_release(tmp_path, "ds", _writer(b"two"), {})
    assert (again.version, again.created) == ("v0002", False)  # finished, not published twice
    assert latest_version(root) == "v0002"
    assert json.loads((root / "latest.json").read_text())["version"] == "v0002"
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == [".lock"]
