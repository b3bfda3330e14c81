"""The command line: thin wrappers that parse options, call the pipeline and print with rich.

Exit codes: 0 all done; 1 completed, but some inputs failed; 2 usage error; 3 an engine or schema could not
be loaded (nothing was processed).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .export.alto import UNITS as ALTO_UNITS
from .export.names import parse_formats
from .export.files import (DOCUMENT_FORMATS, OUTPUT_FORMATS, SUFFIXES, output_stem, write_atomic,
                           write_issue_outputs, write_page_outputs)
from .export.overlay import page_overlay
from .issue import issue_document
from .io import DEFAULT_DPI, DEFAULT_MAX_PIXELS, InputError, page_count
from .ocr.base import ENGINE_NAMES, EngineError
from .pipeline import get_engine, iter_pages
from .export.punctuation import PROFILES
from .batch.command import batch_command, status_command
from .convert import convert_command
from .diff import diff_command
from .layout_eval import layout_eval_command
from .repair_text import repair_command
from .validate import validate_command

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_ENGINE, EXIT_OUTPUT = 0, 1, 2, 3, 4

err = Console(stderr=True, highlight=False)


def _formats(value: str) -> list[str]:
    try:
        return list(parse_formats(value, OUTPUT_FORMATS + DOCUMENT_FORMATS))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


def _output_failed(console: Console, outdir: Path, exc: OSError) -> None:
    """An output cannot be written (no permission, disk full): every next one would fail alike, so stop.
    write_atomic has removed its temp file; nothing partial is left under a final name."""
    console.print(f"[red]error:[/red] {escape(str(outdir))}: cannot write output ({escape(exc.strerror or str(exc))})",
                  soft_wrap=True)
    sys.exit(EXIT_OUTPUT)


def _refuse_shared_stems(inputs: tuple[Path, ...]) -> None:
    """Outputs are named by the input's stem: two inputs with one stem (scan.png, scan.tif) would overwrite
    each other's files, so the run is refused before anything is written."""
    seen: dict[str, Path] = {}
    for path in inputs:
        other = seen.setdefault(path.stem, path)
        if other != path:
            raise click.UsageError(f"{other} and {path} would write the same outputs ({path.stem}.*); "
                                   "rename one or run them separately")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digitize")
def main() -> None:
    """Printed pages to faithful text and library-grade XML."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path, readable=False))  # io names each failure
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--engine", type=click.Choice(ENGINE_NAMES), default="ppocr", show_default=True, help="OCR engine.")
@click.option("--format", "formats", default="txt,alto", show_default=True,
              help=f"Comma-separated: {', '.join(OUTPUT_FORMATS + DOCUMENT_FORMATS)}.")
@click.option("--punctuation", type=click.Choice(PROFILES), default="corpus", show_default=True, help="Punctuation profile of the text output.")
@click.option("--dpi", type=click.IntRange(72, 1200), default=DEFAULT_DPI, show_default=True, help="Rasterization resolution for PDFs.")
@click.option("--pdf-password", default=None, help="Password of encrypted PDFs.")
@click.option("--max-pixels", type=click.IntRange(1), default=DEFAULT_MAX_PIXELS, show_default=True, help="Refuse larger images (decompression bombs).")
@click.option("--threads", type=click.IntRange(1, 64), default=None, help="onnxruntime threads (default: all cores).")
@click.option("--issue", is_flag=True, help="The inputs are the pages of one issue: link continued articles across them.")
@click.option("--alto-unit", type=click.Choice(ALTO_UNITS), default="pixel", show_default=True, help="ALTO MeasurementUnit (NDNP requires inch1200).")
@click.option("--newsml-body", type=click.Choice(["nitf", "xhtml"]), default="nitf", show_default=True, help="Article body format inside NewsML-G2.")
@click.option("--debug-overlay", is_flag=True, help="Also write <stem>.overlay.png: blocks by role, articles, reading order.")
def run(inputs: tuple[Path, ...], outdir: Path, engine: str, formats: str, punctuation: str, dpi: int,
        pdf_password: str | None, max_pixels: int, threads: int | None, issue: bool, alto_unit: str,
        newsml_body: str, debug_overlay: bool) -> None:
    """Digitize page images and PDFs into OUTDIR (<stem>.txt, <stem>.alto.xml, ...).

    A multi-page input, or all inputs with --issue, is one issue: continued articles are linked across its
    pages and written once, whole, to <stem>.issue.txt; with ALTO output it also gets <stem>.mets.xml.
    """
    chosen = _formats(formats)
    _refuse_shared_stems(inputs)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file-size limit (ulimit -f) fails the write (EFBIG), not the process
    page_formats = [f for f in chosen if f in OUTPUT_FORMATS]
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        err.print(f"error: {escape(str(outdir))}: cannot create output folder ({escape(str(exc.strerror or exc))})", soft_wrap=True)
        sys.exit(EXIT_USAGE)
    try:
        reader = get_engine(engine, threads)
    except EngineError as exc:
        err.print(f"error: {escape(str(exc))}", soft_wrap=True)
        sys.exit(EXIT_ENGINE)
    failures = 0
    issues = [list(inputs)] if issue else [[path] for path in inputs]
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as progress:
        say = lambda text: progress.console.print(escape(text), soft_wrap=True)  # noqa: E731
        for paths in issues:
            pages, alto_names = [], {}
            for path in paths:
                try:
                    total = page_count(path, pdf_password)
                    task = progress.add_task(escape(path.name), total=total)
                    for page in iter_pages(path, reader, dpi=dpi, password=pdf_password, max_pixels=max_pixels,
                                           keep_image=debug_overlay):
                        page.number = len(pages) + 1  # issue-wide, so ALTO IDs (P{n}_…) are unique in the issue
                        stem = output_stem(path, page.source.index + 1, total)
                        written = write_page_outputs(page, outdir, stem, page_formats, punctuation, alto_unit)
                        if debug_overlay:
                            written.append(outdir / f"{stem}.overlay.png")
                            write_atomic(written[-1], page_overlay(page, page.image))
                        page.image = None  # the model is kept for issue outputs; its pixels are not
                        pages.append(page)
                        alto_names[len(pages)] = stem + SUFFIXES["alto"]
                        progress.advance(task)
                        say(f"{path.name} p{page.number}: {page.timings['total']:.1f} s → " + ", ".join(map(str, written)))
                except InputError as exc:
                    failures += 1
                    progress.console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
                except OSError as exc:
                    _output_failed(progress.console, outdir, exc)
            if pages:
                try:
                    for target in write_issue_outputs(issue_document(str(paths[0]), pages), outdir, paths[0].stem, chosen,
                                                      punctuation, newsml_body, alto_names):
                        say(f"issue {paths[0].stem}: → {target}")
                except OSError as exc:
                    _output_failed(progress.console, outdir, exc)
    if failures:
        err.print(f"completed with failures: {failures} of {len(inputs)} inputs failed")
        sys.exit(EXIT_FAILURES)


main.add_command(repair_command)
main.add_command(diff_command)
main.add_command(layout_eval_command)
main.add_command(validate_command)
main.add_command(convert_command)
main.add_command(batch_command)
main.add_command(status_command)


if __name__ == "__main__":
    main()
