"""Issue 13's three layout invariants, checked on our page-model dump (``export/json.py``) of a finished page.

1. **Every detected line is written exactly once.** The detected lines are a reference found without our layout
   (``bench/coverage.py``: the bundled recogniser on overlapping full-resolution tiles), so the check holds for
   any layout path, text-first or not. A reference line is *missing* when its centre lies in none of our written
   lines, *twice* when two of our lines each cover more than half of it; and no two of our lines may cover the
   same text (*duplicates*: two lines overlapping by more than half the smaller). Reference lines inside a
   vertical block are counted apart: the vertical reader reads them column by column.
2. **No output line spans a column gutter**: a written line reaches a quarter of its area into another text
   block of ours beside it (the rule ``tests/test_layout_invariants.py`` holds on rendered beds). That cannot see
   a line drawn across columns inside one page-wide block, so where ground truth is at hand the gutters come from
   it too: a line runs into two ground-truth text blocks that stand side by side (at least a line height into
   each), or across a ground-truth vertical rule with a line height of it on either side. On every page the
   reference gives a third view: one written line holds the centres of two reference lines of the same row with
   a gap of at least a line height between them (the recogniser alone saw two lines there, e.g. two columns).
3. **No text inside a photo or graphic block**: a written line whose centre lies in one of our photo blocks.
   Reference lines in our photo blocks are counted too, for information (printed text inside real photos is
   legitimate; a column of body text there is failure class 1 of the issue, and also shows as *missing*).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[float, float, float, float]

REF_MIN_SCORE = 0.3  # reference reads under this are detector false alarms (the pipeline's lines.min_score)
COVER = 0.5  # an output line covers a reference line when it holds more than this share of its area
GUTTER_REACH = 0.25  # share of a line's area inside another block beside it that makes it span a gutter
BESIDE = 0.5  # vertical overlap, in line heights, for that other block to be beside the line


@dataclass
class InvariantReport:
    reference_lines: int = 0  # reference lines checked (outside vertical blocks)
    in_vertical: int = 0
    written_lines: int = 0
    missing: list[str] = field(default_factory=list)
    twice: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    across_gutter: list[str] = field(default_factory=list)  # into another block of ours beside it
    across_truth: list[str] = field(default_factory=list)  # across a ground-truth gutter (blocks or rules)
    across_reference: list[str] = field(default_factory=list)  # over a gap between two reference lines of a row
    in_photo: list[str] = field(default_factory=list)
    reference_in_photo: int = 0

    @property
    def holds(self) -> bool:
        return not (
            self.missing
            or self.twice
            or self.duplicates
            or self.across_gutter
            or self.across_truth
            or self.across_reference
            or self.in_photo
        )

    def summary(self) -> dict:
        return {
            "reference_lines": self.reference_lines,
            "in_vertical": self.in_vertical,
            "written_lines": self.written_lines,
            "missing": len(self.missing),
            "twice": len(self.twice),
            "duplicates": len(self.duplicates),
            "across_gutter": len(self.across_gutter),
            "across_truth": len(self.across_truth),
            "across_reference": len(self.across_reference),
            "in_photo": len(self.in_photo),
            "reference_in_photo": self.reference_in_photo,
            "holds": self.holds,
        }


def _centre(b: Box) -> tuple[float, float]:
    return (b[0] + b[2]) / 2, (b[1] + b[3]) / 2


def _holds(b: Box, p: tuple[float, float]) -> bool:
    return b[0] <= p[0] <= b[2] and b[1] <= p[1] <= b[3]


def _inter(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _area(b: Box) -> float:
    return max(1.0, (b[2] - b[0]) * (b[3] - b[1]))


def truth_text_blocks(truth: dict) -> list[Box]:
    """The horizontal text blocks of a layout ground truth (``layout-eval``'s ``.gt.json``, bench/realpages-gt):
    the columns whose gutters a written line must not cross (``check``'s ``truth_blocks``)."""
    return [b["box"] for b in truth["blocks"] if b["role"] != "photo" and not b.get("vertical")]


def check(
    dump: dict,
    reference: list[dict] | None,
    truth_blocks: list[Box] | None = None,
    truth_rules: list[Box] | None = None,
) -> InvariantReport:
    """The invariants on one page. ``reference``: detected lines as dicts with ``box`` (source pixels), ``text``
    and ``score`` (``bench/coverage.py``'s cache); None checks 2 and 3 and the duplicates only.
    ``truth_blocks``: ground-truth text block boxes; ``truth_rules``: boxes of ground-truth vertical rules."""
    page = dump["page"] if "page" in dump else dump["pages"][0]
    text_blocks = [b for b in page["blocks"] if b["role"] != "photo"]
    photos = [b for b in page["blocks"] if b["role"] == "photo"]
    vertical = [b for b in text_blocks if b.get("vertical")]
    written = [(b, ln) for b in text_blocks for ln in b["lines"] if ln["text"].strip()]
    report = InvariantReport(written_lines=len(written))

    for ref in reference or []:
        if ref.get("score", 1.0) < REF_MIN_SCORE or not ref["text"].strip():
            continue
        box, c = ref["box"], _centre(ref["box"])
        if any(_holds(v["box"], c) for v in vertical):
            report.in_vertical += 1
            continue
        report.reference_lines += 1
        if any(_holds(p["box"], c) for p in photos):
            report.reference_in_photo += 1
        holders = [ln for _, ln in written if _holds(ln["box"], c)]
        if not holders:
            report.missing.append(ref["text"])
        elif sum(1 for ln in holders if _inter(ln["box"], box) > COVER * _area(box)) > 1:
            report.twice.append(ref["text"])

    flat = [(b, ln) for b, ln in written if not b.get("vertical")]
    for i, (_, a) in enumerate(flat):
        for _, b in flat[i + 1 :]:
            if _inter(a["box"], b["box"]) > COVER * min(_area(a["box"]), _area(b["box"])):
                report.duplicates.append((a["text"], b["text"]))
    for block, ln in flat:
        box, height = ln["box"], ln["box"][3] - ln["box"][1]
        for other in text_blocks:
            if other is block:
                continue
            o = other["box"]
            beside = min(box[3], o[3]) - max(box[1], o[1]) > BESIDE * height
            if beside and _inter(box, o) > GUTTER_REACH * _area(box):
                report.across_gutter.append(ln["text"])
                break
    refs = [r["box"] for r in reference or [] if r.get("score", 1.0) >= REF_MIN_SCORE and r["text"].strip()]
    for _, ln in flat:
        if _across_truth(ln["box"], truth_blocks or [], truth_rules or []):
            report.across_truth.append(ln["text"])
        if _across_gap(ln["box"], refs):
            report.across_reference.append(ln["text"])
    report.in_photo = [ln["text"] for _, ln in written if any(_holds(p["box"], _centre(ln["box"])) for p in photos)]
    return report


def _across_truth(box: Box, blocks: list[Box], rules: list[Box]) -> bool:
    height = box[3] - box[1]
    cy = (box[1] + box[3]) / 2
    into = [
        b
        for b in blocks
        if min(box[2], b[2]) - max(box[0], b[0]) >= height and min(box[3], b[3]) - max(box[1], b[1]) > BESIDE * height
    ]
    if any(a[2] <= b[0] or b[2] <= a[0] for i, a in enumerate(into) for b in into[i + 1 :]):
        return True
    return any(r[1] <= cy <= r[3] and box[0] + height <= r[0] and r[2] <= box[2] - height for r in rules)


def _across_gap(box: Box, refs: list[Box]) -> bool:
    """Two reference lines of one row, a line height apart or more, both centred in this written line."""
    height = box[3] - box[1]
    held = sorted((r for r in refs if _holds(box, _centre(r))), key=lambda r: r[0])
    for i, a in enumerate(held):
        for b in held[i + 1 :]:
            row = min(a[3], b[3]) - max(a[1], b[1]) > BESIDE * min(a[3] - a[1], b[3] - b[1])
            if row and b[0] - a[2] >= height:
                return True
    return False
