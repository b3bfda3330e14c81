"""Text-line detection over a whole page, in overlapping tiles at a chosen scale.

A detector sees a page best with its text at a fixed size, and in tiles it can hold in memory: the page is
scaled once, cut into overlapping tiles, each tile detected (side by side on the engine's pool), and the boxes
put back together. A line lies whole in at least one tile when it is shorter than the overlap is high; each
tile keeps only the boxes whose centre lies in its own core (the tile less half the overlap on every inner
side), so such a line is kept once. A line wider than the overlap is cut by a tile edge in both tiles: its
two pieces overlap in the strip both tiles saw, and are joined into one box.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import cv2
import numpy as np

from ..model import Box


def tile_spans(length: int, tile: int, overlap: int) -> list[tuple[int, int]]:
    """The fewest tiles of at most ``tile`` px that cover ``length`` with ``overlap`` px between neighbours,
    all of one size (evenly spread: a last tile flush with the edge would overlap its neighbour by up to a
    whole tile, and detection costs by the pixel)."""
    if length <= tile:
        return [(0, length)]
    n = int(np.ceil((length - overlap) / (tile - overlap)))
    size = int(np.ceil((length + (n - 1) * overlap) / n))
    starts = [round(i * (length - size) / (n - 1)) for i in range(n)]
    return [(s, s + size) for s in starts]


def _core(span: tuple[int, int], length: int, overlap: int) -> tuple[float, float]:
    """The part of a tile that is its own: half the overlap is given to each neighbour."""
    lo = span[0] + overlap / 2 if span[0] > 0 else -np.inf
    hi = span[1] - overlap / 2 if span[1] < length else np.inf
    return lo, hi


def detect_tiled(
    image: np.ndarray,
    scale: float,
    detect: Callable[[np.ndarray], Iterable[np.ndarray]],
    map_fn=map,
    tile: int = 1600,
    overlap: int = 200,
) -> list[Box]:
    """Line boxes of ``image`` (in its pixels) found by ``detect`` (tile → quads in tile pixels) on the image
    scaled by ``scale`` and cut into ``tile``-px tiles overlapping by ``overlap`` px."""
    h, w = image.shape[:2]
    return detect_regions(image, [((0, 0, w, h), scale)], detect, map_fn, tile, overlap)[0]


def detect_regions(
    image: np.ndarray,
    regions: list[tuple[Box, float]],
    detect: Callable[[np.ndarray], Iterable[np.ndarray]],
    map_fn=map,
    tile: int = 1600,
    overlap: int = 200,
) -> list[list[Box]]:
    """Line boxes (image pixels) of each region ``(box, scale)``: the region cut out, scaled, tiled as in
    ``detect_tiled``. The tiles of every region go to ``map_fn`` together, so small regions keep both
    cores busy."""
    scaled_crops = []
    jobs: list[tuple[int, tuple[int, int], tuple[int, int]]] = []
    for r, (box, scale) in enumerate(regions):
        crop = image[box[1] : box[3], box[0] : box[2]]
        h, w = crop.shape[:2]
        scaled = (
            crop
            if scale == 1 or not crop.size
            else cv2.resize(
                crop,
                (max(1, round(w * scale)), max(1, round(h * scale))),
                interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC,
            )
        )
        scaled_crops.append(scaled)
        sh, sw = scaled.shape[:2]
        tiles = [(xs, ys) for ys in tile_spans(sh, tile, overlap) for xs in tile_spans(sw, tile, overlap)]
        # A blank tile (margin, white space) holds no line: not worth a detector run.
        jobs += [(r, xs, ys) for xs, ys in tiles if _inked(scaled[ys[0] : ys[1] : 2, xs[0] : xs[1] : 2])]
    results = map_fn(lambda j: list(detect(scaled_crops[j[0]][j[2][0] : j[2][1], j[1][0] : j[1][1]])), jobs)
    found: list[list[tuple[float, float, float, float]]] = [[] for _ in regions]
    for (r, xs, ys), quads in zip(jobs, results):
        sh, sw = scaled_crops[r].shape[:2]
        x, y = xs[0], ys[0]
        xlo, xhi = _core(xs, sw, overlap)
        ylo, yhi = _core(ys, sh, overlap)
        for quad in quads:
            (qx0, qy0), (qx1, qy1) = np.min(quad, axis=0), np.max(quad, axis=0)
            cx, cy = x + (qx0 + qx1) / 2, y + (qy0 + qy1) / 2
            if xlo <= cx < xhi and ylo <= cy < yhi:
                found[r].append((x + qx0, y + qy0, x + qx1, y + qy1))
    out: list[list[Box]] = []
    for (box, scale), boxes in zip(regions, found):
        w, h = box[2] - box[0], box[3] - box[1]
        mine = []
        for x0, y0, x1, y1 in join_cut_pieces(boxes):
            b = (
                box[0] + int(max(0, np.floor(x0 / scale))),
                box[1] + int(max(0, np.floor(y0 / scale))),
                box[0] + int(min(w, np.ceil(x1 / scale))),
                box[1] + int(min(h, np.ceil(y1 / scale))),
            )
            if b[2] > b[0] and b[3] > b[1]:
                mine.append(b)
        out.append(sorted(mine, key=lambda b: (b[1], b[0])))
    return out


def _inked(tile: np.ndarray) -> bool:
    """Some pixels clearly darker than the tile's paper (scan noise is a scattered few)."""
    gray = tile if tile.ndim == 2 else tile.mean(axis=2)
    return int(np.count_nonzero(gray < np.median(gray) - 60)) >= 20


def join_cut_pieces(
    boxes: list[tuple[float, float, float, float]], row_overlap: float = 0.5, height_ratio: float = 0.5
) -> list:
    """Join boxes that overlap and share a row (vertical overlap ≥ ``row_overlap`` of the lower one): the
    pieces of a line that a tile edge cut. A box mostly inside another (a piece seen whole elsewhere) goes.
    Pieces of one line are of one height (the lower at least ``height_ratio`` of the taller): a photo's texture
    read as one tall "line" touching a column's edge took in the 15 body lines beside it, and they were never
    read (randomized bed page 1758425019)."""
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
            alike = hs >= height_ratio * np.maximum(a[3] - a[1], arr[:, 3] - arr[:, 1])
            areas = (arr[:, 2] - arr[:, 0]) * (arr[:, 3] - arr[:, 1])
            same_row = (ix > 0) & (iy >= row_overlap * hs)
            inside = (ix > 0) & (iy > 0) & (ix * iy > 0.6 * areas)
            hit = (same_row | inside) & alike & alive
            hit[i] = False
            if hit.any():
                group = arr[hit]
                arr[i] = [
                    min(a[0], group[:, 0].min()),
                    min(a[1], group[:, 1].min()),
                    max(a[2], group[:, 2].max()),
                    max(a[3], group[:, 3].max()),
                ]
                alive[hit] = False
                changed = True
        arr = arr[alive]
    return [tuple(b) for b in arr]
