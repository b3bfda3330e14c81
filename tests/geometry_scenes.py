"""Synthetic scenes for the geometry unit tests: blocks with boxes, rules and small ink masks, no image, no OCR.

Boxes are ``(x0, y0, x1, y1)`` pixels, x1/y1 exclusive, as in digitize.model. Unless a test says otherwise the
body text is 30 px high (``EM``), headlines 60 px.
"""

from __future__ import annotations

import numpy as np

from digitize.model import Block, Box, Line, Page, PageSource, Role, Separator, TextStyle

EM = 30  # body text height of every scene, in pixels
HEAD = 60  # headline type size


def block(
    bid: str,
    role: Role,
    box: Box,
    lines: int | tuple[str, ...] = 1,
    size: float | None = None,
    bold: bool = False,
    vertical: bool = False,
) -> Block:
    """A block whose ``lines`` (a count, or the lines' texts) share its box evenly, top to bottom (side by side
    right to left when ``vertical``). ``size`` defaults to HEAD for a headline and EM for anything else."""
    texts = ("",) * lines if isinstance(lines, int) else tuple(lines)
    x0, y0, x1, y1 = box
    out = []
    for k, text in enumerate(texts):
        if vertical:
            w = (x1 - x0) // len(texts)
            line_box = (x1 - (k + 1) * w, y0, x1 - k * w, y1)
        else:
            h = (y1 - y0) // len(texts)
            line_box = (x0, y0 + k * h, x1, y0 + (k + 1) * h)
        out.append(Line(text, line_box, 0.9))
    if size is None:
        size = HEAD if role is Role.HEADLINE else EM
    return Block(bid, role, box, out, TextStyle(size, bold), vertical=vertical)


def photo(bid: str, box: Box) -> Block:
    return Block(bid, Role.PHOTO, box)


def rule(box: Box) -> Separator:
    """A printed rule; its orientation follows from its shape."""
    horizontal = box[2] - box[0] >= box[3] - box[1]
    return Separator(f"SE-{box[0]}-{box[1]}", box, "horizontal" if horizontal else "vertical")


def frame(x0: int, y0: int, x1: int, y1: int) -> list[Separator]:
    """Four 2-3 px rules drawn round a box (a boxed story, a framed advert)."""
    return [
        rule((x0, y0, x1, y0 + 2)),
        rule((x0, y1 - 2, x1, y1)),
        rule((x0, y0, x0 + 2, y1)),
        rule((x1 - 2, y0, x1, y1)),
    ]


def page(
    blocks: list[Block], separators: list[Separator] = (), em: float = EM, width: int = 1000, height: int = 2000
) -> Page:
    return Page(
        1,
        width,
        height,
        PageSource("scene", 0, "image", ""),
        blocks=list(blocks),
        separators=list(separators),
        text_size_px=em,
    )


def ids(blocks: list[Block]) -> list[str]:
    return [b.id for b in blocks]


def groups(parts: list[list[Block]]) -> list[list[str]]:
    """Groups of blocks as their ids, each group sorted, in the order given (for order-free membership)."""
    return [sorted(ids(g)) for g in parts]


def text_lines(
    mask: np.ndarray,
    x0: int,
    x1: int,
    top: int,
    count: int,
    height: int = 20,
    pitch: int = 30,
    glyph: int = 16,
    advance: int = 20,
) -> np.ndarray:
    """Draw ``count`` lines of glyph-like ink cells (``glyph`` wide every ``advance`` px) into ``mask``."""
    for k in range(count):
        y = top + k * pitch
        for x in range(x0, x1, advance):
            mask[y : y + height, x : min(x + glyph, x1)] = True
    return mask


def words(mask: np.ndarray, top: int, height: int, spans: list[tuple[int, int]]) -> np.ndarray:
    """Draw one line of solid words at the given x spans into ``mask``."""
    for a, b in spans:
        mask[top : top + height, a:b] = True
    return mask
