"""Offline JSON-LD contexts: the pinned schema.org context and a pyld document loader.

pyld cannot load the remote schema.org context (it is served through an HTML page's Link
header), and builds and tests run without a network. `contexts/schemaorg.jsonld` is our
pinned context for schema.org: the https vocabulary (as in every newsfacts file) with the
value types of the properties newsfacts writes. It is not a byte copy of
https://schema.org/docs/jsonldcontext.jsonld, which uses http://schema.org/ IRIs and could
not be fetched here. `offline_loader` serves it for the schema.org context URLs and refuses
every other URL, so expanding a document never touches the network.
Use: `jsonld.expand(doc, {"documentLoader": offline_loader})`.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

SCHEMA_ORG_CONTEXT = "schemaorg.jsonld"
PINNED: dict[str, str] = {
    url: SCHEMA_ORG_CONTEXT
    for url in (
        "https://schema.org", "https://schema.org/", "http://schema.org", "http://schema.org/",
        "https://schema.org/docs/jsonldcontext.jsonld",
        "https://schema.org/docs/jsonldcontext.json",
    )
}


@cache
def pinned_context(name: str) -> str:
    """The text of a context shipped in `newsfacts/contexts/`."""
    return files("newsfacts").joinpath("contexts", name).read_text(encoding="utf-8")


def offline_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pyld document loader serving pinned contexts; any other URL is an error."""
    from pyld.jsonld import JsonLdError

    name = PINNED.get(url)
    if name is None:
        raise JsonLdError(f"no pinned copy of {url} (newsfacts loads no remote documents)",
                          "jsonld.LoadDocumentError", {"url": url},
                          code="loading document failed")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": json.loads(pinned_context(name))}
