"""Clean + extract throughput with NER, parser and quotes, against bare spaCy in the same run.

Usage: python bench/bench_pipeline.py [--corpus DIR] [--limit N] [--batch-size N]

Inputs: the `.txt` articles of --corpus; by default the first N articles of the dev quotes
corpus (../shared/eval/quotes/polnear-train, whole news articles), else seeds/*.txt. Each line
prints articles/s and MB/s of input per CPU second of this process (wall seconds beside it):
- `spaCy nlp.pipe, NER only`: the floor for entities alone (tagger, parser, lemmatizer off);
- `spaCy nlp.pipe, full`: the model alone on the bodies, the baseline our extraction adds to;
- `clean + extract, no NLP`: our per-article stages (`pipeline.process_item`);
- `process_batch (full)`: what a Prefect batch task runs: the above, spaCy, entities, quotes.
The last line is the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from newsfacts.extract.nlp import PIPE_BATCH_SIZE, load_model
from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.pipeline import process_batch, process_item
from newsfacts.records import RawArticle

ROOT = Path(__file__).resolve().parent.parent
DEV_QUOTES = ROOT.parent / "shared" / "eval" / "quotes" / "polnear-train"
SEEDS = ROOT / "seeds"
DEFAULT_LIMIT = 100


def find_inputs(corpus: Path | None, limit: int) -> tuple[str, list[Path]]:
    """The article files to run and a label: --corpus, else the dev quotes set, else the seeds."""
    if corpus is None:
        corpus = DEV_QUOTES if DEV_QUOTES.is_dir() else SEEDS
    return str(corpus), sorted(corpus.glob("*.txt"))[:limit]


def read_articles(paths: Sequence[Path]) -> list[RawArticle]:
    """Decode every file once, outside the timings."""
    found = (raw_article_from_bytes(f"bench/{p.name}", p.read_bytes()) for p in paths)
    return [a for a in found if isinstance(a, RawArticle)]


def timed(name: str, megabytes: float, count: int, run: Callable[[], object]) -> None:
    """Run once and print articles/s and MB/s per CPU second, and wall seconds."""
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{name:<28} {count / cpu:>9.1f} {megabytes / cpu:>8.3f} {cpu:>8.1f} {wall:>8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--limit", type=int, default=DEFAULT_LIMIT)
    args = parser.parse_args()
    label, paths = find_inputs(args.corpus, args.limit)
    articles = read_articles(paths)
    if not articles:
        raise SystemExit(f"no readable .txt articles in {label}")
    texts = [a.text for a in articles]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    nlp = load_model()
    list(nlp.pipe(texts[:2]))  # warm up: model, rules and gazetteers load on first use
    process_batch(articles[:2])
    ner_only = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
    print(f"{len(articles)} articles, {megabytes:.2f} MB from {label}")
    print(f"{'step':<28} {'art/s':>9} {'MB/s':>8} {'cpu s':>8} {'wall s':>8}")
    timed("spaCy nlp.pipe, NER only", megabytes, len(texts),
          lambda: list(nlp.pipe(texts, batch_size=PIPE_BATCH_SIZE, disable=ner_only)))
    timed("spaCy nlp.pipe, full", megabytes, len(texts),
          lambda: list(nlp.pipe(texts, batch_size=PIPE_BATCH_SIZE)))
    timed("clean + extract, no NLP", megabytes, len(texts),
          lambda: [process_item(a) for a in articles])
    timed("process_batch (full)", megabytes, len(texts), lambda: process_batch(articles))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
