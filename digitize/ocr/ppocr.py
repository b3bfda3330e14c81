"""The default engine: PP-OCRv6 (small) detection and recognition through rapidocr on onnxruntime.

Only the model files bundled in the rapidocr wheel are used, by explicit path: any other model choice makes
rapidocr download, and archives often have no internet. Detection runs per layout block with the block
scaled so its text is about ``DET_TEXT_HEIGHT`` pixels high; recognition runs on crops of the working image at
native resolution, for the whole page in one batch sorted by width.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import cv2
import numpy as np

from ..model import Box, Line
from .base import EngineError, TextRegion, glyphs_from_chars, group_rows, merge_row_fragments, onnx_session

DET_TEXT_HEIGHT = 32  # px: the text size the DB detector sees best
REC_BATCH = 8
MIN_SCORE = 0.3


class PPOCREngine:
    name = "ppocr"

    def __init__(self, threads: int = 2):
        try:
            import rapidocr
            from rapidocr import RapidOCR
            from rapidocr.cal_rec_boxes import CalRecBoxes
            from rapidocr.ch_ppocr_det import TextDetector
            from rapidocr.ch_ppocr_rec import TextRecognizer
        except ImportError as exc:  # pragma: no cover - the default install has it
            raise EngineError(f"the ppocr engine needs rapidocr: {exc}") from exc
        models = Path(rapidocr.__file__).parent / "models"
        det_path = models / "PP-OCRv6_det_small.onnx"
        rec_path = models / "PP-OCRv6_rec_small.onnx"
        for p in (det_path, rec_path):
            if not p.is_file():
                raise EngineError(f"bundled model file missing: {p}")
        self.models = (det_path.name, rec_path.name)
        self.description = f"rapidocr {version('rapidocr')} + onnxruntime {version('onnxruntime')}; " + ", ".join(
            self.models
        )
        config = RapidOCR(
            params={
                "Det.model_path": str(det_path),
                "Rec.model_path": str(rec_path),
                "Global.log_level": "error",
                "Det.limit_type": "max",
                "Det.limit_side_len": 100000,  # we scale blocks ourselves; the detector must not
                "Rec.rec_batch_num": REC_BATCH,
            }
        ).cfg
        for task in (config.Det, config.Rec):
            task.engine_cfg = config.EngineConfig.onnxruntime
            task.model_root_dir = str(models)
        config.Rec.font_path = None  # only used by rapidocr's visualiser
        self.detector = TextDetector(config.Det)
        self.recognizer = TextRecognizer(config.Rec)
        # Replace rapidocr's sessions with ones whose threads and spinning we control.
        self.detector.session.session = onnx_session(det_path, threads)
        self.recognizer.session.session = onnx_session(rec_path, threads)
        self.word_boxes = CalRecBoxes()

    def detect(self, image: np.ndarray, region: TextRegion) -> list[Box]:
        x0, y0, x1, y1 = region.box
        pad = int(max(8, region.text_height * 0.6))
        h, w = image.shape[:2]
        cx0, cy0, cx1, cy1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
        crop = image[cy0:cy1, cx0:cx1]
        if crop.size == 0:
            return []
        scale = float(np.clip(DET_TEXT_HEIGHT / max(region.text_height, 1.0), 0.15, 2.0))
        small = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
        if small.shape[0] < 16 or small.shape[1] < 16:
            return []
        out = self.detector(_rgb(small))
        if out.boxes is None:
            return []
        boxes = []
        for quad in out.boxes:
            qx0, qy0 = quad.min(axis=0) / scale
            qx1, qy1 = quad.max(axis=0) / scale
            b = (int(cx0 + qx0), int(cy0 + qy0), int(np.ceil(cx0 + qx1)), int(np.ceil(cy0 + qy1)))
            # Keep only boxes whose centre lies in the block: the padding must not steal a neighbour's text.
            mx, my = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            if x0 <= mx < x1 and y0 <= my < y1:
                boxes.append((max(b[0], 0), max(b[1], 0), min(b[2], w), min(b[3], h)))
        return boxes

    def read_lines(self, image: np.ndarray, boxes: list[Box]) -> list[Line]:
        """Recognise each box at native resolution; one Line per box, glyphs in image pixels."""
        crops = [_rgb(image[b[1] : b[3], b[0] : b[2]]) for b in boxes]
        if not crops:
            return []
        from rapidocr.ch_ppocr_rec import TextRecInput

        rec = self.recognizer(TextRecInput(img=crops, return_word_box=True))
        quads = np.array([[[0, 0], [b[2] - b[0], 0], [b[2] - b[0], b[3] - b[1]], [0, b[3] - b[1]]] for b in boxes], dtype=np.float32)
        rec = self.word_boxes(crops, quads, rec, return_single_char_box=True)
        lines = []
        for b, text, score, words in zip(boxes, rec.txts, rec.scores, rec.word_results):
            chars = []
            for char, conf, quad in words:
                q = np.asarray(quad, dtype=float).reshape(-1, 2)
                gx0, gy0 = q.min(axis=0)
                gx1, gy1 = q.max(axis=0)
                chars.append((char, conf, (b[0] + int(gx0), b[1] + int(gy0), b[0] + int(np.ceil(gx1)), b[1] + int(np.ceil(gy1)))))
            lines.append(Line(text=text, box=b, confidence=float(score), glyphs=glyphs_from_chars(chars)))
        return lines

    def recognize(self, image: np.ndarray, regions: list[TextRegion]) -> list[list[Line]]:
        per_region = [self.detect(image, r) for r in regions]
        flat = [b for boxes in per_region for b in boxes]
        fragments = iter(self.read_lines(image, flat))
        results = []
        for region, boxes in zip(regions, per_region):
            frags = [next(fragments) for _ in boxes]
            frags = [f for f in frags if f.text.strip() and f.confidence >= MIN_SCORE]
            rows = group_rows([f.box for f in frags])
            lines = [merge_row_fragments([frags[i] for i in row], space_gap=0.5 * region.text_height) for row in rows]
            results.append(lines)
        return results


def _rgb(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_GRAY2RGB) if img.ndim == 2 else img


def create_engine(threads: int) -> PPOCREngine:
    return PPOCREngine(threads)
