"""Quotes and reported speech with their speakers, cues and channels, from a parsed text.

`extract_quotes` is pure: a `ParsedText` in, `QuoteMatch` records out. Three steps:

1. Quote marks are paired in the text (`extract.quote_marks`).
2. Cues are found in the dependency parse (`extract.quote_cues`).
3. Each quote takes the cue in the text around it, up to the sentence end on either side
   ("“…,” he said." / "He said: “…”"); a quote with no cue there continues the previous
   quote's attribution ("“A,” he said. “B.”" is one quote of two segments); stance cues
   ("discussed", "praised") never take a quote. Cues with a content that holds no quote and
   is not already their quote's give indirect speech.

A pronoun speaker inside another cue's content ("X assured that he will …") is that cue's
speaker; otherwise it is resolved to the nearest preceding named entity of a compatible type
(rules: `pronouns`), outside quotes, at most `ANTECEDENT_SENTENCES` sentences back; "who" in
"X, who said" to X. That is a heuristic, not coreference: it is right for the common
"Smith … he said" and wrong when another name of the same type comes in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsfacts.extract.nlp import ParsedText
from newsfacts.extract.quote_cues import STANCE_GROUP, Cue, children_of, find_cues, quote_rules
from newsfacts.extract.quote_marks import QuoteSpan, find_quote_spans
from newsfacts.records import QuoteKind, QuoteMatch, Span

SENTENCE_END = frozenset({".", "!", "?"})
RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})
ANTECEDENT_SENTENCES = 5
TITLE_WINDOW = 4  # words before a name that can hold its title ("former Venezuelan President")
MIN_UNATTRIBUTED_WORDS = 4  # an unattributed quote shorter than this is a title or scare quote


@dataclass(frozen=True, slots=True)
class Context:
    """What the attribution steps share about one text."""

    parsed: ParsedText
    children: list[list[int]]
    quotes: tuple[QuoteSpan, ...]
    quote_of_token: list[int | None]
    cue_at: dict[int, Cue]  # by every token index a cue covers
    cues: tuple[Cue, ...]


def extract_quotes(parsed: ParsedText) -> tuple[QuoteMatch, ...]:
    """Every quote and reported statement of a parsed text, in text order."""
    children = children_of(parsed.tokens)
    quotes = find_quote_spans(parsed.text)
    cues = find_cues(parsed, children)
    cue_at = {i: cue for cue in cues for i in range(cue.first, cue.last + 1)}
    context = Context(parsed, children, quotes, quote_of_tokens(parsed, quotes), cue_at,
                      tuple(cues))
    matches = attribute_quotes(context)
    tokens = parsed.tokens
    for cue in cues:
        if not cue.content:
            continue
        quoted = {context.quote_of_token[i] for a, b in cue.content for i in range(a, b + 1)}
        start, end = tokens[cue.content[0][0]].start, tokens[cue.content[-1][1]].end
        # a cue a quote took can still report a clause of its own ("called it “crazy” and
        # said the party would lose"), unless that clause is the quote's content
        if quoted == {None} and not any(
                m.cue_start == tokens[cue.first].start and m.start < end and start < m.end
                for m in matches):
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
    # a stance cue does not make quoted words its subject's: in "they discussed their
    # cooperation in “…”" the quote is the source's (a statement), not theirs
    candidates = [context.cue_at[i] for i in after + before
                  if i in context.cue_at and context.cue_at[i].group != STANCE_GROUP]
    for cue in candidates:
        if any(context.parsed.tokens[a].start <= quote.start < context.parsed.tokens[b].end
               for a, b in cue.content):
            return cue, after
    return (candidates[0] if candidates else None), after


def attribute_quotes(context: Context) -> list[QuoteMatch]:
    """One match per attributed quote (continued quotes become segments)."""
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
    return matches


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
    "speaker_mention_start", "speaker_mention_end", "cue", "cue_start", "cue_end", "cue_group",
    "channel", "sentence_index",
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
        cue_group=cue.group if cue is not None else None,
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
    reporter = reporting_speaker(context, speaker[0], labels)
    if reporter is not None:
        return reporter
    for entity in reversed(parsed.entities):
        if entity.end > token.start or entity.label not in labels:
            continue
        if token.sentence - entity.sentence > ANTECEDENT_SENTENCES:
            return None
        if context.quote_of_token[entity.first_token] is None:
            return entity.start, entity.end
    return None


def reporting_speaker(
    context: Context, pronoun: int, labels: frozenset[str]
) -> tuple[int, int] | None:
    """In "X assured that he will …" the pronoun inside the content is X (a compatible name),
    whatever name came in between ("met Putin and assured that he …")."""
    for cue in context.cues:
        if cue.speaker is None or not any(a <= pronoun <= b for a, b in cue.content):
            continue
        for entity in context.parsed.entities:
            if entity.label in labels and cue.speaker[0] <= entity.first_token \
                    and entity.last_token <= cue.speaker[1]:
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
