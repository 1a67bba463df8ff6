"""`croissant.json`: MLCommons Croissant 1.1, which is also the release's schema.org Dataset.

Croissant is built on schema.org `Dataset`, so one file carries both: name, description,
licence, creator, version, temporalCoverage, spatialCoverage and a `distribution` of every
file (`cr:FileObject`, a schema.org `CreativeWork` with encodingFormat, contentUrl relative to
the file, contentSize and sha256). Each table is a RecordSet whose fields are typed from
`schemas/` and read from the Parquet file (typed columns; list columns are `isArray`); a
table split by year is read through a `cr:FileSet` whose `includes` glob matches its
partition files (each also listed as a FileObject with its sha256).
The context is written inline (no network needed to expand it).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsfacts.publish import describe, parquet
from newsfacts.publish.describe import FileFacts, ReleaseFacts
from newsfacts.schemas import TableSchema

FILE_NAME = "croissant.json"
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
# mlcroissant reads Parquet only under this media type (mlcroissant EncodingFormat.PARQUET).
CROISSANT_MEDIA_TYPES = {".parquet": "application/x-parquet"}
DATA_TYPES = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
    "datetime": "sc:DateTime",
    "array": "sc:Text",  # with isArray: a list of strings
}
# The Croissant 1.1 context, as mlcroissant 1.1.1 writes it (mlcroissant/_src/core/rdf.py).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "arrayShape": "cr:arrayShape",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "equivalentProperty": "cr:equivalentProperty",
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}


def file_object(file: FileFacts, description: str | None = None) -> dict[str, Any]:
    """A FileObject: the file's relative URL, format, size and SHA-256 (and what it shows)."""
    media = CROISSANT_MEDIA_TYPES.get(Path(file.name).suffix, file.media_type)
    node: dict[str, Any] = {
        "@type": "cr:FileObject",
        "@id": file.name,
        "name": file.name,
        "contentUrl": file.name,
        "encodingFormat": media,
        "contentSize": f"{file.bytes} B",
        "sha256": file.sha256,
    }
    if description:
        node["description"] = description
    return node


def file_set(name: str) -> dict[str, Any]:
    """A FileSet of a table's year partitions (`<name>/year=*/*.parquet`)."""
    return {
        "@type": "cr:FileSet",
        "@id": f"{name}-parquet",
        "name": f"{name}-parquet",
        "description": f"The {name} table as Parquet, one hive partition per year (year 0: "
                       "no known year); each file is listed with its sha256 in distribution.",
        "encodingFormat": CROISSANT_MEDIA_TYPES[".parquet"],
        "includes": parquet.partition_glob(name),
    }


def record_set(schema: TableSchema, partitioned: bool = False) -> dict[str, Any]:
    """A RecordSet for a table: one field per column, read from its Parquet file (or from
    the FileSet of its partitions)."""
    source = ({"fileSet": {"@id": f"{schema.name}-parquet"}} if partitioned
              else {"fileObject": {"@id": f"{schema.name}.parquet"}})
    fields = []
    for f in schema.fields:
        field: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"{schema.name}/{f.name}",
            "name": f.name,
            "description": f.description,
            "dataType": DATA_TYPES[f.type],
            "source": {**source, "extract": {"column": f.name}},
        }
        if f.type == "array":
            field["isArray"] = True
            field["arrayShape"] = "-1"
        fields.append(field)
    node: dict[str, Any] = {
        "@type": "cr:RecordSet",
        "@id": schema.name,
        "name": schema.name,
        "description": schema.descriptor.get("description", ""),
        "field": fields,
    }
    if schema.primary_key:
        node["key"] = [{"@id": f"{schema.name}/{k}"} for k in schema.primary_key]
    return node


def place(code: str) -> dict[str, Any]:
    """A country as a schema.org Place."""
    return {"@type": "Place", "name": describe.country_name(code),
            "address": {"@type": "PostalAddress", "addressCountry": code}}


def croissant(
    schemas: dict[str, TableSchema], facts: ReleaseFacts, files: list[FileFacts],
    descriptions: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The Croissant / schema.org Dataset description of a release; `descriptions` says what
    some files show (the plots' alt text, which the catalog page reuses)."""
    descriptions = descriptions or {}
    names = {f.name for f in files}
    partitioned = [n for n in schemas if f"{n}.parquet" not in names
                   and any(parquet.parquet_table(f) == n for f in names)]
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": describe.NAME,
        "alternateName": describe.TITLE,
        "description": describe.DESCRIPTION,
        "url": describe.HOMEPAGE,
        "version": facts.semver,
        "identifier": f"{describe.NAME}/{facts.version}",
        "license": describe.DATA_LICENSE["path"],
        "usageInfo": describe.LICENSE_NOTE,
        "creator": describe.CREATOR,
        "keywords": ["news", "events", "entities", "quotations", "CAMEO", "open data"],
        "citeAs": citation(facts),
        "isAccessibleForFree": True,
        "distribution": [file_object(f, descriptions.get(f.name)) for f in files]
                        + [file_set(n) for n in partitioned],
        "recordSet": [record_set(s, s.name in partitioned) for s in schemas.values()],
    }
    if facts.temporal_coverage:
        document["temporalCoverage"] = facts.temporal_coverage
    if facts.countries:
        document["spatialCoverage"] = [place(c) for c in facts.countries]
    return document


def citation(facts: ReleaseFacts) -> str:
    """A BibTeX entry for the release."""
    return (
        f"@misc{{newsfacts_{facts.version},\n"
        f"  title = {{{describe.TITLE}}},\n"
        f"  author = {{{describe.CREATOR['name']}}},\n"
        f"  version = {{{facts.version}}},\n"
        f"  howpublished = {{{describe.HOMEPAGE}}},\n"
        f"  note = {{Data CC BY 4.0; article texts remain under their publishers' copyright}}\n"
        f"}}"
    )


def write_croissant(document: dict[str, Any], folder: Path) -> None:
    """Write `croissant.json` (fixed key order from the code: stable bytes)."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    (folder / FILE_NAME).write_bytes(text.encode("utf-8"))


def check_croissant(folder: Path) -> list[str]:
    """Load `croissant.json` with mlcroissant (which validates it); the errors, if any."""
    import logging

    import mlcroissant as mlc

    # mlcroissant logs (through absl) that `datePublished` is recommended: we leave it out on
    # purpose, since a build date would make rebuilds differ. Errors still raise.
    absl_logger = logging.getLogger("absl")
    level = absl_logger.level
    absl_logger.setLevel(logging.ERROR)
    try:
        mlc.Dataset(jsonld=str(folder / FILE_NAME))
    except mlc.ValidationError as error:
        return [str(error)]
    finally:
        absl_logger.setLevel(level)
    return []
