"""Span-level fixes to the small NER model's output, before entities are keyed.

`Found` is a cleaned NER span with what the text says about it. The fixes here join, add and
retype spans from their words and the parse: a first name read as a place ("Valeska" +
"Paris"), "<Word> <Country>" organisations ("Environment Canada"), proper-noun runs the model
missed whose head word types them ("Deseret News"), facilities and sports teams
(`entity_types`), and acronyms defined in parentheses ("Johnson Space Center (JSC)").
Measured effects on gum-news are in docs/entities.md.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace

from newsfacts.extract import entity_types, gazetteer
from newsfacts.extract.nlp import ParsedText
from newsfacts.extract.places import (
    country_of_country_name,
    country_of_place,
    country_of_region,
    name_key,
)
from newsfacts.records import EntityType, Span

PLACE_TYPES = ("GPE", "LOC")
COMPASS_WORDS = frozenset({
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "greater", "upper", "lower", "mainland", "metropolitan", "new", "old",
})


@dataclass(frozen=True, slots=True)
class Found:
    """A cleaned NER span with what the text says about it, before entities are keyed."""

    span: Span
    type: EntityType
    sentence_index: int
    first_token: int
    end_token: int
    role: str | None = None
    country: str | None = None
    sector: str | None = None
    canonical: str | None = None


def span_of_tokens(parsed: ParsedText, first: int, end_token: int) -> Span:
    """The text span covered by tokens [first, end_token)."""
    start, end = parsed.tokens[first].start, parsed.tokens[end_token - 1].end
    return Span(start, end, parsed.text[start:end])


def token_index_at(token_starts: Sequence[int], offset: int) -> int:
    """Index of the token starting at or containing a character offset."""
    return max(0, bisect.bisect_right(token_starts, offset) - 1)


def join_split_names(parsed: ParsedText, found: list[Found]) -> list[Found]:
    """Two place spans that are one person's name: "Valeska" + "Paris" -> "Valeska Paris".

    The small model reads an unusual first name before a city name as a second place. The
    two spans must touch (one space), and the first be one capitalised proper noun that is
    no known place and that the parser attaches to the second as a compound.
    """
    out: list[Found] = []
    for f in found:
        prev = out[-1] if out else None
        if prev and prev.type in PLACE_TYPES and f.type in PLACE_TYPES \
                and is_first_name_of(parsed, prev, f):
            out[-1] = Found(Span(prev.span.start, f.span.end,
                                 parsed.text[prev.span.start:f.span.end]),
                            "PERSON", prev.sentence_index, prev.first_token, f.end_token)
            continue
        out.append(f)
    return out


def is_first_name_of(parsed: ParsedText, first: Found, second: Found) -> bool:
    """True when a one-word place span reads as the first name of the place span after it."""
    if first.end_token != second.first_token or first.end_token - first.first_token != 1 \
            or parsed.text[first.span.end:second.span.start] != " ":
        return False
    token = parsed.tokens[first.first_token]
    return (token.pos == "PROPN" and token.dep == "compound"
            and second.first_token <= token.head < second.end_token
            and token.text.istitle() and gazetteer.country_of_name(token.text) is None
            and country_of_region(token.text) is None
            and country_of_place(token.text) is None)


def join_country_organisations(parsed: ParsedText, found: list[Found]) -> list[Found]:
    """A country span after capitalised compound words is an organisation: "Environment Canada".

    Government bodies and companies named "<Word> <Country>" ("Statistics Canada", "Hitwise
    UK") come out of the small model as the country alone. Words that are themselves names,
    roles, demonyms or compass points ("South", "Northern") are not taken.
    """
    covered = {i for f in found for i in range(f.first_token, f.end_token)}
    out = []
    for f in found:
        first = f.first_token
        if f.type == "GPE" and country_of_country_name(f.span.text):
            while first > 0 and is_organisation_word(parsed, first - 1, f) \
                    and first - 1 not in covered:
                first -= 1
        if first < f.first_token:
            span = Span(parsed.tokens[first].start, f.span.end,
                        parsed.text[parsed.tokens[first].start:f.span.end])
            f = Found(span, "ORG", f.sentence_index, first, f.end_token)
        out.append(f)
    return out


def is_organisation_word(parsed: ParsedText, index: int, country: Found) -> bool:
    """A capitalised proper noun compounded into a country span, that is no place word."""
    token = parsed.tokens[index]
    return (token.pos == "PROPN" and token.dep == "compound" and token.text.istitle()
            and country.first_token <= token.head < country.end_token
            and parsed.tokens[index].sentence == country.sentence_index
            and token.text.casefold() not in COMPASS_WORDS
            and gazetteer.country_of_name(token.text) is None
            and gazetteer.lookup_role(token.text) is None)


def add_untyped_names(parsed: ParsedText, found: list[Found]) -> list[Found]:
    """Proper-noun runs the model missed whose head word types them ("Deseret News")."""
    covered = {i for f in found for i in range(f.first_token, f.end_token)}
    added = [Found(span_of_tokens(parsed, first, end), kind, parsed.tokens[first].sentence,
                   first, end)
             for first, end, kind in entity_types.untyped_names(parsed, covered)]
    return sorted([*found, *added], key=lambda f: f.span.start)


def correct_types(parsed: ParsedText, found: list[Found]) -> list[Found]:
    """Facilities typed ORG become places; places that play in a match report become teams."""
    places = [(f.span.text, f.first_token, f.end_token) for f in found
              if f.type in PLACE_TYPES]
    teams = {name_key(name) for name in entity_types.team_names(parsed, places)}
    out = []
    for f in found:
        next_word = parsed.tokens[f.end_token].text if f.end_token < len(parsed.tokens) else ""
        if f.type == "ORG" and entity_types.is_facility_name(f.span.text, next_word):
            f = replace(f, type="LOC")
        elif f.type in PLACE_TYPES and (name_key(f.span.text) in teams
                                           or entity_types.is_institution_name(f.span.text)):
            f = replace(f, type="ORG")
        out.append(f)
    return out


def apply_acronyms(
    parsed: ParsedText, found: list[Found]
) -> tuple[list[Found], dict[str, EntityType]]:
    """Acronyms defined after a name ("Johnson Space Center (JSC)") take the name's type.

    The acronym becomes a mention if the model missed it, and every span of the same
    acronym in the article gets that type; the acronyms are returned for `propagate_names`.
    """
    defined: dict[str, EntityType] = {}
    added = []
    starts = {f.span.start for f in found}
    token_starts = [t.start for t in parsed.tokens]
    for f in found:
        if f.type in ("PERSON", "NORP"):
            continue
        hit = entity_types.defined_acronym(parsed.text, f.span.end, f.span.text)
        if hit is None:
            continue
        start, end, acronym = hit
        defined.setdefault(acronym, f.type)
        if start not in starts:
            first = token_index_at(token_starts, start)
            last = token_index_at(token_starts, end - 1)
            added.append(Found(Span(start, end, acronym), f.type,
                               parsed.tokens[first].sentence, first, last + 1))
            starts.add(start)
    out = [replace(f, type=defined[f.span.text])
           if f.span.text in defined and f.type != defined[f.span.text] else f
           for f in [*found, *added]]
    return sorted(out, key=lambda f: f.span.start), defined
