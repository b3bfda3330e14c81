"""Not OCR: the text layer of a born-digital PDF page, served through the engine protocol.

Its characters, with their boxes, sizes and weights, become Lines and Glyphs of the layout's blocks, and
then flow through order, repair and export exactly like recognised text.
"""

from __future__ import annotations

import numpy as np

from ..io import TextChar
from ..model import Glyph, Line
from .base import TextRegion, group_rows


class TextLayerEngine:
    name = "pdf-text"
    description = "PDF text layer read with pdfplumber (no OCR)"

    def __init__(self, chars: list[TextChar]):
        self.chars = chars

    def recognize(self, image: np.ndarray, regions: list[TextRegion]) -> list[list[Line]]:
        taken: set[int] = set()
        results = []
        for region in regions:
            x0, y0, x1, y1 = region.box
            inside = [
                i
                for i, c in enumerate(self.chars)
                if i not in taken and x0 <= (c.box[0] + c.box[2]) / 2 < x1 and y0 <= (c.box[1] + c.box[3]) / 2 < y1
            ]
            taken.update(inside)
            lines = []
            for row in group_rows([self.chars[i].box for i in inside]):
                chars = sorted((self.chars[inside[j]] for j in row), key=lambda c: c.box[0])
                text = ""
                for prev, c in zip([None, *chars[:-1]], chars):
                    # A word space is about a quarter em; letter gaps are far below that.
                    if prev is not None and c.box[0] - prev.box[2] > 0.18 * max(c.size_px, 1):
                        text += " "
                    text += c.text
                box = (
                    min(c.box[0] for c in chars),
                    min(c.box[1] for c in chars),
                    max(c.box[2] for c in chars),
                    max(c.box[3] for c in chars),
                )
                glyphs = [Glyph(c.text, c.box, 1.0) for c in chars]
                lines.append(Line(text=text, box=box, confidence=1.0, glyphs=glyphs))
            results.append(lines)
        return results
