"""Later mentions of a meeting already reported in the article.

"Maduro said at yesterday's meeting that ..." and "commercial agreements were signed during
the meeting" name no actor: the definite noun phrase points back to the last meeting of the
article that had named actors ("Maduro yesterday also met with Turkish President Erdogan").
A meeting whose subject is the pair ("the two leaders discussed ...", "they discussed ...")
is the same meeting too. With no such meeting in the last few sentences, the reference is to
the article's first meeting with actors, the one its lead reports. Such an event takes that
meeting's actors, and its date and place when it names none:

* the reference itself ("at yesterday's meeting") is the same meeting: same actors and CAMEO
  reading, one more mention of it (the `events` table has a row per event mention);
* an event *during* the meeting ("agreements were signed during the meeting") is done by both
  sides together: one reciprocal record with all the meeting's actors in `actor1`.

A place the reference names ("the meeting that took place in the Palace of Miraflores") is
more precise than a country-level place of the meeting ("in Venezuela"): it replaces it when
it is not in another country. The words are data (`references` in rules/events.json).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any, Literal

from newsfacts.extract import gazetteer
from newsfacts.records import EventMatch

Reference = Literal["same", "during"]


@lru_cache(maxsize=1)
def reference_rules() -> dict[str, Any]:
    return gazetteer.load_rules("events.json")["references"]


@lru_cache(maxsize=1)
def reference_patterns() -> tuple[re.Pattern[str], re.Pattern[str], int]:
    """(a definite determiner ending right before a trigger, a "during the meeting" phrase,
    how many sentences back the meeting may be)."""
    rules = reference_rules()
    alternatives = lambda words: "|".join(re.escape(w) for w in words)  # noqa: E731
    possessive = rf"(?:{alternatives(rules['possessive_times'])})(?:['’]?s)"
    determiner = rf"\b(?:{alternatives(rules['determiners'])}|{possessive})"
    nouns = rf"(?:{alternatives(rules['nouns'])})s?"
    during = rf"\b(?:{alternatives(rules['during'])})\s+{determiner}\s+{nouns}\b"
    return (re.compile(rf"{determiner}\s+$", re.IGNORECASE),
            re.compile(during, re.IGNORECASE), int(rules["max_sentences_back"]))


def reference_kind(event: EventMatch) -> Reference | None:
    """How an event without actors points back at a meeting, if it does."""
    ending_before, during, _ = reference_patterns()
    before = event.sentence[:event.trigger_start - event.sentence_start]
    if event.event_type == "CONSULT" and (
            ending_before.search(before)
            or (event.actor1_text or "").lower() in reference_rules()["pair_subjects"]):
        return "same"
    after = event.sentence[event.trigger_end - event.sentence_start:]
    if during.search(after):
        return "during"
    return None


def has_actors(event: EventMatch) -> bool:
    """Whether the event names who acts: an entity or a country in actor1."""
    return bool(event.actor1_entity_ids or event.actor1_countries)


def is_meeting_for(candidate: EventMatch, reference: EventMatch) -> bool:
    """Whether a reference can name this earlier event: a meeting with actors, not negated,
    with the reference's status (a meeting that "was held" is not the one planned)."""
    return (candidate.event_type == "CONSULT" and has_actors(candidate)
            and not candidate.negated and candidate.status == reference.status
            and candidate.sentence_index < reference.sentence_index)


def meeting_before(events: Sequence[EventMatch], k: int) -> int | None:
    """Index of the meeting event k refers to: the last one in the sentences before it,
    else the article's first one."""
    _, _, back = reference_patterns()
    reference = events[k]
    candidates = [j for j in range(k) if is_meeting_for(events[j], reference)]
    near = [j for j in candidates if events[j].sentence_index >= reference.sentence_index - back]
    return near[-1] if near else candidates[0] if candidates else None


def as_same_meeting(event: EventMatch, meeting: EventMatch) -> EventMatch:
    """The reference with the meeting's actors and reading; its own date and place kept."""
    return replace(
        event, cameo_code=meeting.cameo_code, goldstein=meeting.goldstein,
        quad_class=meeting.quad_class, mode=meeting.mode, symmetric=meeting.symmetric,
        actor1_entity_ids=meeting.actor1_entity_ids, actor2_entity_ids=meeting.actor2_entity_ids,
        actor1_countries=meeting.actor1_countries, actor2_countries=meeting.actor2_countries,
        actor1_sectors=meeting.actor1_sectors, actor2_sectors=meeting.actor2_sectors,
        actor1_text=meeting.actor1_text, actor2_text=meeting.actor2_text,
        **time_and_place(event, meeting), confidence=meeting.confidence,
    )


def as_done_during(event: EventMatch, meeting: EventMatch) -> EventMatch:
    """The event as done by all the meeting's actors together (one reciprocal record)."""
    texts = [t for t in (meeting.actor1_text, meeting.actor2_text) if t]
    return replace(
        event, symmetric=True,
        actor1_entity_ids=tuple(dict.fromkeys(meeting.actor1_entity_ids
                                              + meeting.actor2_entity_ids)),
        actor2_entity_ids=(),
        actor1_countries=tuple(sorted({*meeting.actor1_countries, *meeting.actor2_countries})),
        actor2_countries=(),
        actor1_sectors=tuple(sorted({*meeting.actor1_sectors, *meeting.actor2_sectors})),
        actor2_sectors=(),
        actor1_text=" and ".join(texts) or None, actor2_text=None,
        **time_and_place(event, meeting), confidence=round(min(1.0, event.confidence + 0.3), 2),
    )


def time_and_place(event: EventMatch, meeting: EventMatch) -> dict[str, object]:
    """The event's own date and place, else the meeting's."""
    fields: dict[str, object] = {}
    if event.date_text is None and meeting.date_text is not None:
        fields |= {"date_text": meeting.date_text, "date_start": meeting.date_start,
                   "date_end": meeting.date_end}
    if event.location_entity_id is None:
        fields["location_entity_id"] = meeting.location_entity_id
    return fields


def refines(old: str | None, new: str | None, country_places: frozenset[str],
            countries: Mapping[str, str | None]) -> bool:
    """Whether place `new` is a more precise place for a meeting held at `old`."""
    if new is None or new == old:
        return False
    if old is None:
        return True
    return old in country_places and countries.get(new) in (None, countries.get(old))


def link_meeting_references(
    events: Sequence[EventMatch], country_places: frozenset[str],
    countries: Mapping[str, str | None],
) -> tuple[EventMatch, ...]:
    """Events with their references to earlier meetings resolved (see the module docstring).

    `country_places` are the entity ids of places that are whole countries; `countries` maps
    entity ids to their ISO alpha-2 codes.
    """
    out = list(events)
    points_to: dict[int, int] = {}  # a resolved reference -> the meeting it names
    for k, event in enumerate(out):
        if has_actors(event) or (kind := reference_kind(event)) is None:
            continue
        if (j := meeting_before(out, k)) is None:
            continue
        meeting = out[j]
        out[k] = as_same_meeting(event, meeting) if kind == "same" else as_done_during(
            event, meeting)
        points_to[k] = j
        old, new = meeting.location_entity_id, event.location_entity_id
        if refines(old, new, country_places, countries):
            while j is not None and out[j].location_entity_id == old:
                out[j] = replace(out[j], location_entity_id=new)
                j = points_to.get(j)
    return tuple(out)
