"""How output files are named: one set of names shared by the writers, METS and the batch runner."""

from __future__ import annotations

from pathlib import Path

OUTPUT_FORMATS = ("txt", "alto", "json")  # one file per page
DOCUMENT_FORMATS = ("newsml",)  # one file per issue
SUFFIXES = {"txt": ".txt", "alto": ".alto.xml", "json": ".json", "newsml": ".newsml.xml", "mets": ".mets.xml",
            "issue": ".issue.txt"}


def output_stem(path: Path, number: int, total: int) -> str:
    """``scan`` for a one-page input, ``scan-p0001`` … for each page of a multi-page one."""
    return path.stem if total == 1 else f"{path.stem}-p{number:04d}"
