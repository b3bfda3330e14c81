"""``digitize batch`` and ``digitize status``: the click commands over `runner`, `dask` and `manifest`.

Exit codes of ``batch`` (as ``digitize run``): 0 every page done; 1 completed with failures; 2 usage error or
OUTDIR in use by another batch; 3 the OCR engine could not be loaded; 130 stopped by Ctrl-C (resumable).
"""

from __future__ import annotations

import fcntl
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..export.names import OUTPUT_FORMATS, parse_formats
from ..io import DEFAULT_DPI, DEFAULT_MAX_PIXELS
from ..ocr.base import ENGINE_NAMES, EngineError
from ..export.punctuation import PROFILES
from .manifest import MANIFEST_NAME, Manifest, Unit
from .runner import (DEFAULT_INCLUDE, BatchError, Interrupted, LocalWorkers, Settings, find_inputs, plan_units,
                     remove_partial_outputs, run_units, select_work, settings_record)

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_ENGINE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
LOCK_NAME = ".batch.lock"

err = Console(stderr=True, highlight=False)


class _Rate:
    """Pages per minute and ETA over this run's finished pages."""

    def __init__(self, total: int):
        self.total, self.finished, self.start = total, 0, time.monotonic()

    def tick(self) -> None:
        self.finished += 1

    @property
    def per_minute(self) -> float:
        elapsed = time.monotonic() - self.start
        return 60.0 * self.finished / elapsed if elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        rate = self.per_minute
        return 60.0 * (self.total - self.finished) / rate if rate else None


class JsonLog:
    """One JSON object per line on stderr: for logs, cron and no-TTY runs."""

    def __init__(self, total: int):
        self.rate = _Rate(total)

    def emit(self, event: str, **fields) -> None:
        sys.stderr.write(json.dumps({"event": event, "time": round(time.time(), 3)} | fields, ensure_ascii=False) + "\n")
        sys.stderr.flush()

    def started(self, unit: Unit, slot: str) -> None:
        self.emit("start", source=unit.source, page=unit.page_index + 1, worker=slot)

    def finished(self, unit: Unit, result: dict) -> None:
        self.rate.tick()
        eta = self.rate.eta_seconds
        self.emit("page", source=unit.source, page=unit.page_index + 1, state=result["state"],
                  error=result.get("error"), seconds=round(result["timings"].get("total", 0.0), 3),
                  outputs=[o["path"] for o in result["outputs"]], finished=self.rate.finished, total=self.rate.total,
                  pages_per_min=round(self.rate.per_minute, 1), eta_s=None if eta is None else round(eta))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class RichProgress(JsonLog):
    """A progress bar with pages/min and ETA; failures printed above it as they happen."""

    def __init__(self, total: int):
        super().__init__(total)
        self.progress = Progress(TextColumn("[bold]pages"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("{task.fields[rate]}"), TextColumn("ETA {task.fields[eta]}"),
                                 TimeElapsedColumn(), console=err)
        self.task = self.progress.add_task("pages", total=total, rate="– pages/min", eta="–")

    def started(self, unit: Unit, slot: str) -> None:
        pass

    def finished(self, unit: Unit, result: dict) -> None:
        self.rate.tick()
        eta = self.rate.eta_seconds
        self.progress.update(self.task, advance=1, rate=f"{self.rate.per_minute:.1f} pages/min",
                             eta="–" if eta is None else time.strftime("%H:%M:%S", time.gmtime(eta)))
        if result["state"] == "failed":
            self.progress.console.print(f"[red]failed:[/red] {escape(result['error'])}", soft_wrap=True)

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()
        return False


def _formats(value: str) -> tuple[str, ...]:
    try:
        return parse_formats(value, OUTPUT_FORMATS)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _lock(outdir: Path):
    """One batch per OUTDIR at a time (the lock goes with the process, even when it is killed)."""
    handle = (outdir / LOCK_NAME).open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        err.print(f"error: {escape(str(outdir))}: another batch is running on this folder", soft_wrap=True)
        sys.exit(EXIT_USAGE)
    return handle


@click.command("batch")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder: mirrors the source tree, holds manifest.sqlite.")
@click.option("--engine", type=click.Choice(ENGINE_NAMES), default="ppocr", show_default=True, help="OCR engine.")
@click.option("--format", "formats", default="txt,alto", show_default=True, help=f"Comma-separated: {', '.join(OUTPUT_FORMATS)}.")
@click.option("--punctuation", type=click.Choice(PROFILES), default="corpus", show_default=True)
@click.option("--dpi", type=click.IntRange(72, 1200), default=DEFAULT_DPI, show_default=True, help="Rasterization resolution for PDFs.")
@click.option("--pdf-password", default=None, help="Password of encrypted PDFs.")
@click.option("--max-pixels", type=click.IntRange(1), default=DEFAULT_MAX_PIXELS, show_default=True)
@click.option("--include", multiple=True, help=f"Glob of files to take (repeatable; default {' '.join(DEFAULT_INCLUDE)}).")
@click.option("--exclude", multiple=True, help="Glob of files to leave out (repeatable).")
@click.option("--issue-per-folder", is_flag=True, help="Each folder of pages is one issue (recorded in the manifest).")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True, help="Local worker processes.")
@click.option("--threads", type=click.IntRange(1, 64), default=None, help="onnxruntime threads per worker (default: cores // workers).")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT", help="Run on this dask.distributed scheduler instead.")
@click.option("--page-timeout", type=click.FloatRange(0.1), default=600.0, show_default=True, help="Seconds before a page counts as hung.")
@click.option("--retry-failed", is_flag=True, help="Redo pages that failed before.")
@click.option("--log-json", is_flag=True, help="JSON lines on stderr instead of a progress bar (default without a TTY).")
def batch_command(sources, outdir, engine, formats, punctuation, dpi, pdf_password, max_pixels, include, exclude,
                  issue_per_folder, workers, threads, scheduler, page_timeout, retry_failed, log_json) -> None:
    """Digitize folders of pages into OUTDIR, resumably: re-run the same command to continue."""
    settings = Settings(engine, _formats(formats), punctuation, dpi, pdf_password, max_pixels)
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        err.print(f"error: {escape(str(outdir))}: cannot create output folder ({escape(str(exc.strerror or exc))})")
        sys.exit(EXIT_USAGE)
    lock = _lock(outdir)
    manifest = Manifest(outdir / MANIFEST_NAME)
    try:
        remove_partial_outputs(outdir)
        units = plan_units(find_inputs(sources, outdir, include or DEFAULT_INCLUDE, exclude), settings, issue_per_folder)
        todo, unchanged = select_work(manifest, units, settings, outdir, retry_failed)
    except BatchError as exc:
        err.print(f"error: {escape(str(exc))}", soft_wrap=True)
        sys.exit(EXIT_USAGE)
    run_id = manifest.start_run(settings_record(settings, workers=workers, scheduler=scheduler))
    reporter = (JsonLog if log_json or not err.is_terminal else RichProgress)(len(todo))
    if isinstance(reporter, RichProgress):
        err.print(f"{len(units)} pages: {len(todo)} to do, {unchanged} unchanged")
    else:
        reporter.emit("plan", pages=len(units), todo=len(todo), unchanged=unchanged)
    outcome, code = "completed", EXIT_OK
    try:
        if scheduler:
            try:
                from .dask import DaskWorkers
            except ImportError as exc:
                raise EngineError(f"--scheduler needs dask.distributed: pip install 'digitize[batch]' ({exc})") from exc
            executor = DaskWorkers(scheduler, settings, outdir.resolve(), page_timeout)
        else:
            executor = LocalWorkers(min(workers, max(1, len(todo))), settings, outdir.resolve(), threads, page_timeout)
        with reporter:
            run_units(manifest, executor, todo, reporter, run_id,
                      on_stop_request=lambda: err.print("stopping: pages in flight go back to pending "
                                                        "(Ctrl-C again to force)"))
    except Interrupted:
        outcome, code = "interrupted", EXIT_INTERRUPTED
    except EngineError as exc:
        err.print(f"error: {escape(str(exc))}", soft_wrap=True)
        outcome, code = "engine error", EXIT_ENGINE
    manifest.finish_run(run_id, outcome)
    selected = {(u.source, u.page_index) for u in units}
    failed = [row for row in manifest.pages("failed") if (row["source"], row["page_index"]) in selected]
    manifest.close()
    lock.close()
    if code == EXIT_OK and failed:
        code = EXIT_FAILURES
        err.print(f"completed with failures: {len(failed)} of {len(units)} pages failed (digitize status {escape(str(outdir))})")
    sys.exit(code)


# ------------------------------------------------------------------------------------------ status


def _reason(row) -> str:
    """The error without its path: pages that failed for the same reason group together."""
    error = row["error"] or ""
    prefix = row["source"] + ": "
    return error[len(prefix):] if error.startswith(prefix) else error


def status_report(outdir: Path, slowest: int = 10) -> dict:
    manifest = Manifest(outdir / MANIFEST_NAME, readonly=True)
    try:
        rows = manifest.pages()
        runs = manifest.runs()
        counts = manifest.counts()
    finally:
        manifest.close()
    totals = [(json.loads(r["timings"] or "{}").get("total", 0.0), r) for r in rows if r["state"] == "done"]
    last = runs[-1] if runs else None
    throughput = None
    if last and last["pages_done"]:
        elapsed = (last["finished_at"] or max(r["finished_at"] or 0 for r in rows)) - last["started_at"]
        throughput = 3600.0 * last["pages_done"] / elapsed if elapsed > 0 else None
    failures = Counter(_reason(r) for r in rows if r["state"] == "failed")
    return {
        "counts": counts,
        "pages": len(rows),
        "runs": len(runs),
        "last_run": None if last is None else {"outcome": last["outcome"], "pages_done": last["pages_done"],
                                               "pages_failed": last["pages_failed"]},
        "pages_per_hour": None if throughput is None else round(throughput, 1),
        "median_page_seconds": round(statistics.median(t for t, _ in totals), 3) if totals else None,
        "failures": [{"reason": reason, "pages": n} for reason, n in failures.most_common()],
        "slowest": [{"source": r["source"], "page": r["page_index"] + 1, "seconds": round(t, 3)}
                    for t, r in sorted(totals, key=lambda item: -item[0])[:slowest]],
    }


@click.command("status")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--slowest", type=click.IntRange(0), default=10, show_default=True, help="How many slowest pages to list.")
def status_command(outdir: Path, as_json: bool, slowest: int) -> None:
    """Counts by state, throughput, failures by reason and the slowest pages of a batch in OUTDIR."""
    if not (outdir / MANIFEST_NAME).exists():
        err.print(f"error: {escape(str(outdir))}: no {MANIFEST_NAME} (not a batch output folder)")
        sys.exit(EXIT_USAGE)
    report = status_report(outdir, slowest)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    out = Console(highlight=False)
    out.print("  ".join(f"{state} {n}" for state, n in report["counts"].items()))
    if report["pages_per_hour"] is not None:
        out.print(f"last run ({report['last_run']['outcome'] or 'running or killed'}): "
                  f"{report['pages_per_hour']:.0f} pages/hour, median {report['median_page_seconds']:.2f} s a page")
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
