"""Vertical text (a headline set top to bottom) read by any line engine.

Line recognisers read horizontal lines. A vertical column is cut into its character cells, the cells are set
side by side as one horizontal strip, the engine reads the strip, and each glyph is mapped back to its cell
on the page. Columns are read right to left, as vertical Chinese is.
"""

from __future__ import annotations

import numpy as np

from ..model import Box, Glyph, Line
from ..preprocess import runs
from ..settings import DEFAULT, OcrSettings
from .base import Engine, TextRegion


def vertical_cells(image: np.ndarray, box: Box, settings: OcrSettings = DEFAULT.ocr) -> list[list[Box]]:
    """The character cells of vertical text in ``box``: its columns right to left, each cut top to bottom at
    the blank rows between characters."""
    x0, y0, x1, y1 = box
    st = settings
    ink = image[y0:y1, x0:x1] < st.vertical_ink_grey
    columns = []
    for cs, ce in reversed(
        runs(ink.any(axis=0), min_gap=max(st.vertical_cell_gap_px, (x1 - x0) // st.vertical_column_gap_divisor))
    ):
        cells: list[tuple[int, int]] = []
        for rs, re in runs(ink[:, cs:ce].any(axis=1), min_gap=st.vertical_cell_gap_px):
            # A character in parts (兴, 二) stays one cell: CJK characters are about as tall as wide.
            if cells and re - cells[-1][0] <= st.vertical_cell_aspect * (ce - cs):
                cells[-1] = (cells[-1][0], re)
            else:
                cells.append((rs, re))
        columns.append([(x0 + cs, y0 + rs, x0 + ce, y0 + re) for rs, re in cells])
    return columns


def vertical_strip(
    image: np.ndarray, cells: list[Box], settings: OcrSettings = DEFAULT.ocr
) -> tuple[np.ndarray, list[int]]:
    """The cells of one vertical column set side by side on white as one horizontal line, so that a line
    recogniser reads it; returns the strip and each cell's left edge in it."""
    size = max(max(c[2] - c[0], c[3] - c[1]) for c in cells)
    pad = size // settings.vertical_pad_divisor
    strip = np.full((size + 2 * pad, len(cells) * (size + pad) + pad), 255, np.uint8)
    lefts = []
    for i, (cx0, cy0, cx1, cy1) in enumerate(cells):
        left, top = pad + i * (size + pad), pad + (size - (cy1 - cy0)) // 2
        strip[top : top + cy1 - cy0, left : left + cx1 - cx0] = image[cy0:cy1, cx0:cx1]
        lefts.append(left)
    return strip, lefts


def read_vertical(
    engine: Engine, image: np.ndarray, box: Box, size: float, settings: OcrSettings = DEFAULT.ocr
) -> list[Line]:
    """One Line per vertical column, right to left; glyph boxes are the character cells on the page."""
    lines = []
    for cells in vertical_cells(image, box, settings):
        strip, lefts = vertical_strip(image, cells, settings)
        read = engine.recognize(strip, [TextRegion((0, 0, strip.shape[1], strip.shape[0]), size)])[0]
        glyphs = [g for line in read for g in line.glyphs]
        page_glyphs = []
        for g in glyphs:  # the cell whose strip slot holds the glyph's centre
            centre = (g.box[0] + g.box[2]) / 2
            i = int(np.argmin([abs(centre - (lft + (c[2] - c[0]) / 2)) for lft, c in zip(lefts, cells)]))
            page_glyphs.append(Glyph(g.text, cells[i], g.confidence))
        if page_glyphs:
            col_box = (min(c[0] for c in cells), cells[0][1], max(c[2] for c in cells), cells[-1][3])
            lines.append(
                Line(
                    "".join(g.text for g in page_glyphs),
                    col_box,
                    float(np.mean([g.confidence for g in page_glyphs])),
                    page_glyphs,
                )
            )
    return lines
