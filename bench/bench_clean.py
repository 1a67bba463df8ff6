"""Cleaning throughput in MB/s per core and peak memory, part by part, against the code before
the speed work (issue #3) in the same run.

Usage: python bench/bench_clean.py [--corpus DIR] [--limit N] [--baseline REV | --no-baseline]

Without --corpus it reads every <id>.raw.txt of the dev corpora in ../shared/eval/boilerplate and
falls back to seeds/*.txt when those are absent. One process, one core: MB/s is input UTF-8 bytes
per CPU second of this process (so other load on the machine matters less); wall time is shown
beside it, and s/MB, the inverse. The steps are cumulative, so the s/MB of a step less the one
above it is what its part costs:

  normalize_text                  encoding repair, NFC, line breaks
  + page statistics               each line's own features, once per page
  + stage-1 features and forest   neighbours and page context, LightGBM stage 1 (one round)
  + stage-2 forest                = one classifier round (content_probabilities)
  remove_boilerplate              every round (until nothing changes), headline, audit rows
  detect_language alone           on the raw text (py3langid, first 2,000 characters)
  clean_article                   the whole clean stage
  clean_article at REV            the same files cleaned by the code at REV (default: the commit
                                  before the speed work), in a subprocess on `git archive REV src`

Peak memory is the process's peak RSS, plus the largest Python heap growth while cleaning one of
the biggest articles (tracemalloc, on a few articles only: it slows Python down).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from newsfacts.clean.article import clean_article
from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.records import RawArticle

ROOT = Path(__file__).resolve().parent.parent
DEV_CORPORA = ROOT.parent / "shared" / "eval" / "boilerplate"
SEEDS = ROOT / "seeds"
MIN_CPU_SECONDS = 1.0  # repeat small inputs (the seeds) until timings mean something
TRACED_ARTICLES = 10
BEFORE_SPEED_WORK = "0ba558f"  # main before issue #3's speed work: the baseline by default
FULL_ONLY_TAG = "FULL-STAGE"  # what the baseline subprocess prints before its figures

Step = Callable[[RawArticle], object]


@dataclass(frozen=True, slots=True)
class Timing:
    """One step over all inputs: bytes processed, CPU and wall seconds."""

    name: str
    megabytes: float
    cpu_seconds: float
    wall_seconds: float

    @property
    def rate(self) -> float:
        """MB of input per CPU second."""
        return self.megabytes / self.cpu_seconds if self.cpu_seconds else float("inf")


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


def page_lines(article: RawArticle) -> list[str]:
    """The non-blank lines of the normalised text, as the classifier sees them."""
    from newsfacts.clean.normalize import normalize_text

    return [line for line in normalize_text(article.text).split("\n") if line.strip()]


def steps() -> list[tuple[str, Step]]:
    """The cumulative parts of the clean stage, then the whole stage (see the module doc)."""
    from newsfacts.clean.boilerplate import remove_boilerplate
    from newsfacts.clean.classifier import content_probabilities, load_models
    from newsfacts.clean.language import detect_language
    from newsfacts.clean.line_features import line_features, page_statistics
    from newsfacts.clean.normalize import normalize_text

    def statistics(article: RawArticle) -> object:
        return page_statistics([line.strip() for line in page_lines(article)])

    def stage1(article: RawArticle) -> object:
        lines = page_lines(article)
        return load_models()[0].predict(line_features(lines), num_threads=1) if lines else None

    return [
        ("normalize_text", lambda a: normalize_text(a.text)),
        ("+ page statistics", statistics),
        ("+ stage-1 features and forest", stage1),
        ("+ stage-2 forest (one round)", lambda a: content_probabilities(page_lines(a))),
        ("remove_boilerplate (all rounds)",
         lambda a: remove_boilerplate(a.article_id, normalize_text(a.text))),
        ("detect_language alone (raw text)", lambda a: detect_language(a.text)),
        ("clean_article (full stage)", clean_article),
    ]


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


def baseline_timing(rev: str, argv: list[str]) -> Timing | str:
    """The full stage of the code at `rev`, timed by this script in a subprocess whose
    PYTHONPATH is `git archive rev src`; or why it could not run."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError) as err:
        return f"no baseline: git archive {rev} failed ({err})"
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        env = {**os.environ, "PYTHONPATH": str(Path(folder) / "src")}
        done = subprocess.run([sys.executable, __file__, *argv, "--full-stage-only"],
                              capture_output=True, text=True, env=env)
    for line in done.stdout.splitlines():
        if line.startswith(FULL_ONLY_TAG):
            megabytes, cpu, wall = map(float, line.split()[1:])
            return Timing(f"clean_article at {rev}", megabytes, cpu, wall)
    return f"no baseline: the run at {rev} failed: {done.stderr.strip()[-300:]}"


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


def print_timing(timing: Timing) -> None:
    """One row of the table."""
    print(f"{timing.name:<36} {timing.rate:>9.2f} {1 / timing.rate:>6.2f} "
          f"{timing.cpu_seconds:>7.1f} {timing.wall_seconds:>7.1f} {peak_rss_mb():>11.0f}")


def main() -> None:
    """Time every step on the inputs and print one line each, then the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="folder of <id>.raw.txt (or *.txt) files")
    parser.add_argument("--limit", type=int, help="only the first N files (sorted by name)")
    parser.add_argument("--baseline", default=BEFORE_SPEED_WORK,
                        help=f"git revision to compare with (default {BEFORE_SPEED_WORK})")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline run")
    parser.add_argument("--full-stage-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    label, paths = find_inputs(args.corpus)
    paths = paths[: args.limit] if args.limit else paths
    articles = read_articles(paths)
    if not articles:
        raise SystemExit(f"no readable articles in {label}")
    if args.full_stage_only:  # the baseline subprocess: the full stage, machine-readable
        timing = time_step("full", clean_article, articles)
        print(FULL_ONLY_TAG, timing.megabytes, timing.cpu_seconds, timing.wall_seconds)
        return
    megabytes = sum(len(a.text.encode("utf-8")) for a in articles) / 1e6
    print(f"inputs: {label}: {len(articles)} articles, {megabytes:.1f} MB; "
          f"peak RSS after loading {peak_rss_mb():.0f} MB")
    print(f"{'step':<36} {'MB/s/core':>9} {'s/MB':>6} {'CPU s':>7} {'wall s':>7} "
          f"{'peak RSS MB':>11}")
    for name, step in steps():
        print_timing(time_step(name, step, articles))
    heap = peak_heap_mb(clean_article, articles)
    print(f"clean_article peak Python heap on the {TRACED_ARTICLES} biggest articles: "
          f"{heap:.1f} MB (tracemalloc)")
    if args.no_baseline:
        return
    passed = [f"--corpus={args.corpus}"] if args.corpus else []
    passed += [f"--limit={args.limit}"] if args.limit else []
    baseline = baseline_timing(args.baseline, passed)
    if isinstance(baseline, str):
        print(baseline)
    else:
        print(f"{baseline.name:<36} {baseline.rate:>9.2f} {1 / baseline.rate:>6.2f} "
              f"{baseline.cpu_seconds:>7.1f} {baseline.wall_seconds:>7.1f} {'(subprocess)':>11}")


if __name__ == "__main__":
    main()
