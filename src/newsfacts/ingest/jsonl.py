"""JSONL source: one article per line, in the shapes news-please and trafilatura write.

news-please: `title`, `maintext`, `date_publish`, `url`, `authors` (a list), `source_domain`,
`language`. trafilatura (`output_format="json"`): `title`, `text` / `raw_text`, `date`,
`source` or `url`, `author` ("A; B"), `sitename` / `hostname`, `language`. A line that
cannot be read becomes a Rejection naming `file:line`; the rest of the file goes on.
"""

from __future__ import annotations

import codecs
import gzip
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from newsfacts.ids import make_article_id, sha256_hex
from newsfacts.ingest.decode import DecodeError
from newsfacts.ingest.html import starts_with_title
from newsfacts.ingest.meta import make_meta
from newsfacts.ingest.paths import file_label, list_source_files
from newsfacts.limits import current_limits
from newsfacts.records import RawArticle, Rejection, SourceMeta

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
# Main text, in order of preference: news-please, trafilatura (as configured), trafilatura plain.
TEXT_FIELDS = ("maintext", "text", "raw_text")
URL_FIELDS = ("url", "source")  # trafilatura's JSON puts the page URL in `source`
DATE_FIELDS = ("date_publish", "date")
AUTHOR_FIELDS = ("authors", "author")
SITE_FIELDS = ("source_domain", "sitename", "hostname")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
SKIP_CHUNK = 1 << 20  # how much of an over-long line is read at a time while skipping it


def first_present(record: dict[str, Any], fields: tuple[str, ...]) -> object:
    """The value of the first of `fields` that the record has and is not empty."""
    for name in fields:
        value = record.get(name)
        if value not in (None, "", []):
            return value
    return None


def record_meta(record: dict[str, Any]) -> SourceMeta:
    """What a news-please or trafilatura record says besides the text."""
    return make_meta(
        url=first_present(record, URL_FIELDS),
        title=record.get("title"),
        published=first_present(record, DATE_FIELDS),
        authors=first_present(record, AUTHOR_FIELDS),
        site=first_present(record, SITE_FIELDS),
        language=record.get("language"),
    )


def record_text(record: dict[str, Any]) -> str:
    """The record's main text, or DecodeError saying why there is none."""
    for name in TEXT_FIELDS:
        value = record.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise DecodeError("ingest_bad_record",
                              f"field {name!r} is a JSON {json_kind(value)}, not a string")
        if "\x00" in value:
            raise DecodeError("ingest_binary", f"field {name!r} contains NUL characters")
        if value.strip():
            return value
    raise DecodeError("ingest_no_text",
                      "no article text: none of " + ", ".join(TEXT_FIELDS) + " has any")


def article_text(title: str | None, body: str) -> str:
    """Title first, then one paragraph per non-blank line, blank lines between: the shape
    of main text cut from HTML (ingest/html.py), which the cleaner expects for `html`."""
    paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
    if title and not starts_with_title(paragraphs[0], title):
        paragraphs.insert(0, title)
    return "\n\n".join(paragraphs)


def without_surrogates(value: object) -> object:
    """A string (or the strings of a list) with each lone surrogate as U+FFFD.

    JSON may escape half of a UTF-16 pair (`"\\ud800"`); Python keeps it as a lone
    surrogate, which no UTF-8 writer (CSV, Parquet) accepts."""
    if isinstance(value, str):
        return LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [without_surrogates(item) for item in value]
    return value


def json_kind(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def parse_record(line: bytes) -> tuple[str, SourceMeta]:
    """(article text, metadata) of one JSONL line, or DecodeError saying what is wrong."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError("ingest_not_utf8",
                          f"not valid UTF-8: byte 0x{line[exc.start]:02x} at column "
                          f"{exc.start + 1}") from None
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DecodeError("ingest_bad_json",
                          f"invalid JSON at column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise DecodeError("ingest_bad_json", "invalid JSON: nested too deeply") from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise DecodeError("ingest_bad_json", f"unreadable JSON: {exc}") from None
    if not isinstance(record, dict):
        raise DecodeError("ingest_bad_record",
                          f"a JSON {json_kind(record)}, not an object (one article per line)")
    record = {key: without_surrogates(value) for key, value in record.items()}
    meta = record_meta(record)
    return article_text(meta.title, record_text(record)), meta


def item_from_line(label: str, line_no: int, line: bytes) -> RawArticle | Rejection:
    """A RawArticle (identified by its URL when it has one) or a Rejection for one line."""
    where = f"{label}:{line_no}"
    raw_sha256 = sha256_hex(line)
    try:
        text, meta = parse_record(line)
    except DecodeError as err:
        return Rejection(where, make_article_id(where, raw_sha256), raw_sha256, "ingest",
                         err.reason, f"{where}: {err.detail}")
    except Exception as exc:  # an odd record must not stop the file
        return Rejection(where, make_article_id(where, raw_sha256), raw_sha256, "ingest",
                         "ingest_error", f"{where}: {type(exc).__name__}: {exc}")
    source_uri = meta.url or where
    return RawArticle(make_article_id(source_uri, raw_sha256), source_uri, raw_sha256, text,
                      "html", meta)


def iter_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line without its end) per line; None for a line over `limit` bytes,
    which is skipped without being held in memory."""
    line_no = 0
    while line := handle.readline(limit + 1):
        line_no += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(SKIP_CHUNK)
            yield line_no, None
        else:
            yield line_no, line.rstrip(b"\r\n")


def read_jsonl_file(path: Path, label: str) -> Iterator[RawArticle | Rejection]:
    """Every line of one JSONL file (gzip by name); a broken file ends with a Rejection
    after the lines read before the break."""
    compressed = path.name.lower().endswith(".gz")
    limit = current_limits().max_article_bytes
    line_no = 0
    try:
        with (gzip.open(path, "rb") if compressed else path.open("rb")) as handle:
            for line_no, line in iter_lines(handle, limit):
                if line is None:
                    yield Rejection(f"{label}:{line_no}", None, None, "ingest", "ingest_too_large",
                                    f"{label}:{line_no}: line over the limit of {limit:,} "
                                    "bytes (NEWSFACTS_MAX_ARTICLE_BYTES)")
                    continue
                if line_no == 1:
                    line = line.removeprefix(codecs.BOM_UTF8)  # Windows tools write one
                if line.strip():
                    yield item_from_line(label, line_no, line)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        reason = "ingest_bad_gzip" if compressed else "ingest_unreadable"
        yield Rejection(f"{label}:{line_no + 1}", None, None, "ingest", reason,
                        f"{label}:{line_no + 1}: {exc}; the {line_no} lines before it were read")


def read_jsonl(location: Path) -> Iterator[RawArticle | Rejection]:
    """Every article of a JSONL file, or of every `.jsonl` / `.jsonl.gz` file under a folder."""
    for path in list_source_files(location, JSONL_SUFFIXES):
        yield from read_jsonl_file(path, file_label(location, path))
