"""Events placed in their article: stable ids, dates resolved against the article's date."""

from __future__ import annotations

from collections.abc import Sequence

from newsfacts.extract.event_dates import resolve_event_date
from newsfacts.extract.events import reverse_reading
from newsfacts.ids import sha256_hex
from newsfacts.records import Article, Event, EventMatch


def make_event_id(article_id: str, match: EventMatch) -> str:
    """`v` + 16 hex chars of SHA-256 over the article id, trigger offsets and type."""
    key = f"{article_id}\x00{match.trigger_start}\x00{match.trigger_end}\x00{match.event_type}"
    return "v" + sha256_hex(key.encode())[:16]


def place_events(article: Article, matches: Sequence[EventMatch]) -> tuple[Event, ...]:
    """Event rows of one article; `story_id` is set later, across the dataset. The reverse
    CAMEO reading comes from each match's final code and actors (meeting references linked)."""
    events: dict[str, Event] = {}
    for m in matches:
        date, precision = (None, "unknown")
        if m.date_text:
            date, precision = resolve_event_date(
                m.date_text, article.published_date, article.published_date_precision,
                future=m.status == "planned")
        event_id = make_event_id(article.article_id, m)
        reverse_code, reverse_goldstein = reverse_reading(
            m.cameo_code, m.symmetric, bool(m.actor2_entity_ids or m.actor2_countries))
        events.setdefault(event_id, Event(
            event_id=event_id, article_id=article.article_id, story_id="",
            event_type=m.event_type, cameo_code=m.cameo_code, goldstein=m.goldstein,
            cameo_reverse_code=reverse_code, goldstein_reverse=reverse_goldstein,
            quad_class=m.quad_class, mode=m.mode, status=m.status, negated=m.negated,
            symmetric=m.symmetric, actor1_entity_ids=m.actor1_entity_ids,
            actor1_countries=m.actor1_countries, actor1_sectors=m.actor1_sectors,
            actor1_text=m.actor1_text, actor2_entity_ids=m.actor2_entity_ids,
            actor2_countries=m.actor2_countries, actor2_sectors=m.actor2_sectors,
            actor2_text=m.actor2_text, event_date=date, event_date_precision=precision,
            date_text=m.date_text, date_start=m.date_start, date_end=m.date_end,
            location_entity_id=m.location_entity_id, topics=m.topics, trigger=m.trigger,
            trigger_start=m.trigger_start, trigger_end=m.trigger_end,
            sentence_index=m.sentence_index, sentence=m.sentence,
            sentence_start=m.sentence_start, sentence_end=m.sentence_end,
            confidence=m.confidence,
        ))
    return tuple(events.values())
