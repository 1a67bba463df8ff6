"""Records to Arrow tables with the schemas from `schemas/`, in a stable row order."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import fields, replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from newsfacts.duplicates import link_duplicates
from newsfacts.extract.entity_merge import merge_entities
from newsfacts.extract.stories import assign_stories, count_dyads
from newsfacts.records import (
    Article,
    BatchResult,
    BoilerplateLine,
    Dyad,
    Entity,
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
    names = schema.column_names
    columns = {name: [getattr(r, name) for r in records] for name in names}
    table = pa.table(columns, schema=schema.arrow_schema())
    return sort_table(schema, table)


def sort_table(schema: TableSchema, table: pa.Table) -> pa.Table:
    """Rows in a total order: primary key first, then every other column."""
    if table.num_rows < 2:
        return table
    keys = [(name, "ascending", "at_start") for name in schema.sort_key]
    order = pc.sort_indices(table, sort_keys=keys)
    return table.take(order)


def batch_to_tables(result: BatchResult) -> dict[str, pa.Table]:
    """The tables of a release from the merged batch results.

    Near-duplicate articles are linked and entities merged across articles here, the steps
    that see the whole dataset.
    """
    schemas = load_schemas()
    result = link_duplicates(result)
    mentions, entities, merged = merge_entities(result.mentions, result.entity_facts)
    quotes = [replace(q, speaker_entity_id=merged.get(q.speaker_entity_id, q.speaker_entity_id))
              for q in result.quotes]
    countries = {e.entity_id: e.country for e in entities}
    events = assign_stories([repoint_event(e, merged, countries) for e in result.events])
    records: dict[str, Sequence[Any]] = {
        "articles": result.articles,
        "boilerplate": result.boilerplate,
        "entities": entities,
        "mentions": mentions,
        "quotes": quotes,
        "events": events,
        "dyads": count_dyads(events),
        "rejected": result.rejected,
    }
    return {name: records_to_table(schemas[name], rows) for name, rows in records.items()}


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
