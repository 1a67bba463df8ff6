"""The publish root's catalog: `catalog.json` (schema.org DataCatalog) and a static `index.html`.

Both list every release of every dataset under the root with each file's size, sha256, format
and a link relative to the root, so the folder works from any static web host. They are a pure
function of the files on disk (no timestamps): rebuilding gives the same bytes. Writers hold
`release.folder_lock` on the root, so the last one to write has seen every release placed
before it.
"""

from __future__ import annotations

import base64
import csv
import hashlib
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
    fsync_path,
    kill_point,
    latest_version,
    list_versions,
    release_files,
)

CATALOG_FILE = "catalog.json"
INDEX_FILE = "index.html"
PREVIEW_ROWS = 5
PREVIEW_COLUMNS = 5  # of a table not named below: its first columns
# The columns a person reads first, per table (CSV file stem); the CSV has them all.
PREVIEW_CHOICE = {
    "articles": ("title", "published_date", "dateline_place", "dateline_country", "site"),
    "entities": ("name", "entity_type", "country", "role", "mention_count"),
    "mentions": ("text", "entity_type", "article_id", "start_char", "end_char"),
    "quotes": ("speaker_text", "cue", "text", "kind", "article_id"),
    "events": ("event_type", "actor1_text", "actor2_text", "mode", "event_date"),
    "dyads": ("source_country", "target_country", "event_type", "month", "event_count"),
    "rejected": ("source_uri", "stage", "reason", "detail", "table_name"),
}
PREVIEW_CELL_CHARS = 80
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
CATALOG_NAME = "newsfacts datasets"
CATALOG_DESCRIPTION = ("Every release of every dataset in this folder, with sizes, sha256 "
                       "checksums and links relative to this file.")
SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                "\u2028": "\\u2028", "\u2029": "\\u2029"})
EXTRA_MEDIA_TYPES = {"": "text/plain", ".txt": "text/plain"}
# schema.org properties of a release's Dataset description (croissant.json) the catalog repeats
ABOUT_KEYS = ("alternateName", "description", "url", "license", "creator", "keywords",
              "isAccessibleForFree", "temporalCoverage", "spatialCoverage")
OWN_KEYS = ("path", "isLatest")  # plain keys of catalog.json, left out of the page's JSON-LD


@dataclass(frozen=True, slots=True)
class CatalogFile:
    """One file of a release as the catalog lists it (path relative to the publish root)."""

    name: str
    path: str
    bytes: int
    sha256: str
    media_type: str
    description: str | None = None  # what a plot shows (its alt text), from croissant.json


@dataclass(frozen=True, slots=True)
class CatalogRelease:
    """One release of a dataset; `about` holds schema.org properties from its croissant.json."""

    dataset: str
    version: str
    about: dict[str, Any]
    files: tuple[CatalogFile, ...]

    @property
    def title(self) -> str:
        return str(self.about.get("alternateName") or self.dataset)

    @property
    def description(self) -> str:
        return str(self.about.get("description") or "")


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
    """Describe one release folder; hashes come from its SHA256SUMS where listed, what it is
    and what its plots show from its croissant.json."""
    folder = root / dataset / version
    sums = read_checksums(folder)
    described: dict[str, Any] = {}
    croissant = folder / "croissant.json"
    if croissant.is_file():
        described = json.loads(croissant.read_text(encoding="utf-8"))
    notes = {str(f.get("name")): str(f["description"])
             for f in described.get("distribution", []) if f.get("description")}
    files = tuple(  # names are paths in the release: `events/year=2017/part-0.parquet`
        CatalogFile(name, f"{dataset}/{version}/{name}", (folder / name).stat().st_size,
                    sums.get(name) or file_sha256(folder / name), media_type(name),
                    notes.get(name))
        for name in release_files(folder)
    )
    about = {k: described[k] for k in ABOUT_KEYS if k in described}
    return CatalogRelease(dataset, version, about, files)


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


def dataset_node(release: CatalogRelease, is_latest: bool) -> dict[str, Any]:
    """A release as a schema.org Dataset with a DataDownload per file."""
    return {
        "@type": "Dataset",
        "name": release.dataset,
        **release.about,
        "version": release.version,
        "path": f"{release.dataset}/{release.version}/",
        "isLatest": is_latest,
        "distribution": [
            {"@type": "DataDownload", "name": f.name, "contentUrl": f.path,
             "contentSize": f"{f.bytes} B", "encodingFormat": f.media_type, "sha256": f.sha256,
             **({"description": f.description} if f.description else {})}
            for f in release.files
        ],
    }


def catalog_document(releases: list[CatalogRelease], latest: dict[str, str]) -> dict[str, Any]:
    """catalog.json: a schema.org DataCatalog; `latest`, `path` and `isLatest` are our own
    plain keys."""
    return {
        "@context": "https://schema.org/",
        "@type": "DataCatalog",
        "name": CATALOG_NAME,
        "description": CATALOG_DESCRIPTION,
        "latest": dict(sorted(latest.items())),
        "dataset": [dataset_node(r, latest.get(r.dataset) == r.version) for r in releases],
    }


def page_jsonld(releases: list[CatalogRelease], latest: dict[str, str]) -> dict[str, Any]:
    """The JSON-LD embedded in index.html for search engines (Google Dataset Search reads
    schema.org Dataset markup from the page): the catalog with the latest release of each
    dataset, in plain schema.org terms."""
    nodes = [dataset_node(r, True) for r in releases if latest.get(r.dataset) == r.version]
    return {
        "@context": "https://schema.org/",
        "@type": "DataCatalog",
        "name": CATALOG_NAME,
        "description": CATALOG_DESCRIPTION,
        "dataset": [{k: v for k, v in n.items() if k not in OWN_KEYS} for n in nodes],
    }


def script_json(document: dict[str, Any]) -> str:
    """JSON for a `<script type="application/ld+json">` block that no value can close or
    turn into markup: `<`, `>` and `&` are written as JSON escapes (the same JSON value)."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text.translate(SCRIPT_ESCAPES)


def human_size(size: int) -> str:
    """1536 -> `1.5 KiB`."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # unreachable


def short_cell(text: str) -> str:
    """A cell cut to PREVIEW_CELL_CHARS characters."""
    return text if len(text) <= PREVIEW_CELL_CHARS else text[:PREVIEW_CELL_CHARS] + "…"


def csv_preview(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and first rows of a CSV, a few chosen columns wide, cells shortened."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        rows = [row for _, row in zip(range(PREVIEW_ROWS), reader, strict=False)]
    chosen = [header.index(c) for c in PREVIEW_CHOICE.get(path.stem, ()) if c in header]
    keep = chosen or list(range(min(PREVIEW_COLUMNS, len(header))))
    return ([header[i] for i in keep],
            [[short_cell(row[i]) if i < len(row) else "" for i in keep] for row in rows])


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


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, from its IHDR chunk (so the page reserves the space)."""
    with path.open("rb") as handle:
        head = handle.read(24)
    if head[:8] != PNG_SIGNATURE:
        return 0, 0
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def plots_html(root: Path, release: CatalogRelease) -> list[str]:
    """The release's plots (PNG files), each with its description as alt text and caption."""
    e = html.escape
    out = []
    for f in release.files:
        if f.media_type != "image/png":
            continue
        width, height = png_size(root / f.path)
        size = f' width="{width}" height="{height}"' if width and height else ""
        alt = f.description or f.name
        out.append(f'<figure><img src="{e(f.path, quote=True)}" alt="{e(alt, quote=True)}"'
                   f'{size} loading="lazy"><figcaption>{e(alt)}</figcaption></figure>')
    return out


STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;"
    "line-height:1.4}table{border-collapse:collapse;font-size:.85rem}"
    "th,td{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}"
    "code{word-break:break-all;font-size:.75rem}.scroll{overflow-x:auto}"
    "figure{margin:1rem 0}img{max-width:100%;height:auto}"
    "figcaption{font-size:.85rem;color:#444}"
)
# No script may run on the page (it shows text scraped from the web): the policy allows only
# this exact style sheet and images from the same site. The JSON-LD block is data, not script.
CSP = ("default-src 'none'; img-src 'self'; base-uri 'none'; form-action 'none'; "
       "style-src 'sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
       + "'")


def dataset_html(root: Path, own: list[CatalogRelease], latest: str | None) -> list[str]:
    """One dataset's section: its description, plots, a preview and every release."""
    e = html.escape
    newest = next((r for r in own if r.version == latest), own[-1])
    body = [f"<h2>{e(newest.title)}</h2>", f"<p>{e(newest.description)}</p>",
            f'<p><a href="{e(CATALOG_FILE)}">catalog.json</a> lists the same in '
            "machine-readable form.</p>"]
    plots = plots_html(root, newest)
    if plots:
        body += [f"<h2>Plots of {e(newest.dataset)} {e(newest.version)}</h2>", *plots]
    body.append(f"<h2>Preview of {e(newest.dataset)} {e(newest.version)}</h2>")
    body += preview_html(root, newest)
    body.append(f"<h2>Releases of {e(newest.dataset)}</h2>")
    for release in reversed(own):
        body += release_html(release, latest == release.version)
    return body


def index_page(root: Path, releases: list[CatalogRelease], latest: dict[str, str]) -> str:
    """index.html: static, self-contained, every value from the data escaped; no script runs,
    and the embedded JSON-LD cannot close its element."""
    body: list[str] = []
    for dataset in sorted({r.dataset for r in releases}):
        body += dataset_html(root, [r for r in releases if r.dataset == dataset],
                             latest.get(dataset))
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(CATALOG_NAME)}</title>",
        f"<style>{STYLE}</style>",
        '<script type="application/ld+json">',
        script_json(page_jsonld(releases, latest)),
        "</script></head><body>",
        f"<h1>{html.escape(CATALOG_NAME)}</h1>",
        *(body or ["<p>No releases yet.</p>"]),
        "</body></html>",
        "",
    ])


def write_atomic(path: Path, text: str) -> None:
    """Write a file to a temporary name beside it, fsync it, then os.replace it into place."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        kill_point("catalog")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_catalog(root: Path) -> list[CatalogRelease]:
    """Rebuild catalog.json and index.html at the publish root; returns what they list.
    Temporary files left by a writer that was killed are removed first, so call it holding
    `folder_lock(root)` (pipeline.publish and the `catalog` command do)."""
    for stale in (*root.glob(f".{CATALOG_FILE}.*"), *root.glob(f".{INDEX_FILE}.*")):
        stale.unlink()
    releases, latest = scan_root(root)
    document = catalog_document(releases, latest)
    write_atomic(root / CATALOG_FILE, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    write_atomic(root / INDEX_FILE, index_page(root, releases, latest))
    fsync_path(root)
    return releases
