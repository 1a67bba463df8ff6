"""`datapackage.json`: a Frictionless Data Package (v2) of the release's files.

Each table's CSV is a tabular resource carrying its Table Schema from `schemas/` (keys,
foreign keys, constraints; list columns are `array` fields holding JSON arrays, which
frictionless 5 parses and checks). Our custom `jsonld` keys stay: they are valid extra
properties. Parquet files and the JSON-LD graph are `file` resources with bytes and hash only
(frictionless reads Parquet only with a plugin we do not install; the Parquet columns are
typed by the same schema; a table split by year has one such resource per partition file).
Validate with `frictionless validate datapackage.json` (newsfacts checks the keys with DuckDB
instead, `publish/keys.py`, which needs far less memory on a large release).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsfacts.publish import describe, keys
from newsfacts.publish.describe import FileFacts, ReleaseFacts
from newsfacts.publish.parquet import parquet_table, partition_year
from newsfacts.schemas import TableSchema

FILE_NAME = "datapackage.json"
PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
PARQUET_MEDIA_TYPE = "application/vnd.apache.parquet"


def table_resource(schema: TableSchema, csv: FileFacts) -> dict[str, Any]:
    """A tabular resource: the CSV file with its Table Schema."""
    descriptor = schema.descriptor
    table_schema = {k: v for k, v in descriptor.items()
                    if k not in ("name", "title", "description")}
    return {
        "name": schema.name,
        "type": "table",
        "path": csv.name,
        "title": descriptor.get("title", schema.name),
        "description": descriptor.get("description", ""),
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"header": True, "delimiter": ",", "quoteChar": '"', "lineTerminator": "\r\n"},
        "bytes": csv.bytes,
        "hash": f"sha256:{csv.sha256}",
        "schema": table_schema,
    }


def file_resource(name: str, file: FileFacts, description: str) -> dict[str, Any]:
    """A non-tabular resource: checked by size and hash only."""
    suffix = Path(file.name).suffix.lstrip(".")
    media = PARQUET_MEDIA_TYPE if suffix == "parquet" else file.media_type
    return {
        "name": name,
        "type": "file",
        "path": file.name,
        "description": description,
        "format": suffix,
        "mediatype": media,
        "bytes": file.bytes,
        "hash": f"sha256:{file.sha256}",
    }


def parquet_resources(name: str, files: dict[str, FileFacts]) -> list[dict[str, Any]]:
    """A table's Parquet file, or one resource per year partition of it (Parquet is not a
    tabular format frictionless reads here; the CSV resource is the table)."""
    if f"{name}.parquet" in files:
        return [file_resource(f"{name}-parquet", files[f"{name}.parquet"],
                              f"The {name} table as Parquet (zstd; same columns and schema as "
                              f"{name}.csv).")]
    parts = sorted((year, path) for path in files
                   if parquet_table(path) == name and (year := partition_year(path)) is not None)
    return [
        file_resource(f"{name}-parquet-year-{year}", files[path],
                      f"The {name} rows of {f'year {year}' if year else 'no known year'} as "
                      f"Parquet: one hive partition of {name}/ (read the folder; same columns "
                      f"and schema as {name}.csv).")
        for year, path in parts
    ]


def datapackage(
    schemas: dict[str, TableSchema], facts: ReleaseFacts, files: dict[str, FileFacts]
) -> dict[str, Any]:
    """The Data Package descriptor; `files` maps file names to their facts."""
    resources = [table_resource(s, files[f"{n}.csv"]) for n, s in schemas.items()]
    resources += [resource for n in schemas for resource in parquet_resources(n, files)]
    if "newsfacts.jsonld" in files:
        resources.append(file_resource(
            "newsfacts-jsonld", files["newsfacts.jsonld"],
            "One schema.org JSON-LD graph of articles, entities, quotes and events."))
    descriptor: dict[str, Any] = {
        "$schema": PROFILE,
        "name": describe.NAME,
        "title": describe.TITLE,
        "description": describe.DESCRIPTION + " " + describe.LICENSE_NOTE,
        "version": facts.semver,
        "homepage": describe.HOMEPAGE,
        "contributors": [{"title": describe.CREATOR["name"], "roles": ["creator"]}],
        "licenses": [describe.DATA_LICENSE],
        "keywords": ["news", "events", "entities", "quotations", "CAMEO", "open data"],
        "resources": resources,
    }
    if facts.temporal_coverage:
        descriptor["temporalCoverage"] = facts.temporal_coverage  # custom property
    if facts.countries:
        descriptor["spatialCoverage"] = list(facts.countries)  # custom property
    return descriptor


def write_datapackage(descriptor: dict[str, Any], folder: Path) -> None:
    """Write `datapackage.json` (sorted keys: the same release gives the same bytes)."""
    text = json.dumps(descriptor, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (folder / FILE_NAME).write_bytes(text.encode("utf-8"))


def check_datapackage(folder: Path) -> list[str]:
    """Validate `datapackage.json`; the errors, empty when valid.

    frictionless reads every row of every table against its types and constraints; the
    primary and foreign keys are checked by DuckDB (`publish/keys.py`), within a fixed memory
    limit, where frictionless would hold every key in memory."""
    from frictionless import Package

    descriptor = json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))
    report = Package(keys.without_keys(descriptor), basepath=str(folder)).validate()
    return [
        f"{task.name}: {error.type}: {error.message}"
        for task in report.tasks
        for error in task.errors
    ] + [f"package: {error.type}: {error.message}" for error in report.errors
         ] + keys.key_errors(folder, descriptor)
