"""Vocabularies that give entities a country and a role: demonyms, metonyms, organisations, roles.

Each vocabulary is a versioned data file in newsfacts/rules/, every entry with its source or a
comment on why it is there:

- demonyms.json: "Venezuelan", "Turks", "Briton" -> alpha-2 for the UN member and observer
  states and common territories (CIA World Factbook nationality forms, Wikipedia's list of
  demonyms); null for words that name no one state ("Korean", "Kurdish", "European").
- metonyms.json: non-city names standing for a state's government or a branch of it ("the
  Kremlin", "Downing Street", "Knesset"); capitals ("Moscow said") are left to places.py.
- organizations.json: international and major organisations named without a country word
  (NATO, the IMF, Reuters, the FBI, PDVSA, Hamas), with aliases, country and sector.
- roles.json: titles before or beside a person's name ("Gen.", "Foreign Minister"), normalised,
  with a sector; and the modifiers that qualify them ("former", "ex-", "acting").
- people.json: heads of state and government, foreign ministers, party and armed-group
  leaders since about 1990 -> alpha-2, for people news copy names without a country
  ("President Bush", "Netanyahu"); with the surnames that name one of them alone.

Names are folded with places.name_key, so case, accents, periods and hyphens do not matter;
an acronym ("WHO", "ICE", "PM") matches only text that is not all lowercase.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from functools import cache, lru_cache
from importlib import resources
from typing import Any, NamedTuple, TypeVar

from newsfacts.extract.places import (
    country_key,
    country_of_country_name,
    misspelt_country,
    name_key,
)

V = TypeVar("V")
Index = dict[str, tuple[V, bool]]  # key -> (value, whether the form is an acronym)

# "US-led", "U.S.-backed", "Russian-made": a name, a hyphen, then a participle.
HYPHENATED = re.compile(r"^(?P<head>.+?)[-\u2010\u2011](?P<tail>[A-Za-z]+)$")
# Participles not ending in "-ed": the "-en" ones are listed, as "US-Sweden" or "Saudi-Yemen"
# also end in "en".
IRREGULAR_PARTICIPLES = frozenset({
    "born", "bought", "bound", "brought", "built", "chosen", "driven", "drawn", "fought",
    "given", "grown", "held", "hit", "known", "made", "run", "seen", "sent", "set", "shown",
    "sold", "spent", "stolen", "struck", "taken", "taught", "won", "written",
})


class Metonym(NamedTuple):
    """A name standing for a state's government or institution: "Kremlin" -> RU, executive."""

    canonical: str
    country: str | None
    kind: str


class Organization(NamedTuple):
    """An organisation: canonical name, country (None: international), sector, aliases."""

    canonical: str
    country: str | None
    sector: str
    aliases: tuple[str, ...]


class Person(NamedTuple):
    """A well-known person: canonical name, country (ISO alpha-2) and the office that made
    them known."""

    canonical: str
    country: str
    office: str


class Role(NamedTuple):
    """A normalised title ("Gen." -> "General") and its sector (None: any kind of body)."""

    title: str
    sector: str | None


@cache
def load_rules(filename: str) -> dict[str, Any]:
    """One vocabulary file of newsfacts/rules/."""
    return json.loads(resources.files("newsfacts.rules").joinpath(filename).read_text("utf-8"))


def is_acronym(form: str) -> bool:
    """True for a form with no lowercase letter: "NATO", "U.N.", "G7", "PM"."""
    return not any(c.islower() for c in form)


def build_index(
    pairs: Iterable[tuple[str, V]], key: Callable[[str], str] = country_key
) -> Index[V]:
    """Key of each form -> (its value, whether the form is an acronym)."""
    return {key(form): (value, is_acronym(form)) for form, value in pairs}


def find(index: Index[V], name: str, key: Callable[[str], str] = country_key) -> V | None:
    """The value of a name in an index; an acronym's key does not match all-lowercase text."""
    hit = index.get(key(name))
    if hit is None or (hit[1] and name == name.lower()):
        return None
    return hit[0]


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str | None]:
    """Demonym key -> alpha-2 (None: names no one state), from rules/demonyms.json."""
    entries = load_rules("demonyms.json")["demonyms"]
    return {country_key(form): e["country"] for e in entries for form in e["forms"]}


@lru_cache(maxsize=1)
def metonym_index() -> Index[Metonym]:
    """Metonym name and alias keys -> Metonym, from rules/metonyms.json."""
    return build_index(
        (form, Metonym(e["name"], e["country"], e["kind"]))
        for e in load_rules("metonyms.json")["metonyms"]
        for form in (e["name"], *e["aliases"])
    )


@lru_cache(maxsize=1)
def organization_index() -> Index[Organization]:
    """Organisation name and alias keys -> Organization, from rules/organizations.json."""
    organizations = [
        Organization(e["name"], e["country"], e["sector"], tuple(e["aliases"]))
        for e in load_rules("organizations.json")["organizations"]
    ]
    return build_index((form, o) for o in organizations for form in (o.canonical, *o.aliases))


@lru_cache(maxsize=1)
def role_index() -> Index[Role]:
    """Role form keys -> Role, from rules/roles.json (a leading "the" is kept: "the Rev.")."""
    return build_index(
        ((form, Role(e["title"], e["sector"]))
         for e in load_rules("roles.json")["roles"] for form in e["forms"]),
        key=name_key,
    )


@lru_cache(maxsize=1)
def modifier_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern matching a leading role modifier, and each form's modifier ("ex" -> "ex-").

    Longest forms first, so "ex-" wins over "ex"; a form not ending in a hyphen needs a space
    after it, so "former" does not match "formerly".
    """
    forms = {f.casefold(): m["modifier"]
             for m in load_rules("roles.json")["modifiers"] for f in m["forms"]}
    alternatives = [re.escape(f) + ("" if f.endswith("-") else r"\s+")
                    for f in sorted(forms, key=len, reverse=True)]
    return re.compile(rf"^({'|'.join(alternatives)})", re.IGNORECASE), forms


ROLE_MODIFIERS: frozenset[str] = frozenset(
    m["modifier"] for m in load_rules("roles.json")["modifiers"]
)


def participle_head(text: str) -> str | None:
    """The name before a hyphenated participle: "U.S.-backed" -> "U.S.", else None."""
    match = HYPHENATED.match(text.strip())
    if not match:
        return None
    tail = match["tail"].casefold()
    return match["head"] if tail.endswith("ed") or tail in IRREGULAR_PARTICIPLES else None


def country_of_demonym(word: str) -> str | None:
    """Alpha-2 of a demonym ("Venezuelan", "Turks") or a hyphenated form ("US-led").

    A hyphenated participle is stripped, and what is left may be a demonym ("Russian-made")
    or a country name or abbreviation ("U.S.-backed"). None when unknown or ambiguous.
    """
    key = country_key(word)
    if key in demonyms():
        return demonyms()[key]
    head = participle_head(word)
    if head is None:
        return None
    return demonyms().get(country_key(head)) or country_of_country_name(head)


def is_demonym(word: str) -> bool:
    """True for a listed demonym form, of one state or none ("Venezuelan", "Latino")."""
    return country_key(word) in demonyms()


def lookup_metonym(name: str) -> Metonym | None:
    """The government or institution a name stands for: "the Kremlin" -> RU, executive."""
    return find(metonym_index(), name)


def lookup_organization(name: str) -> Organization | None:
    """The organisation a name or alias means: "North Atlantic Treaty Organization" -> NATO."""
    return find(organization_index(), name)


def split_role_modifier(phrase: str) -> tuple[str | None, str]:
    """Split one leading modifier off a title: "former President" -> ("former", "President").

    A title that is a role as a whole ("Vice President", "Vice Admiral") is not split.
    """
    phrase = " ".join(phrase.split())
    if find(role_index(), phrase, key=name_key):
        return None, phrase
    pattern, forms = modifier_pattern()
    match = pattern.match(phrase)
    if not match or match.end() == len(phrase):
        return None, phrase
    return forms[match[1].rstrip().casefold()], phrase[match.end():]


def lookup_role(words: str) -> Role | None:
    """The normalised role of a title phrase: "Gen." -> General, "foreign minister".

    Modifiers are not stripped ("Deputy Prime Minister" is no Prime Minister): split them
    off first with split_role_modifier.
    """
    return find(role_index(), words, key=name_key)


def known_country(name: str) -> tuple[bool, str | None]:
    """(whether the name is known, its country) as a country, demonym, metonym, organisation."""
    if country := country_of_country_name(name):
        return True, country
    key = country_key(name)
    if key in demonyms():
        return True, demonyms()[key]
    for found in (lookup_metonym(name), lookup_organization(name)):
        if found is not None:
            return True, found.country
    return False, None


def country_of_name(text: str) -> str | None:
    """Alpha-2 of a short name: a country, demonym, metonym or organisation, else None.

    "Venezuela", "Venezuelan", "the Kremlin" and "Russian Federation" have a country; "NATO"
    has none (international), nor "Korean" (ambiguous). A hyphenated participle is stripped
    when the whole is unknown: "Kremlin-backed" -> RU; an unknown word that is a misspelt
    country name ("Ethopia") and no listed person ("Hollande") is that country
    (`places.misspelt_country`).
    """
    known, country = known_country(text)
    if known:
        return country
    head = participle_head(text)
    if head:
        return known_country(head)[1]
    return misspelt_country(text) if country_of_person(text) is None else None


# A misspelt surname ("Mitterand", "Bouteflicka", "Gbago") still names a listed person when
# the other words are the same and the surname is this similar (difflib ratio).
SURNAME_SIMILARITY = 0.85


@lru_cache(maxsize=1)
def person_indexes() -> tuple[dict[str, tuple[Person, ...]], dict[str, tuple[Person, ...]]]:
    """Name and alias keys -> people, and short-form keys ("Putin") -> people, from
    rules/people.json."""
    full: dict[str, list[Person]] = defaultdict(list)
    short: dict[str, list[Person]] = defaultdict(list)
    for e in load_rules("people.json")["people"]:
        person = Person(e["name"], e["country"], e["office"])
        for form in (e["name"], *e["aliases"]):
            full[name_key(form)].append(person)
        for form in e["short"]:
            short[name_key(form)].append(person)
    return ({k: tuple(v) for k, v in full.items()}, {k: tuple(v) for k, v in short.items()})


def one_country(people: Iterable[Person]) -> str | None:
    """The country all these people share, else None (none, or several countries)."""
    countries = {p.country for p in people}
    return countries.pop() if len(countries) == 1 else None


@lru_cache(maxsize=1)
def surnames_by_forenames() -> dict[tuple[str, ...], tuple[tuple[str, tuple[Person, ...]], ...]]:
    """The words before the surname of each listed name key -> (surname, people) pairs."""
    index: dict[tuple[str, ...], list[tuple[str, tuple[Person, ...]]]] = defaultdict(list)
    for key, people in person_indexes()[0].items():
        words = key.split()
        if len(words) > 1:
            index[tuple(words[:-1])].append((words[-1], people))
    return {k: tuple(v) for k, v in index.items()}


def near_spellings(key: str) -> list[Person]:
    """Listed people whose name differs from a multi-word key only by a misspelt surname."""
    words = key.split()
    surname = words[-1]
    return [person for other, people in surnames_by_forenames().get(tuple(words[:-1]), ())
            if min(len(surname), len(other)) >= 4
            and SequenceMatcher(None, surname, other).ratio() >= SURNAME_SIMILARITY
            for person in people]


def country_of_person(name: str) -> str | None:
    """Alpha-2 of a well-known person named without a country, else None.

    A full name or alias ("George W. Bush", "Abu Mazen"), a short form that names one
    person or only people of one country ("Putin", "Bush"), or a full name whose surname is
    misspelt ("Francois Mitterand"). Ambiguous names give None.
    """
    key = name_key(name)
    if not key:
        return None
    full, short = person_indexes()
    if key in full:
        return one_country(full[key])
    if key in short:
        return one_country(short[key])
    if len(key.split()) < 2:
        return None
    return one_country(near_spellings(key))
