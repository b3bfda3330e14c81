"""``digitize diff REFERENCE HYPOTHESIS``: the command over `digitize.diff`, its tables and report files."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..diff import (
    HAN_FOLDS,
    DiffInputError,
    DiffResult,
    DiffTooLarge,
    Options,
    compare,
    pair_files,
    read_input,
    summary_rows,
)
from ..export.names import safe_stem
from ..export.punctuation import PUNCTUATION_CHOICES
from ..paths import printable
from .common import fail as _fail
from .common import write_text as _write
from .log import get_log, log_options

INDEX_NAME, SUMMARY_NAME = "index.html", "summary.json"


def print_summary(console: Console, result: DiffResult) -> None:
    table = Table(title="diff summary", show_header=True)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in summary_rows(result):
        table.add_row(k, escape(printable(v)))
    console.print(table)
    console.print("normalisation: " + escape("; ".join(result.options.applied())), soft_wrap=True)
    if result.repair is not None:
        console.print(f"{result.repair['artefacts_repaired']} reference artefacts repaired")
    for side, groups in result.breakdown.items():
        per = Table(title=f"per article ({side})")
        for name in ("article", "units", "errors", "error rate"):
            per.add_column(name, justify="left" if name == "article" else "right")
        for g in groups["articles"]:
            per.add_row(escape(printable(g["id"])), str(g["units"]), str(g["errors"]), f"{g['error_rate']:.2%}")
        console.print(per)
    if result.confusions:
        conf = Table(title=f"top {len(result.confusions)} confusions (reference→hypothesis)")
        conf.add_column("confusion")
        conf.add_column("count", justify="right")
        for c in result.confusions:
            conf.add_row(escape(printable(c["label"])), str(c["count"]))
        console.print(conf)


# --- command line -------------------------------------------------------------------------------------------


def _page_image(hyp_path: Path, result: DiffResult, image: Path | None) -> str | None:
    """The embedded page image: ``--image``, else the file the hypothesis names, found inside the folder the
    hypothesis sits in (as named, or by its bare name beside the hypothesis); never a path outside it."""
    from ..report import PageImageError, named_page_image, page_image_uri

    if not result.line_errors:
        return None
    if image:
        try:
            return page_image_uri(image)
        except PageImageError as exc:
            _fail(image, f"cannot be read as an image ({exc})")
    named = result.page and result.page["image"]
    if not named:
        return None
    for name in dict.fromkeys((named, Path(named.replace("\\", "/")).name)):
        try:
            return page_image_uri(named_page_image(hyp_path, name))
        except PageImageError:
            continue
    return None


def _run_one(reference: Path, hypothesis: Path, options: Options) -> DiffResult:
    sources = []
    for path in (reference, hypothesis):
        try:
            sources.append(read_input(path))
        except DiffInputError as exc:
            _fail(path, str(exc))
    try:
        return compare(sources[0], sources[1], options, ref_path=str(reference), hyp_path=str(hypothesis))
    except DiffTooLarge as exc:
        _fail(hypothesis if "hypothesis" in str(exc) else reference, str(exc))
        raise  # unreachable: _fail exits


def _write_reports(
    result: DiffResult, hypothesis: Path, json_path: Path | None, html_path: Path | None, image: Path | None
) -> None:
    from ..report import render_html

    if json_path is not None:
        _write(json_path, json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    if html_path is not None:
        _write(html_path, render_html(result, _page_image(hypothesis, result, image)))


def report_names(stems: list[str]) -> dict[str, str]:
    """The file name (without .html/.json) of each page's reports: its stem, made short enough for the file
    system, and never ``index`` or ``summary`` (the batch's own files) nor another page's name."""
    taken, names = {"index", "summary"}, {}
    for stem in stems:
        name = base = safe_stem(stem)
        n = 1
        while name in taken:
            n += 1
            name = safe_stem(f"{base}~{n}")
        taken.add(name)
        names[stem] = name
    return names


def run_batch(ref_dir: Path, hyp_dir: Path, out_dir: Path, options: Options, console: Console) -> list[dict]:
    """Diff every pair, write ``<stem>.html`` and ``<stem>.json`` per page, ``summary.json`` and ``index.html``
    (every page, worst first, linking its report); print the summary table, worst page (highest CER) first."""
    from ..report import render_html, render_index

    for folder in (ref_dir, hyp_dir):
        if not folder.is_dir():
            _fail(folder, "not a directory")
    pairs, only_ref, only_hyp = pair_files(ref_dir, hyp_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _fail(out_dir, exc.strerror or str(exc))
    pages = []
    names = report_names([stem for stem, _, _ in pairs])
    log = get_log()
    for stem, ref, hyp in pairs:
        result = _run_one(ref, hyp, options)
        name = names[stem]
        _write(out_dir / f"{name}.json", json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
        _write(out_dir / f"{name}.html", render_html(result, _page_image(hyp, result, None)))
        log.detail(f"{stem}: CER {result.metrics['cer']:.4%}", event="page", page=stem, cer=result.metrics["cer"])
        m = result.metrics
        pages.append(
            {
                "page": stem,
                "reference": str(ref),
                "hypothesis": str(hyp),
                "cer": m["cer"],
                "wer": m["wer"],
                "flexible_character_accuracy": m["flexible_character_accuracy"],
                "distance": m["distance"],
                "units": result.reference["units"],
                "report": f"{name}.html",
            }
        )
    pages.sort(key=lambda p: (-p["cer"], p["page"]))
    summary = {
        "pages": pages,
        "only_in_reference": only_ref,
        "only_in_hypothesis": only_hyp,
        "normalisations_applied": options.applied(),
    }
    _write(out_dir / SUMMARY_NAME, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
    _write(out_dir / INDEX_NAME, render_index(pages, only_ref, only_hyp, options.applied()))
    table = Table(title=f"diff of {len(pages)} pages, worst first")
    for name in ("page", "CER", "WER", "FCA", "edits", "units", "report"):
        table.add_column(name, justify="left" if name in ("page", "report") else "right")
    for p in pages:
        table.add_row(
            escape(printable(p["page"])),
            f"{p['cer']:.4%}",
            f"{p['wer']:.4%}",
            f"{p['flexible_character_accuracy']:.4%}",
            str(p["distance"]),
            str(p["units"]),
            escape(printable(out_dir / p["report"])),
        )
    console.print(table)
    console.print(f"index: {escape(printable(out_dir / INDEX_NAME))}", soft_wrap=True)
    for label, stems in (("only in the reference folder", only_ref), ("only in the hypothesis folder", only_hyp)):
        if stems:
            console.print(f"{label}: " + escape(printable(", ".join(stems))), soft_wrap=True)
    return pages


@click.command("diff", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("reference", type=click.Path(path_type=Path))
@click.argument("hypothesis", type=click.Path(path_type=Path))
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write all metrics, options and confusions as JSON.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a self-contained HTML report with the page view and a side-by-side aligned view.",
)
@click.option(
    "--image",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Page image for the HTML report (default: the one the ALTO/JSON hypothesis names).",
)
@click.option(
    "--batch",
    is_flag=True,
    default=False,
    help="REFERENCE and HYPOTHESIS are folders: pair files by stem, write a report per page to -o.",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path, allow_dash=True),
    default=None,
    help="With --batch: folder for <stem>.html, <stem>.json, summary.json and index.html.",
)
@click.option(
    "--punctuation",
    type=click.Choice(PUNCTUATION_CHOICES),
    default="keep",
    show_default=True,
    help="Rewrite both sides into this punctuation profile before comparing (keep: as written).",
)
@click.option(
    "--fold-width", is_flag=True, default=False, help="Fold full-width ASCII variants to ASCII on both sides."
)
@click.option(
    "--fold-han",
    type=click.Choice(tuple(HAN_FOLDS)),
    default=None,
    help="Convert both sides to simplified or traditional characters (OpenCC) before comparing.",
)
@click.option(
    "--ignore-whitespace/--keep-whitespace",
    default=True,
    show_default=True,
    help="Remove whitespace before the character alignment, or compare it.",
)
@click.option(
    "--repair-reference",
    is_flag=True,
    default=False,
    help="Rejoin the reference's paragraphs split at column/region boundaries first (and report how many).",
)
@log_options
def diff_command(
    reference: Path,
    hypothesis: Path,
    json_path: Path | None,
    html_path: Path | None,
    image: Path | None,
    batch: bool,
    out_dir: Path | None,
    punctuation: str,
    fold_width: bool,
    fold_han: str | None,
    ignore_whitespace: bool,
    repair_reference: bool,
) -> None:
    """Compare HYPOTHESIS against REFERENCE (text, ALTO, our JSON, …): CER, WER, FCA, confusions, reports."""
    options = Options(punctuation, fold_width, ignore_whitespace, repair_reference, fold_han)
    console = Console(highlight=False)
    if batch:
        if out_dir is None or out_dir == Path("-"):
            raise click.UsageError("--batch needs -o/--out FOLDER for the per-page reports (a folder, not -)")
        run_batch(reference, hypothesis, out_dir, options, console)
        return
    result = _run_one(reference, hypothesis, options)
    _write_reports(result, hypothesis, json_path, html_path, image)
    print_summary(console, result)
