"""What every command says on stderr, and how: ``-q`` (errors only), ``-v`` (more detail), ``--log-json`` (one
JSON object per event), colour only on a terminal and never with ``NO_COLOR``.

Every message passes through `printable`, so a newline, ESC or bidi override inside a file name can neither
forge a line (``error: ...``) nor move the cursor: names are shown escaped (``a\\nb``, ``\\x1b[2J``). In JSON
mode names are JSON strings (control characters escaped by JSON itself).

A command's product (``convert`` to stdout, ``settings``, the ``status`` report, the ``diff`` summary) goes
to stdout and is not affected by ``-q``; what is written here is the commentary: errors (always), warnings
(always), information (hidden by ``-q``) and detail (shown by ``-v``). The group ends every command, in JSON
mode, with ``{"event": "exit", "code": N}``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from ..paths import printable

META_KEY = "digitize.log"

QUIET, NORMAL, VERBOSE = -1, 0, 1


def _console() -> Console:
    # rich honours NO_COLOR and writes no escape sequences when stderr is not a terminal.
    return Console(stderr=True, highlight=False, no_color=bool(os.environ.get("NO_COLOR")) or None)


@dataclass
class Log:
    verbosity: int = NORMAL
    json: bool = False
    console: Console = field(default_factory=_console)

    # ------------------------------------------------------------------------------------ events

    def emit(self, event: str, level: str, message: str | None = None, **fields: Any) -> None:
        """One event: a JSON line in JSON mode, else the message (if any) as one escaped line."""
        if self.json:
            record = {"event": event, "level": level, "time": round(time.time(), 3)}
            if message is not None:
                record["message"] = message
            line = json.dumps(record | fields, ensure_ascii=False, default=str)
            if any(0xD800 <= ord(c) <= 0xDFFF for c in line):  # a name that is not UTF-8: ASCII-escaped JSON
                line = json.dumps(record | fields, default=str)
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
            return
        if message is None:
            return
        text = escape(printable(message))
        if level == "error":
            text = "[red]error:[/red] " + text
        elif level == "warning":
            text = "[yellow]warning:[/yellow] " + text
        self.console.print(text, soft_wrap=True)

    def error(self, message: str, event: str = "error", **fields: Any) -> None:
        """Always shown: ``error: MESSAGE`` (the prefix is added here)."""
        self.emit(event, "error", message, **fields)

    def warning(self, message: str, event: str = "warning", **fields: Any) -> None:
        self.emit(event, "warning", message, **fields)

    def review(self, message: str, **fields: Any) -> None:
        """A page that needs review: ``review: FILE pN: reasons (figures)``, shown as warnings are (also with -q)."""
        if self.json:
            self.emit("review", "warning", message, **fields)
        else:
            self.console.print("[yellow]review:[/yellow] " + escape(printable(message)), soft_wrap=True)

    def info(self, message: str | None, event: str = "info", **fields: Any) -> None:
        """Progress and results of the run; hidden by ``-q``."""
        if self.verbosity >= NORMAL:
            self.emit(event, "info", message, **fields)

    def detail(self, message: str | None, event: str = "detail", **fields: Any) -> None:
        """Shown with ``-v`` only."""
        if self.verbosity >= VERBOSE:
            self.emit(event, "debug", message, **fields)

    @property
    def shows_progress(self) -> bool:
        """A progress bar only in text mode and not with ``-q``."""
        return not self.json and self.verbosity >= NORMAL

    def progress(self, *columns, **options):
        """A rich Progress on this console, or a stand-in that shows nothing (``-q``, ``--log-json``)."""
        if self.shows_progress:
            from rich.progress import Progress

            return Progress(*columns, console=self.console, **options)
        return _NoProgress()


class _NoProgress(nullcontext):
    def add_task(self, *args, **kwargs) -> int:
        return 0

    def advance(self, *args, **kwargs) -> None:
        pass

    def update(self, *args, **kwargs) -> None:
        pass


_default = Log()


def get_log() -> Log:
    """The log of the command being run (its ``-q``/``-v``/``--log-json``), or a default one outside click."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return _default
    return ctx.meta.setdefault(META_KEY, Log())


def _set(attribute: str, convert: Callable[[Any], Any]) -> Callable:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        log = ctx.meta.setdefault(META_KEY, Log())
        if value:  # an option not given leaves what another one (or the group) set
            setattr(log, attribute, convert(value))

    return callback


def log_options(command: Callable) -> Callable:
    """``-q/--quiet``, ``-v/--verbose`` and ``--log-json``, for every command. They are eager, so that a bad
    value of any other option is already reported in the chosen form."""
    command = click.option(
        "--log-json",
        is_flag=True,
        is_eager=True,
        expose_value=False,
        callback=_set("json", bool),
        help="Messages as JSON lines on stderr, one object per event.",
    )(command)
    command = click.option(
        "-v",
        "--verbose",
        count=True,
        is_eager=True,
        expose_value=False,
        callback=_set("verbosity", lambda n: min(n, VERBOSE)),
        help="Say more (per-stage timings, every page).",
    )(command)
    return click.option(
        "-q",
        "--quiet",
        is_flag=True,
        is_eager=True,
        expose_value=False,
        callback=_set("verbosity", lambda _: QUIET),
        help="Errors and warnings only; no progress.",
    )(command)


class _Interrupted(Exception):
    """Ctrl-C inside a command, carried past click's own handling."""


class DigitizeGroup(click.Group):
    """The command group: usage errors in the chosen form (one JSON object with ``--log-json``), Ctrl-C as
    exit 130 with one line (not click's "Aborted!" and exit 1), and a final ``exit`` event in JSON mode."""

    _meta: dict | None = None

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:  # before click turns it into "Aborted!" after a blank line
            raise _Interrupted() from exc

    def make_context(self, info_name, args, parent=None, **extra):
        ctx = super().make_context(info_name, args, parent, **extra)
        self._meta = ctx.meta  # shared with the subcommand's context, where its log options put the Log
        return ctx

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        from ..exit_codes import ExitCode

        args = list(sys.argv[1:] if args is None else args)
        self._meta = None

        def log() -> Log:
            # before the options are parsed (an unknown option), --log-json is looked for in the words given
            found = (self._meta or {}).get(META_KEY) or Log()
            found.json = found.json or "--log-json" in args
            return found

        try:
            returned = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = returned if isinstance(returned, int) else ExitCode.OK
        except click.ClickException as exc:
            if log().json:
                log().error(exc.format_message(), event="usage", code=exc.exit_code)
            else:
                exc.show()
            code = exc.exit_code
        except (_Interrupted, click.Abort, KeyboardInterrupt):
            log().error("interrupted", event="interrupted")
            code = ExitCode.INTERRUPTED
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if log().json:
            log().emit("exit", "info", code=int(code))
        sys.exit(code)
