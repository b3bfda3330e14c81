"""``digitize batch`` and ``digitize status``: the commands over `digitize.batch` (runner, dask, manifest).

Exit codes of ``batch`` (as ``digitize run``): 0 every page done; 1 completed with failures; 2 usage error or
OUTDIR in use by another batch; 3 the OCR engine could not be loaded; 130 stopped by Ctrl-C (resumable).
"""

from __future__ import annotations

import fcntl
import json
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..batch.manifest import MANIFEST_NAME, Manifest, Unit
from ..batch.progress import JsonLog
from ..batch.runner import (
    DEFAULT_INCLUDE,
    BatchError,
    Executor,
    Interrupted,
    LocalWorkers,
    Settings,
    find_inputs,
    plan_units,
    remove_partial_outputs,
    run_units,
    select_work,
    settings_record,
)
from ..batch.status import status_report
from ..exit_codes import ExitCode
from ..ocr.base import EngineError
from ..paths import printable
from .options import run_options

LOCK_NAME = ".batch.lock"

err = Console(stderr=True, highlight=False)


class RichProgress(JsonLog):
    """A progress bar with pages/min and ETA; failures printed above it as they happen."""

    def __init__(self, total: int):
        super().__init__(total)
        self.progress = Progress(
            TextColumn("[bold]pages"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("ETA {task.fields[eta]}"),
            TimeElapsedColumn(),
            console=err,
        )
        self.task = self.progress.add_task("pages", total=total, rate="– pages/min", eta="–")

    def started(self, unit: Unit, slot: str) -> None:
        pass

    def finished(self, unit: Unit, result: dict) -> None:
        self.rate.tick()
        eta = self.rate.eta_seconds
        self.progress.update(
            self.task,
            advance=1,
            rate=f"{self.rate.per_minute:.1f} pages/min",
            eta="–" if eta is None else time.strftime("%H:%M:%S", time.gmtime(eta)),
        )
        if result["state"] == "failed":
            self.progress.console.print(f"[red]failed:[/red] {escape(result['error'])}", soft_wrap=True)
        elif result.get("reasons"):
            where = printable(f"{unit.source} p{unit.page_index + 1}: {result['reasons']}")
            self.progress.console.print(f"[yellow]review:[/yellow] {escape(where)}", soft_wrap=True)

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()
        return False


def _lock(outdir: Path):
    """One batch per OUTDIR at a time (the lock goes with the process, even when it is killed)."""
    handle = (outdir / LOCK_NAME).open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        err.print(f"error: {escape(str(outdir))}: another batch is running on this folder", soft_wrap=True)
        sys.exit(ExitCode.USAGE)
    return handle


@click.command("batch")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder: mirrors the source tree, holds manifest.sqlite.",
)
@click.option(
    "--include", multiple=True, help=f"Glob of files to take (repeatable; default {' '.join(DEFAULT_INCLUDE)})."
)
@click.option("--exclude", multiple=True, help="Glob of files to leave out (repeatable).")
@click.option(
    "--issue-per-folder",
    is_flag=True,
    help="Each folder of pages is one issue (as run --issue): continued articles linked, issue outputs written.",
)
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True, help="Local worker processes.")
@click.option(
    "--scheduler", default=None, metavar="tcp://HOST:PORT", help="Run on this dask.distributed scheduler instead."
)
@click.option(
    "--page-timeout",
    type=click.FloatRange(0.1),
    default=600.0,
    show_default=True,
    help="Seconds before a page counts as hung.",
)
@click.option("--retry-failed", is_flag=True, help="Redo pages that failed before.")
@click.option(
    "--log-json", is_flag=True, help="JSON lines on stderr instead of a progress bar (default without a TTY)."
)
@run_options(threads_help="onnxruntime threads per worker (default: cores // workers).", debug_overlay=False)
def batch_command(
    sources,
    outdir,
    include,
    exclude,
    issue_per_folder,
    workers,
    scheduler,
    page_timeout,
    retry_failed,
    log_json,
    engine,
    formats,
    punctuation,
    dpi,
    pdf_password,
    max_pixels,
    threads,
    alto_unit,
    newsml_body,
    settings,
    mets_profile,
    issue_metadata,
    strict=False,
) -> None:
    """Digitize folders of pages into OUTDIR, resumably: re-run the same command to continue.

    Each input file is one issue (as with run), or with --issue-per-folder each folder; an issue's pages are
    processed in order by one worker, which then writes its issue outputs (NewsML, METS, <stem>.issue.txt).
    """
    pipeline_settings = settings
    settings = Settings(
        engine,
        formats,
        punctuation,
        dpi,
        pdf_password,
        max_pixels,
        alto_unit,
        newsml_body,
        issue_per_folder,
        pipeline=pipeline_settings,
        mets_profile=mets_profile,
        issue_metadata=issue_metadata,
    )
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        err.print(f"error: {escape(str(outdir))}: cannot create output folder ({escape(str(exc.strerror or exc))})")
        sys.exit(ExitCode.USAGE)
    lock = _lock(outdir)
    manifest = Manifest(outdir / MANIFEST_NAME)
    try:
        remove_partial_outputs(outdir)
        units = plan_units(
            find_inputs(sources, outdir, include or DEFAULT_INCLUDE, exclude), settings, issue_per_folder
        )
        todo, unchanged = select_work(manifest, units, settings, outdir, retry_failed)
    except BatchError as exc:
        err.print(f"error: {escape(str(exc))}", soft_wrap=True)
        sys.exit(ExitCode.USAGE)
    run_id = manifest.start_run(settings_record(settings, workers=workers, scheduler=scheduler))
    pages_todo = sum(len(work.pages) for work in todo)
    reporter = (JsonLog if log_json or not err.is_terminal else RichProgress)(pages_todo)
    if isinstance(reporter, RichProgress):
        err.print(f"{len(units)} pages: {pages_todo} to do, {unchanged} unchanged")
    else:
        reporter.emit("plan", pages=len(units), todo=pages_todo, unchanged=unchanged, issues=len(todo))
    outcome, code = "completed", ExitCode.OK
    try:
        if scheduler:
            try:
                from ..batch.dask import DaskWorkers
            except ImportError as exc:
                raise EngineError(f"--scheduler needs dask.distributed: pip install 'digitize[batch]' ({exc})") from exc
            executor: Executor = DaskWorkers(scheduler, settings, outdir.resolve(), page_timeout)
        else:
            executor = LocalWorkers(min(workers, max(1, len(todo))), settings, outdir.resolve(), threads, page_timeout)
        with reporter:
            run_units(
                manifest,
                executor,
                todo,
                reporter,
                run_id,
                on_stop_request=lambda: err.print(
                    "stopping: pages in flight go back to pending (Ctrl-C again to force)"
                ),
            )
    except Interrupted:
        outcome, code = "interrupted", ExitCode.INTERRUPTED
    except EngineError as exc:
        err.print(f"error: {escape(str(exc))}", soft_wrap=True)
        outcome, code = "engine error", ExitCode.ENGINE
    manifest.finish_run(run_id, outcome)
    selected = {(u.source, u.page_index) for u in units}
    failed = [row for row in manifest.pages("failed") if (row["source"], row["page_index"]) in selected]
    issues = {unit.issue if issue_per_folder else unit.relpath for unit in units}
    failed_issues = [row for row in manifest.issues("failed") if row["issue"] in issues]
    review = [row for row in manifest.needs_review() if (row["source"], row["page_index"]) in selected]
    manifest.close()
    if code in (ExitCode.OK, ExitCode.FAILURES):
        done = len(units) - len(failed) - len(review)
        if isinstance(reporter, JsonLog):
            reporter.emit("summary", done=done, needs_review=len(review), failed=len(failed))
        else:
            err.print(
                f"{len(units)} pages: {done} done, {len(review)} need review, {len(failed)} failed"
                + (f" (digitize review {escape(printable(str(outdir)))})" if review else ""),
                soft_wrap=True,
            )
    lock.close()
    if code == ExitCode.OK and (failed or failed_issues):
        code = ExitCode.FAILURES
        err.print(
            f"completed with failures: {len(failed)} of {len(units)} pages failed, {len(failed_issues)} issues "
            f"without their issue outputs (digitize status {escape(str(outdir))})"
        )
    if code == ExitCode.OK and strict and review:
        code = ExitCode.NEEDS_REVIEW
    sys.exit(code)


# ------------------------------------------------------------------------------------------ status


@click.command("status")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--slowest", type=click.IntRange(0), default=10, show_default=True, help="How many slowest pages to list."
)
def status_command(outdir: Path, as_json: bool, slowest: int) -> None:
    """Counts by state; pages done, needing review and failed, and the list needing review; throughput,
    failures by reason and the slowest pages of a batch in OUTDIR."""
    if not (outdir / MANIFEST_NAME).exists():
        err.print(f"error: {escape(str(outdir))}: no {MANIFEST_NAME} (not a batch output folder)")
        sys.exit(ExitCode.USAGE)
    report = status_report(outdir, slowest)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    out = Console(highlight=False)
    out.print("  ".join(f"{state} {n}" for state, n in report["counts"].items()))
    out.print("  ".join(f"{state} {n}" for state, n in report["review"].items()))
    if report["needs_review"]:
        table = Table("page", "source", "reasons", title="needs review (worst first; digitize review OUTDIR)")
        for page in report["needs_review"]:
            table.add_row(str(page["page"]), escape(printable(page["source"])), escape(printable(page["reasons"])))
        out.print(table)
    if report["pages_per_hour"] is not None:
        out.print(
            f"last run ({report['last_run']['outcome'] or 'running or killed'}): "
            f"{report['pages_per_hour']:.0f} pages/hour, median {report['median_page_seconds']:.2f} s a page"
        )
    if report["failures"]:
        table = Table("pages", "failure reason", title="failures")
        for failure in report["failures"]:
            table.add_row(str(failure["pages"]), escape(failure["reason"]))
        out.print(table)
    if report["slowest"]:
        table = Table("seconds", "page", "source", title="slowest pages")
        for page in report["slowest"]:
            table.add_row(f"{page['seconds']:.2f}", str(page["page"]), escape(page["source"]))
        out.print(table)


@click.group()
def batch_main() -> None:
    """Batch digitization (``python -m digitize.batch``)."""


batch_main.add_command(batch_command)
batch_main.add_command(status_command)
