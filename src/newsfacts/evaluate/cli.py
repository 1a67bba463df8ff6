"""The `newsfacts eval` commands: score stages on the dev corpora and print a small table."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from newsfacts.evaluate.clean import (
    NEWSFACTS,
    TRAFILATURA_NEWSFACTS,
    CleanEvaluation,
    SystemResult,
    evaluate_clean_corpus,
    evaluate_html_corpus,
)
from newsfacts.evaluate.entities import (
    SCORED_TYPES,
    EntityEvaluation,
    evaluate_entity_corpus,
    overall,
)
from newsfacts.evaluate.events import (
    evaluate_event_corpus,
    format_event_misses,
    format_event_scores,
)
from newsfacts.evaluate.metadata import FIELDS, MetadataEvaluation, evaluate_metadata_corpus
from newsfacts.evaluate.quotes import (
    evaluate_quotes_corpus,
    format_quote_scores,
    quote_evaluation_to_json,
)

WORST_SHOWN = 20

eval_app = typer.Typer(
    help="Score pipeline stages against evaluation corpora (e.g. ../shared/eval).",
    no_args_is_help=True,
)


def require_folder(path: Path, option: str) -> None:
    """Stop with a usage error naming the option when `path` is not a folder."""
    if not path.is_dir():
        raise typer.BadParameter(f"not a folder: {path}", param_hint=option)


def format_scores(evaluations: list[CleanEvaluation]) -> str:
    """One row per system: corpus, input mode, docs, P, R, F1 and seconds taken."""
    lines = [f"{'corpus':<12} {'input':<5} {'system':<22} {'docs':>5} "
             f"{'P':>6} {'R':>6} {'F1':>6} {'secs':>6}"]
    for evaluation in evaluations:
        for result in evaluation.systems:
            s = result.scores
            lines.append(
                f"{evaluation.corpus:<12} {evaluation.mode:<5} {result.name:<22} "
                f"{s.documents:>5} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f} "
                f"{result.seconds:>6.1f}"
            )
    return "\n".join(lines)


def main_system(evaluation: CleanEvaluation) -> SystemResult:
    """The system whose worst documents are listed: ours when it ran, else the last one."""
    names = [result.name for result in evaluation.systems]
    for name in (NEWSFACTS, TRAFILATURA_NEWSFACTS):
        if name in names:
            return evaluation.system(name)
    return evaluation.systems[-1]


def format_worst(evaluation: CleanEvaluation, count: int = WORST_SHOWN) -> str:
    """The `count` documents with the lowest F1 of the main system, with every system's F1."""
    ranked = main_system(evaluation)
    order = sorted(range(len(evaluation.doc_ids)), key=lambda i: (ranked.doc_f1(i), i))
    names = "  ".join(f"{r.name:>22}" for r in evaluation.systems)
    lines = [f"worst {min(count, len(order))} by {ranked.name} F1 "
             f"({evaluation.corpus}, {evaluation.mode} input):", f"  {'id':<64}  {names}"]
    for i in order[:count]:
        f1s = "  ".join(f"{r.doc_f1(i):>22.3f}" for r in evaluation.systems)
        lines.append(f"  {evaluation.doc_ids[i]:<64}  {f1s}")
    return "\n".join(lines)


def evaluation_to_json(evaluation: CleanEvaluation) -> dict[str, Any]:
    """Everything measured, per system and per document, as plain JSON values."""
    return {
        "corpus": evaluation.corpus,
        "mode": evaluation.mode,
        "notes": list(evaluation.notes),
        "systems": [
            {
                "name": r.name,
                "precision": r.scores.precision,
                "recall": r.scores.recall,
                "f1": r.scores.f1,
                "documents": r.scores.documents,
                "seconds": round(r.seconds, 3),
                "per_doc": [
                    {"doc_id": doc_id, "tp": tp, "fp": fp, "fn": fn, "f1": r.doc_f1(i)}
                    for i, (doc_id, (tp, fp, fn)) in enumerate(
                        zip(evaluation.doc_ids, r.per_doc, strict=True)
                    )
                ],
            }
            for r in evaluation.systems
        ],
    }


def write_json_atomically(path: Path, data: object) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(temporary, path)


@eval_app.command("clean")
def clean_command(
    corpus: Annotated[
        Path, typer.Option(help="A boilerplate set: <id>.raw.txt + <id>.gold.txt pairs.")
    ],
    html: Annotated[
        bool, typer.Option("--html", help="Also score trafilatura and our HTML path on html.gz.")
    ] = False,
    per_doc: Annotated[
        bool, typer.Option("--per-doc", help=f"List the {WORST_SHOWN} worst documents by F1.")
    ] = False,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write all scores, per document too, here.")
    ] = None,
) -> None:
    """Score boilerplate removal (AEB shingle P/R/F1) against keeping everything.

    Example: newsfacts eval clean --corpus ../shared/eval/boilerplate/aeb --html --per-doc
    """
    require_folder(corpus, "--corpus")
    evaluations = [evaluate_clean_corpus(corpus)]
    if html:
        evaluations.append(evaluate_html_corpus(corpus))
    notes = [note for e in evaluations for note in e.notes]
    notes += [f"{e.mode} input: no documents with gold in {corpus}"
              for e in evaluations if not e.doc_ids]
    evaluations = [e for e in evaluations if e.doc_ids]
    for note in notes:
        typer.echo(f"note: {note}", err=True)
    if not evaluations:
        raise typer.Exit(code=1)
    typer.echo(format_scores(evaluations))
    if per_doc:
        for evaluation in evaluations:
            typer.echo("\n" + format_worst(evaluation))
    if json_out is not None:
        data = {"evaluations": [evaluation_to_json(e) for e in evaluations]}
        write_json_atomically(json_out, data)


def format_entity_scores(evaluation: EntityEvaluation) -> str:
    """P/R/F1 per type and overall, lenient (overlap) next to exact boundaries."""
    lines = [f"{'corpus':<12} {'type':<7} {'gold':>5} {'pred':>5}  "
             f"{'P':>6} {'R':>6} {'F1':>6}   {'exact P':>7} {'R':>6} {'F1':>6}"]
    rows = [*SCORED_TYPES, "ALL"]
    for kind in rows:
        lenient = overall(evaluation.lenient) if kind == "ALL" else evaluation.lenient[kind]
        exact = overall(evaluation.exact) if kind == "ALL" else evaluation.exact[kind]
        lines.append(
            f"{evaluation.corpus:<12} {kind:<7} {lenient.tp + lenient.fn:>5} "
            f"{lenient.tp + lenient.fp:>5}  {lenient.precision:>6.3f} {lenient.recall:>6.3f} "
            f"{lenient.f1:>6.3f}   {exact.precision:>7.3f} {exact.recall:>6.3f} {exact.f1:>6.3f}"
        )
    lines.append(f"{evaluation.documents} documents, {evaluation.seconds:.1f} s")
    return "\n".join(lines)


@eval_app.command("entities")
def entities_command(
    corpus: Annotated[
        Path, typer.Option(help="An entity set: <id>.txt + <id>.gold.json pairs.")
    ],
) -> None:
    """Score entity mentions (PERSON, ORG, LOC): P/R/F1 on overlap, and on exact boundaries.

    Example: newsfacts eval entities --corpus ../shared/eval/entities/gum-news
    """
    require_folder(corpus, "--corpus")
    evaluation = evaluate_entity_corpus(corpus)
    if not evaluation.documents:
        typer.echo(f"note: no <id>.gold.json files in {corpus}", err=True)
        raise typer.Exit(code=1)
    typer.echo(format_entity_scores(evaluation))


def format_metadata_scores(evaluation: MetadataEvaluation) -> str:
    """One row per field: accuracy and n on the visible subset and on all pages with gold."""
    lines = [f"{'corpus':<12} {'field':<7} {'visible':>8} {'n':>4} {'all':>8} {'n':>4}"]
    for s in evaluation.scores:
        lines.append(f"{evaluation.corpus:<12} {s.field:<7} {s.visible_accuracy:>8.3f} "
                     f"{s.visible_n:>4} {s.all_accuracy:>8.3f} {s.all_n:>4}")
    rejected = sum(1 for d in evaluation.docs if d.prediction.rejected)
    lines.append(f"{len(evaluation.docs)} pages, {rejected} rejected by the pipeline")
    return "\n".join(lines)


def format_metadata_misses(evaluation: MetadataEvaluation) -> str:
    """Every wrong prediction on the visible subset: page, field, predicted, gold."""
    lines = ["misses on the visible subset (page, field: predicted | gold):"]
    for doc in evaluation.docs:
        for field in FIELDS:
            visible, correct = doc.outcomes.get(field, (False, True))
            if visible and not correct:
                predicted = getattr(doc.prediction, field)
                if predicted is None and doc.prediction.rejected:
                    predicted = f"<{doc.prediction.rejected}>"
                lines.append(f"  {doc.doc_id}  {field}: {predicted!r} | {doc.gold[field]!r}")
    return "\n".join(lines)


def metadata_to_json(evaluation: MetadataEvaluation) -> dict[str, Any]:
    """Totals per field and every page's prediction and outcomes, as plain JSON values."""
    return {
        "corpus": evaluation.corpus,
        "fields": {
            s.field: {"visible_accuracy": s.visible_accuracy, "visible_n": s.visible_n,
                      "all_accuracy": s.all_accuracy, "all_n": s.all_n}
            for s in evaluation.scores
        },
        "per_doc": [
            {
                "doc_id": d.doc_id,
                "rejected": d.prediction.rejected,
                "predicted": {field: getattr(d.prediction, field) for field in FIELDS},
                "outcomes": {f: {"visible": v, "correct": c} for f, (v, c) in d.outcomes.items()},
            }
            for d in evaluation.docs
        ],
    }


@eval_app.command("metadata")
def metadata_command(
    corpus: Annotated[
        Path, typer.Option(help="A metadata set: <id>.raw.txt + <id>.gold.json pairs.")
    ],
    per_doc: Annotated[
        bool, typer.Option("--per-doc", help="List every miss on the visible subset.")
    ] = False,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write all scores, per page too, here.")
    ] = None,
) -> None:
    """Score title, author, site and date accuracy (visible subset and all pages with gold).

    Example: newsfacts eval metadata --corpus ../shared/eval/metadata/readability --per-doc
    """
    require_folder(corpus, "--corpus")
    evaluation = evaluate_metadata_corpus(corpus)
    if not evaluation.docs:
        typer.echo(f"note: no pages with gold in {corpus}", err=True)
        raise typer.Exit(code=1)
    typer.echo(format_metadata_scores(evaluation))
    if per_doc:
        typer.echo("\n" + format_metadata_misses(evaluation))
    if json_out is not None:
        write_json_atomically(json_out, metadata_to_json(evaluation))


@eval_app.command("quotes")
def quotes_command(
    corpus: Annotated[
        Path, typer.Option(help="A quotes set: <id>.txt + <id>.gold.json (PolNeAR format).")
    ],
    limit: Annotated[
        int | None,
        typer.Option(min=1, help="Score only N documents, evenly spread over the sorted ids."),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write all scores, per document too, here.")
    ] = None,
) -> None:
    """Score quote extraction: P/R/F1 of content spans and of content+source pairs.

    Lenient (IoU >= 0.5) and exact matching, for all attributions and for the quoted ones;
    the rule is documented in newsfacts.evaluate.quotes.

    Example: newsfacts eval quotes --corpus ../shared/eval/quotes/polnear-train --limit 100
    """
    require_folder(corpus, "--corpus")
    evaluation = evaluate_quotes_corpus(corpus, limit)
    if not evaluation.doc_ids:
        typer.echo(f"note: no documents with gold in {corpus}", err=True)
        raise typer.Exit(code=1)
    typer.echo(format_quote_scores(evaluation))
    if json_out is not None:
        write_json_atomically(json_out, quote_evaluation_to_json(evaluation))


@eval_app.command("events")
def events_command(
    corpus: Annotated[
        Path, typer.Option(help="A PLOVER-format JSONL file: one sentence and its coding a line.")
    ],
    per_record: Annotated[
        bool, typer.Option("--per-record", help="List every record with a wrong type or country.")
    ] = False,
) -> None:
    """Score events: PLOVER type accuracy, source and target country accuracy, confusion.

    Matching rules: newsfacts.evaluate.events.

    Example: newsfacts eval events --corpus ../shared/eval/events/plover-dev.jsonl
    """
    if not corpus.is_file():
        raise typer.BadParameter(f"not a file: {corpus}", param_hint="--corpus")
    evaluation = evaluate_event_corpus(corpus)
    if not evaluation.outcomes:
        typer.echo(f"note: no records in {corpus}", err=True)
        raise typer.Exit(code=1)
    typer.echo(format_event_scores(evaluation))
    if per_record:
        typer.echo("\n" + format_event_misses(evaluation))
