"""Measure what the review thresholds (settings.QualitySettings) separate: per page, the quality record and
the distributions behind it (glyph confidence, characters per em-square of each written line, ink share).

    PYTHONPATH=$PWD python bench/review_thresholds.py OUT.jsonl PAGE...   # one JSON line per page, appended
    PYTHONPATH=$PWD python bench/review_thresholds.py --table OUT.jsonl   # the markdown table of bench/review_thresholds.md

Pages that fail to load are recorded with their error. Run on the real pages (../shared/realpages), the
samples and the rendered script pages (tests/script_pages.py).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np


def measure(path: Path) -> dict:
    from digitize.pipeline import iter_pages
    from digitize.quality import line_density, unread_share

    start = time.perf_counter()
    page = next(iter_pages(path))
    q = page.quality
    assert q is not None
    blocks = [b for b in page.blocks if b.role.has_text]
    glyphs = np.array([g.confidence for b in blocks for ln in b.lines for g in ln.glyphs], dtype=float)
    lines = np.array([ln.confidence for b in blocks for ln in b.lines], dtype=float)
    density = np.array([line_density(ln, b.vertical) for b in blocks for ln in b.lines], dtype=float)

    def pct(a: np.ndarray, p: float) -> float | None:
        return round(float(np.percentile(a, p)), 4) if a.size else None

    return {
        "page": str(path),
        "seconds": round(time.perf_counter() - start, 1),
        "quality": dataclasses.asdict(q),
        "unread_share": unread_share(q),
        "chars": int(sum(len(ln.text.replace(" ", "")) for b in blocks for ln in b.lines)),
        "glyph_conf": {p: pct(glyphs, p) for p in (1, 5, 10, 25, 50)},
        "line_conf": {p: pct(lines, p) for p in (1, 5, 10, 50)},
        "density": {p: pct(density, p) for p in (1, 5, 10, 50)},
    }


def table(jsonl: Path) -> str:
    """One row per page; the reasons are assessed again with today's QualitySettings (the stored record's
    measures do not depend on them)."""
    from digitize.model import PageQuality
    from digitize.quality import review_reasons, unread_share

    rows = [json.loads(line) for line in jsonl.read_text().splitlines() if line.strip()]
    out = [
        "| page | chars | det/read lines | sparse/written | unread | ink | text fill | mean conf | p5 conf | density p5 | reasons |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        if "error" in r:
            out.append(f"| {r['page']} | error: {r['error']} |")
            continue
        q = r["quality"]
        q["reasons"] = review_reasons(PageQuality(**({"text_fill": 1.0} | q)), r["chars"])
        share = unread_share(PageQuality(**q))
        unread = "–" if share is None else f"{share:.2f}"
        fill = f"{q['text_fill']:.3f}" if "text_fill" in q else "–"  # not recorded before it existed
        out.append(
            f"| {Path(r['page']).parent.name}/{Path(r['page']).name} | {r['chars']} | {q['detected_lines']}/{q['read_lines']} "
            f"| {q['sparse_lines']}/{q['written_lines']} | {unread} | {q['ink_share']:.4f} | {fill} | {q['mean_confidence']:.3f} "
            f"| {q['confidence_p5']:.3f} | {r['density']['5']} | {', '.join(q['reasons']) or '–'} |"
        )
    return "\n".join(out)


def main(argv: list[str]) -> None:
    if argv[0] == "--table":
        print(table(Path(argv[1])))
        return
    out = Path(argv[0])
    for name in argv[1:]:
        try:
            record = measure(Path(name))
        except Exception as exc:  # a page that fails is a row, not the end of the run
            record = {"page": name, "error": f"{type(exc).__name__}: {exc}"}
        with out.open("a") as f:
            f.write(json.dumps(record) + "\n")
        print(name, record.get("quality", {}).get("reasons"), record.get("seconds"), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
