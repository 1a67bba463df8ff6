"""The headline cross-check for overfitting: on dragnet, how often the chosen headline is one
of the first three gold lines (docs/cleaning.md, "Headline").

Usage: python bench/headline_crosscheck.py [--corpus DIR] [--misses N]

Each `<id>.raw.txt` goes through the real clean stage (`clean_article`, as `newsfacts eval
clean`); the chosen title counts when it equals, without case or spacing differences, one of
the first three non-blank lines of `<id>.gold.txt`. dragnet's gold content blocks start with
the headline (or a date line above it), so a scorer tuned to the readability metadata corpus
should not lower this count. With --misses, the first N pages that do not match are listed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsfacts.clean.article import clean_article
from newsfacts.clean.headline import line_key
from newsfacts.evaluate.clean import list_documents, read_text
from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.records import CleanArticle, RawArticle

ROOT = Path(__file__).resolve().parent.parent
DRAGNET = ROOT.parent / "shared" / "eval" / "boilerplate" / "dragnet"
GOLD_LINES = 3


def chosen_title(doc_id: str, text: str) -> str | None:
    """The title the clean stage chooses for one page of raw text."""
    raw = raw_article_from_bytes(f"eval/{doc_id}", text.encode("utf-8"))
    if not isinstance(raw, RawArticle):
        return None
    clean = clean_article(raw)
    return clean.title if isinstance(clean, CleanArticle) else None


def first_gold_keys(gold: str) -> list[str]:
    """The first GOLD_LINES non-blank gold lines, compared as `line_key` does."""
    return [line_key(line) for line in gold.splitlines() if line.strip()][:GOLD_LINES]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DRAGNET)
    parser.add_argument("--misses", type=int, default=0)
    args = parser.parse_args()
    doc_ids = list_documents(args.corpus, ".raw.txt")
    hits, misses = 0, []
    for doc_id in doc_ids:
        title = chosen_title(doc_id, read_text(args.corpus / f"{doc_id}.raw.txt"))
        gold = first_gold_keys(read_text(args.corpus / f"{doc_id}.gold.txt"))
        if title is not None and line_key(title) in gold:
            hits += 1
        else:
            misses.append((doc_id, title, gold[:1]))
    print(f"{args.corpus.name}: headline is one of the first {GOLD_LINES} gold lines on "
          f"{hits} of {len(doc_ids)} pages")
    for doc_id, title, gold in misses[: args.misses]:
        print(f"  {doc_id}: {title!r} | {gold!r}")


if __name__ == "__main__":
    main()
