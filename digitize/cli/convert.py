"""``digitize convert IN --to alto|txt|json [-o OUT]``: the command over `digitize.convert`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..convert import CONVERT_FORMATS, convert
from ..errors import InputError
from ..exit_codes import ExitCode
from ..export.alto import UNITS
from ..export.files import SUFFIXES, write_atomic
from .common import fail
from .log import get_log, log_options


@click.command("convert")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--to", "fmt", required=True, type=click.Choice(CONVERT_FORMATS), help="Output format.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path, allow_dash=True),
    default=None,
    help="Output file (default or -: standard output). A multi-page ALTO gets -p0001… before the suffix.",
)
@click.option("--alto-unit", type=click.Choice(UNITS), default="pixel", show_default=True, help="ALTO MeasurementUnit.")
@log_options
def convert_command(source: Path, fmt: str, output: Path | None, alto_unit: str) -> None:
    """Convert SOURCE (ALTO 1.4–4.4, hOCR, PAGE XML, our JSON or corpus text) to ALTO 4.4, PAGE XML 2019, hOCR,
    corpus text or JSON."""
    try:
        outputs = convert(source, fmt, alto_unit)
    except InputError as exc:
        get_log().error(str(exc), path=str(source))
        sys.exit(ExitCode.FAILURES)
    except ValueError as exc:  # e.g. a physical ALTO unit for a page without dpi
        fail(source, str(exc), ExitCode.FAILURES)
    if output is None or output == Path("-"):
        if len(outputs) > 1:
            fail(source, f"{len(outputs)} pages give {len(outputs)} {fmt} files; name one with -o")
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
            fail(target, f"cannot write ({exc.strerror or exc})", ExitCode.FAILURES)
        get_log().detail(f"→ {target}", event="written", path=str(target))
