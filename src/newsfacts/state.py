"""The state of incremental builds: one SQLite file holding every article's processed result.

Per article (key `article_id`, itself a hash of the source identity and the raw bytes): its
source, `raw_sha256`, the hash of its source metadata (`meta_sha256`: a feed entry's title
or date is not in the page's raw bytes), the `pipeline_version` that processed it
(`fingerprint.py`) and its part of the BatchResult (article row, boilerplate, rejections,
mentions, entity facts, quotes, events) as zlib-compressed JSON: each record a JSON array
of its fields in dataclass order, dates as ISO strings. `runs` logs every finished build
(what it published, counts), which is what lets an unchanged rerun stop early. Writes
commit per call, so a crash loses at most the batch being written.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
import types
import typing
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from newsfacts import records
from newsfacts.records import BatchResult

# Bump when the tables or the result encoding change: an older state is then emptied.
STATE_FORMAT = "2"  # 2: meta_sha256; articles gained *_source columns
STATE_DIR = ".state"
STATE_FILE = "newsfacts.sqlite"
CHUNK = 500  # ids per `IN (...)` query (SQLite allows 32,766 parameters; stay far below)

CREATE_TABLES = """
create table if not exists meta (key text primary key, value text not null);
create table if not exists articles (
    article_id text primary key,
    source_uri text not null,
    raw_sha256 text not null,
    meta_sha256 text,
    pipeline_version text not null,
    result blob not null
);
create table if not exists runs (
    run_no integer primary key,
    dataset text not null,
    version text not null,
    release_key text not null,
    checksums_sha256 text not null,
    articles_in integer not null,
    processed integer not null,
    reused integer not null,
    removed integer not null,
    full_refresh integer not null
);
"""


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """What the state knows about one article's cached result."""

    raw_sha256: str
    pipeline_version: str
    meta_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One finished build: the release it left as `latest` and what it processed."""

    dataset: str
    version: str
    release_key: str
    checksums_sha256: str
    articles_in: int
    processed: int
    reused: int
    removed: int
    full_refresh: bool


def default_state_path(out_root: Path) -> Path:
    """`<publish root>/.state/newsfacts.sqlite` (hidden: `serve-datasets` does not serve it)."""
    return out_root / STATE_DIR / STATE_FILE


class BuildState:
    """The state file, open; use as a context manager (closes the connection)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, timeout=120)
        self.db.execute("pragma synchronous = normal")
        self.db.executescript(CREATE_TABLES)
        found = self.db.execute("select value from meta where key = 'format'").fetchone()
        if found is None or found[0] != STATE_FORMAT:
            with self.db:
                self.db.execute("delete from articles")
                self.db.execute("delete from runs")
                self.db.execute("insert or replace into meta values ('format', ?)",
                                (STATE_FORMAT,))

    def __enter__(self) -> BuildState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.db.close()

    def stored(self) -> dict[str, StoredArticle]:
        """Every cached article's raw hash, pipeline version and metadata hash, by article id."""
        rows = self.db.execute(
            "select article_id, raw_sha256, pipeline_version, meta_sha256 from articles")
        return {aid: StoredArticle(sha, version, meta) for aid, sha, version, meta in rows}

    def stored_ids(self) -> set[str]:
        """The ids of every cached article."""
        return {aid for (aid,) in self.db.execute("select article_id from articles")}

    def save(self, entries: Iterable[tuple[str, str, str, str | None, str, bytes]]) -> None:
        """Store (article_id, source_uri, raw_sha256, meta_sha256, pipeline_version, result)
        rows; commit."""
        with self.db:
            self.db.executemany(
                "insert or replace into articles (article_id, source_uri, raw_sha256, "
                "meta_sha256, pipeline_version, result) values (?, ?, ?, ?, ?, ?)", entries)

    def load(self, article_ids: Sequence[str]) -> dict[str, bytes]:
        """The stored results of these articles (those the state has), by article id."""
        found: dict[str, bytes] = {}
        for i in range(0, len(article_ids), CHUNK):
            chunk = article_ids[i : i + CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(self.db.execute(
                f"select article_id, result from articles where article_id in ({marks})", chunk))
        return found

    def prune(self, keep: Iterable[str]) -> int:
        """Forget every article not in `keep`; returns how many were forgotten."""
        with self.db:
            self.db.execute("create temp table if not exists keep (article_id text primary key)")
            self.db.execute("delete from keep")
            self.db.executemany("insert or ignore into keep values (?)", ((i,) for i in keep))
            removed = self.db.execute(
                "delete from articles where article_id not in (select article_id from keep)"
            ).rowcount
            self.db.execute("delete from keep")
        return removed

    def last_run(self, dataset: str) -> RunRecord | None:
        """The most recent finished build of a dataset."""
        names = [f.name for f in fields(RunRecord)]
        row = self.db.execute(f"select {', '.join(names)} from runs where dataset = ? "
                              "order by run_no desc limit 1", (dataset,)).fetchone()
        if row is None:
            return None
        return RunRecord(*row[:-1], full_refresh=bool(row[-1]))

    def record_run(self, run: RunRecord) -> None:
        """Log a finished build; commit."""
        names = [f.name for f in fields(RunRecord)]
        values = [getattr(run, n) for n in names]
        with self.db:
            self.db.execute(f"insert into runs ({', '.join(names)}) "
                            f"values ({', '.join('?' * len(names))})", values)


# ---------------------------------------------------------------- result encoding

# The BatchResult fields and the record type each holds.
RESULT_PARTS: dict[str, type] = {
    "articles": records.Article,
    "boilerplate": records.BoilerplateLine,
    "rejected": records.Rejection,
    "mentions": records.Mention,
    "entity_facts": records.EntityFact,
    "quotes": records.Quote,
    "events": records.Event,
}


def encode_result(result: BatchResult) -> bytes:
    """One article's BatchResult as compressed JSON (records as arrays of their fields)."""
    document = {
        part: [[getattr(r, f.name) for f in fields(kind)] for r in getattr(result, part)]
        for part, kind in RESULT_PARTS.items()
    }
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=_iso_date)
    return zlib.compress(text.encode("utf-8"), 6)


def decode_result(blob: bytes) -> BatchResult:
    """The BatchResult that `encode_result` stored."""
    document = json.loads(zlib.decompress(blob))
    return BatchResult(**{
        part: tuple(_record(kind, values) for values in document[part])
        for part, kind in RESULT_PARTS.items()
    })


def _iso_date(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__}")


# Short strings (ids, types, codes, names) recur in many records; JSON gives each occurrence
# its own copy. One shared copy each (sys.intern) cuts the decoded records of a dataset by
# about a third (79 -> 51 kB per article on the dev quotes corpus, bench/README.md "Scale").
SHARED_STRING_CHARS = 40


def _record(kind: type, values: list[Any]) -> Any:
    converters = field_converters(kind)
    return kind(*(convert(v) if convert and v is not None else _shared(v)
                  for convert, v in zip(converters, values, strict=True)))


def _shared(value: Any) -> Any:
    if isinstance(value, str) and len(value) < SHARED_STRING_CHARS:
        return sys.intern(value)
    return value


@cache
def field_converters(kind: type) -> tuple[Any, ...]:
    """Per field of a record type: how to turn its JSON value back (dates, tuples), or None."""
    hints = typing.get_type_hints(kind)
    return tuple(_converter(hints[f.name]) for f in fields(kind))


def _converter(hint: Any) -> Any:
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    if dt.date in options:
        return dt.date.fromisoformat
    if any(typing.get_origin(o) is tuple for o in options):
        return tuple
    return None
