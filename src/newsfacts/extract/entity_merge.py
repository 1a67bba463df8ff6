"""Entities across the dataset: spelling variants of a person merged, one row per entity.

Runs where the whole release is assembled (`tables.batch_to_tables`), on the per-article
`EntityFact`s of `extract.entities`: full names of one surname whose folded forms are this
similar are one person, a bare surname joins the only full name that has it, and each
entity's name, country, role and sector are its most-mentioned values.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

import pyarrow as pa
import pyarrow.compute as pc

from newsfacts.extract.entities import make_entity_id
from newsfacts.records import Entity, EntityFact, Mention

# Two full names of one surname are one person when their folded forms are this similar
# ("vladimir putin" / "vladmir putin" 0.96; "raul castro" / "fidel castro" 0.70).
SAME_PERSON_SIMILARITY = 0.85


def person_merges(facts: Sequence[EntityFact]) -> dict[str, str]:
    """Person keys -> the key they merge into across the dataset.

    Within one surname, full names this similar are one person ("Vladmir Putin" is
    "Vladimir Putin"), and a bare surname joins the only full name that has it.
    """
    weight: Counter[str] = Counter()
    for fact in facts:
        if fact.entity_type == "PERSON":
            weight[fact.key] += fact.mention_count
    return merges_by_weight(weight)


def merges_by_weight(weight: Counter[str]) -> dict[str, str]:
    """`person_merges` from each person key's total mention count."""
    by_surname: dict[str, list[str]] = defaultdict(list)
    for key in sorted(weight):
        by_surname[key.removeprefix("person:").split()[-1]].append(key)
    merges: dict[str, str] = {}
    for keys in by_surname.values():
        full = sorted((k for k in keys if " " in k.removeprefix("person:")),
                      key=lambda k: (-weight[k], k))
        heads: list[str] = []
        for key in full:
            head = next((h for h in heads if similar_names(h, key)), None)
            merges[key] = head or key
            if head is None:
                heads.append(key)
        for key in keys:
            if key not in merges:
                merges[key] = heads[0] if len(heads) == 1 else key
    return merges


def similar_names(a: str, b: str) -> bool:
    """True when two folded full names are spelling variants of one name."""
    return difflib.SequenceMatcher(None, a, b).ratio() >= SAME_PERSON_SIMILARITY


def merge_entities(
    mentions: Sequence[Mention], facts: Sequence[EntityFact]
) -> tuple[tuple[Mention, ...], tuple[Entity, ...], dict[str, str]]:
    """The dataset's entities from every article's facts; mentions re-pointed after merges.

    Also returns the merged-away entity ids and the id each now points at, for the other
    tables that name entities (quotes' speakers).
    """
    entities, merged = merge_entity_facts(facts)
    remapped = tuple(
        replace(m, entity_id=merged[m.entity_id]) if m.entity_id in merged else m
        for m in mentions
    )
    return remapped, entities, merged


def merge_entity_facts(facts: Sequence[EntityFact]) -> tuple[tuple[Entity, ...], dict[str, str]]:
    """The dataset's entities from every article's facts, and the merged-away entity ids with
    the id each now points at (for the tables that name entities)."""
    merges = person_merges(facts)
    new_id = {make_entity_id(old): make_entity_id(new) for old, new in merges.items()}
    grouped: dict[str, list[EntityFact]] = defaultdict(list)
    for fact in facts:
        grouped[new_id.get(fact.entity_id, fact.entity_id)].append(fact)
    entities = tuple(merge_facts(entity_id, group) for entity_id, group in sorted(grouped.items()))
    return entities, {old: new for old, new in new_id.items() if old != new}


def weighted_choice(pairs: Iterable[tuple[str | None, int]]) -> str | None:
    """The non-null value with the largest total weight; ties go to the larger value."""
    totals: Counter[str] = Counter()
    for value, count in pairs:
        if value:
            totals[value] += count
    return max(totals, key=lambda v: (totals[v], v)) if totals else None


def merge_facts(entity_id: str, group: Sequence[EntityFact]) -> Entity:
    """One entity row from the facts of all articles about it.

    The name comes from the facts keyed like the entity itself (for merged persons, the
    spelling the others were merged into), the fullest and most mentioned form among them.
    """
    own = [f for f in group if make_entity_id(f.key) == entity_id] or list(group)
    longest = max(len(f.name.split()) for f in own)
    return Entity(
        entity_id=entity_id,
        entity_type=weighted_choice((f.entity_type, f.mention_count) for f in group)
        or group[0].entity_type,
        name=weighted_choice((f.name, f.mention_count) for f in own
                             if len(f.name.split()) == longest) or own[0].name,
        country=weighted_choice((f.country, f.mention_count) for f in group),
        role=weighted_choice((f.role, f.mention_count) for f in group),
        sector=weighted_choice((f.sector, f.mention_count) for f in group),
        aliases=tuple(sorted({a for f in group for a in f.aliases})),
        article_count=len({f.article_id for f in group}),
        mention_count=sum(f.mention_count for f in group),
    )


# EntityFact records as an Arrow table: publishing keeps the dataset's facts this way, ~0.13
# against ~0.31 kB per fact as records (dev quotes corpus, 1k; `tables.batch_to_tables`).
FACT_SCHEMA = pa.schema([
    ("article_id", pa.string()), ("entity_id", pa.string()), ("entity_type", pa.string()),
    ("name", pa.string()), ("key", pa.string()), ("country", pa.string()),
    ("role", pa.string()), ("sector", pa.string()), ("aliases", pa.list_(pa.string())),
    ("mention_count", pa.int64()),
])
FACT_ROWS_AT_ONCE = 50_000  # facts made records at a time while merging a table of them


def facts_table(facts: Sequence[EntityFact]) -> pa.Table:
    """Entity facts as an Arrow table with FACT_SCHEMA, in their order."""
    return pa.table({name: [getattr(f, name) for f in facts] for name in FACT_SCHEMA.names},
                    schema=FACT_SCHEMA)


def merge_entity_table(facts: pa.Table) -> tuple[tuple[Entity, ...], dict[str, str]]:
    """`merge_entity_facts` on facts held as an Arrow table (FACT_SCHEMA): the same entities
    and merges, with at most FACT_ROWS_AT_ONCE facts as records at a time."""
    persons = facts.filter(pc.equal(facts.column("entity_type"), "PERSON"))
    totals = persons.group_by("key").aggregate([("mention_count", "sum")])
    merges = merges_by_weight(Counter(dict(zip(totals.column("key").to_pylist(),
                                               totals.column("mention_count_sum").to_pylist(),
                                               strict=True))))
    del persons, totals
    new_id = {make_entity_id(old): make_entity_id(new) for old, new in merges.items()}
    merged = {old: new for old, new in new_id.items() if old != new}
    entity_ids = repointed_ids(facts.column("entity_id"), merged)
    # grouped by entity, each group's facts in their order (the sort is stable)
    order = pc.sort_indices(pa.table({"entity": entity_ids}), sort_keys=[("entity", "ascending")])
    entities = tuple(merge_facts(entity_id, group)
                     for entity_id, group in fact_groups(facts, entity_ids, order))
    return entities, merged


def repointed_ids(values: pa.ChunkedArray, merged: dict[str, str]) -> pa.ChunkedArray:
    """A column of entity ids with the merged-away ones replaced by the id they merged into."""
    if not merged or len(values) == 0:
        return values
    position = pc.index_in(values, value_set=pa.array(list(merged), pa.string()))
    return pc.if_else(pc.is_null(position), values,
                      pc.take(pa.array(list(merged.values()), pa.string()), position))


def fact_groups(facts: pa.Table, entity_ids: pa.ChunkedArray, order: pa.Array
                ) -> Iterator[tuple[str, list[EntityFact]]]:
    """(entity id, its facts) in `order`, FACT_ROWS_AT_ONCE facts made records at a time."""
    current: str | None = None
    group: list[EntityFact] = []
    for start in range(0, len(order), FACT_ROWS_AT_ONCE):
        part = order[start : start + FACT_ROWS_AT_ONCE]
        ids = pc.take(entity_ids, part).to_pylist()
        rows = facts.take(part).to_pylist()
        for entity_id, row in zip(ids, rows, strict=True):
            if entity_id != current:
                if group:
                    yield current, group  # type: ignore[misc]
                current, group = entity_id, []
            row["aliases"] = tuple(row["aliases"])
            group.append(EntityFact(**row))
    if group:
        yield current, group  # type: ignore[misc]
