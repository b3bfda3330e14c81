"""``digitize repair FILE -o OUT``: the command over `digitize.repair_text`."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..exit_codes import ExitCode
from ..export.punctuation import PUNCTUATION_CHOICES
from ..repair_text import repair_text
from ..text.rejoin import TextJoin


def _fail(console: Console, path: Path, reason: str) -> None:
    console.print(f"error: {escape(str(path))}: {escape(reason)}", soft_wrap=True)
    sys.exit(ExitCode.USAGE)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def joins_table(joins: list[TextJoin]) -> Table:
    table = Table("lines", "left | right", "kind", "evidence", show_lines=False)
    for j in joins:
        table.add_row(f"{j.left_line}→{j.right_line}", escape(f"…{j.left} | {j.right}…"), j.kind, escape(j.evidence))
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
def repair_command(file: Path, output: Path, joins_path: Path | None, punctuation: str) -> None:
    """Rejoin paragraphs of a corpus-format FILE that were split where the text crossed a column or region."""
    console = Console(stderr=True, highlight=False)
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        _fail(console, file, _reason(exc))
    except UnicodeDecodeError as exc:
        _fail(console, file, f"not UTF-8 text (byte {exc.start}: {exc.reason})")
    repaired, joins = repair_text(text, punctuation)
    try:
        output.write_text(repaired, encoding="utf-8", newline="\n")
    except OSError as exc:
        _fail(console, output, _reason(exc))
    if joins_path is not None:
        try:
            joins_path.write_text(
                json.dumps([asdict(j) for j in joins], ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8",
                newline="\n",
            )
        except OSError as exc:
            _fail(console, joins_path, _reason(exc))
    console.print(f"{len(joins)} joins", soft_wrap=True)
    if joins:
        console.print(joins_table(joins))
