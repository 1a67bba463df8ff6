"""Tests for the entity vocabularies: demonyms, metonyms, organisations and roles."""

from __future__ import annotations

import json
import re
from collections import Counter
from importlib import resources
from typing import Any

import pycountry
import pytest

from newsfacts.extract.gazetteer import (
    ROLE_MODIFIERS,
    Metonym,
    Organization,
    Role,
    country_of_demonym,
    country_of_name,
    country_of_person,
    is_demonym,
    lookup_metonym,
    lookup_organization,
    lookup_role,
    split_role_modifier,
)
from newsfacts.extract.places import country_key, country_of_country_name, name_key


def load(filename: str) -> dict[str, Any]:
    return json.loads(resources.files("newsfacts.rules").joinpath(filename).read_text("utf-8"))


DEMONYMS = load("demonyms.json")["demonyms"]
METONYMS = load("metonyms.json")["metonyms"]
ORGANIZATIONS = load("organizations.json")["organizations"]
ROLES = load("roles.json")["roles"]
PEOPLE = load("people.json")["people"]
MODIFIERS = load("roles.json")["modifiers"]

DEMONYM_CASES = [(form, e["country"]) for e in DEMONYMS for form in e["forms"]]
METONYM_CASES = [(form, e) for e in METONYMS for form in (e["name"], *e["aliases"])]
ORGANIZATION_CASES = [(form, e) for e in ORGANIZATIONS for form in (e["name"], *e["aliases"])]
ROLE_CASES = [(form, e) for e in ROLES for form in e["forms"]]
MODIFIER_CASES = [(form, m["modifier"]) for m in MODIFIERS for form in m["forms"]]
PERSON_CASES = [(form, e["country"]) for e in PEOPLE for form in (e["name"], *e["aliases"])]
SHORT_CASES = [(form, e["country"]) for e in PEOPLE for form in e["short"]]

# The 193 UN member states (un.org/en/about-us/member-states; South Sudan the last, 2011).
UN_MEMBER_CODES = """
AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF
CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR GA GB GD
GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP
KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY
MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW PY QA RO RS RU RW SA SB SC SD SE SG
SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TZ UA UG US UY UZ VC VE
VN VU WS YE ZA ZM ZW
"""
UN_MEMBERS = frozenset(UN_MEMBER_CODES.split())
ORGANIZATION_SECTORS = frozenset({
    "government", "military", "intergovernmental", "party", "business", "media", "ngo",
    "religious", "education", "judiciary", "police", "rebel", "other",
})
METONYM_KINDS = frozenset({
    "executive", "monarchy", "legislature", "ministry", "military", "intelligence", "police",
    "judiciary", "central_bank", "finance",
})
ROLE_SECTORS = frozenset({
    "government", "legislature", "diplomacy", "military", "judiciary", "police", "royalty",
    "religious", "business", "party", "media", "education", None,
})


def is_country_code(code: str | None) -> bool:
    return code is None or pycountry.countries.get(alpha_2=code) is not None


def duplicates(keys: list[str]) -> list[str]:
    return [key for key, count in Counter(keys).items() if count > 1]


# --- every entry of every file resolves through the public lookup


@pytest.mark.parametrize(("form", "country"), DEMONYM_CASES)
def test_every_demonym(form: str, country: str | None) -> None:
    assert country_of_demonym(form) == country
    assert country_of_name(form) == country  # no country name, metonym or organisation wins
    assert is_demonym(form)


@pytest.mark.parametrize("word", ["Twitter", "Venezuela", "Kremlin", "Reuters"])
def test_names_that_are_not_demonyms(word: str) -> None:
    assert not is_demonym(word)


@pytest.mark.parametrize(("form", "entry"), METONYM_CASES)
def test_every_metonym(form: str, entry: dict[str, Any]) -> None:
    expected = Metonym(entry["name"], entry["country"], entry["kind"])
    assert lookup_metonym(form) == expected
    assert lookup_metonym(f"the {form}") == expected
    assert country_of_name(form) == entry["country"]


@pytest.mark.parametrize(("form", "entry"), ORGANIZATION_CASES)
def test_every_organization(form: str, entry: dict[str, Any]) -> None:
    expected = Organization(entry["name"], entry["country"], entry["sector"],
                            tuple(entry["aliases"]))
    assert lookup_organization(form) == expected
    assert lookup_organization(f"the {form}") == expected
    assert country_of_name(form) == entry["country"]


@pytest.mark.parametrize(("form", "entry"), ROLE_CASES)
def test_every_role(form: str, entry: dict[str, Any]) -> None:
    assert lookup_role(form) == Role(entry["title"], entry["sector"])


@pytest.mark.parametrize(("form", "modifier"), MODIFIER_CASES)
def test_every_modifier(form: str, modifier: str) -> None:
    phrase = f"{form}Foreign Minister" if form.endswith("-") else f"{form} Foreign Minister"
    assert split_role_modifier(phrase) == (modifier, "Foreign Minister")
    assert modifier in ROLE_MODIFIERS


@pytest.mark.parametrize(("form", "country"), PERSON_CASES)
def test_every_person(form: str, country: str) -> None:
    assert country_of_person(form) == country


@pytest.mark.parametrize(("form", "country"), SHORT_CASES)
def test_every_short_form_of_a_person(form: str, country: str) -> None:
    """A short form ("Putin") names its person alone; one shared by several people ("Bush")
    is listed only when they are all of one country, so it still names that country."""
    assert country_of_person(form) == country


# --- the files themselves


def test_rules_files_are_versioned_and_described() -> None:
    for filename in ("demonyms.json", "metonyms.json", "organizations.json", "roles.json",
                     "people.json"):
        rules = load(filename)
        assert re.fullmatch(r"\d{4}\.\d+\.\d+", rules["version"]), filename
        assert rules["description"].strip(), filename


def test_every_country_code_is_iso_alpha_2() -> None:
    for entry in DEMONYMS + METONYMS + ORGANIZATIONS + PEOPLE:
        assert is_country_code(entry["country"]), entry
    assert all(e["country"] for e in PEOPLE)


def test_every_null_country_says_why() -> None:
    for entry in DEMONYMS + METONYMS:
        assert entry["country"] is not None or entry.get("comment", "").strip(), entry


def test_sectors_and_kinds_are_known() -> None:
    assert {e["sector"] for e in ORGANIZATIONS} <= ORGANIZATION_SECTORS
    assert {e["kind"] for e in METONYMS} <= METONYM_KINDS
    assert {e["sector"] for e in ROLES} <= ROLE_SECTORS


def test_no_form_is_listed_twice() -> None:
    """Folded keys are unique in each file: a later entry would silently win."""
    assert duplicates([country_key(form) for form, _ in DEMONYM_CASES]) == []
    assert duplicates([country_key(form) for form, _ in METONYM_CASES]) == []
    assert duplicates([country_key(form) for form, _ in ORGANIZATION_CASES]) == []
    assert duplicates([name_key(form) for form, _ in ROLE_CASES]) == []
    assert duplicates([name_key(form) for form, _ in PERSON_CASES]) == []
    assert duplicates([name_key(e["name"]) for e in PEOPLE]) == []


def test_people_file_states_its_source_and_offices() -> None:
    assert "public knowledge of office holders" in load("people.json")["source"]
    assert all(e["office"].strip() for e in PEOPLE)


def test_no_person_form_is_a_country_or_demonym() -> None:
    """A listed name or short form is never also a country, demonym or organisation."""
    for form, _ in PERSON_CASES + SHORT_CASES:
        assert country_of_name(form) is None, form


def test_no_demonym_is_another_country_name() -> None:
    for form, country in DEMONYM_CASES:
        assert country_of_country_name(form) in (None, country), form


def test_every_un_member_has_a_demonym() -> None:
    """Each member has a form of its own, or is named in the comment of an ambiguous one."""
    assert len(UN_MEMBERS) == 193
    covered = {e["country"] for e in DEMONYMS if e["country"]}
    for entry in DEMONYMS:
        if entry["country"] is None:
            covered |= set(re.findall(r"\(([A-Z]{2})\)", entry["comment"]))
    assert sorted(UN_MEMBERS - covered) == []


def test_vocabulary_sizes() -> None:
    assert len(METONYMS) >= 40
    assert len(ORGANIZATIONS) >= 120
    assert len(ROLES) >= 60
    assert len(PEOPLE) >= 400


# --- hand-written cases


@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("Venezuelan", "VE"),
        ("Venezuelans", "VE"),
        ("VENEZUELAN", "VE"),
        ("Turkish", "TR"),
        ("Turks", "TR"),
        ("Briton", "GB"),
        ("Emirati", "AE"),
        ("Palestinian", "PS"),
        ("Monégasque", "MC"),  # accent-insensitive
        ("US-led", "US"),
        ("U.S.-backed", "US"),
        ("Russian-made", "RU"),
        ("Chinese-owned", "CN"),
        ("Venezuela-based", "VE"),
        ("UK-born", "GB"),
        ("Bissau-Guinean", "GW"),  # a listed form is not cut at its hyphen
        ("Korean", None),
        ("Dominican", None),
        ("Congolese", None),
        ("Guinean", None),
        ("Kurdish", None),
        ("Soviet", None),
        ("Soviet-made", None),
        ("Russian-Ukrainian", None),  # not a participle
        ("US-Sweden", None),  # "-en" but not a participle
        ("Caracas", None),
    ],
)
def test_country_of_demonym(word: str, country: str | None) -> None:
    assert country_of_demonym(word) == country


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Venezuela", "VE"),
        ("Venezuelan", "VE"),
        ("Russian Federation", "RU"),
        ("the Kremlin", "RU"),
        ("Kremlin", "RU"),
        ("Kremlin-backed", "RU"),
        ("Downing Street", "GB"),
        ("Élysée", "FR"),
        ("Elysee", "FR"),
        ("Miraflores", "VE"),
        ("PDVSA", "VE"),
        ("Hezbollah", "LB"),
        ("NATO", None),
        ("NATO-led", None),
        ("the United Nations", None),
        ("Korean", None),
        ("Mr. Smith", None),
        ("", None),
    ],
)
def test_country_of_name(name: str, country: str | None) -> None:
    assert country_of_name(name) == country


def test_lookup_metonym() -> None:
    assert lookup_metonym("the Kremlin") == Metonym("Kremlin", "RU", "executive")
    assert lookup_metonym("KREMLIN") == Metonym("Kremlin", "RU", "executive")
    assert lookup_metonym("Palacio de Miraflores") == Metonym("Miraflores", "VE", "executive")
    assert lookup_metonym("No. 10") == lookup_metonym("Downing Street")
    assert lookup_metonym("Moscow") is None  # capitals are places.py's


def test_lookup_organization() -> None:
    nato = lookup_organization("NATO")
    assert nato is not None and nato.canonical == "NATO" and nato.country is None
    assert nato.sector == "intergovernmental"
    assert lookup_organization("North Atlantic Treaty Organization") == nato
    assert lookup_organization("Nato") == nato  # Guardian/BBC style
    assert lookup_organization("the U.N.").canonical == "United Nations"
    assert lookup_organization("Reuters").country == "GB"
    assert lookup_organization("Venezuelan Foreign Ministry") is None  # demonym + body


@pytest.mark.parametrize("text", ["who", "ice", "can", "un", "fed up"])
def test_acronyms_do_not_match_lowercase_words(text: str) -> None:
    assert lookup_organization(text) is None


def test_lookup_role() -> None:
    assert lookup_role("President") == Role("President", "government")
    assert lookup_role("president") == Role("President", "government")
    assert lookup_role("Gen.") == Role("General", "military")
    assert lookup_role("Lt. Gen.") == Role("Lieutenant General", "military")
    assert lookup_role("Foreign Minister") == Role("Foreign Minister", "government")
    assert lookup_role("Minister of Foreign Affairs") == Role("Foreign Minister", "government")
    assert lookup_role("Vice-President") == Role("Vice President", "government")
    assert lookup_role("Spokeswoman") == Role("Spokesperson", None)
    assert lookup_role("PM") == Role("Prime Minister", "government")
    assert lookup_role("p.m.") is None
    assert lookup_role("Deputy Prime Minister") is None  # split the modifier first


@pytest.mark.parametrize(
    ("phrase", "split"),
    [
        ("former President", ("former", "President")),
        ("Former President", ("former", "President")),
        ("ex-President", ("ex-", "President")),
        ("ex President", ("ex-", "President")),
        ("then-Vice President", ("then-", "Vice President")),
        ("Deputy Foreign Minister", ("deputy", "Foreign Minister")),
        ("acting  Defense Minister", ("acting", "Defense Minister")),
        ("former deputy Prime Minister", ("former", "deputy Prime Minister")),
        ("Vice President", (None, "Vice President")),  # a role of its own
        ("Vice Admiral", (None, "Vice Admiral")),
        ("President", (None, "President")),
        ("former", (None, "former")),
        ("formerly President", (None, "formerly President")),
    ],
)
def test_split_role_modifier(phrase: str, split: tuple[str | None, str]) -> None:
    assert split_role_modifier(phrase) == split


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("George W. Bush", "US"),
        ("Bush", "US"),  # both Presidents Bush: one country
        ("Kim Jong-un", "KP"),  # hyphens fold to spaces
        ("Recep Tayyip Erdogan", "TR"),  # accents fold
        ("F.W. de Klerk", "ZA"),
        ("King Hassan", "MA"),  # a title with the name, as entities.known_person_country asks
        ("Francois Mitterand", "FR"),  # a common misspelling of the surname
        ("Abdelaziz Bouteflicka", "DZ"),
        ("Laurent Gbago", "CI"),
        ("Castro", None),  # Fidel and Raul Castro (CU), Xiomara Castro (HN)
        ("Abbas", None),  # Mahmoud Abbas (PS), Abbas Araghchi (IR): no short form
        ("Khan", None),
        ("Uribe", None),  # a common surname: Alvaro Uribe (CO) only by his full name
        ("al-Maliki", None),  # Nouri al-Maliki (IQ), Riyad al-Maliki (PS)
        ("George Smith", None),
        ("Kim Jong Ul", None),  # a surname under four letters is never a near spelling
        ("Jean Chretien", "CA"),
        ("", None),
    ],
)
def test_country_of_person(name: str, country: str | None) -> None:
    assert country_of_person(name) == country


@pytest.mark.parametrize(("word", "country"), [
    ("Ethopia", "ET"),  # misspelt, one close country name
    ("Phillipines", "PH"),
    ("Afganistan", "AF"),
    ("Columbia", None),  # 0.875 to Colombia: below the cutoff (the university, the river)
    ("Malia", None),  # too short to trust
    ("Hollande", None),  # a listed person, not Holland
    ("Kenyatta", None),
])
def test_a_misspelt_country_name_is_that_country(word: str, country: str | None) -> None:
    assert country_of_name(word) == country
