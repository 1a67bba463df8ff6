"""Normalisation: mojibake repair that leaves good text alone, and is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfacts.clean.normalize import TRAILING_SPACE, normalize_text, repair_mojibake


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("FranÃ§ois Hollande", "François Hollande"),
        ("â€œquotedâ€\x9d", "“quoted”"),
        ("Venezuelaâ€™s minister", "Venezuela’s minister"),
        ("naÃ¯ve cafÃ© in SÃ£o Paulo", "naïve café in São Paulo"),
        ("\x93cp1252 read as latin-1\x94 \x97 a dash", "“cp1252 read as latin-1” — a dash"),
    ],
)
def test_mojibake_is_repaired(broken: str, fixed: str) -> None:
    assert normalize_text(broken) == fixed


@pytest.mark.parametrize(
    "text",
    [
        "He said “no” and ‘maybe’ — then left – quickly…",
        "ﬁnancial ＡＢＣ &amp; co",  # ligatures, full-width forms and entities stay as written
        "Zoë Müller, Łódź, İstanbul, Ελλάδα, Россия, 東京",
        "Tabs\tand\x07bells stay",
    ],
)
def test_good_text_is_left_alone(text: str) -> None:
    assert normalize_text(text) == text


def test_seeds_only_lose_trailing_spaces(seed_texts: dict[str, str]) -> None:
    for name, text in seed_texts.items():
        assert repair_mojibake(text) == text, name
        assert normalize_text(text) == TRAILING_SPACE.sub("", text), name


def test_breaks_are_unified_also_when_a_repair_brings_them_up() -> None:
    assert normalize_text("a\u2028b\r\nc") == "a\nb\nc"
    assert normalize_text("aâ€¨b") == "a\nb"  # the mojibake of U+2028
    assert normalize_text("\ufeff\ufeffTitle") == "Title"


def _mojibake(text: str, encoding: str) -> str:
    return text.encode("utf-8").decode(encoding, errors="replace")


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120)
MOJIBAKE = st.builds(_mojibake, TEXT, st.sampled_from(["cp1252", "latin-1"]))
PIECES = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x85", " ", "\xa0", "\ufeff", "Ã", "â€"])
MIXED = st.lists(st.one_of(TEXT, MOJIBAKE, PIECES), max_size=8).map("".join)


@settings(max_examples=500)
@given(MIXED)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=500)
@given(st.one_of(MIXED, MOJIBAKE))
def test_windowed_is_bad_equals_ftfy_is_bad(text: str) -> None:
    from ftfy.badness import is_bad as ftfy_is_bad

    from newsfacts.clean.normalize import is_bad

    assert is_bad(text) == ftfy_is_bad(text)
