"""``digitize batch`` and ``digitize status``: the commands over `digitize.batch` (runner, dask, manifest).

Exit codes of ``batch`` (as ``digitize run``): 0 every page done; 1 completed with failures; 2 usage error or
OUTDIR in use by another batch; 3 the OCR engine could not be loaded; 130 stopped by Ctrl-C (resumable).
"""

from __future__ import annotations

import fcntl
import json
import signal
import sqlite3
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
    OutputStopped,
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
from .common import make_output_folder
from .log import QUIET, VERBOSE, DigitizeGroup, Log, get_log, log_options
from .options import run_options

LOCK_NAME = ".batch.lock"


class QuietReport(JsonLog):
    """``-q``: nothing but the pages that failed, one ``error:`` line each."""

    def __init__(self, total: int, log: Log):
        super().__init__(total)
        self.log = log

    def started(self, unit: Unit, slot: str) -> None:
        pass

    def finished(self, unit: Unit, result: dict) -> None:
        self.rate.tick()
        if result["state"] == "failed":
            self.log.error(result["error"] or unit.source, event="page", source=unit.source, page=unit.page_index + 1)
        elif result.get("reasons"):
            self.log.review(f"{unit.source} p{unit.page_index + 1}: {result['reasons']}")


class RichProgress(JsonLog):
    """A progress bar with pages/min and ETA; failures (with -v every page) printed above it as they happen."""

    def __init__(self, total: int, log: Log):
        super().__init__(total)
        self.verbose = log.verbosity >= VERBOSE
        err = log.console
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
            self.progress.console.print(f"[red]failed:[/red] {escape(printable(result['error']))}", soft_wrap=True)
            return
        if result.get("reasons"):
            where = printable(f"{unit.source} p{unit.page_index + 1}: {result['reasons']}")
            self.progress.console.print(f"[yellow]review:[/yellow] {escape(where)}", soft_wrap=True)
        if self.verbose:
            seconds = result["timings"].get("total", 0.0)
            line = f"{unit.relpath} p{unit.page_index + 1}: {seconds:.1f} s → " + ", ".join(
                o["path"] for o in result["outputs"]
            )
            self.progress.console.print(escape(printable(line)), soft_wrap=True)

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()
        return False


def _cannot_write(log: Log, outdir: Path, exc: BaseException) -> None:
    """OUTDIR (its lock, manifest or outputs) cannot be written: disk full, file-size limit, read-only."""
    reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
    log.error(f"{outdir}: cannot write ({reason})", event="output-error", path=str(outdir), reason=reason)
    sys.exit(ExitCode.OUTPUT)


def _lock(outdir: Path, log: Log):
    """One batch per OUTDIR at a time (the lock goes with the process, even when it is killed)."""
    try:
        handle = (outdir / LOCK_NAME).open("a")
    except OSError as exc:
        _cannot_write(log, outdir, exc)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        log.error(f"{outdir}: another batch is running on this folder", path=str(outdir))
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
@run_options(threads_help="onnxruntime threads per worker (default: cores // workers).", debug_overlay=False)
@log_options
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
    image_mode,
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
        image_mode=image_mode,
        issue_metadata=issue_metadata,
    )
    log = get_log()
    if outdir == Path("-"):
        raise click.UsageError("batch writes files: -o needs a folder, not -")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file-size limit fails the write (EFBIG), not the process
    make_output_folder(outdir)
    lock = _lock(outdir, log)
    try:
        manifest = Manifest(outdir / MANIFEST_NAME)
    except sqlite3.Error as exc:
        _cannot_write(log, outdir / MANIFEST_NAME, exc)
    try:
        remove_partial_outputs(outdir)
        found = find_inputs(sources, outdir, include or DEFAULT_INCLUDE, exclude, on_skip=lambda why: log.warning(why))
        units = plan_units(found, settings, issue_per_folder)
        todo, unchanged = select_work(manifest, units, settings, outdir, retry_failed)
        run_id = manifest.start_run(settings_record(settings, workers=workers, scheduler=scheduler))
    except BatchError as exc:
        log.error(str(exc))
        sys.exit(ExitCode.USAGE)
    except sqlite3.Error as exc:
        _cannot_write(log, outdir / MANIFEST_NAME, exc)
    pages_todo = sum(len(work.pages) for work in todo)
    reporter: JsonLog
    if log.json:
        reporter = JsonLog(pages_todo)
    elif log.verbosity <= QUIET:
        reporter = QuietReport(pages_todo, log)
    elif not log.console.is_terminal:
        reporter = JsonLog(pages_todo)  # logs, cron: JSON lines by default without a terminal
    else:
        reporter = RichProgress(pages_todo, log)
    if isinstance(reporter, RichProgress):
        log.info(f"{len(units)} pages: {pages_todo} to do, {unchanged} unchanged")
    elif not isinstance(reporter, QuietReport):
        reporter.emit("plan", pages=len(units), todo=pages_todo, unchanged=unchanged, issues=len(todo))
    outcome, code = "completed", ExitCode.OK
    stopped: str | None = None
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
                on_stop_request=lambda: log.warning(
                    "stopping: pages in flight go back to pending (Ctrl-C again to force)", event="stopping"
                ),
            )
    except Interrupted:
        outcome, code = "interrupted", ExitCode.INTERRUPTED
    except EngineError as exc:
        log.error(str(exc), event="engine-error")
        outcome, code = "engine error", ExitCode.ENGINE
    except OutputStopped as exc:
        outcome, code, stopped = "output error", ExitCode.OUTPUT, str(exc)
    except sqlite3.Error as exc:  # the manifest cannot be written any more (disk full, file-size limit)
        outcome, code, stopped = "output error", ExitCode.OUTPUT, f"cannot write {MANIFEST_NAME} ({exc})"
    if stopped is not None:
        log.error(
            f"{outdir}: {stopped}; the batch stopped, pages not written are pending (re-run to resume)",
            event="output-error",
            path=str(outdir),
        )
    try:
        manifest.finish_run(run_id, outcome)
        selected = {(u.source, u.page_index) for u in units}
        failed = [row for row in manifest.pages("failed") if (row["source"], row["page_index"]) in selected]
        issues = {unit.issue if issue_per_folder else unit.relpath for unit in units}
        failed_issues = [row for row in manifest.issues("failed") if row["issue"] in issues]
        review = [row for row in manifest.needs_review() if (row["source"], row["page_index"]) in selected]
    except sqlite3.Error as exc:
        if stopped is None:
            _cannot_write(log, outdir / MANIFEST_NAME, exc)
        failed, failed_issues, review = [], [], []
    manifest.close()
    if code in (ExitCode.OK, ExitCode.FAILURES):
        done = len(units) - len(failed) - len(review)
        if isinstance(reporter, RichProgress):
            log.info(
                f"{len(units)} pages: {done} done, {len(review)} need review, {len(failed)} failed"
                + (f" (digitize review {outdir})" if review else "")
            )
        elif not isinstance(reporter, QuietReport):
            reporter.emit("summary", done=done, needs_review=len(review), failed=len(failed))
    lock.close()
    if code == ExitCode.OK and (failed or failed_issues):
        code = ExitCode.FAILURES
        log.warning(
            f"completed with failures: {len(failed)} of {len(units)} pages failed, {len(failed_issues)} issues "
            f"without their issue outputs (digitize status {outdir})",
            event="failures",
            failed_pages=len(failed),
            failed_issues=len(failed_issues),
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
@log_options
def status_command(outdir: Path, as_json: bool, slowest: int) -> None:
    """Counts by state; pages done, needing review and failed, and the list needing review; throughput,
    failures by reason and the slowest pages of a batch in OUTDIR.

    Reads the manifest only (never writes into OUTDIR), so it works on a full disk or a read-only folder."""
    log = get_log()
    if not (outdir / MANIFEST_NAME).is_file():
        log.error(f"{outdir}: no {MANIFEST_NAME} (not a batch output folder)", path=str(outdir))
        sys.exit(ExitCode.USAGE)
    try:
        report = status_report(outdir, slowest)
    except (sqlite3.Error, UnicodeDecodeError) as exc:  # not a manifest, or a damaged one
        log.error(f"{outdir / MANIFEST_NAME}: cannot be read ({exc})", path=str(outdir / MANIFEST_NAME))
        sys.exit(ExitCode.USAGE)
    if report["stale"]:
        log.warning(
            f"{outdir / MANIFEST_NAME}: read without its -wal file (the folder is read-only or full): "
            "the latest changes of a batch that was killed are not counted",
            event="stale",
        )
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
            f"{report['pages_per_hour']:.0f} pages/hour"
            + (f", median {median:.2f} s a page" if (median := report["median_page_seconds"]) is not None else "")
        )
    if report["failures"]:
        table = Table("pages", "failure reason", title="failures")
        for failure in report["failures"]:
            table.add_row(str(failure["pages"]), escape(printable(failure["reason"])))
        out.print(table)
    if report["slowest"]:
        table = Table("seconds", "page", "source", title="slowest pages")
        for page in report["slowest"]:
            table.add_row(f"{page['seconds']:.2f}", str(page["page"]), escape(printable(page["source"])))
        out.print(table)


@click.group(cls=DigitizeGroup)
def batch_main() -> None:
    """Batch digitization (``python -m digitize.batch``)."""


batch_main.add_command(batch_command)
batch_main.add_command(status_command)
