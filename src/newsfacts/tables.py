"""Records to Arrow tables with the schemas from `schemas/`, in a stable row order."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import fields, replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from newsfacts.duplicates import (
    OriginalOrder,
    body_signature,
    group_duplicates,
    original_order,
    signature_pairs,
)
from newsfacts.extract.entity_merge import facts_table, merge_entity_table, repointed_ids
from newsfacts.extract.stories import AnyEvent, assign_stories, count_dyads
from newsfacts.memory import release_free_memory
from newsfacts.records import (
    Article,
    BatchResult,
    BoilerplateLine,
    Dyad,
    Entity,
    Event,
    EventCore,
    Mention,
    Quote,
    Rejection,
)
from newsfacts.schemas import TableSchema, load_schemas

RECORD_TYPES: dict[str, type] = {
    "articles": Article,
    "boilerplate": BoilerplateLine,
    "entities": Entity,
    "mentions": Mention,
    "quotes": Quote,
    "events": Event,
    "dyads": Dyad,
    "rejected": Rejection,
}


def records_to_table(schema: TableSchema, records: Sequence[Any]) -> pa.Table:
    """An Arrow table with the schema's columns and types, rows sorted by its sort key."""
    return sort_table(schema, unsorted_table(schema, records))


def sort_table(schema: TableSchema, table: pa.Table) -> pa.Table:
    """Rows in a total order: primary key first, then every other column."""
    if table.num_rows < 2:
        return table
    keys = [(name, "ascending", "at_start") for name in schema.sort_key]
    order = pc.sort_indices(table, sort_keys=keys)
    return table.take(order)


# The tables built chunk by chunk from the results, never held as whole records: the
# per-article ones, and the events (of which only each one's `EventCore` stays a record).
CHUNKED_TABLES = ("articles", "boilerplate", "rejected", "mentions", "quotes", "events")
EVENT_CORE_FIELDS = tuple(f.name for f in fields(EventCore))
# The columns of `events` that the dataset steps change: set from the cores at the end.
EVENT_CORE_UPDATES = ("story_id", "actor1_entity_ids", "actor1_countries", "actor2_entity_ids",
                      "actor2_countries", "location_entity_id")


def batch_to_tables(results: BatchResult | Iterable[BatchResult]) -> dict[str, pa.Table]:
    """The tables of a release from the batch results: one BatchResult, or the dataset's
    results chunk by chunk (`incremental.stored_chunks`), in input order.

    Near-duplicate articles are linked and entities merged across articles here, the steps
    that see the whole dataset. Each chunk's articles, boilerplate, rejections, mentions,
    quotes and events become Arrow at once (as records they take ~2.5x the memory: 51
    against 21 kB per article, bench/README.md), keeping as records only what the dataset
    steps need: a MinHash signature and date per article and each event's `EventCore` (its
    actors, date and story); the entity facts stay in Arrow too, and only one entity's become
    records at a time (`merge_entity_table`). The tables are the same whatever the chunks.
    """
    schemas = load_schemas()
    parts: dict[str, list[pa.Table]] = {name: [] for name in CHUNKED_TABLES}
    facts: list[pa.Table] = []
    cores: list[EventCore] = []
    signatures: dict[str, Any] = {}
    orders: list[OriginalOrder] = []
    for chunk in [results] if isinstance(results, BatchResult) else results:
        for name in CHUNKED_TABLES:
            parts[name].append(unsorted_table(schemas[name], getattr(chunk, name)))
        facts.append(facts_table(chunk.entity_facts))
        cores.extend(event_core(e) for e in chunk.events)
        for article in chunk.articles:
            orders.append(original_order(article))
            if (signature := body_signature(article.body)) is not None:
                signatures[article.article_id] = signature
        del chunk
    tables = {name: pa.concat_tables(found) if found else unsorted_table(schemas[name], ())
              for name, found in parts.items()}
    del parts
    duplicate_of = group_duplicates(orders, signature_pairs(signatures))
    del signatures, orders
    all_facts = pa.concat_tables(facts) if facts else facts_table(())
    del facts
    if duplicate_of:
        link_duplicate_rows(tables, duplicate_of)
        all_facts = without_articles(all_facts, duplicate_of)
        cores = [e for e in cores if e.article_id not in duplicate_of]
    entities, merged = merge_entity_table(all_facts)
    del all_facts
    tables["mentions"] = replace_values(tables["mentions"], "entity_id", merged)
    tables["quotes"] = replace_values(tables["quotes"], "speaker_entity_id", merged)
    countries = {e.entity_id: e.country for e in entities}
    repointed = [repoint_event(e, merged, countries) for e in cores]
    del cores  # two copies of the cores at a time, not three
    stories = assign_stories(repointed)
    del repointed
    tables["entities"] = unsorted_table(schemas["entities"], entities)
    tables["events"] = with_event_cores(tables["events"], stories)
    tables["dyads"] = unsorted_table(schemas["dyads"], count_dyads(stories))
    del entities, stories
    release_free_memory()
    # each table's unsorted copy goes as its sorted one is made: one table's two copies at once
    sorted_tables = {}
    for name in RECORD_TYPES:
        sorted_tables[name] = sort_table(schemas[name], tables.pop(name))
        release_free_memory()
    return sorted_tables


def event_core(event: Event) -> EventCore:
    """What the dataset steps read and change of an event."""
    return EventCore(*(getattr(event, name) for name in EVENT_CORE_FIELDS))


def with_event_cores(events: pa.Table, cores: Sequence[EventCore]) -> pa.Table:
    """The events table with the columns the dataset steps changed set from the cores, which
    are its rows in the same order."""
    ids = pa.array([e.event_id for e in cores], pa.string())
    if len(ids) != events.num_rows or not events.column("event_id").combine_chunks().equals(ids):
        raise ValueError("the event cores are not the events table's rows in order")
    for name in EVENT_CORE_UPDATES:
        index = events.schema.get_field_index(name)
        field = events.schema.field(index)
        events = events.set_column(index, field, pa.array([getattr(e, name) for e in cores],
                                                          field.type))
    return events


def unsorted_table(schema: TableSchema, records: Sequence[Any]) -> pa.Table:
    """An Arrow table with the schema's columns and types, rows in the records' order."""
    columns = {name: [getattr(r, name) for r in records] for name in schema.column_names}
    return pa.table(columns, schema=schema.arrow_schema())


def link_duplicate_rows(tables: dict[str, pa.Table], duplicate_of: dict[str, str]) -> None:
    """Set `duplicate_of` on the copies' article rows and leave out the copies' mentions,
    quotes and events, in `tables` (what `duplicates.link_duplicates` does to records)."""
    articles = tables["articles"]
    ids = articles.column("article_id").to_pylist()
    index = articles.schema.get_field_index("duplicate_of")
    tables["articles"] = articles.set_column(index, articles.schema.field(index), pa.array(
        [duplicate_of.get(i) for i in ids], articles.schema.field(index).type))
    for name in ("mentions", "quotes", "events"):
        tables[name] = without_articles(tables[name], duplicate_of)


def without_articles(table: pa.Table, article_ids: Iterable[str]) -> pa.Table:
    """The rows of `table` whose article_id is not one of `article_ids`."""
    ids = pa.array(sorted(article_ids), pa.string())
    return table.filter(pc.invert(pc.is_in(table.column("article_id"), ids)))


def replace_values(table: pa.Table, column: str, merged: dict[str, str]) -> pa.Table:
    """The table with the merged-away entity ids of a column replaced by the merged ones."""
    if not merged or table.num_rows == 0:
        return table
    index = table.schema.get_field_index(column)
    return table.set_column(index, table.schema.field(index),
                            repointed_ids(table.column(column), merged))


def repoint_event(event: AnyEvent, merged: dict[str, str],
                  countries: dict[str, str | None]) -> AnyEvent:
    """An event's entity ids after the dataset merge; its actors' known countries added."""
    actor1 = tuple(merged.get(i, i) for i in event.actor1_entity_ids)
    actor2 = tuple(merged.get(i, i) for i in event.actor2_entity_ids)
    location = merged.get(event.location_entity_id or "", event.location_entity_id)

    def with_entity_countries(own: tuple[str, ...], ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted({*own, *(c for i in ids if (c := countries.get(i)))}))

    return replace(event, actor1_entity_ids=actor1, actor2_entity_ids=actor2,
                   location_entity_id=location,
                   actor1_countries=with_entity_countries(event.actor1_countries, actor1),
                   actor2_countries=with_entity_countries(event.actor2_countries, actor2))


def dyads_table(events: pa.Table) -> pa.Table:
    """The dyads table counted from a (validated) events table."""
    rows = [EventCore(**{k: tuple(v) if isinstance(v, list) else v for k, v in row.items()})
            for row in events.select(list(EVENT_CORE_FIELDS)).to_pylist()]
    return records_to_table(load_schemas()["dyads"], count_dyads(rows))


def row_to_json(row: dict[str, Any]) -> str:
    """A table row as compact JSON (dates as ISO strings), for the rejected table."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def record_field_names(record_type: type) -> list[str]:
    """Field names of a record dataclass, in order."""
    return [f.name for f in fields(record_type)]
