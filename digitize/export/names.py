"""How output files are named: one set of names shared by the writers, METS and the batch runner."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

OUTPUT_FORMATS = ("txt", "alto", "json", "page", "hocr", "pdf")  # one file per page
DOCUMENT_FORMATS = ("newsml",)  # one file per issue (pdf also writes one per issue: ISSUE_FORMATS)
SUFFIXES = {
    "txt": ".txt",
    "alto": ".alto.xml",
    "json": ".json",
    "page": ".page.xml",
    "hocr": ".hocr",
    "pdf": ".pdf",
    "newsml": ".newsml.xml",
    "mets": ".mets.xml",
    "issue": ".issue.txt",
    "issue-pdf": ".issue.pdf",
}


# File names are at most 255 bytes on every common file system (NAME_MAX). An output name is the input's stem,
# a page part (-p0001, longer past 9,999 pages) and a suffix (.overlay.png, the longest, is 12 bytes): a stem
# of at most 223 bytes leaves 32 for the two. A longer stem (a valid 244-byte input name) is cut at a
# character boundary and given a hash of the whole stem, so two long names that share their start still
# get outputs of their own.
NAME_MAX = 255
MAX_STEM_BYTES = NAME_MAX - 32
_HASH_CHARS = 8


def _byte_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogateescape"))


def file_stem(path: Path | str) -> str:
    """The stem outputs of ``path`` are named after (`safe_stem` of its stem)."""
    return safe_stem(Path(path).stem)


def safe_stem(stem: str) -> str:
    """``stem`` itself, or for a stem over `MAX_STEM_BYTES` bytes its start and ``~`` and 8 hex digits of its
    SHA-256 (``<first 214 bytes>~1a2b3c4d``)."""
    if _byte_length(stem) <= MAX_STEM_BYTES:
        return stem
    digest = hashlib.sha256(stem.encode("utf-8", "surrogateescape")).hexdigest()[:_HASH_CHARS]
    budget, kept = MAX_STEM_BYTES - 1 - _HASH_CHARS, []
    for char in stem:
        budget -= _byte_length(char)
        if budget < 0:
            break
        kept.append(char)
    return "".join(kept) + "~" + digest


def page_xml_file_id(number: int) -> str:
    """The METS file ID of page ``number``'s PAGE XML file, which is also that file's ``pcGtsId`` (OCR-D
    requires the two to be equal)."""
    return f"PAGE{number:05d}"


def output_stem(path: Path, number: int, total: int) -> str:
    """``scan`` for a one-page input, ``scan-p0001`` … for each page of a multi-page one (`file_stem`)."""
    return file_stem(path) if total == 1 else f"{file_stem(path)}-p{number:04d}"


def parse_formats(value: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """``"txt, alto"`` → ``("txt", "alto")``, each once, in the order given; ValueError names what is unknown."""
    formats = tuple(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in allowed]
    if unknown or not formats:
        raise ValueError(f"unknown format {', '.join(unknown) or repr(value)}; choose from {', '.join(allowed)}")
    return formats


OVERLAY_SUFFIX = ".overlay.png"  # `run --debug-overlay`


def planned_outputs(
    inputs: list[tuple[Path, int]], formats: tuple[str, ...] | list[str], overlay: bool = False, issue: bool = False
) -> list[tuple[str, Path, int | None]]:
    """Every file a run of ``inputs`` (path, page count) writes into its output folder, as
    (file name, the input that writes it, its page number or None for a whole-file output), in the order
    they are written. ``issue``: all inputs make one issue named after the first (``run --issue``)."""
    page_formats = [f for f in formats if f in OUTPUT_FORMATS]
    out: list[tuple[str, Path, int | None]] = []
    pages_in_issue = 0
    for path, total in inputs:
        for number in range(1, total + 1):
            stem = output_stem(path, number, total)
            out += [(stem + SUFFIXES[f], path, number) for f in page_formats]
            if overlay:
                out.append((stem + OVERLAY_SUFFIX, path, number))
        pages_in_issue += total
        if not issue:
            out += _issue_outputs(path, total, formats)
    if issue and inputs:
        out += _issue_outputs(inputs[0][0], pages_in_issue, formats)
    return out


def _issue_outputs(path: Path, pages: int, formats) -> list[tuple[str, Path, None]]:
    """What `files.write_issue_outputs` writes for an issue of ``pages`` pages named after ``path``."""
    names = []
    if "newsml" in formats:
        names.append(file_stem(path) + SUFFIXES["newsml"])
    if pages > 1 and "alto" in formats:
        names.append(file_stem(path) + SUFFIXES["mets"])
    if pages > 1 and "txt" in formats:
        names.append(file_stem(path) + SUFFIXES["issue"])
    if pages > 1 and "pdf" in formats:
        names.append(file_stem(path) + SUFFIXES["issue-pdf"])
    return [(name, path, None) for name in names]


def output_collisions(
    inputs: list[tuple[Path, int]],
    formats: tuple[str, ...] | list[str],
    outdir: Path | None = None,
    overlay: bool = False,
    issue: bool = False,
) -> list[str]:
    """Why a run would lose data, one line per clash: two outputs with one name (``scan.tif`` of two pages
    and ``scan-p0001.png`` both write ``scan-p0001.txt``; ``scan.tif`` and ``scan.issue.png`` both
    ``scan.issue.txt``), or an output that would overwrite an input (``a.overlay.png`` given with
    ``--debug-overlay`` next to ``a.png``). Empty when every output name is its own. The command refuses
    the run before writing anything when this is not empty. Inputs are checked when ``outdir`` is given."""

    def who(path: Path, number: int | None) -> str:
        return f"{path}" if number is None else f"{path} (page {number})"

    problems = []
    first: dict[str, tuple[Path, int | None]] = {}
    resolved_outdir = outdir.resolve() if outdir is not None else None
    # realpath, not resolve(): a symlink loop among the inputs fails later with its own message, not here
    real = {p: Path(os.path.realpath(p)) for p, _ in inputs}
    inputs_here = {real[p]: p for p, _ in inputs if real[p].parent == resolved_outdir}
    for name, path, number in planned_outputs(inputs, formats, overlay, issue):
        if name in first and first[name] != (path, number):
            problems.append(f"{name} would be written for both {who(*first[name])} and {who(path, number)}")
        first.setdefault(name, (path, number))
        target = resolved_outdir / name if resolved_outdir is not None else None
        if target in inputs_here:
            problems.append(
                f"{name}, an output of {who(path, number)}, would overwrite the input {inputs_here[target]}"
            )
    return list(dict.fromkeys(problems))
