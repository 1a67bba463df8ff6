"""Parquet for analytics tools: DuckDB, pandas (pyarrow backend) and Polars read every table of
the seeds release with no casts, get the schema's types and the same values as the CSV files
(read by the same tool with the schema), and find the descriptions in the Parquet metadata;
the same holds for a seeds build split by year (hive style) with a low threshold, whose
SHA256SUMS, datapackage.json, croissant.json, catalog and download still work."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsfacts.pipeline import run_build
from newsfacts.publish.parquet import (
    PARTITION_PATTERN,
    UNKNOWN_YEAR,
    YEAR_SOURCES,
    read_parquet_table,
    row_group_rows,
    storage_errors,
    write_parquet,
    write_release_parquet,
)
from newsfacts.publish.release import file_sha256
from newsfacts.schemas import TABLE_NAMES, TableSchema, load_schemas, parse_table_schema

READERS = ("duckdb", "pandas", "polars")
SPLIT_ROWS = 5  # seeds: mentions, quotes, events and dyads have more rows; the rest stay single
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def release(seed_release: Path) -> Path:
    return seed_release / "newsfacts" / "v0001"


@pytest.fixture(scope="module")
def split_root(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """A publish root whose seeds release splits tables above SPLIT_ROWS rows by year."""
    root = tmp_path_factory.mktemp("split")
    summary = run_build(seeds_dir, root, partition_rows=SPLIT_ROWS)
    assert summary.created and summary.rows["mentions"] == 67  # the seed counts, unchanged
    return root


@pytest.fixture(scope="module")
def split(split_root: Path) -> Path:
    return split_root / "newsfacts" / "v0001"


# ---------------------------------------------------------------- readers


def is_split(release: Path, name: str) -> bool:
    return (release / name).is_dir()


def duckdb_type(kind: pa.DataType) -> str:
    if pa.types.is_dictionary(kind) or pa.types.is_string(kind):
        return "VARCHAR"
    if pa.types.is_list(kind):
        return "VARCHAR[]"
    return {pa.int32(): "INTEGER", pa.int64(): "BIGINT", pa.float64(): "DOUBLE",
            pa.bool_(): "BOOLEAN", pa.date32(): "DATE",
            pa.timestamp("us", tz="UTC"): "TIMESTAMP WITH TIME ZONE"}[kind]


def polars_type(kind: pa.DataType) -> Any:
    import polars as pl

    if pa.types.is_dictionary(kind):
        return pl.Categorical
    if pa.types.is_list(kind):
        return pl.List(pl.String)
    return {pa.string(): pl.String, pa.int32(): pl.Int32, pa.int64(): pl.Int64,
            pa.float64(): pl.Float64, pa.bool_(): pl.Boolean, pa.date32(): pl.Date,
            pa.timestamp("us", tz="UTC"): pl.Datetime("us", "UTC")}[kind]


def read_duckdb(release: Path, schema: TableSchema) -> tuple[dict, list, list]:
    """(column types, Parquet rows, CSV rows) as DuckDB reads them."""
    import duckdb

    name = schema.name
    source = (f"read_parquet('{release / name}/*/*.parquet', hive_partitioning = true)"
              if is_split(release, name) else f"read_parquet('{release / name}.parquet')")
    con = duckdb.connect()
    described = f"describe select * from {source}"
    types = dict(con.execute(f"select column_name, column_type from ({described})").fetchall())
    parquet_rows = con.execute(f"select * from {source}").fetchall()
    csv_types = {f.name: "VARCHAR" if f.type == "array" else duckdb_type(f.arrow_type)
                 for f in schema.fields}
    columns = ", ".join(f"from_json(\"{f.name}\", '[\"VARCHAR\"]')" if f.type == "array"
                        else f'"{f.name}"' for f in schema.fields)  # `symmetric` is reserved
    csv_rows = con.execute(f"select {columns} from read_csv(?, header = true, columns = ?)",
                           [str(release / f"{name}.csv"), csv_types]).fetchall()
    return types, parquet_rows, csv_rows


def read_pandas(release: Path, schema: TableSchema) -> tuple[dict, list, list]:
    """(column dtypes, Parquet rows, CSV rows) as pandas with the pyarrow backend reads them."""
    import pandas as pd

    name = schema.name
    path = release / name if is_split(release, name) else release / f"{name}.parquet"
    frame = pd.read_parquet(path, engine="pyarrow", dtype_backend="pyarrow")
    dtypes = {f.name: pd.ArrowDtype(pa.string() if f.type == "array" else f.arrow_type)
              for f in schema.fields}
    csv = pd.read_csv(release / f"{name}.csv", engine="pyarrow", dtype_backend="pyarrow",
                      dtype=dtypes)
    arrays = [f.name for f in schema.fields if f.type == "array"]
    csv_rows = [tuple(json.loads(v) if c in arrays and v is not pd.NA else v
                      for c, v in zip(csv.columns, row, strict=True))
                for row in csv.itertuples(index=False)]

    def python(value: Any) -> Any:
        return None if value is pd.NA else value

    parquet_rows = [tuple(python(v) for v in row) for row in frame.itertuples(index=False)]
    return dict(frame.dtypes.items()), parquet_rows, [tuple(python(v) for v in r)
                                                      for r in csv_rows]


def read_polars(release: Path, schema: TableSchema) -> tuple[dict, list, list]:
    """(column dtypes, Parquet rows, CSV rows) as Polars reads them."""
    import polars as pl

    name = schema.name
    frame = (pl.read_parquet(release / name / "**" / "*.parquet", hive_partitioning=True)
             if is_split(release, name) else pl.read_parquet(release / f"{name}.parquet"))
    overrides = {f.name: pl.String if f.type == "array" else polars_type(f.arrow_type)
                 for f in schema.fields}
    csv = pl.read_csv(release / f"{name}.csv", schema_overrides=overrides).with_columns(
        pl.col(f.name).str.json_decode(pl.List(pl.String))
        for f in schema.fields if f.type == "array")
    return dict(frame.schema.items()), frame.rows(), csv.rows()


READ = {"duckdb": read_duckdb, "pandas": read_pandas, "polars": read_polars}


def expected_types(reader: str, schema: TableSchema) -> dict[str, Any]:
    """What each reader must report for each column, from the schema's Parquet types."""
    import pandas as pd

    convert = {"duckdb": duckdb_type, "polars": polars_type, "pandas": pd.ArrowDtype}[reader]
    return {f.name: convert(f.parquet_type) for f in schema.fields}


def row_key(row: tuple) -> str:
    return json.dumps(row, default=str)


def table_years(release: Path) -> dict[str, dict[str, int]]:
    """The year of each article (from articles.csv): what the partitions must say."""
    import csv

    with (release / "articles.csv").open(encoding="utf-8", newline="") as handle:
        return {r["article_id"]: int(r["published_date"][:4]) if r["published_date"]
                else UNKNOWN_YEAR for r in csv.DictReader(handle)}


def check_reader(reader: str, release: Path, name: str) -> None:
    schema = load_schemas()[name]
    types, parquet_rows, csv_rows = READ[reader](release, schema)
    expected = expected_types(reader, schema)
    if is_split(release, name):  # hive partitions add `year`, an integer, last
        assert list(types) == [*schema.column_names, "year"], reader
        assert str(types.pop("year")).lower() in ("bigint", "int64", "int32",
                                                  "dictionary<values=int32, indices=int32, "
                                                  "ordered=0>[pyarrow]"), reader
        years = [row[-1] for row in parquet_rows]
        parquet_rows = [row[:-1] for row in parquet_rows]
        index = schema.column_names.index(YEAR_SOURCES[name])
        articles = table_years(release)
        want = [int(r[index][:4]) if r[index][:4].isdigit() else UNKNOWN_YEAR
                for r in parquet_rows] if name == "dyads" else [articles[r[index]]
                                                                 for r in parquet_rows]
        assert [int(y) for y in years] == want, reader
    assert types == expected, reader
    assert len(parquet_rows) == len(csv_rows)
    assert sorted(parquet_rows, key=row_key) == sorted(csv_rows, key=row_key), reader


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_reader_loads_every_seed_table_like_its_csv(
        release: Path, name: str, reader: str) -> None:
    assert (release / f"{name}.parquet").is_file() and not is_split(release, name)
    assert "hive_partitioning" not in (release / "README.md").read_text()  # nothing split
    check_reader(reader, release, name)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("name", ["mentions", "quotes", "events", "dyads", "articles"])
def test_every_reader_loads_year_partitions_like_the_csv(
        split: Path, name: str, reader: str) -> None:
    check_reader(reader, split, name)


def test_the_schema_types_reach_the_readers(release: Path) -> None:
    """Spot checks of the storage choices, as a user sees them."""
    import duckdb
    import polars as pl

    events = release / "events.parquet"
    types = dict(duckdb.sql(f"select column_name, column_type from (describe '{events}')")
                 .fetchall())
    assert types["event_date"] == "DATE" and types["topics"] == "VARCHAR[]"
    assert types["quad_class"] == "INTEGER" and types["negated"] == "BOOLEAN"
    assert types["goldstein"] == "DOUBLE"
    dyads = pl.read_parquet(release / "dyads.parquet").schema
    assert dyads["event_count"] == pl.Int64 and dyads["source_country"] == pl.Categorical
    assert dyads["article_ids"] == pl.List(pl.String)
    schema = pq.read_schema(release / "articles.parquet")
    assert schema.field("published_date_precision").type == pa.dictionary(pa.int32(),
                                                                           pa.string())
    assert schema.field("word_count").type == pa.int32()
    assert schema.field("body").type == pa.string()


def test_timestamps_are_utc_in_every_reader(tmp_path: Path) -> None:
    """No table has a datetime column yet: one made up here is UTC everywhere."""
    import duckdb
    import pandas as pd
    import polars as pl

    schema = parse_table_schema({"name": "t", "fields": [
        {"name": "seen_at", "type": "datetime", "description": "When."},
        {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}}]})
    at = dt.datetime(2017, 7, 11, 9, 30, tzinfo=dt.UTC)
    table = pa.table({"seen_at": [at, None], "kind": ["a", None]},
                     schema=schema.arrow_schema())
    path = tmp_path / "t.parquet"
    write_parquet(table, path, schema)
    assert duckdb.sql(f"select typeof(seen_at), seen_at from '{path}' limit 1").fetchall() == [
        ("TIMESTAMP WITH TIME ZONE", at)]
    assert pl.read_parquet(path).schema["seen_at"] == pl.Datetime("us", "UTC")
    frame = pd.read_parquet(path, dtype_backend="pyarrow")
    assert frame["seen_at"].dtype == pd.ArrowDtype(pa.timestamp("us", tz="UTC"))
    assert frame["seen_at"][0] == pd.Timestamp(at)
    assert pl.read_parquet(path)["kind"].to_list() == ["a", None]


def test_storage_hints_are_checked_and_defaults_agree() -> None:
    import inspect

    from newsfacts.cli import build
    from newsfacts.publish.parquet import DEFAULT_PARTITION_ROWS

    with pytest.raises(ValueError, match="cannot be stored as parquet 'int32'"):
        parse_table_schema({"name": "t", "fields": [
            {"name": "x", "type": "string", "parquet": "int32"}]})
    with pytest.raises(ValueError, match="cannot be stored as parquet 'dictionary'"):
        parse_table_schema({"name": "t", "fields": [
            {"name": "x", "type": "integer", "parquet": "dictionary"}]})
    for schema in load_schemas().values():  # enums are dictionaries; INT32 only when hinted
        for field in schema.fields:
            if "enum" in field.constraints:
                assert pa.types.is_dictionary(field.parquet_type), field.name
            if field.type == "integer":
                assert field.parquet_type == (pa.int32() if field.parquet else pa.int64())
    default = inspect.signature(build).parameters["partition_rows"].default
    assert default == DEFAULT_PARTITION_ROWS


# ---------------------------------------------------------------- metadata


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_descriptions_are_in_the_parquet_metadata(release: Path, name: str) -> None:
    import duckdb
    import polars as pl

    schema = load_schemas()[name]
    path = release / f"{name}.parquet"
    columns = {f.name: f.description for f in schema.fields}
    assert all(columns.values())
    arrow = pq.read_schema(path)
    for field in schema.fields:  # Arrow field metadata (pyarrow, pandas)
        assert arrow.field(field.name).metadata[b"description"].decode() == field.description
    kv = {k.decode(): v.decode() for k, v in duckdb.sql(
        f"select key, value from parquet_kv_metadata('{path}')").fetchall()}
    assert kv["table"] == name
    assert kv["description"] == schema.descriptor["description"]
    assert json.loads(kv["column_descriptions"]) == columns
    assert pl.read_parquet_metadata(path)["description"] == schema.descriptor["description"]


def test_files_are_zstd_and_made_by_the_pinned_writer(release: Path) -> None:
    for name in TABLE_NAMES:
        meta = pq.ParquetFile(release / f"{name}.parquet").metadata
        assert meta.created_by == f"parquet-cpp-arrow version {pa.__version__}"
        for group in range(meta.num_row_groups):
            for column in range(meta.num_columns):
                assert meta.row_group(group).column(column).compression == "ZSTD"


def test_row_groups_hold_about_the_target_bytes() -> None:
    row_bytes = (1000 + 4) + 8  # a string value and its offset, an int64
    rows = pa.table({"text": ["x" * 1000] * 4096, "n": list(range(4096))})
    assert row_group_rows(rows, target_bytes=1 << 19) == 1024  # the floor, not 518 rows
    assert row_group_rows(rows, target_bytes=4 << 20) == (4 << 20) // row_bytes
    assert row_group_rows(rows) == (64 << 20) // row_bytes  # 66,313 rows of ~1 KB
    assert row_group_rows(pa.table({"n": list(range(10))})) == 1_048_576  # the cap


# ---------------------------------------------------------------- determinism


def test_same_table_same_bytes_whatever_its_chunks(release: Path, tmp_path: Path) -> None:
    schema = load_schemas()["events"]
    table = read_parquet_table(release, schema)
    assert table is not None
    rechunked = pa.Table.from_batches(table.to_batches(max_chunksize=3))
    assert rechunked.column(0).num_chunks > 1
    write_parquet(table, tmp_path / "a.parquet", schema)
    write_parquet(rechunked, tmp_path / "b.parquet", schema)
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    assert (tmp_path / "a.parquet").read_bytes() == (release / "events.parquet").read_bytes()


def test_partitioned_output_is_byte_identical_and_reads_back(
        release: Path, split: Path, tmp_path: Path) -> None:
    schemas = load_schemas()
    tables = {n: read_parquet_table(release, s) for n, s in schemas.items()}
    written = write_release_parquet(tmp_path, schemas, tables, SPLIT_ROWS)
    assert "events/year=2018/part-0.parquet" in written and "articles.parquet" in written
    for path in written:
        assert (tmp_path / path).read_bytes() == (split / path).read_bytes(), path
    for name, schema in schemas.items():  # back to the same rows, in the table's order
        assert read_parquet_table(split, schema).equals(tables[name]), name


# ---------------------------------------------------------------- the partitioned release


def test_large_tables_are_split_by_year_and_small_ones_are_not(split: Path) -> None:
    layout = {n: sorted(p.relative_to(split).as_posix() for p in (split / n).rglob("*.parquet"))
              if is_split(split, n) else f"{n}.parquet" for n in TABLE_NAMES}
    assert layout["articles"] == "articles.parquet"  # 2 rows
    assert layout["boilerplate"] == "boilerplate.parquet"  # 4 rows
    assert layout["entities"] == "entities.parquet"  # never: no year
    assert layout["rejected"] == "rejected.parquet"
    for name in ("mentions", "quotes", "events"):  # the seeds are from 2017 and 2018
        assert layout[name] == [f"{name}/year=2017/part-0.parquet",
                                f"{name}/year=2018/part-0.parquet"]
    assert layout["dyads"] == ["dyads/year=0/part-0.parquet",  # month `unknown`
                               "dyads/year=2017/part-0.parquet"]
    assert all(PARTITION_PATTERN.match(p) for n in ("mentions", "dyads") for p in layout[n])
    assert not storage_errors(split, load_schemas()["events"])
    card = (split / "README.md").read_text()
    assert "`events.csv`, `events/year=*/part-0.parquet` (years 2017, 2018)" in card
    assert "read_parquet('events/*/*.parquet', hive_partitioning = true)" in card


def test_checksums_cover_the_partition_files(split: Path) -> None:
    result = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=split,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {line.split("  ", 1)[1] for line in (split / "SHA256SUMS").read_text().splitlines()}
    assert "events/year=2017/part-0.parquet" in listed
    assert listed == {p.relative_to(split).as_posix() for p in split.rglob("*")
                      if p.is_file()} - {"SHA256SUMS"}


def test_frictionless_validates_the_split_release(split: Path) -> None:
    result = subprocess.run([str(BIN / "frictionless"), "validate", "datapackage.json"],
                            cwd=split, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    resources = json.loads((split / "datapackage.json").read_text())["resources"]
    by_path = {r["path"]: r for r in resources}
    assert by_path["events.csv"]["type"] == "table"  # the table is still one CSV
    part = by_path["events/year=2018/part-0.parquet"]
    assert part["name"] == "events-parquet-year-2018" and part["type"] == "file"
    assert part["hash"] == "sha256:" + file_sha256(split / part["path"])
    assert "events.parquet" not in by_path


def test_croissant_reads_the_partitions_through_a_file_set(split: Path) -> None:
    result = subprocess.run([str(BIN / "mlcroissant"), "validate", "--jsonld", "croissant.json"],
                            cwd=split, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    import mlcroissant as mlc

    document = json.loads((split / "croissant.json").read_text())
    sets = {d["@id"]: d for d in document["distribution"] if d["@type"] == "cr:FileSet"}
    assert sets["events-parquet"]["includes"] == "events/year=*/*.parquet"
    assert set(sets) == {"mentions-parquet", "quotes-parquet", "events-parquet", "dyads-parquet"}
    objects = {d["contentUrl"]: d for d in document["distribution"]
               if d["@type"] == "cr:FileObject"}
    assert objects["events/year=2017/part-0.parquet"]["sha256"] == file_sha256(
        split / "events/year=2017/part-0.parquet")
    dataset = mlc.Dataset(jsonld=str(split / "croissant.json"))
    schemas = load_schemas()
    for name in TABLE_NAMES:
        table = read_parquet_table(split, schemas[name])
        records = list(dataset.records(record_set=name))
        assert len(records) == table.num_rows, name
    ids = sorted(r["events/event_id"].decode() for r in dataset.records(record_set="events"))
    assert ids == sorted(read_parquet_table(split, schemas["events"]).column("event_id")
                         .to_pylist())


def test_catalog_lists_and_download_fetches_the_partitions(
        split_root: Path, split: Path, tmp_path: Path) -> None:
    from newsfacts.publish.download import download_release

    catalog = json.loads((split_root / "catalog.json").read_text())
    (entry,) = catalog["dataset"]
    files = {f["name"]: f for f in entry["distribution"]}
    part = files["quotes/year=2018/part-0.parquet"]
    assert part["contentUrl"] == "newsfacts/v0001/quotes/year=2018/part-0.parquet"
    assert part["sha256"] == file_sha256(split / "quotes/year=2018/part-0.parquet")
    assert "quotes/year=2018/part-0.parquet" in (split_root / "index.html").read_text()

    import threading

    from newsfacts.publish.serve import make_server, server_url

    server = make_server(split_root, "127.0.0.1", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    target = tmp_path / "got"
    try:
        _, states = download_release(server_url(server), "newsfacts@v0001", target)
    finally:
        server.shutdown()
        server.server_close()
    assert set(states.values()) == {"fetched"} and set(states) == set(files)
    for name in files:
        assert (target / name).read_bytes() == (split / name).read_bytes(), name
    corrupt = split_root / "copy"
    shutil.copytree(split_root / "newsfacts", corrupt / "newsfacts", symlinks=True)
    shutil.copy(split_root / "catalog.json", corrupt / "catalog.json")
    bad = corrupt / "newsfacts" / "v0001" / "events" / "year=2017" / "part-0.parquet"
    bad.write_bytes(bad.read_bytes()[:-1] + b"\x00")
    from newsfacts.publish.download import DownloadError

    with pytest.raises(DownloadError, match="checksum mismatch for events/year=2017"):
        download_release(str(corrupt), None, tmp_path / "bad")
    assert not (tmp_path / "bad" / "events" / "year=2017" / "part-0.parquet").exists()


@pytest.mark.parametrize("name", ["a/../b.csv", "a//b.csv", "./a.csv", "/etc/passwd",
                                  "a\\b.csv", "events/..", ""])
def test_a_nested_name_that_escapes_is_refused(name: str, tmp_path: Path) -> None:
    from newsfacts.publish.download import DownloadError, safe_name

    with pytest.raises(DownloadError, match="refusing"):
        safe_name(name, tmp_path)
    assert safe_name("events/year=2017/part-0.parquet", tmp_path) == (
        tmp_path.resolve() / "events" / "year=2017" / "part-0.parquet")


def test_validate_and_changes_read_the_partitions(release: Path, split: Path) -> None:
    from typer.testing import CliRunner

    from newsfacts.cli import app
    from newsfacts.publish.changes import release_changes

    result = CliRunner().invoke(app, ["validate", str(split)])
    assert result.exit_code == 0, result.output
    assert "events: 23 rows, ok" in result.output
    schemas = load_schemas()
    tables = {n: read_parquet_table(release, s) for n, s in schemas.items()}
    changes = release_changes(schemas, tables, split)
    for name, counts in changes["tables"].items():
        assert (counts["added"], counts["removed"]) == (0, 0), name
        assert counts["changed"] in (0, None) and counts["rows_before"] == counts["rows_after"]


def test_validate_reports_a_file_with_the_wrong_types(split: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsfacts.cli import app

    copy = tmp_path / "copy"
    shutil.copytree(split, copy)
    path = copy / "events" / "year=2018" / "part-0.parquet"
    table = pq.read_table(path)
    plain = table.set_column(table.schema.get_field_index("quad_class"), "quad_class",
                             table.column("quad_class").cast(pa.int64()))
    pq.write_table(plain, path)
    result = CliRunner().invoke(app, ["validate", str(copy)])
    assert result.exit_code == 1
    assert "events/year=2018/part-0.parquet: quad_class is int64, expected int32" in result.output
