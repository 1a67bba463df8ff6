"""Per-article limits: how large one input may be and how long one article may take.

The defaults suit news: the longest page of the dev corpora is 257 KB of text and 1.5 MB of
HTML. Each can be changed with an environment variable (read when a build reads or
processes articles, so it reaches Prefect tasks and Dask workers started from that
environment); `run.json` records the values a release was built with.
"""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, fields

# Environment variable of each limit.
ENVIRONMENT = {
    "max_article_bytes": "NEWSFACTS_MAX_ARTICLE_BYTES",
    "max_html_bytes": "NEWSFACTS_MAX_HTML_BYTES",
    "article_seconds": "NEWSFACTS_ARTICLE_SECONDS",
}


@dataclass(frozen=True, slots=True)
class Limits:
    """What one article may cost.

    `max_article_bytes`: a text file or a JSONL line longer than this is `ingest_too_large`.
    `max_html_bytes`: an HTML page (file, WARC payload, fetched page; after gunzip) longer
    than this is `ingest_too_large`.
    `article_seconds`: the deadline of an article processed in the isolated worker
    (isolation.py: long texts and large pages); past it the article is stopped and rejected
    (`ingest_timeout`, `clean_timeout`, `extract_timeout`), the batch goes on.
    """

    max_article_bytes: int = 1_000_000
    max_html_bytes: int = 10_000_000
    article_seconds: float = 120.0

    def as_settings(self) -> dict[str, float | int]:
        """The limits as recorded in run.json."""
        return asdict(self)


class LimitsError(ValueError):
    """A limit set in the environment that is not a positive number."""


def parse_limit(name: str, value: str, kind: type) -> float | int:
    """A positive int or float from an environment value, or LimitsError naming it."""
    try:
        number = kind(value.replace("_", ""))
    except ValueError:
        raise LimitsError(f"{ENVIRONMENT[name]}={value!r}: not a number") from None
    if not number > 0 or not math.isfinite(number):
        raise LimitsError(f"{ENVIRONMENT[name]}={value!r}: must be a positive number")
    return number


def current_limits() -> Limits:
    """The defaults, overridden by any limit set in the environment."""
    values: dict[str, float | int] = {}
    for item in fields(Limits):
        value = os.environ.get(ENVIRONMENT[item.name])
        if value:
            kind = int if item.type in ("int", int) else float
            values[item.name] = parse_limit(item.name, value, kind)
    return Limits(**values)  # type: ignore[arg-type]
