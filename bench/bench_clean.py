"""Cleaning throughput in MB/s per core and peak memory, against cheaper baselines in the same run.

Usage: python bench/bench_clean.py [--corpus DIR] [--limit N]

Without --corpus it reads every <id>.raw.txt of the dev corpora in ../shared/eval/boilerplate and
falls back to seeds/*.txt when those are absent. One process, one core: MB/s is input UTF-8 bytes
per CPU second of this process (so other load on the machine matters little); wall time is shown
beside it. Peak memory is the process's peak RSS, plus the largest Python heap growth while
cleaning one of the biggest articles (tracemalloc, on a few articles only: it slows Python down).
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from newsfacts.clean.article import clean_article
from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.records import RawArticle

ROOT = Path(__file__).resolve().parent.parent
DEV_CORPORA = ROOT.parent / "shared" / "eval" / "boilerplate"
SEEDS = ROOT / "seeds"
MIN_CPU_SECONDS = 1.0  # repeat small inputs (the seeds) until timings mean something
TRACED_ARTICLES = 10

Step = Callable[[RawArticle], object]


@dataclass(frozen=True, slots=True)
class Timing:
    """One step over all inputs: bytes processed, CPU and wall seconds."""

    name: str
    megabytes: float
    cpu_seconds: float
    wall_seconds: float


def find_inputs(corpus: Path | None) -> tuple[str, list[Path]]:
    """The files to clean and a label for them: --corpus, else the dev corpora, else the seeds."""
    if corpus is not None:
        return str(corpus), sorted(corpus.glob("*.raw.txt")) or sorted(corpus.glob("*.txt"))
    if DEV_CORPORA.is_dir():
        return f"{DEV_CORPORA} (*/*.raw.txt)", sorted(DEV_CORPORA.glob("*/*.raw.txt"))
    print(f"dev corpora absent ({DEV_CORPORA}): falling back to the seeds")
    return str(SEEDS), sorted(SEEDS.glob("*.txt"))


def read_articles(paths: list[Path]) -> list[RawArticle]:
    """Decode every file once, outside the timings; undecodable files are left out."""
    articles = []
    for path in paths:
        raw = raw_article_from_bytes(f"bench/{path.name}", path.read_bytes())
        if isinstance(raw, RawArticle):
            articles.append(raw)
    return articles


def steps() -> list[tuple[str, Step]]:
    """The baselines that exist in this version of the cleaner, then the full clean stage."""
    from newsfacts.clean import normalize

    found: list[tuple[str, Step]] = [
        ("normalize_text (baseline)", lambda a: normalize.normalize_text(a.text))
    ]
    try:
        from newsfacts.clean.boilerplate import remove_boilerplate
    except ImportError:
        pass
    else:
        found.append(("normalize + line rules (baseline)",
                      lambda a: remove_boilerplate(
                          a.article_id, normalize.normalize_text(a.text), threshold=None)))
    try:
        from newsfacts.clean.language import detect_language
    except ImportError:
        pass
    else:
        found.append(("detect_language alone (raw text)", lambda a: detect_language(a.text)))
    found.append(("clean_article (full stage)", clean_article))
    return found


def time_step(name: str, step: Step, articles: list[RawArticle]) -> Timing:
    """Run `step` over all articles, repeating the whole set until MIN_CPU_SECONDS have passed."""
    megabytes = sum(len(a.text.encode("utf-8")) for a in articles) / 1e6
    step(articles[0])  # warm up: models and rule files load on first use
    passes = 0
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    while passes == 0 or time.process_time() - cpu_start < MIN_CPU_SECONDS:
        for article in articles:
            step(article)
        passes += 1
    cpu, wall = time.process_time() - cpu_start, time.perf_counter() - wall_start
    return Timing(name, megabytes * passes, cpu, wall)


def peak_heap_mb(step: Step, articles: list[RawArticle]) -> float:
    """Largest Python heap growth (MB) while running `step` on one of the biggest articles."""
    biggest = sorted(articles, key=lambda a: len(a.text), reverse=True)[:TRACED_ARTICLES]
    peak = 0
    tracemalloc.start()
    for article in biggest:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        step(article)
        peak = max(peak, tracemalloc.get_traced_memory()[1] - before)
    tracemalloc.stop()
    return peak / 1e6


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def main() -> None:
    """Time every step on the inputs and print one line each, slowest last."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="folder of <id>.raw.txt (or *.txt) files")
    parser.add_argument("--limit", type=int, help="only the first N files (sorted by name)")
    args = parser.parse_args()
    label, paths = find_inputs(args.corpus)
    paths = paths[: args.limit] if args.limit else paths
    articles = read_articles(paths)
    if not articles:
        raise SystemExit(f"no readable articles in {label}")
    megabytes = sum(len(a.text.encode("utf-8")) for a in articles) / 1e6
    print(f"inputs: {label}: {len(articles)} articles, {megabytes:.1f} MB; "
          f"peak RSS after loading {peak_rss_mb():.0f} MB")
    print(f"{'step':<36} {'MB/s/core':>9} {'CPU s':>7} {'wall s':>7} {'peak RSS MB':>11}")
    full_stage: Step = clean_article
    for name, step in steps():
        timing = time_step(name, step, articles)
        rate = timing.megabytes / timing.cpu_seconds if timing.cpu_seconds else float("inf")
        print(f"{name:<36} {rate:>9.2f} {timing.cpu_seconds:>7.1f} "
              f"{timing.wall_seconds:>7.1f} {peak_rss_mb():>11.0f}")
    heap = peak_heap_mb(full_stage, articles)
    print(f"clean_article peak Python heap on the {TRACED_ARTICLES} biggest articles: "
          f"{heap:.1f} MB (tracemalloc)")


if __name__ == "__main__":
    main()
