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


# --- vertical CJK: a page set in columns read top to bottom is upright, not sideways ------------------------
#
# On a page of vertical Chinese the detector's boxes are tall and narrow, as on a horizontal page scanned
# sideways; only the characters tell them apart. The bundled recogniser (trained on vertical lines turned a
# quarter counter-clockwise, as rapidocr reads them) reads characters upright or turned a quarter
# counter-clockwise well and characters turned clockwise poorly. So each column is cut into its character
# cells and read three times, the cells as they stand, each turned clockwise, each turned counter-clockwise:
#   vertical page (characters upright):            as they stand good, clockwise poor, counter-clockwise good
#   horizontal page scanned turned 90° clockwise:  as they stand poor (its characters are turned clockwise)
#   horizontal page scanned turned 90° counter-cw: clockwise good (that makes them upright)
# Measurements behind the thresholds: PreprocessSettings.vertical_*.


def character_columns(
    gray: np.ndarray, box: tuple[int, int, int, int], settings: PreprocessSettings = DEFAULT.preprocess
) -> list[list[tuple[int, int, int, int]]]:
    """The single columns of characters in a detected box (full resolution), each cut top to bottom into
    cells about as tall as the column is wide. Rules (ink down most of the box) are not characters; a run of
    touching characters is cut evenly into squares; columns whose cells are mostly not square are dropped."""
    x0, y0, x1, y1 = box
    ink = gray[y0:y1, x0:x1] < 128
    if ink.size == 0:
        return []
    share = ink.mean(axis=0)
    ink[:, share > settings.vertical_rule_ink] = False
    out = []
    # A gutter is not quite blank on a real scan (specks, a stray stroke): a pixel column is text when ink
    # covers more than a small share of it.
    parts = runs((share > settings.vertical_gutter_ink) & (share <= settings.vertical_rule_ink), min_gap=2)
    merged: list[tuple[int, int]] = []
    for cs, ce in parts:  # the halves of a character with a blank strip inside (川, 的) are one column
        if merged and cs - merged[-1][1] <= 0.25 * min(ce - cs, merged[-1][1] - merged[-1][0]):
            merged[-1] = (merged[-1][0], ce)
        else:
            merged.append((cs, ce))
    # A run cut by the box's edge is a sliver of the neighbouring column, which the box grew over.
    whole = [(cs, ce) for cs, ce in merged if cs > 0 and ce < len(share)]
    for cs, ce in whole or merged:
        width = ce - cs
        if width < settings.vertical_min_cell_px:
            continue
        cells: list[tuple[int, int]] = []
        rows = ink[:, cs:ce].sum(axis=1) > max(1, settings.vertical_gutter_ink * width)
        for rs, re in runs(rows, min_gap=2):
            if cells and re - cells[-1][0] <= 1.15 * width:  # a character in parts (二, 兴) is one cell
                cells[-1] = (cells[-1][0], re)
                continue
            n = max(1, int(round((re - rs) / width)))  # touching characters: even squares
            step = (re - rs) / n
            cells += [(int(rs + i * step), int(rs + (i + 1) * step)) for i in range(n)]
        square = [(rs, re) for rs, re in cells if 0.5 * width <= re - rs <= 1.3 * width]
        if len(square) >= settings.vertical_probe_cells // 2 and len(square) >= 0.6 * len(cells):
            out.append([(x0 + cs, y0 + rs, x0 + ce, y0 + re) for rs, re in square])
    return out


def _cell_strip(gray: np.ndarray, cells: list[tuple[int, int, int, int]], quarter_turns: int) -> np.ndarray:
    """The cells side by side on white as one horizontal line, each turned ``quarter_turns`` times
    counter-clockwise (np.rot90), so that a line recogniser reads the column top to bottom."""
    size = max(max(c[2] - c[0], c[3] - c[1]) for c in cells)
    pad = max(1, size // 4)
    strip = np.full((size + 2 * pad, len(cells) * (size + pad) + pad), 255, np.uint8)
    for i, (cx0, cy0, cx1, cy1) in enumerate(cells):
        cell = np.rot90(gray[cy0:cy1, cx0:cx1], quarter_turns)
        top, left = pad + (size - cell.shape[0]) // 2, pad + i * (size + pad) + (size - cell.shape[1]) // 2
        strip[top : top + cell.shape[0], left : left + cell.shape[1]] = cell
    return strip


def read_strips(strips: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text and mean character score of each strip, by the bundled PP-OCRv6 recogniser (greedy CTC decoding
    with the character list stored in the model file), one batch at the model's 48 px height."""
    if not strips:
        return []
    session = _bundled_model("PP-OCRv6_rec_small.onnx")
    alphabet = _recogniser_alphabet()
    widths = [max(48, int(np.ceil(48 * s.shape[1] / s.shape[0]))) for s in strips]
    batch = np.zeros((len(strips), 3, 48, max(widths)), np.float32)  # padding 0 is mid-grey, as rapidocr pads
    for i, (s, w) in enumerate(zip(strips, widths)):
        batch[i, :, :, :w] = cv2.resize(s, (w, 48), interpolation=cv2.INTER_AREA).astype(np.float32) * (2 / 255) - 1
    probs = session.run(None, {session.get_inputs()[0].name: batch})[0]
    out = []
    for p in probs:
        best, score = p.argmax(axis=1), p.max(axis=1)
        keep = (best != 0) & np.concatenate([[True], best[1:] != best[:-1]])  # 0 is CTC's blank
        text = "".join(alphabet[k] if k < len(alphabet) else "" for k in best[keep])
        out.append((text, float(score[keep].mean()) if keep.any() else 0.0))
    return out


@lru_cache(maxsize=1)
def _recogniser_alphabet() -> list[str]:
    meta = _bundled_model("PP-OCRv6_rec_small.onnx").get_modelmeta().custom_metadata_map
    return ["", *meta["character"].splitlines(), " "]


def _han_share(text: str) -> float:
    return sum(1 for c in text if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf") / max(1, len(text))


def vertical_votes(
    gray: np.ndarray, boxes: list[tuple[int, int, int, int]], settings: PreprocessSettings = DEFAULT.preprocess
) -> dict[str, int]:
    """How many sampled columns read as vertical Chinese (``vertical``), as a horizontal page turned 90°
    clockwise (``cw``) or counter-clockwise (``ccw``); a column that says neither clearly has no vote."""
    st = settings
    tall = sorted((b for b in boxes if b[3] - b[1] >= 2 * (b[2] - b[0])), key=lambda b: b[0] - b[2])
    columns: list[list[tuple[int, int, int, int]]] = []
    for b in tall:  # widest boxes first: the body columns, not a stray mark
        columns += character_columns(gray, b, st)
        if len(columns) >= 2 * st.vertical_probe_columns:
            break
    columns.sort(key=len, reverse=True)
    sample = [c[(len(c) - st.vertical_probe_cells) // 2 :][: st.vertical_probe_cells] for c in columns]
    sample = sample[: st.vertical_probe_columns]
    votes = {"vertical": 0, "cw": 0, "ccw": 0}
    if not sample:
        return votes
    reads = read_strips([_cell_strip(gray, c, k) for k in (0, -1, 1) for c in sample])
    # A read's quality: its mean character score, times the share of the cells it found a character in (a
    # column of turned characters often reads as one confident character).
    quality = [score * min(1.0, len(text) / len(c)) for (text, score), c in zip(reads, sample * 3)]
    n = len(sample)
    for i, (upright, turned_cw, turned_ccw) in enumerate(zip(quality[:n], quality[n : 2 * n], quality[2 * n :])):
        chinese = _han_share(reads[i][0]) >= st.vertical_han_share and upright >= st.vertical_min_quality
        scores = {
            "vertical": upright - turned_cw if chinese else 0.0,
            "cw": turned_ccw - upright,  # scanned turned clockwise: turning the cells back makes them upright
            "ccw": turned_cw - turned_ccw,
        }
        best = max(scores, key=lambda k: scores[k])
        if scores[best] >= st.vertical_vote_margin:
            votes[best] += 1
    return votes


def is_vertical_cjk(
    gray: np.ndarray, boxes: list[tuple[int, int, int, int]], settings: PreprocessSettings = DEFAULT.preprocess
) -> bool:
    """Whether a page whose detected boxes are tall and narrow is set in vertical Chinese (upright: read its
    columns top to bottom, right to left) rather than a horizontal page scanned sideways."""
    votes = vertical_votes(gray, boxes, settings)
    return votes["vertical"] >= settings.vertical_min_votes and votes["vertical"] > 2 * (votes["cw"] + votes["ccw"])


def estimate_orientation(gray: np.ndarray, settings: PreprocessSettings = DEFAULT.preprocess) -> int:
    """The clockwise rotation, 0, 90, 180 or 270 degrees, that the page went through when scanned; turning
    it back by that much makes its text upright. A page of vertical Chinese is upright as it stands."""
    return orientation(gray, settings)[0]


def orientation(gray: np.ndarray, settings: PreprocessSettings = DEFAULT.preprocess) -> tuple[int, bool]:
    """The page's clockwise rotation (as ``estimate_orientation``), and whether it is set in vertical columns."""
    if (gray < 128).mean() < 1e-4:  # no ink, nothing to read: the detector answers noise
        return 0, False
    boxes = text_line_boxes(gray, settings)
    if _turned_a_quarter(boxes, settings) and is_vertical_cjk(gray, boxes, settings):
        return 0, True
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
    return turned, False


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
    rotation, page.vertical = orientation(flat, settings)
    upright, to_source = rotate_upright(flat, rotation)
    # Skew levels a page's lines; a vertical page's lines are its columns: measured on the page transposed
    # (a reflection, so the angle changes sign).
    angle = (
        -estimate_skew(np.ascontiguousarray(upright.T), settings) if page.vertical else estimate_skew(upright, settings)
    )
    page.image, skew = deskew(upright, angle, settings)
    page.transform = Transform(
        matrix=_then(from_paper, to_source, skew.matrix), skew_degrees=angle, rotation_degrees=rotation, frame=cut
    )
    return page


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink mask (True = ink) by Otsu on a flattened image; used by layout, never fed to the recogniser."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask.astype(bool)
