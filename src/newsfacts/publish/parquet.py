"""Parquet files of a release: typed, zstd, described, and split by year when a table is large.

* Types: the schema's storage types (`TableSchema.parquet_schema`): DATE for dates, UTC
  timestamps, INT32 or INT64 as the schema says, list<string> for arrays, dictionary<int32,
  string> for enums and the small vocabularies the schema marks.
* Metadata: each column's description as Arrow field metadata, and the table's name, title,
  description and column descriptions (JSON) as Parquet key-value metadata.
* Row groups hold about ROW_GROUP_BYTES of uncompressed values (between MIN_ and
  MAX_ROW_GROUP_ROWS rows), estimated from the values themselves, so the same table always
  gets the same row groups.
* Layout: `<table>.parquet`; a table with more rows than the partition threshold (setting
  `parquet_partition_rows`, default DEFAULT_PARTITION_ROWS) that has a year (YEAR_SOURCES) is
  written hive style instead, one file per year: `<table>/year=2017/part-0.parquet`.

No timestamps or paths go into a file; `created_by` is `parquet-cpp-arrow version <pyarrow>`
(pinned), so the same table gives the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newsfacts.schemas import TableSchema

DEFAULT_PARTITION_ROWS = 1_000_000
ROW_GROUP_BYTES = 64 * 1024 * 1024
MIN_ROW_GROUP_ROWS = 1_024
MAX_ROW_GROUP_ROWS = 1_048_576  # pyarrow's default row group size
ZSTD_LEVEL = 9

# The year a row is filed under when its table is partitioned. Article-level tables use the
# publication year of the row's article (`articles.published_date`, through `article_id`), so
# one year's folder holds every row about that year's articles; dyads use their `month`.
# `entities` (dataset-wide) and `rejected` (may have no article) are never partitioned.
YEAR_SOURCES = {
    "articles": "published_date",
    "boilerplate": "article_id",
    "mentions": "article_id",
    "quotes": "article_id",
    "events": "article_id",
    "dyads": "month",
}
# Rows without a year (undated article, month `unknown`) go to `year=0`, not to Hive's null
# partition `__HIVE_DEFAULT_PARTITION__`: pyarrow reads that as a dictionary holding a null,
# which pandas cannot convert ("Cannot yet unify dictionaries with nulls", pandas #55400).
UNKNOWN_YEAR = 0
PARTITION_FILE = "part-0.parquet"
PARTITION_PATTERN = re.compile(r"^(?P<table>[a-z_]+)/year=(?P<year>[0-9]+)/part-[0-9]+\.parquet$")


def estimated_bytes(column: pa.ChunkedArray | pa.Array) -> int:
    """Uncompressed size of a column's values (+4 bytes per string or list offset)."""
    kind = column.type
    if pa.types.is_list(kind):
        return 4 * len(column) + estimated_bytes(pc.list_flatten(column))
    if pa.types.is_string(kind):
        return 4 * len(column) + (pc.sum(pc.binary_length(column)).as_py() or 0)
    return len(column) * max(1, kind.bit_width // 8)


def row_group_rows(table: pa.Table, target_bytes: int = ROW_GROUP_BYTES) -> int:
    """Rows per row group: about `target_bytes` of values, within the row bounds."""
    if table.num_rows == 0:
        return MIN_ROW_GROUP_ROWS
    total = sum(estimated_bytes(c) for c in table.columns)
    rows = target_bytes * table.num_rows // max(1, total)
    return max(MIN_ROW_GROUP_ROWS, min(MAX_ROW_GROUP_ROWS, rows))


def write_parquet(table: pa.Table, path: Path, schema: TableSchema) -> None:
    """Write one table (or one partition of it) with its schema's storage types and metadata."""
    pq.write_table(
        # One chunk first: a dictionary is built per chunk, so chunking would change the bytes.
        table.combine_chunks().cast(schema.parquet_schema()),
        path,
        row_group_size=row_group_rows(table),
        compression="zstd",
        compression_level=ZSTD_LEVEL,
        use_dictionary=True,  # pages fall back to plain where a dictionary does not pay
        write_statistics=True,
        store_schema=True,  # keeps dictionary types and field descriptions for Arrow readers
    )


def row_years(name: str, tables: dict[str, pa.Table]) -> pa.Array | None:
    """The year each row of a table is filed under; None for a table never partitioned."""
    source = YEAR_SOURCES.get(name)
    if source is None:
        return None
    table = tables[name]
    if source == "month":
        return pa.array([int(m[:4]) if m[:4].isdigit() else UNKNOWN_YEAR
                         for m in table.column("month").to_pylist()], pa.int32())
    articles = tables["articles"]
    years = pc.cast(pc.fill_null(pc.year(articles.column("published_date")), UNKNOWN_YEAR),
                    pa.int32())
    if source == "article_id":
        index = pc.index_in(table.column("article_id"),
                            value_set=articles.column("article_id").combine_chunks())
        years = pc.fill_null(pc.take(years, index), UNKNOWN_YEAR)
    return years.combine_chunks() if isinstance(years, pa.ChunkedArray) else years


def partition_path(name: str, year: int) -> str:
    """Where a year's rows of a partitioned table go, relative to the release."""
    return f"{name}/year={year}/{PARTITION_FILE}"


def write_table_files(folder: Path, schema: TableSchema, table: pa.Table,
                      years: pa.Array | None, partition_rows: int) -> list[str]:
    """Write a table as one file, or one file per year when it is large; the paths written."""
    if years is None or table.num_rows <= partition_rows:
        write_parquet(table, folder / f"{schema.name}.parquet", schema)
        return [f"{schema.name}.parquet"]
    written = []
    for year in sorted(set(years.to_pylist())):
        relative = partition_path(schema.name, year)
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        write_parquet(table.filter(pc.equal(years, year)), folder / relative, schema)
        written.append(relative)
    return written


def write_release_parquet(folder: Path, schemas: dict[str, TableSchema],
                          tables: dict[str, pa.Table], partition_rows: int) -> list[str]:
    """Every table of a release as Parquet; the paths written, relative to `folder`."""
    return [path for name, table in tables.items()
            for path in write_table_files(folder, schemas[name], table,
                                          row_years(name, tables), partition_rows)]


def parquet_files(release: Path, name: str) -> list[Path]:
    """A table's Parquet files in a release: `<name>.parquet`, or its year partitions."""
    single = release / f"{name}.parquet"
    if single.is_file():
        return [single]
    parts = [p for p in (release / name).glob("year=*/*.parquet")
             if PARTITION_PATTERN.match(p.relative_to(release).as_posix())]
    return sorted(parts, key=lambda p: (int(p.parent.name.removeprefix("year=")), p.name))


def partition_year(relative: str) -> int | None:
    """The year of a partition file's path (`events/year=2017/part-0.parquet` -> 2017)."""
    match = PARTITION_PATTERN.match(relative)
    return int(match.group("year")) if match else None


def parquet_table(relative: str) -> str | None:
    """The table a release file holds, if it is one of its Parquet files."""
    match = PARTITION_PATTERN.match(relative)
    if match:
        return match.group("table")
    single = re.fullmatch(r"([a-z_]+)\.parquet", relative)
    return single.group(1) if single else None


def partition_glob(name: str) -> str:
    """A glob matching every partition file of a table (Croissant FileSet `includes`)."""
    return f"{name}/year=*/*.parquet"


def storage_errors(release: Path, schema: TableSchema) -> list[str]:
    """Differences between a table's Parquet files and its storage schema (names, types)."""
    expected = schema.parquet_schema()
    errors = []
    for path in parquet_files(release, schema.name):
        actual = pq.read_schema(path)
        where = path.relative_to(release).as_posix()
        if actual.names != expected.names:
            errors.append(f"{where}: columns {actual.names}, expected {expected.names}")
            continue
        errors += [f"{where}: {f.name} is {actual.field(f.name).type}, expected {f.type}"
                   for f in expected if not actual.field(f.name).type.equals(f.type)]
    return errors


def read_parquet_table(release: Path, schema: TableSchema) -> pa.Table | None:
    """A table of a published release with the in-memory types of `schemas/` (dictionary
    columns decoded, INT32 widened), rows in the table's order; None if it has no files.

    Columns the schema does not know (an older release) are kept as they are."""
    files = parquet_files(release, schema.name)
    if not files:
        return None
    table = pa.concat_tables([pq.read_table(f, partitioning=None) for f in files])
    known = {f.name: f.arrow_type for f in schema.fields}
    table = pa.table({name: table.column(name).cast(known[name]) if name in known
                      else table.column(name) for name in table.column_names})
    if len(files) > 1:  # partitions: back to the table's order
        keys = [(k, "ascending", "at_start") for k in schema.sort_key if k in table.column_names]
        table = table.take(pc.sort_indices(table, sort_keys=keys))
    return table
