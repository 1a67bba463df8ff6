"""`changes.json`: rows added, removed and changed per table against the previous release.

Rows are matched by the table's primary key; a matched row whose other values differ is
`changed`. A table without a primary key (`rejected`) is compared as a multiset of whole
rows, so it has added and removed rows but never changed ones.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa

from newsfacts.publish.parquet import read_parquet_table
from newsfacts.schemas import TableSchema

FILE_NAME = "changes.json"


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _row_key(row: dict[str, Any], columns: list[str]) -> tuple[Any, ...]:
    return tuple(_freeze(row.get(c)) for c in columns)


def table_changes(schema: TableSchema, before: pa.Table | None, after: pa.Table) -> dict[str, Any]:
    """Counts of added, removed and changed rows of one table (`before` None: a new table)."""
    if before is None:
        return new_table_changes(schema, after)
    old_rows = before.to_pylist()
    new_rows = after.to_pylist()
    columns = schema.column_names
    result: dict[str, Any] = {"rows_before": len(old_rows), "rows_after": len(new_rows),
                              "key": list(schema.primary_key)}
    if not schema.primary_key:
        old = Counter(_row_key(r, columns) for r in old_rows)
        new = Counter(_row_key(r, columns) for r in new_rows)
        result.update(added=sum((new - old).values()), removed=sum((old - new).values()),
                      changed=None)
        return result
    key = list(schema.primary_key)
    old_by_key = {_row_key(r, key): _row_key(r, columns) for r in old_rows}
    new_by_key = {_row_key(r, key): _row_key(r, columns) for r in new_rows}
    common = old_by_key.keys() & new_by_key.keys()
    result.update(
        added=len(new_by_key.keys() - old_by_key.keys()),
        removed=len(old_by_key.keys() - new_by_key.keys()),
        changed=sum(1 for k in common if old_by_key[k] != new_by_key[k]),
    )
    return result


def new_table_changes(schema: TableSchema, after: pa.Table) -> dict[str, Any]:
    """`table_changes` against no previous table, counted in Arrow (no row becomes a Python
    value): every row, or every distinct key, is added."""
    key = list(schema.primary_key)
    added = (after.select(key).group_by(key).aggregate([]).num_rows if key
             else after.num_rows)
    return {"rows_before": 0, "rows_after": after.num_rows, "key": key, "added": added,
            "removed": 0, "changed": 0 if key else None}


def read_previous(previous: Path, schema: TableSchema) -> pa.Table | None:
    """A table of the previous release (one file or year partitions), or None."""
    return read_parquet_table(previous, schema)


def release_changes(
    schemas: dict[str, TableSchema], tables: dict[str, pa.Table], previous: Path | None
) -> dict[str, Any]:
    """The change summary of a release against `previous` (None for the first release)."""
    return {
        "previous_version": previous.name if previous is not None else None,
        "tables": {
            name: table_changes(schema, read_previous(previous, schema) if previous else None,
                                tables[name])
            for name, schema in schemas.items()
        },
    }


def write_changes(changes: dict[str, Any], folder: Path) -> None:
    """Write `changes.json` with sorted keys."""
    text = json.dumps(changes, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (folder / FILE_NAME).write_bytes(text.encode("utf-8"))
