"""``digitize validate FILE...``: the command over `digitize.validate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from .. import schemas
from ..exit_codes import ExitCode
from ..paths import printable
from ..validate import validate_file
from .log import get_log, log_options


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@log_options
def validate_command(files: tuple[Path, ...]) -> None:
    """Validate ALTO (1.4-4.4), NewsML-G2, METS and PAGE files against the official schemas, offline.

    Prints FILE: valid (kind), or FILE:LINE: error for each problem. Exit 1 if any file is invalid.
    """
    log = get_log()
    invalid = 0
    try:
        for path in files:
            kind, errors = validate_file(path)
            if not errors:
                assert kind is not None  # an unknown kind always comes with an error
                if log.json:
                    log.info(None, event="valid", path=str(path), kind=kind.name, schema=kind.schema)
                elif log.verbosity >= 0:
                    click.echo(f"{printable(path)}: valid ({kind.name}, {kind.schema})")
                continue
            invalid += 1
            what = f" ({kind.name})" if kind else ""
            for error in errors:
                line, _, message = error.partition(": ")
                where = line.removeprefix("line ") if line.startswith("line ") else ""
                text = message if where else error
                if log.json:
                    log.error(
                        text,
                        event="invalid",
                        path=str(path),
                        line=int(where) if where.isdigit() else None,
                        kind=kind.name if kind else None,
                    )
                else:
                    # FILE:LINE: error (kind): message -- compiler style, so editors can jump to it
                    log.console.print(
                        escape(printable(f"{path}:{where + ':' if where else ''} error{what}: {text}")),
                        soft_wrap=True,
                    )
    except schemas.SchemaNotFound as exc:
        log.error(str(exc), event="schemas-missing")
        sys.exit(ExitCode.ENGINE)
    if invalid:
        log.warning(f"{invalid} of {len(files)} files invalid", event="summary", invalid=invalid, files=len(files))
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
@log_options
def fetch_schemas_command(source: Path | None, download: bool, dest: Path | None) -> None:
    """Put the official ALTO, METS, PAGE and NewsML-G2/NITF schemas where `validate` finds them, once.

    Nothing is downloaded unless --download is given. Exit 3 when a schema cannot be had."""
    try:
        fetched = schemas.fetch_schemas(source, download=download, dest=dest)
    except schemas.SchemaNotFound as exc:
        get_log().error(str(exc), event="schemas-missing")
        sys.exit(ExitCode.ENGINE)
    log = get_log()
    for item in fetched:
        if log.json:
            log.info(None, event="schema", name=item.name, origin=item.origin)
        elif log.verbosity >= 0 or not item.origin:
            click.echo(f"{item.name}: {item.origin or 'missing'}")
    if any(not item.origin for item in fetched):
        sys.exit(ExitCode.ENGINE)
