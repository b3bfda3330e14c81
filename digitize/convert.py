"""``digitize convert IN --to alto|txt|json [-o OUT]``: read any file `digitize.read` knows and write it in
another format, through the page model (no OCR)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from .export.alto import UNITS
from .export.files import SUFFIXES, render_page, write_atomic
from .export.json import document_json
from .export.text import document_text
from .io import InputError
from .read import read

CONVERT_FORMATS = ("alto", "txt", "json")
EXIT_FAILURE, EXIT_USAGE = 1, 2

err = Console(stderr=True, highlight=False)


def convert(path: Path, fmt: str, alto_unit: str = "pixel") -> list[tuple[int, bytes]]:
    """``(page number, bytes)`` outputs of ``path`` in ``fmt``: one for txt and json, one per page for ALTO."""
    doc = read(path)
    if fmt == "alto":
        return [(page.number, render_page(page, "alto", alto_unit=alto_unit)) for page in doc.pages]
    if fmt == "txt":
        return [(0, document_text(doc).encode("utf-8"))]
    return [(0, document_json(doc).encode("utf-8"))]


@click.command("convert")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--to", "fmt", required=True, type=click.Choice(CONVERT_FORMATS), help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output file (default: standard output). A multi-page ALTO gets -p0001… before the suffix.")
@click.option("--alto-unit", type=click.Choice(UNITS), default="pixel", show_default=True, help="ALTO MeasurementUnit.")
def convert_command(source: Path, fmt: str, output: Path | None, alto_unit: str) -> None:
    """Convert SOURCE (ALTO 1.4–4.4, hOCR, PAGE XML or corpus text) to ALTO 4.4, corpus text or JSON."""
    try:
        outputs = convert(source, fmt, alto_unit)
    except InputError as exc:
        err.print(f"error: {escape(str(exc))}", soft_wrap=True)
        sys.exit(EXIT_FAILURE)
    except ValueError as exc:  # e.g. a physical ALTO unit for a page without dpi
        err.print(f"error: {escape(str(source))}: {escape(str(exc))}", soft_wrap=True)
        sys.exit(EXIT_FAILURE)
    if output is None:
        if len(outputs) > 1:
            err.print(f"error: {escape(str(source))}: {len(outputs)} pages give {len(outputs)} ALTO files; name one with -o")
            sys.exit(EXIT_USAGE)
        sys.stdout.buffer.write(outputs[0][1])
        return
    for number, data in outputs:
        target = output
        if len(outputs) > 1:
            suffix = SUFFIXES[fmt] if output.name.endswith(SUFFIXES[fmt]) else output.suffix
            target = output.with_name(f"{output.name[: len(output.name) - len(suffix)]}-p{number:04d}{suffix}")
        try:
            write_atomic(target, data)
        except OSError as exc:
            err.print(f"error: {escape(str(target))}: cannot write ({escape(str(exc.strerror or exc))})", soft_wrap=True)
            sys.exit(EXIT_FAILURE)
