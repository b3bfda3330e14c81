"""Cleaning a page image before layout and OCR: flatten the lighting, stretch contrast, correct skew.

The result is the working image plus the transform back to source pixels, kept on the Page so that every
box written out refers to the original scan.
"""

from __future__ import annotations

import cv2
import numpy as np

from .model import Page, Transform

MAX_SKEW = 3.0  # degrees; a page skewed more than this is a rotation problem, not skew


def paper_level(gray: np.ndarray) -> np.ndarray:
    """The brightness of bare paper everywhere on the page, as a smooth quadratic surface.

    Fitted to the brightest pixels of coarse cells, dropping cells darker than the fit: a photo or a solid
    headline is never taken for shadow, as a local max/closing filter would do over a large photo.
    """
    h, w = gray.shape
    small = cv2.resize(gray, (max(1, w // 4), max(1, h // 4)), interpolation=cv2.INTER_AREA)
    cell = 16
    sh, sw = small.shape[0] // cell, small.shape[1] // cell
    if sh < 3 or sw < 3:
        return np.full(gray.shape, float(np.percentile(gray, 95)), np.float32)
    cells = small[: sh * cell, : sw * cell].reshape(sh, cell, sw, cell).transpose(0, 2, 1, 3).reshape(sh, sw, -1)
    level = np.percentile(cells, 95, axis=2).astype(np.float64)
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


def flatten_background(gray: np.ndarray) -> np.ndarray:
    """Divide out uneven lighting and paper tone, then stretch so paper is white and ink is black."""
    flat = gray.astype(np.float32) / np.maximum(paper_level(gray), 1.0)
    lo = float(np.percentile(flat[::4, ::4], 0.5))
    out = (flat - lo) / max(1e-3, 1.0 - lo)
    return np.clip(out * 255.0, 0, 255).astype(np.uint8)


def estimate_skew(gray: np.ndarray) -> float:
    """The rotation (degrees, counter-clockwise) that levels the text lines, by projection-profile sharpness."""
    h, w = gray.shape
    factor = max(1, int(max(h, w) / 1400))
    small = cv2.resize(gray, (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    ink = (small < 160).astype(np.float32)
    if ink.mean() < 1e-4:
        return 0.0
    centre = (small.shape[1] / 2, small.shape[0] / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(ink, m, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST)
        profile = rotated.sum(axis=1)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25), key=sharpness)
    fine = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05), key=sharpness)
    return float(round(fine, 2))


def deskew(gray: np.ndarray, angle: float) -> tuple[np.ndarray, Transform]:
    """Rotate by ``angle`` degrees about the centre (same canvas size, white fill)."""
    h, w = gray.shape
    if abs(angle) < 0.1:  # under 0.1° a rule drifts < 2 px per 1000: not worth resampling
        return gray, Transform(skew_degrees=0.0)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    working = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    back = cv2.invertAffineTransform(m)
    return working, Transform(matrix=back, skew_degrees=angle)


def preprocess(page: Page) -> Page:
    """Flatten, estimate and correct skew. Sets ``page.image`` to the working image and ``page.transform``."""
    assert page.image is not None
    flat = flatten_background(page.image)
    angle = estimate_skew(flat)
    page.image, page.transform = deskew(flat, angle)
    return page


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink mask (True = ink) by Otsu on a flattened image; used by layout, never fed to the recogniser."""
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask.astype(bool)
