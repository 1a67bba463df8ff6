"""Entities across the dataset: spelling variants of a person merged, one row per entity.

Runs where the whole release is assembled (`tables.batch_to_tables`), on the per-article
`EntityFact`s of `extract.entities`: full names of one surname whose folded forms are this
similar are one person, a bare surname joins the only full name that has it, and each
entity's name, country, role and sector are its most-mentioned values.
"""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

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
