"""Re-read pages that bench/layout_random.py drew, with today's code, scored by its own scorer.

Every step of a change is measured on the same pages: draw them once with `bench/layout_random.py --out DIR`, then
after each change `python bench/layout_random_reread.py DIR/seed-S-ci-textfirst OUT` digitizes every drawn page
again (`digitize_and_score`) and prints the pooled figures of the pages at >= 150 dpi and of all pages, and the
per-role counts (truth, ours, found) at >= 150 dpi. OUT keeps our dumps and `results.jsonl` for comparisons.

Usage (from the repository root, PYTHONPATH=$PWD): python bench/layout_random_reread.py PAGES OUT [STEM ...]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import layout_random  # noqa: E402

FIGURES = ("block_p", "block_r", "order", "headline_p", "headline_r", "article_f1", "edges", "cer", "bag_cer")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", type=Path, help="a directory bench/layout_random.py drew (rnd-*.gt.json and images)")
    ap.add_argument("out", type=Path)
    ap.add_argument("stems", nargs="*", help="only these pages (rnd-SEED)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for truth_path in sorted(args.pages.glob("rnd-*.gt.json")):
        stem = truth_path.name[: -len(".gt.json")]
        if args.stems and stem not in args.stems:
            continue
        factors = json.loads((args.pages / f"{stem}.factors.json").read_text())
        truth, text = json.loads(truth_path.read_text()), (args.pages / f"{stem}.gt.txt").read_text()
        row = layout_random.digitize_and_score(args.pages / factors["image"], truth, text, stem, args.out)
        row["factors"] = factors
        rows.append(row)
    (args.out / "results.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    high = [r for r in rows if layout_random.high_dpi(r["factors"])]
    for name, group in (("≥ 150 dpi", high), ("all", rows)):
        if group:
            p = layout_random.pooled(group)
            print(f"{name} ({len(group)} pages): " + " ".join(f"{k} {p[k]:.3f}" for k in FIGURES))
    roles: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for r in high:
        for role, counts in r["per_role"].items():
            roles[role] = [a + b for a, b in zip(roles[role], counts)]
    for role, (truth_n, ours, found) in sorted(roles.items(), key=lambda kv: -kv[1][0]):
        print(f"  {role}: truth {truth_n}, ours {ours}, found {found}")


if __name__ == "__main__":
    main()
