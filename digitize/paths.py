"""Files and their names as every command handles them: atomic writes whose temp files are recognisably
ours, and file names made safe to print.

* `write_atomic` writes a temp file beside the target (``.NAME.XXXXXXXX.digitize.part``), syncs it and
  renames it over the target, so a killed run or a full disk never leaves a half-written file under a final
  name; `is_our_partial` recognises those temp files, so cleaning up never deletes a user's ``.*.part``.
* `printable` shows a path with control characters escaped: a newline or ESC in a file name must not forge
  or clear terminal lines.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

PARTIAL_SUFFIX = ".digitize.part"
_PARTIAL = re.compile(r"^\..+\.[A-Za-z0-9_]{8}" + re.escape(PARTIAL_SUFFIX) + r"$", re.DOTALL)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` all at once or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{_cut(path.name, _TEMP_NAME_BYTES)}.", suffix=PARTIAL_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ``.NAME.XXXXXXXX.digitize.part`` adds 24 bytes to NAME; a name near the 255-byte limit is shortened in the
# temp name only (the temp file still matches `is_our_partial`), so a long but valid output name can be written.
_TEMP_NAME_BYTES = 255 - 24


def _cut(name: str, limit: int) -> str:
    """``name`` cut to at most ``limit`` bytes (UTF-8) at a character boundary."""
    kept, used = [], 0
    for char in name:
        used += len(char.encode("utf-8", "surrogateescape"))
        if used > limit:
            break
        kept.append(char)
    return "".join(kept)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def is_our_partial(path: Path) -> bool:
    """Whether ``path`` is a temp file `write_atomic` left behind (a kill between write and rename): its
    name has our pattern, it is a regular file (not a link) and it belongs to this user."""
    if not _PARTIAL.match(path.name):
        return False
    try:
        info = path.lstat()
    except OSError:
        return False
    return path.is_file() and not path.is_symlink() and info.st_uid == os.getuid()


def remove_our_partials(folder: Path) -> list[Path]:
    """Delete the temp files of writes cut short under ``folder`` (see `is_our_partial`); nothing else."""
    removed = []
    for candidate in Path(folder).rglob("*" + PARTIAL_SUFFIX):
        if is_our_partial(candidate):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(path: str | os.PathLike) -> str:
    """``path`` for a terminal or a log line: control characters (newline, ESC, bidi overrides) shown as
    ``\\n``, ``\\x1b``, ``\\u202e``; bytes that are not UTF-8 (surrogate-escaped by Python) as ``\\xNN``."""
    text = os.fspath(path)

    def escape(m: re.Match) -> str:
        c = m.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(c) or (
            f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"
        )

    text = _UNPRINTABLE.sub(escape, text)
    return (
        text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        if any(0xDC80 <= ord(c) <= 0xDCFF for c in text)
        else text
    )
