"""Per-article limits: sizes checked before reading, and long articles processed in a worker
process that is killed at the deadline or when it dies, without stopping the batch."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from bad_texts import ARTICLES, article_html
from newsfacts import isolation
from newsfacts.ids import sha256_hex
from newsfacts.ingest.decode import DecodeError
from newsfacts.ingest.folder import read_folder
from newsfacts.ingest.html import html_bytes_to_text, html_text_in_process
from newsfacts.limits import Limits, LimitsError, current_limits
from newsfacts.pipeline import extract_batch_nlp, process_batch, process_item, process_together
from newsfacts.records import BatchResult, RawArticle, Rejection

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def raw(uri: str, text: str) -> RawArticle:
    return RawArticle("a" + sha256_hex(uri.encode())[:16], uri, sha256_hex(text.encode()), text)


def seed_text(index: int) -> str:
    return sorted(SEEDS.glob("*.txt"))[index].read_text(encoding="utf-8")


def long_article(copies: int) -> str:
    """A real article repeated: well over ISOLATE_TEXT_CHARS, and slow to parse."""
    return seed_text(1) + "\n\n" + "\n\n".join([seed_text(1).split("\n", 1)[1]] * copies)


def worker_pids() -> list[int]:
    """Process ids of this process's isolation workers (from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"newsfacts.isolation" in command:
            pids.append(int(entry.name))
    return pids


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert current_limits() == Limits(1_000_000, 10_000_000, 120.0)
    monkeypatch.setenv("NEWSFACTS_MAX_ARTICLE_BYTES", "2_000")
    monkeypatch.setenv("NEWSFACTS_ARTICLE_SECONDS", "2.5")
    assert current_limits() == Limits(2_000, 10_000_000, 2.5)
    for value in ("lots", "0", "-1", "nan", "inf"):
        monkeypatch.setenv("NEWSFACTS_ARTICLE_SECONDS", value)
        with pytest.raises(LimitsError, match="NEWSFACTS_ARTICLE_SECONDS"):
            current_limits()


def test_the_number_of_workers_comes_from_the_environment() -> None:
    assert isolation.max_workers({}) == max(1, min(4, os.cpu_count() or 1))
    assert isolation.max_workers({"NEWSFACTS_WORKERS": "1"}) == 1
    assert isolation.max_workers({"NEWSFACTS_WORKERS": " 6 "}) == 6
    for value in ("0", "-1", "two", "1.5"):
        with pytest.raises(ValueError, match="NEWSFACTS_WORKERS"):
            isolation.max_workers({"NEWSFACTS_WORKERS": value})


def test_a_file_over_the_limit_is_rejected_before_it_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFACTS_MAX_ARTICLE_BYTES", "1000")
    monkeypatch.setenv("NEWSFACTS_MAX_HTML_BYTES", "5000")
    (tmp_path / "text.txt").write_text(seed_text(0), encoding="utf-8")
    (tmp_path / "page.html").write_text(article_html(0) + " " * 5000, encoding="utf-8")
    (tmp_path / "small.html").write_text(article_html(0), encoding="utf-8")
    items = {item.source_uri.split("/")[-1]: item for item in read_folder(tmp_path)}
    for name in ("text.txt", "page.html"):
        rejection = items[name]
        assert isinstance(rejection, Rejection) and rejection.reason == "ingest_too_large"
        assert rejection.raw_sha256 is None  # refused on its size, not read
        assert rejection.detail.startswith(rejection.source_uri + ": ")
        assert "NEWSFACTS_MAX_" in rejection.detail
    assert isinstance(items["small.html"], RawArticle)


def test_which_articles_run_in_the_worker() -> None:
    assert not isolation.needs_isolation(raw("short", seed_text(0)))
    assert isolation.needs_isolation(raw("long", "word " * 4_001))
    assert isolation.needs_isolation(raw("long line", "Title\n\n" + "x" * 5_001))


def test_an_isolated_article_gives_what_it_gives_in_process() -> None:
    item = raw("long.txt", long_article(12))
    assert isolation.needs_isolation(item)
    alone = process_item(item)
    expected = BatchResult.merge([alone, extract_batch_nlp(alone.articles)])
    assert process_batch([item]) == expected
    assert expected.articles and expected.mentions and not expected.rejected


def test_a_slow_article_is_stopped_and_the_batch_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    process_batch([raw("warm.txt", long_article(10))])  # a worker ready, its model loaded
    monkeypatch.setenv("NEWSFACTS_ARTICLE_SECONDS", "0.2")
    slow = raw("slow.txt", long_article(70))  # seconds of parsing on any machine
    start = time.monotonic()
    result = process_batch([raw("a.txt", seed_text(0)), slow, raw("b.txt", seed_text(1))])
    assert time.monotonic() - start < 60
    assert sorted(a.source_uri for a in result.articles) == ["a.txt", "b.txt"]
    [stopped] = result.rejected
    assert stopped.source_uri == "slow.txt" and stopped.article_id == slow.article_id
    assert stopped.reason in ("clean_timeout", "extract_timeout")
    assert stopped.reason == f"{stopped.stage}_timeout"
    assert stopped.detail.startswith("slow.txt: ")
    assert "took over 0.2 s" in stopped.detail and "NEWSFACTS_ARTICLE_SECONDS" in stopped.detail
    monkeypatch.setenv("NEWSFACTS_ARTICLE_SECONDS", "120")
    after = process_batch([raw("after.txt", long_article(10))])  # a fresh worker
    assert [a.source_uri for a in after.articles] == ["after.txt"]


def cpu_ticks(pid: int) -> int:
    """User + system CPU time of a process, in clock ticks (from /proc)."""
    fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def kill_once_busy(workers: list[int], job: Callable[[], None],
                   before_kill: Callable[[], bool] = lambda: True) -> None:
    """Run `job` in a thread and SIGKILL `workers` once one is working on it (a fixed sleep
    raced fast machines); `before_kill()` must hold at that moment. Waits for the job."""
    before = {pid: cpu_ticks(pid) for pid in workers}
    thread = threading.Thread(target=job)
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and all(
            cpu_ticks(pid) - before[pid] < 5 for pid in workers):
        time.sleep(0.01)
    assert before_kill(), "the job ended before the worker could be killed"
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    thread.join(300)


def test_a_worker_that_dies_is_the_article_s_rejection() -> None:
    process_batch([raw("warm.txt", long_article(10))])
    busy = worker_pids()
    assert busy
    results: list[BatchResult] = []
    kill_once_busy(busy, lambda: results.append(
        isolation.process_isolated(raw("killed.txt", long_article(70)), 120.0)))
    [stopped] = results[0].rejected
    assert stopped.reason in ("clean_crash", "extract_crash")
    assert "killed by SIGKILL" in stopped.detail and stopped.detail.startswith("killed.txt: ")
    assert process_batch([raw("then.txt", long_article(10))]).articles  # a new worker


def test_a_batch_is_processed_in_a_worker_as_it_would_be_in_process() -> None:
    items = [raw("a.txt", seed_text(0)), raw("b.txt", seed_text(1))]
    isolation.close_workers()
    result = process_batch(items)
    assert worker_pids(), "the batch was not processed in a worker"
    assert result == process_together(items)
    assert len(result.articles) == 2 and result.mentions and not result.rejected


def test_a_worker_that_dies_during_a_batch_costs_no_article() -> None:
    """Killed while it works on a batch (as the kernel's OOM killer would), the worker is
    replaced and the batch's articles are processed one by one: none is lost."""
    items = [raw(f"{n}.txt", seed_text(n % 2)) for n in range(40)]
    process_batch(items[:1])  # a worker ready, its model loaded
    results: list[BatchResult] = []
    kill_once_busy(worker_pids(), lambda: results.append(process_batch(items)),
                   before_kill=lambda: not results)
    [result] = results
    assert not result.rejected
    assert sorted(a.source_uri for a in result.articles) == sorted(i.source_uri for i in items)
    expected = process_together(items)
    assert Counter(result.mentions) == Counter(expected.mentions) and expected.mentions


def test_the_process_that_publishes_does_not_load_the_models(tmp_path: Path) -> None:
    """The models (~0.5 GB) live in the worker, which ends before publishing."""
    import subprocess
    import sys

    script = ("import sys; from pathlib import Path; from newsfacts.pipeline import run_build; "
              f"run_build(Path({str(SEEDS)!r}), Path({str(tmp_path)!r})); "
              "print(sorted(m for m in ('spacy', 'lightgbm') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=600)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "newsfacts" / "latest" / "articles.parquet").exists()


def big_page(index: int, padding: int) -> bytes:
    """An invented article with `padding` bytes of script before it: over the isolation
    threshold, quick to read (real pages of this size are mostly script)."""
    script = "<script>var data = [" + ",".join(["1"] * (padding // 2)) + "];</script>"
    return article_html(index, extra_head=script).encode()


def test_a_large_page_is_read_in_the_worker_under_the_deadline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = big_page(2, 1_200_000)
    assert len(page) > isolation.ISOLATE_HTML_BYTES
    assert html_bytes_to_text(page) == html_text_in_process(page)
    assert html_bytes_to_text(page).startswith(ARTICLES[2][0])
    isolation.close_workers()  # the next worker starts under a limit below the next page
    monkeypatch.setenv("NEWSFACTS_MAX_HTML_BYTES", "1300000")
    assert html_bytes_to_text(page).startswith(ARTICLES[2][0])
    monkeypatch.setenv("NEWSFACTS_MAX_HTML_BYTES", "2500000")  # and follows it when raised
    assert html_bytes_to_text(big_page(3, 2_000_000)).startswith(ARTICLES[3][0])
    monkeypatch.delenv("NEWSFACTS_MAX_HTML_BYTES")
    monkeypatch.setenv("NEWSFACTS_ARTICLE_SECONDS", "0.2")
    # Paragraphs repeated: trafilatura's time grows faster than the page (minutes at 19 MB).
    slow = ("<html><body><article>" + "<p>The same paragraph, once more, again.</p>" * 100_000
            + "</article></body></html>").encode()
    with pytest.raises(DecodeError) as caught:
        html_bytes_to_text(slow)
    assert caught.value.reason == "ingest_timeout"
    (tmp_path / "slow.html").write_bytes(slow)
    [rejection] = read_folder(tmp_path)
    assert isinstance(rejection, Rejection) and rejection.reason == "ingest_timeout"
    assert rejection.detail.startswith(f"{tmp_path.name}/slow.html: main-text extraction: ")


def test_idle_workers_end_before_publishing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    """Each worker holds a copy of the models: the dataset steps do not need them."""
    from newsfacts import incremental, pipeline

    source = tmp_path / "in"
    source.mkdir()
    (source / "long.txt").write_text(long_article(12), encoding="utf-8")
    seen: dict[str, list[int]] = {}
    real_batch, real_finish = pipeline.process_batch, incremental.finish_build

    def batch_then_look(items):  # type: ignore[no-untyped-def]
        result = real_batch(items)
        seen["after processing"] = worker_pids()
        return result

    def look_then_finish(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen["publishing"] = worker_pids()
        return real_finish(*args, **kwargs)

    monkeypatch.setattr(pipeline, "process_batch", batch_then_look)
    monkeypatch.setattr(incremental, "finish_build", look_then_finish)
    summary = pipeline.run_build(source, tmp_path / "out")
    assert summary.rows["articles"] == 1
    assert seen["after processing"], "the long article was not processed in a worker"
    assert seen["publishing"] == []
