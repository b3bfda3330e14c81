"""``digitize repair FILE -o OUT``: the command over `digitize.repair_text`."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from ..export.punctuation import PUNCTUATION_CHOICES
from ..paths import printable
from ..read import ReadError, read_input_bytes, strip_controls
from ..repair_text import repair_text
from ..text.rejoin import TextJoin
from .common import fail, write_text
from .log import get_log, log_options


def joins_table(joins: list[TextJoin]) -> Table:
    table = Table("lines", "left | right", "kind", "evidence", show_lines=False)
    for j in joins:
        table.add_row(
            f"{j.left_line}→{j.right_line}", escape(printable(f"…{j.left} | {j.right}…")), j.kind, escape(j.evidence)
        )
    return table


@click.command("repair", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the repaired text.",
)
@click.option(
    "--joins",
    "joins_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the joins made, as a JSON list.",
)
@click.option(
    "--punctuation",
    type=click.Choice(PUNCTUATION_CHOICES),
    default="keep",
    show_default=True,
    help="Punctuation profile of the output (keep: as in the input).",
)
@log_options
def repair_command(file: Path, output: Path, joins_path: Path | None, punctuation: str) -> None:
    """Rejoin paragraphs of a corpus-format FILE that were split where the text crossed a column or region."""
    log = get_log()
    try:
        # only a regular file of bounded size: a FIFO would block forever, /dev/zero never ends
        text = read_input_bytes(file).decode("utf-8-sig")
    except ReadError as exc:
        fail(file, exc.reason)
    except UnicodeDecodeError as exc:
        fail(file, f"not UTF-8 text (byte {exc.start}: {exc.reason})")
    text = strip_controls(text)  # NUL, VT, FF, C1 dropped and NEL made a line end, as every reader does
    repaired, joins = repair_text(text, punctuation)
    write_text(output, repaired)  # atomic: a full disk leaves no truncated output
    if joins_path is not None:
        write_text(joins_path, json.dumps([asdict(j) for j in joins], ensure_ascii=False, indent=2) + "\n")
    log.info(f"{len(joins)} joins", event="joins", joins=len(joins), output=str(output))
    if joins and log.shows_progress:
        log.console.print(joins_table(joins))
