"""The publish root's catalog: `catalog.json` (schema.org DataCatalog) and a static `index.html`.

Both list every release of every dataset under the root with each file's size, sha256, format
and a link relative to the root, so the folder works from any static web host. They are a pure
function of the files on disk (no timestamps): rebuilding gives the same bytes.
"""

from __future__ import annotations

import csv
import html
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsfacts.publish.describe import MEDIA_TYPES
from newsfacts.publish.release import (
    CHECKSUMS_FILE,
    LATEST_FILE,
    file_sha256,
    latest_version,
    list_versions,
    release_files,
)

CATALOG_FILE = "catalog.json"
INDEX_FILE = "index.html"
PREVIEW_ROWS = 5
PREVIEW_COLUMNS = 5
PREVIEW_CELL_CHARS = 80
EXTRA_MEDIA_TYPES = {"": "text/plain", ".png": "image/png", ".txt": "text/plain"}


@dataclass(frozen=True, slots=True)
class CatalogFile:
    """One file of a release as the catalog lists it (path relative to the publish root)."""

    name: str
    path: str
    bytes: int
    sha256: str
    media_type: str


@dataclass(frozen=True, slots=True)
class CatalogRelease:
    """One release of a dataset."""

    dataset: str
    version: str
    title: str
    description: str
    files: tuple[CatalogFile, ...]


def media_type(name: str) -> str:
    """The IANA media type of a release file, from its suffix."""
    suffix = Path(name).suffix
    return MEDIA_TYPES.get(suffix) or EXTRA_MEDIA_TYPES.get(suffix, "application/octet-stream")


def read_checksums(release: Path) -> dict[str, str]:
    """`SHA256SUMS` of a release as {file name: hex digest} (empty if absent)."""
    path = release / CHECKSUMS_FILE
    if not path.is_file():
        return {}
    pairs = (line.split("  ", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return {name: digest for digest, name in pairs}


def release_entry(root: Path, dataset: str, version: str) -> CatalogRelease:
    """Describe one release folder; hashes come from its SHA256SUMS where listed."""
    folder = root / dataset / version
    sums = read_checksums(folder)
    files = tuple(  # names are paths in the release: `events/year=2017/part-0.parquet`
        CatalogFile(name, f"{dataset}/{version}/{name}", (folder / name).stat().st_size,
                    sums.get(name) or file_sha256(folder / name), media_type(name))
        for name in release_files(folder)
    )
    described: dict[str, Any] = {}
    croissant = folder / "croissant.json"
    if croissant.is_file():
        described = json.loads(croissant.read_text(encoding="utf-8"))
    return CatalogRelease(dataset, version, str(described.get("name") or dataset),
                          str(described.get("description") or ""), files)


def dataset_latest(folder: Path) -> str | None:
    """The latest version of a dataset: the `latest` symlink, else latest.json."""
    version = latest_version(folder)
    if version is None and (folder / LATEST_FILE).is_file():
        version = json.loads((folder / LATEST_FILE).read_text(encoding="utf-8")).get("version")
    return version


def scan_root(root: Path) -> tuple[list[CatalogRelease], dict[str, str]]:
    """Every release under the publish root (by dataset, oldest first) and each latest."""
    releases: list[CatalogRelease] = []
    latest: dict[str, str] = {}
    for folder in sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name):
        versions = list_versions(folder)
        if not versions:
            continue
        releases += [release_entry(root, folder.name, v) for v in versions]
        current = dataset_latest(folder)
        if current in versions:
            latest[folder.name] = current
    return releases, latest


def catalog_document(releases: list[CatalogRelease], latest: dict[str, str]) -> dict[str, Any]:
    """catalog.json: a schema.org DataCatalog; `latest` and `path` are our own plain keys."""
    return {
        "@context": "https://schema.org/",
        "@type": "DataCatalog",
        "name": "newsfacts datasets",
        "description": "Every release of every dataset in this folder, with sizes, sha256 "
                       "checksums and links relative to this file.",
        "latest": dict(sorted(latest.items())),
        "dataset": [
            {
                "@type": "Dataset",
                "name": r.dataset,
                "alternateName": r.title,
                "description": r.description,
                "version": r.version,
                "path": f"{r.dataset}/{r.version}/",
                "isLatest": latest.get(r.dataset) == r.version,
                "distribution": [
                    {"@type": "DataDownload", "name": f.name, "contentUrl": f.path,
                     "contentSize": f"{f.bytes} B", "encodingFormat": f.media_type,
                     "sha256": f.sha256}
                    for f in r.files
                ],
            }
            for r in releases
        ],
    }


def human_size(size: int) -> str:
    """1536 -> `1.5 KiB`."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # unreachable


def csv_preview(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and first rows of a CSV, a few columns wide, cells shortened."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = []
        for index, row in enumerate(csv.reader(handle)):
            if index > PREVIEW_ROWS:
                break
            rows.append([c if len(c) <= PREVIEW_CELL_CHARS else c[:PREVIEW_CELL_CHARS] + "…"
                         for c in row[:PREVIEW_COLUMNS]])
    return (rows[0], rows[1:]) if rows else ([], [])


def preview_html(root: Path, release: CatalogRelease) -> list[str]:
    """One small table per CSV of a release."""
    e = html.escape
    out = []
    for f in release.files:
        if f.media_type != "text/csv":
            continue
        header, rows = csv_preview(root / f.path)
        out.append(f'<h3 id="{e(release.dataset)}-{e(f.name)}">{e(f.name)}</h3>')
        out.append('<div class="scroll"><table><thead><tr>'
                   + "".join(f"<th>{e(c)}</th>" for c in header) + "</tr></thead><tbody>")
        out += ["<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows]
        out.append("</tbody></table></div>")
    return out


def release_html(release: CatalogRelease, is_latest: bool) -> list[str]:
    """A release's heading and its file table with sizes, checksums and links."""
    e = html.escape
    mark = " <strong>(latest)</strong>" if is_latest else ""
    out = [f'<h3 id="{e(release.dataset)}-{e(release.version)}">{e(release.version)}{mark}</h3>',
           '<div class="scroll"><table><thead><tr><th>file</th><th>size</th><th>format</th>'
           "<th>sha256</th></tr></thead><tbody>"]
    out += [
        f'<tr><td><a href="{e(f.path, quote=True)}">{e(f.name)}</a></td>'
        f"<td>{e(human_size(f.bytes))}</td><td>{e(f.media_type)}</td>"
        f"<td><code>{e(f.sha256)}</code></td></tr>"
        for f in release.files
    ]
    out.append("</tbody></table></div>")
    return out


STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;"
    "line-height:1.4}table{border-collapse:collapse;font-size:.85rem}"
    "th,td{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}"
    "code{word-break:break-all;font-size:.75rem}.scroll{overflow-x:auto}"
)


def index_page(root: Path, releases: list[CatalogRelease], latest: dict[str, str]) -> str:
    """index.html: static, self-contained, every value from the data escaped."""
    e = html.escape
    body: list[str] = []
    for dataset in sorted({r.dataset for r in releases}):
        own = [r for r in releases if r.dataset == dataset]
        newest = next((r for r in own if r.version == latest.get(dataset)), own[-1])
        body.append(f"<h2>{e(newest.title)}</h2>")
        body.append(f"<p>{e(newest.description)}</p>")
        body.append(f'<p><a href="{e(CATALOG_FILE)}">catalog.json</a> lists the same in '
                    f"machine-readable form.</p>")
        body.append(f"<h2>Preview of {e(dataset)} {e(newest.version)}</h2>")
        body += preview_html(root, newest)
        body.append(f"<h2>Releases of {e(dataset)}</h2>")
        for release in reversed(own):
            body += release_html(release, latest.get(dataset) == release.version)
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>newsfacts datasets</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>newsfacts datasets</h1>",
        *(body or ["<p>No releases yet.</p>"]),
        "</body></html>",
        "",
    ])


def write_atomic(path: Path, text: str) -> None:
    """Write a file to a temporary name beside it, then os.replace it into place."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_catalog(root: Path) -> list[CatalogRelease]:
    """Rebuild catalog.json and index.html at the publish root; returns what they list."""
    releases, latest = scan_root(root)
    document = catalog_document(releases, latest)
    write_atomic(root / CATALOG_FILE,
                 json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    write_atomic(root / INDEX_FILE, index_page(root, releases, latest))
    return releases
