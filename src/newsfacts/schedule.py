"""Scheduled sources: the `[[source]]` tables of sources.toml (name, kind, location, cron)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CONFIG = Path("sources.toml")
REQUIRED_KEYS = ("name", "kind", "location", "schedule")
# Five cron fields of digits, names (MON, JAN), `*`, `,`, `-` and `/`; Prefect checks the rest.
CRON_FIELD = re.compile(r"^[0-9A-Za-z*,/-]+$")


class SourcesError(ValueError):
    """sources.toml cannot be read or one of its sources is malformed."""


@dataclass(frozen=True, slots=True)
class ScheduledSource:
    """One source of sources.toml; `location` is resolved against the file's folder."""

    name: str
    kind: str
    location: Path
    schedule: str  # cron, five fields, evaluated in UTC


def is_cron(expression: str) -> bool:
    """True when `expression` has the shape of a five-field cron string."""
    fields = expression.split()
    return len(fields) == 5 and all(CRON_FIELD.match(f) for f in fields)


def parse_source(entry: object, base: Path, where: str) -> ScheduledSource:
    """One `[[source]]` table as a ScheduledSource, or SourcesError naming what is wrong."""
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: expected a [[source]] table")
    missing = [key for key in REQUIRED_KEYS if key not in entry]
    if missing:
        raise SourcesError(f"{where}: missing {', '.join(missing)}")
    for key in REQUIRED_KEYS:
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise SourcesError(f"{where}: {key} must be a non-empty string")
    if not is_cron(entry["schedule"]):
        raise SourcesError(f"{where}: schedule {entry['schedule']!r} is not a five-field cron "
                           "string (e.g. \"0 6 * * *\")")
    return ScheduledSource(name=entry["name"], kind=entry["kind"],
                           location=base / entry["location"], schedule=entry["schedule"])


def load_sources(config: Path) -> list[ScheduledSource]:
    """Every source of a sources.toml file, in file order; names must be unique."""
    try:
        document = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SourcesError(f"{config}: {error}") from None
    entries = document.get("source", [])
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{config}: no [[source]] tables")
    base = config.resolve().parent
    sources = [parse_source(entry, base, f"{config} source {number}")
               for number, entry in enumerate(entries, start=1)]
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise SourcesError(f"{config}: duplicate source names: {', '.join(duplicates)}")
    return sources
