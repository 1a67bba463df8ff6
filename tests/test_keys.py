"""Primary and foreign keys of a release's CSV tables, checked by DuckDB (`publish/keys.py`)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from newsfacts.publish.keys import key_errors, without_keys


def write_csv(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")


def resource(name: str, fields: dict[str, str], **keys: Any) -> dict[str, Any]:
    schema = {"fields": [{"name": n, "type": t} for n, t in fields.items()], **keys}
    return {"name": name, "path": f"{name}.csv", "schema": schema}


def package(tmp_path: Path, people: list[list[str]], quotes: list[list[str]]) -> dict[str, Any]:
    write_csv(tmp_path / "people.csv", [["person_id", "name"], *people])
    write_csv(tmp_path / "quotes.csv", [["article_id", "start", "text", "speaker"], *quotes])
    return {"resources": [
        resource("people", {"person_id": "string", "name": "string"}, primaryKey=["person_id"]),
        resource("quotes", {"article_id": "string", "start": "integer", "text": "string",
                            "speaker": "string"},
                 primaryKey=["article_id", "start"],
                 foreignKeys=[{"fields": ["speaker"],
                               "reference": {"resource": "people", "fields": ["person_id"]}}]),
        {"name": "notes", "path": "notes.txt"},  # a file resource: no schema, no keys
    ]}


PEOPLE = [["p1", "Ana"], ["p2", "Bo, \"the\"\nsecond"]]


def test_valid_keys_give_no_error(tmp_path: Path) -> None:
    quotes = [["a1", "0", "Yes,\r\nwe will", "p1"], ["a1", "7", "No", ""], ["a2", "0", "So", "p2"]]
    assert key_errors(tmp_path, package(tmp_path, PEOPLE, quotes)) == []


def test_a_repeated_compound_key_is_an_error(tmp_path: Path) -> None:
    quotes = [["a1", "7", "One", "p1"], ["a1", "07", "Two", "p2"], ["a2", "7", "Three", "p1"]]
    errors = key_errors(tmp_path, package(tmp_path, PEOPLE, quotes))
    assert errors == ["quotes: primary-key: rows repeat the primary key (article_id, start), "
                      "e.g. ('a1', 7)"]  # integers compare as numbers: 07 is 7


def test_a_key_pointing_at_no_row_is_an_error_and_empty_cells_are_null(tmp_path: Path) -> None:
    quotes = [["a1", "0", "One", "p9"], ["a1", "1", "Two", ""], ["a1", "2", "Three", "p1"]]
    errors = key_errors(tmp_path, package(tmp_path, [*PEOPLE, ["p1", "Copy"]], quotes))
    assert errors == [
        "people: primary-key: rows repeat the primary key (person_id), e.g. ('p1',)",
        "quotes: foreign-key: (speaker) with no row in people (person_id), e.g. ('p9',)"]


def test_a_key_on_a_missing_field_or_table_is_reported(tmp_path: Path) -> None:
    descriptor = package(tmp_path, PEOPLE, [["a1", "0", "One", "p1"]])
    descriptor["resources"][0]["schema"]["primaryKey"] = ["people_id"]
    descriptor["resources"][1]["schema"]["foreignKeys"][0]["reference"]["resource"] = "persons"
    errors = key_errors(tmp_path, descriptor)
    assert errors == [
        "people: key-error: cannot check keys: key field 'people_id' is not a field of people",
        "quotes: foreign-key: no table 'persons'"]


def test_without_keys_leaves_everything_else(tmp_path: Path) -> None:
    descriptor = package(tmp_path, PEOPLE, [])
    bare = without_keys(descriptor)
    assert all("primaryKey" not in r.get("schema", {}) and "foreignKeys" not in r.get("schema", {})
               for r in bare["resources"])
    assert "primaryKey" in descriptor["resources"][0]["schema"]  # a copy: the original is kept
    assert [r["schema"]["fields"] for r in bare["resources"][:2]] == [
        r["schema"]["fields"] for r in descriptor["resources"][:2]]
