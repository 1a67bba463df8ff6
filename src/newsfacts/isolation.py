"""Processing in worker processes: batches of short articles, and long articles under a deadline.

A batch's short articles are cleaned, extracted and parsed together in a worker (one job,
no deadline: every step costs at most a small power of a text's length, so their size bounds
their time). The models thus live in workers only, and leave with them before publishing
(`close_workers`).

A long text (over ISOLATE_TEXT_CHARS characters, or with a line over ISOLATE_LINE_CHARS) is
cleaned, extracted and parsed alone in a worker, and so is the main-text extraction of a large
HTML page (over ISOLATE_HTML_BYTES). Past `Limits.article_seconds` the worker is killed and the
article rejected (`clean_timeout`, `extract_timeout`, `ingest_timeout`; a worker that dies
gives `*_crash`); the batch goes on with a fresh worker. A thread cannot be stopped from
outside (and `signal.alarm` only works in the main thread, while Prefect runs tasks in worker
threads), hence a process.

Workers are plain subprocesses (`python -m newsfacts.isolation`), not `multiprocessing`
children, so that daemonic processes (Dask workers) may start them too. Each loads the
spaCy model once, then serves jobs over two pipes; at most MAX_WORKERS run at a time, kept
for the next job, and each exits when its parent does.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from newsfacts.limits import ENVIRONMENT
from newsfacts.records import BatchResult, RawArticle, Rejection, Stage

ISOLATE_TEXT_CHARS = 20_000  # dev corpora: 7 % of dragnet pages, 4 % of aeb pages
ISOLATE_LINE_CHARS = 5_000
ISOLATE_HTML_BYTES = 1_000_000  # real pages of this size are mostly script: trafilatura < 1 s
START_SECONDS = 300.0  # a worker's start-up (imports, model), not counted against an article
WORKERS_ENV = "NEWSFACTS_WORKERS"  # read once, at import: how many workers may run at once


def max_workers(environ: Mapping[str, str] = os.environ) -> int:
    """Workers that may run at once: $NEWSFACTS_WORKERS, else one per core up to 4.

    Each holds its own copy of the models (~0.8 GB with a batch). A sequential build uses
    one; the flow's local runner processes up to this many batches in parallel."""
    value = environ.get(WORKERS_ENV, "").strip()
    if not value:
        return max(1, min(4, os.cpu_count() or 1))
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{WORKERS_ENV} must be a whole number of at least 1, got {value!r}")
    return int(value)


MAX_WORKERS = max_workers()
PARENT_CHECK_SECONDS = 1.0

OnStage = Callable[[Stage], None]


class WorkerStopped(Exception):
    """The worker did not finish a job: killed at the deadline, or died."""

    def __init__(self, stage: Stage, timed_out: bool, detail: str) -> None:
        super().__init__(detail)
        self.stage = stage
        self.timed_out = timed_out
        self.detail = detail


class WorkerGone(Exception):
    """The worker was gone before it received the job (not the job's fault)."""


# ---------------------------------------------------------------- which articles


def longest_line(text: str) -> int:
    """Length of the longest line of a text."""
    return max((len(line) for line in text.split("\n")), default=0)


def needs_isolation(item: RawArticle) -> bool:
    """Whether an article is long enough that its processing time is not bounded in practice."""
    return len(item.text) > ISOLATE_TEXT_CHARS or longest_line(item.text) > ISOLATE_LINE_CHARS


# ---------------------------------------------------------------- the parent side


class Worker:
    """One worker process and the two pipes to it."""

    def __init__(self) -> None:
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root,
                                                          env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "newsfacts.isolation", str(to_child), str(from_child)],
            pass_fds=(to_child, from_child), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, env=env)
        os.close(to_child)
        os.close(from_child)
        self.send = Connection(from_parent, readable=False)
        self.receive = Connection(to_parent, writable=False)
        if not self.receive.poll(START_SECONDS) or self._next() != ("ready",):
            self.kill()
            raise RuntimeError("the worker process (python -m newsfacts.isolation) did not "
                               f"start (exit code {self.process.returncode}); see its "
                               "messages above")

    def _next(self) -> tuple[Any, ...]:
        try:
            return tuple(self.receive.recv())
        except (EOFError, OSError):
            return ("gone",)

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, job: tuple[str, Any], seconds: float | None, stage: Stage) -> Any:
        """The job's result; WorkerStopped past `seconds` (the worker is then killed; None:
        no deadline) or when the worker dies. `stage` is where the job starts; the worker
        reports the next."""
        try:
            self.send.send(job)
        except OSError as exc:
            self.kill()
            raise WorkerGone(str(exc)) from None
        deadline = None if seconds is None else time.monotonic() + seconds
        while True:
            wait = None if deadline is None else max(deadline - time.monotonic(), 0)
            if not self.receive.poll(wait):
                self.kill()
                raise WorkerStopped(stage, True, f"{stage} took over {seconds:g} s, the limit "
                                                 "per article (NEWSFACTS_ARTICLE_SECONDS)")
            message = self._next()
            if message[0] == "stage":
                stage = message[1]
            elif message[0] == "done":
                return message[1]
            else:
                self.kill()
                raise WorkerStopped(stage, False, f"the worker process died during {stage} "
                                                  f"({exit_description(self.process)})")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        self.close_pipes()

    def close(self) -> None:
        """Let the worker end (it stops at the end of its input), killing it if it lingers."""
        self.close_pipes()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()

    def close_pipes(self) -> None:
        for connection in (self.send, self.receive):
            if not connection.closed:
                connection.close()


def exit_description(process: subprocess.Popen[bytes]) -> str:
    """How a process ended, for people: its signal or exit code."""
    code = process.wait()
    if code < 0:
        import signal

        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


_idle: list[Worker] = []
_idle_lock = threading.Lock()
_slots = threading.BoundedSemaphore(MAX_WORKERS)


@contextmanager
def borrowed_worker() -> Iterator[Worker]:
    """A running worker, kept for the next caller unless the job stopped it."""
    with _slots:
        with _idle_lock:
            worker = _idle.pop() if _idle else None
        if worker is None or not worker.alive():
            worker = Worker()
        yield worker
        if worker.alive():
            with _idle_lock:
                _idle.append(worker)


@atexit.register
def close_workers() -> None:
    """End the idle workers (used at exit, and by tests that count processes)."""
    with _idle_lock:
        workers, _idle[:] = list(_idle), []
    for worker in workers:
        worker.close()


def limits_environment() -> dict[str, str | None]:
    """This process's limit variables, sent with each job: a worker started earlier must
    apply the limits of now."""
    return {name: os.environ.get(name) for name in ENVIRONMENT.values()}


def run_isolated(job: tuple[str, Any], seconds: float | None, stage: Stage) -> Any:
    """Run a job in a worker; a worker found gone before the job is replaced once."""
    for attempt in range(2):
        try:
            with borrowed_worker() as worker:
                return worker.run((*job, limits_environment()), seconds, stage)
        except WorkerGone:
            if attempt:
                raise
    raise AssertionError("unreachable")


def process_isolated(item: RawArticle, seconds: float) -> BatchResult:
    """Clean, extract and parse one article in a worker; a Rejection if it is stopped."""
    try:
        result: BatchResult = run_isolated(("article", item), seconds, "clean")
    except WorkerStopped as stop:
        suffix = "timeout" if stop.timed_out else "crash"
        return BatchResult((), (), (Rejection(
            item.source_uri, item.article_id, item.raw_sha256, stop.stage,
            f"{stop.stage}_{suffix}",
            f"{item.source_uri}: {stop.detail}; the article was stopped and left out"),))
    return result


def process_in_worker(items: list[RawArticle | Rejection], seconds: float) -> BatchResult:
    """What `pipeline.process_together` gives for a batch's short articles, computed in a
    worker, so that the models live there and not in the process that publishes.

    The batch has no deadline (the size of a short article bounds its time). If the worker
    dies, each article is processed alone under `seconds`, so that only the one that
    killed it is rejected (`*_crash`)."""
    try:
        result: BatchResult = run_isolated(("batch", items), None, "clean")
    except WorkerStopped:
        return BatchResult.merge([
            process_isolated(item, seconds) if isinstance(item, RawArticle)
            else BatchResult((), (), (item,)) for item in items])
    return result


def in_dask_worker() -> bool:
    """Whether this process is a Dask worker: its own process already, apart from the one
    that publishes (and its CPU is what the Dask benchmark counts)."""
    if "distributed" not in sys.modules:
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True


def html_text_isolated(data: bytes, seconds: float) -> str:
    """The main text of a page, extracted in a worker; DecodeError if stopped or none."""
    from newsfacts.ingest.decode import DecodeError

    try:
        outcome = run_isolated(("html", data), seconds, "ingest")
    except WorkerStopped as stop:
        suffix = "timeout" if stop.timed_out else "crash"
        raise DecodeError(f"ingest_{suffix}", f"main-text extraction: {stop.detail}") from None
    if outcome[0] == "error":
        raise DecodeError(outcome[1], outcome[2])
    return str(outcome[1])


# ---------------------------------------------------------------- the worker side


def article_job(item: RawArticle, on_stage: OnStage) -> BatchResult:
    """What process_batch does for one article: clean, extract, then the NLP pass."""
    from newsfacts.pipeline import extract_batch_nlp, process_item

    result = process_item(item, on_stage)
    on_stage("extract")
    return BatchResult.merge([result, extract_batch_nlp(result.articles)])


def batch_job(items: list[RawArticle | Rejection], on_stage: OnStage) -> BatchResult:
    """What process_batch does for a batch's short articles: each cleaned and extracted,
    then one NLP pass over them."""
    from newsfacts.pipeline import process_together

    return process_together(items)


def html_job(data: bytes, on_stage: OnStage) -> tuple[str, ...]:
    """("text", main text) of a page, or ("error", reason, detail)."""
    from newsfacts.ingest.decode import DecodeError
    from newsfacts.ingest.html import html_text_in_process

    try:
        return ("text", html_text_in_process(data))
    except DecodeError as err:
        return ("error", err.reason, err.detail)
    except Exception as exc:  # as in the calling process: an error is the page's rejection
        return ("error", "ingest_error", f"{type(exc).__name__}: {exc}")


JOBS: dict[str, Callable[[Any, OnStage], Any]] = {
    "article": article_job, "batch": batch_job, "html": html_job}


def exit_with_parent() -> None:
    """End this process when the parent that started it is gone (it cannot kill us then)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def serve(read_fd: int, write_fd: int) -> None:
    """The worker's loop: load the model, then answer jobs until the input ends."""
    receive = Connection(read_fd, writable=False)
    send = Connection(write_fd, readable=False)
    exit_with_parent()
    from newsfacts.extract.nlp import load_model

    load_model()
    send.send(("ready",))
    while True:
        try:
            kind, payload, environment = receive.recv()
        except EOFError:
            return
        for name, value in environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        send.send(("done", JOBS[kind](payload, lambda stage: send.send(("stage", stage)))))


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
