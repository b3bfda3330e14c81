"""``digitize settings``: the effective settings (defaults, then ``--config``, then ``--set``) as a TOML file
with the reason behind each value; its output is a valid ``--config`` file."""

from __future__ import annotations

import click

from ..settings import Settings, describe_settings
from .log import log_options
from .options import settings_options


@click.command("settings")
@settings_options
@click.option("--digest", is_flag=True, help="Print only the settings digest (as written to ALTO and the manifest).")
@log_options
def settings_command(settings: Settings, digest: bool) -> None:
    """Print the effective settings as TOML, each value with the measurement or reason behind it."""
    click.echo(settings.digest() if digest else describe_settings(settings))
