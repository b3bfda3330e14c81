"""The one scorer every system in the benchmark goes through.

- **CER** is `digitize.evaluate.cer` (whitespace ignored) of the page text against `samples/jinzhong-front.gt.txt`.
  Ours is `digitize.to_text(doc)`; a peer's text is its lines in the order it returns them, each put through the
  corpus punctuation profile (`export.punctuation.format_paragraph`, role body) so that `，` vs `,` is not counted as an error.
  Reading order is part of this CER: a peer that reads across the columns pays for it here.
- **CER, lines in ground-truth order** isolates recognition from reading order: each hypothesis line is put at
  the position of the ground-truth line most like it (rapidfuzz `ratio`, whole line against whole line, so a
  short tail such as "工作。" lands on its own line, not inside a longer one; ties go to the later ground-truth
  line after the previous placement), then at the offset where it aligns inside that line; lines that match
  nothing go last, lines that match the page header (which the reference text leaves out) are dropped. The
  reference is the ground-truth lines of `*.gt.json` through the same punctuation profile (no `## ` marks,
  which only our output can carry). Then the same `cer`.
- **Reading-order accuracy**: each ground-truth line of `samples/*.gt.json` "lines" (≥ `MIN_ORDER_CHARS`
  characters: shorter tails such as "工作。" match anywhere) is matched to the hypothesis line that contains it
  best (`partial_ratio` ≥ `MIN_MATCH`), at the offset where it aligns. The score is the fraction of consecutive
  ground-truth line pairs whose matches stand in strictly increasing (line index, offset) order. An unmatched
  line fails both pairs it is in. 1.0 = every line follows its predecessor; a reader that goes across columns
  scores low.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz, process

from digitize.evaluate import cer, strip_space
from digitize.export.punctuation import format_paragraph
from digitize.model import Paragraph, Role

MIN_ORDER_CHARS = 5
MIN_MATCH = 60.0  # partial_ratio for a ground-truth line found inside a hypothesis line
MIN_PLACE = 40.0  # ratio for placing a hypothesis line (it may hold two columns' lines, or half of one)


def corpus_line(text: str) -> str:
    """A peer's raw line in the corpus punctuation profile, as our text writer would print it."""
    return format_paragraph(Paragraph(Role.BODY, text, []), "corpus")


def _key(text: str) -> str:
    """Matching form: no whitespace, full-width forms folded (the GT lines keep printed `，`, the text does not)."""
    return unicodedata.normalize("NFKC", strip_space(text))


def ground_truth(gt_json: Path) -> tuple[str, list[str], list[str]]:
    """(reference text, its lines in reading order, the page header's lines)."""
    gt_text = (gt_json.parent / "jinzhong-front.gt.txt").read_text(encoding="utf-8")
    gt = json.loads(gt_json.read_text(encoding="utf-8"))
    header = [line["text"] for line in gt.get("page_header", {}).get("lines", [])]
    return gt_text, [line["text"] for line in gt["lines"]], header


def gt_ordered_text(gt_lines: list[str], hyp_lines: list[str], header_lines: list[str] = ()) -> str:
    n = len(gt_lines)
    gt_keys = [_key(g) for g in [*gt_lines, *header_lines]]
    placed, last = [], 0
    for i, hyp in enumerate(hyp_lines):
        k = _key(hyp)
        scores = process.extract(k, gt_keys, scorer=fuzz.ratio, limit=None, score_cutoff=MIN_PLACE) if k else []
        if not scores:
            placed.append((n, 0, i, hyp))
            continue
        top = max(s for _, s, _ in scores)
        # Among equally good ground-truth lines (a repeated phrase), the first after the previous placement.
        ties = sorted(g for _, s, g in scores if s == top)
        g = next((t for t in ties if t >= last), ties[0])
        if g >= n:
            continue  # the page header
        last = g
        offset = fuzz.partial_ratio_alignment(k, gt_keys[g]).dest_start
        placed.append((g, offset, i, hyp))
    return "\n".join(hyp for *_, hyp in sorted(placed))


def reading_order_accuracy(gt_lines: list[str], hyp_lines: list[str]) -> float:
    hyp_keys = [_key(h) for h in hyp_lines]
    positions = []
    for g in gt_lines:
        k = _key(g)
        if len(k) < MIN_ORDER_CHARS:
            continue
        best = process.extractOne(k, hyp_keys, scorer=fuzz.partial_ratio, score_cutoff=MIN_MATCH)
        if best is None:
            positions.append(None)
            continue
        _, _, h = best
        positions.append((h, fuzz.partial_ratio_alignment(k, hyp_keys[h]).dest_start))
    pairs = list(zip(positions, positions[1:]))
    good = sum(1 for a, b in pairs if a is not None and b is not None and a < b)
    return good / len(pairs) if pairs else 0.0


def score(gt_json: Path, text: str, hyp_lines: list[str]) -> dict[str, float]:
    gt_text, gt_lines, header_lines = ground_truth(gt_json)
    return {
        "cer": cer(gt_text, text),
        "cer_gt_order": cer("\n".join(map(corpus_line, gt_lines)), gt_ordered_text(gt_lines, hyp_lines, header_lines)),
        "reading_order": reading_order_accuracy(gt_lines, hyp_lines),
        "chars": len(strip_space(text)),
    }
