"""Type corrections (extract/entity_types.py, rules/entity_types.json): places, teams, acronyms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsfacts.extract.entities import extract_entities, propagate_names
from newsfacts.extract.entity_spans import Found
from newsfacts.extract.entity_types import (
    facility_heads,
    is_acronym_of,
    is_facility_name,
    is_institution_name,
    is_match_report,
    name_head,
    sports_lexicon,
    untyped_names,
)
from newsfacts.extract.gazetteer import load_rules
from newsfacts.extract.nlp import parse_text, parse_texts
from newsfacts.records import Span

GUM_NEWS = Path(__file__).resolve().parent.parent.parent / "shared/eval/entities/gum-news"
RULES = load_rules("entity_types.json")


def types_of(text: str) -> dict[str, set[str]]:
    mentions, _ = extract_entities("a0000000000000000", parse_text(text))
    found: dict[str, set[str]] = {}
    for m in mentions:
        found.setdefault(m.text, set()).add(m.entity_type)
    return found


@pytest.mark.parametrize("head", RULES["facility_heads"])
def test_each_facility_head_makes_a_place_but_not_before_for(head: str) -> None:
    assert is_facility_name(f"Volgograd {head}")
    assert is_facility_name(f"{head} of Flight")
    assert not is_facility_name(f"Volgograd {head}", next_word="for")
    assert not is_facility_name(head)


def test_name_head_is_the_word_before_of() -> None:
    assert name_head("Evergreen Aviation & Space Museum of McMinnville") == "Museum"
    assert name_head("Municipality of Livorno") == "Municipality"
    assert name_head("Johnson Space Center") == "Center"
    assert "municipality" not in facility_heads()


@pytest.mark.parametrize("group", ["cues", "team_verbs", "team_nouns"])
def test_each_sports_word_is_its_own_lemma(group: str) -> None:
    """Words are matched by lemma: each entry must be the lemma the model gives it."""
    words = RULES["sports"][group]
    assert words == sorted(set(words))
    lemmas = [parsed.tokens[0].lemma.casefold() for parsed in parse_texts(words)]
    assert lemmas == words


def test_facility_typed_org_by_the_model_is_a_place() -> None:
    found = types_of("The shuttle will go to the Johnson Space Center in Houston next year.")
    assert found["Johnson Space Center"] == {"LOC"}


def test_center_for_is_an_institution() -> None:
    found = types_of("Researchers at the Center for Strategic and International Studies said "
                     "the plan would fail.")
    assert found["Center for Strategic and International Studies"] == {"ORG"}
    assert is_institution_name("Center for Strategic and International Studies")
    assert not is_institution_name("Johnson Space Center")


MATCH = ("Sweden defeated South Korea 1 – 0 in the World Cup match. Swedish captain Andreas "
         "Granqvist scored from the penalty spot after the referee consulted the video. "
         "South Korea's coach said his team played well. The match was held in Nizhny "
         "Novgorod.")


def test_countries_that_play_in_a_match_report_are_teams() -> None:
    assert is_match_report(parse_text(MATCH))
    found = types_of(MATCH)
    assert found["Sweden"] == {"ORG"} and found["South Korea"] == {"ORG"}
    assert found.get("Nizhny Novgorod", {"GPE"}) != {"ORG"}


def test_countries_that_act_outside_sport_stay_countries() -> None:
    text = ("South Korea evacuated about 80 people after North Korea fired artillery rounds at "
            "a loudspeaker. North Korea said it would attack.")
    assert not is_match_report(parse_text(text))
    found = types_of(text)
    assert found["South Korea"] == {"GPE"} and found["North Korea"] == {"GPE"}


def test_sports_lexicon_threshold() -> None:
    cues, verbs, nouns, needed = sports_lexicon()
    assert needed >= 2 and verbs and nouns and cues


def gum_types(doc_id: str) -> tuple[str, dict[str, set[str]], dict[str, set[str]]]:
    if not GUM_NEWS.is_dir():
        pytest.skip(f"dev corpus absent: {GUM_NEWS} (../shared/eval is not mounted)")
    text = (GUM_NEWS / f"{doc_id}.txt").read_text("utf-8")
    gold: dict[str, set[str]] = {}
    for m in json.loads((GUM_NEWS / f"{doc_id}.gold.json").read_text("utf-8"))["mentions"]:
        gold.setdefault(m["text"], set()).add(m["type"])
    return text, types_of(text), gold


def test_gum_match_report_national_teams_are_organisations() -> None:
    _, found, gold = gum_types("GUM_news_soccer")
    for team in ("Sweden", "Belgium", "England", "Tunisia"):
        assert gold[team] == {"ORG"}
        assert found[team] == {"ORG"}, team
    assert found["Volgograd Arena"] == {"LOC"}


def test_gum_museums_and_space_centers_are_places() -> None:
    _, found, gold = gum_types("GUM_news_nasa")
    for place in ("Museum of Flight", "Johnson Space Center"):
        assert gold[place] == {"LOC"}
        assert found[place] == {"LOC"}, place


@pytest.mark.parametrize(("acronym", "name", "expected"), [
    ("JSC", "Johnson Space Center", True),
    ("KCNA", "Korean Central News Agency", True),
    ("WHO", "World Health Organisation", True),
    ("UAAR", "Union of Rationalist Atheists and Agnostics", True),
    ("M5S", "Movimento 5 Stelle", True),
    ("IE9", "Microsoft", False),
    ("NASA", "Johnson Space Center", False),
])
def test_acronym_letters_are_the_initials_of_the_name(acronym: str, name: str,
                                                      expected: bool) -> None:
    assert is_acronym_of(acronym, name) is expected


def test_an_acronym_defined_after_a_name_takes_its_type_everywhere() -> None:
    text = ("NASA rejected the Johnson Space Center (JSC) in Houston. However, the JSC will "
            "receive trainers, and many JSC employees were angry.")
    mentions, _ = extract_entities("a0000000000000000", parse_text(text))
    jsc = [m for m in mentions if m.text == "JSC"]
    assert len(jsc) == 3
    assert {m.entity_type for m in jsc} == {"LOC"}
    assert len({m.entity_id for m in jsc}) == 1


def test_an_acronym_glued_to_a_name_by_the_model_is_cut_off() -> None:
    text = "The World Health Organisation (WHO) recommends iodised salt."
    found = types_of(text)
    assert found["World Health Organisation"] == {"ORG"} and found["WHO"] == {"ORG"}


def test_a_person_span_ending_in_an_acronym_is_an_organisation() -> None:
    text = ("Pro-Beijing DAB's Starry Lee won. Elizabeth Quat of DAB was elected with 58,825 "
            "votes, and Gary Chan of DAB too.")
    found = types_of(text)
    assert "PERSON" not in found.get("DAB", set()) | found.get("Pro-Beijing DAB", set())
    assert found["Starry Lee"] == {"PERSON"}


def test_the_period_of_an_abbreviation_stays_in_the_name() -> None:
    mentions, _ = extract_entities("a0000000000000000", parse_text(
        "Critics of U.S. President Donald Trump met in Washington D.C. on Monday."))
    texts = {m.text for m in mentions}
    assert "U.S." in texts and "U.S" not in texts
    assert "Donald Trump" in texts


def test_a_one_word_organisation_found_twice_is_found_everywhere() -> None:
    text = ("Airbnb said on Monday it would close the accounts. Airbnb has 300 million users. "
            "A spokesman for Airbnb declined to comment.")
    parsed = parse_text(text)
    airbnb = [t for t in parsed.tokens if t.text == "Airbnb"]
    found = [Found(Span(t.start, t.end, t.text), "ORG", t.sentence, t.index, t.index + 1)
             for t in airbnb]
    once = propagate_names(parsed, found[:1], None)
    twice = propagate_names(parsed, found[:2], None)
    assert len(once) == 1  # found once: could be anything ("Explorer")
    assert [f.span.start for f in twice] == [t.start for t in airbnb]
    assert {f.type for f in twice} == {"ORG"}


def test_a_one_word_organisation_the_model_also_calls_a_person_is_not_propagated() -> None:
    text = ("Ubisoft said on Monday it would close the accounts. Ubisoft has 300 million users. "
            "A spokesman for Ubisoft declined to comment.")
    parsed = parse_text(text)
    assert {e.label for e in parsed.entities if e.text == "Ubisoft"} >= {"PERSON"}
    tokens = [t for t in parsed.tokens if t.text == "Ubisoft"]
    found = [Found(Span(t.start, t.end, t.text), "ORG", t.sentence, t.index, t.index + 1)
             for t in tokens[:2]]
    assert len(propagate_names(parsed, found, None)) == 2


def test_a_first_name_read_as_a_place_joins_the_city_name_after_it() -> None:
    text = ("Valeska Paris, an Australian woman and former Scientologist, has claimed that the "
            "Church held her on a ship. Paris was born in Switzerland.")
    found = types_of(text)
    assert found["Valeska Paris"] == {"PERSON"}
    assert found["Paris"] == {"PERSON"}  # her surname, once the full name is known
    assert found["Switzerland"] == {"GPE"}


def test_two_known_places_side_by_side_stay_places() -> None:
    found = types_of("Flights from Lagos to Paris resumed. Lagos Paris routes are popular.")
    assert "PERSON" not in found.get("Lagos Paris", set())


def test_a_word_compounded_into_a_country_makes_an_organisation() -> None:
    found = types_of("A sensitive Environment Canada document was found on a street. "
                     "Environment Canada spokesperson Julie Hahn said the rules apply.")
    assert found["Environment Canada"] == {"ORG"}
    assert "Canada" not in found


def test_compass_words_do_not_make_an_organisation() -> None:
    found = types_of("Fighting continued in Southern Sudan and New Zealand sent aid.")
    assert "ORG" not in found.get("Southern Sudan", set()) | found.get("New Zealand", set())


def test_places_with_digits_are_versions_not_places() -> None:
    found = types_of("Microsoft wants users to stop using IE6 and update to a newer browser. "
                     "IE6 shipped with Windows XP.")
    assert "IE6" not in found


@pytest.mark.parametrize("head", RULES["organisation_heads"])
def test_each_organisation_head_is_a_capitalised_word(head: str) -> None:
    assert head.istitle() and " " not in head
    assert head.casefold() not in facility_heads()


def test_proper_noun_runs_the_model_missed_are_typed_by_their_head() -> None:
    text = ("The Deseret News observed that the hashtag spread, according to the Sydney "
            "Morning Herald. Pilgrims gathered at Mecca's Grand Mosque.")
    parsed = parse_text(text)
    covered = {i for e in parsed.entities for i in range(e.first_token, e.last_token + 1)}
    runs = {parsed.text[parsed.tokens[a].start:parsed.tokens[b - 1].end]: kind
            for a, b, kind in untyped_names(parsed, covered)}
    found = types_of(text)
    for name, kind in runs.items():
        assert found[name] == {kind}
    assert runs.get("Grand Mosque", "LOC") == "LOC"
    assert {"Deseret News", "Sydney Morning Herald"} & {n for n, t in found.items() if t == {"ORG"}}


@pytest.mark.parametrize("text", [
    "Sen. Joe Manchin III said he would vote against the bill.",
    "Joseph Kennedy III spoke in Boston.",
])
def test_a_roman_numeral_does_not_make_a_person_an_organisation(text: str) -> None:
    found = types_of(text)
    names = [n for n in found if n.endswith("II")]
    assert names and all(found[n] == {"PERSON"} for n in names)


def test_a_research_center_is_an_institution() -> None:
    assert is_institution_name("Media Research Center")
    assert not is_facility_name("Media Research Center")
    assert is_facility_name("Kentucky International Convention Center")


def test_groups_and_people_are_not_propagated_as_organisations() -> None:
    text = "Latino voters moved. Latino turnout rose. Many Latino families voted early."
    parsed = parse_text(text)
    latino = [t for t in parsed.tokens if t.text == "Latino"]
    found = [Found(Span(t.start, t.end, t.text), "ORG", t.sentence, t.index, t.index + 1)
             for t in latino[:2]]
    assert len(propagate_names(parsed, found, None)) == 2
