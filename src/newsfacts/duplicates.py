"""Near-duplicate articles (syndicated copies, the same story re-published), linked not counted.

Each clean body becomes a set of word 5-shingles and a MinHash signature (datasketch, fixed
seed); MinHash LSH finds candidate pairs and a pair is kept when its estimated Jaccard
similarity reaches DUPLICATE_JACCARD. Linked articles form groups (connected components);
the group's original is the earliest published article, then the smallest article_id, and
every other member gets `duplicate_of` = that id. A duplicate keeps its article row and its
boilerplate lines, but its mentions, entity facts, quotes and events are left out of the
release: they would count the original's people, quotes and events twice (entities'
counts, stories, dyads). Runs on the whole dataset, so the result does not depend on which
articles were processed in this run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from newsfacts.records import Article, BatchResult

# Words per shingle: five-word shingles tell rewritten text from shared phrases (two articles
# on one topic share names and phrases, rarely runs of five words).
SHINGLE_WORDS = 5
NUM_PERM = 128
MINHASH_SEED = 1
# The republished copy of seed 000 in tests/test_duplicates.py (its own headline, date, share
# and footer lines, one phrase edited) has Jaccard 0.94 with the seed; the two seeds, separate
# reports on the same leaders, 0.0.
DUPLICATE_JACCARD = 0.7
WORD = re.compile(r"\w+")


def word_shingles(body: str, size: int = SHINGLE_WORDS) -> set[str]:
    """The body's lower-cased word `size`-grams (the whole body when it is shorter)."""
    words = WORD.findall(body.lower())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def body_signature(body: str):  # type: ignore[no-untyped-def]
    """The MinHash signature of a body's shingles (hash values only), None for an empty body.

    Computed one body at a time (its shingles are ~15x its size); a LeanMinHash keeps the
    same values without the 2 kB of permutations of a MinHash.
    """
    from datasketch import LeanMinHash, MinHash  # imports scipy: ~1 s

    if not (grams := word_shingles(body)):
        return None
    signature = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED, scheme="affine32")
    signature.update_batch([g.encode("utf-8") for g in grams])
    return LeanMinHash(signature)


def signature_pairs(signatures: dict[str, Any]) -> list[tuple[str, str]]:
    """Pairs of article ids (sorted) whose signatures are near-duplicates."""
    from datasketch import MinHashLSH

    if len(signatures) < 2:
        return []
    index = MinHashLSH(threshold=DUPLICATE_JACCARD, num_perm=NUM_PERM)
    for article_id, signature in signatures.items():
        index.insert(article_id, signature)
    pairs = set()
    for article_id, signature in signatures.items():
        for other in index.query(signature):
            if other != article_id and signature.jaccard(signatures[other]) >= DUPLICATE_JACCARD:
                pairs.add((min(article_id, other), max(article_id, other)))
    return sorted(pairs)


def duplicate_pairs(articles: Sequence[Article]) -> list[tuple[str, str]]:
    """Pairs of article ids (sorted) whose bodies are near-duplicates."""
    signatures = {a.article_id: s for a in articles if (s := body_signature(a.body)) is not None}
    return signature_pairs(signatures)


OriginalOrder = tuple[dt.date, str]


def original_order(article: Article) -> OriginalOrder:
    """Sort key of a group: earliest published first (undated last), then smallest id."""
    return (article.published_date or dt.date.max, article.article_id)


def find_duplicates(articles: Sequence[Article]) -> dict[str, str]:
    """Duplicate article id -> the id of its group's original."""
    return group_duplicates([original_order(a) for a in articles], duplicate_pairs(articles))


def group_duplicates(orders: Sequence[OriginalOrder], pairs: Sequence[tuple[str, str]]
                     ) -> dict[str, str]:
    """Duplicate article id -> its group's original, from every article's `original_order`
    and the near-duplicate pairs: linked articles form groups (connected components)."""
    parent = {article_id: article_id for _, article_id in orders}

    def root(article_id: str) -> str:
        while parent[article_id] != article_id:
            parent[article_id] = parent[parent[article_id]]
            article_id = parent[article_id]
        return article_id

    for a, b in pairs:
        parent[max(root(a), root(b))] = min(root(a), root(b))
    groups: dict[str, list[OriginalOrder]] = {}
    for order in orders:
        groups.setdefault(root(order[1]), []).append(order)
    duplicate_of = {}
    for members in groups.values():
        (_, original), *copies = sorted(members)
        duplicate_of.update({copy: original for _, copy in copies})
    return duplicate_of


def link_duplicates(result: BatchResult) -> BatchResult:
    """The result with `duplicate_of` set on copies and the copies' extractions left out."""
    duplicate_of = find_duplicates(result.articles)
    if not duplicate_of:
        return result
    return BatchResult(
        articles=tuple(replace(a, duplicate_of=duplicate_of.get(a.article_id))
                       for a in result.articles),
        boilerplate=result.boilerplate,
        rejected=result.rejected,
        mentions=tuple(m for m in result.mentions if m.article_id not in duplicate_of),
        entity_facts=tuple(f for f in result.entity_facts if f.article_id not in duplicate_of),
        quotes=tuple(q for q in result.quotes if q.article_id not in duplicate_of),
        events=tuple(e for e in result.events if e.article_id not in duplicate_of),
    )
