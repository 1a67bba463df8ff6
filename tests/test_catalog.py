"""The publish root's catalog.json and index.html, the local server, and `newsfacts download`."""

from __future__ import annotations

import csv
import json
import shutil
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsfacts.cli import app
from newsfacts.publish.catalog import write_catalog
from newsfacts.publish.download import DownloadError, fetch_file, safe_relative
from newsfacts.publish.release import file_sha256
from newsfacts.publish.serve import make_server, server_url
from newsfacts.schemas import TABLE_NAMES

EVIL = '<script>alert("x")</script>'


class Links(HTMLParser):
    """Collects the tags, links (href, src) and script elements of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.script_text: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [v for k, v in attrs if k in ("href", "src") and v]
        if tag == "script":
            self.scripts.append(dict(attrs))
            self.in_script = True

    def handle_endtag(self, tag: str) -> None:
        self.in_script = self.in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.script_text.append(data)


@pytest.fixture
def root(seed_release: Path, tmp_path: Path) -> Path:
    """A private copy of the seeds publish root (tests may corrupt it)."""
    copy = tmp_path / "datasets"
    shutil.copytree(seed_release, copy, symlinks=True)
    return copy


@pytest.fixture
def served(root: Path) -> Iterator[tuple[Path, str]]:
    server = make_server(root, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, server_url(server)
    finally:
        server.shutdown()
        server.server_close()


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}),
                                timeout=10) as response:
        return response.status, response.read()


# ---------------------------------------------------------------- catalog.json + index.html


def test_the_build_writes_the_catalog_with_every_file(seed_release: Path) -> None:
    catalog = json.loads((seed_release / "catalog.json").read_text())
    assert catalog["@type"] == "DataCatalog" and catalog["latest"] == {"newsfacts": "v0001"}
    (entry,) = catalog["dataset"]
    assert (entry["name"], entry["version"], entry["isLatest"]) == ("newsfacts", "v0001", True)
    release = seed_release / "newsfacts" / "v0001"
    listed = {f["name"]: f for f in entry["distribution"]}
    assert set(listed) == {p.name for p in release.iterdir()}
    for name, item in listed.items():
        assert item["contentUrl"] == f"newsfacts/v0001/{name}"
        assert item["sha256"] == file_sha256(release / name)
        assert item["contentSize"] == f"{(release / name).stat().st_size} B"
        assert item["encodingFormat"]
    assert listed["articles.csv"]["encodingFormat"] == "text/csv"


def test_catalog_is_deterministic_and_rebuilt_by_the_command(root: Path) -> None:
    before = {n: (root / n).read_bytes() for n in ("catalog.json", "index.html")}
    (root / "catalog.json").unlink()
    result = CliRunner().invoke(app, ["catalog", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert {n: (root / n).read_bytes() for n in before} == before
    # no temporary files left; `.state/` is the incremental builds' state (never served)
    assert not [p for p in root.iterdir() if p.name.startswith(".") and p.name != ".state"]


def test_index_page_is_static_with_previews_and_links(root: Path) -> None:
    page = (root / "index.html").read_text()
    parser = Links()
    parser.feed(page)
    # the one script element is the JSON-LD data block; the policy lets no script run
    assert parser.scripts == [{"type": "application/ld+json"}]
    assert "default-src 'none'" in page and "script-src" not in page
    assert 'name="viewport"' in page
    for href in parser.hrefs:  # every link and image is a file of the root: no external asset
        assert (root / href).is_file(), href
    for name in TABLE_NAMES:
        assert f'id="newsfacts-{name}.csv"' in page
    assert "Maduro and Putin Talk Cooperation via Telephone" in page  # the articles preview
    for plot in ("plot_articles_over_time", "plot_top_entities", "plot_country_network"):
        assert f'src="newsfacts/v0001/{plot}.png"' in page


def test_page_embeds_the_latest_release_as_schema_org_json_ld(root: Path) -> None:
    parser = Links()
    parser.feed((root / "index.html").read_text())
    embedded = json.loads("".join(parser.script_text))
    catalog = json.loads((root / "catalog.json").read_text())
    assert embedded["@type"] == "DataCatalog"
    (dataset,) = embedded["dataset"]
    (listed,) = catalog["dataset"]
    assert dataset == {k: v for k, v in listed.items() if k not in ("path", "isLatest")}
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["temporalCoverage"] == "2017-07-11/2018-12-31"
    assert {d["encodingFormat"] for d in dataset["distribution"]} >= {
        "text/csv", "application/vnd.apache.parquet", "image/png"}


def test_a_title_with_a_script_tag_stays_text(root: Path) -> None:
    release = root / "newsfacts" / "v0001"
    croissant = json.loads((release / "croissant.json").read_text())
    croissant["alternateName"] = EVIL
    (release / "croissant.json").write_text(json.dumps(croissant))
    csv_path = release / "articles.csv"
    lines = csv_path.read_text().splitlines(keepends=True)
    header = next(csv.reader(lines[:1]))
    cells = ['"' + EVIL.replace('"', '""') + '"' if c == "title" else "x" for c in header]
    csv_path.write_text(lines[0] + ",".join(cells) + "\r\n")
    write_catalog(root)
    page = (root / "index.html").read_text()
    parser = Links()
    parser.feed(page)
    assert parser.scripts == [{"type": "application/ld+json"}] and page.count("<script") == 1
    assert page.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 2
    embedded = json.loads("".join(parser.script_text))  # the JSON-LD keeps the exact text
    assert embedded["dataset"][0]["alternateName"] == EVIL


# ---------------------------------------------------------------- serve-datasets


def test_server_serves_the_page_the_catalog_and_every_latest_file(
        served: tuple[Path, str]) -> None:
    root, url = served
    status, page = _get(url + "index.html")
    assert status == 200 and b"newsfacts datasets" in page
    status, body = _get(url + "catalog.json")
    catalog = json.loads(body)
    (entry,) = [d for d in catalog["dataset"] if d["isLatest"]]
    for item in entry["distribution"]:
        status, data = _get(url + item["contentUrl"])
        assert status == 200 and len(data) == int(item["contentSize"].split()[0])
    status, tail = _get(url + "newsfacts/v0001/SHA256SUMS", {"Range": "bytes=10-"})
    assert status == 206
    assert tail == (root / "newsfacts" / "v0001" / "SHA256SUMS").read_bytes()[10:]


@pytest.mark.parametrize("path", [
    "newsfacts/.staging-abc/articles.csv", "newsfacts/%2Estaging-abc/articles.csv",
    "newsfacts/.lock", "newsfacts/", "newsfacts/v0001/",
])
@pytest.mark.parametrize("ranged", [False, True])
def test_hidden_names_and_folder_listings_are_not_served(
        served: tuple[Path, str], path: str, ranged: bool) -> None:
    """A release being written (`.staging-*`), locks and temporary files are never served,
    nor listed; the published files are."""
    root, url = served
    staging = root / "newsfacts" / ".staging-abc"
    staging.mkdir(exist_ok=True)
    (staging / "articles.csv").write_text("half a table")
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(url + path, {"Range": "bytes=2-"} if ranged else None)
    assert err.value.code == 404
    assert _get(url + "newsfacts/latest/SHA256SUMS")[0] == 200


# ---------------------------------------------------------------- download


def test_download_round_trip_verifies_every_checksum(
        served: tuple[Path, str], tmp_path: Path) -> None:
    root, url = served
    target = tmp_path / "got"
    result = CliRunner().invoke(app, ["download", "--from", url, "--to", str(target)])
    assert result.exit_code == 0, result.output
    release = root / "newsfacts" / "v0001"
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in release.iterdir())
    for path in target.iterdir():
        assert path.read_bytes() == (release / path.name).read_bytes()
    again = CliRunner().invoke(app, ["download", "newsfacts@v0001", "--from", url,
                                     "--to", str(target)])
    assert again.exit_code == 0 and "articles.csv: skipped" in again.output


def test_download_from_a_folder(root: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["download", "--from", str(root),
                                      "--to", str(tmp_path / "got")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "got" / "articles.parquet").is_file()


def test_an_interrupted_download_resumes_with_a_range_request(
        served: tuple[Path, str], tmp_path: Path) -> None:
    from newsfacts.publish.download import RemoteFile

    root, url = served
    source = root / "newsfacts" / "v0001" / "articles.parquet"
    data = source.read_bytes()
    (tmp_path / "articles.parquet.part").write_bytes(data[:100])
    item = RemoteFile("articles.parquet", "newsfacts/v0001/articles.parquet", len(data),
                      file_sha256(source))
    assert fetch_file(url, item, tmp_path) == "resumed"
    assert (tmp_path / "articles.parquet").read_bytes() == data
    assert not (tmp_path / "articles.parquet.part").exists()


def test_a_corrupted_file_fails_clearly_and_is_deleted(
        served: tuple[Path, str], tmp_path: Path) -> None:
    root, url = served
    bad = root / "newsfacts" / "v0001" / "events.csv"
    bad.write_bytes(bad.read_bytes().replace(b"a", b"b", 1))
    target = tmp_path / "got"
    result = CliRunner().invoke(app, ["download", "--from", url, "--to", str(target)])
    assert result.exit_code == 1
    assert "checksum mismatch for events.csv" in result.output
    assert not (target / "events.csv").exists() and not (target / "events.csv.part").exists()
    # The other files are still fetched and verified: only the corrupted one is missing.
    release = root / "newsfacts" / "v0001"
    got = sorted(path.name for path in target.iterdir())
    assert got == sorted(path.name for path in release.iterdir() if path.name != "events.csv")
    assert all(file_sha256(target / name) == file_sha256(release / name) for name in got)
    assert f"{len(got)} of {len(got) + 1} files verified" in " ".join(result.output.split())


@pytest.mark.parametrize("link", [
    "../secret.txt", "newsfacts/../../secret.txt", "/etc/passwd", "http://example.org/x",
    "file:///etc/passwd", "//example.org/x", "newsfacts/%2e%2e/%2e%2e/secret.txt", "..\\x",
])
def test_a_link_outside_the_base_is_refused(link: str) -> None:
    with pytest.raises(DownloadError, match="refusing"):
        safe_relative(link)


def test_a_traversal_catalog_is_refused_before_any_download(
        served: tuple[Path, str], tmp_path: Path) -> None:
    root, url = served
    (root.parent / "secret.txt").write_text("secret")
    catalog = json.loads((root / "catalog.json").read_text())
    catalog["dataset"][0]["distribution"][0]["contentUrl"] = "../secret.txt"
    (root / "catalog.json").write_text(json.dumps(catalog))
    target = tmp_path / "got"
    result = CliRunner().invoke(app, ["download", "--from", url, "--to", str(target)])
    assert result.exit_code == 1 and "points outside the base" in result.output
    assert not any(target.iterdir())
    catalog["dataset"][0]["distribution"][0].update(contentUrl="newsfacts/v0001/README.md",
                                                    name="../escape.md")
    (root / "catalog.json").write_text(json.dumps(catalog))
    result = CliRunner().invoke(app, ["download", "--from", url, "--to", str(target)])
    assert result.exit_code == 1 and "not a plain file name" in result.output
    assert not (tmp_path / "escape.md").exists()
