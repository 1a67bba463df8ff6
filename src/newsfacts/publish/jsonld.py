"""JSON-LD writer: the articles as a schema.org `NewsArticle` graph."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from newsfacts.schemas import TableSchema, jsonld_context, jsonld_key

ARTICLE_IRI = "https://w3id.org/newsfacts/article/"


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
    """The JSON-LD document for the articles table (rows in table order)."""
    return {
        "@context": jsonld_context(schema),
        "@graph": [article_node(schema, row) for row in table.to_pylist()],
    }


def write_jsonld(document: dict[str, Any], path: Path) -> None:
    """Write a JSON-LD document as stable, readable UTF-8 JSON."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    path.write_bytes(text.encode("utf-8"))
