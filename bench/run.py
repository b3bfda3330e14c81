"""The benchmark: digitize against its peers on the sample broadsheet, each run in a fresh process.

    python bench/run.py [--runs 3] [--systems ours,baseline,paddle,rapidocr,tesseract] [--pages clean,scan]
                        [--peer-runs N] [--scaling] [--sweep ocr.rec_batch=4,8,16,32] [--profile] [--out bench/results.md]

Systems: ``ours`` (digitize, ppocr engine, as in the working tree), ``baseline`` (the same pipeline with the
last commit's digitize/ocr/ppocr.py), ``paddle`` (PaddleOCR 3.7 ``predict`` on the whole page, the same PP-OCRv6
ONNX through ``digitize.ocr.paddle``'s model folders, engine onnxruntime), ``rapidocr`` (whole page, default
settings, bundled models) and ``tesseract`` (Tesseract 5, chi_sim from Debian). Runs are interleaved
(run 1 of every system, then run 2, …) so that a change in machine load hits every system alike.
Writes ``results.md`` and the raw ``results.json`` beside it. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SAMPLES = ROOT / "samples"
PAGES = {"clean": SAMPLES / "jinzhong-front-clean.png", "scan": SAMPLES / "jinzhong-front-scan.jpg"}
STAGES = ["load", "preprocess", "layout", "detection", "recognition", "ocr", "order", "repair", "export"]
SYSTEM_NAMES = {
    "ours": "digitize (ppocr engine)",
    "baseline": "digitize, last commit's ppocr.py",
    "paddle": "PaddleOCR 3.7 predict, whole page",
    "rapidocr": "rapidocr 3.10, whole page",
    "tesseract": "Tesseract 5 chi_sim",
}


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def run_worker(
    system: str, image: Path, tmp: Path, threads: int, gt: Path | None = None, extra: list[str] = ()
) -> dict:
    out = tmp / f"{system}-{image.stem}-{time.monotonic_ns()}.json"
    cmd = [
        sys.executable,
        str(BENCH / "worker.py"),
        system,
        str(image),
        "--out",
        str(out),
        "--threads",
        str(threads),
        *extra,
    ]
    if gt:
        cmd += ["--gt", str(gt)]
    if system == "baseline":
        cmd[2] = "ours"
        cmd += ["--engine-file", str(baseline_engine(tmp))]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        print(f"  {system} {image.name} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return {"system": system, "failed": proc.stderr[-500:]}
    result = json.loads(out.read_text(encoding="utf-8"))
    result["system"] = system
    return result


def baseline_engine(tmp: Path) -> Path:
    path = tmp / "ppocr_at_head.py"
    if not path.exists():
        source = subprocess.run(
            ["git", "show", "HEAD:digitize/ocr/ppocr.py"], capture_output=True, text=True, cwd=ROOT, check=True
        )
        path.write_text(source.stdout, encoding="utf-8")
    return path


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: list[float], fmt: str = "{:.1f}") -> str:
    if not values:
        return "–"
    if len(values) == 1:
        return fmt.format(values[0])
    return f"{fmt.format(med(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def loads(results: list[dict]) -> str:
    vals = [r["loadavg_before"][0] for r in results if "loadavg_before" in r]
    return f"{min(vals):.1f}–{max(vals):.1f}" if vals else "–"


# --- sections of results.md ------------------------------------------------------------------------------------


def peers_section(results: list[dict], pages: list[str], systems: list[str]) -> list[str]:
    out = [
        "## Side by side",
        "",
        "s/page = wall time for the page with the models already loaded (median, min–max over the runs); "
        "model load is the process start to a ready engine. Ratio = system's s/page ÷ ours (higher = ours faster). "
        "CER and reading order are defined in `bench/scoring.py` (summary below the tables).",
        "",
    ]
    for page in pages:
        out += [
            f"### {page} page (`{PAGES[page].relative_to(ROOT)}`)",
            "",
            "| system | s/page | CPU s/page | model load s | peak RSS MB | CER | CER, lines in GT order | reading order | time ratio vs ours | 1-min load during runs |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        ours = [
            r["page_wall"] for r in results if r.get("system") == "ours" and Path(r["image"]).name == PAGES[page].name
        ]
        for system in systems:
            rs = [
                r
                for r in results
                if r.get("system") == system and "failed" not in r and Path(r["image"]).name == PAGES[page].name
            ]
            if not rs:
                out.append(f"| {SYSTEM_NAMES[system]} | failed | | | | | | | | |")
                continue
            walls = [r["page_wall"] for r in rs]
            s = [r["scores"] for r in rs]
            model = [r["stages"].get("model_load", {}).get("wall", 0.0) for r in rs]
            ratio = f"{med(walls) / med(ours):.2f}×" if ours else "–"
            out.append(
                f"| {SYSTEM_NAMES[system]} | {spread(walls)} | {spread([r['page_cpu'] for r in rs])} | {spread(model)} | "
                f"{spread([r['peak_rss_mb'] for r in rs], '{:.0f}')} | {med([x['cer'] for x in s]):.2%} | "
                f"{med([x['cer_gt_order'] for x in s]):.2%} | {med([x['reading_order'] for x in s]):.3f} | {ratio} | {loads(rs)} |"
            )
        out.append("")
    return out


def stages_section(results: list[dict], pages: list[str], system: str = "ours") -> list[str]:
    out = [
        f"## Per stage: {SYSTEM_NAMES[system]}",
        "",
        "Wall s, CPU s (all threads) and peak RSS MB of each stage, median (min–max). `detection` and `recognition` "
        "are the two halves of `ocr`; peak RSS per stage from the kernel's resettable high-water mark "
        "(`/proc/self/clear_refs`).",
        "",
    ]
    for page in pages:
        rs = [
            r
            for r in results
            if r.get("system") == system and "failed" not in r and Path(r["image"]).name == PAGES[page].name
        ]
        if not rs:
            continue
        out += [f"### {page} page, {len(rs)} runs", "", "| stage | wall s | CPU s | peak RSS MB |", "|---|---|---|---|"]
        for stage in ["model_load", *STAGES]:
            vals = [r["stages"][stage] for r in rs if stage in r["stages"]]
            if vals:
                out.append(
                    f"| {stage} | {spread([v['wall'] for v in vals], '{:.2f}')} | "
                    f"{spread([v['cpu'] for v in vals], '{:.2f}')} | {spread([v['peak_rss_mb'] for v in vals], '{:.0f}')} |"
                )
        out.append(
            f"| **page (without model load)** | {spread([r['page_wall'] for r in rs], '{:.2f}')} | "
            f"{spread([r['page_cpu'] for r in rs], '{:.2f}')} | {spread([r['peak_rss_mb'] for r in rs], '{:.0f}')} |"
        )
        out.append("")
    return out


def scaling_runs(runs: int, tmp: Path, threads: int) -> list[dict]:
    """Quarter, half and full broadsheet cut from the scan page (PNG, lossless), ours only."""
    import cv2

    page = cv2.imread(str(PAGES["scan"]), cv2.IMREAD_GRAYSCALE)
    h, w = page.shape
    crops = {"quarter": page[: h // 2, : w // 2], "half": page[: h // 2], "full": page}
    paths = {}
    for name, img in crops.items():
        paths[name] = tmp / f"scan-{name}.png"
        cv2.imwrite(str(paths[name]), img)
    results = []
    for run in range(runs):
        for name, path in paths.items():
            print(f"scaling run {run + 1}/{runs}: {name}", file=sys.stderr)
            r = run_worker("ours", path, tmp, threads)
            r["size"] = name
            r["megapixels"] = crops[name].size / 1e6
            results.append(r)
    return results


def scaling_section(results: list[dict]) -> list[str]:
    import numpy as np

    out = [
        "## Scaling with page size and characters",
        "",
        "Ours on crops of the scan page: quarter = top-left quarter, half = top half, full = whole page. "
        "Linear means the time per megapixel and per 1,000 characters stay flat as the page grows.",
        "",
        "| size | megapixels | characters | s/page | CPU s | peak RSS MB | s per MP | s per 1,000 chars |",
        "|---|---|---|---|---|---|---|---|",
    ]
    points = []
    for size in ("quarter", "half", "full"):
        rs = [r for r in results if r.get("size") == size and "failed" not in r]
        if not rs:
            continue
        wall, chars, mp = med([r["page_wall"] for r in rs]), med([r["chars"] for r in rs]), rs[0]["megapixels"]
        points.append((mp, chars, wall))
        out.append(
            f"| {size} | {mp:.1f} | {chars:.0f} | {spread([r['page_wall'] for r in rs])} | {spread([r['page_cpu'] for r in rs])} | "
            f"{spread([r['peak_rss_mb'] for r in rs], '{:.0f}')} | {wall / mp:.2f} | {1000 * wall / max(chars, 1):.2f} |"
        )
    if len(points) >= 2:
        mp, chars, wall = map(np.array, zip(*points))
        # Exponent of a power law through the points: 1.0 = linear, 2.0 = quadratic.
        k_mp = np.polyfit(np.log(mp), np.log(wall), 1)[0]
        k_ch = np.polyfit(np.log(chars), np.log(wall), 1)[0]
        out += [
            "",
            f"Growth exponent (log-log slope of s/page): **{k_mp:.2f}** against megapixels, **{k_ch:.2f}** "
            f"against characters (1.0 = linear). Loads during these runs: {loads(results)}.",
        ]
    return out + [""]


def sweep_runs(sweep: str, runs: int, tmp: Path, threads: int) -> list[dict]:
    name, values = sweep.split("=", 1)
    results = []
    for run in range(runs):
        for value in values.split(","):
            print(f"sweep run {run + 1}/{runs}: {name}={value}", file=sys.stderr)
            r = run_worker(
                "ours",
                PAGES["scan"],
                tmp,
                threads,
                SAMPLES / "jinzhong-front-scan.gt.json",
                ["--set", f"{name}={value}"],
            )
            r["setting"] = f"{name}={value}"
            results.append(r)
    return results


def sweep_section(results: list[dict]) -> list[str]:
    out = [
        "## Tuning sweep (scan page)",
        "",
        "| setting | s/page | recognition wall s | recognition CPU s | detection wall s | peak RSS MB | CER | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for setting in dict.fromkeys(r["setting"] for r in results):
        rs = [r for r in results if r["setting"] == setting and "failed" not in r]
        if rs:
            out.append(
                f"| `{setting}` | {spread([r['page_wall'] for r in rs])} | {spread([r['stages']['recognition']['wall'] for r in rs])} | "
                f"{spread([r['stages']['recognition']['cpu'] for r in rs])} | {spread([r['stages']['detection']['wall'] for r in rs])} | "
                f"{spread([r['peak_rss_mb'] for r in rs], '{:.0f}')} | {med([r['scores']['cer'] for r in rs]):.2%} | {loads(rs)} |"
            )
    return out + [""]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--systems", default="ours,baseline,paddle,rapidocr,tesseract")
    ap.add_argument("--pages", default="clean,scan")
    ap.add_argument("--peer-runs", type=int, help="runs for systems other than ours (default: --runs); slow peers")
    ap.add_argument("--threads", type=int, default=2, help="onnxruntime threads (ours, paddle) / OpenMP (tesseract)")
    ap.add_argument("--scaling", action="store_true", help="also time quarter, half and full pages")
    ap.add_argument(
        "--sweep",
        action="append",
        default=[],
        help="NAME=V1,V2,…: ours on the scan page with each value of an engine constant (repeatable)",
    )
    ap.add_argument("--profile", action="store_true", help="one extra pyinstrument run of ours on the scan page")
    ap.add_argument("--out", type=Path, default=BENCH / "results.md")
    args = ap.parse_args()
    systems, pages = args.systems.split(","), args.pages.split(",")
    command = "python bench/run.py " + shlex.join(sys.argv[1:])
    info = machine()
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())

    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="digitize-bench-") as tmp_name:
        tmp = Path(tmp_name)
        for run in range(args.runs):
            for page in pages:
                for system in systems:
                    if system != "ours" and args.peer_runs is not None and run >= args.peer_runs:
                        continue
                    print(
                        f"run {run + 1}/{args.runs}: {system} on {page} (load {os.getloadavg()[0]:.1f})",
                        file=sys.stderr,
                    )
                    results.append(
                        run_worker(system, PAGES[page], tmp, args.threads, SAMPLES / f"jinzhong-front-{page}.gt.json")
                    )
        scaling = scaling_runs(args.runs, tmp, args.threads) if args.scaling else []
        sweep = [r for spec in args.sweep for r in sweep_runs(spec, args.runs, tmp, args.threads)]
        profile_text = ""
        if args.profile:
            prof = tmp / "profile.txt"
            run_worker("ours", PAGES["scan"], tmp, args.threads, extra=["--profile", str(prof)])
            profile_text = prof.read_text(encoding="utf-8") if prof.exists() else ""

    md = [
        "# Benchmark results",
        "",
        f"Command: `{command}` (from the repository root), started {started}, {args.runs} runs of ours per page "
        f"({args.peer_runs if args.peer_runs is not None else args.runs} of each other system), "
        f"each run in a fresh process, runs interleaved across systems.",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores available, {info['ram_gb']} GB RAM, Python {info['python']}, "
        f"Linux {info['kernel']}. 1-minute load average before the runs: {loads(results + scaling + sweep)} "
        "(the machine is shared; load above the core count inflates wall times, so compare ratios within one run).",
        "",
    ]
    md += peers_section(results, pages, systems)
    md += stages_section(results, pages)
    if "baseline" in systems:
        md += stages_section(results, pages, "baseline")
    if scaling:
        md += scaling_section(scaling)
    if sweep:
        md += sweep_section(sweep)
    notes = BENCH / "notes.md"  # hand-written: what was changed, and why
    if notes.exists() and args.out.name == "results.md":
        md += [notes.read_text(encoding="utf-8").strip(), ""]
    if profile_text:
        top = [line for line in profile_text.splitlines() if line.strip()][:45]
        md += ["## Profile (pyinstrument, ours, scan page)", "", "```", *top, "```", ""]
    md += ["## How it is scored", "", (BENCH / "scoring.py").read_text(encoding="utf-8").split('"""')[1].strip(), ""]
    args.out.write_text("\n".join(md) + "\n", encoding="utf-8")
    raw = {
        "command": command,
        "machine": info,
        "started": started,
        "results": results,
        "scaling": scaling,
        "sweep": sweep,
    }
    for r in raw["results"] + raw["scaling"] + raw["sweep"]:
        r.pop("text", None)
        r.pop("lines", None)
    args.out.with_suffix(".json").write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
