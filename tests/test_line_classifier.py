"""The cleaner's line classifier: features, labels, training, and cleaning a page with it."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsfacts.clean.boilerplate import (
    dominant_cue_reasons,
    name_removal_reason,
    remove_boilerplate,
)
from newsfacts.clean.headline import find_headline, is_headline_like
from newsfacts.clean.line_features import (
    BASE_FEATURES,
    FEATURE_NAMES,
    STAGE2_FEATURE_NAMES,
    TEMPLATE_FEATURES,
    body_word_shares,
    line_features,
    line_statistics,
    main_block,
    page_statistics,
    period_match,
    portable_log1p,
    run_lengths,
    stage2_features,
    token_counts,
    window_sum,
)
from newsfacts.clean.page_scan import IGNORECASE_ASCII
from newsfacts.clean.training import label_lines, page_lines, save_models, train_line_classifier

PROSE = [
    "The city council voted on Tuesday to expand the bus network into the northern districts,"
    " a plan that has been debated for more than three years.",
    "Supporters said the new routes would cut commuting times for thousands of workers, while"
    " critics warned that the budget had not been approved by the regional government.",
    "The first buses are expected to run in the spring, according to the transport department,"
    " which will publish the timetables next month.",
    "Residents who spoke to the newspaper said they welcomed the decision but wanted more"
    " frequent services at night and on weekends.",
]
MENU = ["Home", "World", "Business", "Sport", "Culture", "Search"]
FOOTER = ["Share on Facebook", "Related stories", "Privacy Policy", "© 2024 Example News"]
HEADLINE = "City council approves bus network expansion"


def _page(prose: list[str] = PROSE) -> list[str]:
    return [*MENU, HEADLINE, "By Jane Doe", "March 3, 2024", *prose, *FOOTER]


def test_feature_matrix_shapes_and_names() -> None:
    lines = _page()
    x = line_features(lines)
    assert x.shape == (len(lines), len(FEATURE_NAMES))
    assert np.isfinite(x).all()
    assert line_features([]).shape == (0, len(FEATURE_NAMES))
    p = np.linspace(0, 1, len(lines))
    assert stage2_features(x, p, lines).shape == (len(lines), len(STAGE2_FEATURE_NAMES))


# A teaser list under an article: headline, date, one summary sentence, three times.
TEASERS = [
    "Wild dig themselves another hole in overtime loss",
    "November 16, 2019 at 8:19 pm",
    "Coach Bruce Boudreau has heeded the warnings over the past couple of weeks, he said.",
    "No more tinkering: the team finally has some stability on its lines",
    "November 15, 2019 at 2:37 pm",
    "Contrary to what his track record might suggest, the coach does not like to tinker.",
    "Vikings star can talk the talk and walk the walk",
    "November 17, 2019 at 7:21 pm",
    "Akin to the shark tattoo behind his left ear, the receiver sensed blood in the water...",
]


def _template(lines: list[str], name: str) -> np.ndarray:
    return line_features(lines)[:, FEATURE_NAMES.index(name)]


def test_template_features_tell_a_teaser_list_from_article_prose() -> None:
    body_lines = PROSE * 3  # paragraphs far from the teasers: beyond the window
    page = [HEADLINE, *body_lines, *TEASERS, *TEASERS]
    lead = slice(1, 5)  # the first paragraphs
    teasers = slice(1 + len(body_lines) + 3, -3)  # within the list
    assert len(TEMPLATE_FEATURES) == 9
    dates = _template(page, "short_dates_nearby")
    assert dates[teasers].min() >= 2 and dates[lead].max() == 0
    for name in ("shape_period3_match", "prose_alternations_nearby"):
        values = _template(page, name)
        assert values[teasers].min() > values[lead].max(), name
    single = _template(page, "single_prose_between_short")
    assert single[-len(TEASERS):].tolist() == [0, 0, 1] * 3 and single[1:13].sum() == 0
    runs = _template(page, "prose_run_length")
    assert np.allclose(np.expm1(runs[1:13]), len(body_lines))
    assert _template(page, "ends_ellipsis").tolist()[-1] == 1.0
    glued = _template(["Police Arrest Two In Student-AthleteA 24-year-old man was held.",
                       "The iPhone and McDonald's are not glued words."], "glued_words")
    assert glued[0] > 0 and glued[1] == 0


def test_period_match_is_zero_on_runs_of_one_kind_and_high_on_alternation() -> None:
    assert np.allclose(period_match(np.zeros(12, dtype=int), 2, 6), 0.0)
    alternating = period_match(np.array([0, 1] * 6), 2, 6)
    assert alternating.min() > 0.5


def test_body_word_shares_and_main_block() -> None:
    lines = ["Council approves the northern bus network",
             "The council approved the northern bus network on Tuesday after a long debate.",
             "The bus network will reach the northern districts in spring, the council said.",
             "Celebrity chef opens a vegan restaurant downtown"]
    p = np.array([0.3, 0.9, 0.95, 0.4])
    shares = body_word_shares(lines, p)
    assert shares[0] == 0.75 and shares[3] == 0.0  # 3 of 4 headline words; no teaser word
    assert 0 < shares[1] < 1  # its own words do not count for a sure line
    inside, distance = main_block(np.array([0.1, 0.9, 0.2, 0.8, 0.1, 0.1, 0.9]),
                                  np.array([3.0, 40, 5, 30, 2, 2, 10]))
    assert inside.tolist() == [0, 1, 1, 1, 0, 0, 0]  # one weak line does not split the block
    assert np.expm1(distance).round().tolist() == [1, 0, 0, 0, 1, 2, 3]
    assert main_block(np.zeros(3), np.ones(3))[0].sum() == 0


def test_window_sum_and_run_lengths() -> None:
    assert window_sum(np.array([1.0, 2.0, 3.0, 4.0]), 1).tolist() == [3.0, 6.0, 9.0, 7.0]
    assert window_sum(np.array([1.0, 1.0]), 5).tolist() == [2.0, 2.0]
    flags = np.array([True, True, False, True, False, False, True, True, True])
    assert run_lengths(flags).tolist() == [2, 2, 0, 1, 0, 0, 3, 3, 3]


def test_labels_follow_the_gold_body() -> None:
    lines = _page()
    gold = "\n".join(PROSE)
    labels = label_lines(lines, gold)
    assert [line for line, y in zip(lines, labels, strict=True) if y] == PROSE


def test_headline_detection_and_reason_names() -> None:
    assert is_headline_like(HEADLINE)
    assert not is_headline_like(PROSE[0])
    assert not is_headline_like("By Jane Doe and John Smith in London today")
    lines = [*MENU, HEADLINE, "By Jane Doe", *PROSE]
    kept = [False] * (len(MENU) + 2) + [True] * len(PROSE)
    assert find_headline(lines, kept) == len(MENU)
    assert name_removal_reason("Share on Facebook") == "share"
    assert name_removal_reason("Privacy Policy") == "legal"
    assert name_removal_reason("Related stories") == "related"
    assert name_removal_reason("Zebra quartz") == "other"


def test_shipped_classifier_cleans_a_handwritten_page() -> None:
    text = "\n".join(_page())
    kept, removed = remove_boilerplate("a0123456789abcdef", text)
    kept_lines = [line for line in kept.split("\n") if line]
    for paragraph in PROSE:
        assert paragraph in kept_lines
    for line in [*MENU, *FOOTER]:
        assert line not in kept_lines
    assert kept_lines[0] == HEADLINE
    removed_text = {r.text: r for r in removed}
    assert set(MENU) <= set(removed_text)
    assert removed_text["Share on Facebook"].reason == "share"
    assert removed_text["Home"].rule_id in {"line_classifier", "nav_read_more"}
    assert all(r.line_no == text.split("\n").index(r.text) + 1 for r in removed)
    again, removed_again = remove_boilerplate("a0123456789abcdef", kept)
    assert again == kept and removed_again == ()


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve handwritten pages: enough rows for LightGBM to learn something."""
    folder = tmp_path_factory.mktemp("corpus")
    for i in range(12):
        prose = PROSE[i % 4:] + PROSE[: i % 4]
        (folder / f"p{i:02d}.raw.txt").write_text("\n".join(_page(prose)), "utf-8")
        (folder / f"p{i:02d}.gold.txt").write_text("\n".join(prose), "utf-8")
    return folder


def test_training_is_deterministic_and_models_load(tiny_corpus: Path, tmp_path: Path) -> None:
    import lightgbm as lgb

    first = train_line_classifier([tiny_corpus], rounds=5)
    second = train_line_classifier([tiny_corpus], rounds=5)
    save_models(*first, tmp_path / "a")
    save_models(*second, tmp_path / "b")
    for name in ("stage1", "stage2"):
        a = (tmp_path / "a" / f"line_classifier_{name}.txt").read_text()
        assert a == (tmp_path / "b" / f"line_classifier_{name}.txt").read_text()
        booster = lgb.Booster(model_str=a)
        assert booster.num_feature() == len(
            FEATURE_NAMES if name == "stage1" else STAGE2_FEATURE_NAMES)


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and bool(np.array_equal(a.view(np.uint64), b.view(np.uint64)))


def _per_line_statistics(stripped: list[str]) -> np.ndarray:
    """The reference: line_statistics line by line."""
    rows = [line_statistics(line) for line in stripped]
    return np.array(rows, dtype=np.float64).reshape(len(stripped), len(BASE_FEATURES) - 1)


def test_page_statistics_equal_line_statistics_on_seeds(seed_texts: dict[str, str]) -> None:
    pages = [page_lines(text) for text in seed_texts.values()] + [_page()]
    for lines in pages:
        stripped = [line.strip() for line in lines]
        assert _same_bits(page_statistics(stripped), _per_line_statistics(stripped))


# Pieces that trip the page-wide shortcuts: case folding (İ ı ſ K), final sigma, non-ASCII
# digits, combining marks, surrogates, and the words the slow patterns look for.
TRICKY = st.sampled_from([
    *"aZ ΣσςΟΔİıßſK\u00a0\u2003\t,.:;!?…'\"”’)|»©_0123456789٣Ⅷ\u0301ʰ\U0001d400\ud800",
    "By ", "said:", "12 comments", "Jan 3, 2020", "10:30 am", "images_3", "copyright", "Reply",
    "prİvacy polıcy", "PRIVACY POLICY", "ſaid", "LIKE", "12 Points", "© 2020", "terms of use",
    "Leave a reply", "wrote:", "comments are closed", "report abuse", "All rights reserved",
    "٣:٤٥", "Mar 3, 2021", "2024-01-31", "3/4/21",
])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(TRICKY, max_size=10).map("".join), max_size=8))
def test_page_statistics_equal_line_statistics_on_tricky_text(lines: list[str]) -> None:
    stripped = [line.strip() for line in lines]
    assert _same_bits(page_statistics(stripped), _per_line_statistics(stripped))


@pytest.mark.eval
def test_page_statistics_equal_line_statistics_on_dev_pages() -> None:
    corpus = Path(__file__).resolve().parents[2] / "shared" / "eval" / "boilerplate" / "aeb"
    if not corpus.is_dir():
        pytest.skip(f"dev corpus absent: {corpus}")
    for path in sorted(corpus.glob("*.raw.txt"))[::6]:
        stripped = [line.strip() for line in page_lines(path.read_text("utf-8"))]
        assert _same_bits(page_statistics(stripped), _per_line_statistics(stripped)), path.name


def test_ignorecase_ascii_lists_every_character_re_equates_with_a_letter() -> None:
    letter = re.compile("[a-z]", re.IGNORECASE)
    found = {chr(c) for c in range(0x80, 0x110000)
             if not 0xD800 <= c <= 0xDFFF and letter.fullmatch(chr(c))}
    assert found == set(IGNORECASE_ASCII)
    for char, ascii_letter in IGNORECASE_ASCII.items():
        assert re.fullmatch(ascii_letter, char, re.IGNORECASE)


def test_removal_reasons_from_page_statistics_equal_name_removal_reason(
    seed_texts: dict[str, str],
) -> None:
    lines = [*_page(), *(line for text in seed_texts.values() for line in page_lines(text))]
    stripped = [line.strip() for line in lines]
    assert dominant_cue_reasons(page_statistics(stripped)) == [
        name_removal_reason(line) for line in lines]


def test_features_do_not_depend_on_the_cpus_vector_rounding() -> None:
    """numpy's vectorised log1p/expm1 round differently by CPU: logs are libm's and counts
    come back whole, so a page is cleaned the same on every machine."""
    counts = np.arange(0, 5000, dtype=np.float64)
    logs = portable_log1p(counts)
    assert logs.tolist() == [math.log1p(c) for c in counts.tolist()]
    assert np.array_equal(token_counts(logs), counts)
    assert np.array_equal(token_counts(np.log1p(counts)), counts)
