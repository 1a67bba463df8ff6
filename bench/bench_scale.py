"""End to end at scale: the real build beside bare spaCy and an I/O floor, with peak RSS.

Usage: python bench/bench_scale.py [--sizes 1000 10000 100000] [--corpus DIR] [--keep DIR]
       python bench/bench_scale.py --memory-probe 100 200 300 --state-from 300 [--src DIR/src]

Corpus: the `.txt` articles of --corpus (default: the dev quotes corpus
../shared/eval/quotes/polnear-train, 840 whole news articles, else seeds/), written for each
size into a temporary folder `bench-corpus/cNNN/<name>`: copy 0 is the file as it is, copy
k > 0 the same text with its capitalised words replaced through a permutation of the corpus's
capitalised vocabulary seeded by k (names, places, sentence starts), so every article is
distinct, near-duplicate detection does not link copies (most 5-word shingles change), and the
text stays news-shaped for the parser. Deterministic: the same sizes give the same bytes.

Each step runs in its own fresh process (`--step`), so its CPU seconds and peak RSS are its
own: `os.wait4` gives the child's CPU time and max RSS (its waited-for children included),
and /proc is sampled every 0.2 s for the RSS of the whole process tree (isolation workers).
* `I/O floor`: read every file, decode it, write one Parquet table of (path, text), zstd;
* `spaCy defaults`: load the model with spaCy's default ops and parse every text with the
  full pipeline (`extract.nlp.PIPE_BATCH_SIZE` per batch): bare spaCy as anyone would run it,
  the floor of any NER pipeline on these texts, and what the target compares the build with;
* `nlp.pipe floor`: the same with the build's own ops (`extract.nlp.fast_cpu_ops`: numpy's
  BLAS in one thread instead of BLIS), the floor of this pipeline;
* `build`: `pipeline.run_build` (what `newsfacts build` runs) into an empty publish root:
  ingest, clean, extract, NLP, entities, quotes, events, validation, every release file.
Every step includes interpreter start, imports and model loading. Rates are per wall second
and per CPU second (the machine is shared: wall time counts other people's load, printed).

`--memory-probe SIZES --state-from N` measures what the dataset-level steps hold as the corpus
grows: it processes the corpus of N articles once (or reuses `--keep`'s state), then rebuilds
each prefix of SIZES articles from a copy of that state (nothing is cleaned or parsed again:
docs/architecture.md "Incremental builds") in a fresh process, printing the peak RSS of every
phase (ingest, plan, load, tables, validate, data files, metadata, checks).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEV_QUOTES = ROOT.parent / "shared" / "eval" / "quotes" / "polnear-train"
SEEDS = ROOT / "seeds"
CORPUS_NAME = "bench-corpus"  # the folder name is part of every article id: keep it fixed
CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
SAMPLE_SECONDS = 0.2


# ---------------------------------------------------------------- corpus


def source_files(corpus: Path | None) -> tuple[Path, list[Path]]:
    """The article files to vary: --corpus, else the dev quotes corpus, else the seeds."""
    folder = corpus or (DEV_QUOTES if DEV_QUOTES.is_dir() else SEEDS)
    return folder, sorted(folder.glob("*.txt"))


def capitalised_vocabulary(texts: list[str]) -> list[str]:
    """Every capitalised word of the corpus, sorted (the pool substitutions draw from)."""
    return sorted({w for t in texts for w in CAPITALISED.findall(t)})


def vary_text(text: str, vocabulary: list[str], copy: int) -> str:
    """Copy `copy` of a text: 0 is the text itself; k > 0 maps every capitalised word through
    a permutation of `vocabulary` seeded by k."""
    if copy == 0:
        return text
    shuffled = vocabulary[:]
    random.Random(copy).shuffle(shuffled)
    mapping = dict(zip(vocabulary, shuffled, strict=True))
    return CAPITALISED.sub(lambda m: mapping[m.group(0)], text)


def write_corpus(paths: list[Path], size: int, folder: Path) -> float:
    """Write `size` articles into `folder/bench-corpus/cNNN/`; returns the MB written."""
    texts = [p.read_text(encoding="utf-8") for p in paths]
    vocabulary = capitalised_vocabulary(texts)
    written = 0
    for i in range(size):
        copy, index = divmod(i, len(paths))
        target = folder / CORPUS_NAME / f"c{copy:03d}" / paths[index].name
        target.parent.mkdir(parents=True, exist_ok=True)
        data = vary_text(texts[index], vocabulary, copy).encode("utf-8")
        target.write_bytes(data)
        written += len(data)
    return written / 1e6


def corpus_texts(folder: Path) -> Iterator[tuple[str, str]]:
    """(relative path, text) of every article file, in the build's order, read lazily."""
    for path in sorted(folder.rglob("*.txt"), key=lambda p: p.relative_to(folder).as_posix()):
        yield path.relative_to(folder).as_posix(), path.read_text(encoding="utf-8")


# ---------------------------------------------------------------- steps (child processes)


def step_io(folder: Path, out: Path) -> dict[str, int]:
    """The I/O floor: read and decode every file, write them as one Parquet table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    paths, texts = [], []
    for path, text in corpus_texts(folder):
        paths.append(path)
        texts.append(text)
    table = pa.table({"path": paths, "text": texts})
    pq.write_table(table, out / "texts.parquet", compression="zstd")
    return {"articles": table.num_rows}


def step_nlp(folder: Path, out: Path, fast_ops: bool) -> dict[str, int]:
    """The NER floor: bare spaCy `nlp.pipe`, full pipeline, on every text (streamed), with
    spaCy's default ops or the build's."""
    from newsfacts.extract.nlp import PIPE_BATCH_SIZE, load_spacy_pipeline

    nlp = load_spacy_pipeline(fast=fast_ops)
    count = 0
    for _doc in nlp.pipe((text for _, text in corpus_texts(folder)), batch_size=PIPE_BATCH_SIZE):
        count += 1
    return {"articles": count}


def step_build(folder: Path, out: Path, batch_size: int) -> dict[str, object]:
    """The real build, as `newsfacts build` runs it, into an empty publish root."""
    from newsfacts.pipeline import run_build

    summary = run_build(folder, out, batch_size)
    # The build's own process (ingest, publishing); its workers hold the models.
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    return {"articles": summary.articles_in, "rows": summary.rows,
            "rejected": summary.rejected, "own_peak_rss_mb": round(own_peak)}


# ---------------------------------------------------------------- measuring a child


@dataclass(frozen=True)
class Measured:
    """One step in a child process: what it printed and what it cost."""

    wall: float
    cpu: float
    peak_rss_mb: float  # max RSS of the child (wait4; waited-for grandchildren included)
    tree_rss_mb: float  # max sampled RSS sum of the child and its live descendants
    output: dict


def tree_rss_kb(pid: int) -> int:
    """Resident kB of a process and all its live descendants (/proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as status:
                total += next((int(line.split()[1]) for line in status
                               if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as kids:
                    todo += [int(k) for k in kids.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


SOURCE = [ROOT / "src"]  # the package the steps import (--src: another tree, e.g. older code)


def run_child(args: list[str]) -> Measured:
    """Run this script with `args` in a child process; measure it; parse its last line."""
    env = {**os.environ, "PYTHONPATH": str(SOURCE[0])}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE,
                             env=env, text=True)
    peak_tree = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(SAMPLE_SECONDS):
            peak_tree[0] = max(peak_tree[0], tree_rss_kb(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    assert child.stdout is not None
    lines = child.stdout.read().splitlines()
    _, status, usage = os.wait4(child.pid, 0)
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0 or not lines:
        raise SystemExit(f"step {args} failed with status {child.returncode}")
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1e3,
                    peak_tree[0] / 1e3, json.loads(lines[-1]))


# ---------------------------------------------------------------- the benchmark


def print_row(name: str, articles: int, megabytes: float, m: Measured) -> None:
    print(f"  {name:<16} {m.wall:>9.1f} {articles / m.wall:>8.2f} {megabytes / m.wall:>8.3f} "
          f"{m.cpu:>9.1f} {articles / m.cpu:>9.2f} {megabytes / m.cpu:>8.3f} "
          f"{m.peak_rss_mb:>9.0f} {m.tree_rss_mb:>9.0f}", flush=True)


def bench_size(paths: list[Path], size: int, batch_size: int, keep: Path | None) -> None:
    """Generate the corpus of `size` articles and run the three steps on it."""
    with tempfile.TemporaryDirectory(prefix=f"bench-scale-{size}-") as tmp:
        work = keep / str(size) if keep else Path(tmp)
        corpus = work / "corpus"
        megabytes = write_corpus(paths, size, corpus)
        folder = corpus / CORPUS_NAME
        print(f"{size} articles, {megabytes:.2f} MB; load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        print(f"  {'step':<16} {'wall s':>9} {'art/s':>8} {'MB/s':>8} {'CPU s':>9} "
              f"{'art/CPU s':>9} {'MB/CPU s':>8} {'peak MB':>9} {'tree MB':>9}")
        measured = {}
        for name, step in (("I/O floor", "io"), ("spaCy defaults", "spacy"),
                           ("nlp.pipe floor", "nlp"), ("build", "build")):
            out = work / f"out-{step}"
            out.mkdir(parents=True, exist_ok=True)
            measured[step] = run_child(["--step", step, "--folder", str(folder),
                                        "--out", str(out), "--batch-size", str(batch_size)])
            print_row(name, size, megabytes, measured[step])
        build, bare, nlp = measured["build"], measured["spacy"], measured["nlp"]
        print(f"  build / bare spaCy: {bare.wall / build.wall:.2f}x wall, "
              f"{bare.cpu / build.cpu:.2f}x CPU (target >= 0.8); build / nlp.pipe floor: "
              f"{nlp.wall / build.wall:.2f}x wall, {nlp.cpu / build.cpu:.2f}x CPU; rows "
              f"{build.output['rows']}; rejected {build.output['rejected']}; peak RSS of the "
              f"build's own process (ingest, publishing; workers apart): "
              f"{build.output.get('own_peak_rss_mb', '?')} MB; load average "
              f"{os.getloadavg()[0]:.1f}", flush=True)


def memory_probe(paths: list[Path], sizes: list[int], state_from: int, batch_size: int,
                 keep: Path | None) -> None:
    """Peak RSS per dataset-level phase for each prefix size, from one processed state."""
    with tempfile.TemporaryDirectory(prefix="bench-scale-probe-") as tmp:
        work = keep / str(state_from) if keep else Path(tmp)
        corpus, out = work / "corpus", work / "out-build"
        state = out / ".state" / "newsfacts.sqlite"
        if not state.is_file():
            write_corpus(paths, state_from, corpus)
            out.mkdir(parents=True, exist_ok=True)
            print(f"processing {state_from} articles once ...", flush=True)
            run_child(["--step", "build", "--folder", str(corpus / CORPUS_NAME),
                       "--out", str(out), "--batch-size", str(batch_size)])
        print(f"dataset-level steps from a state of {state_from} processed articles; load "
              f"average {os.getloadavg()[0]:.1f}")
        for size in sizes:
            prefix = Path(tmp) / f"prefix-{size}"
            write_corpus(paths, size, prefix)
            probe_state = Path(tmp) / f"state-{size}.sqlite"
            shutil.copyfile(state, probe_state)
            probe_out = Path(tmp) / f"probe-out-{size}"
            m = run_child(["--step", "probe", "--folder", str(prefix / CORPUS_NAME),
                           "--out", str(probe_out), "--state", str(probe_state),
                           "--batch-size", str(batch_size)])
            phases = m.output["phases"]
            print(f"{size:>7} articles: peak {m.peak_rss_mb:.0f} MB, wall {m.wall:.1f} s, "
                  f"processed {m.output['processed']}; peak MB by phase: "
                  + ", ".join(f"{name} {mb:.0f}" for name, mb in phases.items()), flush=True)
            shutil.rmtree(prefix)
            shutil.rmtree(probe_out, ignore_errors=True)


# ---------------------------------------------------------------- probe (child process)


# (label, module, function): the name is replaced in that module, which is where the code
# that calls it looks it up (pipeline imported batch_to_tables by name, for example).
PHASES: list[tuple[str, str, str]] = [
    ("ingest", "newsfacts.pipeline", "ingest_source"),
    ("plan", "newsfacts.incremental", "plan_build"),
    ("load+decode", "newsfacts.incremental", "assemble"),
    ("tables", "newsfacts.pipeline", "batch_to_tables"),
    ("duplicates", "newsfacts.tables", "link_duplicates"),
    ("entity merge", "newsfacts.tables", "merge_entities"),
    ("validate", "newsfacts.pipeline", "validate_tables"),
    ("csv", "newsfacts.publish.csv", "write_csv"),
    ("parquet", "newsfacts.publish.parquet", "write_release_parquet"),
    ("jsonld", "newsfacts.publish.jsonld", "dataset_graph"),  # builds the graph (older code)
    ("jsonld", "newsfacts.publish.jsonld", "write_dataset_jsonld"),  # streams it
    ("changes", "newsfacts.publish.changes", "release_changes"),
    ("plots", "newsfacts.publish.plots", "release_plots"),
    ("frictionless", "newsfacts.publish.datapackage", "check_datapackage"),
    ("croissant", "newsfacts.publish.croissant", "check_croissant"),
    ("catalog", "newsfacts.publish.catalog", "write_catalog"),
]


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1e3


def instrument(phases: dict[str, float]) -> None:
    """Wrap each phase function so that a sampler thread files RSS under its label."""
    import importlib

    current = ["other"]

    def wrap(label: str, function: Callable) -> Callable:
        def wrapped(*args: object, **kwargs: object) -> object:
            before, current[0] = current[0], label
            try:
                return function(*args, **kwargs)
            finally:
                phases[label] = max(phases.get(label, 0.0), rss_mb())
                current[0] = before
        return wrapped

    for label, module_name, name in PHASES:
        module = importlib.import_module(module_name)
        if hasattr(module, name):  # --src may name code from before or after a change
            setattr(module, name, wrap(label, getattr(module, name)))

    def sample() -> None:
        while True:
            label = current[0]
            phases[label] = max(phases.get(label, 0.0), rss_mb())
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()


def step_probe(folder: Path, out: Path, state: Path, batch_size: int) -> dict[str, object]:
    """A rebuild from a processed state, peak RSS filed by phase."""
    import sqlite3

    from newsfacts.fingerprint import pipeline_version

    # The copied state was processed by this code or by code that differs only in modules
    # outside DATASET_LEVEL that do not change per-article results (the probe measures the
    # dataset-level steps): label it with this tree's version so nothing is processed again.
    with sqlite3.connect(state) as db:
        db.execute("update articles set pipeline_version = ?", (pipeline_version(),))
    phases: dict[str, float] = {}
    instrument(phases)
    from newsfacts.pipeline import run_build

    summary = run_build(folder, out, batch_size, state_path=state)
    order = dict.fromkeys(["other"] + [label for label, _, _ in PHASES])
    return {"processed": summary.processed,
            "phases": {k: round(phases[k]) for k in order if k in phases}}


def child_main(args: argparse.Namespace) -> None:
    """Run one step in this (child) process and print its result as the last line."""
    if args.step == "io":
        result: dict = step_io(args.folder, args.out)
    elif args.step in ("nlp", "spacy"):
        result = step_nlp(args.folder, args.out, fast_ops=args.step == "nlp")
    elif args.step == "build":
        result = step_build(args.folder, args.out, args.batch_size)
    else:
        result = step_probe(args.folder, args.out, args.state, args.batch_size)
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--memory-probe", type=int, nargs="+", metavar="SIZE")
    parser.add_argument("--state-from", type=int, default=1000)
    parser.add_argument("--src", type=Path, help="run the steps on this source tree instead of "
                        "src/ (`git archive REV src schemas | tar -x -C DIR`, then DIR/src)")
    parser.add_argument("--step", choices=["io", "spacy", "nlp", "build", "probe"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--state", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        child_main(args)
        return
    if args.src:
        SOURCE[0] = args.src.resolve()
    folder, paths = source_files(args.corpus)
    if not paths:
        raise SystemExit(f"no .txt articles in {folder}")
    print(f"corpus {folder}: {len(paths)} distinct files; cpus {os.cpu_count()}")
    if args.memory_probe:
        memory_probe(paths, args.memory_probe, args.state_from, args.batch_size, args.keep)
        return
    for size in args.sizes:
        bench_size(paths, size, args.batch_size, args.keep)


if __name__ == "__main__":
    main()
