"""Join decisions measured on the rendered test bed: precision and recall by join kind, for the decisions
alone (on the ground truth's own lines and blocks) and end to end (real OCR, real layout).

    python bench/joins.py [--engine ppocr] [--out bench/joins.md] [--cache DIR]

Pages: the broadsheet (samples/jinzhong-front-*), every layout family (samples/families/*) and the issue
pages (samples/issue/, samples/issue-en/), grouped as CJK or English, clean or scan. Each page is digitized
by ``digitize.pipeline.iter_pages`` and scored by ``digitize.evaluate.joins.score_joins`` against its ``*.gt.json``;
``--cache`` keeps each page's ALTO (which carries the joins) so that a re-run scores without OCR. Not part of the test suite
(tests/test_repair.py asserts the same floors on the ground-truth layout, quickly).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT))

from digitize.evaluate.joins import join_across_columns, page_from_ground_truth, score_joins, true_joins  # noqa: E402
from digitize.export.alto import page_to_alto  # noqa: E402
from digitize.export.text import page_text  # noqa: E402
from digitize.model import (  # noqa: E402
    JoinKind,
    box_iou,
    glue,
)
from digitize.read import read  # noqa: E402
from digitize.repair import join_lines  # noqa: E402

# The issue's four kinds: a kept hyphen is a join with nothing added, as a CJK join is.
ISSUE_KINDS = {JoinKind.HYPHEN_KEPT: JoinKind.CJK}


def test_bed() -> list[tuple[Path, Path]]:
    """(image, ground truth) for every rendered page."""
    pairs = []
    for gt in sorted(SAMPLES.glob("*.gt.json")) + sorted(SAMPLES.glob("*/*.gt.json")):
        stem = gt.name[: -len(".gt.json")]
        image = next((p for p in (gt.with_name(stem + ext) for ext in (".png", ".jpg")) if p.exists()), None)
        if image is not None:
            pairs.append((image, gt))
    return pairs


def group_of(image: Path, gt: dict) -> str:
    script = "English" if all(b["text"].isascii() for b in gt["blocks"] if b.get("text")) else "CJK"
    quality = "scan" if image.suffix == ".jpg" else "clean"
    return f"{script} {quality}"


def ocr_page(image: Path, engine: str, cache: Path | None):
    """The digitized page, read back from the cache's ALTO when there is one."""
    from digitize.pipeline import iter_pages

    dump = cache / f"{image.parent.name}-{image.stem}.alto.xml" if cache else None
    if dump is not None and dump.exists():
        return read(dump).pages[0]
    page = next(iter_pages(image, engine))
    if dump is not None:
        dump.write_bytes(page_to_alto(page))
    return page


def scored(by_group: dict[str, list], counted_as: dict | None = None) -> dict[str, dict]:
    """Scores per group of pages, and over all of them."""
    out = {g: score_joins(by_group[g], counted_as=counted_as) for g in sorted(by_group)}
    return out | {"all": score_joins([p for g in sorted(by_group) for p in by_group[g]], counted_as=counted_as)}


def table(title: str, scores_by_group: dict[str, dict]) -> list[str]:
    kinds = [k for k in JoinKind if any(s[k].truth or s[k].predicted for s in scores_by_group.values())]
    out = [
        f"### {title}",
        "",
        "| pages | " + " | ".join(f"{k.value} P / R (truth)" for k in kinds) + " |",
        "|---|" + "---|" * len(kinds),
    ]
    for group, scores in scores_by_group.items():
        cells = []
        for k in kinds:
            s = scores[k]
            cells.append(f"{s.precision:.3f} / {s.recall:.3f} ({s.truth})" if s.truth or s.predicted else "–")
        out.append(f"| {group} | " + " | ".join(cells) + " |")
    return out + [""]


def misses(pages) -> list[str]:
    """Every true join the page gets wrong, with the evidence of the decision, for the notes."""
    out = []
    for page, gt, name in pages:
        lines = [line for block in page.blocks for line in block.lines]
        for i, kind in true_joins(gt).items():
            gt_line = gt["lines"][i]
            best = max(lines, key=lambda ln: box_iou(ln.box, tuple(gt_line["box"])), default=None)
            overlap = box_iou(best.box, tuple(gt_line["box"])) if best is not None else 0.0
            if overlap < 0.5:
                out.append(
                    f"- {name}: `{gt_line['text'][-20:]}` truth {kind.value}: no line read there (best IoU {overlap:.2f})"
                )
            elif best.join is None or best.join.kind is not kind:
                found, evidence = (best.join.kind.value, best.join.evidence) if best.join else ("no join", "")
                out.append(f"- {name}: `{gt_line['text'][-20:]}` truth {kind.value}, got {found} — {evidence}")
    return out


def truth_words(gt: dict) -> list[str]:
    """The words of the page's text as the ground truth has it: its blocks in reading order, a block that
    continues the one before (a column break inside a paragraph) joined to it as printed."""
    first_line, last_line = {}, {}
    for line in gt["lines"]:
        first_line.setdefault(line["block"], line["text"])
        last_line[line["block"]] = line["text"]
    text, prev = "", None
    for block in sorted(gt["blocks"], key=lambda b: b["order"]):
        if not block.get("text") or block["role"] in ("page_header", "page_footer", "photo"):
            continue
        piece = re.sub(r"^#{2,3} ", "", block["text"], flags=re.M)
        if block.get("continues_previous") and prev is not None:
            kind = join_across_columns(last_line[prev["id"]], first_line[block["id"]], prev["text"])
            # a block's text has its soft hyphen dropped already: the word's two halves only meet
            text = glue(JoinKind.CJK if kind is JoinKind.HYPHEN else kind, text, piece)
        else:
            text += "\n" + piece
        prev = block
    return text.split()


def word_errors(page, gt: dict) -> tuple[int, int]:
    """Word edit distance between the page's text and the ground truth's, and the number of true words."""
    ref = truth_words(gt)
    hyp = re.sub(r"^#{2,3} ", "", page_text(page, "original"), flags=re.M).split()
    return Levenshtein.distance(ref, hyp), len(ref)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engine", default="ppocr")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "joins.md")
    ap.add_argument("--cache", type=Path, help="keep each digitized page's ALTO here and reuse it")
    args = ap.parse_args(argv)
    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    by_group_gt, by_group_ocr = defaultdict(list), defaultdict(list)
    ocr_pages = []
    started = time.time()
    for image, gt_path in test_bed():
        gt = json.loads(gt_path.read_text(encoding="utf-8"))
        group = group_of(image, gt)
        by_group_gt[group].append((join_lines(page_from_ground_truth(gt)), gt))
        page = ocr_page(image, args.engine, args.cache)
        by_group_ocr[group].append((page, gt))
        ocr_pages.append((page, gt, image.relative_to(SAMPLES).as_posix()))
        print(f"{image.relative_to(ROOT)}: {group}", file=sys.stderr)
    lines = [
        "# Join decisions on the test bed",
        "",
        f"`python bench/joins.py --engine {args.engine}` ({time.strftime('%Y-%m-%d')}, "
        f"{len(ocr_pages)} pages, {time.time() - started:.0f} s). Precision and recall of each join kind "
        "(`digitize.evaluate.joins.score_joins`); truth = the number of such joins in the ground truth.",
        "",
    ]
    lines += table("Decisions alone (the ground truth's lines and blocks)", scored(by_group_gt))
    lines += table(f"End to end ({args.engine} OCR, our layout)", scored(by_group_ocr))
    lines += table(
        "Decisions alone, as the issue's four kinds (a kept hyphen counted as cjk-join: nothing added)",
        scored(by_group_gt, ISSUE_KINDS),
    )
    lines += table("End to end, as the issue's four kinds", scored(by_group_ocr, ISSUE_KINDS))
    lines += [
        "### Words of the English pages end to end",
        "",
        "Word error rate of the page text (`original` punctuation) against the ground truth's blocks in "
        "reading order, headings included: what wrong joins, lost word spaces and misread words cost.",
        "",
        "| page | WER | words |",
        "|---|---|---|",
    ]
    for page, gt, name in ocr_pages:
        if name.startswith(("families/english", "issue-en")):
            errors, words = word_errors(page, gt)
            lines.append(f"| {name} | {errors / words:.4f} | {words} |")
    lines.append("")
    wrong = misses(ocr_pages)
    lines += ["### Every wrong or missed join end to end", ""] + (wrong or ["none"]) + [""]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
