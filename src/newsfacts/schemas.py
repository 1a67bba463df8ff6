"""Table schemas from `schemas/` (Frictionless Table Schema JSON) and what is derived from them.

The schema files are the single source of truth: the Arrow schema (and the Parquet storage
schema), the CSV column order, the Great Expectations suite and the JSON-LD context are all
computed here from them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

# In validation order: a parent table before the tables whose rows point at it.
TABLE_NAMES = ("articles", "boilerplate", "entities", "mentions", "quotes", "events", "dyads",
               "rejected")

# Frictionless field type -> Arrow type. Dates are calendar dates (Parquet DATE).
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "array": pa.list_(pa.string()),  # lists of strings; a JSON array in CSV
}

# How a column is stored in Parquet when its schema field says so (custom key `parquet`):
# `int32` for integers bounded by one article (offsets, line and sentence numbers, word
# counts) or by the schema (quad_class); integers without it are INT64 (counts across the
# dataset grow with it). `dictionary` for open but small vocabularies (country codes, cue
# verbs, rule ids); string fields with an `enum` constraint are dictionary-encoded too.
# Chosen in the schema, not from the data, so a column's type never changes between releases.
DICTIONARY = pa.dictionary(pa.int32(), pa.string())
PARQUET_HINTS: dict[str, tuple[str, pa.DataType]] = {
    "int32": ("integer", pa.int32()),
    "dictionary": ("string", DICTIONARY),
}

SCHEMA_ORG = "https://schema.org/"


def default_schema_dir() -> Path:
    """The `schemas/` folder: next to the package in a checkout, or `$NEWSFACTS_SCHEMAS`."""
    import os

    override = os.environ.get("NEWSFACTS_SCHEMAS")
    if override:
        return Path(override)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "schemas"
        if (candidate / "articles.json").is_file():
            return candidate
    raise FileNotFoundError("cannot find the schemas/ folder; set NEWSFACTS_SCHEMAS")


@dataclass(frozen=True)
class Field:
    """One column of a table schema."""

    name: str
    type: str
    description: str
    constraints: dict[str, Any]
    jsonld: str | None
    parquet: str | None = None  # storage hint: a key of PARQUET_HINTS

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required", False))

    @property
    def arrow_type(self) -> pa.DataType:
        """The type in memory, in validation and in CSV: one per Frictionless type."""
        return ARROW_TYPES[self.type]

    @property
    def parquet_type(self) -> pa.DataType:
        """The type in Parquet: the schema's hint, dictionary for enums, else `arrow_type`."""
        if self.parquet:
            return PARQUET_HINTS[self.parquet][1]
        if self.type == "string" and "enum" in self.constraints:
            return DICTIONARY
        return self.arrow_type


@dataclass(frozen=True)
class TableSchema:
    """A table's schema: its fields in column order, keys and the raw descriptor."""

    name: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    descriptor: dict[str, Any]

    @property
    def column_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def sort_key(self) -> list[str]:
        """Rows are sorted by the primary key, then by every other scalar column.

        List columns cannot be sort keys; the primary key already makes the order total.
        """
        rest = [f.name for f in self.fields
                if f.name not in self.primary_key and f.type != "array"]
        return [*self.primary_key, *rest]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema, with each column's description kept as field metadata."""
        return pa.schema(
            [
                pa.field(
                    f.name,
                    f.arrow_type,
                    nullable=not f.required,
                    metadata={"description": f.description},
                )
                for f in self.fields
            ]
        )

    def parquet_schema(self) -> pa.Schema:
        """The Arrow schema Parquet files are written with: storage types (`parquet_type`),
        each column's description as field metadata, and the table's name, title,
        description and column descriptions as key-value metadata (readable by any tool)."""
        columns = {f.name: f.description for f in self.fields}
        return pa.schema(
            [
                pa.field(f.name, f.parquet_type, nullable=not f.required,
                         metadata={"description": f.description})
                for f in self.fields
            ],
            metadata={
                "table": self.name,
                "title": self.descriptor.get("title", self.name),
                "description": self.descriptor.get("description", ""),
                "column_descriptions": json.dumps(columns, ensure_ascii=False),
            },
        )


def parse_table_schema(descriptor: dict[str, Any]) -> TableSchema:
    """Build a TableSchema from a Frictionless Table Schema descriptor."""
    fields = tuple(
        Field(
            name=f["name"],
            type=f["type"],
            description=f.get("description", ""),
            constraints=dict(f.get("constraints", {})),
            jsonld=f.get("jsonld"),
            parquet=f.get("parquet"),
        )
        for f in descriptor["fields"]
    )
    unknown = sorted({f.type for f in fields} - ARROW_TYPES.keys())
    if unknown:
        raise ValueError(f"schema {descriptor['name']!r}: unsupported field types {unknown}")
    for f in fields:
        if f.parquet and PARQUET_HINTS.get(f.parquet, ("",))[0] != f.type:
            raise ValueError(f"schema {descriptor['name']!r}: field {f.name!r} of type "
                             f"{f.type!r} cannot be stored as parquet {f.parquet!r}")
    return TableSchema(
        name=descriptor["name"],
        fields=fields,
        primary_key=tuple(descriptor.get("primaryKey", ())),
        descriptor=descriptor,
    )


@cache
def load_schema(name: str, schema_dir: Path | None = None) -> TableSchema:
    """Load `schemas/<name>.json`."""
    path = (schema_dir or default_schema_dir()) / f"{name}.json"
    return parse_table_schema(json.loads(path.read_text(encoding="utf-8")))


def load_schemas(schema_dir: Path | None = None) -> dict[str, TableSchema]:
    """Load every table schema the pipeline publishes."""
    return {name: load_schema(name, schema_dir) for name in TABLE_NAMES}


def expectations_for(schema: TableSchema) -> list[dict[str, Any]]:
    """The Great Expectations suite for a table, as plain data (type + kwargs + level).

    `level` is `table` for expectations whose failure blocks the whole table (wrong columns)
    and `row` for those whose failing rows are quarantined.
    """
    suite: list[dict[str, Any]] = [
        {
            "type": "expect_table_columns_to_match_ordered_list",
            "kwargs": {"column_list": schema.column_names},
            "level": "table",
        }
    ]
    for f in schema.fields:
        c = f.constraints
        if c.get("required"):
            suite.append(_row("expect_column_values_to_not_be_null", column=f.name))
        if c.get("unique"):
            suite.append(_row("expect_column_values_to_be_unique", column=f.name))
        if "enum" in c:
            suite.append(_row("expect_column_values_to_be_in_set", column=f.name,
                              value_set=list(c["enum"])))
        if "pattern" in c:
            suite.append(_row("expect_column_values_to_match_regex", column=f.name,
                              regex=c["pattern"]))
        if "minimum" in c or "maximum" in c:
            suite.append(_row("expect_column_values_to_be_between", column=f.name,
                              min_value=c.get("minimum"), max_value=c.get("maximum")))
        if "minLength" in c or "maxLength" in c:
            suite.append(_row("expect_column_value_lengths_to_be_between", column=f.name,
                              min_value=c.get("minLength"), max_value=c.get("maxLength")))
    if len(schema.primary_key) > 1:
        suite.append(_row("expect_compound_columns_to_be_unique",
                          column_list=list(schema.primary_key)))
    return suite


def _row(expectation_type: str, **kwargs: Any) -> dict[str, Any]:
    return {"type": expectation_type, "kwargs": kwargs, "level": "row"}


XSD = "http://www.w3.org/2001/XMLSchema#"
NEWSFACTS_VOCAB = "https://w3id.org/newsfacts/terms#"
JSONLD_DATATYPES = {"date": "xsd:date", "integer": "xsd:integer", "number": "xsd:double"}


def jsonld_key(field: Field) -> str:
    """The key a column takes in JSON-LD: its schema.org property, else the column name."""
    return field.jsonld or field.name


def jsonld_context(schema: TableSchema) -> dict[str, Any]:
    """The JSON-LD context for a table: schema.org as vocabulary, typed literals.

    Columns without a schema.org property map into the dataset's own vocabulary so that
    nothing is lost when the graph is expanded.
    """
    context: dict[str, Any] = {"@vocab": SCHEMA_ORG, "xsd": XSD, "nf": NEWSFACTS_VOCAB}
    for f in schema.fields:
        term: dict[str, str] = {} if f.jsonld else {"@id": f"nf:{f.name}"}
        if f.type in JSONLD_DATATYPES:
            term["@type"] = JSONLD_DATATYPES[f.type]
        if term:
            context[jsonld_key(f)] = term
    return context
