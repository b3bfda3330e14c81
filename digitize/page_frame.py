"""The paper within the picture: a dark scanner border, black margins or a table around a camera photo are
taken off before anything else looks at the page.

Layout reads a page by its white space; a dark frame around the sheet joins everything it touches into one
region, and a page photographed at an angle has no straight gutter. `find_paper` finds the sheet as the
largest bright region whose edges the dark frame runs along, and `cut_to_paper` either crops to it (the frame
outside a slightly skewed sheet is painted paper white; deskew straightens it later) or, for a sheet seen in
perspective, warps its four corners flat. Either way it returns the map from the new pixels back to the
source's (a 3×3 matrix; projective only for a warp), so every box still refers to the scan.

Nothing with text on it is cut: ink of text size on paper outside the sheet found (the other page of a
spread, a column set close to a cropped edge) keeps the cut from happening there (`text_outside`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .settings import DEFAULT, PageFrameSettings

IDENTITY3 = np.eye(3)


@dataclass
class PaperFrame:
    """The sheet found in an image: its corners (top-left, top-right, bottom-right, bottom-left, in the image's
    pixels), the grey of its paper and of the frame around it."""

    corners: np.ndarray  # 4×2 float
    paper_grey: float
    frame_grey: float


def _small(gray: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    h, w = gray.shape
    factor = max(1.0, max(h, w) / side)
    small = cv2.resize(gray, (max(1, round(w / factor)), max(1, round(h / factor))), interpolation=cv2.INTER_AREA)
    return cv2.medianBlur(small, 3), factor


def _side_bands(small: np.ndarray, band: int) -> dict[str, np.ndarray]:
    return {"top": small[:band], "bottom": small[-band:], "left": small[:, :band], "right": small[:, -band:]}


def find_paper(gray: np.ndarray, settings: PageFrameSettings = DEFAULT.frame) -> PaperFrame | None:
    """The sheet of paper in ``gray`` when a dark frame runs along at least one edge of the image; None when
    the paper reaches every edge (most scans) or no sheet stands out from the frame."""
    st = settings
    small, factor = _small(gray, st.work_side_px)
    sh, sw = small.shape
    if min(sh, sw) < 32:
        return None
    centre = small[sh // 4 : 3 * sh // 4, sw // 4 : 3 * sw // 4]
    paper = float(np.percentile(centre, st.paper_percentile))
    band = max(2, round(st.edge_band_fraction * max(sh, sw)))
    medians = {side: float(np.median(px)) for side, px in _side_bands(small, band).items()}
    dark = [m for m in medians.values() if m < st.frame_dark_ratio * paper]
    if not dark or paper < st.min_paper_grey:
        return None
    frame = float(np.median(dark))
    threshold = (frame + paper) / 2
    # Close the ink (text, rules) into the paper around it; photos stay dark holes and are filled below.
    k = max(3, round(st.close_fraction * max(sh, sw)) | 1)
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bright = (closed > threshold).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(bright, connectivity=4)
    if count < 2:
        return None
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    if stats[largest, cv2.CC_STAT_AREA] < st.min_paper_fraction * sh * sw:
        return None
    contours, _ = cv2.findContours((labels == largest).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea)).reshape(-1, 2).astype(np.float64)
    s, d = hull.sum(axis=1), hull[:, 0] - hull[:, 1]
    corners = np.array([hull[np.argmin(s)], hull[np.argmax(d)], hull[np.argmax(s)], hull[np.argmin(d)]])
    # the hull follows the outside of the closed paper: pixel centres of the small copy, scaled to ``gray``
    corners = (corners + 0.5) * factor
    h, w = gray.shape
    corners[:, 0] = np.clip(corners[:, 0], 0, w)
    corners[:, 1] = np.clip(corners[:, 1], 0, h)
    return PaperFrame(corners, paper, frame)


def _inset(corners: np.ndarray, px: float) -> np.ndarray:
    """The quadrilateral moved inwards by ``px`` along the bisector of each corner (about ``px`` off each edge)."""
    centre = corners.mean(axis=0)
    out = corners.copy()
    for i, c in enumerate(corners):
        to_centre = centre - c
        n = np.linalg.norm(to_centre)
        if n > 0:
            out[i] = c + to_centre / n * px * np.sqrt(2)
    return out


def _off_rectangle(corners: np.ndarray) -> tuple[float, float]:
    """How far the quadrilateral is from a rectangle (the largest corner distance from the fitted rectangle's, in
    px) and the tilt of its top edge (degrees)."""
    (cx, cy), (rw, rh), angle = cv2.minAreaRect(corners.astype(np.float32))
    box = cv2.boxPoints(((cx, cy), (rw, rh), angle))
    off = max(float(np.min(np.linalg.norm(box - c, axis=1))) for c in corners)
    top = corners[1] - corners[0]
    return off, float(np.degrees(np.arctan2(top[1], top[0])))


def text_outside(
    gray: np.ndarray, corners: np.ndarray, paper_grey: float, settings: PageFrameSettings = DEFAULT.frame
) -> tuple[int, int, int, int] | None:
    """The box (in ``gray``'s pixels) of the ink of text size sitting on paper outside the quadrilateral
    ``corners``, or None when there is none: dark marks on a dark frame are not text, marks on paper are."""
    st = settings
    small, factor = _small(gray, st.work_side_px)
    sh, sw = small.shape
    inside = np.zeros((sh, sw), np.uint8)
    cv2.fillConvexPoly(inside, np.round(corners / factor - 0.5).astype(np.int32), (1,))
    ink = (small < st.ink_ratio * paper_grey).astype(np.uint8)
    # paper near each pixel: a mark with paper around it is printed matter, a dark frame has none
    k = max(3, round(st.close_fraction * max(sh, sw)) | 1)
    near_paper = cv2.dilate(
        (small > st.frame_dark_ratio * paper_grey).astype(np.uint8),
        cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)),
    )
    count, _labels, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    biggest = st.text_max_fraction * max(sh, sw)
    found = []
    for i in range(1, count):
        x, y, bw, bh, _area = stats[i]
        if max(bw, bh) < st.text_min_px or max(bw, bh) > biggest or max(bw, bh) > st.text_max_aspect * min(bw, bh):
            continue
        cx, cy = centroids[i]
        if inside[int(cy), int(cx)]:
            continue
        ring = near_paper[y : y + bh, x : x + bw]
        if ring.mean() < 0.5:
            continue
        found.append((x, y, x + bw, y + bh))
    if len(found) < st.min_text_marks:
        return None
    x0, y0 = min(b[0] for b in found), min(b[1] for b in found)
    x1, y1 = max(b[2] for b in found), max(b[3] for b in found)
    h, w = gray.shape
    return (
        max(0, int(x0 * factor)),
        max(0, int(y0 * factor)),
        min(w, int(np.ceil(x1 * factor))),
        min(h, int(np.ceil(y1 * factor))),
    )


def cut_to_paper(gray: np.ndarray, settings: PageFrameSettings = DEFAULT.frame) -> tuple[np.ndarray, np.ndarray, str]:
    """``gray`` with the frame around its sheet taken off: (image, 3×3 map from its pixels back to ``gray``'s,
    what was done: "" for nothing, "crop" or "perspective")."""
    st = settings
    found = find_paper(gray, st)
    if found is None:
        return gray, IDENTITY3, ""
    h, w = gray.shape
    corners = _inset(found.corners, st.inset_fraction * max(h, w))
    area_inside = cv2.contourArea(corners.astype(np.float32))
    if area_inside > (1 - st.min_removed_fraction) * h * w:
        return gray, IDENTITY3, ""
    text = text_outside(gray, corners, found.paper_grey, st)
    off, tilt = _off_rectangle(corners)
    x0, y0 = (int(np.floor(v)) for v in corners.min(axis=0))
    x1, y1 = (int(np.ceil(v)) for v in corners.max(axis=0))
    if text is not None:
        # Text lies outside the sheet as found: cut a rectangle that keeps it, paint nothing, warp nothing.
        x0, y0, x1, y1 = min(x0, text[0]), min(y0, text[1]), max(x1, text[2]), max(y1, text[3])
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if (x1 - x0) * (y1 - y0) > (1 - st.min_removed_fraction) * h * w:
            return gray, IDENTITY3, ""
        return np.ascontiguousarray(gray[y0:y1, x0:x1]), _translation(x0, y0), "crop"
    if off <= st.perspective_min_fraction * max(h, w) and abs(tilt) <= st.crop_max_tilt_degrees:
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        out = np.ascontiguousarray(gray[y0:y1, x0:x1]).copy()
        outside = np.ones(out.shape, np.uint8)
        cv2.fillConvexPoly(outside, np.round(corners - [x0, y0]).astype(np.int32), (0,))
        out[outside.astype(bool)] = np.uint8(round(found.paper_grey))
        return out, _translation(x0, y0), "crop"
    tl, tr, br, bl = corners
    width = round(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = round(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    flat_corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    back = cv2.getPerspectiveTransform(flat_corners, corners.astype(np.float32))
    out = cv2.warpPerspective(
        gray,
        back,
        (width, height),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(round(found.paper_grey),),
    )
    return out, back.astype(float), "perspective"


def _translation(x0: int, y0: int) -> np.ndarray:
    return np.array([[1.0, 0.0, x0], [0.0, 1.0, y0], [0.0, 0.0, 1.0]])
