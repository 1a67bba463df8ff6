"""Primary and foreign keys of a release's CSV tables, checked out of core with DuckDB.

frictionless checks keys in Python memory: a set of every primary key, and every row of each
referenced table read as Python objects. At 10,000 articles that put 181 MB on the peak of
publishing (bench/README.md, "Publishing alone at 10k, session 10", (d)), growing with the
release. DuckDB checks the same keys within a fixed memory limit, spilling to disk beyond it;
frictionless still reads every row of every table against its types and constraints
(`datapackage.check_datapackage`).

Errors are worded like frictionless's: `<table>: primary-key: …`, `<table>: foreign-key: …`.
"""

from __future__ import annotations

import copy
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

DUCKDB_MEMORY_LIMIT = "128MB"  # 6.5M mention keys (a 100k release) checked in +190 MB, 6.5 s
EXAMPLES = 3  # offending keys quoted in an error


def without_keys(descriptor: dict[str, Any]) -> dict[str, Any]:
    """The package descriptor without primary and foreign keys (checked here instead)."""
    bare = copy.deepcopy(descriptor)
    for resource in bare.get("resources", []):
        schema = resource.get("schema")
        if isinstance(schema, dict):
            schema.pop("primaryKey", None)
            schema.pop("foreignKeys", None)
    return bare


def key_errors(folder: Path, descriptor: dict[str, Any]) -> list[str]:
    """Rows repeating a primary key, and rows whose foreign key matches no referenced row."""
    import duckdb

    tables = {r["name"]: r for r in descriptor.get("resources", [])
              if isinstance(r.get("schema"), dict) and r.get("path")}
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsfacts-keys-") as spill:
        db = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY_LIMIT, "threads": 1,
                                    "temp_directory": spill})
        try:
            for name, resource in tables.items():
                checks = (partial(primary_key_error, db, folder, resource),
                          partial(foreign_key_errors, db, folder, resource, tables))
                for check in checks:
                    try:
                        errors += check()
                    except (duckdb.Error, LookupError) as error:
                        first_line = str(error).splitlines()[0]
                        errors.append(f"{name}: key-error: cannot check keys: {first_line}")
        finally:
            db.close()
    return errors


def primary_key_error(db: Any, folder: Path, resource: dict[str, Any]) -> list[str]:
    """One error naming a few repeated primary keys, if any row repeats one."""
    name = resource["name"]
    key = as_fields(resource["schema"].get("primaryKey"))
    if not key:
        return []
    columns = ", ".join(typed(resource, field) for field in key)
    repeated = db.execute(
        f"SELECT {columns}, count(*) AS n FROM {csv_relation(folder, resource)} "
        f"GROUP BY ALL HAVING n > 1 ORDER BY ALL LIMIT {EXAMPLES}").fetchall()
    if not repeated:
        return []
    shown = "; ".join(str(row[:-1]) for row in repeated)
    return [f"{name}: primary-key: rows repeat the primary key ({', '.join(key)}), e.g. {shown}"]


def foreign_key_errors(db: Any, folder: Path, resource: dict[str, Any],
                       tables: dict[str, dict[str, Any]]) -> list[str]:
    """One error per foreign key that some row breaks: its value matches no referenced row."""
    name = resource["name"]
    errors: list[str] = []
    for foreign in resource["schema"].get("foreignKeys", []):
        fields = as_fields(foreign["fields"])
        reference = foreign["reference"]
        parent = tables.get(reference.get("resource") or name)
        if parent is None:
            errors.append(f"{name}: foreign-key: no table {reference.get('resource')!r}")
            continue
        parent_fields = as_fields(reference["fields"])
        child_cols = [typed(resource, f, "c") for f in fields]
        parent_cols = [typed(parent, f, "p") for f in parent_fields]
        joined = " AND ".join(f"{c} = {p}" for c, p in zip(child_cols, parent_cols, strict=True))
        present = " AND ".join(f"{c} IS NOT NULL" for c in child_cols)
        query = (
            f"SELECT DISTINCT {', '.join(child_cols)} FROM {csv_relation(folder, resource)} AS c "
            f"ANTI JOIN {csv_relation(folder, parent)} AS p ON {joined} "
            f"WHERE {present} ORDER BY ALL LIMIT {EXAMPLES}")
        dangling = db.execute(query).fetchall()
        if dangling:
            shown = "; ".join(str(row) for row in dangling)
            errors.append(f"{name}: foreign-key: ({', '.join(fields)}) with no row in "
                          f"{parent['name']} ({', '.join(parent_fields)}), e.g. {shown}")
    return errors


def as_fields(value: str | list[str] | None) -> list[str]:
    """A Table Schema key: one field name or a list of them."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def typed(resource: dict[str, Any], field: str, alias: str | None = None) -> str:
    """A key column as SQL: integers compared as numbers, anything else as its text."""
    types = {f["name"]: f.get("type") for f in resource["schema"].get("fields", [])}
    if field not in types:
        raise LookupError(f"key field {field!r} is not a field of {resource['name']}")
    quoted = '"' + field.replace('"', '""') + '"'
    if alias:
        quoted = f"{alias}.{quoted}"
    return f"TRY_CAST({quoted} AS BIGINT)" if types[field] == "integer" else quoted


def csv_relation(folder: Path, resource: dict[str, Any]) -> str:
    """A table's CSV as DuckDB reads it: text columns, empty cells as null (our CSV's null)."""
    path = (folder / resource["path"]).as_posix().replace("'", "''")
    return (f"read_csv('{path}', header = true, all_varchar = true, delim = ',', "
            f"quote = '\"', escape = '\"', auto_detect = false, "
            f"columns = {columns_literal(resource)})")


def columns_literal(resource: dict[str, Any]) -> str:
    """DuckDB's `columns` argument: every field of the schema, in order, as VARCHAR."""
    names = [f["name"].replace("'", "''") for f in resource["schema"].get("fields", [])]
    return "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
