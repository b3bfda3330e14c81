"""Vertical text (a headline set top to bottom) read by any line engine.

Line recognisers read horizontal lines. A vertical column is cut into its character cells, the cells are set
side by side as one horizontal strip, the engine reads the strip, and each glyph is mapped back to its cell
on the page. Columns are read right to left, as vertical Chinese is.
"""

from __future__ import annotations

import inspect

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


def turn_to_lines(image: np.ndarray) -> np.ndarray:
    """The page turned a quarter counter-clockwise: its columns become lines read left to right, the rightmost
    column on top. A page box ``(x0, y0, x1, y1)`` is ``to_turned(box, width)`` there."""
    return np.ascontiguousarray(np.rot90(image, 1))


def to_turned(b: Box, width: int) -> Box:
    """A box of a page ``width`` px wide in the page turned by ``turn_to_lines``."""
    return (b[1], width - b[2], b[3], width - b[0])


def from_turned(b: Box, width: int) -> Box:
    """A box of the turned page (``turn_to_lines``) back in the page ``width`` px wide."""
    return (width - b[3], b[0], width - b[1], b[2])


def read_columns(
    engine,
    image: np.ndarray,
    boxes: list[Box],
    turned: np.ndarray | None = None,
    settings: OcrSettings = DEFAULT.ocr,
) -> list[Line]:
    """Columns of vertical text read top to bottom: one Line per box, glyph boxes in ``image`` pixels.

    The page is turned a quarter counter-clockwise (``turn_to_lines``; pass it as ``turned`` when already made),
    so that each column lies as a line read left to right, and
    the engine's ``read_lines`` reads the turned boxes at the page's own resolution: this is how PP-OCR reads
    vertical lines (rapidocr turns a crop at least 1.5 times as tall as wide the same way), and its recogniser is
    trained on them. Unlike cutting a column into character cells, it needs no blank space between characters.
    """
    if not boxes:
        return []
    w = image.shape[1]
    if turned is None:
        turned = turn_to_lines(image)
    turned_boxes = [to_turned(b, w) for b in boxes]
    if "width_scale" in inspect.signature(engine.read_lines).parameters:
        lines = engine.read_lines(turned, turned_boxes, width_scale=settings.vertical_rec_width_scale)
    else:
        lines = engine.read_lines(turned, turned_boxes)
    out = []
    for box, line in zip(boxes, lines):
        glyphs = [Glyph(g.text, _within(from_turned(g.box, w), box), g.confidence) for g in line.glyphs]
        out.append(Line(line.text, box, line.confidence, glyphs))
    return out


def _within(b: Box, outer: Box) -> Box:
    """A glyph box clipped to its column (the recogniser's boxes may reach a pixel past the crop)."""
    return (max(b[0], outer[0]), max(b[1], outer[1]), min(b[2], outer[2]), min(b[3], outer[3]))
