"""The files describing a release: datapackage.json, croissant.json (the schema.org Dataset),
the offline JSON-LD context, validation.html, README.md, changes.json; both validators pass."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsfacts.pipeline import run_build
from newsfacts.publish.card import entities_section, md_escape
from newsfacts.publish.changes import table_changes
from newsfacts.publish.contexts import offline_loader
from newsfacts.publish.datapackage import check_datapackage
from newsfacts.publish.release import file_sha256
from newsfacts.publish.report import validation_html
from newsfacts.schemas import TABLE_NAMES, load_schema

S = "https://schema.org/"
BIN = Path(sys.executable).parent
EVIL = '<script>alert("x")</script> [click](javascript:alert(1)) *bold* | pipe'


@pytest.fixture(scope="module")
def release(seed_release: Path) -> Path:
    return seed_release / "newsfacts" / "v0001"


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300,
                          check=False)


# ---------------------------------------------------------------- datapackage.json


def test_frictionless_validates_the_datapackage(release: Path) -> None:
    result = _run(str(BIN / "frictionless"), "validate", "datapackage.json", cwd=release)
    assert result.returncode == 0, result.stdout + result.stderr
    descriptor = json.loads((release / "datapackage.json").read_text())
    tables = {r["name"]: r for r in descriptor["resources"] if r["type"] == "table"}
    assert list(tables) == list(TABLE_NAMES)
    assert tables["mentions"]["schema"]["foreignKeys"][1]["reference"]["resource"] == "entities"
    assert tables["entities"]["schema"]["primaryKey"] == ["entity_id"]
    for resource in descriptor["resources"]:  # every CSV, Parquet and the graph, hashed
        path = release / resource["path"]
        assert resource["hash"] == f"sha256:{file_sha256(path)}"
        assert resource["bytes"] == path.stat().st_size
    assert {r["path"] for r in descriptor["resources"]} >= {f"{n}.parquet" for n in TABLE_NAMES}
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"


def test_frictionless_catches_a_bad_array_cell_and_a_dangling_key(
    release: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    for name, column, value in (("entities", "aliases", "not json"),
                                ("mentions", "entity_id", "e0000000000000000")):
        rows = list(csv.reader(io.StringIO((copy / f"{name}.csv").read_text(), newline="")))
        rows[1][rows[0].index(column)] = value
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        (copy / f"{name}.csv").write_text(out.getvalue(), newline="")
    errors = check_datapackage(copy)
    assert any(e.startswith("entities: type-error") for e in errors)
    assert any(e.startswith("mentions: foreign-key") for e in errors)
    assert any("hash-count" in e for e in errors)


# ---------------------------------------------------------------- croissant.json


def test_mlcroissant_validates_and_loads_every_record_set(release: Path) -> None:
    result = _run(str(BIN / "mlcroissant"), "validate", "--jsonld", "croissant.json",
                  cwd=release)
    assert result.returncode == 0, result.stdout + result.stderr

    import mlcroissant as mlc

    dataset = mlc.Dataset(jsonld=str(release / "croissant.json"))
    for name in TABLE_NAMES:
        records = list(dataset.records(record_set=name))
        table = pq.read_table(release / f"{name}.parquet")
        assert len(records) == table.num_rows, name
    entities = {r["entities/entity_id"].decode(): r
                for r in dataset.records(record_set="entities")}
    expected = pq.read_table(release / "entities.parquet").to_pylist()
    for row in expected:
        record = entities[row["entity_id"]]
        assert [a.decode() for a in record["entities/aliases"]] == row["aliases"]
        assert record["entities/mention_count"] == row["mention_count"]


def test_croissant_is_the_schema_org_dataset_description(release: Path) -> None:
    from pyld import jsonld

    document = json.loads((release / "croissant.json").read_text())
    (node,) = jsonld.expand(document, {"documentLoader": offline_loader})
    assert node["@type"] == [f"{S}Dataset"]
    assert node[f"{S}license"] == [{"@id": "https://creativecommons.org/licenses/by/4.0/"}] or \
        node[f"{S}license"][0]["@value"] == "https://creativecommons.org/licenses/by/4.0/"
    assert node[f"{S}version"][0]["@value"] == "1.0.0"
    assert node[f"{S}temporalCoverage"][0]["@value"] == "2017-07-11/2018-12-31"
    (place,) = node[f"{S}spatialCoverage"]
    assert place[f"{S}address"][0][f"{S}addressCountry"][0]["@value"] == "VE"
    assert node[f"{S}creator"][0][f"{S}name"][0]["@value"] == "newsfacts maintainers"
    listed = {f["name"]: f for f in document["distribution"]}
    on_disk = {p.name for p in release.iterdir()} - {"croissant.json", "run.json", "SHA256SUMS"}
    assert set(listed) == on_disk
    for name, entry in listed.items():
        assert entry["sha256"] == file_sha256(release / name)
        assert entry["contentSize"] == f"{(release / name).stat().st_size} B"
        assert entry["contentUrl"] == name and entry["encodingFormat"]


# ---------------------------------------------------------------- JSON-LD offline


def test_graph_expands_with_the_offline_loader_and_loads_in_rdflib(release: Path) -> None:
    import rdflib
    from pyld import jsonld

    text = (release / "newsfacts.jsonld").read_text()
    expanded = jsonld.expand(json.loads(text), {"documentLoader": offline_loader})
    assert any(n["@type"] == [f"{S}NewsArticle"] for n in expanded)
    graph = rdflib.Graph().parse(data=text, format="json-ld")
    schema = rdflib.Namespace(S)
    assert len(set(graph.subjects(rdflib.RDF.type, schema.NewsArticle))) == 2
    import pyarrow.parquet as pq

    for table, kind in (("quotes", schema.Quotation), ("events", schema.Event)):
        rows = pq.read_table(release / f"{table}.parquet").num_rows
        assert rows and len(set(graph.subjects(rdflib.RDF.type, kind))) == rows
    names = {str(o) for o in graph.objects(None, schema.name)}
    assert {"Nicolás Maduro", "Vladimir Putin"} <= names


def test_the_pinned_schema_org_context_is_served_offline() -> None:
    from pyld import jsonld

    document = {"@context": "https://schema.org/", "@type": "Dataset", "name": "x",
                "url": "https://example.org/", "datePublished": "2020-01-02"}
    (node,) = jsonld.expand(document, {"documentLoader": offline_loader})
    assert node["@type"] == [f"{S}Dataset"]
    assert node[f"{S}url"] == [{"@id": "https://example.org/"}]
    assert node[f"{S}datePublished"][0]["@type"] == "http://www.w3.org/2001/XMLSchema#date"
    with pytest.raises(jsonld.JsonLdError):
        jsonld.expand({"@context": "https://example.org/ctx", "name": "x"},
                      {"documentLoader": offline_loader})


# ---------------------------------------------------------------- validation.html


def test_validation_html_is_self_contained_and_escaped(release: Path) -> None:
    page = (release / "validation.html").read_text()
    assert "<script" not in page.lower() and "src=" not in page and "http" not in page
    assert all(f'id="{n}"' in page for n in TABLE_NAMES)
    report = {"tables": {"quotes": {
        "table_name": "quotes", "row_count": 1, "table_ok": True, "table_errors": [],
        "row_failures": [{"row_index": 0, "reason": "validate_pattern", "detail": EVIL}],
        "outcomes": [{"expectation_type": "expect_column_values_to_match_regex",
                      "column": "text", "level": "row", "success": False,
                      "unexpected_count": 1}]}}}
    page = validation_html(report, "t <b>")
    assert "<script>" not in page and "&lt;script&gt;" in page and "t &lt;b&gt;" in page


# ---------------------------------------------------------------- README.md


def test_card_counts_coverage_licence_and_loading(release: Path) -> None:
    card = (release / "README.md").read_text()
    rows = json.loads((release / "run.json").read_text())["counts"]["rows"]
    for name, count in rows.items():
        assert f"| `{name}` | {count} |" in card
    assert "2017-07-11 to 2018-12-31" in card and "(VE)" in card
    assert "CC BY 4.0" in card and "Apache-2.0" in card and "publishers' copyright" in card
    for reader in ("duckdb", "pd.read_parquet", "pl.read_parquet", "@misc{newsfacts_v0001"):
        assert reader in card
    assert "First release" in card


def test_text_from_articles_is_escaped_in_the_card() -> None:
    assert md_escape(EVIL).count("<") == 0
    entities = pa.table({"name": [EVIL], "entity_type": ["PERSON"], "mention_count": [1],
                         "article_count": [1]})
    (row,) = entities_section(entities)[2:]
    assert "<script>" not in row and "](" not in row and "\\*bold\\*" in row
    assert row.count(" | ") == 3  # the pipe inside the name does not open a column


# ---------------------------------------------------------------- changes.json


def test_table_changes_by_primary_key_and_as_multiset() -> None:
    schema = load_schema("boilerplate")
    before = pa.table({"article_id": ["a1", "a1", "a2"], "line_no": [1, 2, 1],
                       "text": ["x", "y", "z"], "reason": ["other"] * 3,
                       "rule_id": ["r"] * 3})
    after = pa.table({"article_id": ["a1", "a1", "a3"], "line_no": [1, 2, 1],
                      "text": ["x", "CHANGED", "z"], "reason": ["other"] * 3,
                      "rule_id": ["r"] * 3})
    c = table_changes(schema, before, after)
    assert (c["added"], c["removed"], c["changed"]) == (1, 1, 1)
    assert table_changes(schema, None, after)["added"] == 3
    rejected = load_schema("rejected")
    row = {"source_uri": "s", "article_id": None, "raw_sha256": None, "stage": "ingest",
           "reason": "ingest_x", "detail": "d", "table_name": None, "row_json": None}
    old, new = pa.Table.from_pylist([row]), pa.Table.from_pylist([row, row])
    assert table_changes(rejected, old, new) == {
        "rows_before": 1, "rows_after": 2, "key": [], "added": 1, "removed": 0,
        "changed": None}


def test_second_release_summarises_its_changes(seeds_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "seeds"
    source.mkdir()
    first = sorted(seeds_dir.glob("*.txt"))[0]
    shutil.copy(first, source / first.name)
    run_build(source, tmp_path / "out")
    for path in sorted(seeds_dir.glob("*.txt")):
        shutil.copy(path, source / path.name)
    summary = run_build(source, tmp_path / "out")
    assert summary.version == "v0002"
    release = tmp_path / "out" / "newsfacts" / "v0002"
    changes = json.loads((release / "changes.json").read_text())
    assert changes["previous_version"] == "v0001"
    articles = changes["tables"]["articles"]
    assert (articles["rows_before"], articles["rows_after"], articles["added"],
            articles["removed"], articles["changed"]) == (1, 2, 1, 0, 0)
    assert "Against `v0001`" in (release / "README.md").read_text()
    latest = json.loads((tmp_path / "out" / "newsfacts" / "latest.json").read_text())
    assert latest["version"] == "v0002"
    sums = (release / "SHA256SUMS").read_text()
    assert all(f"  {p.name}\n" in sums for p in release.iterdir() if p.name != "SHA256SUMS")
