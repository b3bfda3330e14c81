"""What several commands share: a one-line error that ends the command, the output folder, and writing a text
output atomically."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

from ..exit_codes import ExitCode
from ..paths import write_atomic
from .log import get_log


def fail(path: Path | str, reason: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    """``error: PATH: reason`` on stderr, one line (the path escaped), and exit with ``code``."""
    get_log().error(f"{path}: {reason}", path=str(path), reason=reason)
    sys.exit(code)


def make_output_folder(outdir: Path) -> None:
    """Create OUTDIR (and its parents); one that cannot be made ends the command with one line, exit 2."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        get_log().error(f"{outdir}: cannot create output folder ({reason})", path=str(outdir), reason=reason)
        sys.exit(ExitCode.USAGE)


def write_text(path: Path, content: str) -> None:
    """UTF-8 text written atomically (a full disk or a kill leaves the old file or none, never a truncated one);
    a write that fails ends the command with one line."""
    try:
        write_atomic(path, content.encode("utf-8"))
    except OSError as exc:
        fail(path, exc.strerror or str(exc))
