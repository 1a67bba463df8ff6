"""Entities and mentions: what the seeds must yield (issue #4), and the rules on short texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsfacts.extract.entities import extract_entities, make_entity_id
from newsfacts.extract.entity_merge import merge_entities, person_merges
from newsfacts.extract.nlp import parse_text
from newsfacts.pipeline import ingest_folder, process_batch
from newsfacts.records import Entity, EntityFact, Mention

SEED_000 = "seeds/000_c1accda924f0f9d8.txt"
SEED_004 = "seeds/004_b37bf997956b9fa5.txt"


@pytest.fixture(scope="module")
def seed_output(seeds_dir: Path) -> tuple[dict[str, str], tuple[Mention, ...], tuple[Entity, ...]]:
    result = process_batch(ingest_folder(seeds_dir))
    mentions, entities, _ = merge_entities(result.mentions, result.entity_facts)
    bodies = {a.article_id: a.body for a in result.articles}
    names = {a.article_id: a.source_uri for a in result.articles}
    assert len(bodies) == 2
    return {**bodies, **{f"uri:{k}": v for k, v in names.items()}}, mentions, entities


def entity_named(entities: tuple[Entity, ...], name: str) -> Entity:
    found = [e for e in entities if e.name == name]
    assert len(found) == 1, f"{name!r}: {[(e.name, e.entity_type) for e in entities]}"
    return found[0]


def article_id_of(bodies: dict[str, str], uri_suffix: str) -> str:
    return next(k.removeprefix("uri:") for k, v in bodies.items()
                if k.startswith("uri:") and v.endswith(uri_suffix))


@pytest.mark.parametrize(("name", "country", "role"), [
    ("Nicolás Maduro", "VE", "President"),
    ("Vladimir Putin", "RU", "President"),
    ("Erdogan", "TR", "President"),
    ("Hugo Chavez Frias", "VE", "former President"),
])
def test_seed_people(seed_output, name: str, country: str, role: str) -> None:
    _, _, entities = seed_output
    person = entity_named(entities, name)
    assert (person.entity_type, person.country, person.role) == ("PERSON", country, role)


def test_maduro_is_one_entity_across_both_seeds_whatever_the_spelling(seed_output) -> None:
    _bodies, _mentions, entities = seed_output
    maduro = entity_named(entities, "Nicolás Maduro")
    assert {"Maduro", "Nicolás Maduro", "Nicolas Maduro"} <= set(maduro.aliases)
    assert maduro.article_count == 2
    # "Vladmir Putin" (a typo in seed 004) is the same person as "Vladimir Putin".
    putin = entity_named(entities, "Vladimir Putin")
    assert "Vladmir Putin" in putin.aliases and putin.article_count == 2
    assert not [e for e in entities if e.name == "Vladmir Putin"]


@pytest.mark.parametrize(("name", "entity_type", "country"), [
    ("Venezuela", "GPE", "VE"),
    ("Turkey", "GPE", "TR"),
    ("US", "GPE", "US"),
    ("NATO", "ORG", None),
    ("Kremlin", "ORG", "RU"),
])
def test_seed_countries_and_organisations(seed_output, name: str, entity_type: str,
                                          country: str | None) -> None:
    _, _, entities = seed_output
    found = [e for e in entities if name in e.aliases]
    assert len(found) == 1, [(e.name, e.aliases) for e in found]
    assert (found[0].entity_type, found[0].country) == (entity_type, country)


def test_russia_is_the_russian_federation(seed_output) -> None:
    _, _, entities = seed_output
    russia = [e for e in entities if "Russia" in e.aliases]
    assert len(russia) == 1
    assert "Russian Federation" in russia[0].aliases or any(
        "Russian Federation" in a for a in russia[0].aliases)
    assert russia[0].entity_id == make_entity_id("country:RU")


def test_venezuelan_foreign_ministry_is_one_organisation(seed_output) -> None:
    _, _, entities = seed_output
    ministry = [e for e in entities if any("Foreign Ministry" in a for a in e.aliases)]
    assert len(ministry) == 1, [(e.name, e.aliases) for e in ministry]
    assert ministry[0].country == "VE"
    assert {"Venezuelan Foreign Ministry", "Venezuela’s Foreign Ministry"} <= set(
        ministry[0].aliases)


def test_every_mention_points_into_its_body(seed_output) -> None:
    bodies, mentions, entities = seed_output
    ids = {e.entity_id for e in entities}
    assert mentions
    for m in mentions:
        assert bodies[m.article_id][m.start_char:m.end_char] == m.text
        assert m.entity_id in ids


def test_dateline_is_not_an_entity_mention(seed_output) -> None:
    _, mentions, _ = seed_output
    assert "CARACAS" not in {m.text for m in mentions}


def test_maduro_typed_org_once_is_still_the_person() -> None:
    parsed = parse_text("Nicolas Maduro spoke. Later, the Kremlin said it had invited Maduro.")
    mentions, _facts = extract_entities("a0000000000000000", parsed)
    maduro = {m.entity_id for m in mentions if "Maduro" in m.text}
    assert len(maduro) == 1
    assert {m.entity_type for m in mentions if "Maduro" in m.text} == {"PERSON"}


@pytest.mark.parametrize(("text", "name", "country", "role"), [
    ("Russian Foreign Minister Sergei Lavrov arrived in Paris.", "Sergei Lavrov", "RU",
     "Foreign Minister"),
    ("Angela Merkel, the German chancellor, spoke on Monday.", "Angela Merkel", "DE",
     "Chancellor"),
    ("He called his French counterpart, Emmanuel Macron, on Friday.", "Emmanuel Macron", "FR",
     None),
    ("Britain's Prime Minister Theresa May resigned.", "Theresa May", "GB", "Prime Minister"),
    # no country in the text: the people gazetteer (rules/people.json), by name or title + name
    ("President Bush spoke with reporters on Monday.", "Bush", "US", "President"),
    ("King Hassan received the envoy on Tuesday.", "Hassan", "MA", "King"),
    ("Netanyahu met Abbas in Washington.", "Netanyahu", "IL", None),
    ("Netanyahu met Abbas in Washington.", "Abbas", None, None),  # Abbas names no one alone
])
def test_role_and_country_from_context(text: str, name: str, country: str,
                                       role: str | None) -> None:
    _mentions, facts = extract_entities("a0000000000000000", parse_text(text))
    (fact,) = [f for f in facts if f.name == name]
    assert (fact.country, fact.role) == (country, role)


def fact(key: str, name: str, count: int = 1, article: str = "a1") -> EntityFact:
    return EntityFact(article, make_entity_id(key), "PERSON", name, key, None, None, None,
                      (name,), count)


def test_bare_surname_joins_the_only_full_name_across_articles() -> None:
    merges = person_merges([fact("person:recep tayyip erdogan", "Recep Tayyip Erdoğan"),
                            fact("person:erdogan", "Erdogan", article="a2")])
    assert merges["person:erdogan"] == "person:recep tayyip erdogan"


def test_bare_surname_of_two_people_stays_apart() -> None:
    merges = person_merges([fact("person:raul castro", "Raul Castro"),
                            fact("person:fidel castro", "Fidel Castro"),
                            fact("person:castro", "Castro")])
    assert merges["person:castro"] == "person:castro"
    assert merges["person:raul castro"] != merges["person:fidel castro"]


def test_seed_quotes_are_linked_to_their_speakers(seeds_dir: Path) -> None:
    from newsfacts.tables import batch_to_tables

    tables = batch_to_tables(process_batch(ingest_folder(seeds_dir)))
    names = dict(zip(tables["entities"].column("entity_id").to_pylist(),
                     tables["entities"].column("name").to_pylist(), strict=True))
    quotes = tables["quotes"].to_pylist()

    def speaker(opening: str) -> tuple[str | None, str | None, str | None]:
        (quote,) = [q for q in quotes if q["text"].startswith(opening)]
        return names.get(quote["speaker_entity_id"]), quote["cue"], quote["channel"]

    assert speaker("At this time, we are on our way") == ("Nicolás Maduro", "wrote", "Twitter")
    assert speaker("Venezuela and Turkey have sovereign") == ("Nicolás Maduro", "said", None)
    assert speaker("the two leaders had discussed")[:2] == ("Kremlin", "stated")
    assert speaker("the two heads of state")[0] == "Venezuelan Foreign Ministry"
    # The communique speaks; "Venezuelan" in its name is not the speaker.
    assert speaker("President Putin recognized") == (None, "reads", "communique")


def test_a_caption_label_is_not_part_of_a_name() -> None:
    parsed = parse_text("The teacher wrote to student Ahmed Mohamed Image: Twitter / Reuters.")
    mentions, _ = extract_entities("a0000000000000000", parsed)
    assert "Image" not in " ".join(m.text for m in mentions)


@pytest.mark.parametrize(("text", "name", "country"), [
    ("New Jersey Gov. Chris Christie spoke in Iowa.", "Chris Christie", "US"),
    ("Voters in Florida and New Hampshire went to the polls.", "Florida", "US"),
    ("Voters in Florida and New Hampshire went to the polls.", "New Hampshire", "US"),
])
def test_us_states_are_in_the_us(text: str, name: str, country: str) -> None:
    _, facts = extract_entities("a0000000000000000", parse_text(text))
    (fact,) = [f for f in facts if f.name == name]
    assert fact.country == country
