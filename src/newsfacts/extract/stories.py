"""Dataset-level event views: one story per real-world event, and country dyads by month.

A story is what several event mentions report together: the same PLOVER type and mode and the
same set of actors (entity ids, direction ignored: "X met Y" and "Y met X" are one meeting),
with compatible dates. Dates are compatible when neither contradicts the other at the coarser
precision ("2017-07-10" fits "2017" and "July 2017", not "2018"); a mention without a date
joins a story only with other undated mentions of the same article. Mentions are taken most
precise date first, so each story is anchored on its best-dated mention, and the story id is a
hash of the key and that anchor's event id: stable for the same inputs.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from newsfacts.ids import sha256_hex
from newsfacts.records import Dyad, Event, EventCore

# Whole events, or the core of each that publishing keeps (`EventCore`): the same answers.
AnyEvent = TypeVar("AnyEvent", Event, EventCore)

PRECISION_RANK = {"day": 0, "month": 1, "year": 2, "unknown": 3}


def story_key(event: Event | EventCore) -> str:
    """Type, mode and the unordered set of actors."""
    actors = sorted({*event.actor1_entity_ids, *event.actor2_entity_ids})
    return "\x00".join([event.event_type, event.mode or "", *actors])


def dates_compatible(a: Event | EventCore, b: Event | EventCore) -> bool:
    """True when two event dates can be the same day at the coarser of their precisions."""
    if a.event_date is None or b.event_date is None:
        return a.event_date is None and b.event_date is None and a.article_id == b.article_id
    coarser = max(a.event_date_precision, b.event_date_precision, key=PRECISION_RANK.__getitem__)
    return same_period(a.event_date, b.event_date, coarser)


def same_period(a: dt.date, b: dt.date, precision: str) -> bool:
    """Equal at a precision: same day, same month or same year."""
    if precision == "day":
        return a == b
    if precision == "month":
        return (a.year, a.month) == (b.year, b.month)
    return a.year == b.year


def assign_stories(events: Sequence[AnyEvent]) -> tuple[AnyEvent, ...]:
    """Every event with its story_id set (see the module docstring)."""
    by_key: dict[str, list[AnyEvent]] = defaultdict(list)
    for event in events:
        by_key[story_key(event)].append(event)
    story_of: dict[str, str] = {}
    for key, group in by_key.items():
        ordered = sorted(group, key=lambda e: (PRECISION_RANK[e.event_date_precision],
                                               e.event_date or dt.date.min, e.event_id))
        anchors: list[tuple[AnyEvent, str]] = []
        for event in ordered:
            story = next((sid for anchor, sid in anchors if dates_compatible(anchor, event)), None)
            if story is None:
                story = "s" + sha256_hex(f"{key}\x00{event.event_id}".encode())[:16]
                anchors.append((event, story))
            story_of[event.event_id] = story
    return tuple(replace(e, story_id=story_of[e.event_id]) for e in events)


def event_month(event: Event | EventCore) -> str:
    """YYYY-MM of an event dated to the month or day, else `unknown`."""
    if event.event_date is None or event.event_date_precision not in ("day", "month"):
        return "unknown"
    return event.event_date.strftime("%Y-%m")


def country_pairs(event: Event | EventCore) -> list[tuple[str, str]]:
    """(source, target) country pairs an event counts for (reciprocal: unordered, s < t)."""
    if event.symmetric:
        countries = sorted(set(event.actor1_countries))
        return [(a, b) for i, a in enumerate(countries) for b in countries[i + 1:]]
    return sorted({(a, b) for a in event.actor1_countries for b in event.actor2_countries})


def count_dyads(events: Sequence[Event | EventCore]) -> tuple[Dyad, ...]:
    """Events counted by country pair, type, month and symmetry."""
    cells: dict[tuple[str, str, str, str, bool], list[Event | EventCore]] = defaultdict(list)
    for event in events:
        if event.negated:
            continue
        for source, target in country_pairs(event):
            key = (source, target, event.event_type, event_month(event), event.symmetric)
            cells[key].append(event)
    return tuple(
        Dyad(source_country=s, target_country=t, event_type=kind, month=month,
             symmetric=symmetric, event_count=len(group),
             story_count=len({e.story_id for e in group}),
             article_ids=tuple(sorted({e.article_id for e in group})))
        for (s, t, kind, month, symmetric), group in sorted(cells.items())
    )
