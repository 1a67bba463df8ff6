"""The sources config (`sources.toml`): each source's name, kind, location and schedule.

    default = "seeds"          # built when no source is named
    store = "store"            # the raw store: everything fetched, content-addressed

    [fetch]                    # optional: FetchSettings fields (fetch/client.py)
    min_interval_seconds = 1.0

    [sources.seeds]
    kind = "folder"            # folder | jsonl | warc | feed
    location = "seeds"         # a path (relative to this file) or, for a feed, its URL
    schedule = "0 6 * * *"     # cron, for scheduled runs (optional)
    description = "..."        # optional

Any problem is a SourcesError whose message names the file and, where it can, the line.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from newsfacts.cron import cron_problem
from newsfacts.fetch.client import FetchSettings
from newsfacts.ingest.meta import http_url

SourceKind = Literal["folder", "jsonl", "warc", "feed"]
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
SOURCES_FILE = Path("sources.toml")
DEFAULT_STORE = "store"
TOP_KEYS = ("default", "store", "fetch", "sources")
SOURCE_KEYS = ("kind", "location", "schedule", "description")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # also a CLI argument and deployment name
# File sources named by a path: the kind follows from the name's ending.
FILE_KINDS: tuple[tuple[tuple[str, ...], SourceKind], ...] = (
    ((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"), "jsonl"),
    ((".warc", ".warc.gz"), "warc"),
)
TOML_LINE = re.compile(r"at line (\d+)")


class SourcesError(ValueError):
    """A sources config, or a source named on the command line, that cannot be used."""


@dataclass(frozen=True, slots=True)
class Source:
    """One source: where its articles come from and how to read them.

    `location` is as written; `path` is where it is on disk (file kinds), `store` the raw
    store a feed is fetched into.
    """

    name: str
    kind: SourceKind
    location: str
    path: Path | None = None
    schedule: str | None = None
    description: str | None = None
    store: Path | None = None
    fetch: FetchSettings = field(default_factory=FetchSettings)


@dataclass(frozen=True, slots=True)
class SourcesConfig:
    """A whole sources file."""

    path: Path
    default: str | None
    store: Path
    fetch: FetchSettings
    sources: dict[str, Source]


# ------------------------------------------------------------------ locating lines


def table_pattern(table: str) -> re.Pattern[str]:
    """A `[table]` header line; `table` may be dotted (`sources.seeds`), parts quoted or not."""
    parts = [rf"""(?:{re.escape(p)}|"{re.escape(p)}"|'{re.escape(p)}')""" for p in table.split(".")]
    return re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(parts) + r"\s*\]\s*(?:#.*)?$")


def line_of(text: str, table: str | None, key: str | None = None) -> int | None:
    """1-based line of `[table]`, of `key = ...` inside it, or of a top-level `key = ...`
    (table None); None when it is written some other way (dotted keys, inline tables)."""
    lines = text.splitlines()
    start = 0
    if table is not None:
        header = table_pattern(table)
        found = next((i for i, line in enumerate(lines) if header.match(line)), None)
        if found is None or key is None:
            return None if found is None else found + 1
        start = found + 1
    if key is None:
        return None
    key_line = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}")\s*=""")
    for number in range(start, len(lines)):
        if lines[number].lstrip().startswith("["):
            return None
        if key_line.match(lines[number]):
            return number + 1
    return None


class Problems:
    """Builds SourcesErrors that name the file and line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def error(self, message: str, table: str | None = None, key: str | None = None
              ) -> SourcesError:
        line = line_of(self.text, table, key) if (table or key) else None
        if line is None and key is not None and table is not None:
            line = line_of(self.text, table)
        where = f"{self.path}:{line}" if line else str(self.path)
        return SourcesError(f"{where}: {message}")


# ------------------------------------------------------------------ parsing


def parse_fetch(table: object, problems: Problems) -> FetchSettings:
    """FetchSettings from the `[fetch]` table (every key a FetchSettings field)."""
    if table is None:
        return FetchSettings()
    if not isinstance(table, dict):
        raise problems.error("fetch must be a table ([fetch])", key="fetch")
    defaults = FetchSettings()
    known = {f.name for f in dataclasses.fields(FetchSettings)}
    values = {}
    for key, value in table.items():
        if key not in known:
            raise problems.error(f"unknown fetch setting {key!r} (known: "
                                 + ", ".join(sorted(known)) + ")", "fetch", key)
        default = getattr(defaults, key)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if isinstance(default, str):
            ok, wanted = isinstance(value, str) and value.strip() != "", "a non-empty string"
        elif isinstance(default, int):
            ok, wanted = number and isinstance(value, int) and value >= 0, "a whole number >= 0"
        else:
            ok, wanted = number and value >= 0, "a number >= 0"
        if not ok:
            raise problems.error(f"fetch setting {key!r} must be {wanted}, not {value!r}",
                                 "fetch", key)
        if key == "user_agent" and not value.startswith("newsfacts/"):
            raise problems.error("fetch setting 'user_agent' must start with 'newsfacts/', so "
                                 "that sites' robots.txt rules for newsfacts apply", "fetch", key)
        values[key] = float(value) if isinstance(default, float) else value
    return dataclasses.replace(defaults, **values)


def parse_source(name: str, table: object, problems: Problems, base: Path, store: Path,
                 fetch: FetchSettings) -> Source:
    """One `[sources.NAME]` table as a Source."""
    where = f"sources.{name}"
    if not NAME.match(name):
        raise problems.error(f"source name {name!r}: use letters, digits, '_', '.', '-'", where)
    if not isinstance(table, dict):
        raise problems.error(f"source {name!r} must be a table ([sources.{name}])", "sources",
                             name)
    for key in table:
        if key not in SOURCE_KEYS:
            raise problems.error(f"source {name!r}: unknown key {key!r} (known: "
                                 + ", ".join(SOURCE_KEYS) + ")", where, key)
    for key in ("kind", "location"):
        if not isinstance(table.get(key), str) or not table[key].strip():
            raise problems.error(f"source {name!r}: {key!r} is required (a string)", where,
                                 key if key in table else None)
    kind, location = table["kind"], table["location"].strip()
    if kind not in SOURCE_KINDS:
        raise problems.error(f"source {name!r}: unknown kind {kind!r} (one of "
                             + ", ".join(SOURCE_KINDS) + ")", where, "kind")
    if kind == "feed" and http_url(location) is None:
        raise problems.error(f"source {name!r}: a feed's location must be an http(s) URL, "
                             f"not {location!r}", where, "location")
    if kind != "feed" and "://" in location:
        raise problems.error(f"source {name!r}: a {kind} source's location is a path, "
                             f"not {location!r}", where, "location")
    schedule = table.get("schedule")
    if schedule is not None:
        problem = cron_problem(schedule) if isinstance(schedule, str) else "not a string"
        if problem:
            raise problems.error(f"source {name!r}: schedule {schedule!r} is not a cron "
                                 f"string: {problem}", where, "schedule")
    description = table.get("description")
    if description is not None and not isinstance(description, str):
        raise problems.error(f"source {name!r}: description must be a string", where,
                             "description")
    return Source(
        name=name, kind=kind, location=location,
        path=None if kind == "feed" else base / location,
        schedule=schedule, description=description,
        store=store if kind == "feed" else None, fetch=fetch,
    )


def parse_sources(text: str, path: Path) -> SourcesConfig:
    """A SourcesConfig from the text of a sources file at `path`."""
    problems = Problems(path, text)
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = TOML_LINE.search(str(exc))
        where = f"{path}:{found.group(1)}" if found else str(path)
        raise SourcesError(f"{where}: not valid TOML: {exc}") from None
    for key in data:
        if key not in TOP_KEYS:
            raise problems.error(f"unknown key {key!r} (known: " + ", ".join(TOP_KEYS) + ")",
                                 key=key, table=key if isinstance(data[key], dict) else None)
    store_value = data.get("store", DEFAULT_STORE)
    if not isinstance(store_value, str) or not store_value.strip():
        raise problems.error("store must be a path (a string)", key="store")
    base = path.parent
    store = base / store_value
    fetch = parse_fetch(data.get("fetch"), problems)
    tables = data.get("sources")
    if not isinstance(tables, dict) or not tables:
        raise problems.error("no sources: add a [sources.NAME] table with kind and location")
    sources = {name: parse_source(name, table, problems, base, store, fetch)
               for name, table in tables.items()}
    default = data.get("default")
    if default is not None and default not in sources:
        raise problems.error(f"default {default!r} is not one of the sources ("
                             + ", ".join(sources) + ")", key="default")
    return SourcesConfig(path=path, default=default, store=store, fetch=fetch, sources=sources)


def load_sources(path: Path = SOURCES_FILE) -> SourcesConfig:
    """Read and check a sources file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(f"{path}: no such sources file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{path}: cannot be read: {exc}") from None
    return parse_sources(text, path)


# ------------------------------------------------------------------ naming a source


def path_source(path: Path) -> Source:
    """A source named by its path: a folder, a JSONL file or a WARC file."""
    if path.is_dir():
        return Source(name=path.resolve().name, kind="folder", location=str(path), path=path)
    if path.is_file():
        for suffixes, kind in FILE_KINDS:
            if path.name.lower().endswith(suffixes):
                return Source(name=path.name, kind=kind, location=str(path), path=path)
    raise SourcesError(f"not a folder, a .jsonl or a .warc file: {path}")


def resolve_source(spec: str | Path, sources_file: Path | None = None) -> Source:
    """The source `spec` names: a source of the sources file (`sources_file`, or
    ./sources.toml when it exists), else a path to a folder, .jsonl or .warc file."""
    if sources_file is not None or SOURCES_FILE.is_file():
        config = load_sources(sources_file or SOURCES_FILE)
        if str(spec) in config.sources:
            return config.sources[str(spec)]
        try:
            return path_source(Path(spec))
        except SourcesError:
            raise SourcesError(f"not a folder, a .jsonl or a .warc file, nor a source in "
                               f"{config.path}: {spec}") from None
    return path_source(Path(spec))


def as_source(source: Source | Path) -> Source:
    """A Source as it is, or the source a path names."""
    return source if isinstance(source, Source) else path_source(source)
