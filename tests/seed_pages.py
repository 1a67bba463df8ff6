"""The seed articles as other sources carry them: HTML pages, news-please and trafilatura
records. Helpers for the source tests (not a test module)."""

from __future__ import annotations

import html
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_NAMES = ("000_c1accda924f0f9d8.txt", "004_b37bf997956b9fa5.txt")


def seed_parts(name: str) -> tuple[str, list[str]]:
    """(headline, body paragraphs) of a seed: its first line, then its other non-blank lines."""
    lines = [line.strip() for line in (SEEDS / name).read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    return lines[0], lines[1:]


def seed_page_html(name: str, author: str = "Jane Doe", date: str = "2018-10-03") -> str:
    """A plain news page holding a seed: <title>, byline and date metadata, <article>."""
    title, paragraphs = seed_parts(name)
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)} | Example News</title>"
        f"<meta name=\"author\" content=\"{html.escape(author)}\">"
        f"<meta property=\"article:published_time\" content=\"{date}\">"
        "</head><body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>"
        f"<article><h1>{html.escape(title)}</h1>\n{body}\n</article>"
        "<footer>© 2018 Example News</footer></body></html>"
    )
