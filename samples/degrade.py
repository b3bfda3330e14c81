"""Scan, camera and web degradations for randomized pages (samples/random_pages.py), each with a drawn
strength, in plain numpy/OpenCV (no augraphy: it pulls a second OpenCV build).

`degrade(image, rng, profile)` returns the degraded image, the 3x3 matrix that maps composed-page
coordinates to output-image coordinates (so ground-truth boxes follow every geometric step: rescale, skew,
perspective, border, turn) and the factors drawn, {name: strength}. Nothing here knows about layout.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

PROFILES = ("clean", "scan", "lowres", "camera", "web")


def _affine3(m2x3: np.ndarray) -> np.ndarray:
    return np.vstack([m2x3, [0, 0, 1]])


def map_box(box, h: np.ndarray, w: int, hgt: int) -> list[int]:
    """Axis-aligned bounding box of the four corners of `box` mapped by the 3x3 matrix h, clipped."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64) @ h.T
    pts = pts[:, :2] / pts[:, 2:3]
    return [
        max(0, int(np.floor(pts[:, 0].min()))),
        max(0, int(np.floor(pts[:, 1].min()))),
        min(w, int(np.ceil(pts[:, 0].max()))),
        min(hgt, int(np.ceil(pts[:, 1].max()))),
    ]


# ---------------------------------------------------------------------------------------------
# Paper effects (before geometry: they belong to the sheet)
def yellowed(a: np.ndarray, s: float) -> np.ndarray:
    """Aged newsprint: the white goes to a yellow-brown tone, ink stays dark. Needs RGB."""
    tone = np.array([255, 255 - 35 * s, 255 - 95 * s], np.float32) * (1 - 0.08 * s)
    return a * (tone / 255.0)


def bleed_through(a: np.ndarray, s: float, rng) -> np.ndarray:
    """The reverse side shows through: the page mirrored (a stand-in for its back), blurred, faint."""
    back = a[:, ::-1].copy()
    if rng.random() < 0.5:
        back = back[::-1]
    back = cv2.GaussianBlur(back, (0, 0), 2.0)
    ink = (255 - back) / 255.0
    return a * (1 - 0.25 * s * ink)


def stains(a: np.ndarray, s: float, rng) -> np.ndarray:
    h, w = a.shape[:2]
    out = a
    for _ in range(int(rng.integers(1, 4))):
        r = int(min(h, w) * rng.uniform(0.03, 0.12))
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        small = rng.random((8, 8)).astype(np.float32)
        field = cv2.resize(small, (2 * r, 2 * r), interpolation=cv2.INTER_CUBIC)
        yy, xx = np.mgrid[-r:r, -r:r]
        disc = np.clip(1 - np.sqrt(xx**2 + yy**2) / r, 0, 1) ** 0.5
        mask = np.clip((field * 0.6 + 0.4) * disc, 0, 1) * (0.15 + 0.35 * s)
        x0, y0 = max(0, cx - r), max(0, cy - r)
        x1, y1 = min(w, cx + r), min(h, cy + r)
        m = mask[y0 - (cy - r) : y1 - (cy - r), x0 - (cx - r) : x1 - (cx - r)]
        if out.ndim == 3:
            tint = np.array([0.75, 0.6, 0.4], np.float32)
            out[y0:y1, x0:x1] *= 1 - m[..., None] * (1 - tint)
        else:
            out[y0:y1, x0:x1] *= 1 - 0.5 * m
    return out


# ---------------------------------------------------------------------------------------------
# Geometry
def rotate(a: np.ndarray, deg: float, fill: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate about the centre, the canvas grown so that no corner of the page is cut."""
    h, w = a.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), deg, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(np.ceil(w * c + h * s)), int(np.ceil(w * s + h * c))
    m[0, 2] += (nw - w) / 2
    m[1, 2] += (nh - h) / 2
    out = cv2.warpAffine(
        a, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(fill,) * 3
    )
    return out, _affine3(m)


def perspective(a: np.ndarray, s: float, rng, background: float) -> tuple[np.ndarray, np.ndarray]:
    """A phone photo of the page on a table: corners pulled in by up to 12% (times s), the page on a
    darker surround."""
    h, w = a.shape[:2]
    pad = int(0.06 * max(w, h))
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jitter = rng.uniform(0, 0.12 * s, (4, 2)) * np.array([w, h])
    signs = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]])
    dst = (src + signs * jitter + pad).astype(np.float32)
    hm = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(
        a,
        hm,
        (w + 2 * pad, h + 2 * pad),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(background,) * 3,
    )
    return out, hm


def scanner_border(a: np.ndarray, s: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """A dark lid border around the sheet, uneven per side."""
    h, w = a.shape[:2]
    sides = (rng.uniform(0.2, 1.0, 4) * s * 0.04 * max(h, w)).astype(int) + 2
    top, bottom, left, right = (int(v) for v in sides)
    val = float(rng.uniform(10, 60))
    out = cv2.copyMakeBorder(a, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(val,) * 3)
    t = np.eye(3)
    t[0, 2], t[1, 2] = left, top
    return out, t


def rescale(a: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
    h, w = a.shape[:2]
    nw, nh = max(1, round(w * k)), max(1, round(h * k))
    out = cv2.resize(a, (nw, nh), interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC)
    return out, np.diag([nw / w, nh / h, 1.0])


def turn(a: np.ndarray, quarter: int) -> tuple[np.ndarray, np.ndarray]:
    """Counter-clockwise quarter turns (1: 90°, 2: 180°, 3: 270°)."""
    h, w = a.shape[:2]
    out = np.ascontiguousarray(np.rot90(a, quarter))
    if quarter == 1:  # (x, y) -> (y, w - x)
        m = np.array([[0, 1, 0], [-1, 0, w], [0, 0, 1]], float)
    elif quarter == 2:
        m = np.array([[-1, 0, w], [0, -1, h], [0, 0, 1]], float)
    else:  # (x, y) -> (h - y, x)
        m = np.array([[0, -1, h], [1, 0, 0], [0, 0, 1]], float)
    return out, m


# ---------------------------------------------------------------------------------------------
# Light and optics
def uneven_light(a: np.ndarray, s: float, rng) -> np.ndarray:
    h, w = a.shape[:2]
    small = rng.uniform(0, 1, (3, 3)).astype(np.float32)
    field = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    gain = 1 - 0.35 * s * np.clip(field, 0, 1)
    return a * (gain[..., None] if a.ndim == 3 else gain)


def binding_shadow(a: np.ndarray, s: float, rng, fold: bool) -> np.ndarray:
    """The gutter shadow of a bound volume at one side edge; with `fold`, a crease across the middle."""
    h, w = a.shape[:2]
    xx = np.arange(w, dtype=np.float32)
    width = w * rng.uniform(0.03, 0.08)
    edge = xx if rng.random() < 0.5 else (w - 1 - xx)
    gain = 1 - 0.6 * s * np.exp(-edge / width)
    out = a * (gain[None, :, None] if a.ndim == 3 else gain[None, :])
    if fold:
        horizontal = rng.random() < 0.6
        n = h if horizontal else w
        pos = n * rng.uniform(0.45, 0.55)
        t = np.arange(n, dtype=np.float32)
        prof = (
            1
            - 0.35 * s * np.exp(-(((t - pos) / (n * 0.004)) ** 2))
            + 0.08 * s * np.exp(-(((t - pos - n * 0.01) / (n * 0.01)) ** 2))
        )
        shape = (n, 1) if horizontal else (1, n)
        prof = prof.reshape(shape)
        out = out * (prof[..., None] if a.ndim == 3 else prof)
    return out


def blur(a: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(a, (0, 0), sigma)


def noise(a: np.ndarray, s: float, rng) -> np.ndarray:
    out = a + rng.normal(0, 3 + 17 * s, a.shape).astype(np.float32)
    h, w = a.shape[:2]
    for _ in range(int(40 * s * h * w / 4e6)):  # dust specks
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.circle(out, (cx, cy), int(rng.integers(1, 3)), (float(rng.uniform(30, 120)),) * 3, -1)
    return out


def bilevel(a: np.ndarray, rng) -> np.ndarray:
    """A 1-bit fax/microfilm-style page: Otsu threshold, shifted by a drawn bias (thinner or fatter ink)."""
    g = a if a.ndim == 2 else cv2.cvtColor(a, cv2.COLOR_RGB2GRAY)
    g = np.clip(g, 0, 255).astype(np.uint8)
    t, _ = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    t = float(np.clip(t + rng.uniform(-25, 25), 40, 220))
    return np.where(g > t, 255, 0).astype(np.uint8)


# ---------------------------------------------------------------------------------------------
def degrade(
    image: np.ndarray, rng: np.random.Generator, profile: str, dpi: int
) -> tuple[np.ndarray, np.ndarray, dict, int, dict]:
    """image: uint8 gray or RGB of the composed page at `dpi`. Returns (image, 3x3 page->image matrix,
    factors {name: strength}, output dpi, encoding {"format": "png"|"jpeg"|"png1", "quality": q})."""
    a = image.astype(np.float32)
    hm = np.eye(3)
    f: dict[str, float] = {}
    enc = {"format": "png"}
    out_dpi = dpi
    if profile == "clean":
        return image, hm, f, dpi, enc
    p = 0.35 if profile == "scan" else 0.2  # each optional effect's chance on this page

    def draw(name, prob, lo=0.0, hi=1.0):
        if rng.random() < prob:
            f[name] = round(float(rng.uniform(lo, hi)), 3)
            return True
        return False

    if a.ndim == 3 and draw("yellowed", p + 0.1, 0.3, 1.0):
        a = yellowed(a, f["yellowed"])
    if draw("bleed_through", p, 0.2, 1.0):
        a = bleed_through(a, f["bleed_through"], rng)
    if draw("stains", p * 0.6, 0.2, 1.0):
        a = stains(a, f["stains"], rng)
    paper = float(np.median(a[:20, :20]))
    if profile == "camera":
        f["perspective"] = round(float(rng.uniform(0.2, 1.0)), 3)
        a, m = perspective(a, f["perspective"], rng, background=float(rng.uniform(30, 120)))
        hm = m @ hm
    else:
        if draw("skew", 0.6 if profile == "scan" else 0.3, -3.0, 3.0):
            a, m = rotate(a, f["skew"], paper)
            hm = m @ hm
        if profile == "scan" and draw("scanner_border", p, 0.2, 1.0):
            a, m = scanner_border(a, f["scanner_border"], rng)
            hm = m @ hm
    if draw("uneven_light", 0.8 if profile == "camera" else p, 0.2, 1.0):
        a = uneven_light(a, f["uneven_light"], rng)
    if draw("binding_shadow", p * 0.7, 0.2, 1.0):
        fold = rng.random() < 0.5
        if fold:  # the crease's darkness scales with the same strength
            f["fold"] = f["binding_shadow"]
        a = binding_shadow(a, f["binding_shadow"], rng, fold)
    # resolution: scans are resampled to the drawn output dpi, web images to a drawn pixel width
    if profile == "lowres":
        out_dpi = int(rng.integers(72, 150))
    elif profile == "scan" and rng.random() < 0.3:
        out_dpi = int(rng.choice([150, 200, 240, 400, 600]))
    if profile == "web":
        k = float(rng.integers(700, 1201)) / a.shape[1]
        f["web_width"] = float(round(a.shape[1] * k))
    elif profile == "camera":
        k = float(rng.uniform(1400, 2600)) / max(a.shape[:2])
        k = min(k, 1.0)
    else:
        k = out_dpi / dpi
    if abs(k - 1) > 1e-3:
        if profile != "web":
            f["rescale"] = round(k, 3)
        # a scan above the composition dpi is a finer sampling of the same detail (interpolated, not sharper)
        a, m = rescale(a, k)
        hm = m @ hm
    out_dpi = round(dpi * k)
    if draw("blur", 0.7 if profile == "camera" else p, 0.4, 2.0):
        a = blur(a, f["blur"])
    if draw("noise", p + 0.1, 0.1, 1.0):
        a = noise(a, f["noise"], rng)
    a = np.clip(a, 0, 255)
    if profile == "scan" and draw("bilevel", 0.12):
        a = bilevel(a, rng).astype(np.float32)
        enc = {"format": "png1"}
    if rng.random() < (0.12 if profile in ("scan", "web") else 0.0):
        q = int(rng.choice([1, 2, 3]))
        f["turn"] = float(q * 90)
        a, m = turn(a, q)
        hm = m @ hm
    if enc["format"] != "png1" and (profile in ("camera", "web") or rng.random() < 0.6):
        enc = {"format": "jpeg", "quality": int(rng.integers(25, 91))}
        f["jpeg_quality"] = float(enc["quality"])
    return np.clip(a, 0, 255).astype(np.uint8), hm, f, out_dpi, enc


def encode(a: np.ndarray, enc: dict, dpi: int) -> tuple[bytes, str]:
    img = Image.fromarray(a)
    buf = io.BytesIO()
    if enc["format"] == "jpeg":
        img.save(buf, "JPEG", quality=enc["quality"], dpi=(dpi, dpi))
        return buf.getvalue(), ".jpg"
    if enc["format"] == "png1":
        img.convert("1").save(buf, "PNG", dpi=(dpi, dpi))
        return buf.getvalue(), ".png"
    img.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue(), ".png"
