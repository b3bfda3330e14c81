"""The engine protocol: what every OCR engine offers to the pipeline.

An engine is one module in this package that defines ``create_engine(threads: int, settings: OcrSettings) -> Engine``
(the settings as a keyword with the default instance, so an engine file from before settings still loads). The pipeline
finds it by name (``--engine NAME`` → ``digitize.ocr.NAME``), so adding an engine is adding one file.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from ..inference import onnx_session as onnx_session  # re-exported for the engines
from ..model import Box, Glyph, Line
from ..settings import DEFAULT, OcrSettings
from ..text.patterns import mostly_latin


class EngineError(RuntimeError):
    """An engine could not be loaded or run (missing package, missing model file)."""


@dataclass
class TextRegion:
    """A block of text to read: its box in the working image and the expected height of its text lines."""

    box: Box
    text_height: float
    vertical: bool = False


class Engine(Protocol):
    name: str  # the --engine name
    description: str  # engine, version and models, as written to ALTO OCRProcessing
    # Optional: seconds of the last recognize() per half, {"detect": s, "recognize": s}; the pipeline adds them
    # to page.timings. Engines that cannot split their work leave it out.
    # last_timings: dict[str, float]

    def recognize(self, image: np.ndarray, regions: list[TextRegion]) -> list[list[Line]]:
        """Read every region of ``image`` (grayscale or RGB) and return its lines, top to bottom.

        Line and glyph boxes are in ``image`` pixels; glyphs carry one character each with its score.
        """
        ...

    # Optional, for text-first layout (digitize/textlines.py); an engine without them gets the block path:
    # def detect_lines(self, image, scale, tile_px, overlap_px) -> list[Box]:
    #     line boxes of the whole image (its pixels), detected on it scaled by ``scale``, in tiles.
    # def read_lines(self, image, boxes[, width_scale]) -> list[Line]:
    #     one Line per box, read at the image's own resolution; glyph boxes in image pixels.


ENGINE_NAMES = ("ppocr", "paddle")


def default_threads(workers: int = 1) -> int:
    """onnxruntime threads per process so that workers × threads stays within the cores."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def load_engine(name: str, threads: int | None = None, settings: OcrSettings = DEFAULT.ocr) -> Engine:
    try:
        module = importlib.import_module(f"{__package__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"{__package__}.{name}":
            raise EngineError(f"unknown OCR engine {name!r}") from exc
        raise EngineError(f"engine {name!r} needs the package {exc.name!r}: {exc}") from exc
    return module.create_engine(threads or default_threads(), settings=settings)


# PP-OCR's recogniser, trained mostly on Chinese, writes full-width punctuation after Latin words at times.
_LATIN_PUNCTUATION = str.maketrans("，；：！？（）", ",;:!?()")


def latin_punctuation(line: Line) -> Line:
    """A Latin line with its punctuation in the Latin forms it is printed in ("receded，" → "receded,")."""
    if not mostly_latin(line.text) or not any(c in line.text for c in "，；：！？（）"):
        return line
    glyphs = [replace(g, text=g.text.translate(_LATIN_PUNCTUATION)) for g in line.glyphs]
    return replace(line, text=line.text.translate(_LATIN_PUNCTUATION), glyphs=glyphs)


def merge_row_fragments(fragments: list[Line], space_gap: float) -> Line:
    """Join the detector's pieces of one printed line (split at wide spaces) into one Line.

    A gap wider than ``space_gap`` pixels between two pieces is written as one space, which is how a
    full-width space in a headline or byline (本报记者　雷昊) survives recognition. (Latin pieces whose boxes
    nearly touch get their word space back in repair, from the glyph boxes and the lexicon.)
    """
    fragments = sorted((latin_punctuation(f) for f in fragments), key=lambda f: f.box[0])
    text, glyphs = fragments[0].text, list(fragments[0].glyphs)
    for prev, frag in zip(fragments, fragments[1:]):
        if frag.box[0] - prev.box[2] > space_gap and not text.endswith(" "):
            text += " "
        text += frag.text
        glyphs += frag.glyphs
    boxes = [f.box for f in fragments]
    box = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    weights = [max(1, len(f.text)) for f in fragments]
    confidence = float(np.average([f.confidence for f in fragments], weights=weights))
    return Line(text=text, box=box, confidence=confidence, glyphs=glyphs)


def group_rows(boxes: list[Box], min_overlap: float = 0.5) -> list[list[int]]:
    """Group box indices into rows: boxes whose vertical extents overlap by ``min_overlap`` of the smaller."""
    order = sorted(range(len(boxes)), key=lambda i: (boxes[i][1] + boxes[i][3]) / 2)
    rows: list[list[int]] = []
    for i in order:
        y0, y1 = boxes[i][1], boxes[i][3]
        if rows:
            last = rows[-1]
            ry0 = min(boxes[j][1] for j in last)
            ry1 = max(boxes[j][3] for j in last)
            overlap = min(y1, ry1) - max(y0, ry0)
            if overlap >= min_overlap * min(y1 - y0, ry1 - ry0):
                last.append(i)
                continue
        rows.append([i])
    return rows


def glyphs_from_chars(chars: list[tuple[str, float, Box]]) -> list[Glyph]:
    return [Glyph(text=c, box=b, confidence=float(s)) for c, s, b in chars if c.strip()]
