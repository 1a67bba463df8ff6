"""Quotes placed in their article: stable ids, speakers linked to entity mentions."""

from __future__ import annotations

from collections.abc import Sequence

from newsfacts.ids import sha256_hex
from newsfacts.records import Mention, Quote, QuoteMatch

# When a speaker span overlaps several mentions ("Venezuela's Foreign Ministry" holds
# "Venezuela" and the ministry), people and organisations come first; a country may speak
# for its government ("Russia argued"); a nationality word ("Venezuelan") never speaks.
SPEAKER_TYPE_RANK = {"PERSON": 0, "ORG": 1, "GPE": 2, "LOC": 3}


def make_quote_id(article_id: str, start: int, end: int) -> str:
    """`q` + 16 hex chars of SHA-256 over the article id and the content's offsets."""
    return "q" + sha256_hex(f"{article_id}\x00{start}\x00{end}".encode())[:16]


def speaker_entity(match: QuoteMatch, mentions: Sequence[Mention]) -> str | None:
    """The entity of the mention the speaker span overlaps most (people first), if any."""
    if match.speaker_start is None or match.speaker_end is None:
        return None
    best: tuple[int, int, str] | None = None
    for m in mentions:
        shared = min(m.end_char, match.speaker_end) - max(m.start_char, match.speaker_start)
        if shared > 0 and m.entity_type in SPEAKER_TYPE_RANK:
            candidate = (SPEAKER_TYPE_RANK[m.entity_type], -shared, m.entity_id)
            best = candidate if best is None or candidate < best else best
    return best[2] if best else None


def place_quotes(
    article_id: str, matches: Sequence[QuoteMatch], mentions: Sequence[Mention]
) -> tuple[Quote, ...]:
    """Quote rows of one article; a second match with the same content offsets is dropped."""
    quotes: dict[str, Quote] = {}
    for m in matches:
        quote_id = make_quote_id(article_id, m.start, m.end)
        quotes.setdefault(quote_id, Quote(
            quote_id=quote_id, article_id=article_id, start_char=m.start, end_char=m.end,
            text=m.text, kind=m.kind, speaker_text=m.speaker_text,
            speaker_start=m.speaker_start, speaker_end=m.speaker_end,
            speaker_entity_id=speaker_entity(m, mentions),
            speaker_resolved_from=m.speaker_resolved_from, cue=m.cue, cue_start=m.cue_start,
            cue_end=m.cue_end, cue_group=m.cue_group, channel=m.channel,
            sentence_index=m.sentence_index,
        ))
    return tuple(quotes.values())
