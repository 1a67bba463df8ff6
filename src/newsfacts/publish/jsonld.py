"""JSON-LD writer: one schema.org graph of articles, their entities, quotes and events.

`NewsArticle` nodes link to `Person`, `Organization` and `Place` nodes by `@id` through
`mentions`; `Quotation` nodes point at their article (`isPartOf`) and speaker (`creator`);
`Event` nodes at their actors (`organizer`, `attendee`), place and article (`subjectOf`).
Every node keeps the columns of its table (schema.org terms where one fits, the dataset's
own `nf:` vocabulary otherwise).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from newsfacts.schemas import TableSchema, jsonld_context, jsonld_key

ARTICLE_IRI = "https://w3id.org/newsfacts/article/"
ENTITY_IRI = "https://w3id.org/newsfacts/entity/"
QUOTE_IRI = "https://w3id.org/newsfacts/quote/"
EVENT_IRI = "https://w3id.org/newsfacts/event/"
# Event columns written as links or left to startDate, not copied as literals.
EVENT_LINKED = {"article_id", "actor1_entity_ids", "actor2_entity_ids", "location_entity_id",
                "event_date", "topics"}
SCHEMA_ORG_TYPE = {"PERSON": "Person", "ORG": "Organization", "GPE": "Place", "LOC": "Place",
                   "NORP": "Thing"}


def article_node(schema: TableSchema, row: dict[str, Any]) -> dict[str, Any]:
    """One NewsArticle node; nulls are left out, site and dateline place become nodes."""
    node: dict[str, Any] = {"@id": f"{ARTICLE_IRI}{row['article_id']}", "@type": "NewsArticle"}
    for f in schema.fields:
        value = row[f.name]
        if value is None or f.name == "dateline_country":
            continue
        if f.name == "site":
            value = {"@type": "Organization", "name": value, "url": f"https://{value}/"}
        elif f.name == "dateline_place":
            value = place_node(value, row.get("dateline_country"))
        elif isinstance(value, dt.date):
            value = value.isoformat()
        node[jsonld_key(f)] = value
    return node


def place_node(name: str, country: str | None) -> dict[str, Any]:
    """A schema.org Place with its country as an ISO 3166-1 alpha-2 `addressCountry`."""
    node: dict[str, Any] = {"@type": "Place", "name": name}
    if country:
        node["address"] = {"@type": "PostalAddress", "addressCountry": country}
    return node


def articles_graph(schema: TableSchema, table: pa.Table) -> dict[str, Any]:
    """The JSON-LD document for the articles table alone (rows in table order)."""
    return {
        "@context": jsonld_context(schema),
        "@graph": [article_node(schema, row) for row in table.to_pylist()],
    }


def entity_node(schema: TableSchema, row: dict[str, Any]) -> dict[str, Any]:
    """One Person / Organization / Place node; a place's country is its addressCountry."""
    node: dict[str, Any] = {"@id": f"{ENTITY_IRI}{row['entity_id']}",
                            "@type": SCHEMA_ORG_TYPE[row["entity_type"]]}
    for f in schema.fields:
        value = row[f.name]
        if value is None or value == []:
            continue
        node[jsonld_key(f)] = value
    if node["@type"] == "Place" and row["country"]:
        node["address"] = {"@type": "PostalAddress", "addressCountry": row["country"]}
    return node


ROW_SLICE = 10_000  # rows turned into Python values at a time: memory stays bounded


def table_rows(table: pa.Table) -> Iterator[dict[str, Any]]:
    """The rows of a table as dicts, converted a slice at a time."""
    for batch in table.to_batches(max_chunksize=ROW_SLICE):
        yield from batch.to_pylist()


def mentioned_entities(mentions: pa.Table) -> dict[str, list[str]]:
    """Article id -> ids of the entities it mentions, sorted and unique."""
    found: dict[str, set[str]] = {}
    for row in table_rows(mentions.select(["article_id", "entity_id"])):
        found.setdefault(row["article_id"], set()).add(row["entity_id"])
    return {article_id: sorted(ids) for article_id, ids in found.items()}


def graph_context(schemas: dict[str, TableSchema]) -> dict[str, Any]:
    """The inline context of the release graph (articles, entities, quotes, events)."""
    context: dict[str, Any] = {}
    for name in ("articles", "entities", "quotes", "events"):
        context.update(jsonld_context(schemas[name]))
    return context


def graph_nodes(schemas: dict[str, TableSchema], tables: dict[str, pa.Table]
                ) -> Iterator[dict[str, Any]]:
    """The nodes of the release graph in order: articles (linked to the entities they
    mention), entities, quotes, events; made one at a time."""
    linked = mentioned_entities(tables["mentions"])
    for row in table_rows(tables["articles"]):
        node = article_node(schemas["articles"], row)
        if ids := linked.get(row["article_id"]):
            node["mentions"] = [{"@id": f"{ENTITY_IRI}{i}"} for i in ids]
        yield node
    yield from (entity_node(schemas["entities"], r) for r in table_rows(tables["entities"]))
    yield from (quote_node(schemas["quotes"], r) for r in table_rows(tables["quotes"]))
    yield from (event_node(schemas["events"], r) for r in table_rows(tables["events"]))


def dataset_graph(schemas: dict[str, TableSchema], tables: dict[str, pa.Table]) -> dict[str, Any]:
    """The JSON-LD document of a release: articles linked to the entities they mention."""
    return {"@context": graph_context(schemas), "@graph": list(graph_nodes(schemas, tables))}


def entity_refs(ids: list[str]) -> list[dict[str, str]]:
    """`@id` references to entity nodes."""
    return [{"@id": f"{ENTITY_IRI}{i}"} for i in ids]


def event_node(schema: TableSchema, row: dict[str, Any]) -> dict[str, Any]:
    """A schema.org Event: actors as organizer (source) and attendee (target, or every side
    of a reciprocal event), location, startDate (day precision only), about, subjectOf."""
    node: dict[str, Any] = {
        "@id": f"{EVENT_IRI}{row['event_id']}", "@type": "Event",
        "name": row["event_type"] + (f" ({row['mode']})" if row["mode"] else ""),
        "subjectOf": {"@id": f"{ARTICLE_IRI}{row['article_id']}"},
    }
    if row["symmetric"]:
        node["attendee"] = entity_refs(row["actor1_entity_ids"])
    else:
        if row["actor1_entity_ids"]:
            node["organizer"] = entity_refs(row["actor1_entity_ids"])
        if row["actor2_entity_ids"]:
            node["attendee"] = entity_refs(row["actor2_entity_ids"])
    if row["location_entity_id"]:
        node["location"] = {"@id": f"{ENTITY_IRI}{row['location_entity_id']}"}
    if row["event_date"] is not None and row["event_date_precision"] == "day":
        node["startDate"] = row["event_date"].isoformat()
    if row["topics"]:
        node["about"] = row["topics"]
    for f in schema.fields:
        value = row[f.name]
        if value is not None and value != [] and f.name not in EVENT_LINKED:
            node[jsonld_key(f)] = value
    return node


def quote_node(schema: TableSchema, row: dict[str, Any]) -> dict[str, Any]:
    """A schema.org Quotation: `creator` is the speaker's entity, `isPartOf` the article."""
    node: dict[str, Any] = {"@id": f"{QUOTE_IRI}{row['quote_id']}", "@type": "Quotation",
                            "isPartOf": {"@id": f"{ARTICLE_IRI}{row['article_id']}"}}
    if row["speaker_entity_id"]:
        node["creator"] = {"@id": f"{ENTITY_IRI}{row['speaker_entity_id']}"}
    for f in schema.fields:
        value = row[f.name]
        if value is not None and f.name not in ("article_id", "speaker_entity_id"):
            node[jsonld_key(f)] = value
    return node


def write_jsonld(document: dict[str, Any], path: Path) -> None:
    """Write a JSON-LD document as stable, readable UTF-8 JSON."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    path.write_bytes(text.encode("utf-8"))


def write_dataset_jsonld(schemas: dict[str, TableSchema], tables: dict[str, pa.Table],
                         path: Path) -> None:
    """Write the release graph node by node, never holding all of it: the same bytes as
    `write_jsonld(dataset_graph(schemas, tables), path)`."""
    head = json.dumps({"@context": graph_context(schemas)}, ensure_ascii=False, indent=2)
    with path.open("wb") as file:
        file.write(head.removesuffix("\n}").encode("utf-8") + b',\n  "@graph": [')
        separator = "\n"
        for node in graph_nodes(schemas, tables):
            text = json.dumps(node, ensure_ascii=False, indent=2)
            file.write((separator + "    " + text.replace("\n", "\n    ")).encode("utf-8"))
            separator = ",\n"
        file.write(b"]\n}\n" if separator == "\n" else b"\n  ]\n}\n")
