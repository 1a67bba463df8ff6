"""validate_table against real Great Expectations: reason codes, row indices and table errors."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from newsfacts.schemas import TableSchema, expectations_for, load_schema, parse_table_schema
from newsfacts.validate import ExpectationOutcome, RowFailure, TableReport, validate_table

SRC = Path(__file__).resolve().parent.parent / "src"
ARTICLE_ID = "a0123456789abcdef"
SHA = "0123456789abcdef" * 4


def _article(**changes: Any) -> dict[str, Any]:
    """A valid articles row; optional constrained columns are null."""
    row: dict[str, Any] = {
        "article_id": ARTICLE_ID,
        "source_uri": "seeds/venezuela-1.txt",
        "raw_sha256": SHA,
        "url": None,
        "site": None,
        "site_source": None,
        "title": "Maduro travels to Moscow",
        "title_source": "page",
        "standfirst": None,
        "author": None,
        "author_source": None,
        "credit": None,
        "body": "Caracas, July 11 2017 – The president travelled.",
        "language": None,
        "word_count": 8,
        "dateline": None,
        "dateline_place": None,
        "dateline_country": None,
        "dateline_start": None,
        "dateline_end": None,
        "published_date": None,
        "published_date_precision": "unknown",
        "published_date_source": None,
        "published_date_start": None,
        "published_date_end": None,
        "boilerplate_lines_removed": 0,
        "pipeline_version": "0.1.0",
    }
    row.update(changes)
    return row


def _full_article(**changes: Any) -> dict[str, Any]:
    """A valid articles row with every optional column filled."""
    return _article(
        article_id="a00000000000000ff",
        url="https://venezuelanalysis.com/news/1",
        site="venezuelanalysis.com",
        site_source="dateline",
        standfirst="A summary.",
        author="Jane Doe",
        author_source="page",
        credit="Reuters",
        language="en",
        dateline="Caracas, July 11 2017 (venezuelanalysis.com) –",
        dateline_place="Caracas",
        dateline_country="VE",
        dateline_start=0,
        dateline_end=46,
        published_date=dt.date(2017, 7, 11),
        published_date_precision="day",
        published_date_source="dateline",
        published_date_start=9,
        published_date_end=21,
        boilerplate_lines_removed=3,
        **changes,
    )


def _boilerplate(**changes: Any) -> dict[str, Any]:
    row = {"article_id": ARTICLE_ID, "line_no": 1, "text": "Share this:", "reason": "share",
           "rule_id": "share-buttons"}
    return {**row, **changes}


def _rejected(**changes: Any) -> dict[str, Any]:
    row = {"source_uri": "seeds/x.txt", "article_id": None, "raw_sha256": None,
           "stage": "ingest", "reason": "ingest_not_utf8", "detail": "bad bytes",
           "table_name": None, "row_json": None}
    return {**row, **changes}


def _table(schema: TableSchema, rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema.arrow_schema())


def _retype(table: pa.Table, column: str, type_: pa.DataType) -> pa.Table:
    index = table.column_names.index(column)
    return table.set_column(index, column, pc.cast(table[column], type_))


@pytest.fixture(scope="module")
def articles() -> TableSchema:
    return load_schema("articles")


@pytest.fixture(scope="module")
def boilerplate() -> TableSchema:
    return load_schema("boilerplate")


@pytest.fixture(scope="module")
def rejected() -> TableSchema:
    return load_schema("rejected")


# --- valid tables -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        ("articles", [_article(), _full_article()]),
        ("boilerplate", [_boilerplate(), _boilerplate(line_no=2, reason="advertisement"),
                         _boilerplate(article_id="a00000000000000ff")]),
        ("rejected", [_rejected(), _rejected(), _rejected(stage="validate",
                      reason="validate_not_null", raw_sha256=SHA, article_id=ARTICLE_ID,
                      table_name="articles", row_json="{}")]),
    ],
)
def test_valid_table_passes_every_expectation(name: str, rows: list[dict[str, Any]]) -> None:
    schema = load_schema(name)
    report = validate_table(schema, _table(schema, rows))

    assert report.table_ok
    assert report.table_errors == ()
    assert report.row_failures == ()
    assert report.failing_rows() == {}
    assert report.row_count == len(rows)
    assert all(o.success and o.unexpected_count == 0 for o in report.outcomes)


def test_outcomes_follow_the_suite_order(articles: TableSchema) -> None:
    report = validate_table(articles, _table(articles, [_article()]))
    suite = expectations_for(articles)

    assert [(o.expectation_type, o.level) for o in report.outcomes] == [
        (e["type"], e["level"]) for e in suite
    ]
    assert report.outcomes[0] == ExpectationOutcome(
        "expect_table_columns_to_match_ordered_list", None, "table", True, 0
    )
    assert [o.column for o in report.outcomes[1:4]] == ["article_id"] * 3


# --- row-level failures: exact reason code, row index and detail ---------------------------


@pytest.mark.parametrize(
    ("changes", "reason", "column", "shown"),
    [
        ({"article_id": "A0123456789ABCDEF"}, "validate_pattern", "article_id",
         "'A0123456789ABCDEF'"),
        ({"article_id": ARTICLE_ID + "\n"}, "validate_pattern", "article_id",
         "'a0123456789abcdef\\n'"),
        ({"raw_sha256": SHA[:-1]}, "validate_pattern", "raw_sha256", repr(SHA[:-1])),
        ({"language": "EN"}, "validate_pattern", "language", "'EN'"),
        ({"dateline_country": "Venezuela"}, "validate_pattern", "dateline_country",
         "'Venezuela'"),
        ({"title": ""}, "validate_length", "title", "''"),
        ({"body": ""}, "validate_length", "body", "''"),
        ({"body": None}, "validate_not_null", "body", "null"),
        ({"source_uri": None}, "validate_not_null", "source_uri", "null"),
        ({"pipeline_version": None}, "validate_not_null", "pipeline_version", "null"),
        ({"word_count": None}, "validate_not_null", "word_count", "null"),
        ({"word_count": 0}, "validate_between", "word_count", "0"),
        ({"boilerplate_lines_removed": -1}, "validate_between", "boilerplate_lines_removed",
         "-1"),
        ({"dateline_start": -1}, "validate_between", "dateline_start", "-1"),
        ({"published_date_end": -5}, "validate_between", "published_date_end", "-5"),
        ({"published_date_precision": "week"}, "validate_in_set", "published_date_precision",
         "'week'"),
        ({"published_date_precision": None}, "validate_not_null", "published_date_precision",
         "null"),
        ({"published_date_source": "guess"}, "validate_in_set", "published_date_source",
         "'guess'"),
    ],
)
def test_articles_row_failure(
    articles: TableSchema, changes: dict[str, Any], reason: str, column: str, shown: str
) -> None:
    # Row 0 leaves the optional columns null, row 2 fills them: only row 1 is bad.
    rows = [_article(), _article(**{"article_id": "a000000000000000b", **changes}), _full_article()]
    report = validate_table(articles, _table(articles, rows))

    kind = next(
        o.expectation_type for o in report.outcomes
        if o.column == column and not o.success
    )
    assert report.table_ok
    assert report.row_failures == (
        RowFailure(1, reason, f"articles.{column}: {kind} failed (value {shown})"),
    )
    assert report.failing_rows() == {1: list(report.row_failures)}


def test_nulls_only_fail_not_null(articles: TableSchema) -> None:
    """A null in a required column with other constraints fails not_null and nothing else."""
    rows = [_article(body=None, word_count=None, published_date_precision=None,
                     boilerplate_lines_removed=None, raw_sha256=None)]
    report = validate_table(articles, _table(articles, rows))

    assert {f.reason for f in report.row_failures} == {"validate_not_null"}
    assert len(report.row_failures) == 5
    failed = {o.expectation_type for o in report.outcomes if not o.success}
    assert failed == {"expect_column_values_to_not_be_null"}


def test_an_article_without_a_headline_is_valid(articles: TableSchema) -> None:
    """A page with no detectable headline is published with a null title, not rejected."""
    report = validate_table(articles, _table(articles, [_article(title=None)]))

    assert report.table_ok and report.row_failures == ()


def test_several_failures_are_grouped_and_sorted(articles: TableSchema) -> None:
    rows = [
        _article(word_count=0, language="english", article_id="bad"),
        _article(article_id="a000000000000000b"),
        _article(article_id="a000000000000000c", title=""),
    ]
    report = validate_table(articles, _table(articles, rows))

    assert [(f.row_index, f.reason) for f in report.row_failures] == [
        (0, "validate_between"),
        (0, "validate_pattern"),
        (0, "validate_pattern"),
        (2, "validate_length"),
    ]
    assert report.row_failures[1].detail.startswith("articles.article_id:")
    assert report.row_failures[2].detail.startswith("articles.language:")
    grouped = report.failing_rows()
    assert list(grouped) == [0, 2]
    assert [f.reason for f in grouped[0]] == ["validate_between", "validate_pattern",
                                              "validate_pattern"]
    counts = {(o.expectation_type, o.column): o.unexpected_count for o in report.outcomes}
    assert counts[("expect_column_values_to_match_regex", "article_id")] == 1
    assert counts[("expect_column_values_to_be_between", "word_count")] == 1


def test_every_row_of_a_duplicate_fails_unique(articles: TableSchema) -> None:
    rows = [_article(), _article(article_id="a000000000000000b"), _article(),
            _article(article_id=None), _article(article_id=None)]
    report = validate_table(articles, _table(articles, rows))

    unique = [f for f in report.row_failures if f.reason == "validate_unique"]
    assert [f.row_index for f in unique] == [0, 2]
    assert unique[0].detail == (
        f"articles.article_id: expect_column_values_to_be_unique failed (value '{ARTICLE_ID}')"
    )
    # Two nulls are not duplicates of each other: they fail not_null only.
    assert [(f.row_index, f.reason) for f in report.row_failures if f.row_index > 2] == [
        (3, "validate_not_null"), (4, "validate_not_null"),
    ]


def test_compound_key_duplicates(boilerplate: TableSchema) -> None:
    rows = [_boilerplate(), _boilerplate(line_no=2), _boilerplate(),
            _boilerplate(article_id="a00000000000000ff")]
    report = validate_table(boilerplate, _table(boilerplate, rows))

    assert report.table_ok
    assert report.row_failures == tuple(
        RowFailure(
            i,
            "validate_compound_unique",
            "boilerplate.article_id,line_no: expect_compound_columns_to_be_unique failed "
            f"(value ('{ARTICLE_ID}', 1))",
        )
        for i in (0, 2)
    )
    compound = report.outcomes[-1]
    assert compound == ExpectationOutcome(
        "expect_compound_columns_to_be_unique", "article_id,line_no", "row", False, 2
    )


@pytest.mark.parametrize(
    ("changes", "reason", "column"),
    [
        ({"line_no": 0}, "validate_between", "line_no"),
        ({"reason": "spam"}, "validate_in_set", "reason"),
        ({"article_id": "a123"}, "validate_pattern", "article_id"),
        ({"rule_id": None}, "validate_not_null", "rule_id"),
    ],
)
def test_boilerplate_row_failure(
    boilerplate: TableSchema, changes: dict[str, Any], reason: str, column: str
) -> None:
    rows = [_boilerplate(), _boilerplate(**{"line_no": 2, **changes})]
    report = validate_table(boilerplate, _table(boilerplate, rows))

    assert [(f.row_index, f.reason) for f in report.row_failures] == [(1, reason)]
    assert report.row_failures[0].detail.startswith(f"boilerplate.{column}: ")


@pytest.mark.parametrize(
    ("changes", "reason", "column"),
    [
        ({"stage": "publish"}, "validate_in_set", "stage"),
        ({"reason": "Not UTF-8"}, "validate_pattern", "reason"),
        ({"reason": "ingest"}, "validate_pattern", "reason"),
        ({"raw_sha256": "xyz"}, "validate_pattern", "raw_sha256"),
        ({"detail": None}, "validate_not_null", "detail"),
    ],
)
def test_rejected_row_failure(
    rejected: TableSchema, changes: dict[str, Any], reason: str, column: str
) -> None:
    rows = [_rejected(), _rejected(), _rejected(**changes)]
    report = validate_table(rejected, _table(rejected, rows))

    assert [(f.row_index, f.reason) for f in report.row_failures] == [(2, reason)]
    assert report.row_failures[0].detail.startswith(f"rejected.{column}: ")


def test_row_index_is_the_position_in_a_chunked_or_sliced_table(articles: TableSchema) -> None:
    first = _table(articles, [_article(article_id=f"a{i:016x}") for i in range(3)])
    second = _table(articles, [_article(article_id="a00000000000000aa"), _article(
        article_id="a00000000000000bb", word_count=0)])
    chunked = pa.concat_tables([first, second])
    assert chunked["word_count"].num_chunks == 2

    assert [f.row_index for f in validate_table(articles, chunked).row_failures] == [4]
    assert [f.row_index for f in validate_table(articles, chunked.slice(3)).row_failures] == [1]


def test_row_index_ignores_a_pandas_index_stored_in_the_table(articles: TableSchema) -> None:
    """A table made from pandas can carry its index (here 5..6) in the schema metadata."""
    table = _table(articles, [_article(), _article(article_id="a000000000000000b", word_count=0)])
    from_pandas = pa.Table.from_pandas(pd.DataFrame({"x": [1, 2]}, index=pd.RangeIndex(5, 7)))
    table = table.replace_schema_metadata({b"pandas": from_pandas.schema.metadata[b"pandas"]})
    assert list(table.to_pandas().index) == [5, 6]

    report = validate_table(articles, table)

    assert report.table_ok
    assert [(f.row_index, f.reason) for f in report.row_failures] == [(1, "validate_between")]


def test_long_values_are_shortened_in_details(articles: TableSchema) -> None:
    report = validate_table(articles, _table(articles, [_article(language="x" * 500)]))

    (failure,) = report.row_failures
    assert failure.detail.endswith("...)")
    assert len(failure.detail) < 200


# --- table-level problems ----------------------------------------------------------------


def test_missing_column(articles: TableSchema) -> None:
    table = _table(articles, [_article(word_count=0)]).drop_columns(["title"])
    report = validate_table(articles, table)

    assert not report.table_ok
    assert report.table_errors == (
        "articles: missing column(s): title",
        "articles: expect_table_columns_to_match_ordered_list failed",
    )
    # Row checks on the missing column are not run; the others still are.
    title = [o for o in report.outcomes if o.column == "title"]
    assert [(o.success, o.unexpected_count) for o in title] == [(False, 0)]
    assert [f.reason for f in report.row_failures] == ["validate_between"]


def test_extra_column(articles: TableSchema) -> None:
    table = _table(articles, [_article()]).append_column("summary", pa.array(["x"]))
    report = validate_table(articles, table)

    assert not report.table_ok
    assert report.table_errors == (
        "articles: unexpected column(s): summary",
        "articles: expect_table_columns_to_match_ordered_list failed",
    )
    assert report.outcomes[0].success is False
    assert all(o.success for o in report.outcomes[1:])


def test_swapped_columns(articles: TableSchema) -> None:
    names = articles.column_names
    swapped = [names[1], names[0], *names[2:]]
    report = validate_table(articles, _table(articles, [_article()]).select(swapped))

    assert not report.table_ok
    assert report.table_errors[0].startswith(
        "articles: columns out of order: expected [article_id, source_uri, raw_sha256,"
    )
    assert "got [source_uri, article_id, raw_sha256," in report.table_errors[0]
    assert report.table_errors[1] == "articles: expect_table_columns_to_match_ordered_list failed"
    assert report.row_failures == ()


@pytest.mark.parametrize(
    ("column", "type_", "error"),
    [
        ("word_count", pa.string(), "articles.word_count: type string, expected int64"),
        ("word_count", pa.float64(), "articles.word_count: type double, expected int64"),
        ("title", pa.large_string(), "articles.title: type large_string, expected string"),
        ("published_date", pa.string(),
         "articles.published_date: type string, expected date32[day]"),
    ],
)
def test_wrong_type(articles: TableSchema, column: str, type_: pa.DataType, error: str) -> None:
    table = _retype(_table(articles, [_article(), _full_article()]), column, type_)
    report = validate_table(articles, table)

    assert not report.table_ok
    assert report.table_errors == (error,)
    assert report.outcomes[0].success  # the names and order are right
    skipped = [o for o in report.outcomes if o.column == column]
    assert all(not o.success and o.unexpected_count == 0 for o in skipped)


def test_wrong_type_still_reports_other_rows(articles: TableSchema) -> None:
    table = _retype(_table(articles, [_article(), _article(language="EN")]), "word_count",
                    pa.string())
    report = validate_table(articles, table)

    assert not report.table_ok
    assert [(f.row_index, f.reason) for f in report.row_failures] == [
        (0, "validate_unique"), (1, "validate_pattern"), (1, "validate_unique"),
    ]


def test_nullability_and_field_metadata_are_ignored(articles: TableSchema) -> None:
    loose = pa.schema([pa.field(f.name, f.type) for f in articles.arrow_schema()])
    report = validate_table(articles, pa.Table.from_pylist([_article()], schema=loose))

    assert report.table_ok


def test_duplicated_column(articles: TableSchema) -> None:
    table = _table(articles, [_article()])
    duplicated = pa.Table.from_arrays([*table.columns, table["body"]],
                                      names=[*table.column_names, "body"])
    report = validate_table(articles, duplicated)

    assert not report.table_ok
    assert "articles: duplicated column(s): body" in report.table_errors
    assert all(not o.success for o in report.outcomes if o.column == "body")


def test_table_without_columns(articles: TableSchema) -> None:
    report = validate_table(articles, pa.table({}))

    assert not report.table_ok
    assert report.row_count == 0
    assert report.table_errors[0] == (
        f"articles: missing column(s): {', '.join(articles.column_names)}"
    )
    assert report.row_failures == ()


def test_expectation_that_errors_makes_the_table_fail() -> None:
    """A constraint GX cannot evaluate (a minimum on a string column) is reported, not raised."""
    schema = parse_table_schema({"name": "odd", "fields": [
        {"name": "s", "type": "string", "constraints": {"minimum": 1}}]})
    report = validate_table(schema, pa.table({"s": ["a", "b"]}))

    assert not report.table_ok
    (error,) = report.table_errors
    assert error.startswith("odd.s: expect_column_values_to_be_between raised an error: ")
    assert report.outcomes[1] == ExpectationOutcome(
        "expect_column_values_to_be_between", "s", "row", False, 0
    )
    assert report.row_failures == ()


def test_invalid_suite_entry_makes_the_table_fail() -> None:
    """`minimum: null` yields a range with no bounds, which GX refuses to build."""
    schema = parse_table_schema({"name": "odd", "fields": [
        {"name": "n", "type": "integer", "constraints": {"minimum": None}}]})
    report = validate_table(schema, pa.table({"n": [1, -1]}))

    assert not report.table_ok
    (error,) = report.table_errors
    assert error.startswith("odd.n: expect_column_values_to_be_between is invalid: ")
    assert "min_value and max_value cannot both be None" in error
    assert report.outcomes[1].success is False
    assert report.row_failures == ()


# --- empty tables, determinism, output, concurrency, speed ---------------------------------


@pytest.mark.parametrize("name", ["articles", "boilerplate", "rejected"])
def test_empty_table(name: str) -> None:
    schema = load_schema(name)
    report = validate_table(schema, schema.arrow_schema().empty_table())

    assert report.table_ok
    assert report.row_count == 0
    assert report.row_failures == ()
    assert len(report.outcomes) == len(expectations_for(schema))
    assert all(o.success for o in report.outcomes)


def test_empty_table_with_wrong_columns(boilerplate: TableSchema) -> None:
    table = boilerplate.arrow_schema().empty_table().drop_columns(["rule_id"])
    report = validate_table(boilerplate, table)

    assert not report.table_ok
    assert report.table_errors[0] == "boilerplate: missing column(s): rule_id"


def test_to_dict_is_deterministic_json(articles: TableSchema) -> None:
    table = _table(articles, [_article(), _article(word_count=0, title="")])
    first = validate_table(articles, table).to_dict()
    second = validate_table(articles, table).to_dict()

    assert first == second
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert set(first) == {"table_name", "row_count", "table_ok", "table_errors",
                          "row_failures", "outcomes"}
    assert first["row_failures"][0] == {
        "row_index": 0,
        "reason": "validate_unique",
        "detail": f"articles.article_id: expect_column_values_to_be_unique failed "
                  f"(value '{ARTICLE_ID}')",
    }
    assert len(first["outcomes"]) == len(expectations_for(articles))


def test_report_is_immutable(articles: TableSchema) -> None:
    report = validate_table(articles, _table(articles, [_article()]))

    assert isinstance(report, TableReport)
    with pytest.raises(AttributeError):
        report.table_ok = False  # type: ignore[misc]


def test_prints_and_warns_nothing(
    articles: TableSchema, rejected: TableSchema, capfd: pytest.CaptureFixture[str]
) -> None:
    validate_table(articles, articles.arrow_schema().empty_table())  # imports GX first: it
    # routes warnings to logging on import (logging.captureWarnings), which would hide them here
    assert capfd.readouterr() == ("", "")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validate_table(articles, _table(articles, [_article(word_count=0)]))
        validate_table(articles, pa.table({"x": [1]}))
        # The rejected reason pattern has a group: pandas warns about it unless silenced.
        validate_table(rejected, _table(rejected, [_rejected(reason="Bad")]))

    assert [str(w.message) for w in caught] == []
    assert capfd.readouterr() == ("", "")


def test_concurrent_calls_give_the_same_reports(articles: TableSchema) -> None:
    tables = [_table(articles, [_article(word_count=i)]) for i in range(4)]
    expected = [validate_table(articles, t).to_dict() for t in tables]

    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda t: validate_table(articles, t).to_dict(), tables))

    assert reports == expected
    assert [len(r["row_failures"]) for r in reports] == [1, 0, 0, 0]


def test_the_gx_context_is_built_once_for_every_table(articles: TableSchema) -> None:
    # Speed itself is measured in bench/, not here: this checks the reason validation of
    # small tables is cheap after the first call (GX's context is made once per process).
    from newsfacts import validate

    table = _table(articles, [_article(), _full_article(), _article(article_id="a" + "1" * 16)])
    validate_table(articles, table)
    before = validate._context.cache_info()
    for _ in range(3):
        validate_table(articles, table)
    after = validate._context.cache_info()

    assert after.misses == before.misses and after.hits > before.hits


def test_gx_does_not_fingerprint_the_tables(
    articles: TableSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GX hashes every pandas batch by default, turning each Arrow column into Python objects
    (4-5x the table); `validate.skip_batch_fingerprints` turns that off."""
    hashed: list[int] = []
    real = pd.util.hash_pandas_object

    def counting(obj: Any, *args: Any, **kwargs: Any) -> Any:
        hashed.append(len(obj))
        return real(obj, *args, **kwargs)

    monkeypatch.setattr(pd.util, "hash_pandas_object", counting)
    report = validate_table(articles, _table(articles, [_article(), _full_article()]))
    assert report.table_ok and not report.row_failures
    assert hashed == []


def test_importing_the_module_does_not_import_great_expectations() -> None:
    code = "import sys, newsfacts.validate; print('great_expectations' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONPATH": str(SRC)})

    assert result.stdout.strip() == "False"
