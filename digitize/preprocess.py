"""Cleaning a page image before layout and OCR: flatten the lighting, stretch contrast, turn the page
upright (quarter turns), correct skew.

The result is the working image plus the transform back to source pixels, kept on the Page so that every
box written out refers to the original scan.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from . import page_frame
from .model import Page, Transform
from .settings import DEFAULT, PageFrameSettings, PreprocessSettings


def paper_level(gray: np.ndarray, settings: PreprocessSettings = DEFAULT.preprocess) -> np.ndarray:
    """The brightness of bare paper everywhere on the page, as a smooth quadratic surface.

    Fitted to the brightest pixels of coarse cells, dropping cells darker than the fit: a photo or a solid
    headline is never taken for shadow, as a local max/closing filter would do over a large photo.
    """
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    cell = settings.paper_cell_px
    sh, sw = small.shape[0] // cell, small.shape[1] // cell
    if sh < 3 or sw < 3:
        return np.full(gray.shape, float(np.percentile(gray, settings.paper_percentile)), np.float32)
    cells = small[: sh * cell, : sw * cell].reshape(sh, cell, sw, cell).transpose(0, 2, 1, 3).reshape(sh, sw, -1)
    level = np.percentile(cells, settings.paper_percentile, axis=2).astype(np.float64)
    yy, xx = np.mgrid[0:sh, 0:sw]
    u, v = (xx.ravel() + 0.5) / sw - 0.5, (yy.ravel() + 0.5) / sh - 0.5
    design = np.stack([np.ones_like(u), u, v, u * u, u * v, v * v], axis=1)
    target = level.ravel()
    keep = np.ones(target.size, bool)
    for _ in range(4):
        coef, *_ = np.linalg.lstsq(design[keep], target[keep], rcond=None)
        residual = target - design @ coef
        keep = residual > -max(6.0, 2.0 * float(np.std(residual[keep])))
    gy, gx = np.mgrid[0:h:8, 0:w:8]
    U, V = (gx + 4) / w - 0.5, (gy + 4) / h - 0.5
    surface = coef[0] + coef[1] * U + coef[2] * V + coef[3] * U * U + coef[4] * U * V + coef[5] * V * V
    return cv2.resize(surface.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def flatten_background(gray: np.ndarray, settings: PreprocessSettings = DEFAULT.preprocess) -> np.ndarray:
    """Divide out uneven lighting and paper tone, then stretch so paper is white and ink is black."""
    flat = gray.astype(np.float32) / np.maximum(paper_level(gray, settings), 1.0)
    lo = float(np.percentile(flat[::4, ::4], 0.5))
    if lo > 1.0 - settings.min_ink_contrast:  # a blank page: stretching would blow paper grain up into black specks
        return np.clip(flat * 255.0, 0, 255).astype(np.uint8)
    out = (flat - lo) / (1.0 - lo)
    return np.clip(out * 255.0, 0, 255).astype(np.uint8)


def estimate_skew(gray: np.ndarray, settings: PreprocessSettings = DEFAULT.preprocess) -> float:
    """The rotation (degrees, counter-clockwise) that levels the text lines, by projection-profile sharpness."""
    h, w = gray.shape
    st = settings
    factor = max(1, int(max(h, w) / st.skew_work_side_px))
    small = cv2.resize(gray, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    ink = (small < st.skew_ink_grey).astype(np.float32)
    if ink.mean() < 1e-4:
        return 0.0
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        profile = rotated.sum(axis=1)
        return float(np.square(np.diff(profile)).sum())

    coarse, step = st.skew_coarse_step_degrees, st.skew_fine_step_degrees
    best = max(np.arange(-st.max_skew_degrees, st.max_skew_degrees + 1e-9, coarse).tolist(), key=sharpness)
    fine = max(np.arange(best - coarse, best + coarse + 1e-9, step).tolist(), key=sharpness)
    return float(round(fine, 2))


def deskew(
    gray: np.ndarray, angle: float, settings: PreprocessSettings = DEFAULT.preprocess
) -> tuple[np.ndarray, Transform]:
    """Rotate by ``angle`` degrees about the centre (same canvas size, white fill)."""
    h, w = gray.shape
    if abs(angle) < settings.min_deskew_degrees:  # under 0.1° a rule drifts < 2 px per 1000: not worth resampling
        return gray, Transform(skew_degrees=0.0)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    working = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=(255,))
    back = cv2.invertAffineTransform(m)
    return working, Transform(matrix=back, skew_degrees=angle)


# --- orientation: pages scanned upside down or sideways ---------------------------------------------------

# The thresholds (quarter_turn_ratio, upside_down_margin, ...) and their measurements: PreprocessSettings.
# Comparing a page's lines with the same lines turned over cancels the classifier's leaning on lines it reads
# poorly (small Latin type), and one line read wrongly must not flip a page.


@lru_cache(maxsize=2)
def _bundled_model(name: str):
    """An onnxruntime session for one of the models inside the rapidocr wheel (never downloaded)."""
    import rapidocr

    from .inference import onnx_session

    return onnx_session(Path(rapidocr.__file__).parent / "models" / name, 1)


def text_line_boxes(
    gray: np.ndarray, settings: PreprocessSettings = DEFAULT.preprocess
) -> list[tuple[int, int, int, int]]:
    """Boxes of the text lines PP-OCR's detector finds on a reduced copy of the page, in ``gray``'s pixels."""
    st = settings
    h, w = gray.shape
    factor = max(1.0, max(h, w) / st.orientation_detect_side_px)
    sw, sh = max(32, int(round(w / factor / 32)) * 32), max(32, int(round(h / factor / 32)) * 32)
    small = cv2.resize(gray, (sw, sh), interpolation=cv2.INTER_AREA).astype(np.float32)
    batch = np.repeat(((small / 255.0 - 0.5) / 0.5)[None, None], 3, axis=1)
    session = _bundled_model("PP-OCRv6_det_small.onnx")
    prob = session.run(None, {session.get_inputs()[0].name: batch})[0][0, 0]
    count, _, stats, _ = cv2.connectedComponentsWithStats(
        (prob > st.detector_threshold).astype(np.uint8), connectivity=8
    )
    fx, fy = w / sw, h / sh
    boxes = []
    for x, y, bw, bh, area in stats[1:count]:
        if area < st.detector_min_area_px:
            continue
        # the detector marks a shrunk core of each line; grow it back as PP-OCR does (unclip ratio 1.6)
        grow = st.detector_unclip_ratio * bw * bh / (2 * (bw + bh))
        boxes.append(
            (
                max(0, int((x - grow) * fx)),
                max(0, int((y - grow) * fy)),
                min(w, int(np.ceil((x + bw + grow) * fx))),
                min(h, int(np.ceil((y + bh + grow) * fy))),
            )
        )
    return boxes


def _turned_a_quarter(
    boxes: list[tuple[int, int, int, int]], settings: PreprocessSettings = DEFAULT.preprocess
) -> bool:
    wide = sum(x1 - x0 for x0, y0, x1, y1 in boxes if x1 - x0 >= 2 * (y1 - y0))
    tall = sum(y1 - y0 for x0, y0, x1, y1 in boxes if y1 - y0 >= 2 * (x1 - x0))
    return tall > settings.quarter_turn_ratio * wide


def upside_down_probability(lines: list[np.ndarray]) -> float:
    """The mean probability, by PP-OCR's text-line orientation classifier (bundled with rapidocr), that the
    lines are rotated by 180°. Each line is squeezed into 48×192 as PP-OCR does."""
    if not lines:
        return 0.0
    batch = np.zeros((len(lines), 3, 48, 192), np.float32)
    for i, line in enumerate(lines):
        width = min(192, max(1, int(np.ceil(48 * line.shape[1] / line.shape[0]))))
        resized = cv2.resize(line, (width, 48), interpolation=cv2.INTER_AREA).astype(np.float32)
        batch[i, :, :, :width] = (resized / 255.0 - 0.5) / 0.5  # the model's normalisation; padding stays 0
    session = _bundled_model("ch_ppocr_mobile_v2.0_cls_mobile.onnx")
    probs = session.run(None, {session.get_inputs()[0].name: batch})[0]
    return float(probs[:, 1].mean())


def estimate_orientation(gray: np.ndarray, settings: PreprocessSettings = DEFAULT.preprocess) -> int:
    """The clockwise rotation, 0, 90, 180 or 270 degrees, that the page went through when scanned; turning
    it back by that much makes its text upright."""
    if (gray < 128).mean() < 1e-4:  # no ink, nothing to read: the detector answers noise
        return 0
    boxes = text_line_boxes(gray, settings)
    turned = 90 if _turned_a_quarter(boxes, settings) else 0
    if turned:  # look at the page and its lines turned back a quarter (counter-clockwise)
        w = gray.shape[1]
        gray = np.rot90(gray, 1)
        boxes = [(y0, w - x1, y1, w - x0) for x0, y0, x1, y1 in boxes]
    lines = [b for b in boxes if b[2] - b[0] >= 3 * (b[3] - b[1]) and b[3] - b[1] >= 8]
    crops = [c for c in (_one_line(gray[y0:y1, x0:x1], settings) for x0, y0, x1, y1 in lines) if c is not None]
    crops.sort(key=lambda c: -c.shape[0])  # the tallest lines first: large type is read most surely
    crops = crops[: settings.orientation_sample_lines]
    turned_over = [np.ascontiguousarray(c[::-1, ::-1]) for c in crops]
    if upside_down_probability(crops) - upside_down_probability(turned_over) >= settings.upside_down_margin:
        turned += 180
    return turned


def runs(mask: npt.ArrayLike, min_gap: int = 1) -> list[tuple[int, int]]:
    """Runs of True in a 1-D mask as (start, end) pairs, merging runs separated by fewer than ``min_gap``."""
    padded = np.concatenate([[False], mask, [False]])
    diff = np.diff(padded.astype(np.int8))
    starts, ends = np.flatnonzero(diff == 1), np.flatnonzero(diff == -1)
    out: list[tuple[int, int]] = []
    for s, e in zip(starts.tolist(), ends.tolist()):
        if out and s - out[-1][1] < min_gap:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _one_line(crop: np.ndarray, settings: PreprocessSettings = DEFAULT.preprocess) -> np.ndarray | None:
    """The first full line of text in a detected box, at most 8 line heights long. Small type detected on the
    reduced page runs together into boxes several lines (and columns) big, which the line classifier cannot
    read; and on a skewed page a long box also holds its neighbours' ends. The lines are told apart on a
    strip at the box's left, where skew cannot run them together."""
    if crop.size == 0:
        return None
    strip = crop[:, : settings.line_strip_px]
    ink = strip < min(128, int(strip.mean()) - 20)
    rows = ink.sum(axis=1) > max(1, strip.shape[1] // 100)
    bands = runs(rows)
    # a line's accents and descenders are thin separate runs: a band counts from half the tallest's height
    tallest = max((e - s for s, e in bands), default=0)
    full = [(s, e) for s, e in bands if e - s >= max(8, tallest / 2)]
    # a band the box's edge cuts through is part of a line: use it only when there is nothing else
    whole = [(s, e) for s, e in full if s > 0 and e < len(rows)]
    full = whole or full
    if not full:
        return None
    s, e = full[0]
    pad = max(2, (e - s) // 8)
    s, e = max(0, s - pad), min(crop.shape[0], e + pad)
    return crop[s:e, : 8 * (e - s)]


def rotate_upright(gray: np.ndarray, rotation: int) -> tuple[np.ndarray, np.ndarray]:
    """Undo a clockwise ``rotation`` of a multiple of 90°: the upright image, and the 2×3 matrix from its
    pixels back to ``gray``'s (box edges, so the far edge is ``w``, not ``w - 1``)."""
    h, w = gray.shape
    turns = (rotation // 90) % 4  # counter-clockwise quarter turns that undo it
    back = {
        0: [[1, 0, 0], [0, 1, 0]],
        1: [[0, -1, w], [1, 0, 0]],
        2: [[-1, 0, w], [0, -1, h]],
        3: [[0, 1, 0], [-1, 0, h]],
    }[turns]
    return np.ascontiguousarray(np.rot90(gray, turns)), np.array(back, dtype=float)


def _then(*maps: np.ndarray) -> np.ndarray:
    """The map that applies the last of ``maps`` first and the first last (2×3 affine or 3×3 projective
    matrices); 2×3 unless one of them is projective."""
    as3 = lambda m: m if m.shape == (3, 3) else np.vstack([m, [0.0, 0.0, 1.0]])
    out = np.eye(3)
    for m in maps:
        out = out @ as3(np.asarray(m, dtype=float))
    return out[:2] if np.allclose(out[2], [0.0, 0.0, 1.0]) else out / out[2, 2]


def preprocess(
    page: Page, settings: PreprocessSettings = DEFAULT.preprocess, frame: PageFrameSettings = DEFAULT.frame
) -> Page:
    """Take off a dark frame around the sheet (warping a camera photo flat), flatten, turn upright, estimate and
    correct skew. Sets ``page.image`` to the working image and ``page.transform`` (working pixels → source
    pixels, through the cut and both rotations)."""
    assert page.image is not None
    paper, from_paper, cut = page_frame.cut_to_paper(page.image, frame)
    flat = flatten_background(paper, settings)
    rotation = estimate_orientation(flat, settings)
    upright, to_source = rotate_upright(flat, rotation)
    angle = estimate_skew(upright, settings)
    page.image, skew = deskew(upright, angle, settings)
    page.transform = Transform(
        matrix=_then(from_paper, to_source, skew.matrix), skew_degrees=angle, rotation_degrees=rotation, frame=cut
    )
    return page


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink mask (True = ink) by Otsu on a flattened image; used by layout, never fed to the recogniser."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask.astype(bool)
