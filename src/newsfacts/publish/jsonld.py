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


def mentioned_entities(mentions: pa.Table) -> dict[str, list[str]]:
    """Article id -> ids of the entities it mentions, sorted and unique."""
    pairs = zip(mentions.column("article_id").to_pylist(),
                mentions.column("entity_id").to_pylist(), strict=True)
    found: dict[str, set[str]] = {}
    for article_id, entity_id in pairs:
        found.setdefault(article_id, set()).add(entity_id)
    return {article_id: sorted(ids) for article_id, ids in found.items()}


def dataset_graph(schemas: dict[str, TableSchema], tables: dict[str, pa.Table]) -> dict[str, Any]:
    """The JSON-LD document of a release: articles linked to the entities they mention."""
    context: dict[str, Any] = {}
    for name in ("articles", "entities", "quotes", "events"):
        context.update(jsonld_context(schemas[name]))
    linked = mentioned_entities(tables["mentions"])
    graph = []
    for row in tables["articles"].to_pylist():
        node = article_node(schemas["articles"], row)
        if ids := linked.get(row["article_id"]):
            node["mentions"] = [{"@id": f"{ENTITY_IRI}{i}"} for i in ids]
        graph.append(node)
    graph += [entity_node(schemas["entities"], row) for row in tables["entities"].to_pylist()]
    graph += [quote_node(schemas["quotes"], row) for row in tables["quotes"].to_pylist()]
    graph += [event_node(schemas["events"], row) for row in tables["events"].to_pylist()]
    return {"@context": context, "@graph": graph}


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
