"""Tests for place -> country resolution and the rules/places.json overrides."""

from __future__ import annotations

import json
from importlib import resources

import pycountry
import pytest

from newsfacts.extract.places import (
    capital_cities,
    country_of_capital_in,
    country_of_country_name,
    country_of_place,
    country_of_region,
    is_non_place,
    lookup_place,
    name_key,
)


@pytest.mark.parametrize(
    ("place", "country"),
    [
        ("Caracas", "VE"),
        ("CARACAS", "VE"),
        ("London", "GB"),
        ("Washington", "US"),
        ("WASHINGTON", "US"),
        ("Moscow", "RU"),
        ("Beijing", "CN"),
        ("Kyiv", "UA"),
        ("Kiev", "UA"),
        ("Venezuela", "VE"),
        ("Russian Federation", "RU"),
        ("The Hague", "NL"),
        ("New York", "US"),
        ("NEW YORK", "US"),
        ("Hong Kong", "HK"),
        ("Geneva", "CH"),  # Genève by its English name, over Geneva, NY
        ("Brussels", "BE"),
        ("San Francisco", "US"),
        ("São Paulo", "BR"),
        ("Sao Paulo", "BR"),  # accent-insensitive
        ("ZÜRICH", "CH"),
        ("İstanbul", "TR"),
        ("St. Petersburg", "RU"),
        ("Alma-Ata", "KZ"),  # hyphen = space
        ("Odessa", "UA"),  # alternate name of Odesa, far larger than Odessa, TX
        ("Islamabad", "PK"),  # own name beats Chittagong's old alternate name
        ("Peking", "CN"),
    ],
)
def test_country_of_place(place: str, country: str) -> None:
    assert country_of_place(place) == country


@pytest.mark.parametrize(
    "place", ["United Nations", "UNITED NATIONS", "Mr. Smith", "According", ""]
)
def test_country_of_place_none(place: str) -> None:
    assert country_of_place(place) is None


@pytest.mark.parametrize(
    ("place", "region", "country"),
    [
        ("Caracas", "Venezuela", "VE"),
        ("Kyiv", "Ukraine", "UA"),
        ("Paris", "Texas", "US"),
        ("Paris", "France", "FR"),
        ("Odessa", "Texas", "US"),
        ("St. Petersburg", "Fla.", "US"),
        ("Indianapolis", "Ind.", "US"),
        ("San Francisco", "Calif.", "US"),
        ("Washington", "D.C.", "US"),
        ("Vancouver", "B.C.", "CA"),
        ("Vancouver", "Wash.", "US"),
        ("Atlanta", "Georgia", "US"),  # the state, though Georgia is also a country
        ("Tbilisi", "Georgia", "GE"),
        ("Valencia", "Spain", "ES"),
        ("Bethlehem", "West Bank", "PS"),
        ("London", "July", "GB"),  # a region that means nothing is ignored
    ],
)
def test_country_of_place_in_region(place: str, region: str, country: str) -> None:
    assert country_of_place(place, region) == country


def test_region_restricts_to_its_country() -> None:
    assert country_of_place("Caracas", "Spain") is None


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Venezuela", "VE"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("Turkey", "TR"),
        ("Türkiye", "TR"),
        ("US", "US"),
        ("U.S.", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("the Netherlands", "NL"),
        ("South Korea", "KR"),
        ("North Korea", "KP"),
        ("Iran", "IR"),
        ("Bolivia", "BO"),
        ("Congo", "CG"),
        ("DR Congo", "CD"),
        ("Czech Republic", "CZ"),
    ],
)
def test_country_of_country_name(name: str, country: str) -> None:
    assert country_of_country_name(name) == country


@pytest.mark.parametrize("name", ["Korea", "Virgin Islands", "Caracas", "United Nations", "IT"])
def test_country_of_country_name_none(name: str) -> None:
    """Ambiguous short forms, cities and bare codes are not country names."""
    assert country_of_country_name(name) is None


@pytest.mark.parametrize(
    ("region", "country"),
    [("Calif.", "US"), ("Ind.", "US"), ("D.C.", "US"), ("N.Y.", "US"), ("Texas", "US"),
     ("Venezuela", "VE"), ("Ont.", "CA"), ("England", "GB"), ("July", None), ("Georgia", None)],
)
def test_country_of_region(region: str, country: str | None) -> None:
    assert country_of_region(region) == country


def test_name_key_folds_case_accents_periods_and_dashes() -> None:
    assert name_key("  São-Paulo ") == "sao paulo"
    assert name_key("Washington, D.C.") == "washington dc"
    assert name_key("N’Djamena") == "n'djamena"


def test_lookup_place_says_how() -> None:
    assert lookup_place("Washington").kind == "override"
    assert lookup_place("Venezuela").kind == "country"
    caracas = lookup_place("Caracas")
    assert caracas.kind == "city" and caracas.population > 1_000_000


def test_non_places() -> None:
    assert is_non_place("BREAKING")
    assert not is_non_place("LONDON")


def test_places_rules_file() -> None:
    """rules/places.json: every entry says why, and every code is an ISO 3166-1 alpha-2."""
    rules = json.loads(
        resources.files("newsfacts.rules").joinpath("places.json").read_text("utf-8")
    )
    entries = rules["place_overrides"] + rules["country_aliases"] + rules["region_aliases"]
    for entry in entries:
        assert entry["comment"].strip(), entry
        assert entry["country"] is None or pycountry.countries.get(alpha_2=entry["country"])
    overrides = {e["name"]: e["country"] for e in rules["place_overrides"]}
    assert overrides["Washington"] == "US" and overrides["Kiev"] == "UA"
    assert overrides["United Nations"] is None


PLACE_RULES = json.loads(
    resources.files("newsfacts.rules").joinpath("places.json").read_text("utf-8"))


@pytest.mark.parametrize("entry", PLACE_RULES["country_aliases"], ids=lambda e: e["name"])
def test_every_country_alias(entry: dict) -> None:
    assert country_of_country_name(entry["name"]) == entry["country"]


@pytest.mark.parametrize(("name", "country"), [
    ("Baghdad University Medical School", "IQ"),
    ("United Bus Company of Tehran", "IR"),
    ("Mexico City Police", "MX"),  # a capital of several words
    ("Washington Post", "US"),
    ("San Jose State University", None),  # San Jose, California, not San José (CR)
    ("Georgetown University", None),  # excluded: the university is in Washington
    ("Male Voice Choir", None),  # Malé (MV) is also a common word
    ("Tripoli Port Authority", None),  # Libya's and Lebanon's
    ("Cairo Amman Bank", None),  # two capitals: no one country
    ("General Motors", None),
])
def test_country_of_capital_in(name: str, country: str | None) -> None:
    assert country_of_capital_in(name) == country


def test_capitals_are_the_places_their_names_mean() -> None:
    capitals = capital_cities()
    assert capitals["baghdad"] == "IQ" and capitals["buenos aires"] == "AR"
    assert "san jose" not in capitals and "victoria" not in capitals
    assert len(capitals) > 200
