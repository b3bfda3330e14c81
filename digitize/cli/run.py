"""``digitize run``: digitize files into a folder, each file alone or all of them as the pages of one issue."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from ..errors import InputError
from ..exit_codes import ExitCode
from ..export.files import OUTPUT_FORMATS, output_stem, write_atomic, write_issue_outputs, write_page_outputs
from ..export.issue_metadata import IssueMetadata
from ..export.names import output_collisions
from ..export.overlay import page_overlay
from ..io import page_count
from ..model import Page
from ..ocr.base import EngineError
from ..paths import printable, remove_our_partials
from ..pipeline import get_engine, process_issue
from ..quality import review_summary
from ..settings import Settings
from .options import run_options

err = Console(stderr=True, highlight=False)


def output_failed(console: Console, outdir: Path, exc: OSError) -> None:
    """An output cannot be written (no permission, disk full): every next one would fail alike, so stop.
    write_atomic has removed its temp file; nothing partial is left under a final name."""
    console.print(
        f"[red]error:[/red] {escape(str(outdir))}: cannot write output ({escape(exc.strerror or str(exc))})",
        soft_wrap=True,
    )
    sys.exit(ExitCode.OUTPUT)


def refuse_colliding_outputs(
    inputs: tuple[Path, ...], formats: tuple[str, ...], outdir: Path, overlay: bool, issue: bool, password: str | None
) -> None:
    """Outputs are named by the input's stem and page: two inputs whose outputs share a name (scan.png and
    scan.tif; a 2-page scan.tif and scan-p0001.png; scan.tif and scan.issue.png), or an output that would
    overwrite an input (a.overlay.png given with --debug-overlay), would lose data, so the run is refused
    before anything is written."""
    counted = []
    for path in inputs:
        try:
            counted.append((path, page_count(path, password)))
        except (InputError, OSError):
            counted.append((path, 1))  # unreadable: it fails later with its own message
    clashes = output_collisions(counted, formats, outdir, overlay=overlay, issue=issue)
    if clashes:
        more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
        raise click.UsageError(f"{printable(clashes[0])}{more}; rename one or run them separately")


@click.command("run")
@click.argument(
    "inputs", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False)
)  # io names each failure
@click.option(
    "-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder."
)
@click.option(
    "--issue", is_flag=True, help="The inputs are the pages of one issue: link continued articles across them."
)
@run_options()
def run_command(
    inputs: tuple[Path, ...],
    outdir: Path,
    issue: bool,
    engine: str,
    formats: tuple[str, ...],
    punctuation: str,
    dpi: int,
    pdf_password: str | None,
    max_pixels: int,
    threads: int | None,
    alto_unit: str,
    newsml_body: str,
    debug_overlay: bool,
    settings: Settings,
    mets_profile: str,
    issue_metadata: IssueMetadata | None,
    strict: bool = False,
) -> None:
    """Digitize page images and PDFs into OUTDIR (<stem>.txt, <stem>.alto.xml, ...).

    A multi-page input, or all inputs with --issue, is one issue: continued articles are linked across its
    pages and written once, whole, to <stem>.issue.txt; with ALTO output it also gets <stem>.mets.xml.

    Every page ends done, needing review (one "review:" line each, with its reasons; `digitize review OUTDIR`
    lists them) or failed; the last line counts them. Exit 0 unless an input failed (1), or --strict and a
    page needs review (5).
    """
    refuse_colliding_outputs(inputs, formats, outdir, debug_overlay, issue, pdf_password)
    signal.signal(
        signal.SIGXFSZ, signal.SIG_IGN
    )  # a file-size limit (ulimit -f) fails the write (EFBIG), not the process
    page_formats = [f for f in formats if f in OUTPUT_FORMATS]
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        err.print(
            f"error: {escape(str(outdir))}: cannot create output folder ({escape(str(exc.strerror or exc))})",
            soft_wrap=True,
        )
        sys.exit(ExitCode.USAGE)
    remove_our_partials(outdir)  # temp files of an earlier run that was killed mid-write; never a user's file
    try:
        reader = get_engine(engine, threads, settings.ocr)
    except EngineError as exc:
        err.print(f"error: {escape(str(exc))}", soft_wrap=True)
        sys.exit(ExitCode.ENGINE)
    failures = 0
    pages_done: list[Page] = []  # every page written, for the closing count
    issues = [list(inputs)] if issue else [[path] for path in inputs]
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as progress:
        say = lambda text: progress.console.print(escape(printable(text)), soft_wrap=True)
        totals: dict[str, int] = {}
        tasks: dict[str, TaskID] = {}

        def failed(path, exc: Exception) -> None:
            nonlocal failures
            failures += 1
            progress.console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)

        def files(paths: list[Path]):
            for path in paths:
                try:
                    totals[str(path)] = page_count(path, pdf_password)
                except InputError as exc:
                    failed(path, exc)
                    continue
                tasks[str(path)] = progress.add_task(escape(path.name), total=totals[str(path)])
                yield path, None

        def write_page(page: Page) -> str:
            path = Path(page.source.path)
            stem = output_stem(path, page.source.index + 1, totals[page.source.path])
            written = write_page_outputs(page, outdir, stem, page_formats, punctuation, alto_unit)
            if debug_overlay:
                written.append(outdir / f"{stem}.overlay.png")
                assert page.image is not None  # kept for the overlay (keep_image=debug_overlay)
                write_atomic(written[-1], page_overlay(page, page.image))
            progress.advance(tasks[page.source.path])
            say(f"{path.name} p{page.number}: {page.timings['total']:.1f} s → " + ", ".join(map(str, written)))
            pages_done.append(page)
            if page.quality is not None and page.quality.reasons:
                progress.console.print(
                    "[yellow]review:[/yellow] "
                    + escape(printable(f"{page.source.path} p{page.source.index + 1}: {review_summary(page.quality)}")),
                    soft_wrap=True,
                )
            return stem

        for paths in issues:
            try:
                result = process_issue(
                    str(paths[0]),
                    files(paths),
                    reader,
                    write_page,
                    failed,
                    dpi=dpi,
                    password=pdf_password,
                    max_pixels=max_pixels,
                    keep_image=debug_overlay,
                    settings=settings,
                )
                if result.document.pages:
                    for target in write_issue_outputs(
                        result.document,
                        outdir,
                        result.stem,
                        list(formats),
                        punctuation,
                        newsml_body,
                        result.alto_names,
                        metadata=issue_metadata,
                        mets_profile=mets_profile,
                    ):
                        say(f"issue {result.stem}: → {target}")
            except OSError as exc:
                output_failed(progress.console, outdir, exc)
    review = sum(1 for p in pages_done if p.quality is not None and p.quality.reasons)
    err.print(
        f"{len(pages_done)} pages: {len(pages_done) - review} done, {review} need review"
        + (f" (digitize review {escape(printable(str(outdir)))})" if review else "")
        + f"; {failures} of {len(inputs)} inputs failed",
        soft_wrap=True,
    )
    if failures:
        err.print(f"completed with failures: {failures} of {len(inputs)} inputs failed")
        sys.exit(ExitCode.FAILURES)
    if strict and review:
        sys.exit(ExitCode.NEEDS_REVIEW)
