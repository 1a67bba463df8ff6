"""Per-host rate limit: requests to one host start at least an interval apart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class HostRateLimiter:
    """Spaces the starts of requests to the same host by at least `interval` seconds.

    Each call reserves the next free slot under a lock, so threads sharing one limiter
    still keep the spacing per host; different hosts never wait for each other.
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, interval: float | None = None) -> float:
        """Block until a request to `host` may start; return the seconds waited."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + (self.interval if interval is None else interval)
        delay = start - now
        if delay > 0:
            self._sleep(delay)
        return delay
