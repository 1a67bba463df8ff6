"""Typed records passed between stages: the one place their fields are defined.

Records that become table rows (`Article`, `BoilerplateLine`, `Rejection`) have exactly
the columns of their schema in `schemas/`, in the same order; `tests/test_schemas.py`
holds them to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

TextFormat = Literal["text", "html"]
Stage = Literal["ingest", "clean", "extract", "validate"]
DatePrecision = Literal["day", "month", "year", "unknown"]
DateSource = Literal["dateline", "text", "page", "metadata", "source_metadata", "inferred"]
# Where a title or author came from: the article's page (its text, the lines cleaning removed
# around the headline) or the source's record (SourceMeta); a site also from the dateline or
# the host of the record's URL.
ValueSource = Literal["page", "source_metadata"]
SiteSource = Literal["dateline", "page", "source_metadata", "url"]
EntityType = Literal["PERSON", "ORG", "GPE", "NORP", "LOC"]
EventStatus = Literal["happened", "planned", "reported intention", "hypothetical"]
QuoteKind = Literal["direct", "partial", "indirect"]
BoilerplateReason = Literal[
    "advertisement", "newsletter", "image_placeholder", "navigation", "share", "related",
    "comments", "legal", "byline", "other",
]


@dataclass(frozen=True, slots=True)
class SourceMeta:
    """What a source says about an article beside its text (a feed entry, a JSONL record, a
    WARC record's URL): kept on the raw record so that extraction can use it.

    `published` is ISO 8601 (a date, or a date and time) when the source gives one we can
    read, else the text as the source wrote it.
    """

    url: str | None = None
    title: str | None = None
    published: str | None = None
    authors: tuple[str, ...] = ()
    site: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class RawArticle:
    """An article as read from a source: decoded text plus its identity.

    `text_format` says where the text came from: `text` (scraped page text, boilerplate and
    all) or `html` (main text already cut out of a page by an HTML extractor, or given as
    main text by the source). `meta` is what the source said about it, when it said anything.
    """

    article_id: str
    source_uri: str
    raw_sha256: str
    text: str
    text_format: TextFormat = "text"
    meta: SourceMeta | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """Something that could not go on: a file, an article or a table row, with a reason code."""

    source_uri: str
    article_id: str | None
    raw_sha256: str | None
    stage: Stage
    reason: str
    detail: str
    table_name: str | None = None
    row_json: str | None = None


@dataclass(frozen=True, slots=True)
class BoilerplateLine:
    """One line that cleaning removed, kept as the audit trail."""

    article_id: str
    line_no: int
    text: str
    reason: BoilerplateReason
    rule_id: str


@dataclass(frozen=True, slots=True)
class CleanArticle:
    """An article after cleaning: the kept lines, what was removed and the language.

    `text` starts with the headline when the cleaner found one (`title`); `title_line` is
    that headline's 1-based line number in the page and `body_line` the first kept line's
    under it (or the first kept line's), which place the removed lines (bylines, dates)
    relative to them. `meta` is the raw record's SourceMeta, for extraction.
    """

    article_id: str
    source_uri: str
    raw_sha256: str
    text: str
    title: str | None
    language: str | None
    removed: tuple[BoilerplateLine, ...]
    title_line: int | None = None
    meta: SourceMeta | None = None
    body_line: int | None = None


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text with its offsets (end exclusive) into the text it came from."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Dateline:
    """What a dateline says: place, country, date, credited agency or site."""

    span: Span
    place: str
    country: str | None
    date: dt.date | None
    date_precision: DatePrecision
    date_span: Span | None
    credit: str | None
    site: str | None


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """The publication date with how precise it is and where it came from."""

    date: dt.date | None
    precision: DatePrecision
    source: DateSource | None
    span: Span | None


@dataclass(frozen=True, slots=True)
class Article:
    """One row of the `articles` table."""

    article_id: str
    source_uri: str
    raw_sha256: str
    url: str | None
    site: str | None
    site_source: SiteSource | None
    title: str | None
    title_source: ValueSource | None
    standfirst: str | None
    author: str | None
    author_source: ValueSource | None
    credit: str | None
    body: str
    language: str | None
    word_count: int
    dateline: str | None
    dateline_place: str | None
    dateline_country: str | None
    dateline_start: int | None
    dateline_end: int | None
    published_date: dt.date | None
    published_date_precision: DatePrecision
    published_date_source: DateSource | None
    published_date_start: int | None
    published_date_end: int | None
    boilerplate_lines_removed: int
    pipeline_version: str
    duplicate_of: str | None = None  # set across the dataset (duplicates.py), never per article


@dataclass(frozen=True, slots=True)
class Mention:
    """One row of the `mentions` table: a named mention of an entity in an article's body."""

    article_id: str
    start_char: int
    end_char: int
    entity_id: str
    text: str
    entity_type: EntityType
    sentence_index: int
    role: str | None


@dataclass(frozen=True, slots=True)
class EntityFact:
    """What one article says about one entity: names used, country and role found there.

    The dataset-level `entities` table is merged from these (see `extract.entity_merge`).
    """

    article_id: str
    entity_id: str
    entity_type: EntityType
    name: str
    key: str
    country: str | None
    role: str | None
    sector: str | None
    aliases: tuple[str, ...]
    mention_count: int


@dataclass(frozen=True, slots=True)
class Entity:
    """One row of the `entities` table: a person, organisation, place or group."""

    entity_id: str
    entity_type: EntityType
    name: str
    country: str | None
    role: str | None
    sector: str | None
    aliases: tuple[str, ...]
    article_count: int
    mention_count: int


@dataclass(frozen=True, slots=True)
class Quote:
    """One row of the `quotes` table: a QuoteMatch placed in its article, speaker linked."""

    quote_id: str
    article_id: str
    start_char: int
    end_char: int
    text: str
    kind: QuoteKind
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_entity_id: str | None
    speaker_resolved_from: str | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    cue_group: str | None
    channel: str | None
    sentence_index: int


@dataclass(frozen=True, slots=True)
class Event:
    """One row of the `events` table: an EventMatch placed in its article, date resolved.

    `cameo_reverse_code` / `goldstein_reverse` read the same event from actor2 to actor1
    (`extract.events.reverse_reading`): 043 host a visit for a 042 visit, the own code for a
    reciprocal record, None for a directed event CAMEO has no reverse for.
    """

    event_id: str
    article_id: str
    story_id: str
    event_type: str
    cameo_code: str
    goldstein: float
    cameo_reverse_code: str | None
    goldstein_reverse: float | None
    quad_class: int
    mode: str | None
    status: EventStatus
    negated: bool
    symmetric: bool
    actor1_entity_ids: tuple[str, ...]
    actor1_countries: tuple[str, ...]
    actor1_sectors: tuple[str, ...]
    actor1_text: str | None
    actor2_entity_ids: tuple[str, ...]
    actor2_countries: tuple[str, ...]
    actor2_sectors: tuple[str, ...]
    actor2_text: str | None
    event_date: dt.date | None
    event_date_precision: DatePrecision
    date_text: str | None
    date_start: int | None
    date_end: int | None
    location_entity_id: str | None
    topics: tuple[str, ...]
    trigger: str
    trigger_start: int
    trigger_end: int
    sentence_index: int
    sentence: str
    sentence_start: int
    sentence_end: int
    confidence: float


@dataclass(frozen=True, slots=True)
class EventCore:
    """The fields of an `Event` that the dataset-level steps read or change (entity merge,
    stories, dyads): what publishing keeps of each event as a record, the rest of the event
    staying in Arrow (~0.37 against ~1.1 kB per event as a whole record, tracemalloc on the dev
    quotes corpus; `tables.batch_to_tables`)."""

    event_id: str
    article_id: str
    story_id: str
    event_type: str
    mode: str | None
    negated: bool
    symmetric: bool
    actor1_entity_ids: tuple[str, ...]
    actor1_countries: tuple[str, ...]
    actor2_entity_ids: tuple[str, ...]
    actor2_countries: tuple[str, ...]
    location_entity_id: str | None
    event_date: dt.date | None
    event_date_precision: DatePrecision


@dataclass(frozen=True, slots=True)
class Dyad:
    """One row of the `dyads` table: events of a country pair, type and month."""

    source_country: str
    target_country: str
    event_type: str
    month: str
    symmetric: bool
    event_count: int
    story_count: int
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What processing one batch of raw articles produced."""

    articles: tuple[Article, ...]
    boilerplate: tuple[BoilerplateLine, ...]
    rejected: tuple[Rejection, ...]
    mentions: tuple[Mention, ...] = ()
    entity_facts: tuple[EntityFact, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()

    @staticmethod
    def merge(results: list[BatchResult]) -> BatchResult:
        """Concatenate the results of several batches."""
        return BatchResult(
            articles=tuple(a for r in results for a in r.articles),
            boilerplate=tuple(b for r in results for b in r.boilerplate),
            rejected=tuple(x for r in results for x in r.rejected),
            mentions=tuple(m for r in results for m in r.mentions),
            entity_facts=tuple(f for r in results for f in r.entity_facts),
            quotes=tuple(q for r in results for q in r.quotes),
            events=tuple(e for r in results for e in r.events),
        )


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """One attribution found in a text: what was said, by whom, with which cue.

    Offsets are into the text given to the parser, end exclusive. The content is `segments`
    (one span, or several when a direct quote is interrupted by its attribution:
    "“A,” he said. “B.”"); `start`/`end` are their outer bounds and `text` their texts joined
    by one space (so `text == body[start:end]` only for one segment). Quote marks are not part
    of the content. `kind`: `direct` (a quoted sentence or more), `partial` (quoted words
    inside the writer's sentence), `indirect` (reported speech without quote marks).

    The speaker is who or what is credited (a person, an organisation or a document). When
    the attribution names it by a pronoun ("he said"), `speaker_*` is the antecedent found
    by `extract.quotes.resolve_pronoun`, `speaker_resolved_from` the pronoun as written, and
    `speaker_mention_*` the pronoun's own offsets; otherwise the mention *is* the speaker.
    `cue_group` is the cue's group in rules/quote_cues.json (speech, cognition, stance, ...).
    """

    text: str
    start: int
    end: int
    segments: tuple[Span, ...]
    kind: QuoteKind
    speaker_text: str | None
    speaker_start: int | None
    speaker_end: int | None
    speaker_resolved_from: str | None
    speaker_mention_start: int | None
    speaker_mention_end: int | None
    cue: str | None
    cue_start: int | None
    cue_end: int | None
    cue_group: str | None
    channel: str | None
    sentence_index: int


@dataclass(frozen=True, slots=True)
class EventMatch:
    """One event found in a sentence, coded like PLOVER with its CAMEO reading.

    `event_type` is the PLOVER type, `cameo_code` the CAMEO code of the same reading and
    `goldstein` its Goldstein score; `quad_class` is CAMEO's (1 verbal cooperation, 2 material
    cooperation, 3 verbal conflict, 4 material conflict). Actors are entity ids of the
    article's mentions; `actor*_countries` are ISO alpha-2 codes and `actor*_sectors` their
    sectors (government, military, ...), both sorted. A reciprocal event
    ("X and Y agreed") is one record with both in actor1, actor2 empty and `symmetric`.
    `actor*_text` is the argument as written ("Palestinian officials"), also when it names no
    entity. All offsets are into the parsed text, end exclusive; `date_text` is the time
    expression attached to the event as written (resolve it with
    `extract.events.resolve_event_date`). `confidence` is the heuristic of
    `extract.events.event_confidence`.
    """

    event_type: str
    cameo_code: str
    goldstein: float
    quad_class: int
    mode: str | None
    status: EventStatus
    negated: bool
    symmetric: bool
    actor1_entity_ids: tuple[str, ...]
    actor2_entity_ids: tuple[str, ...]
    actor1_countries: tuple[str, ...]
    actor2_countries: tuple[str, ...]
    actor1_sectors: tuple[str, ...]
    actor2_sectors: tuple[str, ...]
    actor1_text: str | None
    actor2_text: str | None
    trigger: str
    trigger_start: int
    trigger_end: int
    sentence_index: int
    sentence: str
    sentence_start: int
    sentence_end: int
    date_text: str | None
    date_start: int | None
    date_end: int | None
    location_entity_id: str | None
    topics: tuple[str, ...]
    confidence: float
