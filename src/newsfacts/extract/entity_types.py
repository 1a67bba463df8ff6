"""Type corrections for NER spans from their words and context: facilities, sports teams.

The small model types by surface: "Museum of Flight" is an ORG to it, "Belgium" a GPE even
when it "defeated debutants Panama 3 – 0". Two rules, lexicons in rules/entity_types.json:
- a name whose head word is a building or ground ("Johnson Space Center", "Volgograd Arena")
  is a place (our places include OntoNotes FAC);
- in a match report, a country or place that plays (subject or object of a team verb, beside a
  score, owner of a goalkeeper or coach) is a team, an organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from newsfacts.extract.gazetteer import load_rules
from newsfacts.extract.nlp import ParsedText, Token

RULES_FILE = "entity_types.json"
SCORE = re.compile(r"^\d{1,2}$")
DASHES = frozenset({"-", "–", "—", "to"})
# "Johnson Space Center (JSC)": an acronym in parentheses right after a name.
ACRONYM_AFTER = re.compile(r"\s*\((?P<acronym>[A-Z][A-Z0-9&]{1,7})\)")
INITIALS_SKIPPED = frozenset({"of", "the", "and", "for", "&", "in", "on", "de", "la"})
TEAM_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "appos"})
# Prepositions that join a team to a verb ("lost to England"); "at", "in" join a place.
TEAM_PREPOSITIONS = frozenset({"against", "for", "over", "past", "to", "versus", "vs", "vs."})


@cache
def facility_heads() -> frozenset[str]:
    """Head words of facility names, casefolded."""
    return frozenset(w.casefold() for w in load_rules(RULES_FILE)["facility_heads"])


@cache
def organisation_heads() -> frozenset[str]:
    """Last words that make an untyped proper-noun run an organisation, casefolded."""
    return frozenset(w.casefold() for w in load_rules(RULES_FILE)["organisation_heads"])


@cache
def sports_lexicon() -> tuple[frozenset[str], frozenset[str], frozenset[str], int]:
    """(cue lemmas, team verb lemmas, team nouns, cues needed) for match reports."""
    sports = load_rules(RULES_FILE)["sports"]
    return (frozenset(sports["cues"]), frozenset(sports["team_verbs"]),
            frozenset(sports["team_nouns"]), sports["min_cues"])


def head_index(words: list[str]) -> int:
    """Index of a name's head word: the word before its first "of" or "for", else the last."""
    for i, word in enumerate(words[1:], start=1):
        if word.casefold() in ("of", "for"):
            return i - 1
    return len(words) - 1


def name_head(name: str) -> str:
    """The head word of a name: "Museum" of "Museum of Flight", "Center" of "Space Center"."""
    words = name.split()
    return words[head_index(words)] if words else ""


@cache
def institution_modifiers() -> frozenset[str]:
    """Words right before a facility head that make the name an institution, casefolded."""
    return frozenset(w.casefold() for w in load_rules(RULES_FILE)["institution_modifiers"])


def facility_head_then(name: str, next_word: str = "") -> str | None:
    """The word after a facility head ("" at the end of the name), None if no such head.

    "for" stands for an institution: after the head ("Center for Economic Policy") or an
    institution word before it ("Media Research Center").
    """
    words = name.split()
    if len(words) < 2:
        return None
    i = head_index(words)
    if words[i].casefold() not in facility_heads():
        return None
    if i > 0 and words[i - 1].casefold() in institution_modifiers():
        return "for"
    return words[i + 1] if i + 1 < len(words) else next_word


def is_facility_name(name: str, next_word: str = "") -> bool:
    """True for a building or ground: "Museum of Flight", "Nizhny Novgorod Stadium"."""
    after = facility_head_then(name, next_word)
    return after is not None and after.casefold() != "for"


def is_institution_name(name: str) -> bool:
    """True for "Center for Strategic and International Studies", "Media Research Center"."""
    after = facility_head_then(name)
    return after is not None and after.casefold() == "for"


def is_match_report(parsed: ParsedText) -> bool:
    """True when the text uses enough distinct sports words to be about matches."""
    cues, _, _, needed = sports_lexicon()
    return len({t.lemma.casefold() for t in parsed.tokens} & cues) >= needed


def beside_score(tokens: tuple[Token, ...], first: int, end: int) -> bool:
    """A name followed or preceded by a score: "Sweden 1 – 0", "3 – 0 Panama"."""
    def score_at(i: int) -> bool:
        return (i >= 0 and i + 2 < len(tokens) and SCORE.match(tokens[i].text) is not None
                and tokens[i + 1].text in DASHES and SCORE.match(tokens[i + 2].text) is not None)
    return score_at(end) or score_at(first - 3)


def plays(tokens: tuple[Token, ...], first: int, end: int) -> bool:
    """A name that is an argument of a team verb or owns a team noun ("Tunisia's coach")."""
    _, verbs, nouns, _ = sports_lexicon()
    for token in tokens[first:end]:
        if first <= token.head < end:
            continue  # inside the name
        while token.dep == "conj" and token.head != token.index:
            token = tokens[token.head]  # "Sweden, Belgium, England win": as the first conjunct
        head = tokens[token.head]
        if token.dep == "poss" and head.lemma.casefold() in nouns:
            return True
        if token.dep == "compound" and head.lemma.casefold() in nouns:
            return True  # "Panama coach"
        if token.dep in TEAM_ARGUMENT_DEPS:
            if head.dep == "prep":  # "lost to England", "a goal for Belgium"
                if head.text.casefold() not in TEAM_PREPOSITIONS:
                    continue
                head = tokens[head.head]
            if head.lemma.casefold() in verbs:
                return True
    return False


def team_names(
    parsed: ParsedText, places: Iterable[tuple[str, int, int]]
) -> set[str]:
    """The names among (name, first token, end token) place spans that act as sports teams.

    Empty unless the text is a match report.
    """
    if not is_match_report(parsed):
        return set()
    tokens = parsed.tokens
    return {name for name, first, end in places if not is_facility_name(name)
            and (beside_score(tokens, first, end) or plays(tokens, first, end))}


def is_acronym_of(acronym: str, name: str) -> bool:
    """True when an acronym's letters are the initials of a name's words, in any order.

    "JSC" of "Johnson Space Center", "UAAR" of "Union of Rationalist Atheists and Agnostics"
    (an acronym of the name in another language), "M5S" of "Movimento 5 Stelle".
    """
    initials = [w[0].upper() for w in re.split(r"[\s\-]+", name)
                if w and w.casefold() not in INITIALS_SKIPPED]
    letters = [c for c in acronym if c.isalnum()]
    if not letters or not initials or letters[0] != initials[0] or len(letters) > len(initials):
        return False
    return all(letters.count(c) <= initials.count(c) for c in set(letters))


def defined_acronym(text: str, name_end: int, name: str) -> tuple[int, int, str] | None:
    """(start, end, acronym) of an acronym defined in parentheses right after a name."""
    match = ACRONYM_AFTER.match(text, name_end)
    if match is None or not is_acronym_of(match["acronym"], name):
        return None
    return match.start("acronym"), match.end("acronym"), match["acronym"]


def untyped_names(parsed: ParsedText, covered: set[int]) -> list[tuple[int, int, str]]:
    """Runs of two or more capitalised proper nouns outside every span, typed by their head.

    (first token, end token, "ORG" or "LOC"): "Deseret News" and "Sydney Morning Herald" are
    organisations, "Shandao Station" and "Grand Mosque" places; other runs are left alone.
    """
    found = []
    tokens = parsed.tokens
    i = 0
    while i < len(tokens):
        end = i
        while end < len(tokens) and end not in covered and tokens[end].pos == "PROPN" \
                and tokens[end].text[:1].isupper() and tokens[end].sentence == tokens[i].sentence:
            end += 1
        if end - i >= 2:
            head = tokens[end - 1].text.casefold()
            after = tokens[end].text.casefold() if end < len(tokens) else ""
            if head in organisation_heads():
                found.append((i, end, "ORG"))
            elif head in facility_heads() and after != "for":
                found.append((i, end, "LOC"))
        i = max(end, i + 1)
    return found
