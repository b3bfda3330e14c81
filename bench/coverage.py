"""Coverage of real pages: does every line the recogniser can see on a page reach digitize's output?

For every page of ../shared/realpages (and, with --samples, the sample pages):
- the reference is what the bundled recogniser (rapidocr 3.10, the PP-OCRv6 small det/rec files bundled in its
  wheel, by explicit path; no layout at all) finds on the page read in overlapping tiles at (about) full
  resolution. Pages with tiny text are upscaled so a text line is ≥ REF_MIN_TEXT_PX; pages with huge text
  (600 dpi Fraktur leaves) are read at REF_MAX_TEXT_PX so the bench ends in minutes, not hours. Boxes found
  twice in tile overlaps are deduplicated: the larger box wins over any box mostly inside it.
- the hypothesis is every character digitize records in its ALTO (all Strings: page furniture and adverts
  included, since those are kept out of the body text on purpose, not lost);
- coverage = bag-of-characters intersection / reference characters (whitespace ignored); excess = hypothesis
  characters beyond the reference's count of the same character (read twice, or misread) / reference chars.

The reference is cached per page under out/coverage/ (gitignored: real-page text is never committed).
The text-first path is switched on with DIGITIZE_TEXT_FIRST=1 or `--set lines.enabled=true` (digitize/settings.py, TextLinesSettings).
Usage: python bench/coverage.py [--samples] [--only SUBSTR] [--out bench/coverage.md] [--threads 2]
Real pages stay outside the repository; the table written holds figures only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
REALPAGES = ROOT.parent / "shared" / "realpages"
CACHE = ROOT / "out" / "coverage"
TILE_PX = 1600  # tile side in the (scaled) page: the detector's sweet spot for a 2-core machine
TILE_OVERLAP_PX = 200  # ≥ a few text lines, so every line lies whole in at least one tile (unless it is wider)
REF_MIN_TEXT_PX = 20  # PP-OCR detection loses lines below ~16 px; tiny-text pages are upscaled to this
REF_MAX_TEXT_PX = 48  # above this the page is read reduced (same lines, a quarter of the time)
REF_PLAUSIBLE_TEXT_PX = 60  # ink line heights above this are shadows, photos or vertical columns, not type
REF_MIN_SIDE = 2400  # px: a 600×800 photo of a broadsheet has 8 px type; read at 3× it has 24 px
REF_MAX_SCALE = 3.0
REF_MAX_SIDE = 6000  # px: 600 dpi leaves (45–95 px type) read reduced to this: same lines, half the tiles
DEDUP_INSIDE = 0.5  # a box with more than this share of its area inside a larger kept box is a duplicate
FRAKTUR = ("gbn_tboenig",)  # German Fraktur: outside what the bundled recogniser reads; layout only


def pages(samples: bool) -> list[Path]:
    found = sorted(p for p in REALPAGES.glob("*/*") if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".tif"))
    if samples:
        found += sorted((ROOT / "samples").glob("jinzhong-front-*.[jp][pn]g"))
    return found


def load_rgb(path: Path) -> np.ndarray:
    Image.MAX_IMAGE_PIXELS = None
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def text_height(rgb: np.ndarray) -> float:
    """Body text line height in source pixels, measured the way digitize's layout measures it (ink runs)."""
    from digitize.layout import body_text_height
    from digitize.preprocess import binarize

    gray = np.asarray(Image.fromarray(rgb).convert("L"))
    return body_text_height(binarize(gray))


def reference_engine(threads: int):
    import rapidocr
    from rapidocr import RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    return RapidOCR(
        params={
            "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
            "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
            "Global.use_cls": False,
            "Global.log_level": "error",
            "Global.max_side_len": 100000,  # the tile is already at the scale we chose: rapidocr must not rescale
            "Global.min_side_len": 1,
            "Det.limit_type": "max",
            "Det.limit_side_len": 100000,
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        }
    )


def tiles(length: int) -> list[int]:
    if length <= TILE_PX:
        return [0]
    step = TILE_PX - TILE_OVERLAP_PX
    starts = list(range(0, length - TILE_PX, step)) + [length - TILE_PX]
    return sorted(set(starts))


def dedup(found: list[dict]) -> list[dict]:
    """Drop boxes found twice in tile overlaps: larger boxes first; a box mostly inside a kept one goes."""
    kept: list[dict] = []
    for item in sorted(found, key=lambda d: -_area(d["box"])):
        b = item["box"]
        if any(_inter(b, k["box"]) > DEDUP_INSIDE * max(1, _area(b)) for k in kept):
            continue
        kept.append(item)
    return sorted(kept, key=lambda d: (d["box"][1], d["box"][0]))


def _area(b) -> float:
    return max(0, b[2] - b[0]) * max(0, b[3] - b[1])


def _inter(a, b) -> float:
    return _area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def reference(path: Path, engine_factory, refresh: bool = False) -> dict:
    cache = CACHE / f"{path.parent.name}__{path.stem}.ref.json"
    if cache.is_file() and not refresh:
        return json.loads(cache.read_text())
    import cv2

    start = time.perf_counter()
    rgb = load_rgb(path)
    px = text_height(rgb)
    # The ink measure is trusted only where it is plausible (a camera photo's shadows read as 400 px "text",
    # vertical columns as their length); a small image of a page has small type, so it is read ≥ REF_MIN_SIDE.
    scale = float(np.clip(px, REF_MIN_TEXT_PX, REF_MAX_TEXT_PX) / px) if px <= REF_PLAUSIBLE_TEXT_PX else 1.0
    scale = min(REF_MAX_SCALE, max(scale, REF_MIN_SIDE / max(rgb.shape[:2])), REF_MAX_SIDE / max(rgb.shape[:2]))
    work = (
        rgb
        if scale == 1
        else cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    )
    engine = engine_factory()
    found = []
    h, w = work.shape[:2]
    for y in tiles(h):
        for x in tiles(w):
            out = engine(work[y : y + TILE_PX, x : x + TILE_PX])
            if out.boxes is None:
                continue
            for quad, text, score in zip(out.boxes, out.txts, out.scores):
                (x0, y0), (x1, y1) = quad.min(axis=0), quad.max(axis=0)
                box = [(x + x0) / scale, (y + y0) / scale, (x + x1) / scale, (y + y1) / scale]
                found.append({"box": [round(float(v), 1) for v in box], "text": text, "score": round(float(score), 3)})
    lines = dedup(found)
    heights = [b["box"][3] - b["box"][1] for b in lines if len(b["text"]) >= 4]
    ref = {
        "page": str(path.relative_to(path.parent.parent)),
        "size": [rgb.shape[1], rgb.shape[0]],
        "text_px": round(px, 1),
        "line_px_median": round(float(np.median(heights)), 1) if heights else 0.0,
        "scale": round(scale, 3),
        "seconds": round(time.perf_counter() - start, 1),
        "lines": lines,
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(ref, ensure_ascii=False))
    return ref


def chars(texts) -> Counter:
    return Counter(c for t in texts for c in t if not c.isspace())


def alto_strings(alto: bytes) -> list[str]:
    from lxml import etree

    root = etree.fromstring(alto)
    return [s.get("CONTENT", "") for s in root.iter("{*}String")]


def hypothesis(path: Path, engine, overlays: Path | None = None) -> tuple[list[str], float, dict]:
    from digitize.export.alto import page_to_alto
    from digitize.export.overlay import page_overlay
    from digitize.pipeline import iter_pages

    start, cpu = time.perf_counter(), time.process_time()
    strings: list[str] = []
    info: dict = {}
    for page in iter_pages(path, engine, keep_image=overlays is not None):
        strings += alto_strings(page_to_alto(page, punctuation="original"))  # as printed, as the recogniser reads
        if overlays is not None and page.image is not None:
            overlays.mkdir(parents=True, exist_ok=True)
            (overlays / f"{path.parent.name}__{path.stem}.overlay.png").write_bytes(page_overlay(page, page.image))
            page.image = None
        info = {
            "blocks": sum(1 for b in page.blocks if b.role.has_text),
            "photos": sum(1 for b in page.blocks if not b.role.has_text),
        }
        quality = getattr(page, "quality", None)
        if quality is not None:
            info["flags"] = ",".join(getattr(quality, "flags", []) or [])
    info["cpu"] = time.process_time() - cpu  # all threads: the page's cost, whatever the machine's load
    return strings, time.perf_counter() - start, info


def score(ref_texts: list[str], hyp_texts: list[str]) -> tuple[int, int, float, float]:
    ref, hyp = chars(ref_texts), chars(hyp_texts)
    total = sum(ref.values())
    hit = sum((ref & hyp).values())
    excess = sum((hyp - ref).values())
    return total, sum(hyp.values()), hit / total if total else 1.0, excess / total if total else 0.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--samples", action="store_true", help="also the jinzhong sample pages")
    ap.add_argument("--only", default="", help="only pages whose path contains this")
    ap.add_argument("--skip", default="", help="skip pages whose path contains this")
    ap.add_argument("--out", default=str(ROOT / "bench" / "coverage.md"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reference-only", action="store_true", help="build the reference cache and stop")
    ap.add_argument("--refresh", action="store_true", help="recompute cached references")
    ap.add_argument("--overlays", default="", help="write each page's --debug-overlay PNG into this folder")
    ap.add_argument("--label", default="", help="a heading for the table (e.g. 'before', 'after')")
    args = ap.parse_args()
    if not REALPAGES.is_dir():
        print(f"error: {REALPAGES} not found", file=sys.stderr)
        return 2

    ref_engine = []

    def factory():
        if not ref_engine:
            ref_engine.append(reference_engine(args.threads))
        return ref_engine[0]

    todo = [p for p in pages(args.samples) if args.only in str(p) and not (args.skip and args.skip in str(p))]
    engine = None
    if not args.reference_only:
        from digitize.pipeline import get_engine

        engine = get_engine("ppocr", args.threads)
    rows = []
    for path in todo:
        ref = reference(path, factory, args.refresh)
        name = f"{path.parent.name}/{path.name}"
        print(f"{name}: reference {len(ref['lines'])} lines, text {ref['text_px']} px, {ref['seconds']} s", flush=True)
        if args.reference_only:
            continue
        hyp, seconds, info = hypothesis(path, engine, Path(args.overlays) if args.overlays else None)
        total, written, cov, excess = score([l["text"] for l in ref["lines"]], hyp)
        fraktur = any(f in str(path) for f in FRAKTUR)
        rows.append((name, ref, total, written, cov, excess, seconds, fraktur, info))
        print(f"  coverage {cov:.3f}, excess {excess:.3f}, {written} written, {seconds:.1f} s {info}", flush=True)
    if args.reference_only:
        return 0
    lines = [
        f"## Coverage {args.label}".rstrip(),
        "",
        f"`python bench/coverage.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
        "",
        "| page | size | text px | ref chars | written chars | coverage | excess | text blocks | seconds | CPU s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, ref, total, written, cov, excess, seconds, fraktur, info in rows:
        mark = " (Fraktur: outside the recogniser)" if fraktur else ""
        lines.append(
            f"| {name}{mark} | {ref['size'][0]}×{ref['size'][1]} | {ref['text_px']:.0f} | {total} | {written} | "
            f"{cov:.3f} | {excess:.3f} | {info.get('blocks', 0)} | {seconds:.1f} | {info.get('cpu', 0):.1f} |"
        )
    counted = [r for r in rows if not r[7]]
    if counted:
        ref_sum = sum(r[2] for r in counted)
        hit = sum(r[4] * r[2] for r in counted)
        lines += [
            "",
            f"Pooled coverage over {len(counted)} non-Fraktur pages: {hit / ref_sum:.3f} "
            f"(worst {min(r[4] for r in counted):.3f}); seconds {sum(r[6] for r in counted):.0f}, "
            f"CPU seconds {sum(r[8].get('cpu', 0) for r in counted):.0f}.",
        ]
    out = Path(args.out)
    text = "\n".join(lines) + "\n"
    if out.is_file():
        # Keep earlier runs under other labels (before / after) in the same file; replace this label's run.
        import re

        sections = re.split(r"(?m)^(?=## Coverage)", out.read_text())
        kept = [s.rstrip() for s in sections if s.strip() and not s.startswith(lines[0] + "\n")]
        text = "\n\n".join(kept + [text.rstrip()]) + "\n"
    out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
