"""The default engine: PP-OCRv6 (small) detection and recognition through rapidocr on onnxruntime.

Only the model files bundled in the rapidocr wheel are used, by explicit path: any other model choice makes
rapidocr download, and archives often have no internet. Detection runs per layout block with the block
scaled so its text is about ``det_text_height_px`` pixels high. Recognition reads line crops of the working image
(scaled to the model's 48 px height and squeezed to ``rec_width_scale`` of their width), for the whole page
at once: crops sorted by width/height, so a batch pads little, and cut into batches of ``rec_batch``.

Both halves run on a pool of ``threads`` workers, each run single-threaded in onnxruntime: a text line is too
small a tensor to split well across cores, so whole blocks and batches run side by side instead.
The values (``OcrSettings``) are tuned by measurement: bench/results.md, `python bench/run.py --sweep ocr.NAME=V1,V2`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

import cv2
import numpy as np

from ..model import Box, Line
from ..settings import DEFAULT, OcrSettings
from ..text.patterns import mostly_latin
from .base import EngineError, TextRegion, glyphs_from_chars, group_rows, merge_row_fragments, onnx_session
from .models import ModelError, covered_scripts, load_rec_model


class PPOCREngine:
    name = "ppocr"

    def __init__(self, threads: int = 2, settings: OcrSettings = DEFAULT.ocr):
        self.settings = settings
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
        if not det_path.is_file():
            raise EngineError(f"bundled model file missing: {det_path}")
        try:
            self.rec_model = load_rec_model(settings.rec_model)
        except ModelError as exc:
            raise EngineError(str(exc)) from exc
        rec_path = self.rec_model.onnx
        self.scripts = covered_scripts(list(self.rec_model.characters))  # what the recogniser can read
        self.models = (det_path.name, self.rec_model.name)
        self.description = f"rapidocr {version('rapidocr')} + onnxruntime {version('onnxruntime')}; " + ", ".join(
            self.models
        )
        params: dict[str, object] = {
            "Det.model_path": str(det_path),
            "Rec.model_path": str(rec_path),
            "Global.log_level": "error",
            "Det.limit_type": "max",
            "Det.limit_side_len": 100000,  # we scale blocks ourselves; the detector must not
        }
        if self.rec_model.dictionary is not None:
            # A model without its characters inside: the folder's dictionary, given explicitly (rapidocr would
            # otherwise download one).
            params["Rec.rec_keys_path"] = str(self.rec_model.dictionary)
        config = RapidOCR(params=params).cfg
        for task in (config.Det, config.Rec):
            task.engine_cfg = config.EngineConfig.onnxruntime
            task.model_root_dir = str(models)
        if self.rec_model.dictionary is not None:
            config.Rec.rec_keys_path = str(self.rec_model.dictionary)
        config.Rec.font_path = None  # only used by rapidocr's visualiser
        self.detector = TextDetector(config.Det)
        self.recognizer = TextRecognizer(config.Rec)
        # Replace rapidocr's sessions with ones whose threads and spinning we control: one thread per run, and
        # `threads` runs at a time from our pool.
        self.detector.session.session = onnx_session(det_path, 1, arena=False)  # whole-page tiles: see tiling.py
        self.rec_session = self.recognizer.session.session = onnx_session(rec_path, 1)
        self.rec_input = self.rec_session.get_inputs()[0].name
        height = self.rec_session.get_inputs()[0].shape[2]  # fixed in older PP-OCR models (32), else dynamic
        self.rec_height = height if isinstance(height, int) and height > 0 else self.recognizer.rec_image_shape[1]
        self.word_boxes = CalRecBoxes()
        self.pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="ppocr")
        self.last_timings: dict[str, float] = {}  # seconds of the last recognize(): "detect", "recognize"
        # Line boxes the last recognize() detected, and how many of them read as text (score ≥ min_score): a
        # page whose lines are seen but not read is in a script the model does not cover (quality.py).
        self.last_lines: tuple[int, int] = (0, 0)

    def detect(self, image: np.ndarray, region: TextRegion) -> list[Box]:
        x0, y0, x1, y1 = region.box
        st = self.settings
        pad = int(max(st.det_pad_min_px, region.text_height * st.det_pad_em))
        h, w = image.shape[:2]
        cx0, cy0, cx1, cy1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
        crop = image[cy0:cy1, cx0:cx1]
        if crop.size == 0:
            return []
        scale = float(np.clip(st.det_text_height_px / max(region.text_height, 1.0), st.det_scale_min, st.det_scale_max))
        small = cv2.resize(
            crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        )
        if small.shape[0] < st.det_min_side_px or small.shape[1] < st.det_min_side_px:
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

    def detect_lines(self, image: np.ndarray, scale: float, tile_px: int = 1600, overlap_px: int = 200) -> list[Box]:
        """Line boxes of the whole ``image`` (its pixels), detected on it scaled by ``scale``, in tiles side by
        side on the pool (see ocr/tiling.py)."""
        from .tiling import detect_tiled

        return detect_tiled(image, scale, self._detect_tile, self.pool.map, tile_px, overlap_px)

    def detect_in_regions(
        self, image: np.ndarray, regions: list[tuple[Box, float]], tile_px: int = 1600, overlap_px: int = 200
    ) -> list[list[Box]]:
        """Line boxes of each region ``(box, scale)`` of ``image`` (its pixels), every region's tiles side by side
        on the pool (see ocr/tiling.py)."""
        from .tiling import detect_regions

        return detect_regions(image, regions, self._detect_tile, self.pool.map, tile_px, overlap_px)

    def _detect_tile(self, tile: np.ndarray) -> list:
        if tile.shape[0] < 16 or tile.shape[1] < 16:
            return []
        out = self.detector(_rgb(tile))
        return [] if out.boxes is None else list(out.boxes)

    def detect_regions(self, image: np.ndarray, regions: list[TextRegion]) -> list[list[Box]]:
        """Text line boxes of every region, regions detected side by side on the pool."""
        return list(self.pool.map(lambda r: self.detect(image, r), regions))

    def _rec_batch(self, crops: list[np.ndarray], width_scale: float | None = None) -> tuple[list, list]:
        """One recognition run over crops of similar width: rapidocr's (text, score) and word results per crop.

        The input rapidocr builds (height 48, zero-padded to the widest crop, pixels scaled to [-1, 1]), built
        from the grayscale crops directly: one resize per crop and no RGB copy; the three colour channels of a
        gray line are the same plane, broadcast into the batch array.
        """
        if width_scale is None:
            width_scale = self.settings.rec_width_scale
        ratios = [width_scale * c.shape[1] / c.shape[0] for c in crops]
        max_ratio = max(ratios)  # rapidocr pads every batch to ≥ 320 px; short lines read as well without
        height, width = self.rec_height, int(self.rec_height * max_ratio)
        batch = np.zeros((len(crops), 3, height, width), dtype=np.float32)
        for i, (crop, ratio) in enumerate(zip(crops, ratios)):
            resized_w = min(width, int(np.ceil(height * ratio)))
            line = cv2.resize(crop, (resized_w, height)).astype(np.float32)
            batch[i, :, :, :resized_w] = line * (2 / 255) - 1  # (x / 255 - 0.5) / 0.5, as rapidocr normalises
        preds = self.rec_session.run(None, {self.rec_input: batch})[0]
        lines, words = self.recognizer.postprocess_op(preds, True, wh_ratio_list=ratios, max_wh_ratio=max_ratio)
        return lines, words

    def read_lines(self, image: np.ndarray, boxes: list[Box], width_scale: float | None = None) -> list[Line]:
        """Recognise each box at native resolution; one Line per box, glyphs in image pixels. ``width_scale``
        replaces ``rec_width_scale`` (vertical columns turned into lines are read unsqueezed: ocr/vertical.py)."""
        if not boxes:
            return []
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        crops = [gray[b[1] : b[3], b[0] : b[2]] for b in boxes]  # views, not copies
        texts, scores = [""] * len(crops), [0.0] * len(crops)
        words: list = [None] * len(crops)  # rapidocr's WordInfo per crop: every one is filled by the first pass
        scale = self.settings.rec_width_scale if width_scale is None else width_scale
        self._recognise_into(crops, range(len(crops)), scale, texts, scores, words)
        # Squeezing suits square CJK glyphs; narrow Latin marks (a line-end hyphen) can vanish in it, so Latin
        # lines are read again at full width.
        latin = [i for i, t in enumerate(texts) if mostly_latin(t)]
        self._recognise_into(crops, latin, 1.0, texts, scores, words)
        # Small Latin type squeezed can read as nothing at all (blue_mountain_echo: 268 of 709 lines of 13 px
        # type empty or under min_score at half width, read at full width at 0.7–0.8): those that would be
        # dropped get a full-width read too, and keep it when it scores higher.
        reread = set(latin)
        failed = [
            i for i, t in enumerate(texts) if i not in reread and (not t.strip() or scores[i] < self.settings.min_score)
        ]
        self._read_again(
            crops, failed, texts, scores, words, keep=lambda old, score, new, again: bool(new.strip()) and again > score
        )
        self._reread_sparse(boxes, crops, texts, scores, words)

        lines = []
        for b, text, score, word_info in zip(boxes, texts, scores, words):
            w, h = b[2] - b[0], b[3] - b[1]
            # rapidocr's per-character boxes (CalRecBoxes), without its final step: that maps boxes back through
            # a rotated crop, which for our upright crops is the identity and costs seconds per page.
            crop_box = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
            chars_text, quads, confs = self.word_boxes.cal_ocr_word_box(text, crop_box, word_info, True)
            chars = []
            for char, conf, quad in zip(chars_text, confs, self.word_boxes.adjust_box_overlap(quads)):
                (gx0, gy0), (gx1, gy1) = np.min(quad, axis=0), np.max(quad, axis=0)
                chars.append(
                    (char, conf, (b[0] + int(gx0), b[1] + int(gy0), b[0] + int(np.ceil(gx1)), b[1] + int(np.ceil(gy1))))
                )
            lines.append(Line(text=text, box=b, confidence=score, glyphs=glyphs_from_chars(chars)))
        return lines

    def _reread_sparse(self, boxes: list[Box], crops: list[np.ndarray], texts: list, scores: list, words: list) -> None:
        """Lines read as a mark or two where their box holds a line of characters are read again trimmed top
        and bottom (``sparse_trim``), and keep the reading with more characters if it scores at least
        ``min_score``: a box reaching into the lines above and below can make the recogniser's alignment
        collapse to one letter. Glyph boxes keep the whole box's height (trimming moves no character sideways)."""
        st = self.settings
        sparse = [
            i
            for i, (b, t) in enumerate(zip(boxes, texts))
            if len(t.strip()) < st.sparse_read_share * (b[2] - b[0]) / max(1, b[3] - b[1])
        ]
        trimmed = list(crops)
        for i in sparse:
            cut = max(1, round(st.sparse_trim * crops[i].shape[0]))
            if crops[i].shape[0] > 2 * cut + 4:
                trimmed[i] = crops[i][cut:-cut]
        self._read_again(
            trimmed,
            sparse,
            texts,
            scores,
            words,
            keep=lambda old, score, new, again: len(new.strip()) > len(old.strip()) and again >= st.min_score,
        )

    def _read_again(
        self,
        crops: list[np.ndarray],
        which: list[int],
        texts: list,
        scores: list,
        words: list,
        keep: Callable[[str, float, str, float], bool],
    ) -> None:
        """Read ``crops[i]`` for i in ``which`` again at full width; a reading replaces the first one where
        ``keep(old text, old score, new text, new score)`` says so."""
        if not which:
            return
        again_t, again_s, again_w = list(texts), list(scores), list(words)
        self._recognise_into(crops, which, 1.0, again_t, again_s, again_w)
        for i in which:
            if keep(texts[i], scores[i], again_t[i], again_s[i]):
                texts[i], scores[i], words[i] = again_t[i], again_s[i], again_w[i]

    def _recognise_into(
        self, crops: list[np.ndarray], which, width_scale: float, texts: list, scores: list, words: list
    ) -> None:
        """Recognise ``crops[i]`` for i in ``which``, writing into the result lists. Sorted by width/height so
        each batch pads little; batches run side by side on the pool."""
        by_ratio = sorted(which, key=lambda i: crops[i].shape[1] / crops[i].shape[0])
        size = self.settings.rec_batch
        batches = [by_ratio[i : i + size] for i in range(0, len(by_ratio), size)]
        results = self.pool.map(lambda idx: self._rec_batch([crops[i] for i in idx], width_scale), batches)
        for idx, (line_results, word_results) in zip(batches, results):
            for i, (text, score), word in zip(idx, line_results, word_results):
                texts[i], scores[i], words[i] = text, float(score), word

    def recognize(self, image: np.ndarray, regions: list[TextRegion]) -> list[list[Line]]:
        st = self.settings
        start = time.perf_counter()
        per_region = self.detect_regions(image, regions)
        detected = time.perf_counter()
        flat = [b for boxes in per_region for b in boxes]
        fragments = iter(self.read_lines(image, flat))
        self.last_timings = {"detect": detected - start, "recognize": time.perf_counter() - detected}
        results = []
        read = 0
        for region, boxes in zip(regions, per_region):
            frags = [next(fragments) for _ in boxes]
            frags = [f for f in frags if f.text.strip() and f.confidence >= st.min_score]
            read += len(frags)
            rows = group_rows([f.box for f in frags], st.row_min_overlap)
            lines = [
                merge_row_fragments([frags[i] for i in row], space_gap=st.space_gap_em * region.text_height)
                for row in rows
            ]
            results.append(lines)
        self.last_lines = (len(flat), read)
        return results


def _rgb(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(img, cv2.COLOR_GRAY2RGB) if img.ndim == 2 else img


def create_engine(threads: int, settings: OcrSettings = DEFAULT.ocr) -> PPOCREngine:
    return PPOCREngine(threads, settings)
