"""The command line: thin wrappers that parse options, call the library and print with rich. Every command
lives in its own module here; nothing below `digitize.cli` imports click or rich.

Exit codes (`digitize.exit_codes.ExitCode`): 0 all done; 1 completed, but some inputs failed (validate: some
file is invalid); 2 usage error; 3 an engine (validate: the schemas) could not be loaded, nothing was processed;
4 an output could not be written; 5 run/batch --strict and some pages need review; 130 interrupted (Ctrl-C).
Every command takes -q, -v and --log-json (`digitize.cli.log`).
"""

from __future__ import annotations

import click

from ..exit_codes import ExitCode
from ..version import __version__
from .batch import batch_command, status_command
from .convert import convert_command
from .diff import diff_command
from .layout_eval import layout_eval_command
from .log import DigitizeGroup, log_options
from .repair import repair_command
from .review import review_command
from .run import run_command
from .settings import settings_command
from .validate import fetch_schemas_command, validate_command

__all__ = ["ExitCode", "main"]


@click.group(cls=DigitizeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="digitize")
@log_options
def main() -> None:
    """Printed pages to faithful text and library-grade XML."""


for command in (
    run_command,
    repair_command,
    diff_command,
    layout_eval_command,
    validate_command,
    convert_command,
    batch_command,
    status_command,
    review_command,
    settings_command,
    fetch_schemas_command,
):
    main.add_command(command)
