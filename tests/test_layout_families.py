"""Layout on the family test bed (samples/families/): the scorer itself, then the real engine on a few
families end to end, scored by `digitize layout-eval` against the floors of issue 3."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import digitize
from digitize.cli.layout_eval import layout_eval_command
from digitize.export.json import page_json
from digitize.layout_eval import score_page

FAMILIES = Path(__file__).resolve().parents[1] / "samples" / "families"
ISSUE = Path(__file__).resolve().parents[1] / "samples" / "issue"
FLOORS = {
    "block_precision": 0.95,
    "block_recall": 0.95,
    "order_pairwise": 0.98,
    "article_bcubed_f1": 0.95,
    "successor_edges": 0.97,
}
# Families read end to end here (the rest are measured by `samples/families.py --eval`).
END_TO_END = ["cols5-lshape-scan", "cols6-photos-scan", "english-clean", "english-tabloid-clean"]


def load_gt(stem: str) -> dict:
    return json.loads((FAMILIES / f"{stem}.gt.json").read_text(encoding="utf-8"))


def perfect_dump(gt: dict) -> dict:
    """A page-model dump that says exactly what the ground truth says."""
    blocks = []
    for b in sorted(gt["blocks"], key=lambda b: b["order"]):
        joins = "cjk-join"
        blocks.append(
            {
                "id": b["id"],
                "role": b["role"],
                "box": b["box"],
                "order": b["order"],
                "article_id": b["article"],
                "lines": [{"join": {"kind": joins, "evidence": ""}}],
            }
        )
    # a block's last line joins into the next one exactly when the next continues its paragraph
    for cur, nxt in zip(blocks, blocks[1:]):
        continues = next(b for b in gt["blocks"] if b["id"] == nxt["id"])["continues_previous"]
        cur["lines"][-1]["join"]["kind"] = "cjk-join" if continues else "kept-break"
    blocks.append(
        {"id": "H", "role": "page_header", "box": gt["page_header"]["box"], "order": 0, "article_id": None, "lines": []}
    )
    return {"format": "digitize-page", "page": {"blocks": blocks}}


def test_scorer_gives_full_marks_to_the_truth_and_catches_each_kind_of_error():
    gt = load_gt("cols8-plain-clean")
    right = perfect_dump(gt)
    score = score_page("cols8-plain-clean", gt, right)
    assert (score.precision, score.recall, score.order_accuracy, score.article_f1, score.edge_accuracy) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert score.edges[1] >= 5 and score.order_edit == 0

    wrong = copy.deepcopy(right)
    body = [b for b in wrong["page"]["blocks"] if b["role"] == "body"]
    body[0]["order"], body[1]["order"] = body[1]["order"], body[0]["order"]  # two columns read in the wrong order
    body[2]["article_id"] = "other"  # one block in the wrong article
    body[3]["role"] = "caption"  # one role wrong
    s = score_page("cols8-plain-clean", gt, wrong)
    assert s.order_accuracy < 1 and s.order_edit > 0
    assert s.article_f1 < 1
    assert s.precision < 1 and s.recall < 1
    assert s.edge_accuracy < 1

    dropped = copy.deepcopy(right)
    dropped["page"]["blocks"] = dropped["page"]["blocks"][1:]  # a missed block costs recall only
    s = score_page("cols8-plain-clean", gt, dropped)
    assert s.recall < 1 and s.precision == 1


def test_every_family_has_both_qualities_and_consistent_ground_truth():
    stems = sorted(p.name[: -len("-clean.gt.json")] for p in FAMILIES.glob("*-clean.gt.json"))
    assert len(stems) >= 8
    total = 0
    for stem in stems:
        clean, scan = load_gt(f"{stem}-clean"), load_gt(f"{stem}-scan")
        assert (FAMILIES / clean["image"]).exists() and (FAMILIES / scan["image"]).exists()
        assert [b["id"] for b in clean["blocks"]] == [b["id"] for b in scan["blocks"]]
        assert [b["order"] for b in clean["blocks"]] == list(range(1, len(clean["blocks"]) + 1))
        assert {b["article"] for b in clean["blocks"]} == {a["id"] for a in clean["articles"]}
        assert any(b["continues_previous"] for b in clean["blocks"]), f"{stem}: no paragraph crosses a column"
        total += sum(p.stat().st_size for p in FAMILIES.glob(f"{stem}-*"))
    assert total < 25_000_000
    vertical = load_gt("vertical-headline-clean")
    assert any(b["vertical"] and b["role"] == "headline" for b in vertical["blocks"])


def test_issue_pages_carry_the_continued_story():
    p1 = json.loads((ISSUE / "p1.gt.json").read_text(encoding="utf-8"))
    p4 = json.loads((ISSUE / "p4.gt.json").read_text(encoding="utf-8"))
    joined = (ISSUE / "issue.gt.txt").read_text(encoding="utf-8")
    first = [b for b in p1["blocks"] if b["article"] == "a1" and b["role"] == "body"]
    rest = [b for b in p4["blocks"] if b["article"] == "a1" and b["role"] == "body"]
    assert first[-1]["text"].endswith(" (下转第4版)") and rest[0]["text"].startswith("(上接第1版)")
    tail, head = first[-1]["text"].removesuffix(" (下转第4版)"), rest[0]["text"].removeprefix("(上接第1版)")
    assert tail.split("\n\n")[-1] + head.split("\n\n")[0] in joined  # the paragraph cut by the page break, whole


@pytest.fixture(scope="module")
def digitized(tmp_path_factory):
    out = tmp_path_factory.mktemp("families")
    for stem in END_TO_END:
        image = FAMILIES / load_gt(stem)["image"]
        page = digitize.process(image).pages[0]
        (out / f"{stem}.json").write_text(page_json(page), encoding="utf-8")
        (out / f"{stem}.gt.json").write_text(
            (FAMILIES / f"{stem}.gt.json").read_text(encoding="utf-8"), encoding="utf-8"
        )
    return out


@pytest.mark.slow
def test_layout_eval_floors_end_to_end(digitized):
    result = CliRunner().invoke(layout_eval_command, [str(digitized), str(digitized), "--json"])
    assert result.exit_code == 0, result.output
    pages = {p["stem"]: p for p in json.loads(result.output)["pages"]}
    assert sorted(pages) == sorted(END_TO_END)
    failures = [
        f"{stem} {k} {p[k]:.3f} < {floor}" for stem, p in pages.items() for k, floor in FLOORS.items() if p[k] < floor
    ]
    assert not failures, failures
