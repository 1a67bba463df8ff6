"""Tests for extract/quotes.py: quote-mark pairing, attributions on hand-written sentences,
every entry of rules/quote_cues.json, and the quotes of the seeds."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from newsfacts.extract.nlp import parse_text, parse_texts
from newsfacts.extract.quote_cues import ACCORDING_TO_GROUP, quote_rules
from newsfacts.extract.quote_marks import find_quote_spans
from newsfacts.extract.quotes import extract_quotes
from newsfacts.records import QuoteMatch

RULES = json.loads(
    resources.files("newsfacts.rules").joinpath("quote_cues.json").read_text("utf-8")
)
CUE_VERBS = sorted((lemma, past) for group in RULES["cue_verbs"].values()
                   for lemma, past in group.items())


def quotes_of(text: str) -> tuple[QuoteMatch, ...]:
    return extract_quotes(parse_text(text))


def only(matches: tuple[QuoteMatch, ...]) -> QuoteMatch:
    assert len(matches) == 1, matches
    return matches[0]


def inner_texts(text: str) -> list[str]:
    return [text[q.start:q.end] for q in find_quote_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “we will win,” and left.", ["we will win"]),
        ('He said "we will win" and left.', ["we will win"]),
        ("“I told him ‘no’ twice,” she said.", ["I told him ‘no’ twice"]),
        ('"The motto is “never again” now," she said.', ["The motto is “never again” now"]),
        ("The mayor’s plan and the players’ union.", []),
        ("They called it ‘a bad deal’ again.", ["a bad deal"]),
        ("“First paragraph.\n“Second paragraph,” he said.",
         ["First paragraph.\n“Second paragraph"]),
        ("“Never closed.\nA new paragraph.", ["Never closed."]),
    ],
)
def test_find_quote_spans_pairs_marks(text: str, expected: list[str]) -> None:
    assert inner_texts(text) == expected


def test_direct_quote_with_speaker_after_it() -> None:
    text = "“We will rebuild the bridge before winter,” the mayor said on Monday."
    match = only(quotes_of(text))
    assert (match.kind, match.text) == ("direct", "We will rebuild the bridge before winter")
    assert (match.speaker_text, match.cue, match.channel) == ("the mayor", "said", None)
    assert text[match.start:match.end] == match.text
    assert text[match.speaker_start:match.speaker_end] == "the mayor"  # type: ignore[misc]


def test_direct_quote_after_a_colon_with_channel() -> None:
    match = only(quotes_of("Anna Lindqvist wrote on Twitter: “The vote is tomorrow.”"))
    assert (match.kind, match.text, match.speaker_text) == (
        "direct", "The vote is tomorrow.", "Anna Lindqvist")
    assert (match.cue, match.channel) == ("wrote", "Twitter")


def test_interrupted_quote_is_one_match_of_two_segments() -> None:
    text = "“The plan is ready,” she said. “We start in May.”"
    match = only(quotes_of(text))
    assert [s.text for s in match.segments] == ["The plan is ready", "We start in May."]
    assert match.text == "The plan is ready We start in May."
    assert (match.start, match.end) == (1, len(text) - 1)


def test_pronoun_speaker_resolves_to_the_previous_person() -> None:
    text = "Maria Gonzalez visited the plant on Monday. “The workers deserve better,” she said."
    match = only([m for m in quotes_of(text) if m.kind == "direct"])
    assert (match.speaker_text, match.speaker_resolved_from) == ("Maria Gonzalez", "she")
    assert text[match.speaker_mention_start:match.speaker_mention_end] == "she"  # type: ignore[misc]


def test_indirect_speech_from_a_ccomp() -> None:
    match = only(quotes_of("The minister said that the new bridge would open in May."))
    assert (match.kind, match.text) == ("indirect", "the new bridge would open in May")
    assert (match.speaker_text, match.cue) == ("The minister", "said")


def test_according_to_gives_speaker_and_content() -> None:
    match = only(quotes_of("According to the ministry, exports rose by ten percent last year."))
    assert (match.kind, match.cue, match.speaker_text) == (
        "indirect", "According to", "the ministry")
    assert match.text == "exports rose by ten percent last year"


def test_partial_quote_takes_the_reported_clause() -> None:
    match = only(quotes_of("The farmer said the new rules were “a total disaster” for them."))
    assert match.kind == "partial"
    assert "“a total disaster”" in match.text
    assert match.text.startswith("the new rules")
    assert match.speaker_text == "The farmer"


def test_scare_quotes_and_titles_are_not_quotes() -> None:
    assert quotes_of("The band played “Yesterday” twice at the fair.") == ()


def test_document_author_is_the_speaker() -> None:
    match = only(quotes_of(
        "A statement published by the Ministry of Health said the clinics would stay open."))
    assert (match.speaker_text, match.channel) == ("the Ministry of Health", "statement")


@pytest.mark.parametrize(("lemma", "past"), CUE_VERBS)
def test_every_cue_verb_attributes_reported_speech(lemma: str, past: str) -> None:
    matches = quotes_of(f"“The new bridge will open next week,” the mayor {past}.")
    assert [m.cue for m in matches] == [past], lemma
    assert matches[0].speaker_text == "the mayor"


@pytest.mark.parametrize(("word", "channel"), sorted(RULES["channels"].items()))
def test_every_channel_word_names_its_channel(word: str, channel: str) -> None:
    match = only(quotes_of(f"“The bridge will open next week,” the mayor said in the {word}."))
    assert match.channel == channel


@pytest.mark.parametrize("lemma", sorted(RULES["verb_channels"]))
def test_every_verb_channel_names_its_channel(lemma: str) -> None:
    past = dict(CUE_VERBS)[lemma]
    match = only(quotes_of(f"“The bridge will open next week,” the mayor {past}."))
    assert match.channel == RULES["verb_channels"][lemma]


@pytest.mark.parametrize("noun", sorted(RULES["document_nouns"]))
def test_every_document_noun_can_speak(noun: str) -> None:
    match = only(quotes_of(f"“The bridge will open next week,” reads the {noun}."))
    assert match.speaker_text == f"the {noun}"
    assert match.channel == RULES["channels"].get(noun, noun)


PRONOUN_CASES = {
    "he": ("Carlos Mendez arrived at noon. “We are ready,” he said.", "Carlos Mendez"),
    "she": ("Maria Gonzalez arrived at noon. “We are ready,” she said.", "Maria Gonzalez"),
    "it": ("Microsoft answered on Monday. “We are ready,” it said.", "Microsoft"),
    "they": ("Microsoft answered on Monday. “We are ready,” they said.", "Microsoft"),
    "who": ("Carlos Mendez, who said the plant was ready, left at noon.", "Carlos Mendez"),
    "which": ("Microsoft, which said the servers were ready, opened on Monday.", "Microsoft"),
}


def test_pronoun_cases_cover_the_rules() -> None:
    assert set(PRONOUN_CASES) == set(RULES["pronouns"]) == set(quote_rules().pronouns)


@pytest.mark.parametrize("pronoun", sorted(PRONOUN_CASES))
def test_every_pronoun_resolves_to_a_compatible_entity(pronoun: str) -> None:
    text, antecedent = PRONOUN_CASES[pronoun]
    resolved = [m for m in quotes_of(text) if m.speaker_resolved_from is not None]
    assert [(m.speaker_resolved_from.lower(), m.speaker_text) for m in resolved] == [
        (pronoun, antecedent)]


@pytest.fixture(scope="module")
def seed_quotes(seed_texts: dict[str, str]) -> dict[str, tuple[QuoteMatch, ...]]:
    names = sorted(seed_texts)
    return {n: extract_quotes(p) for n, p in zip(names, parse_texts(seed_texts[n] for n in names),
                                                  strict=True)}


SEED_EXPECTATIONS = [
    # (seed, words of the quote, kind, speaker, resolved from, cue, channel)
    ("000_c1accda924f0f9d8.txt", "“a very intense and very important meeting”", "partial",
     "Nicolás Maduro", "the Venezuelan president", "According to", None),
    ("000_c1accda924f0f9d8.txt", "At this time, we are on our way", "direct",
     "Maduro", None, "wrote", "Twitter"),
    ("000_c1accda924f0f9d8.txt", "Venezuela and Turkey have sovereign", "direct",
     "Maduro", None, "said", None),
    ("004_b37bf997956b9fa5.txt", "“security and defence, energy", "partial",
     "Venezuela’s Foreign Ministry", None, "According to", "statement"),
    ("004_b37bf997956b9fa5.txt", "“various practical questions", "partial",
     "the Kremlin", None, "stated", None),
    ("004_b37bf997956b9fa5.txt", "President Putin recognized", "direct",
     "the Venezuelan Foreign Minister communique", None, "reads", "communique"),
]


@pytest.mark.parametrize(
    ("seed", "words", "kind", "speaker", "resolved_from", "cue", "channel"), SEED_EXPECTATIONS
)
def test_seed_quotes(
    seed_quotes: dict[str, tuple[QuoteMatch, ...]], seed: str, words: str, kind: str,
    speaker: str, resolved_from: str | None, cue: str, channel: str | None,
) -> None:
    found = [m for m in seed_quotes[seed] if words in m.text]
    match = only(tuple(found))
    assert (match.kind, match.speaker_text, match.speaker_resolved_from) == (
        kind, speaker, resolved_from)
    assert (match.cue, match.channel) == (cue, channel)


def test_seed_offsets_point_into_the_text(
    seed_quotes: dict[str, tuple[QuoteMatch, ...]], seed_texts: dict[str, str]
) -> None:
    for name, matches in seed_quotes.items():
        text = seed_texts[name]
        for m in matches:
            assert all(text[s.start:s.end] == s.text for s in m.segments)
            assert m.text == " ".join(s.text for s in m.segments)
            if m.cue is not None:
                assert text[m.cue_start:m.cue_end] == m.cue  # type: ignore[misc]
            if m.speaker_text is not None:
                assert text[m.speaker_start:m.speaker_end] == m.speaker_text  # type: ignore[misc]


OBJECT_CUES = sorted((lemma, past) for group in RULES["object_cue_verbs"].values()
                     for lemma, past in group.items())


@pytest.mark.parametrize(("lemma", "past"), OBJECT_CUES)
def test_every_object_cue_reports_its_object(lemma: str, past: str) -> None:
    match = only(quotes_of(f"The mayor {past} the new bridge plan on Tuesday."))
    assert (match.kind, match.cue, match.speaker_text) == ("indirect", past.split()[0],
                                                           "The mayor"), lemma
    assert match.text.endswith("the new bridge plan")


def test_infinitive_with_its_object_is_the_content() -> None:
    match = only(quotes_of("The union urged the mayor to reopen the bridge."))
    assert (match.text, match.speaker_text, match.cue) == (
        "the mayor to reopen the bridge", "The union", "urged")


def test_clause_only_cue_reports_no_infinitive() -> None:
    assert quotes_of("The mayor continued to visit the bridge every week.") == ()


def test_a_cue_that_took_a_quote_still_reports_its_own_clause() -> None:
    matches = quotes_of("Graham called both men “crazy” and said the party would lose in May.")
    assert [(m.cue, m.text) for m in matches] == [
        ("called", "both men “crazy"), ("said", "the party would lose in May")]


def test_a_stance_cue_does_not_take_a_quote() -> None:
    assert quotes_of("The two leaders discussed their cooperation in “energy and trade”.") == ()


def test_pronoun_in_a_report_is_its_speaker() -> None:
    matches = quotes_of("Carlos Mendez met Ana Ortiz and assured that he will defend the plan.")
    defend = only(tuple(m for m in matches if m.cue == "defend"))
    assert (defend.speaker_text, defend.speaker_resolved_from) == ("Carlos Mendez", "he")


def test_cue_groups_are_the_schema_enum() -> None:
    schema = json.loads((Path(__file__).resolve().parent.parent / "schemas" / "quotes.json")
                        .read_text(encoding="utf-8"))
    enum = next(f for f in schema["fields"] if f["name"] == "cue_group")["constraints"]["enum"]
    groups = {group for key in ("cue_verbs", "object_cue_verbs") for group in RULES[key]}
    assert set(enum) == groups | {ACCORDING_TO_GROUP}
    assert set(quote_rules().group_of.values()) == groups


def test_matches_carry_their_cue_group() -> None:
    matches = quotes_of("The mayor praised the plan. According to the report, costs rose.")
    assert [m.cue_group for m in matches] == ["stance", "according_to"]
