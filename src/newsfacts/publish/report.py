"""`validation.html`: the Great Expectations results as one self-contained page.

GX's own Data Docs load their assets from CDNs and are blank offline (../shared/STACK.md), so
this page is plain HTML with an inline style sheet: no scripts, no external assets. Every
value comes from `validation.json` and is escaped (row details quote article text).
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

FILE_NAME = "validation.html"
STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#222}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.ok{color:#17612c}.bad{color:#a11}
td.detail{font-family:ui-monospace,monospace;font-size:13px;word-break:break-word}
""".strip()


def _cell(value: Any) -> str:
    return f"<td>{escape('' if value is None else str(value))}</td>"


def _status(ok: bool) -> str:
    return '<td class="ok">passed</td>' if ok else '<td class="bad">failed</td>'


def summary_rows(tables: dict[str, dict[str, Any]]) -> list[str]:
    """One summary row per table."""
    rows = []
    for name, report in tables.items():
        outcomes = report["outcomes"]
        passed = sum(1 for o in outcomes if o["success"])
        ok = report["table_ok"] and not report["row_failures"]
        rows.append(
            f'<tr><td><a href="#{escape(name)}">{escape(name)}</a></td>'
            f"{_cell(report['row_count'])}{_status(ok)}"
            f"{_cell(f'{passed}/{len(outcomes)}')}{_cell(len(report['row_failures']))}</tr>"
        )
    return rows


def table_section(name: str, report: dict[str, Any]) -> list[str]:
    """Expectations, table errors and failing rows of one table."""
    parts = [f'<h2 id="{escape(name)}">{escape(name)}</h2>']
    if report["table_errors"]:
        parts.append("<ul>" + "".join(f'<li class="bad">{escape(e)}</li>'
                                      for e in report["table_errors"]) + "</ul>")
    parts.append("<table><tr><th>expectation</th><th>column</th><th>level</th>"
                 "<th>result</th><th>unexpected</th></tr>")
    parts += [
        f"<tr>{_cell(o['expectation_type'])}{_cell(o['column'])}{_cell(o['level'])}"
        f"{_status(o['success'])}{_cell(o['unexpected_count'])}</tr>"
        for o in report["outcomes"]
    ]
    parts.append("</table>")
    if report["row_failures"]:
        parts.append("<table><tr><th>row</th><th>reason</th><th>detail</th></tr>")
        parts += [
            f"<tr>{_cell(f['row_index'])}{_cell(f['reason'])}"
            f'<td class="detail">{escape(str(f["detail"]))}</td></tr>'
            for f in report["row_failures"]
        ]
        parts.append("</table>")
    return parts


def validation_html(validation: dict[str, Any], title: str) -> str:
    """The page for a `validation.json` document (`{"tables": {name: report}}`)."""
    tables: dict[str, dict[str, Any]] = validation["tables"]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        "<p>Great Expectations results for every table of this release (the same data as "
        "<code>validation.json</code>). Rows failing an expectation were moved to the "
        "<code>rejected</code> table before publishing.</p>",
        "<table><tr><th>table</th><th>rows</th><th>status</th><th>expectations passed</th>"
        "<th>failing rows</th></tr>",
        *summary_rows(tables),
        "</table>",
    ]
    for name, report in tables.items():
        parts += table_section(name, report)
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_validation_html(validation: dict[str, Any], title: str, folder: Path) -> None:
    """Write `validation.html`."""
    (folder / FILE_NAME).write_bytes(validation_html(validation, title).encode("utf-8"))
