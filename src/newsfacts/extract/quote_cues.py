"""Cues of reported speech in a dependency parse, with their speaker, content and channel.

A verb whose lemma is a cue of rules/quote_cues.json gives its subject (the speaker; a
verb without one, "…, saying", takes its head's) and its content: the clausal complement
(`ccomp`), else an infinitive ("vowed to fight", "urged him to resign"), else for an object
cue its objects ("praised the plan", "accused X of lying"). "according to X, ..." gives X as
speaker and the rest of its clause as content. Every cue carries its group (speech,
writing, cognition, evidence, naming, stance, according_to).
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
OBJECT_DEPS = frozenset({"dobj", "dative", "oprd", "xcomp", "ccomp"})
ACCORDING_TO_GROUP = "according_to"
STANCE_GROUP = "stance"  # object cues: content is what the stance is taken on
TIME_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "morning", "afternoon", "evening", "night", "week", "weekend",
    "month", "year", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
})


@dataclass(frozen=True, slots=True)
class QuoteRules:
    """rules/quote_cues.json, ready for lookups."""

    version: str
    cue_lemmas: frozenset[str]
    object_lemmas: frozenset[str]  # cues whose content may be an object ("praised the plan")
    group_of: dict[str, str]  # cue lemma -> its group ("speech", "cognition", "stance", ...)
    content_prepositions: frozenset[str]
    clause_only: frozenset[str]  # cues whose infinitive is not a report ("continued to run")
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
    group_of = {lemma: name for key in ("cue_verbs", "object_cue_verbs")
                for name, group in data[key].items() for lemma in group}
    return QuoteRules(
        version=data["version"],
        cue_lemmas=frozenset(group_of),
        object_lemmas=frozenset(
            lemma for group in data["object_cue_verbs"].values() for lemma in group),
        group_of=group_of,
        content_prepositions=frozenset(data["object_content_prepositions"]),
        clause_only=frozenset(data["clause_only_verbs"]),
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
    group: str


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
    return Cue(token.index, to.index, speaker, content, channel, ACCORDING_TO_GROUP)


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
    content = verb_content(parsed, children, verb, with_object=bool(subjects))
    last = verb.index
    for child in children[verb.index]:
        if tokens[child].dep == "prt" and child == last + 1:
            last = child
        elif tokens[child].dep == "prep" and tokens[child].text.lower() in CHANNEL_PREPOSITIONS:
            channel = channel or channel_in(parsed, subtree(child, children))
    return Cue(verb.index, last, speaker, content, channel, rules.group_of[verb.lemma.lower()])


def verb_content(
    parsed: ParsedText, children: list[list[int]], verb: Token, with_object: bool
) -> tuple[tuple[int, int], ...]:
    """What a cue verb reports: its clausal complement ("said [the plant is ready]"), else
    an infinitive with the object before it ("urged [him to resign]"); for an object cue
    with a subject, its objects and prepositional complements ("accused [X of lying]",
    "praised [the plan]"). Dates, channels and adverbial phrases are left out."""
    tokens, rules = parsed.tokens, quote_rules()
    deps = {c: tokens[c].dep for c in children[verb.index] if c > verb.index}
    clauses = [c for c, dep in deps.items() if dep == "ccomp"]
    if clauses:
        return token_ranges(parsed, subtree(clauses[0], children))
    lemma = verb.lemma.lower()
    picked = [] if lemma in rules.clause_only else [c for c, d in deps.items() if d == "xcomp"]
    if picked:
        picked += [c for c, dep in deps.items() if dep == "dobj" and c < picked[0]]
    elif with_object and lemma in rules.object_lemmas:
        picked = [c for c, dep in deps.items() if dep in OBJECT_DEPS or (
            dep == "prep" and tokens[c].text.lower() in rules.content_prepositions
            and not is_circumstance(parsed, children, c))]
    return token_ranges(parsed, set().union(*(subtree(c, children) for c in picked)))


def is_circumstance(parsed: ParsedText, children: list[list[int]], prep: int) -> bool:
    """Is a prepositional phrase a time or a channel ("on Tuesday", "on Twitter")?"""
    indices = subtree(prep, children)
    return channel_in(parsed, indices) is not None or any(
        parsed.tokens[i].text.lower() in TIME_WORDS for i in indices)


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
