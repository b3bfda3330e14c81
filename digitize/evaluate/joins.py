"""Measuring join decisions against ground truth.

A rendered sample's *.gt.json has each block's text in the corpus format (paragraphs split by a blank line,
Latin words rejoined) and its lines as printed; how the lines are glued into the block's text is the true
join after each line, and `continues_previous` says whether a block goes on with the paragraph before it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..model import Article, Block, JoinKind, Line, Page, PageSource, Role, box_iou
from ..text.corpus import strip_mark
from ..text.joins import latin_hyphen_break
from ..text.patterns import LINE_HYPHENS, is_cjk


@dataclass
class JoinScore:
    kind: JoinKind
    precision: float
    recall: float
    predicted: int
    truth: int
    correct: int


def true_joins(gt: dict) -> dict[int, JoinKind]:
    """For each ground-truth line (index into gt["lines"]) followed by another line of its article's flow,
    the join that follows it."""
    lines_of: dict[str, list[int]] = {}
    for i, line in enumerate(gt["lines"]):
        lines_of.setdefault(line["block"], []).append(i)
    truth: dict[int, JoinKind] = {}
    blocks = sorted((b for b in gt["blocks"] if lines_of.get(b["id"]) and b.get("article")), key=lambda b: b["order"])
    for article in {b["article"] for b in blocks}:
        flow = [b for b in blocks if b["article"] == article]
        for block, nxt in zip(flow, [*flow[1:], None]):
            ids = lines_of[block["id"]]
            truth.update(_joins_inside(gt, block, ids))
            if nxt is not None:
                last, first = gt["lines"][ids[-1]]["text"], gt["lines"][lines_of[nxt["id"]][0]]["text"]
                truth[ids[-1]] = (
                    join_across_columns(last, first, block["text"]) if nxt.get("continues_previous") else JoinKind.BREAK
                )
    return truth


def _plain(text: str) -> str:
    return strip_mark(unicodedata.normalize("NFKC", text))


def _joins_inside(gt: dict, block: dict, ids: list[int]) -> dict[int, JoinKind]:
    """Walk the block's text line by line; what stands between two lines' characters is their join."""
    text = _plain(block["text"])
    chars, gaps = [], []  # non-space characters, and the whitespace before each
    gap = ""
    for c in text:
        if c.isspace():
            gap += c
        else:
            chars.append(c)
            gaps.append(gap)
            gap = ""
    stream, at, joins = "".join(chars), 0, {}
    for k, i in enumerate(ids):
        line = "".join(_plain(gt["lines"][i]["text"]).split())
        hyphen_dropped = (
            line[-1:] in LINE_HYPHENS and not stream.startswith(line, at) and stream.startswith(line[:-1], at)
        )
        at += len(line) - hyphen_dropped
        if k + 1 == len(ids):
            break
        before = gaps[at] if at < len(gaps) else ""
        # The corpus writes a space before a continuation marker and between CJK headline phrases: where
        # CJK text stands either side, a space there is not a Latin word space.
        next_line = gt["lines"][ids[k + 1]]["text"]
        latin = not (is_cjk(stream[at - 1 : at]) or is_cjk(next_line.lstrip()[:1]))
        joins[i] = (
            JoinKind.HYPHEN
            if hyphen_dropped
            else JoinKind.BREAK
            if "\n" in before
            else JoinKind.SPACE
            if before and (latin or block["role"] != "body")
            else JoinKind.HYPHEN_KEPT
            if latin_hyphen_break(gt["lines"][i]["text"], next_line)
            else JoinKind.CJK
        )
    return joins


def join_across_columns(last: str, first: str, block_text: str) -> JoinKind:
    """The join at a column break inside a paragraph: the blocks' texts are cut there, so the kind is read
    off the characters either side."""
    last, first, block_text = last.rstrip(), first.lstrip(), block_text.rstrip()
    if last[-1:] in LINE_HYPHENS and block_text[-1:] not in LINE_HYPHENS:
        return JoinKind.HYPHEN
    if latin_hyphen_break(last, first):
        return JoinKind.HYPHEN_KEPT
    return JoinKind.CJK if is_cjk(last[-1:]) or is_cjk(first[:1]) else JoinKind.SPACE


def score_joins(
    pages: list[tuple[Page, dict]], min_iou: float = 0.5, counted_as: dict[JoinKind, JoinKind] | None = None
) -> dict[JoinKind, JoinScore]:
    """Precision and recall of the recorded joins by kind. Each page's lines are matched to the ground
    truth's by box overlap; a join counts as predicted when both its lines match consecutive ground-truth
    lines of one flow, and every true join counts in recall (a line OCR missed or merged is a missed join).
    ``counted_as`` scores some kinds as others, on both sides ({HYPHEN_KEPT: CJK}: a join with no space)."""
    kind_of = lambda kind: (counted_as or {}).get(kind, kind)
    predicted: Counter = Counter()
    correct: Counter = Counter()
    truth_count: Counter = Counter()
    for page, gt in pages:
        truth = {i: kind_of(kind) for i, kind in true_joins(gt).items()}
        truth_count.update(truth.values())
        successor = {i: j for i, j in zip(range(len(gt["lines"])), range(1, len(gt["lines"]) + 1))}
        gt_boxes = [tuple(line["box"]) for line in gt["lines"]]
        for article in page.articles:
            flow = [line for block in article.blocks if block.role.has_text for line in block.lines]
            match = [_best_line(line.box, gt_boxes, min_iou) for line in flow]
            for k, line in enumerate(flow[:-1]):
                i, j = match[k], match[k + 1]
                if line.join is None or i is None or j is None or i not in truth or successor.get(i) != j:
                    continue
                kind = kind_of(line.join.kind)
                predicted[kind] += 1
                correct[kind] += kind is truth[i]
    return {
        kind: JoinScore(
            kind,
            correct[kind] / predicted[kind] if predicted[kind] else 1.0,
            correct[kind] / truth_count[kind] if truth_count[kind] else 1.0,
            predicted[kind],
            truth_count[kind],
            correct[kind],
        )
        for kind in JoinKind
    }


def _best_line(box, gt_boxes, min_iou: float) -> int | None:
    best = max(range(len(gt_boxes)), key=lambda i: box_iou(box, gt_boxes[i]), default=None)
    return best if best is not None and box_iou(box, gt_boxes[best]) >= min_iou else None


def page_from_ground_truth(gt: dict) -> Page:
    """A page model holding the ground truth's page header, blocks, lines and articles as layout, OCR and
    order would leave them, so that the join decisions can be measured apart from recognition errors."""
    lines_of: dict[str, list[Line]] = {}
    for line in gt["lines"]:
        lines_of.setdefault(line["block"], []).append(Line(line["text"], tuple(line["box"]), 1.0))
    blocks = [
        Block(
            b["id"],
            Role(b["role"]),
            tuple(b["box"]),
            lines_of.get(b["id"], []),
            order=b["order"],
            article_id=b.get("article"),
            column=b.get("column", -1),
            vertical=b.get("vertical", False),
            language="en" if b["text"].isascii() else "zh",
        )
        for b in sorted(gt["blocks"], key=lambda b: b["order"])
    ]
    header = gt.get("page_header") or {}
    header_blocks = [
        Block(f"header{k}", Role.PAGE_HEADER, tuple(item["box"]), [Line(item["text"], tuple(item["box"]), 1.0)])
        for k, item in enumerate(header.get("lines") or ([header] if header else []))
    ]
    body = [line.height for b in blocks if b.role is Role.BODY for line in b.lines]
    page = Page(
        1,
        gt["width"],
        gt["height"],
        PageSource(gt["image"], 0, "image", ""),
        blocks=header_blocks + blocks,
        text_size_px=float(np.median(body)) if body else 30.0,
        in_source_coordinates=True,
    )
    page.articles = [
        Article(aid, [b for b in blocks if b.article_id == aid], order=k)
        for k, aid in enumerate(dict.fromkeys(b.article_id for b in blocks if b.article_id))
    ]
    return page
