"""What several commands share: a one-line error that ends the command, and writing a text output atomically."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.markup import escape

from ..exit_codes import ExitCode
from ..paths import write_atomic


def fail(path: Path | str, reason: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    """``error: PATH: reason`` on stderr, one line, and exit with ``code``."""
    Console(stderr=True, highlight=False).print(f"error: {escape(str(path))}: {escape(reason)}", soft_wrap=True)
    sys.exit(code)


def write_text(path: Path, content: str) -> None:
    """UTF-8 text written atomically (a full disk or a kill leaves the old file or none, never a truncated one);
    a write that fails ends the command with one line."""
    try:
        write_atomic(path, content.encode("utf-8"))
    except OSError as exc:
        fail(path, exc.strerror or str(exc))
