"""The command line: thin wrappers that parse options, call the pipeline and print with rich.

Exit codes: 0 all done; 1 completed, but some inputs failed; 2 usage error; 3 an engine or schema could not
be loaded (nothing was processed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .export.files import OUTPUT_FORMATS, output_stem, write_atomic, write_page_outputs
from .export.overlay import page_overlay
from .io import DEFAULT_DPI, DEFAULT_MAX_PIXELS, InputError, page_count
from .ocr.base import ENGINE_NAMES, EngineError
from .pipeline import get_engine, iter_pages
from .repair import PROFILES
from .diff import diff_command
from .repair_text import repair_command
from .validate import validate_command

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_ENGINE = 0, 1, 2, 3

err = Console(stderr=True, highlight=False)


def _formats(value: str) -> list[str]:
    formats = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in OUTPUT_FORMATS]
    if unknown or not formats:
        raise click.BadParameter(f"unknown format {', '.join(unknown) or value!r}; choose from {', '.join(OUTPUT_FORMATS)}")
    return formats


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digitize")
def main() -> None:
    """Printed pages to faithful text and library-grade XML."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--engine", type=click.Choice(ENGINE_NAMES), default="ppocr", show_default=True, help="OCR engine.")
@click.option("--format", "formats", default="txt,alto", show_default=True, help=f"Comma-separated: {', '.join(OUTPUT_FORMATS)}.")
@click.option("--punctuation", type=click.Choice(PROFILES), default="corpus", show_default=True, help="Punctuation profile of the text output.")
@click.option("--dpi", type=click.IntRange(72, 1200), default=DEFAULT_DPI, show_default=True, help="Rasterization resolution for PDFs.")
@click.option("--pdf-password", default=None, help="Password of encrypted PDFs.")
@click.option("--max-pixels", type=click.IntRange(1), default=DEFAULT_MAX_PIXELS, show_default=True, help="Refuse larger images (decompression bombs).")
@click.option("--threads", type=click.IntRange(1, 64), default=None, help="onnxruntime threads (default: all cores).")
@click.option("--debug-overlay", is_flag=True, help="Also write <stem>.overlay.png: blocks by role, articles, reading order.")
def run(inputs: tuple[Path, ...], outdir: Path, engine: str, formats: str, punctuation: str, dpi: int,
        pdf_password: str | None, max_pixels: int, threads: int | None, debug_overlay: bool) -> None:
    """Digitize page images and PDFs into OUTDIR (<stem>.txt, <stem>.alto.xml, ...)."""
    chosen = _formats(formats)
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
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as progress:
        for path in inputs:
            try:
                total = page_count(path)
                task = progress.add_task(escape(path.name), total=total)
                for page in iter_pages(path, reader, dpi=dpi, password=pdf_password, max_pixels=max_pixels,
                                       keep_image=debug_overlay):
                    stem = output_stem(path, page.number, total)
                    written = write_page_outputs(page, outdir, stem, chosen, punctuation)
                    if debug_overlay:
                        written.append(outdir / f"{stem}.overlay.png")
                        write_atomic(written[-1], page_overlay(page, page.image))
                    progress.advance(task)
                    progress.console.print(escape(f"{path.name} p{page.number}: {page.timings['total']:.1f} s → "
                                                  + ", ".join(str(w) for w in written)), soft_wrap=True)
            except InputError as exc:
                failures += 1
                progress.console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
    if failures:
        err.print(f"completed with failures: {failures} of {len(inputs)} inputs failed")
        sys.exit(EXIT_FAILURES)


main.add_command(repair_command)
main.add_command(diff_command)
main.add_command(validate_command)


if __name__ == "__main__":
    main()
