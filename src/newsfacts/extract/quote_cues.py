"""Cues of reported speech in a dependency parse, with their speaker, content and channel.

A verb whose lemma is a cue of rules/quote_cues.json gives its subject (the speaker; a
verb without one, "…, saying", takes its head's) and its clausal complement (`ccomp`, the
content); "according to X, ..." gives X as speaker and the rest of its clause as content.
A document speaker ("a statement published by X") yields its author and a channel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from newsfacts.extract.nlp import ParsedText, Token

DASHES = frozenset({"–", "—", "--"})
# dependency labels of verbs that share their subject with their head ("X attacked Y, saying")
SUBJECT_FROM_HEAD = frozenset({"conj", "advcl", "xcomp", "pcomp"})
CHANNEL_PREPOSITIONS = frozenset({"on", "in", "via", "through", "during", "at"})


@dataclass(frozen=True, slots=True)
class QuoteRules:
    """rules/quote_cues.json, ready for lookups."""

    version: str
    cue_lemmas: frozenset[str]
    verb_channels: dict[str, str]
    channels: dict[str, str]
    document_nouns: frozenset[str]
    pronouns: dict[str, frozenset[str]]


@cache
def quote_rules() -> QuoteRules:
    """The cue verbs, channels, document nouns and pronouns (data: rules/quote_cues.json)."""
    data = json.loads(
        resources.files("newsfacts.rules").joinpath("quote_cues.json").read_text("utf-8")
    )
    return QuoteRules(
        version=data["version"],
        cue_lemmas=frozenset(lemma for group in data["cue_verbs"].values() for lemma in group),
        verb_channels=dict(data["verb_channels"]),
        channels=dict(data["channels"]),
        document_nouns=frozenset(data["document_nouns"]),
        pronouns={word: frozenset(labels) for word, labels in data["pronouns"].items()},
    )


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue in the parse: its tokens, speaker and content token ranges (inclusive), channel."""

    first: int
    last: int
    speaker: tuple[int, int] | None
    content: tuple[tuple[int, int], ...]
    channel: str | None


def children_of(tokens: tuple[Token, ...]) -> list[list[int]]:
    """Dependents of every token, in text order."""
    children: list[list[int]] = [[] for _ in tokens]
    for token in tokens:
        if token.head != token.index:
            children[token.head].append(token.index)
    return children


def subtree(index: int, children: list[list[int]], skip: frozenset[int] = frozenset()) -> set[int]:
    """Token indices of the subtree under `index`, leaving out the subtrees under `skip`."""
    found, stack = set(), [index]
    while stack:
        current = stack.pop()
        if current in skip:
            continue
        found.add(current)
        stack.extend(children[current])
    return found


def token_ranges(parsed: ParsedText, indices: set[int]) -> tuple[tuple[int, int], ...]:
    """Contiguous runs of the given tokens, trimmed of punctuation, "that" and spaces."""
    runs: list[tuple[int, int]] = []
    for index in sorted(indices):
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    trimmed = []
    for first, last in runs:
        tokens = parsed.tokens
        while first <= last and (tokens[first].pos in {"PUNCT", "SPACE", "CCONJ"}
                                 or tokens[first].text.lower() == "that"):
            first += 1
        while last >= first and tokens[last].pos in {"PUNCT", "SPACE"}:
            last -= 1
        if first <= last:
            trimmed.append((first, last))
    return tuple(trimmed)


def find_cues(parsed: ParsedText, children: list[list[int]]) -> list[Cue]:
    """Cue verbs and "according to" phrases, with speaker, content and channel."""
    rules, tokens, cues = quote_rules(), parsed.tokens, []
    for token in tokens:
        lower = token.text.lower()
        if lower == "according" and token.index + 1 < len(tokens) \
                and tokens[token.index + 1].text.lower() == "to":
            cue = according_to_cue(parsed, children, token)
        elif token.pos in {"VERB", "AUX"} and token.lemma.lower() in rules.cue_lemmas:
            cue = verb_cue(parsed, children, token)
        else:
            continue
        if cue is not None:
            cues.append(cue)
    return cues


def according_to_cue(parsed: ParsedText, children: list[list[int]], token: Token) -> Cue | None:
    """ "according to X, CLAUSE" (or "CLAUSE, according to X"): X speaks, the clause is said."""
    to = parsed.tokens[token.index + 1]
    objects = [c for c in children[to.index] + children[token.index]
               if parsed.tokens[c].dep == "pobj"]
    if not objects:
        return None
    speaker = speaker_range(parsed, children, objects[0])
    head = token.head
    content: tuple[tuple[int, int], ...] = ()
    if head != token.index:
        clause = subtree(head, children, skip=frozenset({token.index}))
        content = token_ranges(parsed, clause)
    channel = None
    if speaker is not None:
        speaker, channel = document_author(parsed, children, objects[0], speaker)
    return Cue(token.index, to.index, speaker, content, channel)


def verb_cue(parsed: ParsedText, children: list[list[int]], verb: Token) -> Cue | None:
    """A cue verb: its subject (or its head's, for "…, saying"), ccomp content and channel."""
    tokens, rules = parsed.tokens, quote_rules()
    holder = verb  # the verb whose subject speaks
    while not has_subject(tokens, children, holder.index) \
            and holder.dep in SUBJECT_FROM_HEAD and holder.head != holder.index:
        holder = tokens[holder.head]
    subjects = [c for c in children[holder.index] if tokens[c].dep == "nsubj"]
    speaker, channel = None, rules.verb_channels.get(verb.lemma.lower())
    if subjects:
        speaker = speaker_range(parsed, children, subjects[0])
        if speaker is not None:
            speaker, doc_channel = document_author(parsed, children, subjects[0], speaker)
            channel = channel or doc_channel
    else:
        speaker = adjacent_name(parsed, verb.index)
    complements = [c for c in children[verb.index] if tokens[c].dep == "ccomp"]
    content = token_ranges(parsed, subtree(complements[0], children)) if complements else ()
    last = verb.index
    for child in children[verb.index]:
        if tokens[child].dep == "prt" and child == last + 1:
            last = child
        elif tokens[child].dep == "prep" and tokens[child].text.lower() in CHANNEL_PREPOSITIONS:
            channel = channel or channel_in(parsed, subtree(child, children))
    return Cue(verb.index, last, speaker, content, channel)


def adjacent_name(parsed: ParsedText, verb: int) -> tuple[int, int] | None:
    """A name right after or before a verb the parser gave no subject ("…,” said Skelly,
    with an unknown surname tagged as an adverb): a named entity, else capitalised words."""
    tokens = parsed.tokens
    for entity in parsed.entities:
        if entity.first_token == verb + 1 or entity.last_token == verb - 1:
            return entity.first_token, entity.last_token
    for step in (1, -1):
        index = verb + step
        run = []
        while 0 <= index < len(tokens) and tokens[index].text[:1].isupper() \
                and tokens[index].pos in {"PROPN", "NOUN", "ADV", "ADJ", "X"}:
            run.append(index)
            index += step
        if run:
            return min(run), max(run)
    return None


def has_subject(tokens: tuple[Token, ...], children: list[list[int]], index: int) -> bool:
    """Has this verb a subject of its own?"""
    return any(tokens[c].dep in {"nsubj", "nsubjpass"} for c in children[index])


def speaker_range(
    parsed: ParsedText, children: list[list[int]], head: int
) -> tuple[int, int] | None:
    """A speaker noun phrase: the subtree of its head within the head's sentence and line,
    after any dash (a dateline "CARACAS, Venezuela – President X said" is not the speaker)."""
    tokens = parsed.tokens
    indices = {i for i in subtree(head, children) if tokens[i].sentence == tokens[head].sentence}
    breaks = [i for i in indices if "\n" in tokens[i].text or tokens[i].text in DASHES]
    if breaks:
        indices = {i for i in indices if i > max(breaks)}
    runs = token_ranges(parsed, indices)
    return next((r for r in runs if r[0] <= head <= r[1]), runs[-1] if runs else None)


def channel_in(parsed: ParsedText, indices: set[int]) -> str | None:
    """The channel named by a phrase ("on his Twitter account", "in a statement"), if any."""
    channels, tokens = quote_rules().channels, [parsed.tokens[i] for i in sorted(indices)]
    for size in (3, 2, 1):  # "e - mail" is three tokens, "press release" two
        for i in range(len(tokens) - size + 1):
            words = parsed.text[tokens[i].start:tokens[i + size - 1].end].lower()
            if words in channels:
                return channels[words]
    return None


def document_author(
    parsed: ParsedText, children: list[list[int]], head: int, speaker: tuple[int, int]
) -> tuple[tuple[int, int], str | None]:
    """For a document speaker ("a statement published by X", "X's statement"): X and the
    channel; a document without a named author speaks itself ("the communique reads")."""
    tokens, rules = parsed.tokens, quote_rules()
    lemma = tokens[head].lemma.lower()
    if lemma not in rules.document_nouns:
        return speaker, None
    channel = rules.channels.get(lemma, lemma)
    for index in sorted(subtree(head, children)):
        token = tokens[index]
        authored = token.dep == "poss" and token.head == head
        authored |= token.dep == "pobj" and tokens[token.head].text.lower() in {"by", "from"}
        if authored and tokens[index].pos in {"PROPN", "NOUN"}:
            author = speaker_range(parsed, children, index)
            if author is not None:
                return author, channel
    return speaker, channel
