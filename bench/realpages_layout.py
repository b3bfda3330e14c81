"""Layout on the real pages of ../shared/realpages (issue 13, "What it must show"), for one or more settings.

For every page it runs `digitize run PAGE -o OUT --format json,alto [--set ...]` (skipped when OUT already
holds the page's JSON, unless --fresh), then scores:
- Chinese pages with hand-made ground truth (bench/realpages-gt/, see its README.md) with `digitize
  layout-eval`'s scorer (digitize/layout_eval.py): blocks found (recall: same role, IoU ≥ 0.5; issue floor
  0.95), block precision, reading order (pairwise over the blocks found whatever their role; floor 0.97);
- German PAGE pages (gbn_tboenig/*.page.xml) with digitize/evaluate/regions.py: ground-truth text area inside
  our text blocks (floor 0.95), separators found (floor 0.9), graphic regions written as text (floor: none);
- every page with the three invariants (digitize/evaluate/invariants.py) against the lines the bundled
  recogniser finds on the page by itself (bench/coverage.py's reference, cached in out/coverage/; a page
  without a cached reference gets checks 2 and 3 only, unless --reference builds it: minutes a page).
Writes a per-page table per setting to --out (bench/realpages-layout.md) with the exact command.

Usage (from the repository root, PYTHONPATH=$PWD):
  python bench/realpages_layout.py [--settings default,textfirst] [--only SUBSTR] [--fresh] [--reference]
Real pages and their text stay outside the repository; the tables hold figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from digitize.evaluate.invariants import check, truth_text_blocks  # noqa: E402
from digitize.evaluate.regions import gutter_truth, score_regions  # noqa: E402
from digitize.layout_eval import match, our_regions, score_page, truth_regions  # noqa: E402

REALPAGES = ROOT.parent / "shared" / "realpages"
GT_DIR = ROOT / "bench" / "realpages-gt"
OUT_DIR = ROOT / "out" / "realpages-layout"
SETTINGS = {"default": [], "textfirst": ["--set", "lines.enabled=true"]}
FLOORS = {"blocks_found": 0.95, "order": 0.97, "text_area": 0.95, "separators": 0.9}


def pages() -> list[Path]:
    return sorted(p for p in REALPAGES.glob("*/*") if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif"))


def run_page(path: Path, setting: str, threads: int, fresh: bool, timeout: int) -> dict:
    """Our JSON dump of the page under this setting, run now unless already there; with seconds and exit code."""
    out = OUT_DIR / setting
    out.mkdir(parents=True, exist_ok=True)
    dump, record = out / f"{path.stem}.json", out / f"{path.stem}.run.json"
    if dump.is_file() and record.is_file() and not fresh:
        return json.loads(record.read_text())
    cmd = [sys.executable, "-m", "digitize.cli", "run", str(path), "-o", str(out), "--format", "json,alto"]
    cmd += ["--threads", str(threads), *SETTINGS[setting]]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        code, err = done.returncode, done.stderr.strip().splitlines()[-1:] if done.stderr.strip() else []
    except subprocess.TimeoutExpired:
        code, err = -1, [f"timeout after {timeout} s"]
    info = {"seconds": round(time.perf_counter() - start, 1), "exit": code, "stderr": err}
    record.write_text(json.dumps(info))
    return info


def _coverage_module():
    """bench/coverage.py, loaded by path (its name is also that of the PyPI `coverage` package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_coverage", ROOT / "bench" / "coverage.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_lines(path: Path, build: bool, threads: int) -> list[dict] | None:
    coverage = _coverage_module()
    cache = coverage.CACHE / f"{path.parent.name}__{path.stem}.ref.json"
    if cache.is_file():
        return json.loads(cache.read_text())["lines"]
    if not build:
        return None
    return coverage.reference(path, lambda: coverage.reference_engine(threads))["lines"]


def score(path: Path, setting: str, build_reference: bool, threads: int) -> dict:
    dump_path = OUT_DIR / setting / f"{path.stem}.json"
    row: dict = {"page": f"{path.parent.name}/{path.name}", "stem": path.stem}
    if not dump_path.is_file():
        row["error"] = "no output"
        return row
    dump = json.loads(dump_path.read_text())
    page = dump["page"] if "page" in dump else dump["pages"][0]
    row["blocks"] = sum(1 for b in page["blocks"] if b["role"] != "photo")
    row["photos"] = sum(1 for b in page["blocks"] if b["role"] == "photo")
    gt = GT_DIR / f"{path.stem}.gt.json"
    truth_blocks, truth_rules = None, None
    if gt.is_file():
        truth = json.loads(gt.read_text())
        truth_blocks = truth_text_blocks(truth)
        s = score_page(path.stem, truth, dump)
        truth_total = sum(v[0] for v in s.per_role.values())
        any_role = len(match(truth_regions(truth), our_regions(dump), same_role=False))
        row["layout"] = {
            "blocks_found": s.recall,
            "found_any_role": any_role / truth_total if truth_total else 1.0,
            "block_precision": s.precision,
            "truth_blocks": truth_total,
            "found": sum(v[2] for v in s.per_role.values()),
            "order": s.order_accuracy,
            # blocks the order is judged on (n blocks make n(n-1)/2 pairs); under 2, there is no order to judge
            "order_matched": round((1 + (1 + 8 * s.order_pairs[1]) ** 0.5) / 2) if s.order_pairs[1] else 0,
            "order_edit": s.order_edit,
            "article_f1": s.article_f1,
        }
    xml = path.with_suffix(".page.xml")
    if xml.is_file():
        truth_blocks, truth_rules = gutter_truth(xml)
        r = score_regions(path.stem, xml, dump)
        row["regions"] = {
            "text_area": r.text_area,
            "text_regions": r.text_regions,
            "text_regions_half": r.text_regions_half,
            "separators": r.separators,
            "separators_found": r.separators_found,
            "separator_share": r.separator_share,
            "graphics": r.graphics,
            "graphics_as_text": len(r.graphics_as_text),
            "graphic_chars": r.graphic_chars,
            "graphic_area_in_photos": r.graphic_area_in_photos,
        }
    ref = reference_lines(path, build_reference, threads)
    row["invariants"] = check(dump, ref, truth_blocks, truth_rules).summary()
    row["invariants"]["reference"] = ref is not None
    return row


def _f(v: float | None, floor: float | None = None) -> str:
    if v is None:
        return "–"
    mark = "" if floor is None or v >= floor else " ✗"
    return f"{v:.3f}{mark}"


def truth_known(row: dict) -> bool:
    return "layout" in row or "regions" in row


def table(setting: str, rows: list[dict], runs: dict) -> list[str]:
    out = [f"## Setting: {setting} (`{' '.join(SETTINGS[setting]) or 'defaults'}`)", ""]
    gt_rows = [r for r in rows if "layout" in r]
    if gt_rows:
        out += [
            "Chinese pages with hand-made ground truth (bench/realpages-gt). Floors: blocks found ≥ 0.95, "
            "reading order ≥ 0.97 (✗ = under the floor). GT blocks count the page header and footer as one each; "
            "the order is judged over the blocks found whatever their role.",
            "",
            "| page | seconds | GT blocks | found | blocks found | found, any role | block precision | order (pairwise) | order over | order edit | article F1 |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in gt_rows:
            L = r["layout"]
            out.append(
                f"| {r['page']} | {runs[r['page']]['seconds']:.0f} | {L['truth_blocks']} | {L['found']} | "
                f"{_f(L['blocks_found'], FLOORS['blocks_found'])} | {_f(L['found_any_role'])} | {_f(L['block_precision'])} | "
                f"{_f(L['order'] if L['order_matched'] >= 2 else None, FLOORS['order'])} | {L['order_matched']} blocks | "
                f"{_f(L['order_edit'] if L['order_matched'] >= 2 else None)} | "
                f"{_f(L['article_f1'])} |"
            )
        out.append("")
    de_rows = [r for r in rows if "regions" in r]
    if de_rows:
        out += [
            "German PAGE pages (gbn_tboenig). Floors: text area ≥ 0.95, separators found ≥ 0.9, no graphic "
            "region written as text.",
            "",
            "| page | seconds | text area in our text blocks | text regions ≥ half inside | separators found | graphics written as text (chars) | graphic area in our photos |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in de_rows:
            g = r["regions"]
            bad = " ✗" if g["graphics_as_text"] else ""
            out.append(
                f"| {r['page']} | {runs[r['page']]['seconds']:.0f} | {_f(g['text_area'], FLOORS['text_area'])} | "
                f"{g['text_regions_half']}/{g['text_regions']} | "
                f"{g['separators_found']}/{g['separators']} = {_f(g['separator_share'], FLOORS['separators'])} | "
                f"{g['graphics_as_text']}/{g['graphics']} ({g['graphic_chars']}){bad} | "
                f"{_f(g['graphic_area_in_photos'] if g['graphics'] else None)} |"
            )
        out.append("")
    out += [
        "Invariants on every page (reference: lines the bundled recogniser finds on the whole page by itself; "
        "'–' = no cached reference, checks 2 and 3 only).",
        "",
        "| page | exit | seconds | text blocks | photos | reference lines | missing | twice | in vertical blocks | written lines | duplicate lines | lines into a block beside | lines across a GT gutter | lines over a reference gap | lines in photos | reference lines in photos | holds |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        run = runs[r["page"]]
        if "invariants" not in r:
            out.append(f"| {r['page']} | {run['exit']} | {run['seconds']:.0f} | {r.get('error', '')} |" + " |" * 13)
            continue
        v = r["invariants"]
        has_ref = v["reference"]
        ref_cols = (
            f"{v['reference_lines']} | {v['missing']} | {v['twice']} | {v['in_vertical']}"
            if has_ref
            else "– | – | – | –"
        )
        out.append(
            f"| {r['page']} | {run['exit']} | {run['seconds']:.0f} | {r['blocks']} | {r['photos']} | {ref_cols} | "
            f"{v['written_lines']} | {v['duplicates']} | {v['across_gutter']} | "
            f"{v['across_truth'] if truth_known(r) else '–'} | {v['across_reference'] if has_ref else '–'} | "
            f"{v['in_photo']} | "
            f"{v['reference_in_photo'] if has_ref else '–'} | {'yes' if v['holds'] else 'no'} |"
        )
    return out + [""]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--settings", default="default,textfirst", help="comma list of: " + ", ".join(SETTINGS))
    ap.add_argument("--only", default="", help="only pages whose path contains this")
    ap.add_argument("--fresh", action="store_true", help="rerun digitize even where its output is there")
    ap.add_argument("--score-only", action="store_true", help="score the outputs already there; run nothing")
    ap.add_argument("--reference", action="store_true", help="build missing coverage references (slow)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=3600, help="seconds a page may take before it counts as failed")
    ap.add_argument("--out", default=str(ROOT / "bench" / "realpages-layout.md"))
    ap.add_argument("--json", default=str(ROOT / "bench" / "realpages-layout.json"), help="the figures as data")
    args = ap.parse_args()
    if not REALPAGES.is_dir():
        print(f"error: {REALPAGES} not found (the real pages live in ../shared/realpages)", file=sys.stderr)
        return 2
    todo = [p for p in pages() if args.only in str(p)]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    lines = [
        "# Layout on real pages (issue 13)",
        "",
        f"Code: commit {commit.strip() or '?'} (the layout as it is on that commit; this branch adds no layout code).",
        "",
        "Command (repository root, PYTHONPATH=$PWD, shared 2-core machine; seconds are wall time under its load):",
        f"`python bench/realpages_layout.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
        "",
    ]
    figures: dict = {}
    for setting in args.settings.split(","):
        runs, rows = {}, []
        for path in todo:
            name = f"{path.parent.name}/{path.name}"
            record = OUT_DIR / setting / f"{path.stem}.run.json"
            if args.score_only:
                runs[name] = json.loads(record.read_text()) if record.is_file() else {"seconds": 0, "exit": "not run"}
            else:
                runs[name] = run_page(path, setting, args.threads, args.fresh, args.timeout)
            rows.append(score(path, setting, args.reference, args.threads))
            print(setting, name, runs[name], json.dumps({k: v for k, v in rows[-1].items() if k != "page"}), flush=True)
        lines += table(setting, rows, runs)
        figures[setting] = {r["page"]: {**r, "run": runs[r["page"]]} for r in rows}
    out = Path(args.out)
    notes = ""
    if out.is_file() and "\n## Notes" in out.read_text():  # the hand-written reading of the figures is kept
        notes = out.read_text()[out.read_text().index("\n## Notes") :]
    out.write_text("\n".join(lines) + notes)
    Path(args.json).write_text(json.dumps(figures, indent=1, ensure_ascii=False) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
