"""The fetcher: polite (User-Agent, robots.txt, per-host rate limit), bounded (timeouts,
retries with backoff, redirects, size, http/https only) and conditional (ETag /
Last-Modified); every body it gets is kept in the raw store.

Requests go one at a time; each URL's outcome (body, not modified, or failure) is recorded in
the store's index, which is what a build reads afterwards.
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal
from urllib.robotparser import RobotFileParser

import httpx

from newsfacts import __version__
from newsfacts.fetch.body import BodyError, read_body
from newsfacts.fetch.ratelimit import HostRateLimiter
from newsfacts.fetch.robots import crawl_delay, robots_url, rules_from_answer, site_origin
from newsfacts.rawstore import RawStore

PROJECT_URL = "https://w3id.org/newsfacts"  # the homepage (publish/describe.HOMEPAGE)
ALLOWED_SCHEMES = ("http", "https")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})  # worth another try, later
ACCEPT_ENCODING = "gzip, deflate"  # the encodings body.py decodes within the size cap


def default_user_agent() -> str:
    """`newsfacts/<version> (+<project url>)`: who we are and where to read about it."""
    return f"newsfacts/{__version__} (+{PROJECT_URL})"


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How the fetcher behaves; `[fetch]` in sources.toml overrides any of these."""

    user_agent: str = field(default_factory=default_user_agent)
    min_interval_seconds: float = 1.0  # between two requests to one host (or its Crawl-delay)
    timeout_seconds: float = 20.0  # to connect, and between two reads
    total_timeout_seconds: float = 60.0  # for a whole response, one attempt
    max_bytes: int = 10_000_000  # decoded body
    max_redirects: int = 5
    max_retries: int = 3  # after the first attempt, on 429/5xx, timeouts, dropped connections
    backoff_seconds: float = 1.0  # doubled at each retry
    max_backoff_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What fetching one URL gave: a new body, the stored one (304), or a failure.

    `sha256` is the URL's current body in the store: after a failure, the one kept from
    an earlier fetch, if any.
    """

    url: str
    state: Literal["fetched", "not_modified", "failed"]
    sha256: str | None = None
    reason: str | None = None
    detail: str | None = None


class FetchError(Exception):
    """Why a URL could not be fetched: a reason code, a detail for people, and whether
    trying again may help."""

    def __init__(self, reason: str, detail: str, *, retryable: bool = False,
                 status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Answer:
    """One HTTP response, read: its URL, status, headers and (for a 2xx) body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes


def check_url(url: str) -> None:
    """FetchError unless `url` is an absolute http(s) URL with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise FetchError("ingest_fetch_scheme_refused",
                         f"{url}: only http and https URLs are fetched")
    if not parts.hostname:
        raise FetchError("ingest_fetch_bad_url", f"{url}: no host")


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """The Retry-After header in seconds, when given as a number."""
    value = headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the validators of the stored body."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


class Fetcher:
    """Fetches URLs into a raw store. Use as a context manager (it holds a connection pool)."""

    def __init__(self, store: RawStore, settings: FetchSettings | None = None, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.store = store
        self.settings = settings or FetchSettings()
        self._clock = clock
        self._sleep = sleep
        self._limiter = HostRateLimiter(self.settings.min_interval_seconds, clock, sleep)
        self._robots: dict[str, RobotFileParser] = {}
        self._client = httpx.Client(
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(self.settings.timeout_seconds),
            follow_redirects=False,  # followed by hand: each hop checked (scheme, robots, cap)
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------ public

    def fetch(self, url: str) -> FetchResult:
        """Fetch `url` (conditionally when the store has a body for it) and record the outcome."""
        stored = self.store.lookup(url)
        current = stored.sha256 if stored else None
        if current and not self.store.blob_path(current).exists():
            current = None  # the body went missing: fetch it whole again
        headers = {}
        if stored and current:
            headers = conditional_headers(stored.etag, stored.last_modified)
        try:
            answer = self._follow(url, headers)
        except FetchError as err:
            self.store.record_failure(url, err.reason, err.detail)
            return FetchResult(url, "failed", current, err.reason, err.detail)
        if answer.status == 304:
            self.store.record_not_modified(url)
            return FetchResult(url, "not_modified", current)
        digest = self.store.put(answer.body)
        self.store.record_body(url, digest, final_url=answer.url,
                               etag=answer.headers.get("ETag"),
                               last_modified=answer.headers.get("Last-Modified"),
                               content_type=answer.headers.get("Content-Type"))
        return FetchResult(url, "fetched", digest)

    # ------------------------------------------------------------ hops

    def _follow(self, url: str, headers: dict[str, str], check_robots: bool = True) -> Answer:
        """The final answer for `url` after at most `max_redirects` redirects, each hop
        checked for its scheme and (unless fetching robots.txt) robots.txt."""
        current = url
        for _ in range(self.settings.max_redirects + 1):
            try:
                check_url(current)
            except FetchError as err:
                if current == url:
                    raise
                raise FetchError(err.reason, f"{url}: redirected to {err.detail}") from None
            if check_robots and not self._allowed(current):
                raise FetchError("ingest_fetch_robots_disallowed",
                                 f"{current}: robots.txt of {site_origin(current)} disallows it")
            answer = self._get_with_retries(current, headers)
            if answer.status in REDIRECT_STATUSES:
                location = answer.headers.get("Location")
                if not location:
                    raise FetchError("ingest_fetch_http_error",
                                     f"{current}: HTTP {answer.status} without a Location",
                                     status=answer.status)
                current = urllib.parse.urljoin(current, location.strip())
                continue
            if 200 <= answer.status < 300 or (answer.status == 304 and headers):
                return answer
            raise FetchError("ingest_fetch_http_error", f"{current}: HTTP {answer.status}",
                             status=answer.status)
        raise FetchError("ingest_fetch_too_many_redirects",
                         f"{url}: more than {self.settings.max_redirects} redirects "
                         f"(the last to {current})")

    def _get_with_retries(self, url: str, headers: dict[str, str]) -> Answer:
        """One hop, tried again with exponential backoff while the failure may pass."""
        attempts = self.settings.max_retries + 1
        for attempt in range(1, attempts + 1):
            try:
                return self._get(url, headers)
            except FetchError as err:
                if not err.retryable or attempt == attempts:
                    if attempts > 1 and err.retryable:
                        err.detail = f"{err.detail} ({attempts} attempts)"
                    raise
                backoff = self.settings.backoff_seconds * 2 ** (attempt - 1)
                self._sleep(min(max(backoff, err.retry_after or 0.0),
                                self.settings.max_backoff_seconds))
        raise AssertionError("unreachable")

    def _get(self, url: str, headers: dict[str, str]) -> Answer:
        """One GET of `url`, rate-limited per host, body read within the caps."""
        host = urllib.parse.urlsplit(url).hostname or ""
        self._limiter.wait(host, self._interval(url))
        settings = self.settings
        deadline = self._clock() + settings.total_timeout_seconds
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in RETRY_STATUSES:
                    raise FetchError("ingest_fetch_http_error", f"{url}: HTTP {status}",
                                     retryable=True, status=status,
                                     retry_after=retry_after_seconds(response.headers))
                body = b""
                if 200 <= status < 300:
                    declared = response.headers.get("Content-Length", "")
                    if declared.isdigit() and int(declared) > settings.max_bytes:
                        raise FetchError("ingest_fetch_too_large",
                                         f"{url}: {declared} bytes announced, limit "
                                         f"{settings.max_bytes}")
                    body = read_body(response.iter_raw(), response.headers.get("Content-Encoding"),
                                     settings.max_bytes, deadline, self._clock)
                return Answer(str(response.url), status, response.headers, body)
        except BodyError as err:
            raise FetchError(err.reason, f"{url}: {err.detail}", retryable=err.retryable) from None
        except httpx.TimeoutException:
            raise FetchError("ingest_fetch_timeout",
                             f"{url}: no answer within {settings.timeout_seconds:g} s",
                             retryable=True) from None
        except httpx.TransportError as exc:
            raise FetchError("ingest_fetch_connection_error",
                             f"{url}: {type(exc).__name__}: {exc}", retryable=True) from None
        except httpx.InvalidURL as exc:
            raise FetchError("ingest_fetch_bad_url", f"{url}: {exc}") from None

    # ------------------------------------------------------------ robots.txt

    def _rules(self, url: str) -> RobotFileParser:
        """The robots.txt rules of `url`'s site, fetched once per fetcher and kept in the store."""
        origin = site_origin(url)
        if origin not in self._robots:
            location = robots_url(url)
            try:
                answer = self._follow(location, {}, check_robots=False)
            except FetchError as err:
                self.store.record_failure(location, err.reason, err.detail)
                # Too many redirects count as "unavailable", like a 4xx (RFC 9309 2.3.1.2).
                too_many = err.reason == "ingest_fetch_too_many_redirects"
                rules = rules_from_answer(404 if too_many else err.status, b"")
            else:
                self.store.record_body(location, self.store.put(answer.body),
                                       final_url=answer.url,
                                       content_type=answer.headers.get("Content-Type"))
                rules = rules_from_answer(answer.status, answer.body)
            self._robots[origin] = rules
        return self._robots[origin]

    def _allowed(self, url: str) -> bool:
        return self._rules(url).can_fetch(self.settings.user_agent, url)

    def _interval(self, url: str) -> float:
        """Seconds between requests to this host: ours, or the site's Crawl-delay if longer."""
        rules = self._robots.get(site_origin(url))
        delay = crawl_delay(rules, self.settings.user_agent) if rules else 0.0
        return max(self.settings.min_interval_seconds, delay)
