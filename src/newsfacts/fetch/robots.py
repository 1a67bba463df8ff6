"""robots.txt (RFC 9309) with urllib.robotparser: the rules for a site from its answer."""

from __future__ import annotations

import urllib.parse
from urllib.robotparser import RobotFileParser

MAX_CRAWL_DELAY = 60.0  # seconds; a larger Crawl-delay is capped, not obeyed to the letter


def site_origin(url: str) -> str:
    """`scheme://host[:port]` of a URL: robots.txt applies per origin."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def robots_url(url: str) -> str:
    """Where the robots.txt that governs `url` lives."""
    return site_origin(url) + "/robots.txt"


def rules_from_answer(status: int | None, body: bytes) -> RobotFileParser:
    """The rules a site's robots.txt answer gives (RFC 9309 2.3.1): a 2xx body is parsed;
    4xx (and too many redirects) mean no rules, so everything is allowed; a 5xx or no answer
    at all (`status` None) means the site is unreachable, so nothing is allowed."""
    rules = RobotFileParser()
    if status is None or status >= 500:
        rules.disallow_all = True
    elif 200 <= status < 300:
        rules.parse(body.decode("utf-8", errors="replace").splitlines())
    else:
        rules.allow_all = True
    return rules


def crawl_delay(rules: RobotFileParser, user_agent: str) -> float:
    """The Crawl-delay the rules ask of us, capped at MAX_CRAWL_DELAY; 0 when none."""
    delay = rules.crawl_delay(user_agent)
    return min(float(delay), MAX_CRAWL_DELAY) if delay else 0.0
