"""Clean: normalisation, the boilerplate rules (each tested by name), language."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfacts.clean.article import clean_article, first_body_line
from newsfacts.clean.boilerplate import load_line_rules, match_line, remove_boilerplate
from newsfacts.clean.language import SAMPLE_CHARS, detect_language, identifier
from newsfacts.clean.normalize import normalize_text
from newsfacts.ids import sha256_hex
from newsfacts.records import CleanArticle, RawArticle, Rejection

RULES = {rule.rule_id: rule for rule in load_line_rules()}

# Lines that look a little like boilerplate but are news text: no rule may match them.
NEWS_LINES = [
    "Maduro said the advertisement campaign would start in May.",
    "Russia has been supporting the sovereignty of Venezuela.",
    "Officials from both countries have been holding bilateral meetings.",
    "The images_24 folder was leaked to reporters, the ministry said.",
    "Twitter users shared the video more than a million times on Monday.",
    "Readers can subscribe to our newsletter, the editor wrote in a note explaining "
    "why the paper would stop printing on Sundays after 150 years of continuous service.",
]


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_each_rule_matches_its_example(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert match_line(rule.example, (rule,)) is rule


@pytest.mark.parametrize("line", NEWS_LINES)
def test_no_rule_matches_news_text(line: str) -> None:
    assert match_line(line, load_line_rules()) is None


@pytest.mark.parametrize(
    ("line", "rule_id", "reason"),
    [
        ("- Advertisement -", "ad_marker", "advertisement"),
        ("ADVERTISEMENT", "ad_marker", "advertisement"),
        ("images_24", "image_placeholder", "image_placeholder"),
        ("Subscribe to our newsletter", "newsletter_subscribe", "newsletter"),
        ("Sign up here to get the latest news, updates and special offers delivered directly"
         " to your inbox.", "newsletter_sign_up_here", "newsletter"),
        ("Share on Facebook | Twitter | WhatsApp", "share_bar", "share"),
        ("Read more »", "nav_read_more", "navigation"),
    ],
)
def test_seed_style_boilerplate_gets_its_reason(line: str, rule_id: str, reason: str) -> None:
    rule = match_line(line, load_line_rules())
    assert rule is not None
    assert (rule.rule_id, rule.reason) == (rule_id, reason)


def test_removed_lines_keep_raw_line_numbers_and_paragraphs_survive() -> None:
    title, first, last = ("City council approves bus network expansion", NEWS_LINES[1],
                          NEWS_LINES[2])
    text = f"{title}\n\nimages_3\n\n{first}\n\n- Advertisement -\n\n{last}"
    kept, removed = remove_boilerplate("a0123456789abcdef", text)
    assert kept == f"{title}\n\n{first}\n\n{last}"
    assert [(r.line_no, r.text, r.reason) for r in removed] == [
        (3, "images_3", "image_placeholder"),
        (7, "- Advertisement -", "advertisement"),
    ]


def test_normalize_text_unifies_breaks_and_composes_accents() -> None:
    assert normalize_text("\ufeffNicola\u0301s \r\nMaduro  \rx\u2028y") == "Nicolás\nMaduro\nx\ny"


def test_language_of_seeds_and_short_text(seed_texts: dict[str, str]) -> None:
    assert {detect_language(t) for t in seed_texts.values()} == {"en"}
    assert detect_language("Der Bundestag hat am Dienstag ein neues Gesetz beschlossen.") == "de"
    assert detect_language("Hola") is None


@cache
def stock_identifier():  # type: ignore[no-untyped-def]
    """py3langid's own identifier, as the library builds it (loading it takes a second)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_fast_language_identifier_equals_py3langid(text: str) -> None:
    assert np.array_equal(identifier()._decide(text), stock_identifier()._decide(text))
    assert identifier().classify(text) == stock_identifier().classify(text)


def test_fast_language_identifier_equals_py3langid_on_seeds(seed_texts: dict[str, str]) -> None:
    for text in seed_texts.values():
        for sample in (text, text[:SAMPLE_CHARS], text.upper()):
            assert np.array_equal(identifier()._decide(sample), stock_identifier()._decide(sample))


def _raw(text: str) -> RawArticle:
    return RawArticle("a0123456789abcdef", "test/x.txt", sha256_hex(text.encode()), text)


def test_body_line_is_the_first_kept_line_under_the_headline() -> None:
    text = ("Home\nWorld\nCity council approves bus network expansion\nBy Jane Doe\n"
            "March 3, 2024\n" + "\n".join(NEWS_LINES))
    result = clean_article(_raw(text))
    assert isinstance(result, CleanArticle) and result.title_line == 3
    page = text.split("\n")
    gone = {r.line_no for r in result.removed}
    assert result.body_line == min(n for n in range(4, len(page) + 1) if n not in gone)
    assert result.text.split("\n\n")[1] == page[result.body_line - 1]  # the first paragraph
    removed = tuple(r for r in result.removed if r.line_no < 3)
    assert first_body_line("a\nb\n\nc", removed, None) == 4  # lines 1 and 2 removed
    assert first_body_line("a\nb\n\nc", (), None) == 1
    assert first_body_line("a\nb\n\nc", (), 2) == 4
    assert first_body_line("a\nb", (), 2) is None


def test_all_boilerplate_article_is_rejected() -> None:
    result = clean_article(_raw("images_1\n- Advertisement -\n"))
    assert isinstance(result, Rejection)
    assert (result.stage, result.reason) == ("clean", "clean_empty_body")


# No deadline: the first example loads the models (seconds), and the machine is shared.
@settings(deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_cleaning_is_idempotent_and_never_raises(text: str) -> None:
    once = clean_article(_raw(text))
    if isinstance(once, CleanArticle):
        twice = clean_article(_raw(once.text))
        assert isinstance(twice, CleanArticle)
        assert twice.text == once.text
        assert twice.removed == ()


# Dev pages (../shared/eval/boilerplate) whose cleaned text, cleaned again, lost a line before
# the cleaner settled it: each page's headline is moved first, next to a marginal line.
MOVED_HEADLINE_PAGES = [
    "aeb/d605bdef2cde7308a9f2fbd1484d4a9c3da0167177245d346da61e455f42208d",
    "dragnet/175", "dragnet/176", "dragnet/304", "dragnet/495",
]


@pytest.mark.parametrize("page", MOVED_HEADLINE_PAGES)
def test_a_cleaned_page_with_a_moved_headline_cleans_to_itself(page: str) -> None:
    from conftest import SHARED_EVAL

    path = SHARED_EVAL / "boilerplate" / f"{page}.raw.txt"
    if not path.is_file():
        pytest.skip(f"dev corpus not available: {path}")
    text = path.read_text(encoding="utf-8")
    once = clean_article(_raw(text))
    assert isinstance(once, CleanArticle) and once.title_line is not None
    twice = clean_article(_raw(once.text))
    assert isinstance(twice, CleanArticle)
    assert (twice.text, twice.title, twice.removed) == (once.text, once.title, ())
    # every removed line is recorded at its number on the page, once, in page order
    page_lines = normalize_text(text).split("\n")
    numbers = [line.line_no for line in once.removed]
    assert numbers == sorted(set(numbers)) and once.title_line not in numbers
    assert all(page_lines[line.line_no - 1] == line.text for line in once.removed)
    kept = [n for n, line in enumerate(page_lines, start=1)
            if line.strip() and n not in numbers and n != once.title_line]
    assert once.text.split("\n\n")[1:] == [page_lines[n - 1].strip() for n in kept]


def test_short_line_under_the_body_does_not_name_itself() -> None:
    """Found by the property test above with random examples: on the page '000' / '00<tab>aš'
    the short second line counted as named by the body lines, which included itself, and
    became the headline; moved first, the cleaned text then lost it when cleaned again."""
    once = clean_article(_raw("000\r00\ta\x9a"))
    assert isinstance(once, CleanArticle)
    assert once.title is None and once.text == "000\n\n00\taš"
    twice = clean_article(_raw(once.text))
    assert isinstance(twice, CleanArticle) and twice.text == once.text
