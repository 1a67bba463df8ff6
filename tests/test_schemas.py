"""One source of truth: records, Arrow schema, GX suite and JSON-LD agree with schemas/."""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from pathlib import Path

import pyarrow as pa
import pytest

from newsfacts.schemas import (
    TABLE_NAMES,
    expectations_for,
    jsonld_context,
    jsonld_key,
    load_schema,
    parse_table_schema,
)
from newsfacts.tables import RECORD_TYPES, record_field_names, records_to_table

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
PY_TO_FRICTIONLESS = {str: "string", int: "integer", float: "number", bool: "boolean",
                      dt.date: "date"}


def _frictionless_type(hint: object) -> tuple[str, bool]:
    """(type, nullable) of a record field's annotation."""
    args = typing.get_args(hint)
    is_union = isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union
    nullable = is_union and type(None) in args
    if nullable:
        (hint,) = [a for a in args if a is not type(None)]
    if typing.get_origin(hint) is typing.Literal:
        return "string", nullable
    if typing.get_origin(hint) is tuple:
        return "array", nullable
    return PY_TO_FRICTIONLESS[hint], nullable  # type: ignore[index]


def test_every_table_has_a_schema_file() -> None:
    assert sorted(p.stem for p in SCHEMA_DIR.glob("*.json")) == sorted(TABLE_NAMES)


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_record_fields_match_schema(name: str) -> None:
    schema = load_schema(name)
    record_type = RECORD_TYPES[name]
    assert record_field_names(record_type) == schema.column_names
    hints = typing.get_type_hints(record_type)
    for field in schema.fields:
        ftype, nullable = _frictionless_type(hints[field.name])
        assert ftype == field.type, field.name
        assert nullable == (not field.required), field.name
        assert field.description, f"{name}.{field.name} needs a description"


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_arrow_schema_and_empty_table_follow_schema(name: str) -> None:
    schema = load_schema(name)
    arrow = schema.arrow_schema()
    assert arrow.names == schema.column_names
    assert records_to_table(schema, []).schema == arrow
    for field in schema.fields:
        assert arrow.field(field.name).nullable == (not field.required)
    if name == "articles":
        assert arrow.field("published_date").type == pa.date32()
        assert arrow.field("word_count").type == pa.int64()


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_gx_suite_covers_every_constraint(name: str) -> None:
    schema = load_schema(name)
    suite = expectations_for(schema)
    assert suite[0] == {"type": "expect_table_columns_to_match_ordered_list",
                        "kwargs": {"column_list": schema.column_names}, "level": "table"}
    covered = {(e["type"], e["kwargs"].get("column")) for e in suite}
    expected_by_constraint = {
        "required": "expect_column_values_to_not_be_null",
        "unique": "expect_column_values_to_be_unique",
        "enum": "expect_column_values_to_be_in_set",
        "pattern": "expect_column_values_to_match_regex",
        "minimum": "expect_column_values_to_be_between",
        "minLength": "expect_column_value_lengths_to_be_between",
    }
    for field in schema.fields:
        for constraint, expectation in expected_by_constraint.items():
            if field.constraints.get(constraint):
                assert (expectation, field.name) in covered


def test_jsonld_context_maps_every_articles_column() -> None:
    schema = load_schema("articles")
    context = jsonld_context(schema)
    assert context["@vocab"] == "https://schema.org/"
    for field in schema.fields:
        key = jsonld_key(field)
        assert field.jsonld or context[key]["@id"] == f"nf:{field.name}"
    assert context["datePublished"] == {"@type": "xsd:date"}
    assert context["wordCount"] == {"@type": "xsd:integer"}


def test_unsupported_field_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported field types"):
        parse_table_schema({"name": "t", "fields": [{"name": "x", "type": "geopoint"}]})


def test_schema_files_are_valid_table_schema_json() -> None:
    for path in SCHEMA_DIR.glob("*.json"):
        descriptor = json.loads(path.read_text("utf-8"))
        assert descriptor["name"] == path.stem
        for key in descriptor.get("primaryKey", []):
            assert key in [f["name"] for f in descriptor["fields"]]
            field = next(f for f in descriptor["fields"] if f["name"] == key)
            assert field.get("constraints", {}).get("required"), f"{path.stem}.{key}"


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_literal_fields_allow_exactly_their_enum(name: str) -> None:
    """A record field typed as a Literal takes the values its schema's enum lists, no more."""
    schema = load_schema(name)
    hints = typing.get_type_hints(RECORD_TYPES[name])
    checked = 0
    for field in schema.fields:
        options = [a for a in typing.get_args(hints[field.name]) if a is not type(None)]
        literal = options[0] if len(options) == 1 else hints[field.name]
        if typing.get_origin(literal) is not typing.Literal:
            continue
        enum = (field.constraints or {}).get("enum")
        assert enum is not None and set(typing.get_args(literal)) == set(enum), field.name
        checked += 1
    if name == "articles":
        assert checked == 5  # precision, date source, title, author and site sources
