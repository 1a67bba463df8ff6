"""The release tables assembled chunk by chunk equal the tables built from every record at
once (the way `tables.batch_to_tables` worked before it streamed), on the seeds, a
republished copy (a near-duplicate) and a misspelt name (a person merge)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pytest
from tests.test_duplicates import SEED_000, republished

from newsfacts.duplicates import link_duplicates
from newsfacts.extract import entity_merge
from newsfacts.extract.entity_merge import (
    facts_table,
    merge_entities,
    merge_entity_facts,
    merge_entity_table,
)
from newsfacts.extract.stories import assign_stories, count_dyads
from newsfacts.incremental import split_by_article
from newsfacts.ingest.decode import raw_article_from_bytes
from newsfacts.pipeline import process_batch
from newsfacts.records import BatchResult
from newsfacts.schemas import load_schemas
from newsfacts.tables import (
    batch_to_tables,
    event_core,
    records_to_table,
    repoint_event,
    unsorted_table,
    with_event_cores,
)


def tables_from_records(result: BatchResult) -> dict[str, pa.Table]:
    """Every record of the dataset in memory, then the dataset-level steps on records."""
    schemas = load_schemas()
    result = link_duplicates(result)
    mentions, entities, merged = merge_entities(result.mentions, result.entity_facts)
    quotes = [replace(q, speaker_entity_id=merged.get(q.speaker_entity_id, q.speaker_entity_id))
              for q in result.quotes]
    countries = {e.entity_id: e.country for e in entities}
    events = assign_stories([repoint_event(e, merged, countries) for e in result.events])
    rows = {"articles": result.articles, "boilerplate": result.boilerplate,
            "entities": entities, "mentions": mentions, "quotes": quotes, "events": events,
            "dyads": count_dyads(events), "rejected": result.rejected}
    return {name: records_to_table(schemas[name], found) for name, found in rows.items()}


MISSPELT = """Leaders meet again on energy
Moscow, March 3 2018 (example.org) – Russian President Vladmir Putin met the Venezuelan
foreign minister in Moscow on Saturday to discuss oil output and new loans.
"We will keep supporting our partners," Vladmir Putin told reporters after the meeting.
The two sides agreed to meet again in the summer, officials said.
"""


@pytest.fixture(scope="module")
def results(seeds_dir: Path) -> list[BatchResult]:
    """One result per input, in input order: two seeds, a copy, a misspelling, a rejection."""
    texts = {p.name: p.read_text("utf-8") for p in sorted(seeds_dir.glob("*.txt"))}
    inputs = [(f"seeds/{name}", text) for name, text in texts.items()]
    inputs.append(("wire/copy.txt", republished(texts[SEED_000])))
    inputs.append(("blog/misspelt.txt", MISSPELT))
    inputs.append(("junk/empty.txt", "- Advertisement -\n"))
    raws = [raw_article_from_bytes(uri, text.encode("utf-8")) for uri, text in inputs]
    parts = split_by_article(process_batch(raws))
    return [parts[raw.article_id] for raw in raws]


def test_the_fixture_has_a_duplicate_a_merge_and_a_rejection(results: list[BatchResult]) -> None:
    whole = BatchResult.merge(results)
    assert any(a.duplicate_of for a in link_duplicates(whole).articles)
    _, _, merged = merge_entities(whole.mentions, whole.entity_facts)
    assert merged, "no person merge: the misspelt name no longer exercises re-pointing"
    assert set(merged) & {m.entity_id for m in whole.mentions}
    assert whole.rejected


@pytest.mark.parametrize("chunk", [1, 2, 3, 100])
def test_chunked_tables_equal_the_tables_from_all_records(
    results: list[BatchResult], chunk: int
) -> None:
    expected = tables_from_records(BatchResult.merge(results))
    chunks = (BatchResult.merge(results[i : i + chunk]) for i in range(0, len(results), chunk))
    tables = batch_to_tables(chunks)
    assert list(tables) == list(expected)
    for name, table in tables.items():
        assert table.schema == expected[name].schema, name
        assert table.to_pylist() == expected[name].to_pylist(), name


def test_one_result_and_no_chunk_at_all(results: list[BatchResult]) -> None:
    assert batch_to_tables(BatchResult.merge(results))["mentions"].equals(
        tables_from_records(BatchResult.merge(results))["mentions"])
    empty = batch_to_tables(iter(()))
    assert all(t.num_rows == 0 for t in empty.values())
    assert empty["events"].schema == load_schemas()["events"].arrow_schema()


@pytest.mark.parametrize("rows_at_once", [1, 2, 50_000])
def test_entities_merged_from_an_arrow_table_equal_those_from_records(
    results: list[BatchResult], rows_at_once: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Groups of one entity's facts may straddle the slices that become records."""
    monkeypatch.setattr(entity_merge, "FACT_ROWS_AT_ONCE", rows_at_once)
    facts = BatchResult.merge(results).entity_facts
    entities, merged = merge_entity_table(facts_table(facts))
    assert merged, "no person merge in the fixture"
    assert (entities, merged) == merge_entity_facts(facts)
    assert merge_entity_table(facts_table(())) == ((), {})


def test_event_cores_must_be_the_events_rows_in_order(results: list[BatchResult]) -> None:
    events = BatchResult.merge(results).events
    assert len(events) >= 2
    table = unsorted_table(load_schemas()["events"], events)
    cores = [event_core(e) for e in events]
    assert with_event_cores(table, cores).equals(table)
    with pytest.raises(ValueError, match="not the events table's rows"):
        with_event_cores(table, cores[::-1])
    with pytest.raises(ValueError, match="not the events table's rows"):
        with_event_cores(table, cores[1:])
