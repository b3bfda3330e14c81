"""``digitize run``: digitize files into a folder, each file alone or all of them as the pages of one issue.

``-o -`` with ``--format txt`` streams each page's text to stdout as the page is done (nothing is written to
disk, and the issue text is not made); with any other format ``-o -`` is a usage error, so no folder named
``-`` is ever created. Ctrl-C (or SIGTERM) stops the run with exit 130: the outputs of the pages already
done are kept whole, the page in hand leaves no temp file.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn

from ..errors import InputError
from ..exit_codes import ExitCode
from ..export.files import OUTPUT_FORMATS, output_stem, write_atomic, write_issue_outputs, write_page_outputs
from ..export.issue_metadata import IssueMetadata
from ..export.names import output_collisions
from ..export.overlay import page_overlay
from ..export.text import page_text
from ..io import page_count
from ..model import Page
from ..ocr.base import EngineError
from ..paths import printable, remove_our_partials
from ..pipeline import get_engine, process_issue
from ..quality import review_summary
from ..settings import Settings
from .common import make_output_folder
from .log import Log, get_log, log_options
from .options import run_options

STDOUT = Path("-")


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


def output_failed(log: Log, outdir: Path, exc: OSError) -> None:
    """An output cannot be written (no permission, disk full): every next one would fail alike, so stop.
    write_atomic has removed its temp file; nothing partial is left under a final name."""
    reason = exc.strerror or str(exc)
    log.error(f"{outdir}: cannot write output ({reason})", event="output-error", path=str(outdir), reason=reason)
    sys.exit(ExitCode.OUTPUT)


def refuse_stdout(formats: tuple[str, ...], debug_overlay: bool) -> None:
    """``-o -`` streams text only: every other output is a file and needs a folder."""
    if formats != ("txt",) or debug_overlay:
        others = [f for f in formats if f != "txt"] + (["--debug-overlay"] if debug_overlay else [])
        raise click.UsageError(
            f"-o - streams the text to stdout and takes only --format txt (not {', '.join(others)}); "
            "give a folder for the other outputs"
        )


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
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path, allow_dash=True),
    help="Output folder; - streams the text to stdout (with --format txt only).",
)
@click.option(
    "--issue", is_flag=True, help="The inputs are the pages of one issue: link continued articles across them."
)
@run_options()
@log_options
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
    image_mode: str,
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
    log = get_log()
    to_stdout = outdir == STDOUT
    if to_stdout:
        refuse_stdout(formats, debug_overlay)
    else:
        refuse_colliding_outputs(inputs, formats, outdir, debug_overlay, issue, pdf_password)
    # a file-size limit (ulimit -f) fails the write (EFBIG), not the process
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    page_formats = [f for f in formats if f in OUTPUT_FORMATS]
    if not to_stdout:
        make_output_folder(outdir)
        remove_our_partials(outdir)  # temp files of an earlier run that was killed mid-write; never a user's file
    try:
        reader = get_engine(engine, threads, settings.ocr)
    except EngineError as exc:
        log.error(str(exc), event="engine-error")
        sys.exit(ExitCode.ENGINE)
    log.detail(f"engine {engine}; settings digest {settings.digest()}")
    failures = 0
    pages_done: list[Page] = []  # every page written, for the closing count
    issues = [list(inputs)] if issue else [[path] for path in inputs]
    totals: dict[str, int] = {}
    tasks: dict[str, TaskID] = {}
    previous_term = signal.signal(signal.SIGTERM, _terminate)  # a kill stops as Ctrl-C does: exit 130
    progress = log.progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=False
    )
    try:
        with progress:

            def failed(path, exc: Exception) -> None:
                nonlocal failures
                failures += 1
                log.error(str(exc), path=str(path))

            def files(paths: list[Path]):
                for path in paths:
                    try:
                        totals[str(path)] = page_count(path, pdf_password)
                    except InputError as exc:
                        failed(path, exc)
                        continue
                    tasks[str(path)] = progress.add_task(printable(path.name), total=totals[str(path)])
                    yield path, None

            def write_page(page: Page) -> str:
                path = Path(page.source.path)
                stem = output_stem(path, page.source.index + 1, totals[page.source.path])
                if to_stdout:
                    written: list[Path] = []
                    sys.stdout.buffer.write(page_text(page, punctuation).encode("utf-8"))
                    sys.stdout.buffer.flush()
                else:
                    written = write_page_outputs(page, outdir, stem, page_formats, punctuation, alto_unit)
                if debug_overlay:
                    written.append(outdir / f"{stem}.overlay.png")
                    assert page.image is not None  # kept for the overlay (keep_image=debug_overlay)
                    write_atomic(written[-1], page_overlay(page, page.image))
                pages_done.append(page)
                progress.advance(tasks[page.source.path])
                seconds = page.timings["total"]
                log.info(
                    f"{path.name} p{page.number}: {seconds:.1f} s → " + (", ".join(map(str, written)) or "stdout"),
                    event="page",
                    path=str(path),
                    page=page.source.index + 1,
                    seconds=round(seconds, 3),
                    outputs=[str(p) for p in written],
                )
                log.detail(
                    f"{path.name} p{page.number}: "
                    + ", ".join(f"{stage} {t:.2f} s" for stage, t in page.timings.items() if stage != "total"),
                    event="timings",
                    path=str(path),
                    page=page.source.index + 1,
                    timings={k: round(v, 3) for k, v in page.timings.items()},
                )
                if page.quality is not None and page.quality.reasons:
                    log.review(
                        f"{page.source.path} p{page.source.index + 1}: {review_summary(page.quality)}",
                        path=page.source.path,
                        page=page.source.index + 1,
                        reasons=list(page.quality.reasons),
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
                    if result.document.pages and not to_stdout:
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
                            images=image_mode,
                        ):
                            log.info(
                                f"issue {result.stem}: → {target}", event="issue", stem=result.stem, output=str(target)
                            )
                except OSError as exc:
                    if to_stdout:
                        # nothing more can reach a closed pipe, not even the flush at exit
                        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
                    output_failed(log, STDOUT if to_stdout else outdir, exc)
    except KeyboardInterrupt:
        # The page in hand is dropped (write_atomic removed its temp file); pages done before it stay whole.
        log.error(
            f"interrupted: pages written: {len(pages_done)}; the page in hand and the inputs after it were not",
            event="interrupted",
            pages_done=len(pages_done),
        )
        sys.exit(ExitCode.INTERRUPTED)
    finally:
        signal.signal(signal.SIGTERM, previous_term)
    review = sum(1 for p in pages_done if p.quality is not None and p.quality.reasons)
    log.info(
        f"{len(pages_done)} pages: {len(pages_done) - review} done, {review} need review"
        + (f" (digitize review {outdir})" if review and not to_stdout else "")
        + f"; {failures} of {len(inputs)} inputs failed",
        event="summary",
        pages=len(pages_done),
        done=len(pages_done) - review,
        needs_review=review,
        failures=failures,
        inputs=len(inputs),
    )
    if failures:
        log.warning(
            f"completed with failures: {failures} of {len(inputs)} inputs failed",
            event="failures",
            failures=failures,
            inputs=len(inputs),
        )
        sys.exit(ExitCode.FAILURES)
    if strict and review:
        sys.exit(ExitCode.NEEDS_REVIEW)
