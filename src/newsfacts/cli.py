"""The `newsfacts` command line: build a release, validate one, evaluate stages."""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from newsfacts import __version__
from newsfacts.evaluate.cli import eval_app, require_folder

if TYPE_CHECKING:
    from newsfacts.sources import Source

app = typer.Typer(
    help="Turn raw news articles into open, validated datasets (CSV, Parquet, JSON-LD).",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(eval_app, name="eval")
console = Console(stderr=True)


class TaskRunner(StrEnum):
    """Where the batches run (flows/task_runners.py)."""

    local = "local"
    dask = "dask"


TaskRunnerOption = Annotated[TaskRunner, typer.Option(
    help="local: in this process; dask: batches on a Dask cluster (through the Prefect flow).")]
DaskAddressOption = Annotated[str | None, typer.Option(
    help="Scheduler of an existing Dask cluster (tcp://host:8786); default: a LocalCluster.")]
DaskWorkersOption = Annotated[int, typer.Option(
    min=1, help="Worker processes of the LocalCluster (one thread each).")]
WaitForLockOption = Annotated[bool, typer.Option(
    "--wait-for-lock/--no-wait",
    help="If another run is publishing to OUT: wait for it, or exit with status 3.")]
LOCKED_EXIT = 3  # another run holds the publish lock and --no-wait was given


def import_flow_module(name: str) -> ModuleType:
    """`flows.<name>`: the Prefect flows live beside src/ in a checkout (not packaged)."""
    root = Path(__file__).resolve().parents[2]
    if (root / "flows" / "__init__.py").is_file() and str(root) not in sys.path:
        sys.path.append(str(root))
    return importlib.import_module(f"flows.{name}")


@app.command()
def build(
    source: Annotated[
        str | None,
        typer.Option(help="A source name from sources.toml, or a folder / .jsonl / .warc path "
                          "(default: the sources file's default, else seeds)."),
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Publish root; releases go to OUT/newsfacts/.")
    ] = Path("datasets"),
    batch_size: Annotated[int, typer.Option(min=1, help="Articles per batch.")] = 500,
    partition_rows: Annotated[int, typer.Option(
        min=1, help="Split a Parquet table by year (hive style) above this many rows.")
    ] = 1_000_000,  # = publish.parquet.DEFAULT_PARTITION_ROWS (not imported: keeps --help fast)
    sources: Annotated[
        Path | None, typer.Option(help="Sources file (default: ./sources.toml when present).")
    ] = None,
    offline: Annotated[
        bool, typer.Option(help="Read feeds from the raw store only: a rebuild, no network.")
    ] = False,
    full_refresh: Annotated[bool, typer.Option(
        "--full-refresh", help="Process every article again, ignoring the state.")] = False,
    state: Annotated[Path | None, typer.Option(
        help="State file of incremental runs (default: OUT/.state/newsfacts.sqlite).")] = None,
    task_runner: TaskRunnerOption = TaskRunner.local,
    dask_address: DaskAddressOption = None,
    dask_workers: DaskWorkersOption = 2,
    wait_for_lock: WaitForLockOption = True,
    csv_safe: Annotated[bool, typer.Option(
        "--csv-safe", help="Prefix CSV text cells starting with = + - @ tab or CR with ' so "
                           "spreadsheets do not run them as formulas (Parquet and JSON-LD "
                           "keep the exact text).")] = False,
) -> None:
    """Run ingest → clean → extract → validate → publish (without Prefect unless --task-runner
    dask, which runs the Prefect flow with its batches on Dask: the same files either way).

    Incremental: only new or changed articles are processed (see README, "Incremental runs").

    Example: newsfacts build --source seeds --out datasets [--full-refresh] [--csv-safe]
    """
    from newsfacts.pipeline import ReleaseBlocked, format_summary, run_build
    from newsfacts.publish.metadata import InvalidRelease
    from newsfacts.publish.release import PublishLocked

    spec = resolve_cli_source(source, sources)
    if dask_address and task_runner != TaskRunner.dask:
        raise typer.BadParameter("needs --task-runner dask", param_hint="--dask-address")
    try:
        if task_runner == TaskRunner.dask:
            summary = import_flow_module("build").run_build_flow(
                "dask", dask_address, dask_workers,
                source=source if source is not None else spec.name, sources_file=sources,
                out=out, batch_size=batch_size, offline=offline, partition_rows=partition_rows,
                full_refresh=full_refresh, state=state, wait_for_lock=wait_for_lock,
                csv_safe=csv_safe)
        else:
            summary = build_with_progress(
                spec, out, batch_size, run_build, offline=offline, partition_rows=partition_rows,
                full_refresh=full_refresh, state_path=state, wait_for_lock=wait_for_lock,
                csv_safe=csv_safe)
    except (ReleaseBlocked, InvalidRelease) as blocked:
        console.print(f"[red]{blocked}[/red]\nNothing was published; latest is unchanged.")
        raise typer.Exit(code=2) from None
    except PublishLocked as locked:
        typer.echo(str(locked), err=True)  # one unwrapped line, for people and scripts
        raise typer.Exit(code=LOCKED_EXIT) from None
    typer.echo(format_summary(summary))


def build_with_progress(source: Source, out: Path, batch_size: int,
                        run_build: Callable[..., Any], **options: Any) -> Any:
    """The plain-Python build with a progress bar of batches on stderr."""
    with Progress(TextColumn("batches"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("build", total=None)

        def on_batch(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return run_build(source, out, batch_size, on_batch=on_batch, **options)


@app.command()
def serve(
    sources: Annotated[Path, typer.Option(
        help="Sources config: a name, kind, location and cron schedule per source.")
    ] = Path("sources.toml"),
    out: Annotated[Path, typer.Option(help="Publish root of every run.")] = Path("datasets"),
    task_runner: TaskRunnerOption = TaskRunner.local,
    dask_address: DaskAddressOption = None,
    dask_workers: DaskWorkersOption = 2,
    wait_for_lock: Annotated[bool, typer.Option(
        "--wait-for-lock/--no-wait",
        help="If another run is publishing to OUT: wait for it, or fail this run.")] = True,
    limit: Annotated[int | None, typer.Option(
        min=1, help="Most flow runs at once (default: no limit).")] = None,
) -> None:
    """Register one Prefect deployment per source (build/<name>, on its cron schedule) and run
    its scheduled and triggered runs until Ctrl-C. Needs a Prefect server: `prefect server
    start`, then PREFECT_API_URL=http://127.0.0.1:4200/api.

    Example: PREFECT_API_URL=http://127.0.0.1:4200/api newsfacts serve --sources sources.toml
    """
    from newsfacts.sources import SourcesError

    if dask_address and task_runner != TaskRunner.dask:
        raise typer.BadParameter("needs --task-runner dask", param_hint="--dask-address")
    deployments = import_flow_module("deployments")
    try:
        deployments.serve_sources(sources, out, task_runner.value, dask_address, dask_workers,
                                  wait_for_lock, limit)
    except (SourcesError, deployments.NoServer) as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from None


def resolve_cli_source(name: str | None, sources_file: Path | None) -> Source:
    """The source a --source option names (or the default one); exit 2 saying why if none."""
    from newsfacts.sources import SOURCES_FILE, SourcesError, load_sources, resolve_source

    try:
        if name is None:
            config_path = sources_file or (SOURCES_FILE if SOURCES_FILE.is_file() else None)
            name = (load_sources(config_path).default if config_path else None) or "seeds"
        return resolve_source(name, sources_file)
    except SourcesError as error:  # printed unwrapped: file:line stays one piece
        console.print(f"--source: {error}", style="red", markup=False, soft_wrap=True,
                      highlight=False)
        raise typer.Exit(code=2) from None


@app.command("sources")
def list_sources(
    config: Annotated[Path, typer.Option(help="The sources file.")] = Path("sources.toml"),
) -> None:
    """List the sources of a sources file: name, kind, location, schedule.

    Example: newsfacts sources --config sources.toml
    """
    from rich.table import Table

    from newsfacts.sources import SourcesError, load_sources

    try:
        loaded = load_sources(config)
    except SourcesError as error:
        console.print(str(error), style="red", markup=False, soft_wrap=True, highlight=False)
        raise typer.Exit(code=2) from None
    table = Table(title=f"sources in {config} (raw store: {loaded.store})")
    for column in ("name", "kind", "location", "schedule", "description"):
        table.add_column(column, overflow="fold")
    for name, item in loaded.sources.items():
        label = f"{name} (default)" if name == loaded.default else name
        table.add_row(label, item.kind, item.location, item.schedule or "-",
                      item.description or "")
    # Wide when piped, so locations and URLs stay on one line for grep.
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@app.command()
def validate(
    release: Annotated[
        Path, typer.Argument(help="A release folder, e.g. datasets/newsfacts/latest.")
    ],
) -> None:
    """Validate the Parquet tables of a published release against schemas/.

    Example: newsfacts validate datasets/newsfacts/latest
    """
    from newsfacts.publish.parquet import read_parquet_table, storage_errors
    from newsfacts.schemas import load_schemas
    from newsfacts.validate import validate_table

    failed = False
    for name, schema in load_schemas().items():
        errors = storage_errors(release, schema)
        if errors:
            typer.echo(f"{name}: FAILED")
            for error in errors:
                typer.echo(f"  {error}")
            failed = True
            continue
        table = read_parquet_table(release, schema)
        if table is None:
            typer.echo(f"{name}: missing {release / name}.parquet (or {name}/year=*/)")
            failed = True
            continue
        report = validate_table(schema, table)
        ok = report.table_ok and not report.row_failures
        failed |= not ok
        typer.echo(f"{name}: {report.row_count} rows, {'ok' if ok else 'FAILED'}")
        for error in report.table_errors:
            typer.echo(f"  {error}")
        for failure in report.row_failures[:20]:
            typer.echo(f"  row {failure.row_index}: {failure.detail}")
    raise typer.Exit(code=1 if failed else 0)


@app.command()
def catalog(
    root: Annotated[Path, typer.Option(help="Publish root holding <dataset>/<version>/.")] = Path(
        "datasets"
    ),
) -> None:
    """Rebuild ROOT/catalog.json and ROOT/index.html from the releases on disk.

    Example: newsfacts catalog --root datasets
    """
    from newsfacts.publish.catalog import write_catalog
    from newsfacts.publish.release import folder_lock

    require_folder(root, "--root")
    with folder_lock(root):  # a build writing the catalog at the same time waits, or we do
        releases = write_catalog(root)
    typer.echo(f"{root}/catalog.json and index.html: {len(releases)} release(s)")


@app.command("serve-datasets")
def serve_datasets(
    root: Annotated[Path, typer.Option(help="Publish root to serve.")] = Path("datasets"),
    port: Annotated[int, typer.Option(help="Port (0: any free port).")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Serve the publish root over HTTP (index.html, catalog.json, every release) until Ctrl-C.

    Example: newsfacts serve-datasets --root datasets --port 8000
    """
    from newsfacts.publish.serve import make_server, server_url

    require_folder(root, "--root")
    with make_server(root, host, port) as server:
        typer.echo(f"serving {root} at {server_url(server)} (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()


@app.command()
def download(
    release: Annotated[
        str | None, typer.Argument(help="NAME[@VERSION]; default: latest of the only dataset.")
    ] = None,
    source: Annotated[
        str, typer.Option("--from", help="Base URL (http(s)://) or folder holding catalog.json.")
    ] = "datasets",
    to: Annotated[Path, typer.Option(help="Folder to download the files into.")] = Path("."),
) -> None:
    """Download a release listed in a catalog, verify every sha256, resume partial files.

    Example: newsfacts download newsfacts@v0001 --from http://127.0.0.1:8000/ --to data
    """
    from rich.progress import DownloadColumn, TransferSpeedColumn

    from newsfacts.publish.download import DownloadError, download_release

    with Progress(TextColumn("download"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                  console=console, transient=True) as progress:
        task = progress.add_task("download", total=None)
        try:
            entry, states = download_release(
                source, release, to,
                on_start=lambda total: progress.update(task, total=total),
                on_bytes=lambda n: progress.advance(task, n))
        except DownloadError as error:
            console.print(f"[red]{error}[/red]")
            raise typer.Exit(code=1) from None
    typer.echo(f"{entry['name']} {entry['version']}: {len(states)} files verified in {to}")
    for name, state in states.items():
        typer.echo(f"  {name}: {state}")


@app.command("train-cleaner")
def train_cleaner(
    corpus: Annotated[
        list[Path], typer.Option(help="Folder of <id>.raw.txt + <id>.gold.txt pairs; repeatable.")
    ],
    out: Annotated[Path, typer.Option(help="Where to write the two model files.")] = Path(
        "src/newsfacts/models"
    ),
) -> None:
    """Retrain the cleaner's line classifier (both stages) on gold corpora.

    Example: newsfacts train-cleaner --corpus ../shared/eval/boilerplate/aeb
    --corpus ../shared/eval/boilerplate/dragnet
    """
    from newsfacts.clean.training import save_models, train_line_classifier

    for folder in corpus:
        if not any(folder.glob("*.gold.txt")):
            raise typer.BadParameter(f"no <id>.gold.txt files in {folder}", param_hint="--corpus")
    stage1, stage2 = train_line_classifier(corpus)
    save_models(stage1, stage2, out)
    typer.echo(f"wrote {out}/line_classifier_stage1.txt and line_classifier_stage2.txt")


@app.command()
def version() -> None:
    """Print the pipeline version.

    Example: newsfacts version
    """
    typer.echo(__version__)


if __name__ == "__main__":
    app()
