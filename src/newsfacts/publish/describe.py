"""What a release is, for every file that describes it: licences, counts, coverage, files."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from newsfacts.publish.release import file_sha256

NAME = "newsfacts"
TITLE = "newsfacts: facts extracted from news articles"
DESCRIPTION = (
    "News articles turned into linked tables: the clean articles with their datelines and "
    "publication dates, the boilerplate removed from them, the people, organisations and "
    "places they mention, who said what (quotes), the events between actors (CAMEO-style) "
    "and counts of events between countries per month (dyads), plus every input or row "
    "that was rejected and why. Tables as CSV and Parquet, and one schema.org JSON-LD graph."
)
CREATOR = {"@type": "Organization", "name": "newsfacts maintainers"}
HOMEPAGE = "https://w3id.org/newsfacts"
# The licences, stated once here and in README.md's Licence section.
DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
CODE_LICENSE = {
    "name": "Apache-2.0",
    "path": "https://www.apache.org/licenses/LICENSE-2.0",
    "title": "Apache License 2.0",
}
LICENSE_NOTE = (
    "Our annotations (ids, offsets, dates, entities, quote attribution, events, dyads, "
    "metadata) are published under CC BY 4.0. The article texts and headlines themselves "
    "stay under their publishers' copyright: they are included for research and "
    "verification, and reusing them needs the publisher's permission or an exception "
    "such as quotation or text and data mining. The code is Apache-2.0."
)
MEDIA_TYPES = {
    ".csv": "text/csv",
    ".parquet": "application/vnd.apache.parquet",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".html": "text/html",
    ".md": "text/markdown",
    ".png": "image/png",
}


@dataclass(frozen=True, slots=True)
class FileFacts:
    """One file of a release: name, size and SHA-256."""

    name: str
    bytes: int
    sha256: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[Path(self.name).suffix]


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    """Counts and coverage of a release, computed from its tables."""

    version: str
    rows: dict[str, int]
    date_start: dt.date | None
    date_end: dt.date | None
    countries: tuple[str, ...]  # dateline countries, ISO 3166-1 alpha-2, sorted

    @property
    def semver(self) -> str:
        """`v0003` as Croissant's MAJOR.MINOR.PATCH: every release is a new major version."""
        return f"{int(self.version.lstrip('v'))}.0.0"

    @property
    def temporal_coverage(self) -> str | None:
        """ISO 8601 interval of the publication dates, e.g. `2017-07-11/2018-12-31`."""
        if self.date_start is None or self.date_end is None:
            return None
        return f"{self.date_start.isoformat()}/{self.date_end.isoformat()}"


def period_end(date: dt.date, precision: str) -> dt.date:
    """Last day a date of this precision may mean (a year-precision date is 1 January)."""
    if precision == "year":
        return dt.date(date.year, 12, 31)
    if precision == "month":
        return dt.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])
    return date


def release_facts(version: str, tables: dict[str, pa.Table]) -> ReleaseFacts:
    """Counts per table, the span of publication dates and the dateline countries."""
    articles = tables["articles"]
    dated = [
        (d, p)
        for d, p in zip(articles.column("published_date").to_pylist(),
                        articles.column("published_date_precision").to_pylist(), strict=True)
        if d is not None and p != "unknown"
    ]
    countries = {c for c in articles.column("dateline_country").to_pylist() if c}
    return ReleaseFacts(
        version=version,
        rows={name: table.num_rows for name, table in tables.items()},
        date_start=min((d for d, _ in dated), default=None),
        date_end=max((period_end(d, p) for d, p in dated), default=None),
        countries=tuple(sorted(countries)),
    )


def country_name(code: str) -> str:
    """English short name of an ISO 3166-1 alpha-2 code (the code itself if unknown)."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or (country.name if country else code)


def file_facts(folder: Path, names: list[str]) -> list[FileFacts]:
    """Size and hash of the named files of a release folder, in the given order."""
    return [FileFacts(n, (folder / n).stat().st_size, file_sha256(folder / n)) for n in names]
