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
from newsfacts.extract.entity_merge import merge_entity_facts
from newsfacts.extract.stories import assign_stories, count_dyads
from newsfacts.records import (
    Article,
    BatchResult,
    BoilerplateLine,
    Dyad,
    Entity,
    EntityFact,
    Event,
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


# The per-article tables: built chunk by chunk from the results, never held as records.
ARTICLE_TABLES = ("articles", "boilerplate", "rejected", "mentions", "quotes")


def batch_to_tables(results: BatchResult | Iterable[BatchResult]) -> dict[str, pa.Table]:
    """The tables of a release from the batch results: one BatchResult, or the dataset's
    results chunk by chunk (`incremental.stored_chunks`), in input order.

    Near-duplicate articles are linked and entities merged across articles here, the steps
    that see the whole dataset. Each chunk's articles, boilerplate, rejections, mentions and
    quotes become Arrow at once (as records they take ~2.5x the memory: 51 against 21 kB per
    article, bench/README.md), keeping as records only what the dataset steps need: a
    MinHash signature and date per article, the entity facts and the events. The tables are
    the same whatever the chunks.
    """
    schemas = load_schemas()
    parts: dict[str, list[pa.Table]] = {name: [] for name in ARTICLE_TABLES}
    facts: list[EntityFact] = []
    events: list[Event] = []
    signatures: dict[str, Any] = {}
    orders: list[OriginalOrder] = []
    for chunk in [results] if isinstance(results, BatchResult) else results:
        for name in ARTICLE_TABLES:
            parts[name].append(unsorted_table(schemas[name], getattr(chunk, name)))
        facts.extend(chunk.entity_facts)
        events.extend(chunk.events)
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
    if duplicate_of:
        link_duplicate_rows(tables, duplicate_of)
        facts = [f for f in facts if f.article_id not in duplicate_of]
        events = [e for e in events if e.article_id not in duplicate_of]
    entities, merged = merge_entity_facts(facts)
    del facts
    tables["mentions"] = replace_values(tables["mentions"], "entity_id", merged)
    tables["quotes"] = replace_values(tables["quotes"], "speaker_entity_id", merged)
    countries = {e.entity_id: e.country for e in entities}
    repointed = [repoint_event(e, merged, countries) for e in events]
    del events  # two copies of the events at a time, not three
    stories = assign_stories(repointed)
    del repointed
    tables["entities"] = unsorted_table(schemas["entities"], entities)
    tables["events"] = unsorted_table(schemas["events"], stories)
    tables["dyads"] = unsorted_table(schemas["dyads"], count_dyads(stories))
    del entities, stories
    # each table's unsorted copy goes as its sorted one is made: one table's two copies at once
    return {name: sort_table(schemas[name], tables.pop(name)) for name in RECORD_TYPES}


def unsorted_table(schema: TableSchema, records: Sequence[Any]) -> pa.Table:
    """An Arrow table with the schema's columns and types, rows in the records' order."""
    columns = {name: [getattr(r, name) for r in records] for name in schema.column_names}
    return pa.table(columns, schema=schema.arrow_schema())


def link_duplicate_rows(tables: dict[str, pa.Table], duplicate_of: dict[str, str]) -> None:
    """Set `duplicate_of` on the copies' article rows and leave out the copies' mentions and
    quotes, in `tables` (what `duplicates.link_duplicates` does to records)."""
    copies = pa.array(sorted(duplicate_of), pa.string())
    articles = tables["articles"]
    ids = articles.column("article_id").to_pylist()
    index = articles.schema.get_field_index("duplicate_of")
    tables["articles"] = articles.set_column(index, articles.schema.field(index), pa.array(
        [duplicate_of.get(i) for i in ids], articles.schema.field(index).type))
    for name in ("mentions", "quotes"):
        tables[name] = tables[name].filter(
            pc.invert(pc.is_in(tables[name].column("article_id"), copies)))


def replace_values(table: pa.Table, column: str, mapping: dict[str, str]) -> pa.Table:
    """The table with the values of a string column replaced through `mapping`."""
    if not mapping or table.num_rows == 0:
        return table
    old = pa.array(list(mapping), pa.string())
    new = pa.array(list(mapping.values()), pa.string())
    values = table.column(column)
    position = pc.index_in(values, value_set=old)
    replaced = pc.if_else(pc.is_null(position), values, pc.take(new, position))
    index = table.schema.get_field_index(column)
    return table.set_column(index, table.schema.field(index), replaced)


def repoint_event(event: Event, merged: dict[str, str], countries: dict[str, str | None]) -> Event:
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
    rows = [Event(**{k: tuple(v) if isinstance(v, list) else v for k, v in row.items()})
            for row in events.to_pylist()]
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
