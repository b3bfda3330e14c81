"""``digitize validate FILE...``: the command over `digitize.validate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import schemas
from ..exit_codes import ExitCode
from ..validate import validate_file


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate_command(files: tuple[Path, ...]) -> None:
    """Validate ALTO (1.4-4.4), NewsML-G2, METS and PAGE files against the official schemas, offline.

    Prints FILE: valid (kind), or FILE:LINE: error for each problem. Exit 1 if any file is invalid.
    """
    invalid = 0
    try:
        for path in files:
            kind, errors = validate_file(path)
            if not errors:
                assert kind is not None  # an unknown kind always comes with an error
                click.echo(f"{path}: valid ({kind.name}, {kind.schema})")
                continue
            invalid += 1
            what = f" ({kind.name})" if kind else ""
            for error in errors:
                line, _, message = error.partition(": ")
                where = line.removeprefix("line ") if line.startswith("line ") else ""
                text = message if where else error
                click.echo(f"{path}:{where + ':' if where else ''} error{what}: {text}", err=True)
    except schemas.SchemaNotFound as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(ExitCode.ENGINE)
    if invalid:
        click.echo(f"{invalid} of {len(files)} files invalid", err=True)
        sys.exit(ExitCode.INVALID)


@click.command("fetch-schemas")
@click.option(
    "--from",
    "source",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Copy the XSDs from this folder (e.g. a copy of the official schemas).",
)
@click.option("--download", is_flag=True, help="Fetch what no folder or installed package has from its publisher.")
@click.option(
    "--dest",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to put them (default: the cache, $DIGITIZE_CACHE_DIR/schemas).",
)
def fetch_schemas_command(source: Path | None, download: bool, dest: Path | None) -> None:
    """Put the official ALTO, METS, PAGE and NewsML-G2/NITF schemas where `validate` finds them, once.

    Nothing is downloaded unless --download is given. Exit 3 when a schema cannot be had."""
    try:
        fetched = schemas.fetch_schemas(source, download=download, dest=dest)
    except schemas.SchemaNotFound as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(ExitCode.ENGINE)
    for item in fetched:
        click.echo(f"{item.name}: {item.origin or 'missing'}")
    if any(not item.origin for item in fetched):
        sys.exit(ExitCode.ENGINE)
