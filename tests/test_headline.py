"""Headline detection on scraped pages (clean/headline.py) and its rules/headline.json."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from newsfacts.clean.article import clean_article
from newsfacts.clean.headline import (
    find_headline,
    is_headline_candidate,
    not_headline_rules,
    split_site_suffix,
)
from newsfacts.ids import sha256_hex
from newsfacts.records import CleanArticle, RawArticle

HEADLINE = "Council approves plan to rebuild the harbour bridge"
MENU = ["Home", "News", "Sport", "Weather", "Business", "Most read stories"]
PROSE = [
    "The city council on Tuesday approved a plan to rebuild the harbour bridge, which has "
    "been closed to lorries since a storm damaged its northern span last winter.",
    "Work is expected to start in the spring and to take about two years, officials said, "
    "and the bridge will stay open to cars and bicycles for most of that time.",
]


def test_rules_file_is_versioned_and_every_example_matches_its_rule() -> None:
    data = json.loads(
        resources.files("newsfacts.rules").joinpath("headline.json").read_text("utf-8"))
    assert data["version"] and data["description"]
    ids = [r["id"] for r in data["not_headline"]]
    assert len(ids) == len(set(ids))
    for rule in not_headline_rules():
        assert rule.pattern.search(rule.example), rule.rule_id
        assert not rule.pattern.search(HEADLINE), rule.rule_id
        assert not is_headline_candidate(rule.example), rule.rule_id
    assert set(data["waivable"]) <= set(ids)
    for key in ("related_heading", "list_heading"):
        pattern = re.compile(data[key], re.IGNORECASE)
        assert all(pattern.match(example) for example in data[f"{key}_examples"]), key
        assert not pattern.match(HEADLINE), key


def test_initials_are_not_the_end_of_a_sentence() -> None:
    assert is_headline_candidate("U.S. Pledges More Funding To Fight AIDS World-Wide")
    assert is_headline_candidate("W. Kamau Bell Hits the Streets in Oakland")
    assert not is_headline_candidate("The story is hidden. Are you sure you want to share it")


@pytest.mark.parametrize(("line", "expected"), [
    (f"{HEADLINE} | The Daily Bugle", (HEADLINE, "The Daily Bugle")),
    (f"{HEADLINE} - Bugle", (HEADLINE, "Bugle")),
    (HEADLINE, None),
    ("Storm hits coast - residents told to leave their homes before the weekend", None),
])
def test_split_site_suffix(line: str, expected: tuple[str, str] | None) -> None:
    assert split_site_suffix(line) == expected


def test_the_headline_after_menus_is_found() -> None:
    lines = [*MENU, HEADLINE, "By Jane Doe", *PROSE]
    kept = [False] * (len(MENU) + 2) + [True] * len(PROSE)
    assert find_headline(lines, kept) == len(MENU)


def test_the_page_title_line_names_the_headline_among_menus() -> None:
    lines = [f"{HEADLINE} | The Daily Bugle", *MENU, "Share this story on Facebook now",
             HEADLINE, "Click here to see the latest offers today", "Advertisement", *PROSE]
    kept = [False] * (len(lines) - len(PROSE)) + [True] * len(PROSE)
    assert lines[find_headline(lines, kept)] == HEADLINE  # not the nearer junk


def test_no_headline_when_nothing_qualifies() -> None:
    assert find_headline(PROSE, [True, True]) is None
    assert find_headline(["Home", "News"], [False, False]) is None


def _clean(text: str) -> CleanArticle:
    raw = RawArticle("a0123456789abcdef", "test/x.txt", sha256_hex(text.encode()), text)
    clean = clean_article(raw)
    assert isinstance(clean, CleanArticle)
    return clean


def test_the_cleaner_puts_the_headline_first_and_out_of_the_removed_lines() -> None:
    clean = _clean("\n".join([*MENU, HEADLINE, *PROSE]))
    assert clean.title == HEADLINE
    assert clean.text.split("\n\n")[0] == HEADLINE
    assert HEADLINE not in {line.text for line in clean.removed}
    again = _clean(clean.text)
    assert (again.title, again.text) == (clean.title, clean.text)


def test_a_body_without_headline_has_no_title() -> None:
    clean = _clean("\n".join(PROSE))
    assert clean.title is None
    assert re.sub(r"\s+", " ", clean.text) == " ".join(PROSE)


def test_an_article_without_headline_is_published_with_a_null_title() -> None:
    from newsfacts.extract.article import extract_article
    from newsfacts.records import Article

    article = extract_article(_clean("\n".join(PROSE)))
    assert isinstance(article, Article)
    assert article.title is None
    assert article.body.startswith(PROSE[0][:40])


def test_a_byline_belongs_to_the_headline_right_above_it_not_to_a_kicker() -> None:
    from newsfacts.clean.headline import is_followed_by_byline

    lines = ["Weekend reading list", HEADLINE, "By Jane Doe", *PROSE]
    assert is_followed_by_byline(lines, 1)
    assert not is_followed_by_byline(lines, 0)  # the headline comes between


@pytest.mark.parametrize(("line", "expected"), [
    ("Richard (R.J.) Eskow", True),
    ("Maria de Souza", True),
    ("Devindra Hardawar, @devindra", True),
    ("Council approves plan", False),  # "plan" is not capitalised
    ("Home News Sport Weather Business", False),  # five words: a menu
])
def test_author_name_lines(line: str, expected: bool) -> None:
    from newsfacts.clean.headline import is_name_line

    assert is_name_line(line) is expected


INFOBOX = ["Capital", "Wellington", "Population", "5,000,000", "Currency", "Dollar"] * 12


def test_an_encyclopedia_lead_names_its_subject_far_above_the_body() -> None:
    lead = ("Nova Terra (Latin for new land) is an island country in the southern ocean, "
            "with a population of about five million people and a long coastline.")
    lines = ["Nova Terra", *INFOBOX, lead, *PROSE]
    kept = [False] * (1 + len(INFOBOX)) + [True] * (1 + len(PROSE))
    assert find_headline(lines, kept) == 0


def test_a_name_that_merely_opens_a_news_lead_is_not_the_subject() -> None:
    from newsfacts.clean.headline import make_page, opens_lead

    lead = "Harbour Bridge repairs will start in spring, the council said on Tuesday."
    page = make_page(["Harbour Bridge", lead], [False, True], 1)
    assert not opens_lead(page, "Harbour Bridge")
    page = make_page(["Harbour Bridge", f"Harbour Bridge (1932) is a steel arch. {lead}"],
                     [False, True], 1)
    assert opens_lead(page, "Harbour Bridge")


TWO_SENTENCES = "Bridge reopens after two years. Drivers return to the harbour crossing"
REPRINT = "See a sample reprint in PDF format. Order a reprint of this article now"
BRIDGE_PROSE = [
    "The harbour bridge reopened to drivers on Tuesday after two years of repairs, and "
    "the first cars crossed the bridge at dawn.",
    "Drivers who used the crossing every day said the return saved them an hour, and the "
    "council said the harbour bridge would stay open through the winter.",
]


def test_a_two_sentence_headline_needs_a_repeat_and_a_body_about_it() -> None:
    lines = [*MENU, TWO_SENTENCES, "Share", "Jane Doe", TWO_SENTENCES, "Jane Doe",
             *BRIDGE_PROSE]
    kept = [False] * (len(lines) - 2) + [True, True]
    assert find_headline(lines, kept) == len(MENU) + 3
    once = [*MENU, TWO_SENTENCES, *BRIDGE_PROSE]  # not repeated: refused as two sentences
    assert find_headline(once, [False] * (len(MENU) + 1) + [True, True]) is None
    reprint = [*MENU, REPRINT, "Share", REPRINT, *BRIDGE_PROSE]  # repeated, not the topic
    assert find_headline(reprint, [False] * (len(reprint) - 2) + [True, True]) is None


def test_a_two_sentence_headline_is_found_again_in_the_cleaned_text() -> None:
    lines = [*MENU, TWO_SENTENCES, "Share", "Jane Doe", TWO_SENTENCES, *BRIDGE_PROSE]
    kept = [False] * (len(lines) - 2) + [True, True]
    index = find_headline(lines, kept)
    assert index is not None and lines[index] == TWO_SENTENCES
    cleaned = [TWO_SENTENCES, *BRIDGE_PROSE]
    assert find_headline(cleaned, [True] * 3) == 0
    assert find_headline(cleaned, [False, True, True]) == 0


def test_a_line_of_a_pros_and_cons_list_is_not_the_headline() -> None:
    verdict = ["Pros", "A wider road and a footway on both sides", "Cons", "Expensive",
               "Still closed to lorries after a storm damaged its northern span"]
    images = [f"images_{n}" for n in range(40)]  # a gallery between the header and the review
    lines = [HEADLINE, "Jane Doe", *images, *verdict, *PROSE]
    kept = [False] * (len(lines) - 3) + [True] * 3  # the classifier kept the last con
    assert find_headline(lines, kept) == 0
