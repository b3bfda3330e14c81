"""One benchmark run: one system on one page, in a fresh process, so its peak RSS is its own.

    python bench/worker.py SYSTEM IMAGE --out RESULT.json [--gt GT.json] [--threads N] [--profile PROFILE.txt]

SYSTEM is ``ours`` (digitize with the ppocr engine), ``paddle`` (PaddleOCR 3.7's own pipeline on the whole
page), ``rapidocr`` (rapidocr on the whole page, default settings) or ``tesseract`` (Tesseract 5, chi_sim).
Writes per-stage wall/CPU/peak RSS, the text and its lines, and (with ``--gt``) the scores.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import StageMeter


def run_ours(
    image: Path,
    meter: StageMeter,
    threads: int,
    profile: Path | None,
    engine_file: Path | None = None,
    settings: list[str] = (),
) -> tuple[str, list[str], dict]:
    with meter.stage("model_load"):
        from digitize import io, pipeline, to_json, to_text
        from digitize.export.alto import page_to_alto
        from digitize.model import Document

        module = _engine_module(engine_file)
        if settings:  # e.g. ocr.rec_batch=16, for tuning runs
            from digitize.settings import load_settings

            engine = module.create_engine(threads, settings=load_settings(None, list(settings)).ocr)
        else:  # an engine file from before settings takes threads only
            engine = module.create_engine(threads)

    # Every stage of process_page runs inside pipeline._timed(page, stage): measure there, so the harness runs
    # the pipeline's own code and nothing is reimplemented.
    original_timed = pipeline._timed

    @contextmanager
    def timed(page, stage):
        with meter.stage(stage), original_timed(page, stage):
            yield

    pipeline._timed = timed
    # The engine's two halves, so detection and recognition get their own CPU time and peak RSS.
    for method, stage in (("detect_regions", "detection"), ("read_lines", "recognition")):
        if hasattr(engine, method):  # an older engine file may not split detection out
            setattr(engine, method, _metered(meter, stage, getattr(engine, method)))

    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    with meter.stage("load"):
        loaded = next(io.load(image))
    page = pipeline.process_page(loaded, 1, engine)
    with meter.stage("export"):
        doc = Document(path=str(image), pages=[page])
        text = to_text(doc)
        page_to_alto(page)
        to_json(doc)
    if profiler:
        profiler.stop()
        profile.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
    _, lines = _corpus([line.text for block in page.text_blocks_in_order() for line in block.lines])
    extra = {"engine_timings": dict(getattr(engine, "last_timings", {})), "pipeline_timings": page.timings}
    return text, lines, extra


def _engine_module(engine_file: Path | None):
    """digitize.ocr.ppocr, or another version of it (say, the last commit's) loaded from a file as its sibling."""
    import importlib
    import importlib.util

    if engine_file is None:
        return importlib.import_module("digitize.ocr.ppocr")
    spec = importlib.util.spec_from_file_location("digitize.ocr._bench_engine", engine_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _metered(meter: StageMeter, stage: str, fn):
    def wrapper(*args, **kwargs):
        with meter.stage(stage):
            return fn(*args, **kwargs)

    return wrapper


def _corpus(lines: list[str]) -> tuple[str, list[str]]:
    from scoring import corpus_line

    lines = [corpus_line(t) for t in lines if t.strip()]
    return "\n".join(lines), lines


def run_paddle(image: Path, meter: StageMeter, threads: int, profile, **_) -> tuple[str, list[str], dict]:
    with meter.stage("model_load"):
        # The same PaddleOCR object the paddle engine builds: PP-OCRv6 ONNX through model_folders(),
        # engine="onnxruntime", no paddlepaddle, our onnxruntime session settings.
        from digitize.ocr.paddle import PaddleEngine

        engine = PaddleEngine(threads)
        import cv2
    with meter.stage("load"):
        bgr = cv2.imread(str(image), cv2.IMREAD_COLOR)
    with meter.stage("ocr"):
        (res,) = list(engine.ocr.predict(bgr))  # PaddleOCR's defaults for the whole page
        texts = list(res["rec_texts"])
    text, lines = _corpus(texts)
    return text, lines, {"settings": "PaddleOCR.predict defaults (det limit_type min 64, max side 4000)"}


def run_rapidocr(image: Path, meter: StageMeter, threads: int, profile, **_) -> tuple[str, list[str], dict]:
    with meter.stage("model_load"):
        import rapidocr
        from rapidocr import RapidOCR

        models = Path(rapidocr.__file__).parent / "models"
        ocr = RapidOCR(
            params={
                "Det.model_path": str(models / "PP-OCRv6_det_small.onnx"),
                "Rec.model_path": str(models / "PP-OCRv6_rec_small.onnx"),
                "Cls.model_path": str(models / "ch_ppocr_mobile_v2.0_cls_mobile.onnx"),
                "Global.log_level": "error",
            }
        )
    with meter.stage("ocr"):  # rapidocr loads the file itself
        result = ocr(str(image))
        texts = list(result.txts or [])
    text, lines = _corpus(texts)
    return text, lines, {}


def run_tesseract(image: Path, meter: StageMeter, threads: int, profile, **_) -> tuple[str, list[str], dict]:
    with meter.stage("ocr"):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(
            ["tesseract", str(image), "-", "-l", "chi_sim"],
            capture_output=True,
            check=True,
            env={**os.environ, "OMP_THREAD_LIMIT": str(threads)},
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    child_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    meter.stages["ocr"]["cpu"] = child_cpu  # the work is the child's, not this process's
    meter.stages["ocr"]["peak_rss_mb"] = after.ru_maxrss / 1024
    raw = out.stdout.decode("utf-8", "replace")
    text, lines = _corpus(raw.splitlines())
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return text, lines, {"version": version, "peak_is_child": True}


SYSTEMS = {"ours": run_ours, "paddle": run_paddle, "rapidocr": run_rapidocr, "tesseract": run_tesseract}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("system", choices=sorted(SYSTEMS))
    ap.add_argument("image", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--gt", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--profile", type=Path)
    ap.add_argument("--engine-file", type=Path, help="ours: another version of digitize/ocr/ppocr.py")
    ap.add_argument("--set", action="append", default=[], help="ours: NAME=VALUE for an engine module constant")
    args = ap.parse_args()

    meter = StageMeter()
    load_before = os.getloadavg()
    start = time.perf_counter()
    options = {"engine_file": args.engine_file, "settings": args.set} if args.system == "ours" else {}
    text, lines, extra = SYSTEMS[args.system](args.image, meter, args.threads, args.profile, **options)
    total_wall = time.perf_counter() - start
    page_stages = {k: v for k, v in meter.stages.items() if k != "model_load"}
    result = {
        "system": args.system,
        "image": str(args.image),
        "loadavg_before": load_before,
        "total_wall": total_wall,
        # The page itself, model loading excluded (top-level stages only: detection/recognition are inside ocr).
        "page_wall": sum(v["wall"] for k, v in page_stages.items() if k not in ("detection", "recognition")),
        "page_cpu": sum(v["cpu"] for k, v in page_stages.items() if k not in ("detection", "recognition")),
        "peak_rss_mb": max(meter.process_peak_mb(), *(v["peak_rss_mb"] for v in meter.stages.values())),
        "peak_rss_resettable": meter.resettable,
        "stages": meter.stages,
        "chars": len("".join(text.split())),
        "lines": lines,
        "text": text,
        **extra,
    }
    if args.gt:
        from scoring import score

        result["scores"] = score(args.gt, text, lines)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
