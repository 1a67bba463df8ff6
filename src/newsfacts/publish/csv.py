"""CSV writer: UTF-8, RFC 4180 (CRLF, minimal quoting), header row, ISO dates, empty = null.

List cells (e.g. `entities.aliases`) are JSON arrays, as Frictionless `array` fields expect.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pyarrow as pa


def format_cell(value: Any) -> str:
    """One CSV cell: null is empty, dates are ISO 8601, booleans are true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False, separators=(",", ":"))
    return str(value)


def table_to_csv(table: pa.Table) -> str:
    """The table as RFC 4180 CSV text."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow([format_cell(v) for v in row.values()])
    return buffer.getvalue()


def write_csv(table: pa.Table, path: Path) -> None:
    """Write the table as CSV to `path`."""
    path.write_bytes(table_to_csv(table).encode("utf-8"))
