"""Text-line detection over a whole page, in overlapping tiles at a chosen scale.

A detector sees a page best with its text at a fixed size, and in tiles it can hold in memory: the page is
scaled once, cut into overlapping tiles, each tile detected (side by side on the engine's pool), and the boxes
put back together. A line lies whole in at least one tile when it is shorter than the overlap is high; each
tile keeps only the boxes whose centre lies in its own core (the tile less half the overlap on every inner
side), so such a line is kept once. A line wider than the overlap is cut by a tile edge in both tiles: its
two pieces overlap in the strip both tiles saw, and are joined into one box.
"""

from __future__ import annotations

from typing import Callable, Iterable

import cv2
import numpy as np

from ..model import Box


def tile_starts(length: int, tile: int, overlap: int) -> list[int]:
    if length <= tile:
        return [0]
    step = tile - overlap
    return sorted(set(list(range(0, length - tile, step)) + [length - tile]))


def _core(start: int, length: int, tile: int, overlap: int) -> tuple[float, float]:
    """The part of a tile that is its own: half the overlap is given to each neighbour."""
    lo = start + overlap / 2 if start > 0 else -np.inf
    hi = start + tile - overlap / 2 if start + tile < length else np.inf
    return lo, hi


def detect_tiled(image: np.ndarray, scale: float, detect: Callable[[np.ndarray], Iterable[np.ndarray]],
                 map_fn=map, tile: int = 1600, overlap: int = 200) -> list[Box]:
    """Line boxes of ``image`` (in its pixels) found by ``detect`` (tile → quads in tile pixels) on the image
    scaled by ``scale`` and cut into ``tile``-px tiles overlapping by ``overlap`` px."""
    h, w = image.shape[:2]
    scaled = image if scale == 1 else cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))),
                                                   interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    sh, sw = scaled.shape[:2]
    origins = [(x, y) for y in tile_starts(sh, tile, overlap) for x in tile_starts(sw, tile, overlap)]
    results = map_fn(lambda o: list(detect(scaled[o[1] : o[1] + tile, o[0] : o[0] + tile])), origins)
    boxes: list[tuple[float, float, float, float]] = []
    for (x, y), quads in zip(origins, results):
        xlo, xhi = _core(x, sw, tile, overlap)
        ylo, yhi = _core(y, sh, tile, overlap)
        for quad in quads:
            (qx0, qy0), (qx1, qy1) = np.min(quad, axis=0), np.max(quad, axis=0)
            cx, cy = x + (qx0 + qx1) / 2, y + (qy0 + qy1) / 2
            if xlo <= cx < xhi and ylo <= cy < yhi:
                boxes.append((x + qx0, y + qy0, x + qx1, y + qy1))
    boxes = join_cut_pieces(boxes)
    out = []
    for x0, y0, x1, y1 in boxes:
        b = (int(max(0, np.floor(x0 / scale))), int(max(0, np.floor(y0 / scale))),
             int(min(w, np.ceil(x1 / scale))), int(min(h, np.ceil(y1 / scale))))
        if b[2] > b[0] and b[3] > b[1]:
            out.append(b)
    return sorted(out, key=lambda b: (b[1], b[0]))


def join_cut_pieces(boxes: list[tuple[float, float, float, float]], row_overlap: float = 0.5) -> list:
    """Join boxes that overlap and share a row (vertical overlap ≥ ``row_overlap`` of the lower one): the
    pieces of a line that a tile edge cut. A box mostly inside another (a piece seen whole elsewhere) goes."""
    if not boxes:
        return []
    arr = np.array(boxes, dtype=np.float64)
    changed = True
    while changed and len(arr) > 1:
        changed = False
        order = np.argsort(-(arr[:, 2] - arr[:, 0]) * (arr[:, 3] - arr[:, 1]))
        arr = arr[order]
        alive = np.ones(len(arr), bool)
        for i in range(len(arr)):
            if not alive[i]:
                continue
            a = arr[i]
            ix = np.minimum(a[2], arr[:, 2]) - np.maximum(a[0], arr[:, 0])
            iy = np.minimum(a[3], arr[:, 3]) - np.maximum(a[1], arr[:, 1])
            hs = np.minimum(a[3] - a[1], arr[:, 3] - arr[:, 1])
            areas = (arr[:, 2] - arr[:, 0]) * (arr[:, 3] - arr[:, 1])
            same_row = (ix > 0) & (iy >= row_overlap * hs)
            inside = (ix > 0) & (iy > 0) & (ix * iy > 0.6 * areas)
            hit = (same_row | inside) & alive
            hit[i] = False
            if hit.any():
                group = arr[hit]
                arr[i] = [min(a[0], group[:, 0].min()), min(a[1], group[:, 1].min()),
                          max(a[2], group[:, 2].max()), max(a[3], group[:, 3].max())]
                alive[hit] = False
                changed = True
        arr = arr[alive]
    return [tuple(b) for b in arr]
