"""`README.md` of a release: the dataset card (contents, counts, coverage, plots, limits,
changes, licence, citation, how to load). Text taken from articles is escaped for Markdown and
HTML.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from newsfacts.publish import describe
from newsfacts.publish.croissant import citation
from newsfacts.publish.describe import ReleaseFacts
from newsfacts.publish.parquet import partition_year
from newsfacts.publish.plots import Plot, top_entities
from newsfacts.schemas import TableSchema

FILE_NAME = "README.md"
TOP_ENTITIES = 10
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
KNOWN_LIMITS = (
    "Entities, quotes and events are extracted automatically (spaCy `en_core_web_sm` and "
    "rules): expect missed and wrong ones. The score floors the extractors must keep are in "
    "the project's `quality/floors.json`.",
    "A `published_date` of year or month precision is stored as the first day of that "
    "period; `published_date_precision` says which parts mean something.",
    "The extractors are built for English. Articles in other languages are kept with their "
    "detected `language`, but their entities, quotes and events are unreliable.",
    "Dyads count only validated, non-negated events, by the actors' known countries; an "
    "event whose actors have no known country is in `events` but in no dyad.",
)


def md_escape(text: str) -> str:
    """Text safe inside Markdown (and the HTML it renders to): one line, specials escaped."""
    one_line = " ".join(str(text).split())
    return MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def first_sentence(text: str) -> str:
    """The description up to its first full stop."""
    head, dot, _ = text.partition(". ")
    return head + ("." if dot else "")


def parquet_cell(name: str, files: list[str] | None) -> str:
    """`events.parquet`, or `events/year=*/` with the years of a partitioned table."""
    if not files or files == [f"{name}.parquet"]:
        return f"`{name}.parquet`"
    years = ", ".join(str(y) for f in files if (y := partition_year(f)) is not None)
    return f"`{name}/year=*/part-0.parquet` (years {years})"


def tables_section(schemas: dict[str, TableSchema], facts: ReleaseFacts,
                   parquet: dict[str, list[str]] | None = None) -> list[str]:
    lines = ["| table | rows | files | what a row is |", "|---|---:|---|---|"]
    for name, schema in schemas.items():
        what = md_escape(first_sentence(schema.descriptor.get("description", "")))
        lines.append(f"| `{name}` | {facts.rows.get(name, 0)} | "
                     f"`{name}.csv`, {parquet_cell(name, (parquet or {}).get(name))} | {what} |")
    return lines


def coverage_section(facts: ReleaseFacts) -> list[str]:
    dates = (f"{facts.date_start.isoformat()} to {facts.date_end.isoformat()} (publication "
             "dates; a year-precision date covers its whole year)"
             if facts.date_start and facts.date_end else "no dated articles")
    countries = ", ".join(f"{md_escape(describe.country_name(c))} ({c})"
                          for c in facts.countries) or "none named"
    return [f"* Dates: {dates}.", f"* Dateline countries: {countries}."]


def entities_section(entities: pa.Table) -> list[str]:
    rows = top_entities(entities, TOP_ENTITIES)
    if not rows:
        return ["No entities in this release."]
    lines = ["| entity | type | mentions | articles |", "|---|---|---:|---:|"]
    lines += [f"| {md_escape(r['name'])} | {r['entity_type']} | {r['mention_count']} | "
              f"{r['article_count']} |" for r in rows]
    return lines


def plots_section(figures: list[Plot]) -> list[str]:
    """Each plot as an image with its alt text (which names entities: escaped)."""
    lines: list[str] = []
    for figure in figures:
        lines += [f"### {md_escape(figure.title)}", "",
                  f"![{md_escape(figure.alt)}]({figure.name})", ""]
    return lines[:-1]


def changes_section(changes: dict[str, Any]) -> list[str]:
    previous = changes["previous_version"]
    if previous is None:
        return ["First release: every row is new."]
    lines = [f"Against `{previous}` (rows matched by primary key; `changes.json`):", "",
             "| table | before | after | added | removed | changed |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, c in changes["tables"].items():
        changed = "n/a" if c["changed"] is None else c["changed"]
        lines.append(f"| `{name}` | {c['rows_before']} | {c['rows_after']} | {c['added']} | "
                     f"{c['removed']} | {changed} |")
    return lines


LOADING = """```python
import duckdb
duckdb.sql("select title, published_date from 'articles.parquet' order by published_date")

import pandas as pd
articles = pd.read_parquet("articles.parquet", dtype_backend="pyarrow")

import polars as pl
events = pl.read_parquet("events.parquet")

import mlcroissant as mlc  # typed records of any table, from croissant.json
records = mlc.Dataset(jsonld="croissant.json").records(record_set="quotes")
```

Check the files with `sha256sum -c SHA256SUMS`, and the CSV files against their schemas with
`frictionless validate datapackage.json`. The CSV files are UTF-8, RFC 4180, with list cells
as JSON arrays; an empty cell is null."""
SPREADSHEETS = {
    False: "**Spreadsheets:** the text comes from the web, and a spreadsheet runs a cell that "
           "starts with `=`, `+`, `-` or `@` as a formula (CSV injection). These CSV files "
           "keep the exact text, so open them with a spreadsheet's import dialog, every column "
           "as text, or use the Parquet files.",
    True: "**Spreadsheets:** built with `--csv-safe`: a text cell that starts with `=`, `+`, "
          "`-`, `@`, a tab or a carriage return has an added leading `'`, so spreadsheets show "
          "it as text instead of running it as a formula. The Parquet files and "
          "`newsfacts.jsonld` keep the exact text; offsets (`*_start`, `*_end`) count in the "
          "exact text, so remove that `'` before using them on a CSV cell.",
}


PARTITIONED = """Tables listed as `<table>/year=*/part-0.parquet` are split by year, hive style
(year of the article's publication; year 0: unknown). Read the folder, and `year` comes back
as a column:

```python
duckdb.sql("select * from read_parquet('events/*/*.parquet', hive_partitioning = true)")
events = pd.read_parquet("events", dtype_backend="pyarrow")
events = pl.read_parquet("events/**/*.parquet", hive_partitioning=True)
```"""


def dataset_card(
    schemas: dict[str, TableSchema], tables: dict[str, pa.Table], facts: ReleaseFacts,
    changes: dict[str, Any], figures: list[Plot],
    parquet: dict[str, list[str]] | None = None, csv_safe: bool = False,
) -> str:
    """The card as Markdown; `parquet` lists each table's Parquet files (default: one each)."""
    split_by_year = any(partition_year(f) is not None
                        for files in (parquet or {}).values() for f in files)
    lines = [
        f"# {describe.TITLE} — {facts.version}", "",
        describe.DESCRIPTION, "",
        "## Tables", "", *tables_section(schemas, facts, parquet), "",
        "Keys, types and constraints of every column: `datapackage.json` (Frictionless) and "
        "`croissant.json` (MLCommons Croissant, also the schema.org `Dataset` description). "
        "`newsfacts.jsonld` links articles, entities, quotes and events as schema.org nodes.",
        "", "## Coverage", "", *coverage_section(facts), "",
        "## Most mentioned entities", "", *entities_section(tables["entities"]), "",
        "## Plots", "", *plots_section(figures), "",
        "## Changes", "", *changes_section(changes), "",
        "## Validation", "",
        "Every table was checked with Great Expectations before publishing: "
        "`validation.json`, readable as `validation.html`. Rows that failed are in `rejected` "
        "with a reason code.", "",
        "## Known limits", "", *[f"* {limit}" for limit in KNOWN_LIMITS], "",
        "## Licence", "", describe.LICENSE_NOTE, "",
        "## How to cite", "", "```bibtex", citation(facts), "```", "",
        "## How to load", "", LOADING, "", SPREADSHEETS[csv_safe], "",
        *([PARTITIONED, ""] if split_by_year else []),
    ]
    return "\n".join(lines)


def write_card(text: str, folder: Path) -> None:
    """Write `README.md`."""
    (folder / FILE_NAME).write_bytes(text.encode("utf-8"))
