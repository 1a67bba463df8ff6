"""The catalog page, the dataset card and the validation page in a real headless browser
(Debian's chromium driven by Playwright, the page served by `newsfacts serve-datasets` on
127.0.0.1): they load, every link and image resolves, they read on a phone, and text from
articles stays text, however hostile.

Skipped only when there is no chromium (`NEWSFACTS_CHROMIUM` names another binary; `make test`
installs Debian's when it can). Playwright's own browser download is never used.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from playwright import sync_api

import newsfacts
from newsfacts.pipeline import run_build
from newsfacts.publish import card, plots
from newsfacts.publish.catalog import PREVIEW_CELL_CHARS, write_catalog
from newsfacts.publish.describe import release_facts
from newsfacts.publish.report import validation_html
from newsfacts.schemas import TABLE_NAMES, load_schemas

CHROMIUM = os.environ.get("NEWSFACTS_CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (apt-get install chromium, or set "
                             "NEWSFACTS_CHROMIUM): the browser tests cannot run")
# Headless in a container, offline: no sandbox (root), no GPU, no background traffic.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

PHONE = {"width": 390, "height": 844}
# Each payload sets window.__pwned (or opens a dialog) if the page ever runs it.
PAYLOADS = (
    "</script><script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '"><svg onload=window.__pwned=3>',
    "<!--<script>window.__pwned=4</script>",
    "[click](javascript:window.__pwned=5)",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "&amp; &lt;b&gt; \u2028 $\\frac{1}{$",  # already-escaped text shows as written; TeX is text
)
HOSTILE_TITLE = f"Maduro {PAYLOADS[0]}<img src=x onerror=alert(2)>"  # fits a preview cell
HOSTILE_QUOTE = "<b onmouseover=window.__pwned=6>Putin</b> &amp; <!-- -->"  # no straight quote
# What a page must not contain if nothing injected ran or became markup.
FINDINGS_JS = """() => ({
  pwned: window.__pwned === undefined ? null : window.__pwned,
  scripts: [...document.scripts].filter(s => s.type !== 'application/ld+json')
                                .map(s => s.outerHTML),
  handlers: [...document.querySelectorAll('*')].flatMap(
      el => [...el.attributes].filter(a => a.name.startsWith('on')).map(a => a.name)),
  frames: document.querySelectorAll('iframe, object, embed, svg').length,
  jsLinks: [...document.querySelectorAll('[href], [src]')].map(
      el => el.getAttribute('href') || el.getAttribute('src'))
      .filter(u => /^\\s*javascript:/i.test(u)),
})"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def problems() -> list[str]:
    """Console errors, page errors, dialogs and failed requests of the test's page."""
    return []


@pytest.fixture
def page(browser: Any, problems: list[str]) -> Iterator[Any]:
    """A phone-sized page that records its problems (the browser's own favicon request aside)."""
    context = browser.new_context(viewport=PHONE)
    opened = context.new_page()
    opened.set_default_timeout(10_000)
    record = problems.append
    opened.on("console", lambda m: m.type == "error" and "favicon" not in m.location.get(
        "url", "") and record(f"console: {m.text}"))
    opened.on("pageerror", lambda e: record(f"page error: {e}"))
    opened.on("dialog", lambda d: (record(f"dialog: {d.message}"), d.dismiss()))
    opened.on("requestfailed", lambda r: record(f"failed: {r.url}"))
    yield opened
    context.close()


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """A publish root built from the seeds plus an article whose headline and a quote carry
    payloads, then its release description (croissant.json) given payloads too."""
    source = tmp_path_factory.mktemp("hostile-source")
    # Seed 004 itself stays out: the hostile article is its near-duplicate, whose quotes
    # would not be published (duplicates.py).
    shutil.copy(seeds_dir / "000_c1accda924f0f9d8.txt", source / "000_c1accda924f0f9d8.txt")
    lines = (seeds_dir / "004_b37bf997956b9fa5.txt").read_text(encoding="utf-8").split("\n")
    lines[0] = HOSTILE_TITLE
    text = "\n".join(lines).replace("“President Putin recognized",
                                    f"“{HOSTILE_QUOTE} President Putin recognized")
    (source / "900_hostile.txt").write_text(text, encoding="utf-8")
    root = tmp_path_factory.mktemp("hostile-root")
    assert run_build(source, root).created
    release = root / "newsfacts" / "v0001"
    croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    croissant["alternateName"] = " ".join(PAYLOADS)
    croissant["description"] = PAYLOADS[3] + PAYLOADS[4]
    for item in croissant["distribution"]:
        if item["name"].endswith(".png"):
            item["description"] = PAYLOADS[5] + PAYLOADS[1]
    (release / "croissant.json").write_text(json.dumps(croissant), encoding="utf-8")
    write_catalog(root)
    return root


@contextlib.contextmanager
def serve_datasets(root: Path) -> Iterator[str]:
    """Run `newsfacts serve-datasets` on a free loopback port; yields its URL."""
    env = {**os.environ, "PYTHONPATH": str(Path(newsfacts.__file__).parents[1]),
           "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-c", "from newsfacts.cli import app; app()", "serve-datasets",
               "--root", str(root), "--port", "0", "--host", "127.0.0.1"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True, env=env) as server:
        try:
            line = server.stdout.readline() if server.stdout else ""  # "serving ROOT at URL ..."
            assert " at http://127.0.0.1:" in line, line
            yield line.split(" at ", 1)[1].split()[0]
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def served(seed_release: Path) -> Iterator[str]:
    with serve_datasets(seed_release) as url:
        yield url


def _settle(page: Any) -> None:
    """Load every lazy image and wait for the network to go quiet."""
    page.evaluate("document.querySelectorAll('img').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("[...document.images].every(i => i.complete)")


# ---------------------------------------------------------------- the catalog page


@pytest.mark.parametrize("how", ["http", "file"])
def test_page_loads_every_link_and_image_resolves_and_it_fits_a_phone(
        page: Any, problems: list[str], served: str, seed_release: Path, how: str) -> None:
    base = served if how == "http" else seed_release.as_uri() + "/"
    response = page.goto(base + "index.html")
    assert response is None or response.status == 200  # file:// has no response
    _settle(page)
    assert page.title() == "newsfacts datasets"
    assert page.locator("h1").inner_text() == "newsfacts datasets"
    for name in TABLE_NAMES:  # a preview table per CSV
        assert page.locator(f'[id="newsfacts-{name}.csv"] + div table tbody tr').count() >= (
            1 if name != "rejected" else 0)
    images = page.evaluate("[...document.images].map(i => [i.getAttribute('src'), "
                           "i.naturalWidth, i.alt])")
    assert len(images) == 3 and all(width > 0 and alt for _, width, alt in images), images
    hrefs = page.evaluate("[...document.links].map(a => a.href)")
    assert len(hrefs) > 3 * len(TABLE_NAMES)
    for href in sorted(set(hrefs)):
        if how == "http":
            assert page.request.get(href).status == 200, href
        else:
            assert Path(href.removeprefix("file://")).is_file(), href
    # readable on a phone: nothing wider than the screen except inside scrolling boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(FINDINGS_JS) == {"pwned": None, "scripts": [], "handlers": [],
                                          "frames": 0, "jsLinks": []}
    assert problems == []


def test_hostile_text_from_articles_stays_text_on_the_page(
        page: Any, problems: list[str], hostile_root: Path) -> None:
    release = hostile_root / "newsfacts" / "v0001"
    titles = pq.read_table(release / "articles.parquet").column("title").to_pylist()
    assert HOSTILE_TITLE in titles  # the pipeline kept the headline exactly, and the quote:
    quotes = pq.read_table(release / "quotes.parquet").column("text").to_pylist()
    graph = json.loads((release / "newsfacts.jsonld").read_text(encoding="utf-8"))["@graph"]
    quoted = [n["text"] for n in graph if n["@type"] == "Quotation" and HOSTILE_QUOTE in n["text"]]
    assert len(quoted) == 1 and quoted[0] in quotes and quoted[0].startswith(HOSTILE_QUOTE)
    with serve_datasets(hostile_root) as url:
        page.goto(url + "index.html")
        _settle(page)
        findings = page.evaluate(FINDINGS_JS)
        cells = page.locator('[id="newsfacts-articles.csv"] + div td').all_inner_texts()
        heading = page.locator("h2").first.inner_text()
        captions = page.locator("figcaption").all_inner_texts()
        alts = page.evaluate("[...document.images].map(i => i.alt)")
        embedded = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert findings == {"pwned": None, "scripts": [], "handlers": [], "frames": 0,
                        "jsLinks": []}
    assert problems == []
    assert len(HOSTILE_TITLE) <= PREVIEW_CELL_CHARS and HOSTILE_TITLE in cells  # all of it
    assert heading == " ".join(PAYLOADS)
    assert captions == alts == [PAYLOADS[5] + PAYLOADS[1]] * 3
    (dataset,) = embedded["dataset"]  # the JSON-LD block was not closed early: exact text
    assert dataset["alternateName"] == " ".join(PAYLOADS)
    assert dataset["description"] == PAYLOADS[3] + PAYLOADS[4]


# ---------------------------------------------------------------- card and validation page


def test_dataset_card_with_hostile_names_renders_inert(
        page: Any, problems: list[str], hostile_root: Path, tmp_path: Path) -> None:
    """The card is Markdown; rendered with raw HTML allowed (the most permissive renderers),
    the names in its table, plots and alt text still cannot become markup."""
    from markdown_it import MarkdownIt

    release = hostile_root / "newsfacts" / "v0001"
    tables = {n: pq.read_table(release / f"{n}.parquet") for n in TABLE_NAMES}
    entities = tables["entities"]
    names = [PAYLOADS[i % len(PAYLOADS)] + f" {i}" for i in range(entities.num_rows)]
    tables["entities"] = entities.set_column(entities.schema.get_field_index("name"), "name",
                                             [names])
    figures = plots.release_plots(tables)
    plots.write_plots(figures, tmp_path)
    changes = json.loads((release / "changes.json").read_text(encoding="utf-8"))
    text = card.dataset_card(load_schemas(), tables, release_facts("v0001", tables), changes,
                             figures)
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    (tmp_path / "card.html").write_text(f"<!doctype html><meta charset=utf-8>{rendered}",
                                        encoding="utf-8")
    page.goto((tmp_path / "card.html").as_uri())
    _settle(page)
    assert page.evaluate(FINDINGS_JS) == {"pwned": None, "scripts": [], "handlers": [],
                                          "frames": 0, "jsLinks": []}
    assert problems == []
    shown = page.locator("table").nth(1).locator("tbody td:first-child").all_inner_texts()
    assert shown and set(shown) <= {" ".join(n.split()) for n in names}  # one line each
    images = page.evaluate("[...document.images].map(i => [i.getAttribute('src'), "
                           "i.naturalWidth])")
    assert sorted(src for src, _ in images) == sorted(f.name for f in figures)
    assert all(width > 0 for _, width in images)


def test_validation_page_with_hostile_rows_renders_inert(
        page: Any, problems: list[str], tmp_path: Path) -> None:
    report = {"row_count": 1, "table_ok": True, "table_errors": [PAYLOADS[1]],
              "outcomes": [{"expectation_type": PAYLOADS[2], "column": "title",
                            "level": "error", "success": False, "unexpected_count": 1}],
              "row_failures": [{"row_index": 0, "reason": "validate_pattern",
                                "detail": " ".join(PAYLOADS)}]}
    (tmp_path / "validation.html").write_text(
        validation_html({"tables": {"articles": report}}, PAYLOADS[0]), encoding="utf-8")
    page.goto((tmp_path / "validation.html").as_uri())
    assert page.evaluate(FINDINGS_JS) == {"pwned": None, "scripts": [], "handlers": [],
                                          "frames": 0, "jsLinks": []}
    assert problems == []
    assert page.title() == PAYLOADS[0]
    assert page.locator("td.detail").text_content() == " ".join(PAYLOADS)  # exact text
