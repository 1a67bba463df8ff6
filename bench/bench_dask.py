"""Scale-out: clean + extract on a Dask LocalCluster of 1 worker, then 2, on the same corpus.

Usage: python bench/bench_dask.py [--corpus DIR] [--articles N] [--batch-size N] [--workers 1 2]
       python bench/bench_dask.py --flow ...   (the whole build flow instead of the batch stage)

Corpus: the `.txt` articles of --corpus (default: the dev quotes corpus
../shared/eval/quotes/polnear-train, else seeds/), repeated in sorted order until there are
--articles of them; copy k of a file is read as `bench/<k>/<name>`, so every copy has its own
article id while its text (and so its cost) stays the same: deterministic.

Default mode times what a Dask worker runs, `pipeline.process_batch` over every batch, after
each worker has loaded its models (spaCy, LightGBM, gazetteers: a fixed cost per worker,
printed apart). `--flow` times `flows.build.run_build_flow` with the dask task runner end to
end instead: cluster start, model loading, ingest, validation and publishing included.
Each line prints articles/s and MB/s (wall clock; peak RSS of each worker in the default
mode); the last line the ratio of the last worker count to the first. Nothing is compared
against a threshold: on a shared machine the load average (printed) moves the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # flows/ lives beside src/

from flows.task_runners import dask_cluster_kwargs  # noqa: E402

from newsfacts.ingest.decode import raw_article_from_bytes  # noqa: E402
from newsfacts.pipeline import make_batches, process_batch  # noqa: E402
from newsfacts.records import RawArticle  # noqa: E402

DEV_QUOTES = ROOT.parent / "shared" / "eval" / "quotes" / "polnear-train"
SEEDS = ROOT / "seeds"


def corpus_files(corpus: Path | None) -> tuple[Path, list[Path]]:
    """The article files to repeat: --corpus, else the dev quotes corpus, else the seeds."""
    folder = corpus or (DEV_QUOTES if DEV_QUOTES.is_dir() else SEEDS)
    return folder, sorted(folder.glob("*.txt"))


def repeated_articles(paths: list[Path], count: int) -> list[RawArticle]:
    """`count` articles cycling through `paths`; copy k of a file is `bench/<k>/<name>`."""
    raw = [p.read_bytes() for p in paths]
    found = (raw_article_from_bytes(f"bench/{i // len(paths)}/{paths[i % len(paths)].name}",
                                    raw[i % len(paths)]) for i in range(count))
    return [a for a in found if isinstance(a, RawArticle)]


def repeated_folder(paths: list[Path], count: int, folder: Path) -> None:
    """The same corpus as files (for --flow): `<folder>/<k>/<name>`."""
    for i in range(count):
        source = paths[i % len(paths)]
        target = folder / f"{i // len(paths):04d}" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def warm_worker() -> int:
    """Load every model a batch needs in this worker process (pid returned)."""
    process_batch(repeated_articles(sorted(SEEDS.glob("*.txt")), 2))
    return os.getpid()


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MB (Linux reports kB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def cpu_seconds() -> float:
    """CPU time of this process so far (every thread)."""
    return time.process_time()


def time_batch_stage(articles: list[RawArticle], batch_size: int, workers: int) -> float:
    """Wall seconds for every batch on a LocalCluster of `workers` processes (warm); prints
    the workers' CPU seconds too, which the machine's other load does not inflate."""
    from distributed import Client, LocalCluster

    started = time.perf_counter()
    kwargs = {**dask_cluster_kwargs(workers), "dashboard_address": None}
    with LocalCluster(**kwargs) as cluster, Client(cluster) as client:
        client.wait_for_workers(workers)
        client.run(warm_worker)
        print(f"  {workers} worker(s): cluster up and models loaded in "
              f"{time.perf_counter() - started:.1f} s")
        batches = make_batches(articles, batch_size)
        cpu_before = client.run(cpu_seconds)
        started = time.perf_counter()
        results = client.gather(client.map(process_batch, batches, pure=False))
        seconds = time.perf_counter() - started
        cpu = {w: t - cpu_before[w] for w, t in client.run(cpu_seconds).items()}
        peaks = client.run(peak_rss_mb)
        print(f"  {workers} worker(s): CPU s per worker "
              + ", ".join(f"{t:.1f}" for t in cpu.values())
              + f" (sum {sum(cpu.values()):.1f}: {len(articles) / sum(cpu.values()):.2f} "
              "art per CPU s); peak RSS per worker "
              + ", ".join(f"{mb:.0f} MB" for mb in peaks.values()))
    assert sum(len(r.articles) + len(r.rejected) for r in results) >= len(articles) * 0.9
    return seconds


def time_flow(source: Path, batch_size: int, workers: int) -> float:
    """Wall seconds for the whole build flow on a fresh LocalCluster of `workers` processes."""
    import flows  # noqa: F401  (Prefect settings)
    from flows.build import run_build_flow

    with tempfile.TemporaryDirectory(prefix="bench-dask-out-") as out:
        started = time.perf_counter()
        run_build_flow("dask", None, workers, source=source, out=Path(out),
                       batch_size=batch_size)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--flow", action="store_true", help="time the whole build flow")
    args = parser.parse_args()
    folder, paths = corpus_files(args.corpus)
    if not paths:
        raise SystemExit(f"no .txt articles in {folder}")
    articles = repeated_articles(paths, args.articles)
    megabytes = sum(len(a.text.encode("utf-8")) for a in articles) / 1e6
    mode = "build flow, end to end" if args.flow else "batch stage (process_batch), warm"
    print(f"{len(articles)} articles ({len(paths)} distinct), {megabytes:.2f} MB from {folder}; "
          f"batch size {args.batch_size}; {mode}")
    print(f"cpus {os.cpu_count()}, load average before {os.getloadavg()[0]:.2f}")
    rates = {}
    with tempfile.TemporaryDirectory(prefix="bench-dask-corpus-") as tmp:
        if args.flow:
            repeated_folder(paths, args.articles, Path(tmp))
        for workers in args.workers:
            seconds = (time_flow(Path(tmp), args.batch_size, workers) if args.flow
                       else time_batch_stage(articles, args.batch_size, workers))
            rates[workers] = len(articles) / seconds
            print(f"{workers} worker(s): {seconds:8.1f} s {rates[workers]:8.2f} art/s "
                  f"{megabytes / seconds:8.3f} MB/s")
    first, last = args.workers[0], args.workers[-1]
    print(f"speed-up {last} vs {first} worker(s): {rates[last] / rates[first]:.2f}x "
          f"(load average after {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
