"""Freed memory handed back between publishing's steps (`newsfacts.memory`)."""

from __future__ import annotations

import platform

import pytest

from newsfacts.memory import _malloc_trim, release_free_memory


def resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:")) / 1e3


@pytest.mark.skipif(platform.system() != "Linux" or _malloc_trim() is None,
                    reason="malloc_trim is glibc's (Linux)")
def test_free_memory_kept_by_malloc_goes_back_to_the_system() -> None:
    # 1 kB strings come from malloc (Python's own allocator takes only up to 512 bytes); one
    # in 50 kept pins the heap's top, so malloc cannot shrink it by itself
    blocks = [b"x" * 1000 + i.to_bytes(4, "little") for i in range(200_000)]
    kept = blocks[::50]
    del blocks
    before = resident_mb()
    assert release_free_memory() is True
    after = resident_mb()
    del kept  # alive until here, so that the heap stayed pinned
    assert before - after > 50, (before, after)


def test_without_malloc_trim_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("newsfacts.memory._malloc_trim", lambda: None)
    assert release_free_memory() is False
