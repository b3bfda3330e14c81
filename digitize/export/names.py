"""How output files are named: one set of names shared by the writers, METS and the batch runner."""

from __future__ import annotations

from pathlib import Path

OUTPUT_FORMATS = ("txt", "alto", "json", "page", "hocr", "pdf")  # one file per page
DOCUMENT_FORMATS = ("newsml",)  # one file per issue (pdf also writes one per issue: ISSUE_FORMATS)
SUFFIXES = {"txt": ".txt", "alto": ".alto.xml", "json": ".json", "page": ".page.xml", "hocr": ".hocr",
            "pdf": ".pdf", "newsml": ".newsml.xml", "mets": ".mets.xml", "issue": ".issue.txt",
            "issue-pdf": ".issue.pdf"}


def output_stem(path: Path, number: int, total: int) -> str:
    """``scan`` for a one-page input, ``scan-p0001`` … for each page of a multi-page one."""
    return path.stem if total == 1 else f"{path.stem}-p{number:04d}"


def parse_formats(value: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """``"txt, alto"`` → ``("txt", "alto")``, each once, in the order given; ValueError names what is unknown."""
    formats = tuple(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in allowed]
    if unknown or not formats:
        raise ValueError(f"unknown format {', '.join(unknown) or repr(value)}; choose from {', '.join(allowed)}")
    return formats
