"""Layout scored against ground truth: `digitize layout-eval GT_DIR OUT_DIR`.

GT_DIR holds `<stem>.gt.json` (the shape samples/render.py and samples/families.py write: blocks with role,
article, order, continues_previous); OUT_DIR holds our page-model dumps `<stem>.json` (export/json.py).
For every page it reports:

- block detection precision and recall per role: a block is found when one of ours of the same role
  covers it at IoU ≥ 0.5 (one-to-one, best IoU first). The page header and footer count line by line;
- over blocks matched regardless of role: reading-order pairwise accuracy (the share of block pairs we
  put in the ground truth's order) and the normalised edit distance between the two orders
  (as OmniDocBench does); article segmentation B-cubed F1;
- successor edges: for each body block whose ground-truth predecessor in its article is body text (a
  column break), is the next block after our predecessor the same one, and do we join the paragraph
  across the break exactly when the ground truth continues it?

Pages are grouped into families by stem, without the `-clean` / `-scan` quality suffix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from .model import box_iou, box_union

IOU = 0.5
FURNITURE = ("page_header", "page_footer")
JOINED = ("cjk-join", "space-join", "hyphen-join", "hyphen-kept")


@dataclass
class Region:
    role: str
    box: tuple[int, int, int, int]
    order: int = -1  # reading order; -1 for page furniture
    article: str | None = None
    continues_previous: bool = False
    joins_next: bool = False  # ours: the block's last line joins into the next block's text


@dataclass
class PageScore:
    stem: str
    family: str
    quality: str
    per_role: dict[str, list[int]] = field(default_factory=dict)  # role -> [ground truth, ours, found]
    order_pairs: list[int] = field(default_factory=lambda: [0, 0])  # [agreeing pairs, pairs]
    order_edit: float = 0.0
    article_f1: float = 0.0
    edges: list[int] = field(default_factory=lambda: [0, 0])  # [right, edges]

    @property
    def precision(self) -> float:
        ours = sum(v[1] for v in self.per_role.values())
        return sum(v[2] for v in self.per_role.values()) / ours if ours else 1.0

    @property
    def recall(self) -> float:
        truth = sum(v[0] for v in self.per_role.values())
        return sum(v[2] for v in self.per_role.values()) / truth if truth else 1.0

    @property
    def order_accuracy(self) -> float:
        return self.order_pairs[0] / self.order_pairs[1] if self.order_pairs[1] else 1.0

    @property
    def edge_accuracy(self) -> float:
        return self.edges[0] / self.edges[1] if self.edges[1] else 1.0


def truth_regions(gt: dict) -> list[Region]:
    regions = [
        Region(b["role"], tuple(b["box"]), b["order"], b["article"], b.get("continues_previous", False))
        for b in sorted(gt["blocks"], key=lambda b: b["order"])
    ]
    for role in FURNITURE:
        if gt.get(role):
            regions.append(Region(role, tuple(gt[role]["box"])))
    return regions


def our_regions(dump: dict) -> list[Region]:
    page = dump["page"] if "page" in dump else dump["pages"][0]
    out = []
    for b in page["blocks"]:
        if b["role"] in FURNITURE:
            continue
        last_join = (b["lines"][-1].get("join") or {}).get("kind") if b["lines"] else None
        out.append(Region(b["role"], tuple(b["box"]), b["order"], b.get("article_id"), joins_next=last_join in JOINED))
    # The page header (footer) is metadata, not a story: one region however many blocks it was read as.
    for role in FURNITURE:
        boxes = [b["box"] for b in page["blocks"] if b["role"] == role]
        if boxes:
            out.append(Region(role, box_union(boxes)))
    return out


def match(truth: list[Region], ours: list[Region], same_role: bool) -> dict[int, int]:
    """One-to-one matches truth index -> our index at IoU ≥ 0.5, best IoU first."""
    pairs = sorted(
        (
            (box_iou(t.box, o.box), i, j)
            for i, t in enumerate(truth)
            for j, o in enumerate(ours)
            if not same_role or t.role == o.role
        ),
        reverse=True,
    )
    taken_t, taken_o, out = set(), set(), {}
    for iou, i, j in pairs:
        if iou < IOU:
            break
        if i not in taken_t and j not in taken_o:
            out[i] = j
            taken_t.add(i)
            taken_o.add(j)
    return out


def bcubed_f1(truth_labels: list, our_labels: list) -> float:
    n = len(truth_labels)
    if not n:
        return 1.0
    precision = recall = 0.0
    for i in range(n):
        same_ours = {j for j in range(n) if our_labels[j] == our_labels[i]}
        same_truth = {j for j in range(n) if truth_labels[j] == truth_labels[i]}
        both = len(same_ours & same_truth)
        precision += both / len(same_ours)
        recall += both / len(same_truth)
    precision, recall = precision / n, recall / n
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def family_of(stem: str) -> tuple[str, str]:
    m = re.match(r"(.*)-(clean|scan)$", stem)
    return (m.group(1), m.group(2)) if m else (stem, "")


def score_page(stem: str, gt: dict, dump: dict) -> PageScore:
    truth, ours = truth_regions(gt), our_regions(dump)
    score = PageScore(stem, *family_of(stem))
    by_role = match(truth, ours, same_role=True)
    for role in sorted({r.role for r in truth} | {r.role for r in ours}):
        found = sum(1 for i, j in by_role.items() if truth[i].role == role)
        score.per_role[role] = [sum(r.role == role for r in truth), sum(r.role == role for r in ours), found]

    # Order, articles and edges are judged on blocks matched whatever their role.
    matched = {i: j for i, j in match(truth, ours, same_role=False).items() if truth[i].role not in FURNITURE}
    story = sorted(matched, key=lambda i: truth[i].order)
    ranks = {i: ours[matched[i]].order for i in story}
    agree = sum(ranks[a] < ranks[b] for a, b in combinations(story, 2))
    score.order_pairs = [agree, len(story) * (len(story) - 1) // 2]
    ours_sequence = sorted(story, key=lambda i: ranks[i])
    score.order_edit = Levenshtein.normalized_distance(story, ours_sequence) if story else 0.0
    score.article_f1 = bcubed_f1(
        [truth[i].article for i in story], [ours[matched[i]].article or f"none{i}" for i in story]
    )

    by_order = sorted((o.order, j) for j, o in enumerate(ours) if o.order >= 0)
    next_of = {j: k for (_, j), (_, k) in zip(by_order, by_order[1:])}
    for i in (t for t in range(len(truth)) if truth[t].order >= 0):
        if truth[i].role != "body":
            continue
        prev = _truth_predecessor(truth, i)
        if prev is None or truth[prev].role != "body":
            continue
        score.edges[1] += 1
        if i in matched and prev in matched:
            a, b = ours[matched[prev]], matched[i]
            same_article = a.article is not None and a.article == ours[b].article
            if next_of.get(matched[prev]) == b and same_article and a.joins_next == truth[i].continues_previous:
                score.edges[0] += 1
    return score


def _truth_predecessor(truth: list[Region], i: int) -> int | None:
    """The block read just before block i in its article (ground truth order)."""
    before = [j for j, r in enumerate(truth) if r.article == truth[i].article and 0 <= r.order < truth[i].order]
    return max(before, key=lambda j: truth[j].order) if before else None


def evaluate_dir(gt_dir: Path, out_dir: Path) -> list[PageScore]:
    scores = []
    for gt_path in sorted(Path(gt_dir).glob("*.gt.json")):
        stem = gt_path.name[: -len(".gt.json")]
        ours = Path(out_dir) / f"{stem}.json"
        if ours.exists():
            scores.append(
                score_page(
                    stem, json.loads(gt_path.read_text(encoding="utf-8")), json.loads(ours.read_text(encoding="utf-8"))
                )
            )
    return scores


def summary(scores: list[PageScore]) -> dict:
    """Per page figures and per role totals over all pages, as plain data (for --json)."""
    roles: dict[str, list[int]] = {}
    for s in scores:
        for role, v in s.per_role.items():
            roles[role] = [a + b for a, b in zip(roles.get(role, [0, 0, 0]), v)]
    return {
        "pages": [
            {
                "stem": s.stem,
                "family": s.family,
                "quality": s.quality,
                "block_precision": s.precision,
                "block_recall": s.recall,
                "order_pairwise": s.order_accuracy,
                "order_edit": s.order_edit,
                "article_bcubed_f1": s.article_f1,
                "successor_edges": s.edge_accuracy,
                "edges": s.edges[1],
                "per_role": {r: dict(zip(("truth", "ours", "found"), v)) for r, v in s.per_role.items()},
            }
            for s in scores
        ],
        "roles": {
            r: {
                "truth": v[0],
                "ours": v[1],
                "found": v[2],
                "precision": v[2] / v[1] if v[1] else 1.0,
                "recall": v[2] / v[0] if v[0] else 1.0,
            }
            for r, v in sorted(roles.items())
        },
    }
