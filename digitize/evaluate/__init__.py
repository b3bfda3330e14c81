"""Scoring text output against a reference in the corpus format.

CER is the Levenshtein distance over characters divided by the reference length, with whitespace removed
on both sides (layout whitespace is not text). Paragraph breaks are compared as positions in the
whitespace-free character stream, mapped through the alignment, so a recognition error near a break does
not count as a missed break. Join decisions are scored against rendered ground truth in ``evaluate.joins``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from ..text.corpus import headings, paragraphs

__all__ = ["BreakScore", "cer", "headings", "paragraph_breaks", "paragraphs", "strip_space"]


def strip_space(text: str) -> str:
    return re.sub(r"\s+", "", text)


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = strip_space(reference), strip_space(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(ref, hyp) / len(ref)


def _break_positions(paras: list[str]) -> set[int]:
    """Offsets in the whitespace-free stream at which a new paragraph starts (the first excluded)."""
    positions, offset = set(), 0
    for p in paras:
        if offset:
            positions.add(offset)
        offset += len(strip_space(p))
    return positions


@dataclass
class BreakScore:
    precision: float
    recall: float
    f1: float
    missing: list[str]  # reference paragraph starts with no break in the hypothesis
    extra: list[str]  # hypothesis breaks the reference does not have


def paragraph_breaks(reference: str, hypothesis: str) -> BreakScore:
    ref_paras, hyp_paras = paragraphs(reference), paragraphs(hypothesis)
    ref_stream, hyp_stream = "".join(map(strip_space, ref_paras)), "".join(map(strip_space, hyp_paras))
    ref_breaks, hyp_breaks = _break_positions(ref_paras), _break_positions(hyp_paras)
    # Map each hypothesis offset to the reference offset the alignment puts it at.
    to_ref = list(range(len(hyp_stream) + 1))
    shift = [0] * (len(hyp_stream) + 1)
    for op in Levenshtein.opcodes(hyp_stream, ref_stream):
        for k in range(op.src_start, op.src_end + 1):
            if k <= len(hyp_stream):
                shift[k] = op.dest_start + min(k - op.src_start, op.dest_end - op.dest_start)
    to_ref = shift
    mapped = {to_ref[b] for b in hyp_breaks}
    hits = len(mapped & ref_breaks)
    precision = hits / len(hyp_breaks) if hyp_breaks else 1.0
    recall = hits / len(ref_breaks) if ref_breaks else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    missing = [ref_stream[b : b + 12] for b in sorted(ref_breaks - mapped)]
    extra = [ref_stream[to_ref[b] : to_ref[b] + 12] for b in sorted(hyp_breaks) if to_ref[b] not in ref_breaks]
    return BreakScore(precision, recall, f1, missing, extra)
