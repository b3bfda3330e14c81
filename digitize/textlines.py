"""Text-first lines: where text is comes from the text detector run wherever the page has ink, not from ink blocks.

The ink layout (layout.py) finds rules, photos and blocks from an Otsu mask; on real pages it loses whole runs
of lines (small text taken for a photo, no clean gutter, low resolution). Here:
1. every ink block, photo and patch of ink outside the blocks is detected in tiles at a normalised scale
   (body text ``det_text_px`` high), plus a reduced pass over the whole page for display type; stacked lines
   a box ran together are cut at blank rows, lines joined across a gutter at gaps the lines beside them share;
   every box is read at the page's own resolution, once;
2. every line that reads goes into exactly one text block: the ink block that holds its centre when that block
   is one column, else a block split at the lines' own gutters, else a new block grouped from the lines left
   over (column by column, never across a rule); a "photo" that holds lines is text, not a photo;
3. vertical ink blocks (vertical headlines) keep the vertical reader; an ink block no detected line falls in
   keeps the per-block detection it had, so nothing the ink layout saw is lost either.
Lines and blocks are in working-image pixels.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from .layout import number_blocks, reads_as_byline, role_from_size, rule_between
from .model import Block, Box, Line, Page, Role, TextStyle, box_union
from .ocr.base import group_rows, merge_row_fragments
from .ocr.tiling import join_cut_pieces
from .ocr.vertical import read_columns, read_vertical
from .preprocess import binarize, runs
from .settings import DEFAULT, TextLinesSettings
from .text.joins import TERMINAL
from .text.patterns import SUBTITLE_DASH

SETTINGS = DEFAULT.lines


@dataclass
class TextLinesReport:
    """What the stage did, for the page's quality record."""

    detected: int = 0  # line boxes the detector found
    read: int = 0  # boxes that read as text (score ≥ min_score)
    new_blocks: int = 0  # blocks grouped from lines no ink block held
    split_blocks: int = 0  # ink blocks split at their lines' gutters
    photos_demoted: int = 0
    photo_texture: int = 0  # lines read inside a photo's picture and dropped as its texture
    vertical_lines: int = 0  # columns of vertical text found by the detector, read top to bottom
    fallback_blocks: int = 0  # ink blocks read by per-block detection (no detected line fell in them)
    pictures_found: int = 0  # photos found among the lines (pictures_without_text), the ink layout's missed
    runs_merged: int = 0  # blocks merged into the one above (a column's run, a heading's next line, a row in pieces)
    flags: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # what was read, for the quality record's coverage
    seconds: dict[str, float] = field(default_factory=dict)


def supported(engine) -> bool:
    return hasattr(engine, "detect_lines") and hasattr(engine, "read_lines")


def body_scale(page: Page, settings: TextLinesSettings = SETTINGS) -> float:
    """The scale at which the page's body text is ``det_text_px`` high."""
    assert page.image is not None
    em = page.text_size_px or 30.0
    long_side = max(page.image.shape[:2])
    scale = settings.det_text_px / em
    if em > long_side / settings.max_lines_per_side:
        # Implausible ink measure (a camera photo's shadows and halftones read as 400 px "lines"): a small
        # image of a page has small type, so it is detected at least ``min_long_side`` px long.
        scale = max(scale, settings.min_long_side / long_side)
    return float(np.clip(scale, settings.min_scale, settings.max_scale))


def detection_regions(page: Page, scale: float, settings: TextLinesSettings = SETTINGS) -> list[tuple[Box, float]]:
    """Where the detector looks: every ink block and photo, and every patch of ink that no block holds, all at
    the body scale. Detecting the whole page at the body scale spent 2.8× the detector time of the per-block
    path on the broadsheet sample (margins, gutters and tile overlaps); the ink regions hold 62 % of its
    pixels. Headline blocks are not read at their own scale: on real pages the ink layout measures whole
    regions of small type as one "headline" line (blue_mountain_echo: the page, "1786 px type"; hkej,
    chronam, headlinedaily: 82–1128 px "headlines" over body columns), and read at that scale their text was
    lost (headlinedaily_2025 coverage 0.91 → 0.68)."""
    assert page.image is not None
    h, w = page.image.shape[:2]
    em = page.text_size_px or 30.0
    pad = int(settings.region_pad_em * em)

    def padded(b: Box) -> Box:
        return (max(0, b[0] - pad), max(0, b[1] - pad), min(w, b[2] + pad), min(h, b[3] + pad))

    regions: list[tuple[Box, float]] = [(padded(b.box), scale) for b in page.blocks]
    regions += [(padded(b), scale) for b in uncovered_ink(page, [b.box for b in page.blocks], settings)]
    return regions


def uncovered_ink(page: Page, covered: list[Box], settings: TextLinesSettings = SETTINGS) -> list[Box]:
    """Patches of ink outside every region (lines the ink layout put in no block), on a grid of half-em cells;
    rules are not text."""
    assert page.image is not None
    em = page.text_size_px or 30.0
    cell = max(2, int(em * settings.leftover_cell_em))
    h, w = page.image.shape[:2]
    small = cv2.resize(page.image, (max(1, w // cell), max(1, h // cell)), interpolation=cv2.INTER_AREA)
    # Otsu on the reduced page splits a dark photo from everything else when there is one: a blurred column of
    # type, grey at this cell size, fell on the paper side, and no detector ever looked at it (bed page
    # 61207037: its left column). A cell darker than the paper by ``leftover_contrast`` holds ink.
    # Only away from the blocks: the grey fringe of a block's own lines, taken for ink of its own, made detection
    # regions over half a line that joined two lines into one box (Headline Daily 2023 coverage 0.941 -> 0.921).
    faint = small < paper_grey(small) - settings.leftover_contrast
    ink = binarize(small)
    reach = max(1, round(settings.region_pad_em * em / cell))
    for b in covered + [s.box for s in page.separators]:
        ink[b[1] // cell : -(-b[3] // cell), b[0] // cell : -(-b[2] // cell)] = False
        faint[
            max(0, b[1] // cell - reach) : -(-b[3] // cell) + reach,
            max(0, b[0] // cell - reach) : -(-b[2] // cell) + reach,
        ] = False
    ink |= faint
    _n, _, stats, _ = cv2.connectedComponentsWithStats(
        cv2.dilate(ink.astype(np.uint8), np.ones((3, 3), np.uint8)), connectivity=8
    )
    return [
        (int(x * cell), int(y * cell), int(min(w, (x + bw) * cell)), int(min(h, (y + bh) * cell)))
        for x, y, bw, bh, area in stats[1:]
        if area >= settings.leftover_min_cells
    ]


def blurred(image: np.ndarray, scale: float, settings: TextLinesSettings = SETTINGS) -> bool:
    """Whether the page's steepest edges (99.5th percentile of the Sobel gradient at the detection scale) fall
    under ``blur_edge_ratio`` of its contrast (1st to 99th percentile grey) per pixel: type smeared over
    several pixels, which the detector misses."""
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    gx, gy = cv2.Sobel(small, cv2.CV_32F, 1, 0), cv2.Sobel(small, cv2.CV_32F, 0, 1)
    contrast = float(np.percentile(small, 99) - np.percentile(small, 1))
    steep = float(np.percentile(np.hypot(gx, gy), 99.5)) / 8  # the Sobel kernel's weights sum to 8
    return steep < settings.blur_edge_ratio * max(contrast, 1.0)


def sharpened(image: np.ndarray, em: float, settings: TextLinesSettings = SETTINGS) -> np.ndarray:
    """An unsharp mask of radius ``sharpen_radius_em`` body heights, weighted ``sharpen_amount``."""
    soft = cv2.GaussianBlur(image, (0, 0), max(0.8, settings.sharpen_radius_em * em))
    return cv2.addWeighted(image, 1 + settings.sharpen_amount, soft, -settings.sharpen_amount, 0)


def detect_page_lines(page: Page, engine, settings: TextLinesSettings = SETTINGS) -> list[Box]:
    """``detect_lines_at_scale``, and on a blurred page (``blurred``) also on a sharpened copy: the pass whose
    lines read as more characters is kept."""
    assert page.image is not None
    boxes = detect_lines_at_scale(page, page.image, engine, settings)
    if not hasattr(engine, "read_lines") or not blurred(page.image, body_scale(page, settings), settings):
        return boxes
    sharp = detect_lines_at_scale(page, sharpened(page.image, page.text_size_px or 30.0, settings), engine, settings)

    def legible(found: list[Box]) -> float:
        """Characters read at ``sharpen_min_confidence`` or more: noise the mask sharpened into "lines" reads as
        little, and at low confidence."""
        lines = engine.read_lines(page.image, found)
        return sum(len(ln.text.strip()) for ln in lines if ln.confidence >= settings.sharpen_min_confidence)

    return sharp if legible(sharp) > legible(boxes) else boxes


def detect_lines_at_scale(page: Page, image: np.ndarray, engine, settings: TextLinesSettings = SETTINGS) -> list[Box]:
    """Line boxes of the page in ``image`` (the page or a sharpened copy): every detection region
    (``detection_regions``) at its scale, then the whole page at ``display_scale`` of the body scale for type too
    large for the detector at body scale (run per region instead, the small crops at a fifth of the body scale
    came back as boxes over three columns of body text, written as one garbled line). Engines without
    ``detect_in_regions`` detect the whole page."""
    em = page.text_size_px or 30.0
    scale = body_scale(page, settings)
    if hasattr(engine, "detect_in_regions"):
        regions = detection_regions(page, scale, settings)
        found = engine.detect_in_regions(image, regions, settings.tile_px, settings.overlap_px)
        body = _owned([r for r, _ in regions], found, em, settings)
    else:
        body = engine.detect_lines(image, scale, settings.tile_px, settings.overlap_px)
    heights = [b[3] - b[1] for b in body if b[2] - b[0] >= 2 * (b[3] - b[1])]
    line_px = float(np.median(heights)) if heights else em
    display_scale = scale * settings.display_scale
    if display_scale < settings.min_scale * 0.5 or max(image.shape) * display_scale < 200:
        return body
    display = [
        b
        for b in engine.detect_lines(image, display_scale, settings.tile_px, settings.overlap_px)
        if b[3] - b[1] >= settings.display_min_lines * line_px
    ]
    display = [t for d in display if (t := trim_display(d, body, line_px, settings)) is not None]
    # Display boxes win over the body pass's pieces of the same headline (characters cut apart at body scale).
    kept = [b for b in body if not any(_inside_share(b, d) > 0.5 for d in display)]
    return sorted(kept + display, key=lambda b: (b[1], b[0]))


def body_lines_blob(display: Box, body: list[Box], line_px: float, settings: TextLinesSettings = SETTINGS) -> bool:
    """A display-pass box over body lines only: at a third of the body scale narrow gutters and leading vanish,
    and a row of four columns' lines with a byline became one box, written as one line (english-tabloid-clean).
    Display type shows at body scale as pieces taller than a body line; here every box inside is a body line."""
    inside = [b for b in body if _inside_share(b, display) > 0.5]
    return len(inside) >= 2 and all(b[3] - b[1] <= settings.blob_line_ratio * line_px for b in inside)


def trim_display(display: Box, body: list[Box], line_px: float, settings: TextLinesSettings = SETTINGS) -> Box | None:
    """A display-pass box as it is kept: None for a blob over body lines only (``body_lines_blob``); over both
    display type and body lines, only the rows of its display pieces. At a third of the body scale a headline
    and the first rows of the five columns under it became one box (Headline Daily 2025-02-18): the box won
    over the columns' lines, and its part under the headline, with no blank row across five columns set at
    different heights, was read as one garbled line."""
    if body_lines_blob(display, body, line_px, settings):
        return None
    inside = [b for b in body if _inside_share(b, display) > 0.5]
    tall = [b for b in inside if b[3] - b[1] > settings.blob_line_ratio * line_px]
    if not tall or len(inside) - len(tall) < 2:
        return display
    return (display[0], min(b[1] for b in tall), display[2], max(b[3] for b in tall))


def _owned(padded: list[Box], found: list[list[Box]], em: float, settings: TextLinesSettings) -> list[Box]:
    """Each region's boxes whose centre lies in the region proper (not its padding: there the detector sees
    slices of the next column's lines, whose boxes, joined to the lines beside them, interleaved two columns
    of the sample page); a line cut by a region's edge, found in two regions, is joined from its pieces.
    Ink in no block is a region of its own (``uncovered_ink``), so no line is left to the padding alone."""
    pad = int(settings.region_pad_em * em)
    proper = [(r[0] + pad, r[1] + pad, r[2] - pad, r[3] - pad) for r in padded]
    kept: list[tuple[float, float, float, float]] = []
    for i, boxes in enumerate(found):
        for b in boxes:
            c = _centre(b)
            if _holds(proper[i], c):
                kept.append(b)
    return [tuple(int(v) for v in b) for b in join_cut_pieces(kept)]  # type: ignore[misc]


def drop_photo_texture(
    image: np.ndarray, lines: list[Line], photos: list[Box], settings: TextLinesSettings = SETTINGS
) -> tuple[list[Line], int]:
    """The read lines without the picture's own texture, and how many were dropped. A tall line in a picture's
    greys read as a mark or two, unsure, is texture wherever it is (``texture_line``). A line inside a photo on a
    ground that is not paper is texture when it reads as one character repeated, or unsure
    (cols6-photos-scan: a drawing of four monitors with sine waves, 100 px high, read as "wwww" at 0.97 and
    written as a headline). Type set on a picture's ground reads as varied, sure text and stays (HKEJ C4: a
    sidebar of nine lines on the photo's tint, zaobao's date band, once dropped unread); type on paper in a
    photo's box always stays."""
    if not lines:
        return lines, 0
    paper = paper_grey(image)
    line_px = float(np.median([ln.height for ln in lines]))
    kept = []
    for ln in lines:
        if texture_line(ln, line_px, settings) and mid_tone_share(image, ln.box, paper) >= settings.texture_mid_share:
            continue  # a light photo's greys too (seed 1758425 page 021: "41" at 0.37 on a ground at 0.97 paper)
        if any(_holds(p, _centre(ln.box)) for p in photos) and on_picture_ground(image, ln.box, paper, settings):
            distinct = len(set(ln.text.replace(" ", "")))
            if distinct < settings.texture_max_distinct or ln.confidence < settings.texture_min_confidence:
                continue
        kept.append(ln)
    return kept, len(lines) - len(kept)


def mid_tone_share(image: np.ndarray, box: Box, paper: float) -> float:
    """Share of a box's pixels in the middle half of the range from its darkest (5th percentile) to the paper:
    a picture's greys, where type, however big and bold, is ink or paper but for its edges (a 200 px headline
    character 0.01; photos 0.2-0.56)."""
    crop = image[box[1] : box[3], box[0] : box[2]].astype(np.float32)
    if crop.size == 0:
        return 0.0
    ink = float(np.percentile(crop, 5))
    lo, hi = ink + 0.25 * (paper - ink), paper - 0.25 * (paper - ink)
    return float(((crop > lo) & (crop < hi)).mean())


def reads_as_marks(lines: list[Line], settings: TextLinesSettings = SETTINGS) -> bool:
    """Lines read as a character or two in all (``texture_line_max_chars``), every one unsure
    (``texture_line_confidence``): what a picture's texture reads as, not text."""
    chars = sum(len(ln.text.replace(" ", "")) for ln in lines)
    return 0 < chars <= settings.texture_line_max_chars and all(
        ln.confidence < settings.texture_line_confidence for ln in lines
    )


def texture_line(ln: Line, line_px: float, settings: TextLinesSettings = SETTINGS) -> bool:
    """A "line" ``texture_line_heights`` body lines high or more that ``reads_as_marks``, and (the caller
    checks) in a picture's greys: a photo the layout did not find, its texture detected as one big line (seed
    1758425: four photos written as headlines "生" 0.64, "41" 0.37, "u" 0.55, "I" 0.50)."""
    return ln.height >= settings.texture_line_heights * line_px and reads_as_marks([ln], settings)


def _chars(lines: list[Line]) -> int:
    return sum(len(ln.text.strip()) for ln in lines)


def paper_grey(image: np.ndarray) -> float:
    """The page's paper grey: the 90th percentile of a sparse sample (type and pictures are darker)."""
    return float(np.percentile(image[::8, ::8], 90))


def pictures_without_text(
    image: np.ndarray, text: list[Box], photos: list[Box], em: float, settings: TextLinesSettings = SETTINGS
) -> list[Box]:
    """Pictures the ink layout's grey-cell finder missed (a high-contrast photo: a stage in black, faces in
    light, rules read in it; HKEJ C4: 5 of its 7 photos): rectangles mostly darker than the paper, at least
    ``picture_min_side_em`` a side, with no text line in them. Once every line is known, heavy display type and a
    reversed masthead (lines detected in them) are never taken for one."""
    gray = image if image.ndim == 2 else image.mean(axis=2).astype(np.uint8)
    st = settings
    cell = max(2, int(em * st.picture_cell_em))
    h, w = gray.shape
    if h < 2 * cell or w < 2 * cell:
        return []
    dark = (gray < paper_grey(gray) - st.leftover_contrast).astype(np.float32)
    share = cv2.resize(dark, (w // cell, h // cell), interpolation=cv2.INTER_AREA)
    cells = (share >= st.picture_dark_share).astype(np.uint8)
    pad = max(1, round(st.picture_text_pad_em * em))
    for b in text:
        cells[
            max(0, b[1] - pad) // cell : -(-(b[3] + pad) // cell), max(0, b[0] - pad) // cell : -(-(b[2] + pad) // cell)
        ] = 0
    closed = cv2.morphologyEx(cells, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    opened = cv2.morphologyEx(cells, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    out: list[Box] = []

    def regions(mask: np.ndarray, within: tuple[int, int, int, int] | None = None):
        x0, y0, x1, y1 = within or (0, 0, mask.shape[1], mask.shape[0])
        _n, _, stats, _ = cv2.connectedComponentsWithStats(np.ascontiguousarray(mask[y0:y1, x0:x1]), connectivity=8)
        return [(x + x0, y + y0, bw, bh, area) for x, y, bw, bh, area in stats[1:]]

    def picture(x: int, y: int, bw: int, bh: int, area: int) -> tuple[Box, bool, bool]:
        """The region's box, whether it holds text lines, and whether it is a picture."""
        box = (int(x * cell), int(y * cell), int(min(w, (x + bw) * cell)), int(min(h, (y + bh) * cell)))
        side, long = min(box[2] - box[0], box[3] - box[1]), max(box[2] - box[0], box[3] - box[1])
        shaped = side >= st.picture_min_side_em * em and long <= st.picture_max_aspect * side
        holds_text = any(_holds(box, _centre(t)) for t in text)
        ok = (
            shaped
            and area >= st.picture_min_fill * bw * bh
            and not holds_text
            and not any(_inside_share(box, p) > 0.3 or _inside_share(p, box) > 0.3 for p in photos)
        )
        return box, holds_text, ok

    for x, y, bw, bh, area in regions(closed):
        box, holds_text, ok = picture(x, y, bw, bh, area)
        if ok:
            out.append(box)
        elif holds_text:
            # A region holding lines may be a picture joined to type by a thin bridge: a shaded table row, a
            # rule a cell thick (bed page 61207001: its photo and the table beside it were one region). Opened,
            # the bridge goes; a part that is a picture on its own is kept.
            for part in regions(opened, (x, y, x + bw, y + bh)):
                part_box, _, part_ok = picture(*part)
                # Not at the image's edge: there a dark scanner border's corner is left (bed page 61207042).
                inner = part_box[0] > 0 and part_box[1] > 0 and part_box[2] < w and part_box[3] < h
                if part_ok and inner:
                    out.append(part_box)
    return out


def on_picture_ground(image: np.ndarray, box: Box, paper: float, settings: TextLinesSettings = SETTINGS) -> bool:
    """Whether a box's median grey is darker than paper: set on a picture or a tint, not on the page."""
    return float(np.median(image[box[1] : box[3], box[0] : box[2]])) < settings.photo_ground_share * paper


def _inside_share(inner: Box, outer: Box) -> float:
    ix = min(inner[2], outer[2]) - max(inner[0], outer[0])
    iy = min(inner[3], outer[3]) - max(inner[1], outer[1])
    area = max(1, (inner[2] - inner[0]) * (inner[3] - inner[1]))
    return max(0, ix) * max(0, iy) / area


def _centre(b: Box) -> tuple[float, float]:
    return (b[0] + b[2]) / 2, (b[1] + b[3]) / 2


def _holds(box: Box, point: tuple[float, float]) -> bool:
    return box[0] <= point[0] < box[2] and box[1] <= point[1] < box[3]


def _area(b: Box) -> int:
    return max(0, b[2] - b[0]) * max(0, b[3] - b[1])


def place_lines(page: Page, engine, settings: TextLinesSettings = SETTINGS) -> TextLinesReport:
    """Detect and read every line of the page and put each in exactly one text block of ``page.blocks``.

    Vertical blocks are left for the vertical reader, and ink blocks no line fell in keep no lines (the
    pipeline reads them per block). Returns what was done."""
    report = TextLinesReport()
    start = time.perf_counter()
    boxes = detect_page_lines(page, engine, settings)
    report.seconds["detect"] = time.perf_counter() - start
    report.detected = len(boxes)
    flat = [b[3] - b[1] for b in boxes if b[2] - b[0] >= 2 * (b[3] - b[1])]
    det_px = float(np.median(flat)) if flat else (page.text_size_px or 30.0)
    vertical = [b for b in page.blocks if b.role.has_text and b.vertical]
    # Lines inside a vertical ink block are its columns or pieces of them: the vertical reader reads the block.
    boxes = [b for b in boxes if not any(_holds(v.box, _centre(b)) for v in vertical)]
    assert page.image is not None
    boxes = cut_at_blank_rows(page.image, boxes, det_px, settings)
    boxes = cut_at_aligned_gaps(page.image, boxes, det_px, settings)
    boxes = cut_at_gutters(
        boxes,
        [b.box for b in page.blocks if b.role.has_text and not b.vertical],
        [s.box for s in page.separators if s.orientation == "vertical"],
        det_px,
    )
    # Tall narrow boxes are columns of vertical text: read top to bottom (ocr/vertical.py), not as a line.
    columns = [b for b in boxes if is_column(b, det_px, settings)]
    boxes = [b for b in boxes if not is_column(b, det_px, settings)]
    read = [
        ln for ln in engine.read_lines(page.image, boxes) if ln.text.strip() and ln.confidence >= settings.min_score
    ]
    read, report.photo_texture = drop_photo_texture(
        page.image, read, [b.box for b in page.blocks if b.role is Role.PHOTO], settings
    )
    report.read = len(read)
    report.texts = [ln.text for ln in read]
    report.seconds["read"] = time.perf_counter() - start - report.seconds["detect"]
    line_px = float(np.median([ln.height for ln in read])) if read else det_px
    em = page.text_size_px or line_px
    for group in group_columns(columns, settings):
        box = box_union(group)
        width = float(np.median([b[2] - b[0] for b in group]))
        assert page.image is not None  # the stages keep the working image
        cols = [ln for ln in read_vertical(engine, page.image, box, width) if ln.text.strip()]
        # Square characters: a column holds about height / width of them. Where the character cells read as far
        # fewer (thin type, touching characters: HKEJ's 12 px photo credit read as "–" or nothing), the columns
        # are read again turned a quarter, as PP-OCR reads vertical lines, and the fuller reading kept.
        expected = sum((b[3] - b[1]) / max(1, b[2] - b[0]) for b in group)
        if _chars(cols) < settings.column_min_char_share * expected:
            turned = [
                ln
                for ln in read_columns(engine, page.image, sorted(group, key=lambda b: -b[0]))
                if ln.text.strip() and ln.confidence >= settings.min_score
            ]
            if _chars(turned) > _chars(cols):
                cols = turned
        if cols and not reads_as_marks(cols, settings):  # a picture taken for a column (seed 1758425: "I")
            report.texts += [ln.text for ln in cols]
            report.vertical_lines += len(cols)
            page.blocks.append(
                Block(
                    id="",
                    role=role_from_size(width * em / line_px, False, em),
                    box=box,
                    lines=cols,
                    style=TextStyle(size_px=width * em / line_px),
                    vertical=True,
                )
            )

    # A photo holding text lines on paper: mostly text → not a photo at all (small type taken for a picture);
    # some → the photo stays, its lines become a block of their own (a caption the box grew over). Lines set on
    # the picture's own ground (a sidebar on its tint, HKEJ C4) leave the photo a photo: they are grouped apart.
    photos = [b for b in page.blocks if b.role is Role.PHOTO]
    paper = paper_grey(page.image)
    for photo in photos:
        held = [ln for ln in read if _holds(photo.box, _centre(ln.box))]
        tinted = [on_picture_ground(page.image, ln.box, paper, settings) for ln in held]
        on_ground = [ln for ln, t in zip(held, tinted) if t]
        # Type on the picture's ground along one side (HKEJ C4: a caption and a fact box set over the photo's left
        # third): the photo block ends where that type does, so no written line lies inside a photo block. The
        # picture loses that strip in the layout; the type is kept.
        if on_ground:
            x0, y0, x1, y1 = photo.box
            if all(_centre(ln.box)[0] < (x0 + x1) / 2 for ln in on_ground):
                x0 = max(ln.box[2] for ln in on_ground)
            elif all(_centre(ln.box)[0] >= (x0 + x1) / 2 for ln in on_ground):
                x1 = min(ln.box[0] for ln in on_ground)
            if x1 - x0 >= 0.5 * (photo.box[2] - photo.box[0]):  # else type across the picture: the photo stays whole
                photo.box = (x0, y0, x1, y1)
        inside = [ln for ln, t in zip(held, tinted) if not t and _holds(photo.box, _centre(ln.box))]
        if not inside:
            continue
        if len(inside) >= 3 or sum(_area(ln.box) for ln in inside) >= settings.photo_text_share * _area(photo.box):
            page.blocks.remove(photo)
            report.photos_demoted += 1
            continue
        # A line or two at the top or bottom: a caption or title the photo box grew over. Trim the photo.
        x0, y0, x1, y1 = photo.box
        mid = (y0 + y1) / 2
        below = [ln.box[1] for ln in inside if _centre(ln.box)[1] >= mid]
        above = [ln.box[3] for ln in inside if _centre(ln.box)[1] < mid]
        ny0, ny1 = (max(above) if above else y0), (min(below) if below else y1)
        if ny1 - ny0 < 0.25 * (y1 - y0):
            page.blocks.remove(photo)
            report.photos_demoted += 1
        else:
            photo.box = (x0, ny0, x1, ny1)

    text_boxes = [ln.box for ln in read] + [b.box for b in page.blocks if b.vertical and b.lines]
    for picture in pictures_without_text(page.image, text_boxes, [p.box for p in photos], em, settings):
        page.blocks = [
            b for b in page.blocks if not (b.role.has_text and not b.lines and _inside_share(b.box, picture) > 0.8)
        ]
        page.separators = [s for s in page.separators if _inside_share(s.box, picture) < 0.8]
        page.blocks.append(Block(id="", role=Role.PHOTO, box=picture))
        report.pictures_found += 1

    horizontal = [b for b in page.blocks if b.role.has_text and not b.vertical]
    report.fallback_blocks = sum(1 for b in horizontal if not any(_holds(b.box, _centre(ln.box)) for ln in read))
    for b in horizontal:
        b.lines = []
    owner: dict[int, list[Line]] = {id(b): [] for b in horizontal}
    leftover: list[Line] = []
    for ln in read:
        c = _centre(ln.box)
        holders = [b for b in horizontal if _holds(b.box, c)]
        if holders:
            # The block the line fits across, not merely the smallest: a one-row ink block over four columns
            # (a byline level with the columns' first lines) took those lines and wrote them as one.
            width = ln.box[2] - ln.box[0]
            best = min(holders, key=lambda b: (abs(b.box[2] - b.box[0] - width), _area(b.box)))
            owner[id(best)].append(ln)
        else:
            leftover.append(ln)

    blocks: list[Block] = [b for b in page.blocks if b not in horizontal]
    seps = [s.box for s in page.separators if s.orientation == "horizontal"]
    # Gutters found in blocks of several rows also part the rows of a block above or below too short to show
    # them (one row under a headline, level across five columns: Headline Daily 2025-02-18).
    gutters: list[tuple[float, float, float]] = []
    parts_of: dict[int, list[list[Line]]] = {}
    for b in horizontal:
        mine = owner[id(b)]
        if not mine:
            blocks.append(b)  # read per block by the pipeline (or dropped there if it holds nothing)
            continue
        in_columns = split_at_gutters(mine, line_px, settings)
        gutters += gutters_between(in_columns, line_px, settings)
        parts_of[id(b)] = in_columns
    gutters += gutters_between_blocks([c for parts in parts_of.values() for c in parts], line_px, settings)
    for b in horizontal:
        mine = owner[id(b)]
        if not mine:
            continue
        parts = []
        cut_rows = split_at_rows_gutters(parts_of[id(b)], gutters, line_px, settings)
        if len(cut_rows) > len(parts_of[id(b)]):
            # A row cut at the gutters of the columns above or below: its pieces are those columns' lines (the
            # row's ink block measured as a heading from its detector boxes, 25 px beside the columns' 22).
            report.split_blocks += 1
            for piece in cut_rows:
                block = new_block(piece, em, line_px, b)
                if float(np.median([ln.height for ln in piece])) <= settings.height_ratio * line_px:
                    block.role = Role.BODY
                blocks.append(block)
            continue
        for part in cut_rows:
            # Columns that lines running across them (a headline, a caption) hide from the strip search, and
            # type of several sizes under one ink block (a story set on a photo collage: headline, lead and
            # columns on one ground) are cut apart as lines no block held.
            hidden = column_edges(part, line_px, settings) or mixed_sizes(part, settings)
            parts += group_leftovers(part, line_px, seps, settings) if hidden else [part]
        if len(parts) == 1:
            b.lines = rows_to_lines(mine, line_px)
            b.box = box_union([ln.box for ln in b.lines])  # the ink box may have held lines now elsewhere
            role, size = measured_role(b.lines, em, line_px, b)
            if b.role is not Role.BODY:  # a body column is not promoted by one block's taller detector boxes
                b.role = role
                b.style = TextStyle(size_px=size, bold=bool(b.style and b.style.bold))
            blocks.append(b)
        else:
            report.split_blocks += 1
            blocks += [new_block(part, em, line_px, b) for part in parts]
    for leftover_lines in group_leftovers(leftover, line_px, seps, settings):
        blocks.append(new_block(leftover_lines, em, line_px))
        report.new_blocks += 1
    # A rule inside a picture is an edge of the picture (zaobao 2025-04-15 p2: 30 "rules" in its big photo).
    pictures = [b.box for b in blocks if b.role is Role.PHOTO]
    page.separators = [s for s in page.separators if not any(_inside_share(s.box, p) > 0.8 for p in pictures)]
    seps = [s.box for s in page.separators if s.orientation == "horizontal"]
    report.runs_merged = merge_column_runs(blocks, line_px, seps, settings)
    blocks = split_intertitles(blocks, em, settings)
    blocks = split_heading_stacks(blocks, em, line_px, settings, page.image)
    h, w = page.image.shape[:2]
    blocks = absorb_fragments(blocks, line_px, settings, (0, 0, w, h))
    page.blocks = sorted(blocks, key=lambda b: (b.box[1], b.box[0]))
    number_blocks(page.blocks)
    if report.photos_demoted:
        report.flags.append("photo-demoted")
    if report.photo_texture:
        report.flags.append("photo-texture")
    if report.new_blocks:
        report.flags.append("lines-outside-ink-blocks")
    return report


def _rows(block: Block) -> int:
    return len(group_rows([ln.box for ln in block.lines]))


def _line_height(block: Block) -> float:
    return float(np.median([ln.height for ln in block.lines]))


def sizes_apart(blocks: list[Block], settings: TextLinesSettings) -> bool:
    """Whether the blocks' lines differ in height beyond one column's: ``run_height_ratio`` between blocks of
    several rows, ``run_row_height_ratio`` where one of them is a single row (its box height swings with its
    letters' ascenders and descenders, which a median over rows evens out)."""
    heights = [_line_height(b) for b in blocks]
    ratio = settings.run_row_height_ratio if any(_rows(b) == 1 for b in blocks) else settings.run_height_ratio
    return max(heights) > ratio * min(heights)


def continues_column(
    upper: Block, lower: Block, line_px: float, rules: list[Box], photos: list[Box], settings: TextLinesSettings
) -> bool:
    """Whether ``lower`` is more of ``upper``'s column of body text: the next lines down, as close as lines in
    a column are, of the same size, over the same width (a short last line or an indented first line may be
    narrower, never wider), with no rule between them and ``upper`` not a caption under a photo."""
    if upper.role is not Role.BODY or lower.role is not Role.BODY:
        return False
    if lower.box[1] - upper.box[3] > settings.run_gap_lines * line_px or sizes_apart([upper, lower], settings):
        return False
    (ux0, _, ux1, _), (lx0, _, lx1, _) = upper.box, lower.box
    narrow, wide = sorted((upper, lower), key=lambda b: b.box[2] - b.box[0])
    n_w, w_w = narrow.box[2] - narrow.box[0], wide.box[2] - wide.box[0]
    if min(ux1, lx1) - max(ux0, lx0) < settings.run_min_overlap * n_w:
        return False
    tol = settings.run_edge_lines * line_px
    same_width = w_w <= settings.run_width_ratio * n_w
    short_line = _rows(narrow) <= 2 and narrow.box[0] >= wide.box[0] - tol and narrow.box[2] <= wide.box[2] + tol
    if not (same_width or short_line) or rule_between(upper.box, lower.box, rules):
        return False
    # A caption under a photo is body-sized and as close to the story under it as a column's lines are.
    under_photo = any(0 <= upper.box[1] - p[3] <= 2 * line_px and min(ux1, p[2]) > max(ux0, p[0]) for p in photos)
    return not (under_photo and _rows(upper) <= settings.run_caption_rows)


def paragraph_end(upper: Block, lower: Block, line_px: float, rules: list[Box], settings: TextLinesSettings) -> bool:
    """Whether ``lower`` is the last line of a paragraph of ``upper``'s column that was measured as a heading:
    one row ending a sentence ("感。", "plans.") or filling the column's width, starting at the column's left
    edge and ending inside it, as close as the column's lines are. A few characters' detector box measures tall (its margin is a larger share
    of it: 1.3-1.5 body heights in the randomized bed), so its height says nothing here."""
    if upper.role is not Role.BODY or lower.role not in (Role.BODY, Role.INTERTITLE) or lower.vertical:
        return False
    if _rows(lower) != 1 or _rows(upper) < 2:
        return False
    tol = settings.run_edge_lines * line_px
    if abs(lower.box[0] - upper.box[0]) > tol or lower.box[2] > upper.box[2] + tol:
        return False
    # A sentence's end, or a line as wide as the column (no heading fills its column edge to edge: fresh seed
    # 1894976 page 005, "operators have already" between two runs of its column, its box 1.5 lines tall).
    if lower.text.strip()[-1:] not in TERMINAL and abs(lower.box[2] - upper.box[2]) > tol:
        return False
    return lower.box[1] - upper.box[3] <= settings.run_gap_lines * line_px and not rule_between(
        upper.box, lower.box, rules
    )


def continues_heading(upper: Block, lower: Block, rules: list[Box], settings: TextLinesSettings) -> bool:
    """Whether ``lower`` is the next line of ``upper``'s heading: a headline of two or three lines comes out
    of the ink layout or the detector a block per line (in the randomized bed, a third of the medium
    headings were such single lines). The same role and size, set as close as display lines are, aligned on
    the left or centred on each other, with no rule between."""
    if upper.role is not lower.role or upper.role not in (Role.HEADLINE, Role.INTERTITLE):
        return False
    h_up, h_low = _line_height(upper), _line_height(lower)
    if max(h_up, h_low) > settings.run_height_ratio * min(h_up, h_low):
        return False
    h = min(h_up, h_low)
    if lower.box[1] - upper.box[3] > settings.head_run_gap_lines * h:
        return False
    left = abs(upper.box[0] - lower.box[0]) <= settings.head_align_lines * h
    centred = abs(upper.box[0] + upper.box[2] - lower.box[0] - lower.box[2]) / 2 <= settings.head_align_lines * h
    return (left or centred) and not rule_between(upper.box, lower.box, rules)


def row_in_pieces(upper: Block, pieces: list[Block], line_px: float, settings: TextLinesSettings) -> Block | None:
    """Blocks side by side just under a body block that are one printed row cut into pieces (a bilevel page
    with stains: the ink layout cut the row at word spaces, each word its own block, some called headings for
    their ink's weight), as one body block; None when they are not: more than one row each, heights apart,
    or reaching outside the column above."""
    tol = settings.run_edge_lines * line_px
    if any(_rows(p) != 1 or p.vertical or p.role not in (Role.BODY, Role.INTERTITLE) for p in pieces):
        return None
    row = box_union([p.box for p in pieces])
    # The row lies inside the column above, or the block above is one row inside it (an indented first line).
    inside = row[0] >= upper.box[0] - tol and row[2] <= upper.box[2] + tol
    indented = _rows(upper) == 1 and upper.box[0] >= row[0] - tol and upper.box[2] <= row[2] + tol
    if not (inside or indented):
        return None
    if len(group_rows([p.box for p in pieces])) != 1:
        return None
    lines = [ln for p in pieces for ln in p.lines]
    joined = Block(id="", role=Role.BODY, box=box_union([ln.box for ln in lines]), lines=lines, style=upper.style)
    # The row's height is its pieces' together: a word's box alone is as tall as its letters reach ("creator"
    # 27 px beside "previous" 37 px in one row of bed page 61207028).
    measured = Block(id="", role=Role.BODY, box=joined.box, lines=rows_to_lines(lines, line_px))
    return None if sizes_apart([measured, upper], settings) else joined


def _next_in_run(
    upper: Block, blocks: list[Block], line_px: float, rules: list[Box], photos: list[Box], settings: TextLinesSettings
) -> tuple[Block, list[Block]] | None:
    """The block next under ``upper`` that goes on its run (``continues_column``, ``continues_heading``, or a row
    in pieces), with the blocks it is made of; None when the run ends there."""
    x0, _, x1, y1 = upper.box
    reach = 0.3 * _line_height(upper)
    below = [b for b in blocks if b is not upper and b.box[1] >= y1 - reach and min(x1, b.box[2]) > max(x0, b.box[0])]
    if not below:
        return None
    nearest = min(below, key=lambda b: b.box[1])
    pieces = [b for b in below if b.box[1] <= nearest.box[1] + reach]
    lower: Block | None = nearest
    if len(pieces) > 1:  # side by side under it: a column splits, or one row came out in pieces
        lower = row_in_pieces(upper, pieces, line_px, settings) if upper.role is Role.BODY else None
    if lower is None or lower.vertical or not lower.lines:
        return None
    if not (
        continues_column(upper, lower, line_px, rules, photos, settings)
        or continues_heading(upper, lower, rules, settings)
        or paragraph_end(upper, lower, line_px, rules, settings)
    ):
        return None
    return lower, pieces if len(pieces) > 1 else [lower]


def merge_column_runs(blocks: list[Block], line_px: float, rules: list[Box], settings: TextLinesSettings) -> int:
    """Blocks that are one column's run of body lines, or one heading's lines, merged in place; returns how
    many merges. The ink layout can cut a column line by line (a bilevel page skewed 1.6°: 87 blocks, one per
    line, where the page has 12 columns of stories), and each ink block keeps its lines. The next block down
    is more of the one above when ``continues_column`` or ``continues_heading`` says so (or, several side by
    side, when they are one row in pieces: ``row_in_pieces``); whatever else lies next below (a heading, a
    photo, a rule) ends the run."""
    photos = [b.box for b in blocks if b.role is Role.PHOTO]
    merged = 0
    taken_ids: set[int] = set()  # blocks are compared by identity: two may hold equal values
    # Passes top down, each block taking what follows it; again while a pass merged anything, since a merge
    # below can leave a block above with one neighbour under it where it had two side by side.
    while True:
        before = merged
        for upper in sorted(blocks, key=lambda b: b.box[1]):
            if id(upper) in taken_ids or upper.vertical or not upper.lines:
                continue
            if upper.role not in (Role.BODY, Role.HEADLINE, Role.INTERTITLE):
                continue
            while (taken := _next_in_run(upper, blocks, line_px, rules, photos, settings)) is not None:
                lower, pieces = taken
                upper.lines = upper.lines + rows_to_lines(lower.lines, line_px)  # lower's lines: all under upper's
                upper.box = box_union([upper.box, lower.box])
                taken_ids.update(id(p) for p in pieces)
                blocks[:] = [b for b in blocks if id(b) not in taken_ids]
                merged += 1
        if merged == before:
            return merged


def cut_at_gutters(boxes: list[Box], blocks: list[Box], rules: list[Box], line_px: float) -> list[Box]:
    """Detector boxes cut where they cross a column gutter: the detector at body scale bridges a gutter
    narrower than about a line height, joining two columns' lines into one. The ink layout's blocks side by
    side on the box's row, and vertical rules through it, mark where to cut (an ink cut may split a detected
    line, never drop one)."""
    out: list[Box] = []
    for b in boxes:
        h = b[3] - b[1]
        row = [k for k in blocks if min(k[3], b[3]) - max(k[1], b[1]) >= 0.5 * h and min(k[2], b[2]) > max(k[0], b[0])]
        row.sort(key=lambda k: k[0])
        cuts = [(left[2] + right[0]) / 2 for left, right in zip(row, row[1:]) if right[0] >= left[2] - 2]
        cuts += [(r[0] + r[2]) / 2 for r in rules if r[1] <= b[1] + 0.25 * h and r[3] >= b[3] - 0.25 * h]
        cuts = sorted(c for c in cuts if b[0] + 0.5 * h < c < b[2] - 0.5 * h)
        edges = [b[0]] + [int(c) for c in cuts] + [b[2]]
        out += [(x0, b[1], x1, b[3]) for x0, x1 in zip(edges, edges[1:]) if x1 - x0 >= 0.5 * min(h, line_px)]
    return out


def cut_at_blank_rows(
    image: np.ndarray, boxes: list[Box], line_px: float, settings: TextLinesSettings = SETTINGS
) -> list[Box]:
    """Boxes several lines high cut at the blank rows of their ink, each piece trimmed to its own ink: the
    display pass at a third of the body scale runs stacked lines together (a kicker, its headline and the
    subtitle under it became one box, read as the headline alone: the other two lines were lost). A row
    with no ink across the whole box is between lines, never inside one; a piece under half a body line
    high (a speck, a stroke of a rule) stays with its neighbour."""
    out: list[Box] = []
    for b in boxes:
        w, h = b[2] - b[0], b[3] - b[1]
        if h < settings.stack_min_lines * line_px or h > w:  # one line, or a column of vertical text
            out.append(b)
            continue
        crop = image[b[1] : b[3], b[0] : b[2]]
        ink = binarize(crop if crop.ndim == 2 else crop.mean(axis=2).astype(np.uint8))
        rows = ink.sum(axis=1) > max(1, settings.blank_row_ink * w)
        bands = [r for r in runs(rows, min_gap=2) if r[1] - r[0] >= settings.stack_min_piece_lines * line_px]
        if len(bands) < 2:
            out.append(b)
            continue
        edges = [0] + [(a[1] + c[0]) // 2 for a, c in zip(bands, bands[1:])] + [h]
        for y0, y1 in zip(edges, edges[1:]):
            cols = np.flatnonzero(ink[y0:y1].sum(axis=0) >= 2)
            if not len(cols):
                continue
            pad = int(0.15 * (y1 - y0))
            out.append(
                (b[0] + max(0, int(cols[0]) - pad), b[1] + y0, b[0] + min(w, int(cols[-1]) + 1 + pad), b[1] + y1)
            )
    return out


def _blank_runs(ink: np.ndarray, min_gap: float) -> list[tuple[int, int]]:
    """Column spans of a line's ink mask with no ink, at least ``min_gap`` wide, not at the line's ends."""
    blank = ink.sum(axis=0) == 0
    inked = np.flatnonzero(~blank)
    if len(inked) < 2:
        return []
    return [r for r in runs(blank, 1) if r[1] - r[0] >= min_gap and r[0] > inked[0] and r[1] <= inked[-1]]


def cut_at_aligned_gaps(
    image: np.ndarray, boxes: list[Box], line_px: float, settings: TextLinesSettings = SETTINGS
) -> list[Box]:
    """Boxes cut at gutters that no rule and no ink-layout block marks: a blank stretch of a line that the
    lines above and below it leave blank at the same place is a gutter (blue_mountain_echo: seven columns of
    small type with ~1 em gutters, every row joined across all of them by the detector, one block for the
    page). Word spaces fall at random places from line to line; a gutter is blank in every line beside it."""
    wide = [i for i, b in enumerate(boxes) if b[2] - b[0] >= settings.aligned_min_width_lines * (b[3] - b[1])]
    if len(wide) < settings.aligned_min_lines:
        return boxes
    gaps: dict[int, list[tuple[int, int]]] = {}
    for i in wide:
        x0, y0, x1, y1 = boxes[i]
        crop = image[y0:y1, x0:x1]
        ink = binarize(crop if crop.ndim == 2 else crop.mean(axis=2).astype(np.uint8))
        gaps[i] = [(x0 + a, x0 + c) for a, c in _blank_runs(ink, settings.aligned_min_gap_lines * (y1 - y0))]
    tops = np.array([boxes[i][1] for i in wide])
    out: list[Box] = []
    for k, b in enumerate(boxes):
        if k not in gaps or not gaps[k]:
            out.append(b)
            continue
        reach = settings.aligned_window_lines * line_px
        near = [wide[j] for j in np.flatnonzero(np.abs(tops - b[1]) <= reach) if wide[j] != k]
        cuts = []
        for a, c in gaps[k]:
            mid = (a + c) / 2
            # Lines beside it: those that reach the gap from either side. A line that stops short of it (the
            # next column's lines, boxed one by one) is blank there as much as one with a blank stretch.
            span = settings.aligned_min_width_lines * (b[3] - b[1])
            beside = [j for j in near if boxes[j][0] < c + span and boxes[j][2] > a - span]
            blank = [
                j
                for j in beside
                if boxes[j][2] <= mid or boxes[j][0] >= mid or any(ga <= mid <= gc for ga, gc in gaps[j])
            ]
            if len(beside) >= settings.aligned_min_lines and len(blank) >= settings.aligned_share * len(beside):
                cuts.append((a, c))
        # The pieces end where the ink does: the blank stretch stays between them, so the gutter is still there
        # when the lines are grouped into columns (cut at its middle, two pieces touching, no gap parted them).
        edges = [b[0]] + [x for gap in cuts for x in gap] + [b[2]]
        out += [(x0, b[1], x1, b[3]) for x0, x1 in zip(edges[::2], edges[1::2]) if x1 > x0]
    return out


def is_column(b: Box, line_px: float, settings: TextLinesSettings = SETTINGS) -> bool:
    w, h = b[2] - b[0], b[3] - b[1]
    return h >= settings.column_aspect * w and h >= settings.column_min_lines * line_px


def group_columns(columns: list[Box], settings: TextLinesSettings = SETTINGS) -> list[list[Box]]:
    """Vertical columns side by side (close, overlapping in height, similar width) grouped into blocks."""
    groups: list[list[Box]] = []
    for b in sorted(columns, key=lambda c: -c[2]):  # right to left, as vertical text reads
        for g in groups:
            last = g[-1]
            w = max(b[2] - b[0], last[2] - last[0])
            near = last[0] - b[2] <= settings.column_join_gap * w
            overlap = min(b[3], last[3]) - max(b[1], last[1]) > 0.5 * min(b[3] - b[1], last[3] - last[1])
            similar = max(b[2] - b[0], last[2] - last[0]) <= 1.5 * min(b[2] - b[0], last[2] - last[0])
            if near and overlap and similar:
                g.append(b)
                break
        else:
            groups.append([b])
    return groups


def drop_seen(fallback: list[Block], page: Page) -> None:
    """Lines the per-block fallback read that a placed line already holds (the fallback block's box reached
    over a neighbour's line): dropped, so no text is written twice."""
    placed = [ln.box for b in page.blocks if b not in fallback for ln in b.lines]
    for b in fallback:
        b.lines = [ln for ln in b.lines if not any(_inter(ln.box, p) > 0.3 * _area(ln.box) for p in placed)]


def pictures_read_as_marks(fallback: list[Block], page: Page, settings: TextLinesSettings = SETTINGS) -> None:
    """A block the detector saw no line in, read per block as a mark or two, unsure (``texture_line_*``), over
    ``texture_line_heights`` body lines high, is a picture: the ink layout's region over a photo (seed 1758425:
    three photos written as headlines "生", "41", "I")."""
    em = page.text_size_px or 30.0
    for b in fallback:
        tall = b.box[3] - b.box[1] >= settings.texture_line_heights * em
        if tall and not b.vertical and reads_as_marks(b.lines, settings):
            b.role, b.lines = Role.PHOTO, []


def _inter(a: Box, b: Box) -> int:
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def rows_to_lines(lines: list[Line], line_px: float) -> list[Line]:
    """The detector's pieces of one printed row (split at wide spaces) joined into one Line, rows top down."""
    rows = group_rows([ln.box for ln in lines])
    return [merge_row_fragments([lines[i] for i in row], space_gap=0.5 * line_px) for row in rows]


def measured_role(lines: list[Line], em: float, line_px: float, template: Block | None = None) -> tuple[Role, float]:
    """A block's role from its lines' size relative to the page's median detected line, and that size in ink
    units (``em`` per median line). Detector boxes are taller than ink bands, and the ink measure can be
    wrong on a real page (hkej: body columns of 7 px type in ink blocks sized as headlines), so the size is
    compared at the scale the lines were found. An ink role the lines do not bear out (headline or heading
    over lines of body size) gives way; page furniture and text-decided roles stay."""
    size = float(np.median([ln.height for ln in lines])) * em / line_px
    measured = role_from_size(size, False, em)
    if template is None or template.role is Role.BODY:
        return measured, size
    bold = template.style is not None and template.style.bold
    # A bold line of body size is a heading; a "headline" ink block of body-size lines is not (its weight was
    # measured over whatever the block held: on blue_mountain_echo, the whole page).
    # Only a fall to body size overrules the ink: detector boxes carry a margin of their own, so display
    # type measures smaller against body lines than its ink does (english-tabloid: 2.0 em headlines → 1.55).
    if measured is Role.BODY and (template.role is Role.HEADLINE or (template.role is Role.INTERTITLE and not bold)):
        return Role.BODY, size
    return template.role, size


def _pitch(ln: Line) -> float:
    return (ln.box[2] - ln.box[0]) / max(1, len(ln.text.strip()))


def is_intertitle_line(ln: Line, column: tuple[float, float], height: float, pitch: float, em: float, settings) -> bool:
    """A line centred in its column with room on both sides, in larger type than the column's (taller, or wider
    characters): a heading inside the column. A paragraph's first line is indented on the left only, its last
    line stops short on the right only."""
    st = settings
    left, right = ln.box[0] - column[0], column[1] - ln.box[2]
    centred = min(left, right) >= st.intertitle_inset_em * em and abs(left - right) <= st.intertitle_centre_em * em
    larger = ln.height >= st.intertitle_size_ratio * height or _pitch(ln) >= st.intertitle_size_ratio * pitch
    return centred and larger


def split_intertitles(blocks: list[Block], em: float, settings: TextLinesSettings = SETTINGS) -> list[Block]:
    """Body blocks cut at the headings inside them, each heading a block of its own (an intertitle): a column's
    run of lines was merged over them (HKEJ C4: three 7-character headings centred in 14-character columns, in
    15 px lines against the columns' 12 px, read as lines of the body)."""
    out: list[Block] = []
    for b in blocks:
        if b.role is not Role.BODY or b.vertical or len(b.lines) < settings.intertitle_min_block_lines:
            out.append(b)
            continue
        column = (float(min(ln.box[0] for ln in b.lines)), float(max(ln.box[2] for ln in b.lines)))
        height = float(np.median([ln.height for ln in b.lines]))
        pitch = float(np.median([_pitch(ln) for ln in b.lines]))
        heads = {i for i, ln in enumerate(b.lines) if is_intertitle_line(ln, column, height, pitch, em, settings)}
        if not heads:
            out.append(b)
            continue
        run: list[Line] = []
        for i, ln in enumerate(b.lines):
            if i in heads:
                if run:
                    out.append(replace(b, id="", lines=run, box=box_union([r.box for r in run])))
                    run = []
                size = ln.height * em / height
                out.append(
                    Block(
                        id="", role=Role.INTERTITLE, box=ln.box, lines=[ln], style=TextStyle(size), language=b.language
                    )
                )
            else:
                run.append(ln)
        if run:
            out.append(replace(b, id="", lines=run, box=box_union([r.box for r in run])))
    return out


def ink_height(image: np.ndarray, box: Box) -> float:
    """The height of the type in a line box: the longest run of pixel rows holding ink (Otsu within the box,
    rows with ink across ``1/20`` of the width), not the detector's box with its margin."""
    crop = image[max(0, box[1]) : box[3], max(0, box[0]) : box[2]]
    if crop.size == 0 or crop.shape[0] < 3:
        return float(box[3] - box[1])
    ink = binarize(crop)
    rows = ink.sum(axis=1) >= max(1, crop.shape[1] // 20)
    best = run = 0
    for r in rows:
        run = run + 1 if r else 0
        best = max(best, run)
    return float(best or crop.shape[0])


def kicker_step(
    upper: Line, lower: Line, settings: TextLinesSettings = SETTINGS, image: np.ndarray | None = None
) -> bool:
    """A smaller row over a larger one, as a kicker stands over its headline: characters
    ``kicker_pitch_ratio`` times as wide below and the box ``kicker_height_ratio`` as tall (the detector's
    margin shrinks the height ratio: bed page 61207038's kicker 38 px over a 53 px headline row, characters 24
    and 50 px wide). Both must agree: either alone swings with a row's letters and spaces. With the page, the
    type's own height decides: ``kicker_ink_ratio`` as tall below, and wider characters (``kicker_ink_pitch_ratio``):
    kickers of 0.8 the headline's size had boxes as tall (37 and 40 px for 24 and 30 px type; seed 1758425)."""
    if len(upper.text.strip()) < settings.kicker_min_chars:
        return False
    if image is not None:
        taller = ink_height(image, lower.box) >= settings.kicker_ink_ratio * ink_height(image, upper.box)
        if taller and _pitch(lower) >= settings.kicker_ink_pitch_ratio * _pitch(upper):
            return True
    taller = lower.height >= settings.kicker_height_ratio * upper.height
    return taller and _pitch(lower) >= settings.kicker_pitch_ratio * _pitch(upper)


def _stack_cuts(rows: list[Line], settings: TextLinesSettings, image: np.ndarray | None = None) -> list[int]:
    """Where a heading block's rows part into a stack of headings: after a kicker of one or two rows
    (``kicker_step`` to the row under it), and before a row that opens with a subtitle's dash or reads as a
    byline."""
    kicker = next((k for k in (1, 2) if k < len(rows) and kicker_step(rows[k - 1], rows[k], settings, image)), None)
    cuts = [kicker] if kicker else []
    for i, ln in enumerate(rows[1:], start=1):
        text = ln.text.strip()
        if SUBTITLE_DASH.match(text) or reads_as_byline(text):
            cuts.append(i)
    return sorted(set(cuts))


def split_heading_stacks(
    blocks: list[Block],
    em: float,
    line_px: float,
    settings: TextLinesSettings = SETTINGS,
    image: np.ndarray | None = None,
) -> list[Block]:
    """Heading blocks cut into the headings stacked in them: the ink layout or a heading run put a kicker, a
    "——" subtitle or a byline in its headline's block (randomized bed seed 61207: 6 of 22 kickers, 4 subtitles,
    a byline). Each part is measured again; the layout names kickers and subtitles."""
    out: list[Block] = []
    for b in blocks:
        rows = sorted(b.lines, key=lambda ln: ln.box[1])
        heading = b.role in (Role.HEADLINE, Role.INTERTITLE)
        cuts = _stack_cuts(rows, settings, image) if heading and not b.vertical and len(rows) >= 2 else []
        if not cuts:
            out.append(b)
            continue
        bounds = [0, *cuts, len(rows)]
        out += [new_block(rows[i:j], em, line_px, b) for i, j in zip(bounds, bounds[1:])]
    return out


def _fragment(b: Block, settings: TextLinesSettings) -> bool:
    """A block of a character or two, as wide as that, that is not a number (a folio, a page number stands
    alone; a wide box read as a mark or two is no piece of one line)."""
    text = "".join(b.text.split())
    width, height = b.box[2] - b.box[0], b.box[3] - b.box[1]
    return (
        b.role.has_text
        and not b.vertical
        and 0 < len(text) <= settings.fragment_max_chars
        and width <= (settings.fragment_max_chars + 1) * height
        and not any(c.isdigit() for c in text)
        and b.role not in (Role.PAGE_HEADER, Role.PAGE_FOOTER, Role.ADVERTISEMENT)
    )


def _gap_within_width(frag: Box, b: Box, slack: float, beside: float = 0.3) -> float:
    """How far ``frag`` stands from ``b``: beside it on a row they share (over half the lower height), the gap
    between them if at most ``beside`` of ``slack`` (0: never beside); else, when ``frag`` lies within ``b``'s
    width (give or take ``slack``), the gap above or below."""
    shared = min(frag[3], b[3]) - max(frag[1], b[1])
    if shared > 0.5 * min(frag[3] - frag[1], b[3] - b[1]):
        apart = max(0, frag[0] - b[2], b[0] - frag[2])
        # Beside a row only within a word space: a gutter (0.45 lines and up) parts columns, not pieces.
        return float(apart) if beside and apart <= beside * slack else float("inf")
    if frag[0] < b[0] - slack or frag[2] > b[2] + slack:
        return float("inf")
    return float(max(0, frag[1] - b[3], b[1] - frag[3]))


def absorb_fragments(
    blocks: list[Block], line_px: float, settings: TextLinesSettings = SETTINGS, page_box: Box | None = None
) -> list[Block]:
    """A block of a character or two, right beside or under a text block of several characters and within its
    width, is a piece of that block: a caption's "摄" wrapped alone, a line's last word the detector boxed
    apart. Measured alone, its box's margin made it look like larger type, and it was written as a heading
    (seed 1758425: 17 of the 37 intertitles written were such pieces)."""
    reach = settings.fragment_reach_lines * line_px

    def on_edge(b: Block) -> bool:
        """A mark touching the page's edge is the scan's, no piece of a line (Kolonie 1863: a "j" on the top
        edge was taken into the masthead's block, over a gutter)."""
        if page_box is None:
            return False
        return (
            b.box[0] <= page_box[0] + 1
            or b.box[1] <= page_box[1] + 1
            or b.box[2] >= page_box[2] - 1
            or (b.box[3] >= page_box[3] - 1)
        )

    pieces = [b for b in blocks if _fragment(b, settings) and not on_edge(b)]
    out = [b for b in blocks if not any(b is p for p in pieces)]
    for frag in pieces:
        near = [b for b in out if b.role.has_text and not b.vertical and b.lines and len(b.text.strip()) > 2]
        # Beside a row only in a heading: body rows of two columns can touch across a narrow gutter (seed
        # 1758425 page 008, bilevel at 150 dpi: a piece beside one made one block of two columns).
        gaps = [_gap_within_width(frag.box, b.box, reach, 0.3 if b.role.is_heading else 0.0) for b in near]
        host = near[int(np.argmin(gaps))] if near else None
        if host is None or min(gaps) > reach:
            out.append(frag)
            continue
        host.lines = rows_to_lines(host.lines + frag.lines, line_px)
        host.box = box_union([host.box, frag.box])
    return out


def new_block(lines: list[Line], em: float, line_px: float, template: Block | None = None) -> Block:
    merged = rows_to_lines(lines, line_px)
    role, size = measured_role(merged, em, line_px, template)
    return Block(
        id="",
        role=role,
        box=box_union([ln.box for ln in merged]),
        lines=merged,
        style=TextStyle(size_px=size, bold=bool(template and template.style and template.style.bold)),
        language=template.language if template is not None else "zh",
    )


def _gap_spans(intervals: list[tuple[float, float]], min_gap: float) -> list[tuple[float, float]]:
    """The uncovered stretches at least ``min_gap`` wide between intervals, left to right."""
    spans = []
    intervals = sorted(intervals)
    reach = intervals[0][1]
    for lo, hi in intervals[1:]:
        if lo - reach >= min_gap:
            spans.append((reach, lo))
        reach = max(reach, hi)
    return spans


def _gaps(intervals: list[tuple[float, float]], min_gap: float) -> list[float]:
    """Cut positions: middles of the uncovered stretches at least ``min_gap`` wide between intervals."""
    return [(lo + hi) / 2 for lo, hi in _gap_spans(intervals, min_gap)]


def _parts(lines: list[Line], cuts: list[float]) -> list[list[Line]]:
    parts: list[list[Line]] = [[] for _ in range(len(cuts) + 1)]
    for ln in lines:
        mid = sum(_ink_span(ln)) / 2
        parts[sum(1 for c in cuts if mid > c)].append(ln)
    return parts


def _ink_span(ln: Line) -> tuple[float, float]:
    """Where a line's characters start and end: its first and last glyph (the detector's box reaches past
    them by a quarter of its height or so each side, so two columns' boxes touch across an 11 px gutter)."""
    if ln.glyphs:
        return (min(ln.box[2], ln.glyphs[0].box[0]), max(ln.box[0], ln.glyphs[-1].box[2]))
    return (ln.box[0], ln.box[2])


def column_cuts(lines: list[Line], line_px: float, settings: TextLinesSettings = SETTINGS) -> list[float]:
    """Where lines side by side part into columns: strips no line crosses, ``gutter_lines`` wide, or narrower
    (down to ``narrow_gutter_lines``) where the columns on both sides are columns: ``narrow_gutter_min_rows``
    rows and ``narrow_gutter_min_width_lines`` wide each. Headline Daily 2025-02-18: five columns with 11-15 px
    gutters at 22 px lines, four rows under the headline, one ink block: each row was read as one line across
    the five. A row's word pieces rarely leave the same strip blank in three rows running."""
    if not lines:
        return []
    spans = _gap_spans([_ink_span(ln) for ln in lines], settings.narrow_gutter_lines * line_px)
    wide = [(lo + hi) / 2 for lo, hi in spans if hi - lo >= settings.gutter_lines * line_px]
    narrow = [(lo + hi) / 2 for lo, hi in spans if hi - lo < settings.gutter_lines * line_px]
    while narrow:
        cuts = sorted(wide + narrow)
        parts = _parts(lines, cuts)

        def column(part: list[Line]) -> bool:
            box = box_union([ln.box for ln in part]) if part else (0, 0, 0, 0)
            rows = len(group_rows([ln.box for ln in part]))
            wide_enough = box[2] - box[0] >= settings.narrow_gutter_min_width_lines * line_px
            return rows >= settings.narrow_gutter_min_rows and wide_enough

        weak = [c for c in narrow if not (column(parts[cuts.index(c)]) and column(parts[cuts.index(c) + 1]))]
        if not weak:
            break
        narrow.remove(weak[0])
    return sorted(wide + narrow)


def mixed_sizes(lines: list[Line], settings: TextLinesSettings = SETTINGS) -> bool:
    """At least ``mixed_min_lines`` lines of display size in a group of body lines. Display size both ways: box
    height and character pitch ``mixed_size_ratio`` times the group's median (a skewed body line's box is as
    tall as a headline's, its characters are not)."""
    if len(lines) < 2 * settings.mixed_min_lines:
        return False
    heights = [float(ln.height) for ln in lines]
    pitches = [_pitch(ln) for ln in lines]
    h, p = float(np.median(heights)), float(np.median(pitches))
    r = settings.mixed_size_ratio
    return sum(1 for a, b in zip(heights, pitches) if a >= r * h and b >= r * p) >= settings.mixed_min_lines


def gutters_between(columns: list[list[Line]], line_px: float, settings: TextLinesSettings = SETTINGS):
    """The gutters between a block's columns, as (x, top, bottom), where each column beside it holds at least
    ``narrow_gutter_min_rows`` rows: gutters other blocks' rows may be cut at."""
    out = []
    for left, right in zip(columns, columns[1:]):
        if min(len(group_rows([ln.box for ln in c])) for c in (left, right)) < settings.narrow_gutter_min_rows:
            continue
        x = (max(_ink_span(ln)[1] for ln in left) + min(_ink_span(ln)[0] for ln in right)) / 2
        boxes = [ln.box for ln in left + right]
        out.append((x, float(min(b[1] for b in boxes)), float(max(b[3] for b in boxes))))
    return out


def gutters_between_blocks(
    columns: list[list[Line]], line_px: float, settings: TextLinesSettings = SETTINGS
) -> list[tuple[float, float, float]]:
    """The gutters between columns that are blocks of their own, side by side: two runs of body lines, each of
    ``narrow_gutter_min_rows`` rows, overlapping over half the shorter's height, with a gap of at most
    ``block_gutter_max_lines`` between them, each with the nearest on its right (seed 1758425: every column its own ink block,
    so no block showed a gutter, and four side-by-side headlines over them were read as one)."""
    body = []
    for c in columns:
        boxes = [ln.box for ln in c]
        if len(group_rows(boxes)) >= settings.narrow_gutter_min_rows and (
            float(np.median([b[3] - b[1] for b in boxes])) <= settings.height_ratio * line_px
        ):
            body.append(box_union(boxes))
    out = []
    for a in body:
        right = [
            b
            for b in body
            if 0 < b[0] - a[2] <= settings.block_gutter_max_lines * line_px
            and min(a[3], b[3]) - max(a[1], b[1]) > 0.5 * min(a[3] - a[1], b[3] - b[1])
        ]
        if right:
            b = min(right, key=lambda r: r[0])
            out.append(((a[2] + b[0]) / 2, float(max(a[1], b[1])), float(min(a[3], b[3]))))
    return out


def split_at_rows_gutters(
    columns: list[list[Line]],
    gutters: list[tuple[float, float, float]],
    line_px: float,
    settings: TextLinesSettings = SETTINGS,
) -> list[list[Line]]:
    """A block of fewer rows than a gutter needs to show (``narrow_gutter_min_rows``) cut where a gutter of
    the blocks right above or below it (within ``row_gutter_reach_lines``) runs through a gap of its rows."""
    if len(columns) != 1 or not gutters:
        return columns
    lines = columns[0]
    boxes = [ln.box for ln in lines]
    if len(group_rows(boxes)) >= settings.narrow_gutter_min_rows:
        return columns
    height = float(np.median([b[3] - b[1] for b in boxes]))
    # A headline's row: its word spaces may fall over a gutter under it by chance, so only a gap of
    # ``heading_gutter_gap_heights`` of its height parts it (headlines of stories side by side).
    display = height > settings.height_ratio * line_px
    min_gap = settings.heading_gutter_gap_heights * height if display else settings.narrow_gutter_lines * line_px
    top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
    reach = settings.row_gutter_reach_lines * (height if display else line_px)
    near = [x for x, g0, g1 in gutters if g1 >= top - reach and g0 <= bottom + reach]
    spans = _gap_spans([_ink_span(ln) for ln in lines], min_gap)
    cuts = [(lo + hi) / 2 for lo, hi in spans if any(lo - 0.5 * line_px <= x <= hi + 0.5 * line_px for x in near)]
    if not cuts:
        return columns
    parts = [p for p in _parts(lines, cuts) if p]
    if display and min(sum(len(ln.text.strip()) for ln in p) for p in parts) < settings.heading_piece_min_chars:
        return columns  # a headline spaced out over its columns ("公司軍  炫"), not headlines side by side
    return parts


def heading_cuts(lines: list[Line], settings: TextLinesSettings = SETTINGS) -> list[float]:
    """Where a one-row block parts into headings set side by side, not on one line (``heading_gap_heights``,
    ``heading_offset_share``, ``heading_height_ratio``): between the pieces of its row."""
    if len(group_rows([ln.box for ln in lines])) != 1:
        return []
    pieces = sorted(lines, key=lambda ln: ln.box[0])
    cuts = []
    for a, b in zip(pieces, pieces[1:]):
        low, high = sorted((a.height, b.height))
        gap = b.box[0] - a.box[2]
        offset = abs(a.box[1] - b.box[1]) > settings.heading_offset_share * low
        if gap >= settings.heading_gap_heights * high and (offset or high > settings.heading_height_ratio * low):
            cuts.append((a.box[2] + b.box[0]) / 2)
    return cuts


def split_at_gutters(lines: list[Line], line_px: float, settings: TextLinesSettings = SETTINGS) -> list[list[Line]]:
    """A block's lines cut into columns at strips no line crosses (each side holding enough rows); a row of
    headings side by side cut between them."""
    cuts = column_cuts(lines, line_px, settings)
    parts = _parts(lines, cuts)
    if cuts and min(len(group_rows([ln.box for ln in p])) for p in parts) >= settings.gutter_min_rows:
        return parts
    heading = heading_cuts(lines, settings)
    return _parts(lines, heading) if heading else [lines]


def column_edges(lines: list[Line], line_px: float, settings: TextLinesSettings = SETTINGS) -> list[float]:
    """Column boundaries found from where lines end and start: a right edge many lines end at, with a left
    edge many lines start at just beyond it, is a gutter, even where a headline or an advert runs across it
    (blue_mountain_echo: eight columns of small type under one ink block, every strip crossed by a display
    line, so no strip is free of lines). Within one column every line starts left of where any ends."""
    if len(lines) < 2 * settings.edge_min_lines:
        return []
    bin_px = max(2.0, settings.edge_bin_lines * line_px)

    def peaks(xs: list[int]) -> list[tuple[float, int]]:
        """(edge position, lines at it)"""
        keys = np.floor(np.asarray(xs) / bin_px).astype(int)
        counts = np.bincount(keys - keys.min() + 1, minlength=keys.max() - keys.min() + 4)
        pairs = counts[:-1] + counts[1:]  # an edge may fall across two bins
        found = []
        for k in np.flatnonzero(pairs >= settings.edge_min_lines):
            if pairs[k] >= pairs[k - 1] and pairs[k] > pairs[k + 1]:
                members = [x for x, kk in zip(xs, (keys - keys.min() + 1).tolist()) if kk in (k, k + 1)]
                found.append((float(np.median(members)), int(pairs[k])))
        return found

    lefts = peaks([ln.box[0] for ln in lines])
    rights = peaks([ln.box[2] for ln in lines])
    tol = settings.edge_tolerance_lines * line_px
    cuts: list[float] = []
    for left, starting in lefts:
        before = [r for r in rights if left - settings.edge_max_gutter_lines * line_px <= r[0] <= left + tol]
        if not before:
            continue
        right, ending = max(before)
        cut = (right + left) / 2
        # Word boxes of Latin lines start and end anywhere: by chance a few line up inside a column, but the
        # column's whole lines run across such a "gutter"; a real one is crossed only by a headline or two.
        crossing = sum(1 for ln in lines if ln.box[0] < cut - tol and ln.box[2] > cut + tol)
        if crossing <= settings.edge_max_crossing * min(starting, ending) and all(abs(cut - c) > tol for c in cuts):
            cuts.append(cut)
    return sorted(cuts)


def group_leftovers(
    lines: list[Line], line_px: float, rules: list[Box], settings: TextLinesSettings = SETTINGS
) -> list[list[Line]]:
    """Lines no ink block held, grouped into blocks: XY-cut on the line boxes (columns first), then inside
    one column runs of lines of one size with no wide gap and no rule between them."""
    if not lines:
        return []
    out: list[list[Line]] = []

    def cut(group: list[Line]) -> None:
        xs = column_cuts(group, line_px, settings)
        if xs and float(np.median([ln.height for ln in group])) > settings.height_ratio * line_px:
            # Display type: a headline's pieces stand apart at its word spaces, wider than a body gutter; only
            # headings of two rows or more on each side are two headings side by side.
            rows = [len(group_rows([ln.box for ln in p])) for p in _parts(group, xs)]
            if min(rows) < settings.gutter_min_rows:
                xs = []
        if xs:
            for p in _parts(group, xs):
                if p:
                    cut(p)
            return
        edges = column_edges(group, line_px, settings)
        if edges:
            tol = settings.edge_tolerance_lines * line_px
            spanning = [ln for ln in group if any(ln.box[0] < c - tol and ln.box[2] > c + tol for c in edges)]
            parts = [spanning] + [[] for _ in range(len(edges) + 1)]
            for ln in group:
                if not any(ln is s for s in spanning):
                    parts[1 + sum(1 for c in edges if _centre(ln.box)[0] > c)].append(ln)
            for p in parts:
                if p:
                    cut(p)
            return
        ys = _gaps([(ln.box[1], ln.box[3]) for ln in group], settings.row_gap_lines * line_px)
        if ys:
            parts = [[] for _ in range(len(ys) + 1)]
            for ln in group:
                parts[sum(1 for c in ys if _centre(ln.box)[1] > c)].append(ln)
            for p in parts:
                cut(p)
            return
        out.extend(_runs_in_column(group, rules, settings))

    cut(lines)
    return [g for g in out if g]


def _runs_in_column(lines: list[Line], rules: list[Box], settings: TextLinesSettings) -> list[list[Line]]:
    rows = group_rows([ln.box for ln in lines])
    runs: list[list[Line]] = []
    prev_box: Box | None = None
    prev_h = 0.0
    for row in rows:
        members = [lines[i] for i in row]
        box = box_union([m.box for m in members])
        h = float(np.median([m.height for m in members]))
        new = (
            prev_box is None
            or max(h, prev_h) > settings.height_ratio * min(h, prev_h)
            or any(
                prev_box[3] <= (r[1] + r[3]) / 2 <= box[1] + 1 and min(box[2], r[2]) > max(box[0], r[0]) for r in rules
            )
        )
        if new:
            runs.append([])
        runs[-1].extend(members)
        prev_box, prev_h = box, h
    return runs
