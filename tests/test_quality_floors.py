"""Quality floors: the cleaner and the quote extractor score at least quality/floors.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from newsfacts.evaluate.clean import (
    BODY_ONLY,
    NEWSFACTS,
    TRAFILATURA_NEWSFACTS,
    WITH_HEADLINE,
    evaluate_clean_corpus,
    evaluate_html_corpus,
    load_html_to_text,
)
from newsfacts.evaluate.entities import evaluate_entity_corpus, overall
from newsfacts.evaluate.events import evaluate_event_corpus
from newsfacts.evaluate.metadata import FIELDS, evaluate_metadata_corpus
from newsfacts.evaluate.quotes import evaluate_quotes_corpus
from newsfacts.evaluate.shingles import Scores

ROOT = Path(__file__).resolve().parent.parent
FLOORS_PATH = ROOT / "quality" / "floors.json"
BOILERPLATE = ROOT.parent / "shared" / "eval" / "boilerplate"
METADATA = ROOT.parent / "shared" / "eval" / "metadata"
METADATA_TASK = "metadata"  # floors are accuracies per field on the visible subset
ENTITIES_TASK = "entities"  # lenient micro P/R/F1 of `eval entities`
ENTITIES = ROOT.parent / "shared" / "eval" / "entities"
QUOTES = ROOT.parent / "shared" / "eval" / "quotes"
EVENTS = ROOT.parent / "shared" / "eval" / "events"
EVENTS_TASK = "events"  # accuracies per gold record of `eval events`
EVENT_METRICS = {"type": "type_correct", "source": "source_correct", "target": "target_correct"}
QUOTES_CI_LIMIT = 200  # documents of the fixed CI subset (see quality/floors.json)
QUOTE_METRICS = {  # floor name -> (subset, target) of evaluate.quotes, lenient matching
    "content_f1": ("all", "content"),
    "pair_f1": ("all", "pair"),
    "direct_content_f1": ("direct", "content"),
    "direct_pair_f1": ("direct", "pair"),
}
METRICS = {"clean": {"precision", "recall", "f1"}, "clean_html": {"precision", "recall", "f1"},
           "quotes": set(QUOTE_METRICS), METADATA_TASK: set(FIELDS),
           ENTITIES_TASK: {"precision", "recall", "f1"}, EVENTS_TASK: set(EVENT_METRICS)}
TASKS = set(METRICS)

Floors = dict[str, dict[str, dict[str, float]]]  # task -> corpus -> metric -> floor


def load_floors() -> Floors:
    """The floors by task, corpus and metric; keys starting with "_" are comments."""
    data = json.loads(FLOORS_PATH.read_text(encoding="utf-8"))
    return {task: sets for task, sets in data.items() if not task.startswith("_")}


def floor_cases() -> list[tuple[str, str]]:
    return [(task, corpus) for task, sets in sorted(load_floors().items()) for corpus in sets
            if task not in (METADATA_TASK, ENTITIES_TASK, EVENTS_TASK)]


def metadata_cases() -> list[str]:
    return sorted(load_floors().get(METADATA_TASK, {}))


def score_corpus(task: str, corpus_dir: Path) -> Scores:
    """Our system's scores for one task; only ours runs, to keep CI time down."""
    if task == "clean":
        return evaluate_clean_corpus(corpus_dir, with_baseline=False).system(NEWSFACTS).scores
    html_to_text, why_not = load_html_to_text()
    if html_to_text is None:
        pytest.skip(why_not)
    evaluation = evaluate_html_corpus(corpus_dir, include_trafilatura=False)
    return evaluation.system(TRAFILATURA_NEWSFACTS).scores


def test_floors_are_known_tasks_and_metrics_with_numbers_in_0_1() -> None:
    floors = load_floors()
    assert floors, "quality/floors.json holds no floors"
    assert set(floors) <= TASKS
    for task, sets in floors.items():
        for metrics in sets.values():
            assert metrics and set(metrics) <= METRICS[task]
            for floor in metrics.values():
                assert isinstance(floor, int | float) and not isinstance(floor, bool)
                assert math.isfinite(floor) and 0.0 <= floor <= 1.0


@pytest.mark.eval
@pytest.mark.parametrize(("task", "corpus"), [c for c in floor_cases() if c[0] != "quotes"])
def test_score_is_at_least_the_floor(task: str, corpus: str) -> None:
    corpus_dir = BOILERPLATE / corpus
    if not corpus_dir.is_dir():
        pytest.skip(f"dev corpus absent: {corpus_dir} (../shared/eval is not mounted)")
    scores = score_corpus(task, corpus_dir)
    floors = load_floors()[task][corpus]
    print(f"{task}/{corpus}: P={scores.precision:.4f} R={scores.recall:.4f} "
          f"F1={scores.f1:.4f} on {scores.documents} docs; floors {floors}")
    assert scores.documents > 0
    for metric, floor in floors.items():
        score = getattr(scores, metric)
        assert score >= floor, f"{task}/{corpus} {metric} {score:.4f} fell below floor {floor}"


@pytest.mark.eval
@pytest.mark.parametrize("corpus", metadata_cases())
def test_metadata_accuracy_is_at_least_the_floor(corpus: str) -> None:
    corpus_dir = METADATA / corpus
    if not corpus_dir.is_dir():
        pytest.skip(f"dev corpus absent: {corpus_dir} (../shared/eval is not mounted)")
    evaluation = evaluate_metadata_corpus(corpus_dir)
    floors = load_floors()[METADATA_TASK][corpus]
    for field, floor in floors.items():
        score = evaluation.score(field)
        print(f"metadata/{corpus} {field}: {score.visible_accuracy:.4f} on "
              f"{score.visible_n} visible; floor {floor}")
        assert score.visible_n > 0
        assert score.visible_accuracy >= floor, (
            f"metadata/{corpus} {field} {score.visible_accuracy:.4f} fell below floor {floor}")


@pytest.mark.eval
@pytest.mark.parametrize("corpus", sorted(load_floors().get(ENTITIES_TASK, {})))
def test_entity_scores_are_at_least_the_floor(corpus: str) -> None:
    corpus_dir = ENTITIES / corpus
    if not corpus_dir.is_dir():
        pytest.skip(f"dev corpus absent: {corpus_dir} (../shared/eval is not mounted)")
    evaluation = evaluate_entity_corpus(corpus_dir)
    counts = overall(evaluation.lenient)
    print(f"entities/{corpus}: P={counts.precision:.4f} R={counts.recall:.4f} "
          f"F1={counts.f1:.4f} on {evaluation.documents} docs")
    assert evaluation.documents > 0
    for metric, floor in load_floors()[ENTITIES_TASK][corpus].items():
        score = getattr(counts, metric)
        assert score >= floor, f"entities/{corpus} {metric} {score:.4f} fell below floor {floor}"


@pytest.mark.eval
@pytest.mark.parametrize("corpus", sorted(load_floors().get(EVENTS_TASK, {})))
def test_event_accuracies_are_at_least_the_floor(corpus: str) -> None:
    """Issue 5: PLOVER type and source/target country accuracy on the dev records."""
    path = EVENTS / f"{corpus}.jsonl"
    if not path.is_file():
        pytest.skip(f"dev corpus absent: {path} (../shared/eval is not mounted)")
    evaluation = evaluate_event_corpus(path)
    scores = {name: evaluation.accuracy(field) for name, field in EVENT_METRICS.items()}
    print(f"events/{corpus}: {scores} on {len(evaluation.outcomes)} records")
    assert evaluation.outcomes
    for metric, floor in load_floors()[EVENTS_TASK][corpus].items():
        assert scores[metric] >= floor, f"events/{corpus} {metric} {scores[metric]:.4f} < {floor}"


@pytest.mark.eval
def test_html_path_beats_trafilatura_alone() -> None:
    """Issue #3: trafilatura + our cleaner scores above trafilatura alone, in the same run."""
    corpus_dir = BOILERPLATE / "aeb"
    if not corpus_dir.is_dir():
        pytest.skip(f"dev corpus absent: {corpus_dir} (../shared/eval is not mounted)")
    evaluation = evaluate_html_corpus(corpus_dir, include_trafilatura=True)
    ours = evaluation.system(TRAFILATURA_NEWSFACTS).scores
    alone = evaluation.system("trafilatura").scores
    print(f"trafilatura F1={alone.f1:.4f}, trafilatura+newsfacts F1={ours.f1:.4f}")
    assert ours.f1 > alone.f1


@pytest.mark.eval
@pytest.mark.parametrize("corpus", sorted(load_floors().get("quotes", {})))
def test_quote_scores_are_at_least_the_floors(corpus: str) -> None:
    """Issue 4: quote content and content+source F1 on the fixed CI subset of the dev set."""
    corpus_dir = QUOTES / corpus
    if not corpus_dir.is_dir():
        pytest.skip(f"dev corpus absent: {corpus_dir} (../shared/eval is not mounted)")
    total = evaluate_quotes_corpus(corpus_dir, limit=QUOTES_CI_LIMIT).total()
    floors = load_floors()["quotes"][corpus]
    scores = {name: total[(subset, "lenient", target)].f1
              for name, (subset, target) in QUOTE_METRICS.items()}
    print(f"quotes/{corpus}: {scores}; floors {floors}")
    for metric, floor in floors.items():
        assert scores[metric] >= floor, f"quotes/{corpus} {metric} {scores[metric]:.4f} < {floor}"


ARTICLE = "Crews fought the blaze for six hours.\nThe fire started in a warehouse near the river."
PAGE = f"Share on Facebook | Twitter | WhatsApp\n{ARTICLE}\nimages_1\nRead more »"


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """Two pages of our own text with gold, and one raw page without gold (ignored)."""
    corpus = tmp_path / "tiny"
    corpus.mkdir()
    for doc_id in ("a", "b"):
        (corpus / f"{doc_id}.raw.txt").write_text(PAGE, encoding="utf-8")
        (corpus / f"{doc_id}.gold.txt").write_text(ARTICLE, encoding="utf-8")
    (corpus / "c.raw.txt").write_text(PAGE, encoding="utf-8")
    return corpus


def test_evaluation_scores_the_cleaner_beside_keep_everything(tiny_corpus: Path) -> None:
    def keep_article_lines(text: str) -> str:
        return "\n".join(line for line in text.splitlines() if line.endswith("."))

    evaluation = evaluate_clean_corpus(tiny_corpus, clean=keep_article_lines)
    assert evaluation.doc_ids == ("a", "b")
    assert [s.name for s in evaluation.systems] == ["keep everything", NEWSFACTS]
    assert evaluation.system(NEWSFACTS).scores == Scores(1.0, 1.0, 1.0, 2)
    baseline = evaluation.system("keep everything").scores
    assert baseline.recall == 1.0
    assert baseline.precision < 1.0


def test_eval_clean_command_prints_the_table_and_writes_json(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from newsfacts.cli import app

    out = tmp_path / "scores.json"
    result = CliRunner().invoke(
        app, ["eval", "clean", "--corpus", str(tiny_corpus), "--per-doc", "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "keep everything" in result.output
    assert "worst 2 by newsfacts F1" in result.output
    systems = json.loads(out.read_text(encoding="utf-8"))["evaluations"][0]["systems"]
    assert [s["name"] for s in systems] == ["keep everything", NEWSFACTS, WITH_HEADLINE]
    assert [d["doc_id"] for d in systems[1]["per_doc"]] == ["a", "b"]
    assert all(0.0 <= s["f1"] <= 1.0 for s in systems)


HEADLINE = "Warehouse fire near the river burns for six hours"


@pytest.mark.parametrize(("corpus_name", "other", "scored_with_headline"), [
    ("aeb", WITH_HEADLINE, False),
    ("dragnet", BODY_ONLY, True),
])
def test_the_headline_is_scored_when_the_corpus_gold_has_it(
    tmp_path: Path, corpus_name: str, other: str, scored_with_headline: bool
) -> None:
    # The same pages and the same headline under both conventions: only the corpus decides.
    corpus = tmp_path / corpus_name
    corpus.mkdir()
    (corpus / "a.raw.txt").write_text(f"{HEADLINE}\n{PAGE}", encoding="utf-8")
    (corpus / "a.gold.txt").write_text(ARTICLE, encoding="utf-8")
    evaluation = evaluate_clean_corpus(corpus, with_baseline=False)
    assert [s.name for s in evaluation.systems] == [NEWSFACTS, other]
    with_headline, body_only = evaluation.systems if scored_with_headline else (
        evaluation.systems[::-1])
    assert body_only.scores == Scores(1.0, 1.0, 1.0, 1)
    assert with_headline.scores.recall == 1.0
    assert with_headline.scores.precision < 1.0  # the gold here has no headline
