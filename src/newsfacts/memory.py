"""Memory of the publishing process: freed memory handed back between its steps.

Publishing builds, sorts, validates and writes whole tables, and each step frees what the one
before it made. glibc's malloc keeps freed memory for reuse instead of returning it, so the
process's resident size climbs from step to step although what it holds does not: at 10,000
articles, ~200 MB after the tables were sorted (bench/README.md, "Publishing alone at 10k,
session 10", (b)). `malloc_trim` returns the free pages; it changes no data.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's `malloc_trim`, or None where the C library has none (musl, macOS, Windows)."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def release_free_memory() -> bool:
    """Hand the C heap's free pages back to the system; False where that is not possible."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
