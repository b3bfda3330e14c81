"""``digitize review OUTDIR``: one HTML index of the pages that need a person, worst first.

From a batch output folder the pages come from its manifest (failed, and done but needing review); from a
`run` output folder, from the quality record in each page's ALTO (or JSON). Each row links the page's debug
overlay (``<stem>.overlay.png`` beside its outputs) and a diff report: an existing ``<stem>.diff.html`` beside
the outputs, or one made here against ``--reference DIR`` (``<stem>.txt`` or ``<stem>.gt.txt`` there).
"""

from __future__ import annotations

import json
import math
import sqlite3
import sys
from dataclasses import fields
from pathlib import Path

import click

from ..batch.manifest import MANIFEST_NAME, Manifest
from ..batch.status import clean_page_row, json_object
from ..exit_codes import ExitCode
from ..model import PageQuality
from ..quality import review_summary
from ..read.common import ReadError
from ..report.review import ReviewEntry, render_review
from .common import fail, write_text
from .log import Log, get_log, log_options

ALTO, JSON = ".alto.xml", ".json"


def _stem_path(output: Path) -> Path:
    """``out/a/scan-p0002.alto.xml`` → ``out/a/scan-p0002``."""
    name = output.name
    for suffix in (ALTO, JSON, ".txt"):
        if name.endswith(suffix):
            return output.with_name(name[: -len(suffix)])
    return output.with_suffix("")


def _beside(stem: Path, suffix: str) -> Path | None:
    candidate = stem.with_name(stem.name + suffix)
    return candidate if candidate.is_file() else None


def _number(value: object) -> float | None:
    """A finite number from a record that may not be ours (a JSON file in OUTDIR), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _with_quality(entry: ReviewEntry, quality: PageQuality | None) -> ReviewEntry:
    if quality is not None:
        entry.reasons = [str(r) for r in quality.reasons] if isinstance(quality.reasons, list) else []
        entry.coverage = _number(quality.text_coverage)
        entry.confidence = _number(quality.mean_confidence) if quality.written_lines else None
    return entry


PAGE_QUALITY_FIELDS = {f.name for f in fields(PageQuality)}


def _output_paths(text) -> list[str]:
    """The output paths a manifest row lists: relative paths inside OUTDIR only (a damaged or edited manifest
    cannot make the index link outside it)."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except (ValueError, RecursionError):
        value = None
    paths = []
    for output in value if isinstance(value, list) else []:
        path = output.get("path") if isinstance(output, dict) else None
        if isinstance(path, str) and path and not Path(path).is_absolute() and ".." not in Path(path).parts:
            paths.append(path)
    return paths


def from_manifest(outdir: Path) -> list[tuple[ReviewEntry, Path | None]]:
    """Failed pages and pages needing review, from a batch manifest; with each the stem of its outputs."""
    manifest = Manifest(outdir / MANIFEST_NAME, readonly=True)
    try:
        rows = [clean_page_row(row) for row in list(manifest.pages("failed")) + list(manifest.needs_review())]
    finally:
        manifest.close()
    found = []
    for row in rows:
        outputs = [outdir / path for path in _output_paths(row.get("outputs"))]
        stem = _stem_path(outputs[0]) if outputs else None
        failed = row["state"] == "failed"
        entry = ReviewEntry(
            source=row["source"],
            page=row["page_index"] + 1,
            state="failed" if failed else "needs-review",
            summary=(row["error"] or "failed") if failed else (row["reasons"] or "needs review"),
            outputs=[o for o in outputs if o.is_file()],
        )
        quality = json_object(row.get("quality"))
        known = {key: value for key, value in quality.items() if key in PAGE_QUALITY_FIELDS}
        try:
            record = PageQuality(**known) if known else None
        except TypeError:
            record = None
        found.append((_with_quality(entry, record), stem))
    return found


def from_folder(outdir: Path, log: Log) -> list[tuple[ReviewEntry, Path | None]]:
    """Pages of a `run` output folder whose ALTO (else JSON) quality record says they need review."""
    from ..read import read_input_bytes
    from ..read.alto import read_quality

    found: list[tuple[ReviewEntry, Path | None]] = []
    alto_stems = set()
    for path in sorted(outdir.rglob(f"*{ALTO}")):
        stem = _stem_path(path)
        alto_stems.add(stem)
        try:
            quality, source, index = read_quality(read_input_bytes(path), path)
        except (ReadError, OSError) as exc:
            log.warning(str(exc), path=str(path))
            continue
        if quality is not None and quality.reasons:
            entry = ReviewEntry(source or path.name, index + 1, "needs-review", review_summary(quality))
            found.append((_with_quality(entry, quality), stem))
    for path in sorted(outdir.rglob(f"*{JSON}")):
        stem = _stem_path(path)
        if stem in alto_stems or path.name.endswith((".diff.json", "summary.json")):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            page = data["page"] if isinstance(data, dict) and data.get("format") else None
            raw = page.get("quality") if isinstance(page, dict) else None
            quality = PageQuality(**raw) if isinstance(raw, dict) else None
            source = page["source"]["path"] if isinstance(page, dict) else path.name
            index = int(page["source"]["index"]) if isinstance(page, dict) else 0
        except (OSError, ValueError, TypeError, KeyError):
            continue  # not one of our page JSONs
        if quality is not None and quality.reasons:
            try:
                summary = review_summary(quality)
            except (TypeError, ValueError):  # values of the wrong type: not a record we wrote
                log.warning(f"{path}: not a quality record digitize wrote", path=str(path))
                continue
            entry = ReviewEntry(str(source), index + 1, "needs-review", summary)
            found.append((_with_quality(entry, quality), stem))
    return found


def _diff_report(stem: Path, outdir: Path, reference: Path, into: Path) -> Path | None:
    """The diff report of the page's text output against its reference, written under ``into``."""
    from ..diff import DiffInputError, DiffTooLarge, Options, compare, read_input
    from ..report import render_html

    relative = stem.relative_to(outdir)
    hypothesis = next((h for h in (_beside(stem, ALTO), _beside(stem, ".txt"), _beside(stem, JSON)) if h), None)
    candidates = [reference / relative.parent / f"{stem.name}{s}" for s in (".gt.txt", ".txt")]
    candidates += [reference / f"{stem.name}{s}" for s in (".gt.txt", ".txt")]
    ref = next((c for c in candidates if c.is_file()), None)
    if hypothesis is None or ref is None:
        return None
    try:
        result = compare(
            read_input(ref), read_input(hypothesis), Options(), ref_path=str(ref), hyp_path=str(hypothesis)
        )
    except (DiffInputError, DiffTooLarge):
        return None
    target = into / relative.parent / f"{stem.name}.diff.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, render_html(result))
    return target


@click.command("review")
@click.argument("outdir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "index",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The index file (default OUTDIR/review.html).",
)
@click.option(
    "--reference",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of reference texts (<stem>.txt or <stem>.gt.txt, mirroring OUTDIR): a diff report per page.",
)
@log_options
def review_command(outdir: Path, index: Path | None, reference: Path | None) -> None:
    """Write one HTML index of the pages in OUTDIR that need review or failed, worst first, each linked to its
    overlay and diff report. Prints how many; exit 0 (2 when OUTDIR holds nothing digitize wrote)."""
    log = get_log()
    index = index or outdir / "review.html"
    if (outdir / MANIFEST_NAME).is_file():
        try:
            found = from_manifest(outdir)
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # not a manifest, or a damaged one
            fail(outdir / MANIFEST_NAME, f"cannot be read ({exc})")
    else:
        found = from_folder(outdir, log)
        if not found and not any(outdir.rglob(f"*{ALTO}")) and not any(outdir.rglob(f"*{JSON}")):
            fail(outdir, "no manifest.sqlite, ALTO or JSON output here (not a digitize output folder)")
    entries = []
    for entry, stem in found:
        if stem is not None:
            entry.overlay = _beside(stem, ".overlay.png")
            entry.diff = _beside(stem, ".diff.html")
            if entry.diff is None and reference is not None:
                entry.diff = _diff_report(stem, outdir, reference, index.parent / "review-diffs")
        entries.append(entry)
    write_text(index, render_review(entries, index.parent, str(outdir)))
    failed = sum(1 for e in entries if e.state == "failed")
    log.info(
        f"{len(entries)} pages to review ({failed} failed, {len(entries) - failed} need review) → {index}",
        event="written",
        path=str(index),
        pages=len(entries),
        failed=failed,
    )
    sys.exit(ExitCode.OK)
