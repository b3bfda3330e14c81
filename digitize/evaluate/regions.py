"""Layout scored against region-level PAGE ground truth (text, separator and graphic regions; no lines, no order).

Made for the German-Brazilian newspaper pages of ``../shared/realpages/gbn_tboenig`` (PAGE 2019 from Aletheia:
``TextRegion``, ``SeparatorRegion``, ``GraphicRegion`` polygons), scored against our page-model dump
(``export/json.py``, boxes in source-image pixels). Three figures a page (issue 13's floors in brackets):

- **text area inside our text blocks** (≥ 0.95): the share of the union of the ground truth's text regions that
  lies inside the union of our text blocks (any role but photo) that hold at least one written line;
- **separators found** (≥ 0.9): a ground-truth rule is found when our separators of the same orientation, within
  ``SEPARATOR_TOLERANCE`` of it, run along at least ``SEPARATOR_MIN_COVER`` of its length (a rule we find in
  pieces counts; one at right angles, or a column away, does not);
- **graphic regions written as text** (none): a woodcut or ornament holds the centre of one of our written lines.

Areas are measured on masks at 1/``RASTER`` of the page's resolution (600 dpi leaves: 1/8 is still 75 dpi,
finer than any region edge the ground truth draws).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from lxml import etree

RASTER = 8  # source pixels per mask pixel
SEPARATOR_TOLERANCE = 0.01  # of the page's shorter side: ~70 px (about one text line) on a 7100 px wide leaf
SEPARATOR_MIN_COVER = 0.5  # share of a ground-truth rule's length our rules must run along for it to be found


@dataclass
class Region:
    kind: str  # "text", "separator" or "graphic"
    id: str
    points: np.ndarray  # (n, 2) int polygon in source pixels

    @property
    def box(self) -> tuple[int, int, int, int]:
        x0, y0 = self.points.min(axis=0)
        x1, y1 = self.points.max(axis=0)
        return int(x0), int(y0), int(x1), int(y1)

    @property
    def vertical(self) -> bool:
        x0, y0, x1, y1 = self.box
        return y1 - y0 > x1 - x0


@dataclass
class RegionScore:
    stem: str
    text_area: float = 1.0  # share of ground-truth text area inside our text blocks
    text_regions: int = 0
    text_regions_half: int = 0  # text regions at least half inside our text blocks
    separators: int = 0
    separators_found: int = 0
    graphics: int = 0
    graphics_as_text: list[str] = field(default_factory=list)  # ids of graphic regions holding our text
    graphic_chars: int = 0  # characters we wrote inside graphic regions
    graphic_area_in_photos: float = 1.0  # share of graphic area inside our photo blocks (for information)

    @property
    def separator_share(self) -> float:
        return self.separators_found / self.separators if self.separators else 1.0


_KINDS = {"TextRegion": "text", "SeparatorRegion": "separator", "GraphicRegion": "graphic"}


def read_page_regions(path: str | Path) -> tuple[tuple[int, int], list[Region]]:
    """(width, height) and the text, separator and graphic regions of a PAGE file (any PAGE namespace)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(Path(path).read_bytes(), parser)
    page = next(el for el in root.iter() if etree.QName(el).localname == "Page")
    size = int(page.get("imageWidth", 0)), int(page.get("imageHeight", 0))
    regions = []
    for el in page.iter():
        kind = _KINDS.get(etree.QName(el).localname) if isinstance(el.tag, str) else None
        if kind is None:
            continue
        coords = next((c for c in el if etree.QName(c).localname == "Coords"), None)
        if coords is None or not coords.get("points"):
            continue
        pts = np.array([[int(float(v)) for v in p.split(",")] for p in coords.get("points", "").split()])
        if len(pts) >= 2:
            regions.append(Region(kind, el.get("id", ""), pts))
    return size, regions


def _mask(size: tuple[int, int]) -> np.ndarray:
    return np.zeros((size[1] // RASTER + 1, size[0] // RASTER + 1), np.uint8)


def _fill_polygon(mask: np.ndarray, points: np.ndarray) -> np.ndarray:
    cv2.fillPoly(mask, [np.round(points / RASTER).astype(np.int32)], (1,))
    return mask


def _fill_box(mask: np.ndarray, box) -> np.ndarray:
    x0, y0, x1, y1 = (round(v / RASTER) for v in box)
    mask[y0 : max(y0 + 1, y1), x0 : max(x0 + 1, x1)] = 1
    return mask


def _page(dump: dict) -> dict:
    return dump["page"] if "page" in dump else dump["pages"][0]


def written_lines(dump: dict) -> list[dict]:
    """Our written lines (text blocks only), each with its box and text."""
    return [ln for b in _page(dump)["blocks"] if b["role"] != "photo" for ln in b["lines"] if ln["text"].strip()]


def gutter_truth(page_xml: str | Path) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, int, int]]]:
    """For the gutter invariant: the boxes of the ground truth's text regions and of its vertical rules."""
    regions = read_page_regions(page_xml)[1]
    return [r.box for r in regions if r.kind == "text"], [
        r.box for r in regions if r.kind == "separator" and r.vertical
    ]


def score_regions(stem: str, page_xml: str | Path, dump: dict) -> RegionScore:
    size, regions = read_page_regions(page_xml)
    page = _page(dump)
    score = RegionScore(stem)

    ours_text = _mask(size)
    for b in page["blocks"]:
        if b["role"] != "photo" and any(ln["text"].strip() for ln in b["lines"]):
            _fill_box(ours_text, b["box"])
    truth_text = _mask(size)
    texts = [r for r in regions if r.kind == "text"]
    for r in texts:
        _fill_polygon(truth_text, r.points)
        alone = _fill_polygon(_mask(size), r.points)
        if (alone & ours_text).sum() >= 0.5 * max(1, alone.sum()):
            score.text_regions_half += 1
    score.text_regions = len(texts)
    if truth_text.any():
        score.text_area = float((truth_text & ours_text).sum() / truth_text.sum())

    tolerance = SEPARATOR_TOLERANCE * min(size) / RASTER
    kernel = np.ones((2 * round(tolerance) + 1,) * 2, np.uint8)
    for r in (r for r in regions if r.kind == "separator"):
        score.separators += 1
        near = cv2.dilate(_fill_polygon(_mask(size), r.points), kernel)
        ours = _mask(size)
        for s in page.get("separators", []):
            if (s["orientation"] == "vertical") == r.vertical:
                _fill_box(ours, s["box"])
        axis = 0 if r.vertical else 1  # vertical rule: its length runs along the rows
        own = _fill_polygon(_mask(size), r.points).any(axis=1 - axis)
        covered = (near & ours).any(axis=1 - axis)
        if (own & covered).sum() >= SEPARATOR_MIN_COVER * max(1, own.sum()):
            score.separators_found += 1

    graphics = [r for r in regions if r.kind == "graphic"]
    score.graphics = len(graphics)
    photos = _mask(size)
    for b in page["blocks"]:
        if b["role"] == "photo":
            _fill_box(photos, b["box"])
    lines = written_lines(dump)
    all_graphics = _mask(size)
    for r in graphics:
        inside = _fill_polygon(_mask(size), r.points)
        _fill_polygon(all_graphics, r.points)
        chars = 0
        for ln in lines:
            x0, y0, x1, y1 = ln["box"]
            cx, cy = (x0 + x1) / 2 / RASTER, (y0 + y1) / 2 / RASTER
            if 0 <= cy < inside.shape[0] and 0 <= cx < inside.shape[1] and inside[int(cy), int(cx)]:
                chars += len("".join(ln["text"].split()))
        if chars:
            score.graphics_as_text.append(r.id)
            score.graphic_chars += chars
    if all_graphics.any():
        score.graphic_area_in_photos = float((all_graphics & photos).sum() / all_graphics.sum())
    return score
