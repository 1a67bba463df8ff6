"""Quotes and reported speech with their speakers, cues and channels, from a parsed text.

`extract_quotes` is pure: a `ParsedText` in, `QuoteMatch` records out. Three steps:

1. Quote marks are paired in the text (`find_quote_spans`): typographic and straight double
   quotes, single quotes used as quotes outside double ones (nested single quotes stay part
   of their quote), and the news convention of a quote running over several paragraphs
   (each continued paragraph reopens with a quote mark, only the last one closes).
2. Cues are found in the dependency parse (`find_cues`): a verb whose lemma is a cue of
   rules/quote_cues.json, its subject (the speaker) and its clausal complement (`ccomp`, the
   content); "according to X, ..." with X as speaker and the rest of its clause as content.
3. Each quote takes the cue in the text around it, up to the sentence end on either side
   ("“…,” he said." / "He said: “…”"); a quote with no cue there continues the previous
   quote's attribution ("“A,” he said. “B.”" is one quote of two segments). Cues with a
   content clause that no quote used give indirect speech.

A pronoun speaker is resolved to the nearest preceding named entity of a compatible type
(rules: `pronouns`), outside quotes, at most `ANTECEDENT_SENTENCES` sentences back; "who" in
"X, who said" to X. That is a heuristic, not coreference: it is right for the common
"Smith … he said" and wrong when another name of the same type comes in between.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from newsfacts.extract.nlp import ParsedText, Token
from newsfacts.records import QuoteKind, QuoteMatch, Span

DOUBLE_OPENERS = frozenset("“„«")
DOUBLE_CLOSERS = frozenset("”»")
SINGLE_OPENERS = frozenset("‘'")
SINGLE_CLOSERS = frozenset("’'")
BEFORE_OPENING = frozenset(" \t([{—–-/")
SENTENCE_END = frozenset({".", "!", "?"})
DASHES = frozenset({"–", "—", "--"})
# dependency labels of verbs that share their subject with their head ("X attacked Y, saying")
SUBJECT_FROM_HEAD = frozenset({"conj", "advcl", "xcomp", "pcomp"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
CHANNEL_PREPOSITIONS = frozenset({"on", "in", "via", "through", "during", "at"})
ANTECEDENT_SENTENCES = 5
TITLE_WINDOW = 4  # words before a name that can hold its title ("former Venezuelan President")
MIN_UNATTRIBUTED_WORDS = 4  # an unattributed quote shorter than this is a title or scare quote


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
class QuoteSpan:
    """Text between quote marks: mark offsets (`open`, `close` after the closing mark) and
    the content inside them, trimmed of spaces and of a trailing comma."""

    open: int
    close: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue in the parse: its tokens, speaker and content token ranges (inclusive), channel."""

    first: int
    last: int
    speaker: tuple[int, int] | None
    content: tuple[tuple[int, int], ...]
    channel: str | None


def find_quote_spans(text: str) -> tuple[QuoteSpan, ...]:
    """Pair the quote marks of a text, paragraph by paragraph (see the module docstring)."""
    spans: list[QuoteSpan] = []
    running: int | None = None  # opening offset of a double quote running on from above
    offset = 0
    for line in text.split("\n"):
        if running is not None and line.lstrip()[:1] not in DOUBLE_OPENERS | {'"'}:
            add_quote_span(spans, text, running, offset - 1)  # the quote ended with its paragraph
            running = None
        running = pair_quotes_in_line(text, offset, len(line), running, spans)
        offset += len(line) + 1
    if running is not None:
        add_quote_span(spans, text, running, len(text))
    return tuple(spans)


def pair_quotes_in_line(
    text: str, offset: int, length: int, running: int | None, spans: list[QuoteSpan]
) -> int | None:
    """Pair marks on one line; returns the opening offset of a double quote left open."""
    double = running
    straight = running is not None and text[running] == '"'  # closed by '"', not by '”'
    single: int | None = None
    nested = 0
    reopening = running is not None  # the first mark of a continued paragraph reopens it
    for position in range(offset, offset + length):
        char = text[position]
        before = text[position - 1] if position > 0 else " "
        after = text[position + 1] if position + 1 < len(text) else " "
        if reopening and (char in DOUBLE_OPENERS or char == '"'):
            reopening = False
        elif double is None and (char in DOUBLE_OPENERS or char == '"'):
            if not after.isspace():
                double, single, straight, nested = position, None, char == '"', 0
        elif double is not None and straight and char in DOUBLE_OPENERS:
            nested += 1  # "… “inner” …": typographic marks nested in straight ones
        elif double is not None and (char == '"' or char in DOUBLE_CLOSERS):
            if nested and char != '"':
                nested -= 1
                continue
            add_quote_span(spans, text, double, position + 1)
            double = None
        elif double is None and single is None and char in SINGLE_OPENERS:
            if (before in BEFORE_OPENING or before in DOUBLE_OPENERS) and after.isalnum():
                single = position
        elif double is None and single is not None and char in SINGLE_CLOSERS:
            if not after.isalnum() and not before.isspace():
                add_quote_span(spans, text, single, position + 1)
                single = None
        elif not char.isspace():
            reopening = False
    return double


def add_quote_span(spans: list[QuoteSpan], text: str, open_: int, close: int) -> None:
    """Record a quote if anything is inside the marks; the closing mark may be absent."""
    end = close - 1 if close <= len(text) and text[close - 1] in "”»\"’'" else close
    start = open_ + 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    if end > start:
        spans.append(QuoteSpan(open_, close, start, end))


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


@dataclass(frozen=True, slots=True)
class Context:
    """What the attribution steps share about one text."""

    parsed: ParsedText
    children: list[list[int]]
    quotes: tuple[QuoteSpan, ...]
    quote_of_token: list[int | None]
    cue_at: dict[int, Cue]  # by every token index a cue covers


def extract_quotes(parsed: ParsedText) -> tuple[QuoteMatch, ...]:
    """Every quote and reported statement of a parsed text, in text order."""
    children = children_of(parsed.tokens)
    quotes = find_quote_spans(parsed.text)
    cues = find_cues(parsed, children)
    cue_at = {i: cue for cue in cues for i in range(cue.first, cue.last + 1)}
    context = Context(parsed, children, quotes, quote_of_tokens(parsed, quotes), cue_at)
    matches, used = attribute_quotes(context)
    for cue in cues:
        if cue.first not in used and cue.content:
            quoted = {context.quote_of_token[i] for a, b in cue.content for i in range(a, b + 1)}
            if quoted == {None}:
                matches.append(build_match(context, cue.content, "indirect", cue))
    return tuple(sorted(matches, key=lambda m: (m.start, m.end)))


def quote_of_tokens(parsed: ParsedText, quotes: tuple[QuoteSpan, ...]) -> list[int | None]:
    """For every token, the index of the quote whose marks enclose it (marks included)."""
    owner: list[int | None] = [None] * len(parsed.tokens)
    position = 0
    for index, quote in enumerate(quotes):
        while position < len(parsed.tokens) and parsed.tokens[position].end <= quote.open:
            position += 1
        cursor = position
        while cursor < len(parsed.tokens) and parsed.tokens[cursor].start < quote.close:
            owner[cursor] = index
            cursor += 1
    return owner


def window(context: Context, quote: QuoteSpan, step: int) -> list[int]:
    """Tokens next to a quote, outward up to a sentence end, a line break or another quote."""
    tokens, owner = context.parsed.tokens, context.quote_of_token
    if step > 0:
        index = next((t.index for t in tokens if t.start >= quote.close), len(tokens))
    else:
        index = next((t.index for t in reversed(tokens) if t.end <= quote.open), -1)
    found: list[int] = []
    while 0 <= index < len(tokens):
        token = tokens[index]
        if owner[index] is not None or "\n" in token.text:
            break
        if token.text in SENTENCE_END:
            break
        found.append(index)
        index += step
    return found


def cue_for_quote(context: Context, quote: QuoteSpan) -> tuple[Cue | None, list[int]]:
    """The cue attributing a quote: one whose content covers it, else the nearest after, else
    the nearest before (within the quote's sentence); with the tokens after the quote."""
    after, before = window(context, quote, 1), window(context, quote, -1)
    candidates = [context.cue_at[i] for i in after + before if i in context.cue_at]
    for cue in candidates:
        if any(context.parsed.tokens[a].start <= quote.start < context.parsed.tokens[b].end
               for a, b in cue.content):
            return cue, after
    return (candidates[0] if candidates else None), after


def attribute_quotes(context: Context) -> tuple[list[QuoteMatch], set[int]]:
    """One match per attributed quote (continued quotes become segments); cue tokens used."""
    matches: list[QuoteMatch] = []
    used: set[int] = set()
    previous: tuple[QuoteMatch, Cue | None, int] | None = None  # last match, its cue, its end
    text = context.parsed.text
    for quote in context.quotes:
        cue, after = cue_for_quote(context, quote)
        if cue is None and previous is not None and continues(text, previous[2], quote.open):
            match = add_segment(context, previous[0], quote)
            matches[-1] = match
            previous = (match, previous[1], quote.close)
            continue
        if cue is None:
            words = len(text[quote.start:quote.end].split())
            if quote_kind(context, quote) != "direct" or words < MIN_UNATTRIBUTED_WORDS:
                continue  # a title, a name or scare quotes, not a statement
            if previous is not None and same_speaker_nearby(context, previous[0], quote):
                cue = previous[1]
        if cue is not None and cue.first in used and matches and matches[-1].cue_start == \
                context.parsed.tokens[cue.first].start and matches[-1].kind == "partial":
            match = add_segment(context, matches[-1], quote, extend=True)  # one clause
            matches[-1] = match
            previous = (match, cue, quote.close)
            continue
        match = quote_match(context, quote, cue)
        if cue is not None:
            used.add(cue.first)
        matches.append(match)
        end = context.parsed.tokens[after[-1]].end if after else quote.close
        previous = (match, cue, end)
    return matches, used


def continues(text: str, previous_end: int, open_: int) -> bool:
    """Does a quote follow the previous quote's attribution with nothing else in between?"""
    gap = text[previous_end:open_]
    return "\n" not in gap and not any(ch.isalnum() for ch in gap)


def same_speaker_nearby(context: Context, previous: QuoteMatch, quote: QuoteSpan) -> bool:
    """An unattributed quote in the paragraph after a quote, or the same one, has its speaker."""
    gap = context.parsed.text[previous.end:quote.open]
    return gap.count("\n") <= 2 and len(gap.split()) < 40


def quote_match(context: Context, quote: QuoteSpan, cue: Cue | None) -> QuoteMatch:
    """A match for a quote: direct, or partial with the clause that holds it as content."""
    tokens = context.parsed.tokens
    kind = quote_kind(context, quote)
    text = context.parsed.text
    segment = Span(quote.start, quote.end, text[quote.start:quote.end])
    if kind == "partial" and cue is not None:
        clause = [(tokens[a].start, tokens[b].end) for a, b in cue.content]
        if clause and clause[0][0] <= quote.start < max(clause[-1][1], quote.close):
            # the quoted words are part of the reported clause: the clause is the content
            spans = [*clause[:-1], (clause[-1][0], max(clause[-1][1], quote.end))]
            segments = tuple(Span(a, b, text[a:b]) for a, b in spans)
            return match_from_segments(context, segments, kind, cue)
        start = content_start_after_cue(context, cue)
        if start is not None and start <= quote.start and tokens[cue.last].end <= quote.open:
            segment = Span(start, quote.end, text[start:quote.end])
    return match_from_segments(context, (segment,), kind, cue)


def content_start_after_cue(context: Context, cue: Cue) -> int | None:
    """Where the writer's report of a cue starts when the parse gave no clause: the first
    word after the cue (and after a speaker that follows it), "that" left out."""
    tokens = context.parsed.tokens
    index = cue.last + 1
    if cue.speaker is not None and cue.speaker[0] == index:
        index = cue.speaker[1] + 1
    while index < len(tokens) and (tokens[index].pos in {"PUNCT", "SPACE"}
                                   or tokens[index].text.lower() == "that"):
        if context.quote_of_token[index] is not None:
            return tokens[index].end
        index += 1
    return tokens[index].start if index < len(tokens) else None


def quote_kind(context: Context, quote: QuoteSpan) -> QuoteKind:
    """Direct when the quote starts like a sentence and is not inside the writer's words."""
    text = context.parsed.text
    first = text[quote.start]
    before = text[:quote.open].rstrip()
    starts_sentence = not before or before[-1] in ".!?:,\n" or before.endswith(" that")
    if (first.isupper() or first.isdigit() or first in "….[") and starts_sentence:
        return "direct"
    return "partial"


def add_segment(
    context: Context, match: QuoteMatch, quote: QuoteSpan, extend: bool = False
) -> QuoteMatch:
    """The match with one more quoted stretch of content, or (`extend`, for a second quote
    in the same reported clause) with its last segment stretched to the quote's end."""
    text = context.parsed.text
    last = match.segments[-1]
    if extend and "\n" not in text[last.end:quote.start]:
        segment = Span(last.start, quote.end, text[last.start:quote.end])
        segments = (*match.segments[:-1], segment)
    else:
        segment = Span(quote.start, quote.end, text[quote.start:quote.end])
        segments = (*match.segments, segment)
    return QuoteMatch(
        " ".join(s.text for s in segments), segments[0].start, segment.end, segments, match.kind,
        *(getattr(match, name) for name in SPEAKER_AND_CUE_FIELDS),
    )


SPEAKER_AND_CUE_FIELDS = (
    "speaker_text", "speaker_start", "speaker_end", "speaker_resolved_from",
    "speaker_mention_start", "speaker_mention_end", "cue", "cue_start", "cue_end", "channel",
    "sentence_index",
)


def build_match(
    context: Context, ranges: tuple[tuple[int, int], ...], kind: QuoteKind, cue: Cue | None
) -> QuoteMatch:
    """A match whose content is the given token ranges."""
    tokens, text = context.parsed.tokens, context.parsed.text
    segments = tuple(
        Span(tokens[a].start, tokens[b].end, text[tokens[a].start:tokens[b].end])
        for a, b in ranges
    )
    return match_from_segments(context, segments, kind, cue)


def match_from_segments(
    context: Context, segments: tuple[Span, ...], kind: QuoteKind, cue: Cue | None
) -> QuoteMatch:
    """Fill in the speaker (resolving a pronoun), the cue and the sentence of a content."""
    parsed = context.parsed
    speaker = mention = resolved_from = None
    cue_span = channel = None
    if cue is not None:
        cue_span = (parsed.tokens[cue.first].start, parsed.tokens[cue.last].end)
        channel = cue.channel
        if cue.speaker is not None:
            mention = (parsed.tokens[cue.speaker[0]].start, parsed.tokens[cue.speaker[1]].end)
            speaker = mention
            antecedent = resolve_pronoun(context, cue.speaker)
            if antecedent is not None:
                speaker, resolved_from = antecedent, parsed.text[mention[0]:mention[1]]
    sentence = parsed.sentence_of(segments[0].start)
    return QuoteMatch(
        text=" ".join(s.text for s in segments), start=segments[0].start, end=segments[-1].end,
        segments=segments, kind=kind,
        speaker_text=parsed.text[speaker[0]:speaker[1]] if speaker else None,
        speaker_start=speaker[0] if speaker else None,
        speaker_end=speaker[1] if speaker else None,
        speaker_resolved_from=resolved_from,
        speaker_mention_start=mention[0] if mention else None,
        speaker_mention_end=mention[1] if mention else None,
        cue=parsed.text[cue_span[0]:cue_span[1]] if cue_span else None,
        cue_start=cue_span[0] if cue_span else None, cue_end=cue_span[1] if cue_span else None,
        channel=channel, sentence_index=sentence.index if sentence else 0,
    )


def resolve_pronoun(context: Context, speaker: tuple[int, int]) -> tuple[int, int] | None:
    """Offsets of the antecedent of a pronoun (see the module docstring) or of a title
    ("the president") speaker; None when there is none or the speaker is a name."""
    parsed = context.parsed
    token = parsed.tokens[speaker[0]]
    word = token.text.lower()
    labels = quote_rules().pronouns.get(word)
    if speaker[0] != speaker[1] or labels is None:
        return resolve_title(context, speaker)
    if word in RELATIVE_PRONOUNS:
        verb = parsed.tokens[token.head]
        if verb.dep == "relcl":
            noun = verb.head
            for entity in parsed.entities:
                if entity.first_token <= noun <= entity.last_token:
                    return entity.start, entity.end
            return parsed.tokens[noun].start, parsed.tokens[noun].end
    for entity in reversed(parsed.entities):
        if entity.end > token.start or entity.label not in labels:
            continue
        if token.sentence - entity.sentence > ANTECEDENT_SENTENCES:
            return None
        if context.quote_of_token[entity.first_token] is None:
            return entity.start, entity.end
    return None


def resolve_title(context: Context, speaker: tuple[int, int]) -> tuple[int, int] | None:
    """ "the Venezuelan president" -> the nearest earlier person introduced with those words
    ("Venezuelan President Nicolás Maduro"): every word after "the" must be among the
    `TITLE_WINDOW` words just before the name, whatever their case."""
    tokens, parsed = context.parsed.tokens, context.parsed
    if tokens[speaker[0]].text.lower() != "the" or speaker[1] - speaker[0] > TITLE_WINDOW:
        return None
    words = [t.text.lower() for t in tokens[speaker[0] + 1:speaker[1] + 1]]
    if not words or any(t.pos not in {"NOUN", "PROPN", "ADJ"} for t in
                        tokens[speaker[0] + 1:speaker[1] + 1]):
        return None
    for entity in reversed(parsed.entities):
        if entity.end > tokens[speaker[0]].start or entity.label != "PERSON":
            continue
        before = {t.text.lower() for t in tokens[max(0, entity.first_token - TITLE_WINDOW):
                                                 entity.first_token]}
        if set(words) <= before:
            return entity.start, entity.end
    return None
