"""Validate an Arrow table against its table schema: Arrow column types plus the GX suite."""

from __future__ import annotations

import itertools
import logging
import os
import threading
import warnings
from collections import Counter
from dataclasses import asdict, dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from newsfacts.schemas import TableSchema, expectations_for

if TYPE_CHECKING:
    import pandas as pd

# Row-level expectation type -> stable reason code of the rows it fails.
REASONS: dict[str, str] = {
    "expect_column_values_to_not_be_null": "validate_not_null",
    "expect_column_values_to_be_in_set": "validate_in_set",
    "expect_column_values_to_match_regex": "validate_pattern",
    "expect_column_values_to_be_between": "validate_between",
    "expect_column_value_lengths_to_be_between": "validate_length",
    "expect_column_values_to_be_unique": "validate_unique",
    "expect_compound_columns_to_be_unique": "validate_compound_unique",
}

_META_KEY = "newsfacts_suite_index"  # in each expectation's meta: GX reorders its results
_MAX_VALUE = 80  # characters of a failing value quoted in a detail
_MAX_ERROR = 200  # characters of an error message quoted in a table error

_GROUPS_WARNING = "This pattern is interpreted as a regular expression, and has match groups"

_LOCK = threading.Lock()  # one GX context per process, used by one caller at a time
_NAMES = itertools.count()


@dataclass(frozen=True, slots=True)
class RowFailure:
    """One row failing one row-level expectation."""

    row_index: int
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class ExpectationOutcome:
    """How one expectation of the suite did (success False if it could not be run)."""

    expectation_type: str
    column: str | None
    level: str
    success: bool
    unexpected_count: int


@dataclass(frozen=True, slots=True)
class TableReport:
    """The validation of one table: table-level errors, failing rows and every outcome."""

    table_name: str
    row_count: int
    table_ok: bool
    table_errors: tuple[str, ...]
    row_failures: tuple[RowFailure, ...]
    outcomes: tuple[ExpectationOutcome, ...]

    def failing_rows(self) -> dict[int, list[RowFailure]]:
        """Failures grouped by row index, rows in ascending order."""
        rows: dict[int, list[RowFailure]] = {}
        for failure in self.row_failures:
            rows.setdefault(failure.row_index, []).append(failure)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable data; the same report always gives the same dict."""
        return {
            "table_name": self.table_name,
            "row_count": self.row_count,
            "table_ok": self.table_ok,
            "table_errors": list(self.table_errors),
            "row_failures": [asdict(f) for f in self.row_failures],
            "outcomes": [asdict(o) for o in self.outcomes],
        }


def validate_table(schema: TableSchema, table: pa.Table) -> TableReport:
    """Check `table` against `schema`: column names, order and types, then the GX suite.

    Never raises for a wrong table: a missing, extra, duplicated, reordered or wrongly typed
    column makes `table_ok` False. Row expectations on such columns are not run (their
    outcome is success False with no unexpected rows).
    """
    errors = _schema_errors(schema, table)
    usable = _usable_columns(schema, table)
    suite = expectations_for(schema)
    runnable = [(i, e) for i, e in enumerate(suite) if set(_columns_of(e)) <= usable]
    results, build_errors = _run_gx(_to_pandas(table, usable), runnable)

    outcomes: list[ExpectationOutcome] = []
    failures: list[RowFailure] = []
    for index, expectation in enumerate(suite):
        result = results.get(index)
        outcome, error = _outcome(schema.name, expectation, result, build_errors.get(index))
        outcomes.append(outcome)
        if error:
            errors.append(error)
        if result is not None and expectation["level"] == "row" and not error:
            failures.extend(_row_failures(schema.name, table, expectation, result))
    return TableReport(
        table_name=schema.name,
        row_count=table.num_rows,
        table_ok=not errors,
        table_errors=tuple(errors),
        row_failures=tuple(sorted(failures, key=lambda f: (f.row_index, f.reason, f.detail))),
        outcomes=tuple(outcomes),
    )


def _schema_errors(schema: TableSchema, table: pa.Table) -> list[str]:
    """Differences between the table's columns and the schema's (names, order, Arrow types)."""
    expected = schema.arrow_schema()
    names = table.column_names
    errors: list[str] = []
    missing = [n for n in expected.names if n not in names]
    extra = [n for n in names if n not in expected.names]
    duplicated = sorted(n for n, count in Counter(names).items() if count > 1)
    if missing:
        errors.append(f"{schema.name}: missing column(s): {', '.join(missing)}")
    if extra:
        errors.append(f"{schema.name}: unexpected column(s): {', '.join(extra)}")
    if duplicated:
        errors.append(f"{schema.name}: duplicated column(s): {', '.join(duplicated)}")
    if not (missing or extra or duplicated) and names != expected.names:
        errors.append(
            f"{schema.name}: columns out of order: expected [{', '.join(expected.names)}], "
            f"got [{', '.join(names)}]"
        )
    for field in expected:
        if field.name in names:
            actual = table.schema.field(names.index(field.name)).type
            if not actual.equals(field.type):
                errors.append(f"{schema.name}.{field.name}: type {actual}, expected {field.type}")
    return errors


def _usable_columns(schema: TableSchema, table: pa.Table) -> set[str]:
    """Schema columns present exactly once with the right Arrow type: row checks can run."""
    counts = Counter(table.column_names)
    return {
        f.name
        for f in schema.arrow_schema()
        if counts[f.name] == 1 and table.schema.field(f.name).type.equals(f.type)
    }


def _columns_of(expectation: dict[str, Any]) -> list[str]:
    """Columns a row-level expectation reads (none for table-level ones)."""
    if expectation["level"] != "row":
        return []
    kwargs = expectation["kwargs"]
    return list(kwargs["column_list"]) if "column_list" in kwargs else [kwargs["column"]]


def _column_label(expectation: dict[str, Any]) -> str | None:
    columns = _columns_of(expectation)
    return ",".join(columns) if columns else None


def _to_pandas(table: pa.Table, usable: set[str]) -> pd.DataFrame:
    """Arrow-backed DataFrame with a RangeIndex; unusable columns are kept as all-null names.

    Arrow dtypes keep integer columns with nulls as integers (not float) and dates as dates;
    GX's null handling, regex, set, range and length checks work on them. Unusable columns
    only matter to the column-list check, so their data is not converted at all.
    """
    import pandas as pd

    arrays = [
        column if name in usable else pa.nulls(table.num_rows)
        for name, column in zip(table.column_names, table.columns, strict=True)
    ]
    frame = pa.Table.from_arrays(arrays, names=table.column_names).to_pandas(
        types_mapper=pd.ArrowDtype, ignore_metadata=True
    )
    frame.index = pd.RangeIndex(len(frame))  # GX reports index labels: make them positions
    return frame


def _gx_kwargs(expectation: dict[str, Any]) -> dict[str, Any]:
    """The kwargs given to GX: regexes must match the whole value.

    GX tests a pattern with `str.contains`, where `$` also matches before a final newline, so
    'a0123456789abcdef\\n' would pass `^a[0-9a-f]{16}$`; Frictionless patterns match whole values.
    """
    kwargs = dict(expectation["kwargs"])
    if expectation["type"] == "expect_column_values_to_match_regex":
        kwargs["regex"] = f"^(?:{kwargs['regex']})\\Z"
    return kwargs


@cache
def _context() -> Any:
    """The process's ephemeral GX context (nothing on disk), progress bars off."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX turns on logging.captureWarnings for the whole process on import; give warnings back
    # to Python, and keep its INFO chatter ("Created temporary directory ...") out of runs.
    logging.captureWarnings(False)
    # (one of its modules pins its own logger to INFO, so the parent's level is not enough)
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    skip_batch_fingerprints()
    return context


def skip_batch_fingerprints() -> None:
    """Stop GX from fingerprinting each pandas batch, which we never read.

    GX 1.x hashes every batch under `HASH_THRESHOLD` (1e9) bytes with
    `pd.util.hash_pandas_object`, which turns each Arrow-backed column into Python objects
    first: 4-5x the table for a moment (236 MB for the 50 MB `articles` table of 10,000
    articles, bench/README.md). The fingerprint is only a batch marker; results do not use it.
    """
    from great_expectations.execution_engine import pandas_execution_engine

    if not hasattr(pandas_execution_engine, "HASH_THRESHOLD"):
        raise RuntimeError("great_expectations no longer has pandas_execution_engine."
                           "HASH_THRESHOLD: check how it fingerprints batches now")
    pandas_execution_engine.HASH_THRESHOLD = 0


def _run_gx(
    frame: pd.DataFrame, planned: list[tuple[int, dict[str, Any]]]
) -> tuple[dict[int, Any], dict[int, str]]:
    """Validate `frame`; GX results keyed by suite index, and errors building expectations."""
    with _LOCK:
        context = _context()
        import great_expectations as gx

        built, build_errors = _build_expectations(planned)
        name = f"newsfacts_validate_{next(_NAMES)}"
        source = context.data_sources.add_pandas(name)
        try:
            batch = (
                source.add_dataframe_asset("table")
                .add_batch_definition_whole_dataframe("whole")
                .get_batch(batch_parameters={"dataframe": frame})
            )
            suite = gx.ExpectationSuite(name=name, expectations=built)
            with warnings.catch_warnings():
                # pandas warns when a pattern has groups, e.g. ^[a-z]+(_[a-z0-9]+)+$
                warnings.filterwarnings("ignore", message=_GROUPS_WARNING, category=UserWarning)
                result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
        finally:
            context.data_sources.delete(name)
    results = {r.expectation_config.meta[_META_KEY]: r for r in result.results}
    return results, build_errors


def _build_expectations(
    planned: list[tuple[int, dict[str, Any]]],
) -> tuple[list[Any], dict[int, str]]:
    """GX expectation objects tagged with their suite index; invalid entries as errors."""
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration,
    )

    built: list[Any] = []
    errors: dict[int, str] = {}
    for index, expectation in planned:
        config = ExpectationConfiguration(
            type=expectation["type"], kwargs=_gx_kwargs(expectation), meta={_META_KEY: index}
        )
        try:
            built.append(config.to_domain_obj())
        except Exception as exc:  # e.g. a range with neither bound: reported, not raised
            errors[index] = _one_line(exc)
    return built, errors


def _outcome(
    table_name: str, expectation: dict[str, Any], result: Any, build_error: str | None
) -> tuple[ExpectationOutcome, str | None]:
    """The outcome of one suite entry, and a table error if it failed at table level or broke."""
    kind, label = expectation["type"], _column_label(expectation)
    where = f"{table_name}.{label}" if label else table_name
    if result is None:
        error = f"{where}: {kind} is invalid: {build_error}" if build_error else None
        return ExpectationOutcome(kind, label, expectation["level"], False, 0), error
    details = result.result or {}
    count = int(details.get("unexpected_count") or 0)
    outcome = ExpectationOutcome(kind, label, expectation["level"], bool(result.success), count)
    raised = _exception_message(result)
    if raised:
        return outcome, f"{where}: {kind} raised an error: {raised}"
    indices = details.get("unexpected_index_list")
    if expectation["level"] == "row" and indices is not None and len(indices) != count:
        return outcome, f"{where}: {kind} counted {count} rows but listed {len(indices)}"
    if expectation["level"] == "table" and not result.success:
        return outcome, f"{where}: {kind} failed"
    return outcome, None


def _exception_message(result: Any) -> str | None:
    """The error GX caught while computing an expectation, if any.

    `exception_info` is either one flat dict or, when a metric failed, a dict of them keyed
    by metric id.
    """
    info = result.exception_info or {}
    infos = [info] if "raised_exception" in info else list(info.values())
    for item in infos:
        if isinstance(item, dict) and item.get("raised_exception"):
            return _one_line(item.get("exception_message") or "unknown error")
    return None


def _row_failures(
    table_name: str, table: pa.Table, expectation: dict[str, Any], result: Any
) -> list[RowFailure]:
    """One RowFailure per row GX listed as unexpected (every row of a duplicate group)."""
    kind = expectation["type"]
    reason = REASONS.get(kind, "validate_" + kind.removeprefix("expect_"))
    columns = _columns_of(expectation)
    failures = []
    for raw in (result.result or {}).get("unexpected_index_list") or []:
        row = int(raw)
        values = [table.column(c)[row].as_py() for c in columns]
        value = values[0] if len(values) == 1 else tuple(values)
        detail = f"{table_name}.{','.join(columns)}: {kind} failed (value {_show(value)})"
        failures.append(RowFailure(row, reason, detail))
    return failures


def _show(value: Any) -> str:
    """A short, stable rendering of a value for a person."""
    text = "null" if value is None else repr(value) if isinstance(value, str) else str(value)
    return _truncate(text, _MAX_VALUE)


def _one_line(error: object) -> str:
    """An error message on one line (GX and pydantic messages span several)."""
    text = " ".join(str(error).split())
    return _truncate(text, _MAX_ERROR) if text else type(error).__name__


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
