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
    if not corpus.is_dir():
        raise typer.BadParameter(f"not a folder: {corpus}", param_hint="--corpus")
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
    if not corpus.is_dir():
        raise typer.BadParameter(f"not a folder: {corpus}", param_hint="--corpus")
    evaluation = evaluate_quotes_corpus(corpus, limit)
    if not evaluation.doc_ids:
        typer.echo(f"note: no documents with gold in {corpus}", err=True)
        raise typer.Exit(code=1)
    typer.echo(format_quote_scores(evaluation))
    if json_out is not None:
        write_json_atomically(json_out, quote_evaluation_to_json(evaluation))
