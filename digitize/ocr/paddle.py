"""A second engine: PaddleOCR 3.7 (PaddleX pipeline) on onnxruntime, serving the PP-OCRv6 small models bundled
in the rapidocr wheel.

PaddleOCR as shipped downloads its models from a hub at first use, and archives often have no internet. This
engine never lets it: it builds PaddleX model folders (``inference.onnx`` + a written ``inference.yml``) from the
ONNX files that rapidocr already installed, passes them by name and directory, and turns off every optional
model (document orientation, unwarping, text-line orientation) that no wheel ships. No paddlepaddle is needed:
``engine="onnxruntime"``.

Detection runs per region with the region scaled so its text is about ``paddle_det_text_height_px`` pixels high (through
PaddleX's ``resize_long`` limit type, so recognition still reads the crop at native resolution); the detector's
row fragments are merged into lines with the base helpers, like the ppocr engine does.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.abc
import importlib.metadata
import os
import re
import shutil
import sys
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from ..model import Box, Line
from ..settings import DEFAULT, OcrSettings
from .base import EngineError, TextRegion, glyphs_from_chars, group_rows, merge_row_fragments, onnx_session

DET_MODEL_NAME = "PP-OCRv6_small_det"  # names PaddleX 3.7 knows (paddlex/modules/text_*/model_list.py)
REC_MODEL_NAME = "PP-OCRv6_small_rec"
DET_ONNX = "PP-OCRv6_det_small.onnx"  # the files bundled in the rapidocr wheel
REC_ONNX = "PP-OCRv6_rec_small.onnx"
LAYOUT_VERSION = "1"  # bump when the written inference.yml changes, so old folders are not reused
INSTALL_HINT = "the paddle engine needs `pip install digitize[paddle]`"


def cache_dir() -> Path:
    """Where the model folders live: ``$DIGITIZE_CACHE_DIR/paddle-models`` or ``~/.cache/digitize/paddle-models``."""
    root = os.environ.get("DIGITIZE_CACHE_DIR")
    base = Path(root).expanduser() if root else Path.home() / ".cache" / "digitize"
    return base / "paddle-models"


# --- model folders ---------------------------------------------------------------------------------------------


def _det_config() -> dict:
    # The PaddleX layout of a PP-OCRv6 det inference.yml (paddlex/modules/base/utils/pdparams2safetensors/
    # inference_meta.py): BGR input, ImageNet mean/std, DB post-processing.
    return {
        "Global": {"model_name": DET_MODEL_NAME},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"DetLabelEncode": None},
                {"DetResizeForTest": {"resize_long": 960}},
                {
                    "NormalizeImage": {
                        "mean": [0.485, 0.456, 0.406],
                        "std": [0.229, 0.224, 0.225],
                        "scale": "1./255.",
                        "order": "hwc",
                    }
                },
                {"ToCHWImage": None},
                {"KeepKeys": {"keep_keys": ["image", "shape", "polys", "ignore_tags"]}},
            ]
        },
        "PostProcess": {
            "name": "DBPostProcess",
            "thresh": 0.3,
            "box_thresh": 0.6,
            "max_candidates": 1000,
            "unclip_ratio": 1.5,
        },
    }


def _rec_config(characters: list[str]) -> dict:
    return {
        "Global": {"model_name": REC_MODEL_NAME},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"MultiLabelEncode": {"gtc_encode": "NRTRLabelEncode"}},
                {"RecResizeImg": {"image_shape": [3, 48, 320]}},
                {"KeepKeys": {"keep_keys": ["image", "label_ctc", "label_gtc", "length", "valid_ratio"]}},
            ]
        },
        # PaddleX appends the space and prepends the CTC blank itself: 18,708 + 2 = the model's 18,710 classes.
        "PostProcess": {"name": "CTCLabelDecode", "character_dict": characters},
    }


def _onnx_characters(path: Path) -> list[str]:
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 3
    session = ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])
    meta = session.get_modelmeta().custom_metadata_map
    if "character" not in meta:
        raise EngineError(f"no character list in the metadata of {path}")
    return meta["character"].split("\n")


def _file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def _model_folder(name: str, onnx: Path, config: dict | None, root: Path) -> Path:
    """The PaddleX folder for ``onnx`` under ``root``, built once, atomically (temp dir + rename)."""
    import yaml

    final = root / f"{name}-{_file_digest(onnx)}-v{LAYOUT_VERSION}"
    if (final / "inference.yml").is_file() and (final / "inference.onnx").is_file():
        return final
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache may be shared
        try:
            (tmp / "inference.onnx").symlink_to(onnx.resolve())
        except OSError:
            shutil.copyfile(onnx, tmp / "inference.onnx")
        if config is None:
            config = _rec_config(_onnx_characters(onnx))
        text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1 << 20)
        if yaml.safe_load(text) != config:  # a character list must survive YAML quoting exactly
            raise EngineError(f"could not write a faithful inference.yml for {name}")
        (tmp / "inference.yml").write_text(text, encoding="utf-8")
        try:
            os.rename(tmp, final)
        except OSError:
            # Another process won the race (fine), or an old folder's symlink dangles (the venv moved): replace it.
            if not ((final / "inference.yml").is_file() and (final / "inference.onnx").is_file()):
                shutil.rmtree(final, ignore_errors=True)
                os.rename(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def model_folders(root: Path | None = None) -> tuple[Path, Path]:
    """(det folder, rec folder) built from the rapidocr wheel's bundled ONNX files."""
    try:
        import rapidocr
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise EngineError(
            f"the paddle engine serves rapidocr's bundled models, but rapidocr is missing: {exc}"
        ) from exc
    models = Path(rapidocr.__file__).parent / "models"
    det, rec = models / DET_ONNX, models / REC_ONNX
    for p in (det, rec):
        if not p.is_file():
            raise EngineError(f"bundled model file missing: {p}")
    root = root or cache_dir()
    return _model_folder(DET_MODEL_NAME, det, _det_config(), root), _model_folder(REC_MODEL_NAME, rec, None, root)


# --- the engine ------------------------------------------------------------------------------------------------


class _OpenCVAlias(importlib.abc.MetaPathFinder):
    """Answers importlib.metadata look-ups for ``opencv-contrib-python`` with the installed OpenCV wheel.

    PaddleX checks for OpenCV by *distribution name*: 34 of its modules import cv2 only
    ``if is_dep_available("opencv-contrib-python")``, and the OCR pipeline refuses to start unless the
    ``ocr-core`` extra (which names opencv-contrib-python) is installed. The project keeps exactly one OpenCV,
    opencv-python-headless, whose ``cv2`` is the same module, so while paddlex is imported and the pipeline
    built this finder reports that wheel under the contrib name. It adds no distribution to ``pip list``.
    """

    ALIASED = "opencv-contrib-python"

    def __init__(self, target: importlib.metadata.Distribution):
        self.target = target

    def find_spec(self, fullname, path=None, target=None):  # not an import finder
        return None

    def find_distributions(self, context=importlib.metadata.DistributionFinder.Context()):  # noqa: B008 (the stdlib signature)
        name = getattr(context, "name", None)
        if name and re.sub(r"[-_.]+", "-", name).lower() == self.ALIASED:
            return iter([_AliasedDistribution(self.ALIASED, self.target)])
        return iter(())


class _AliasedDistribution(importlib.metadata.Distribution):
    def __init__(self, name: str, target: importlib.metadata.Distribution):
        self._alias, self._target = name, target

    def read_text(self, filename):
        if filename == "METADATA":
            return f"Metadata-Version: 2.1\nName: {self._alias}\nVersion: {self._target.version}\n"
        return None

    def locate_file(self, path):
        return self._target.locate_file(path)


@contextlib.contextmanager
def _opencv_alias():
    finder = None
    try:
        importlib.metadata.distribution(_OpenCVAlias.ALIASED)
    except importlib.metadata.PackageNotFoundError:
        for dist in ("opencv-python-headless", "opencv-python", "opencv-contrib-python-headless"):
            try:
                finder = _OpenCVAlias(importlib.metadata.distribution(dist))
                break
            except importlib.metadata.PackageNotFoundError:
                continue
    if finder is not None:
        sys.meta_path.append(finder)
    try:
        yield
    finally:
        if finder is not None:
            sys.meta_path.remove(finder)


def _import_paddleocr():
    # Both must be set before paddlex is imported: it reads them at import time.
    os.environ["PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK"] = "True"
    # PaddleX writes a cache (locks, function results) to ~/.paddlex; keep it beside our model folders.
    os.environ.setdefault("PADDLE_PDX_CACHE_HOME", str(cache_dir().parent / "paddlex"))
    try:
        with _opencv_alias():
            import paddleocr
            from paddlex.utils import logging as pdx_logging
    except ImportError as exc:
        raise EngineError(INSTALL_HINT) from exc
    pdx_logging.setup_logging("WARNING")  # not a "Creating model" line per model on every load
    crop_mod = sys.modules.get("paddlex.inference.pipelines.components.common.crop_image_regions")
    if crop_mod is not None and not hasattr(crop_mod, "cv2"):
        # paddlex was imported earlier without the alias: its modules skipped `import cv2` and cannot crop.
        raise EngineError("paddlex was imported before the paddle engine loaded; load the engine first")
    return paddleocr


class PaddleEngine:
    name = "paddle"

    def __init__(self, threads: int = 2, settings: OcrSettings = DEFAULT.ocr):
        self.settings = settings
        paddleocr = _import_paddleocr()
        det_dir, rec_dir = model_folders()
        self.models = (DET_MODEL_NAME, REC_MODEL_NAME)
        self.description = (
            f"paddleocr {_version('paddleocr')} (paddlex {_version('paddlex')}) + onnxruntime {_version('onnxruntime')}; "
            f"{DET_MODEL_NAME} ({DET_ONNX}), {REC_MODEL_NAME} ({REC_ONNX}) from rapidocr {_version('rapidocr')}"
        )
        try:
            with _opencv_alias():
                self.ocr = paddleocr.PaddleOCR(
                    text_detection_model_name=DET_MODEL_NAME,
                    text_detection_model_dir=str(det_dir),
                    text_recognition_model_name=REC_MODEL_NAME,
                    text_recognition_model_dir=str(rec_dir),
                    use_doc_orientation_classify=False,
                    use_doc_unwarping=False,
                    use_textline_orientation=False,
                    return_word_box=True,
                    engine="onnxruntime",
                    # Passed through to paddlex's ONNXRuntimeRunnerConfig (onnxruntime.SessionOptions attributes).
                    engine_config={"intra_op_num_threads": threads, "inter_op_num_threads": 1, "log_severity_level": 3},
                    device="cpu",
                )
        except Exception as exc:  # paddlex raises plain Exceptions for a bad folder or config
            raise EngineError(f"PaddleOCR could not load the models in {det_dir.parent}: {exc}") from exc
        # The engine config cannot turn onnxruntime's thread spinning off (a session config entry, not an
        # attribute); replace the two sessions with ones that do, as the ppocr engine does.
        pipeline = self.ocr.paddlex_pipeline
        pipeline = getattr(
            pipeline, "_pipeline", pipeline
        )  # paddleocr wraps paddlex's pipeline in an AutoParallel shim
        for model, folder in ((pipeline.text_det_model, det_dir), (pipeline.text_rec_model, rec_dir)):
            runner = getattr(model, "runner", None)
            if runner is not None and hasattr(runner, "session"):
                runner.session = onnx_session(folder / "inference.onnx", threads)

    def read_region(self, image: np.ndarray, region: TextRegion) -> list[Line]:
        x0, y0, x1, y1 = region.box
        st = self.settings
        pad = int(max(st.det_pad_min_px, region.text_height * st.det_pad_em))
        h, w = image.shape[:2]
        cx0, cy0, cx1, cy1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
        crop = _bgr(image[cy0:cy1, cx0:cx1])
        if crop.shape[0] < st.paddle_min_crop_px or crop.shape[1] < st.paddle_min_crop_px:
            return []
        scale = float(
            np.clip(st.paddle_det_text_height_px / max(region.text_height, 1.0), st.det_scale_min, st.det_scale_max)
        )
        side = max(32, int(round(scale * max(crop.shape[:2]))))
        (res,) = list(
            self.ocr.predict(
                crop,
                text_det_limit_type="resize_long",  # ratio = side / long side: exactly `scale`, up or down
                text_det_limit_side_len=side,
                text_rec_score_thresh=st.min_score,
                return_word_box=True,
            )
        )
        texts = res["rec_texts"]
        scores = res["rec_scores"]
        boxes = res["rec_boxes"]
        words = res.get("text_word") or [None] * len(texts)
        word_boxes = res.get("text_word_boxes") or [None] * len(texts)
        fragments = []
        for text, score, box, wtexts, wboxes in zip(texts, scores, boxes, words, word_boxes):
            if not text.strip():
                continue
            bx0, by0, bx1, by1 = (float(v) for v in box)
            b = (
                max(0, int(cx0 + bx0)),
                max(0, int(cy0 + by0)),
                min(w, int(np.ceil(cx0 + bx1))),
                min(h, int(np.ceil(cy0 + by1))),
            )
            if b[2] <= b[0] or b[3] <= b[1]:
                continue
            # Keep only lines whose centre lies in the region: the padding must not steal a neighbour's text.
            mx, my = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            if not (x0 <= mx < x1 and y0 <= my < y1):
                continue
            chars = _glyph_boxes(text, float(score), b, wtexts, wboxes, (cx0, cy0))
            fragments.append(Line(text=text, box=b, confidence=float(score), glyphs=glyphs_from_chars(chars)))
        rows = group_rows([f.box for f in fragments], st.row_min_overlap)
        return [
            merge_row_fragments([fragments[i] for i in row], space_gap=st.space_gap_em * region.text_height)
            for row in rows
        ]

    def recognize(self, image: np.ndarray, regions: list[TextRegion]) -> list[list[Line]]:
        return [self.read_region(image, r) for r in regions]


def _glyph_boxes(
    text: str, score: float, line: Box, wtexts, wboxes, origin: tuple[int, int]
) -> list[tuple[str, float, Box]]:
    """One (char, score, box) per character of ``text``, boxes inside ``line``.

    PaddleX gives one box per CJK character and one per Latin word (``text_word``/``text_word_boxes``, in crop
    pixels); a word's box is shared evenly by its letters. PaddleX gives no per-character score, so each glyph
    carries its line's score. When the words do not spell the text, boxes are spread evenly over the line box.
    """
    chars: list[tuple[str, float, Box]] = []
    if (
        wtexts is not None
        and wboxes is not None
        and len(wtexts) == len(wboxes)
        and "".join(wtexts) == text.replace(" ", "")
    ):
        ox, oy = origin
        for word, wb in zip(wtexts, wboxes):
            gx0, gy0, gx1, gy1 = (float(v) for v in wb)
            wbox = (ox + gx0, oy + gy0, ox + gx1, oy + gy1)
            chars += [(c, score, _clamp(b, line)) for c, b in zip(word, _spread(wbox, len(word)))]
        if len(chars) == len(text.replace(" ", "")):
            return chars
    # Fallback: even spread over the line (spaces take a cell too, then are dropped by glyphs_from_chars).
    return [(c, score, _clamp(b, line)) for c, b in zip(text, _spread(line, len(text)))]


def _spread(box, n: int) -> list[tuple[float, float, float, float]]:
    x0, y0, x1, y1 = box
    step = (x1 - x0) / max(n, 1)
    return [(x0 + i * step, y0, x0 + (i + 1) * step, y1) for i in range(n)]


def _clamp(b, line: Box) -> Box:
    lx0, ly0, lx1, ly1 = line
    gx0 = min(max(int(b[0]), lx0), lx1 - 1)
    gy0 = min(max(int(b[1]), ly0), ly1 - 1)
    gx1 = max(min(int(np.ceil(b[2])), lx1), gx0 + 1)
    gy1 = max(min(int(np.ceil(b[3])), ly1), gy0 + 1)
    return (gx0, gy0, gx1, gy1)


def _bgr(img: np.ndarray) -> np.ndarray:
    import cv2

    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        return cv2.cvtColor(img, cv2.COLOR_RGBA2BGR)
    return np.ascontiguousarray(img[:, :, ::-1])  # the pipeline takes RGB in, PaddleX wants BGR arrays


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def create_engine(threads: int, settings: OcrSettings = DEFAULT.ocr) -> PaddleEngine:
    return PaddleEngine(threads, settings)
