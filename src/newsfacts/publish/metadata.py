"""The files that describe a release, written after its data files and checked before it is
published: validation.html, changes.json, datapackage.json, the card's PNG plots, README.md,
croissant.json.

Order matters: each file lists (with hashes) only files written before it, and croissant.json,
written last, lists them all. Every file is a pure function of the tables, the schemas, the
version and the previous release: no timestamps, so a rebuild gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from newsfacts.memory import release_free_memory
from newsfacts.publish import card, changes, croissant, datapackage, plots, report
from newsfacts.publish.describe import file_facts, release_facts
from newsfacts.publish.parquet import parquet_table
from newsfacts.publish.release import ReleaseContext, release_files
from newsfacts.schemas import TableSchema


class InvalidRelease(RuntimeError):
    """A metadata validator refused the release: nothing was published."""


def write_metadata(
    folder: Path,
    context: ReleaseContext,
    schemas: dict[str, TableSchema],
    tables: dict[str, pa.Table],
    check: bool = True,
    csv_safe: bool = False,
) -> None:
    """Write every metadata file into `folder`; with `check`, validate them or raise.
    `csv_safe` says the CSV text cells were made spreadsheet-safe (the card tells readers)."""
    facts = release_facts(context.version, tables)
    validation = json.loads((folder / "validation.json").read_text(encoding="utf-8"))
    report.write_validation_html(
        validation, f"{context.dataset} {context.version}: validation", folder)
    change_summary = changes.release_changes(schemas, tables, context.previous)
    changes.write_changes(change_summary, folder)
    release_free_memory()

    data_files = [n for n in release_files(folder)
                  if Path(n).suffix in (".csv", ".parquet", ".jsonld")]
    by_name = {f.name: f for f in file_facts(folder, data_files)}
    datapackage.write_datapackage(datapackage.datapackage(schemas, facts, by_name), folder)
    parquet = {name: [n for n in data_files if parquet_table(n) == name] for name in schemas}
    figures = plots.release_plots(tables)
    plots.write_plots(figures, folder)
    release_free_memory()
    card.write_card(card.dataset_card(schemas, tables, facts, change_summary, figures, parquet,
                                      csv_safe), folder)

    croissant.write_croissant(
        croissant.croissant(schemas, facts, file_facts(folder, release_files(folder)),
                            {f.name: f.alt for f in figures}), folder)
    if check:
        errors = check_release(folder)
        if errors:
            raise InvalidRelease("release metadata failed validation:\n  " + "\n  ".join(errors))


def check_release(folder: Path) -> list[str]:
    """Validate datapackage.json (frictionless, every row) and croissant.json (mlcroissant)."""
    errors = [f"datapackage.json: {e}" for e in datapackage.check_datapackage(folder)]
    release_free_memory()
    return errors + [f"croissant.json: {e}" for e in croissant.check_croissant(folder)]


def metadata_writer(schemas: dict[str, TableSchema], tables: dict[str, pa.Table],
                    csv_safe: bool = False) -> Any:
    """`write_metadata` bound to a release's tables, in the shape publish_release expects."""

    def write(folder: Path, context: ReleaseContext) -> None:
        write_metadata(folder, context, schemas, tables, csv_safe=csv_safe)

    return write
