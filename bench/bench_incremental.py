"""Incremental builds: a full run against an unchanged rerun and a rerun with one new article.

Usage: python bench/bench_incremental.py [--limit N] [--keep DIR]

Each step is `newsfacts build` in a fresh process (imports and model loading included, as a
user or a schedule runs it) on the same deterministic corpus: the first N scraped pages of the
AEB dev corpus (../shared/eval/boilerplate/aeb/*.raw.txt, copied as .txt into a temporary
folder), or, without ../shared, the two seeds repeated with a numbered line each. Steps:
- `full run`: an empty publish root: every article processed, release v0001;
- `unchanged rerun`: same inputs and code: nothing processed, dataset steps skipped;
- `one new article`: article N+1 added: one processed, the rest reused, every dataset step
  (duplicates, entity merge, validation, publish) run on all of them;
- `unchanged, in-process`: the unchanged rerun again, timed inside this process (no
  interpreter start or imports): what the incremental check itself costs.
Prints wall seconds, the processed/reused counts each run reported and the ratio to the full
run (target for the unchanged rerun: <= 5 %).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AEB = ROOT.parent / "shared" / "eval" / "boilerplate" / "aeb"
SEEDS = ROOT / "seeds"
COUNTS = re.compile(r"processed=(\d+), reused=(\d+), removed=(\d+)")


def corpus_texts(limit: int) -> tuple[str, list[str]]:
    """`limit` + 1 article texts (the last one is added for the third step) and a label."""
    pages = sorted(AEB.glob("*.raw.txt"))
    if len(pages) > limit:
        return f"AEB dev corpus ({AEB})", [p.read_text("utf-8") for p in pages[: limit + 1]]
    seeds = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts = [f"{seeds[i % len(seeds)]}\n\nCorrection {i}: this version was updated."
             for i in range(limit + 1)]
    return "seeds, repeated with a numbered line each (../shared absent)", texts


def write_article(folder: Path, index: int, text: str) -> None:
    (folder / f"{index:05d}.txt").write_text(text, encoding="utf-8")


def build(source: Path, out: Path) -> tuple[float, str]:
    """Run `newsfacts build` in a fresh process; wall seconds and its printed summary."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-c", "from newsfacts.cli import app; app()", "build",
               "--source", str(source), "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds, done.stdout


def build_in_process(source: Path, out: Path) -> tuple[float, str]:
    """`run_build` in this process (imports done before the clock starts)."""
    sys.path.insert(0, str(ROOT / "src"))
    from newsfacts.pipeline import format_summary, run_build

    start = time.perf_counter()
    summary = run_build(source, out)
    return time.perf_counter() - start, format_summary(summary)


def report(step: str, seconds: float, output: str, full: float) -> None:
    found = COUNTS.search(output)
    processed, reused = (found.group(1), found.group(2)) if found else ("?", "?")
    state = "published" if ": published" in output else "unchanged"
    print(f"{step:<18} {seconds:>9.1f} {processed:>10} {reused:>7} {seconds / full:>8.1%}  "
          f"{state}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=100, help="articles in the full run")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temp dir)")
    args = parser.parse_args()
    label, texts = corpus_texts(args.limit)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    source, out = work / "corpus", work / "out"
    shutil.rmtree(source, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    source.mkdir(parents=True)
    for index, text in enumerate(texts[:-1]):
        write_article(source, index, text)
    megabytes = sum(len(t.encode("utf-8")) for t in texts[:-1]) / 1e6
    print(f"{len(texts) - 1} articles, {megabytes:.2f} MB from {label}")
    print(f"{'step':<18} {'wall s':>9} {'processed':>10} {'reused':>7} {'of full':>8}")
    try:
        full, output = build(source, out)
        report("full run", full, output, full)
        report("unchanged rerun", *build(source, out), full)
        write_article(source, len(texts) - 1, texts[-1])
        report("one new article", *build(source, out), full)
        report("unchanged, in-proc", *build_in_process(source, out), full)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
