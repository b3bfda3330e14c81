"""Writing a page's outputs to disk: names, formats, and atomic writes (temp file + rename), so that a
killed run never leaves a half-written file under a final name."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..model import Page
from .alto import page_to_alto
from .json import page_json
from .text import page_text

OUTPUT_FORMATS = ("txt", "alto", "json")
SUFFIXES = {"txt": ".txt", "alto": ".alto.xml", "json": ".json"}


def output_stem(path: Path, number: int, total: int) -> str:
    """``scan`` for a one-page input, ``scan-p0001`` … for each page of a multi-page one."""
    return path.stem if total == 1 else f"{path.stem}-p{number:04d}"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def render_page(page: Page, fmt: str, punctuation: str = "corpus", alto_unit: str = "pixel") -> bytes:
    if fmt == "txt":
        return page_text(page, punctuation).encode("utf-8")
    if fmt == "alto":
        return page_to_alto(page, unit=alto_unit)
    if fmt == "json":
        return page_json(page).encode("utf-8")
    raise ValueError(f"unknown output format {fmt!r}")


def write_page_outputs(page: Page, outdir: Path, stem: str, formats: list[str], punctuation: str = "corpus",
                       alto_unit: str = "pixel") -> list[Path]:
    written = []
    for fmt in formats:
        target = outdir / (stem + SUFFIXES[fmt])
        write_atomic(target, render_page(page, fmt, punctuation, alto_unit))
        written.append(target)
    return written
