"""CSV writer: UTF-8, RFC 4180 (CRLF, minimal quoting), header row, ISO dates, empty = null.

List cells (e.g. `entities.aliases`) are JSON arrays, as Frictionless `array` fields expect.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` as a formula (CSV injection,
OWASP), and scraped text can start that way. By default the CSV keeps the exact text; with
`csv_safe` a text cell starting with one of those, a tab or a carriage return gets a leading
`'`, which spreadsheets read as "this is text" (the OWASP advice). Parquet and JSON-LD always
keep the exact text, which is the one offsets count in.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def spreadsheet_safe(cell: str) -> str:
    """A text cell a spreadsheet will not run as a formula: `=1+1` -> `'=1+1`."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


# Rows turned into Python values at a time: at most this many, and about this many bytes of
# Arrow data (articles carry whole bodies: 10,000 of them as values and CSV text took ~150 MB).
CSV_SLICE_ROWS = 10_000
CSV_SLICE_BYTES = 4_000_000


def slice_rows(table: pa.Table) -> int:
    """Rows per slice: CSV_SLICE_ROWS, fewer for wide rows (CSV_SLICE_BYTES a slice)."""
    if table.num_rows == 0:
        return CSV_SLICE_ROWS
    return max(1, min(CSV_SLICE_ROWS, CSV_SLICE_BYTES * table.num_rows // max(table.nbytes, 1)))


def csv_lines(table: pa.Table, csv_safe: bool = False) -> Iterator[str]:
    """The table as RFC 4180 CSV text, the header then one slice of rows at a time; with
    `csv_safe`, text cells spreadsheet-safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(table.column_names)
    for batch in table.to_batches(max_chunksize=slice_rows(table)):
        for row in batch.to_pylist():
            writer.writerow([spreadsheet_safe(v) if csv_safe and isinstance(v, str)
                             else format_cell(v) for v in row.values()])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def table_to_csv(table: pa.Table, csv_safe: bool = False) -> str:
    """The table as RFC 4180 CSV text; with `csv_safe`, text cells spreadsheet-safe."""
    return "".join(csv_lines(table, csv_safe))


def write_csv(table: pa.Table, path: Path, csv_safe: bool = False) -> None:
    """Write the table as CSV to `path`, a slice of rows at a time."""
    with path.open("wb") as file:
        for text in csv_lines(table, csv_safe):
            file.write(text.encode("utf-8"))
