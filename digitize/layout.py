"""Layout analysis: rules, photos, text blocks and their size-based roles, from the working image.

The steps, each a small function:
1. ink mask (Otsu on the flattened image) and the body text height, the unit of every threshold;
2. photos: large areas of mid-tones; rules: long thin runs of ink;
3. recursive XY-cut of the text mask at whitespace gutters, with rules and photos removed so that they
   act as cuts; a line or two inside one column of the page's grid (the gutters of its taller regions) is
   not cut at the wide word spaces of loose justification, nor a headline at its word spaces;
4. inside each leaf, text lines by row projection, grouped into blocks of one type size and weight;
5. first roles from typography alone (headline / heading / body; page header above the top rule).

`refine_roles` runs after OCR and article grouping, when text patterns (本报记者, ——, 本报讯) and the
position relative to the headline are known.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from .model import Article, Block, Box, Line, Page, Role, Separator, TextStyle, box_area, box_union, centre_inside
from .preprocess import binarize, runs
from .settings import DEFAULT, LayoutSettings
from .text.patterns import BYLINE, PHOTO_CREDIT, SUBTITLE_DASH, is_cjk

LATIN_BYLINE = re.compile(r"^By\s+[\w.'’-]+(?:\s+[\w.'’-]+){0,3}$")  # "By Margaret Ellison" (case as OCR reads it)


@dataclass
class LineBand:
    box: Box
    weight: float  # ink pixels per pixel of the line box: bold type is darker
    latin: bool = False  # in a region of Latin type (descenders seen on its lines)

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


def body_text_height(ink: np.ndarray, settings: LayoutSettings = DEFAULT.layout) -> float:
    """The most common height of text lines, from row-projection runs in vertical strips of the page."""
    st = settings
    _h, w = ink.shape
    strip = max(st.body_strip_min_px, w // st.body_strips)
    heights: list[int] = []
    for x in range(0, w - strip + 1, strip):
        profile = ink[:, x : x + strip].sum(axis=1) > 1
        heights += [e - s for s, e in runs(profile, min_gap=st.line_gap_px) if e - s >= st.min_line_height_px]
    if not heights:
        return st.fallback_text_size_px
    hist = np.bincount(np.clip(heights, 0, st.max_line_height_px))
    smooth = np.convolve(hist, np.ones(st.height_smoothing), mode="same")
    return float(max(int(np.argmax(smooth)), st.min_line_height_px))


def find_photos(gray: np.ndarray, em: float, settings: LayoutSettings = DEFAULT.layout) -> list[Box]:
    """Photos: areas of smooth grey. Text is bimodal (paper and ink, a high spread in every cell, or solid
    black inside a heavy stroke); a photo's cells are mid-grey with a small spread."""
    st = settings
    cell = st.photo_cell_px
    h, w = gray.shape
    hh, ww = h // cell, w // cell
    g = gray[: hh * cell, : ww * cell].reshape(hh, cell, ww, cell).astype(np.float32)
    mean, std = g.mean(axis=(1, 3)), g.std(axis=(1, 3))
    cells = ((mean > st.photo_grey_min) & (mean < st.photo_grey_max) & (std < st.photo_max_spread)).astype(np.uint8)
    # Opening drops the odd smooth cell inside text (blurred scans have some); closing fills the photo.
    cells = cv2.morphologyEx(cells, cv2.MORPH_OPEN, np.ones((st.photo_open_cells,) * 2, np.uint8))
    cells = cv2.morphologyEx(cells, cv2.MORPH_CLOSE, np.ones((st.photo_close_cells,) * 2, np.uint8))
    _n, _, stats, _ = cv2.connectedComponentsWithStats(cells, connectivity=8)
    boxes = []
    for x, y, bw, bh, area in stats[1:]:
        if (
            bw * cell >= st.photo_min_side_em * em
            and bh * cell >= st.photo_min_side_em * em
            and area >= st.photo_min_fill * bw * bh
        ):
            box = (int(x * cell), int(y * cell), int(min(w, (x + bw) * cell)), int(min(h, (y + bh) * cell)))
            boxes.append(_grow_to_edges(gray, box, reach=st.photo_grow_cells * cell, settings=st))
    # A dark patch inside a photo can come out as a component of its own: keep only the outer photo.
    return [b for i, b in enumerate(boxes) if not any(j != i and _inside(b, o, st) for j, o in enumerate(boxes))]


def _grow_to_edges(gray: np.ndarray, box: Box, reach: int, settings: LayoutSettings = DEFAULT.layout) -> Box:
    """Push each side of a coarse photo box outwards while the pixels just outside are not paper."""
    x0, y0, x1, y1 = box
    h, w = gray.shape
    paper, edge = settings.photo_paper_grey, settings.photo_edge_ink_fraction
    for _ in range(reach):
        moved = False
        # Mostly not paper: a photo's edge. A line of text just beyond it is mostly paper and stops the growth.
        if y0 > 0 and (gray[y0 - 1, x0:x1] < paper).mean() > edge:
            y0, moved = y0 - 1, True
        if y1 < h and (gray[y1, x0:x1] < paper).mean() > edge:
            y1, moved = y1 + 1, True
        if x0 > 0 and (gray[y0:y1, x0 - 1] < paper).mean() > edge:
            x0, moved = x0 - 1, True
        if x1 < w and (gray[y0:y1, x1] < paper).mean() > edge:
            x1, moved = x1 + 1, True
        if not moved:
            break
    return (x0, y0, x1, y1)


def find_separators(ink: np.ndarray, em: float, settings: LayoutSettings = DEFAULT.layout) -> list[Separator]:
    """Printed rules: straight runs of ink at least six body heights long and thinner than half of one.

    A thin rule the deskew left tilted (a warped leaf: Kolonie 1863 p4 measures 0.4-0.75° in places, the page
    0.1°) holds no straight run that long; it is also looked for as pieces ``rule_piece_em`` long and at most
    ``rule_piece_thickness_em`` thick, each touching the next (within ``rule_join_em`` along it,
    ``rule_step_em`` across: a tilted rule's pieces step by about its thickness), chained until the chain is as
    long as a rule. Only thin pieces: a display heading's strokes, as thick as a heavy rule, touch from
    character to character."""
    st = settings
    length = int(max(st.rule_min_length_px, st.rule_min_length_em * em))
    piece = int(max(st.rule_min_length_px / 2, st.rule_piece_em * em))
    thick = max(st.rule_max_thickness_px, st.rule_max_thickness_em * em)
    # A piece of a rule tilted by up to ``rule_piece_tilt_degrees`` is that much thicker than the rule.
    thin = max(st.rule_max_thickness_px, st.rule_piece_thickness_em * em) + piece * np.tan(
        np.radians(st.rule_piece_tilt_degrees)
    )
    seps: list[Separator] = []
    for orientation in ("horizontal", "vertical"):
        straight = [r for r in _rule_runs(ink, orientation, length, None) if r[3] - r[1] <= thick]
        pieces = [r for r in _rule_runs(ink, orientation, piece, piece) if r[3] - r[1] <= thin]
        found: list[tuple[int, int, int, int]] = []
        # Longest first; one lying along a longer one (a straight piece of a tilted rule inside its chain, or a
        # chain along a straight rule) adds nothing.
        for r in sorted(straight + _rule_chains(pieces, em, thick, st), key=lambda r: r[0] - r[2]):
            if not any(k[0] - 2 <= r[0] and r[2] <= k[2] + 2 and min(r[3], k[3]) >= max(r[1], k[1]) - 2 for k in found):
                found.append(r)
        found = _rule_chains(found, em, thick, st)  # a straight piece and the chain running on from it: one rule
        for a0, c0, a1, c1 in found:
            if a1 - a0 >= length and a1 - a0 >= st.rule_min_aspect * (c1 - c0):
                box = (a0, c0, a1, c1) if orientation == "horizontal" else (c0, a0, c1, a1)
                seps.append(Separator(id="", box=box, orientation=orientation))
    seps.sort(key=lambda s: (s.box[1], s.box[0]))
    for i, s in enumerate(seps, 1):
        s.id = f"SE{i:04d}"
    return seps


def _rule_runs(ink: np.ndarray, orientation: str, length: int, cut: int | None) -> list[tuple[int, int, int, int]]:
    """Straight runs of ink at least ``length`` long, as (along0, across0, along1, across1) boxes (a vertical
    rule is a horizontal one with the axes swapped); cut every ``cut`` pixels along them when given (a tilted
    rule's staircase of runs would otherwise join into one component as thick as its whole drift)."""
    kernel = (length, 1) if orientation == "horizontal" else (1, length)
    opened = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    if cut:
        if orientation == "horizontal":
            opened[:, ::cut] = 0
        else:
            opened[::cut, :] = 0
    _n, _, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    out = []
    for x, y, bw, bh, _ in stats[1:]:
        a0, c0, a1, c1 = (x, y, x + bw, y + bh) if orientation == "horizontal" else (y, x, y + bh, x + bw)
        out.append((int(a0), int(c0), int(a1), int(c1)))
    return out


def _rule_chains(
    pieces: list[tuple[int, int, int, int]], em: float, thick: float, settings: LayoutSettings
) -> list[tuple[int, int, int, int]]:
    """Pieces (along0, across0, along1, across1) chained end to end: the next starts within ``rule_join_em``
    of where the last ended, its middle within ``rule_step_em`` of the last's. A chain whose box would grow
    thicker than a rule may be (a long tilted rule) is cut there: its parts are rules of their own."""
    join, step = max(2.0, settings.rule_join_em * em), settings.rule_step_em * em
    chains: list[list[tuple[int, int, int, int]]] = []
    for p in sorted(pieces):
        for chain in chains:
            last = chain[-1]
            mid, last_mid = (p[1] + p[3]) / 2, (last[1] + last[3]) / 2
            lo, hi = min(min(q[1] for q in chain), p[1]), max(max(q[3] for q in chain), p[3])
            if p[0] - last[2] <= join and p[2] > last[2] and abs(mid - last_mid) <= step and hi - lo <= thick:
                chain.append(p)
                break
        else:
            chains.append([p])
    return [(min(q[0] for q in c), min(q[1] for q in c), max(q[2] for q in c), max(q[3] for q in c)) for c in chains]


def xy_cut(
    mask: np.ndarray,
    box: Box,
    em: float,
    noise: int = 2,
    grid: list[tuple[int, int]] | None = None,
    gutters: list[tuple[int, int]] | None = None,
    rules: Sequence[Box] = (),
    settings: LayoutSettings = DEFAULT.layout,
) -> list[Box]:
    """Recursive XY-cut: split at whitespace gutters; leaves come out in top-down, left-right tree order.

    ``grid``: the page's column gutters (``column_gutters``); a region of a line or two that lies inside one
    column of it is not cut into columns (its wide gaps are justified word spaces). ``gutters``: collects
    the vertical cuts made in taller regions, which is how the grid is found. ``rules``: the horizontal
    rules (erased from the mask): lines on either side of one are never rejoined."""
    st = settings
    min_vgap, min_hgap = int(st.gutter_em * em), int(st.row_gap_em * em)
    x0, y0, x1, y1 = box
    sub = mask[y0:y1, x0:x1]
    rows, cols = sub.sum(axis=1), sub.sum(axis=0)
    row_ink = rows > max(noise, (x1 - x0) // st.cut_noise_divisor)
    col_ink = cols > max(noise, (y1 - y0) // st.cut_noise_divisor)
    if not row_ink.any() or not col_ink.any():
        return []
    # Tighten to the ink.
    ys, xs = np.flatnonzero(row_ink), np.flatnonzero(col_ink)
    tight = (x0 + int(xs[0]), y0 + int(ys[0]), x0 + int(xs[-1]) + 1, y0 + int(ys[-1]) + 1)
    if tight != box:
        return xy_cut(mask, tight, em, noise, grid, gutters, rules, settings=st)
    short = (y1 - y0) <= st.short_region_em * em
    best = None
    for axis, ink, min_gap in ((1, col_ink, min_vgap), (0, row_ink, min_hgap)):
        segments = runs(ink, min_gap=min_gap)
        if axis == 1 and len(segments) > 1 and short and grid and _within_one_column(x0, x1, grid, em, st):
            # A line or two inside one column of the page: the gaps are word spaces of loose justification.
            continue
        if axis == 1 and len(segments) > 1 and short and not _full_height(sub, segments, st):
            # A short region (a caption, a last paragraph line) whose parts differ in height is one block
            # with a wide space in a line, not columns.
            continue
        if axis == 1 and len(segments) > 1:
            segments = _merge_short_neighbours(sub, segments, st)
        if axis == 1 and len(segments) > 1 and (short or _display_only(row_ink, em, st)):
            segments = _merge_word_spaces(row_ink, segments, st)
        if axis == 0 and len(segments) > 1:
            ruled = np.zeros(y1 - y0, bool)
            for rx0, ry0, rx1, ry1 in rules:
                if rx0 < x1 and rx1 > x0:
                    ruled[max(0, ry0 - y0) : max(0, ry1 - y0)] = True
            segments = _merge_on_pitch(
                rows, row_ink, _merge_display_leading(sub, row_ink, segments, em, ruled, st), em, st
            )
        if len(segments) > 1:
            widest = max(b[0] - a[1] for a, b in zip(segments, segments[1:]))
            score = widest / min_gap
            if best is None or score > best[0]:
                best = (score, axis, segments)
    if best is None:
        return [box]
    _, axis, segments = best
    if axis == 1 and not short and gutters is not None:
        gutters += [(x0 + a[1], x0 + b[0]) for a, b in zip(segments, segments[1:])]
    leaves: list[Box] = []
    for s, e in segments:
        child = (x0 + s, y0, x0 + e, y1) if axis == 1 else (x0, y0 + s, x1, y0 + e)
        leaves += xy_cut(mask, child, em, noise, grid, gutters, rules, settings=st)
    return leaves


def column_gutters(
    mask: np.ndarray, box: Box, em: float, rules: Sequence[Box] = (), settings: LayoutSettings = DEFAULT.layout
) -> list[tuple[int, int]]:
    """The page's column grid: the gaps (x0, x1) at which XY-cut splits regions taller than a couple of lines
    into columns. A gutter runs down a column's whole height; a justified word space does not."""
    gutters: list[tuple[int, int]] = []
    xy_cut(mask, box, em, gutters=gutters, rules=rules, settings=settings)
    return gutters


def _within_one_column(
    x0: int, x1: int, grid: list[tuple[int, int]], em: float, settings: LayoutSettings = DEFAULT.layout
) -> bool:
    """No gutter of the page's grid lies inside [x0, x1] (by more than a body height on both sides)."""
    margin = settings.grid_margin_em * em
    return not any(x0 + margin < (g0 + g1) / 2 < x1 - margin for g0, g1 in grid)


def _display_only(row_ink: np.ndarray, em: float, settings: LayoutSettings = DEFAULT.layout) -> bool:
    """The region is a headline of one to three lines of display type: its word spaces are wide in absolute
    terms but narrow for its size. (Rows of several columns that a skewed scan runs together are taller
    than a display line, and a vertical headline has a "line" per character.)"""
    st = settings
    heights = [
        e - s
        for s, e in runs(row_ink, min_gap=max(st.band_gap_min_px, int(st.band_gap_em * em)))
        if e - s >= st.band_min_height_em * em
    ]
    return 1 <= len(heights) <= st.display_max_lines and all(
        st.headline_ratio * em <= h <= st.display_max_height_em * em for h in heights
    )


def _full_height(sub: np.ndarray, segments: list[tuple[int, int]], settings: LayoutSettings = DEFAULT.layout) -> bool:
    """Whether every part of a vertical split spans most of the region's height, as columns do."""
    height = sub.shape[0]
    for s, e in segments:
        rows = np.flatnonzero(sub[:, s:e].any(axis=1))
        if rows.size == 0 or rows[-1] - rows[0] + 1 < settings.column_min_height_fraction * height:
            return False
    return True


def _merge_short_neighbours(
    sub: np.ndarray, segments: list[tuple[int, int]], settings: LayoutSettings = DEFAULT.layout
) -> list[tuple[int, int]]:
    """Rejoin side-by-side parts of a vertical split that are both shorter than the region and share their
    rows: the pieces of one line (a caption) cut at its wide spaces, not columns."""
    height = sub.shape[0]

    def rows(seg: tuple[int, int]) -> tuple[int, int]:
        r = np.flatnonzero(sub[:, seg[0] : seg[1]].any(axis=1))
        return (int(r[0]), int(r[-1]) + 1) if r.size else (0, 0)

    merged = [segments[0]]
    for seg in segments[1:]:
        a, b = rows(merged[-1]), rows(seg)
        short = max(a[1] - a[0], b[1] - b[0]) < settings.column_min_height_fraction * height
        shared = min(a[1], b[1]) - max(a[0], b[0])
        if short and shared > settings.row_share_fraction * min(a[1] - a[0], b[1] - b[0]):
            merged[-1] = (merged[-1][0], seg[1])
        else:
            merged.append(seg)
    return merged


def _merge_display_leading(
    sub: np.ndarray,
    row_ink: np.ndarray,
    segments: list[tuple[int, int]],
    em: float,
    ruled: np.ndarray,
    settings: LayoutSettings = DEFAULT.layout,
) -> list[tuple[int, int]]:
    """Rejoin stacked lines of display type whose leading is wider than a row gap between body blocks but
    narrow for their size (a Latin headline line without descenders over the next): one headline. Lines of
    one size stacked on each other (centred, or ranged on one side) stand a little further apart and still
    are one headline: a two-line headline whose second line is a short word or two. Never across a rule
    (rows in ``ruled``)."""
    st = settings

    def display_lines(seg: tuple[int, int]) -> list[tuple[int, int]]:
        lines = [(seg[0] + s, seg[0] + e) for s, e in runs(row_ink[seg[0] : seg[1]])]
        return lines if lines and min(e - s for s, e in lines) >= st.headline_ratio * em else []

    def stacked(a: tuple[int, int], b: tuple[int, int], size: int) -> bool:
        ca, cb = np.flatnonzero(sub[a[0] : a[1]].any(axis=0)), np.flatnonzero(sub[b[0] : b[1]].any(axis=0))
        if not ca.size or not cb.size:
            return False
        align = st.stacked_align_fraction * size
        centred = abs((ca[0] + ca[-1]) - (cb[0] + cb[-1])) / 2 <= align
        return centred or abs(ca[0] - cb[0]) <= align or abs(ca[-1] - cb[-1]) <= align

    merged = [segments[0]]
    for seg in segments[1:]:
        above, below = display_lines(merged[-1]), display_lines(seg)
        gap = seg[0] - merged[-1][1]
        if above and below and not ruled[merged[-1][1] : seg[0]].any():
            ha, hb = above[-1][1] - above[-1][0], below[0][1] - below[0][0]
            one_size = min(ha, hb) >= st.same_size_fraction * max(ha, hb)
            if gap < st.display_leading_fraction * min(ha, hb) or (
                one_size
                and gap < st.stacked_leading_fraction * max(ha, hb)
                and stacked(above[-1], below[0], max(ha, hb))
            ):
                merged[-1] = (merged[-1][0], seg[1])
                continue
        merged.append(seg)
    return merged


def _merge_on_pitch(
    rows: np.ndarray,
    row_ink: np.ndarray,
    segments: list[tuple[int, int]],
    em: float,
    settings: LayoutSettings = DEFAULT.layout,
) -> list[tuple[int, int]]:
    """Rejoin a Latin body line without ascenders ("res.", "sum- mer") to the lines above it: it stands
    further below them than their spacing leaves, but on their pitch (line foot to line foot), so it is
    the same block, not the next one."""
    st = settings

    def lines(seg: tuple[int, int]) -> list[tuple[int, int]]:
        return [
            (seg[0] + s, seg[0] + e)
            for s, e in runs(row_ink[seg[0] : seg[1]], min_gap=st.line_gap_px)
            if e - s >= st.pitch_line_min_em * em
        ]

    merged = [segments[0]]
    for seg in segments[1:]:
        above, below = lines(merged[-1])[-st.pitch_lines :], lines(seg)
        # The pitch of the lines above, or of those below when a column's first line or two stand apart.
        ref = (
            above
            if len(above) >= st.pitch_min_lines
            else below[: st.pitch_lines]
            if above and len(below) >= st.pitch_min_lines
            else []
        )
        latin = bool(ref) and sum(_sparse_head(rows[s:e], st) for s, e in ref) >= st.latin_majority * len(ref)
        if ref and below and latin and max(e - s for s, e in above + ref) < st.headline_ratio * em:
            pitch = float(np.median([b[1] - a[1] for a, b in zip(ref, ref[1:])]))
            if (
                below[0][1] - above[-1][1] <= st.pitch_tolerance * pitch
            ):  # a descender moves a foot by a fifth of the pitch
                merged[-1] = (merged[-1][0], seg[1])
                continue
        merged.append(seg)
    return merged


def _merge_word_spaces(
    row_ink: np.ndarray, segments: list[tuple[int, int]], settings: LayoutSettings = DEFAULT.layout
) -> list[tuple[int, int]]:
    """In a region of a line or two, a gap narrower than most of a line's height is a space inside the line
    (around quotation marks, between Latin words in display type), not a gutter between columns."""
    line_h = max(e - s for s, e in runs(row_ink, min_gap=settings.word_space_row_gap_px))
    merged = [segments[0]]
    for seg in segments[1:]:
        if seg[0] - merged[-1][1] < settings.word_space_fraction * line_h:
            merged[-1] = (merged[-1][0], seg[1])
        else:
            merged.append(seg)
    return merged


def line_bands(mask: np.ndarray, box: Box, em: float, settings: LayoutSettings = DEFAULT.layout) -> list[LineBand]:
    st = settings
    x0, y0, x1, y1 = box
    sub = mask[y0:y1, x0:x1]
    rows = sub.sum(axis=1) > max(1, (x1 - x0) // st.band_noise_divisor)
    bands = []
    spans = [
        (s, e)
        for s, e in runs(rows, min_gap=max(st.band_gap_min_px, int(st.band_gap_em * em)))
        if e - s >= st.band_min_height_em * em
    ]
    # Latin type: most of the region's long lines have a sparse head, ascenders over the x-height (a CJK
    # line's top strokes are dense).
    heads = [_sparse_head(sub[s:e].sum(axis=1), st) for s, e in spans if _long_line(sub[s:e], st)]
    latin = sum(heads) >= max(st.latin_min_lines, st.latin_majority * len(heads))
    descenders = False  # seen on a long line of this region: Latin type, so short lines are measured alike
    for s, e in spans:
        cols = np.flatnonzero(sub[s:e].any(axis=0))
        # A line of several glyphs averages them in its profile; a short one only in Latin text.
        if cols.size and (descenders or cols[-1] - cols[0] >= st.long_line_aspect * (e - s)):
            baseline = s + _height_to_baseline(sub[s:e].sum(axis=1), latin=latin, settings=st)
            descenders = descenders or baseline < e
            e = baseline
        if not descenders:  # Latin ascenders of a short word are narrow too: only CJK lines are trimmed
            s, e = _trim_speck(sub[s:e], s, e, em, st)
        cols = np.flatnonzero(sub[s:e].any(axis=0))
        if cols.size == 0:
            continue
        bx0, bx1 = int(cols[0]), int(cols[-1]) + 1
        ink = float(sub[s:e, bx0:bx1].sum())
        bands.append(LineBand((x0 + bx0, y0 + s, x0 + bx1, y0 + e), ink / max(1, (e - s) * (bx1 - bx0))))
    for band in bands:
        band.latin = latin
    return bands


def _long_line(band: np.ndarray, settings: LayoutSettings = DEFAULT.layout) -> bool:
    cols = np.flatnonzero(band.any(axis=0))
    return bool(cols.size) and cols[-1] - cols[0] >= settings.long_line_aspect * band.shape[0]


def _sparse_head(profile: np.ndarray, settings: LayoutSettings = DEFAULT.layout) -> bool:
    """The top sixth or more of the line is thin (under 30 % of its densest row): Latin ascenders."""
    thin = profile < settings.sparse_head_density * profile.max()
    return bool(thin[: max(1, int(np.ceil(settings.sparse_head_fraction * len(profile))))].all())


def _trim_speck(
    band: np.ndarray, start: int, end: int, em: float, settings: LayoutSettings = DEFAULT.layout
) -> tuple[int, int]:
    """Drop rows at a line's top or bottom that hold only a speck: a few pixels in a spot narrower than half
    a character. Dust touching a line would otherwise make it measure taller, and a taller line reads as a
    heading. Glyph tops and Latin ascenders or descenders spread along the line, so they are never cut."""
    profile = band.sum(axis=1)
    sparse = profile < settings.speck_row_density * profile.max()
    third = len(profile) / settings.speck_max_rows_divisor

    def narrow(rows: slice) -> bool:
        cols = np.flatnonzero(band[rows].any(axis=0))
        return cols.size > 0 and cols[-1] - cols[0] < settings.speck_max_width_em * em

    top = 0
    while top < len(profile) and sparse[top]:
        top += 1
    bottom = len(profile)
    while bottom > top and sparse[bottom - 1]:
        bottom -= 1
    if top and top < third and narrow(slice(0, top)):
        start += top
    if bottom < len(profile) and len(profile) - bottom < third and narrow(slice(bottom, None)):
        end -= len(profile) - bottom
    return start, end


def _height_to_baseline(profile: np.ndarray, latin: bool = False, settings: LayoutSettings = DEFAULT.layout) -> int:
    """A line's height without the descenders of Latin type (g, p, y hang thinly below the baseline), so
    that lines with and without them measure alike. CJK lines have no such sparse tail. In a region known
    to be Latin, a short line with many descenders ("a pledge to tig-") has a denser tail: it ends at the
    last dense row (the baseline), under which no row reaches a third of the densest (the bowl of a g)
    and the rows stay thin on average."""
    st = settings
    sparse = profile < st.descender_density * profile.max()
    end = len(profile)
    while end > 1 and sparse[end - 1]:
        end -= 1
    if latin:
        base = int(np.flatnonzero(profile >= st.baseline_density * profile.max())[-1]) + 1
        tail = profile[base:]
        if (
            tail.size
            and tail.max() < st.descender_tail_max * profile.max()
            and tail.mean() < st.descender_tail_mean * profile.max()
        ):
            end = min(end, base)
    # A real descender zone is a fifth to a third of the line; a row or two of faint edge is not one.
    return end if st.descender_zone_min * len(profile) <= end <= st.descender_zone_max * len(profile) else len(profile)


def group_bands(
    bands: list[LineBand], em: float, body_weight: float, settings: LayoutSettings = DEFAULT.layout
) -> list[list[LineBand]]:
    """Consecutive lines of one type size and weight form a block."""
    st = settings
    groups: list[list[LineBand]] = []
    for band in bands:
        if groups:
            prev = groups[-1][-1]
            same_size = abs(band.height - prev.height) <= st.size_tolerance * max(band.height, prev.height)
            same_weight = _is_bold(band.weight, band.height, em, body_weight, st) == _is_bold(
                prev.weight, prev.height, em, body_weight, st
            )
            close = band.box[1] - prev.box[3] <= st.block_line_gap_em * max(em, min(band.height, prev.height))
            if (same_size and same_weight and close) or (
                band.latin and _latin_line_of(groups[-1], band, em, body_weight, st)
            ):
                groups[-1].append(band)
                continue
        groups.append([band])
    # A column's first line without ascenders ("ten years ago.") measures shorter than the lines under it:
    # on their pitch, it is theirs.
    out: list[list[LineBand]] = []
    for group in groups:
        if out and len(out[-1]) == 1 and out[-1][0].latin and _latin_head_of(out[-1][0], group, st):
            out[-1] += group
        else:
            out.append(group)
    return out


def _latin_head_of(band: LineBand, group: list[LineBand], settings: LayoutSettings = DEFAULT.layout) -> bool:
    """A Latin line only x-height tall (or a little more) standing on the group's pitch above its first line."""
    if len(group) < 2:
        return False
    usual = float(np.median([b.height for b in group]))
    pitch = float(np.median([b.box[3] - a.box[3] for a, b in zip(group, group[1:])]))
    st = settings
    return (
        abs(group[0].box[3] - band.box[3] - pitch) <= st.pitch_foot_tolerance * pitch
        and st.x_height_min * usual <= band.height < st.x_height_max * usual
    )


def _latin_line_of(
    group: list[LineBand], band: LineBand, em: float, body_weight: float, settings: LayoutSettings = DEFAULT.layout
) -> bool:
    """A Latin line of the group's type that measures otherwise: one without ascenders ("sum- mer", "res.")
    is only x-height tall, and darker for it, and the line after it is measured against it. It keeps the
    group's pitch (baseline to baseline) and is of the group's usual height and weight, or a little shorter."""
    if len(group) < 2:
        return False
    usual = float(np.median([b.height for b in group]))
    pitch = float(np.median([b.box[3] - a.box[3] for a, b in zip(group, group[1:])]))
    st = settings
    if abs(band.box[3] - group[-1].box[3] - pitch) > st.pitch_foot_tolerance * pitch:
        return False
    if st.x_height_min * usual <= band.height < st.x_height_max * usual:
        return True
    bold = _is_bold(float(np.median([b.weight for b in group])), usual, em, body_weight, st)
    return (
        abs(band.height - usual) <= st.size_tolerance * usual
        and _is_bold(band.weight, band.height, em, body_weight, st) == bold
    )


def _is_bold(
    weight: float, height: float, em: float, body_weight: float, settings: LayoutSettings = DEFAULT.layout
) -> bool:
    # Only body-sized and medium lines are judged: big headlines are bold by convention.
    return height < settings.headline_ratio * em and weight >= settings.bold_weight_ratio * body_weight


def is_vertical(group: list[LineBand], em: float, settings: LayoutSettings = DEFAULT.layout) -> bool:
    """Text set top to bottom: the row projection cuts it into one "line" per character, so a run of at
    least three bands, each about as wide as high, stacked in one column, bigger than body type."""
    st = settings
    if len(group) < st.vertical_min_chars:
        return False
    x0 = float(np.median([b.box[0] for b in group]))
    x1 = float(np.median([b.box[2] for b in group]))
    square = all(
        st.vertical_square_min * b.height <= b.box[2] - b.box[0] <= st.vertical_square_max * b.height for b in group
    )
    align = st.vertical_align_fraction * (x1 - x0)
    stacked = all(abs(b.box[0] - x0) <= align and abs(b.box[2] - x1) <= align for b in group)
    return square and stacked and x1 - x0 >= st.heading_ratio * em


def role_from_size(height: float, bold: bool, em: float, settings: LayoutSettings = DEFAULT.layout) -> Role:
    if height >= settings.headline_ratio * em:
        return Role.HEADLINE
    if height >= settings.heading_ratio * em or bold:
        return Role.INTERTITLE  # a medium heading; refine_roles decides kicker, subtitle or intertitle
    return Role.BODY


def merge_split_rows(blocks: list[Block], settings: LayoutSettings = DEFAULT.layout) -> list[Block]:
    """Join single-line heading blocks that stand side by side on one row: a headline or byline that the
    XY-cut split at a wide space between phrases, and the stray punctuation mark (，) between them."""
    st = settings

    def row_overlap(a: Box, b: Box) -> int:
        return min(a[3], b[3]) - max(a[1], b[1])

    def joinable(a: Block, b: Block) -> Line | None:
        """The line of the multi-line block (or the one line) that the single-line block continues."""
        if a.role is Role.BODY or b.role is Role.BODY or not a.style or not b.style or a.vertical or b.vertical:
            return None
        if min(len(a.lines), len(b.lines)) != 1:
            return None
        single, other = (a, b) if len(a.lines) == 1 else (b, a)
        line = max(other.lines, key=lambda ln: row_overlap(ln.box, single.box))
        ha, hb = single.box[3] - single.box[1], line.box[3] - line.box[1]
        gap = max(single.box[0], line.box[0]) - min(single.box[2], line.box[2])
        size = max(a.style.size_px, b.style.size_px)
        if row_overlap(line.box, single.box) < st.split_row_overlap * min(ha, hb) or gap > st.split_row_max_gap * size:
            return None
        similar = min(a.style.size_px, b.style.size_px) >= st.split_row_similar_size * size
        small = single if ha < hb else other
        mark = small.box[2] - small.box[0] <= st.split_row_mark_width * size  # a lone punctuation mark
        return line if similar or mark else None

    blocks = list(blocks)
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(blocks):
            for b in blocks[i + 1 :]:
                line = joinable(a, b)
                if line is not None:
                    assert a.style is not None and b.style is not None  # joinable() joins styled blocks only
                    # The multi-line block (or, for two single lines, the bigger type) takes the other in.
                    keep, gone = (
                        (a, b) if (len(a.lines), a.style.size_px) >= (len(b.lines), b.style.size_px) else (b, a)
                    )
                    line.box = box_union([line.box, gone.box])
                    if keep.lines[0] is not line and len(keep.lines) == 1:
                        keep.lines[0].box = line.box
                    keep.box = box_union([keep.box, gone.box])
                    blocks.remove(gone)
                    merged = True
                    break
            if merged:
                break
    return blocks


def analyze(page: Page, settings: LayoutSettings = DEFAULT.layout) -> Page:
    """Find rules, photos and text blocks on ``page.image`` (the working image)."""
    assert page.image is not None
    st = settings
    gray = page.image
    ink = binarize(gray)
    em = body_text_height(ink, st)
    page.text_size_px = em
    photos = find_photos(gray, em, st)
    separators = [s for s in find_separators(ink, em, st) if not any(_inside(s.box, p, st) for p in photos)]
    text = ink.copy()
    for s in separators:
        x0, y0, x1, y1 = s.box
        m = st.rule_erase_px
        text[max(0, y0 - m) : y1 + m, max(0, x0 - m) : x1 + m] = False
    for x0, y0, x1, y1 in photos:
        text[y0:y1, x0:x1] = False
    # Specks of scan noise are smaller than any stroke that matters; dust is a small solid blot (a period or
    # a dot goes too, which changes no line or gutter, while a speck in a gutter or between lines would).
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(text.astype(np.uint8), connectivity=8)
    area, bw, bh = stats[:, cv2.CC_STAT_AREA], stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    blot = (np.maximum(bw, bh) <= st.blot_max_em * em) & (area >= st.blot_min_fill * bw * bh)
    small = (area < max(st.speck_min_area_px, int((st.speck_min_side_em * em) ** 2))) | blot
    small[0] = False
    text[small[labels]] = False

    page_box = (0, 0, gray.shape[1], gray.shape[0])
    rules = [s.box for s in separators if s.orientation == "horizontal"]
    leaves = xy_cut(text, page_box, em, grid=column_gutters(text, page_box, em, rules, st), rules=rules, settings=st)
    all_bands = [line_bands(text, leaf, em, st) for leaf in leaves]
    body = [b.weight for bands in all_bands for b in bands if abs(b.height - em) < st.body_weight_tolerance_em * em]
    body_weight = float(np.median(body)) if body else st.fallback_body_weight

    blocks: list[Block] = []
    for bands in all_bands:
        for group in group_bands(bands, em, body_weight, st):
            height = float(np.median([b.height for b in group]))
            bold = (
                _is_bold(float(np.median([b.weight for b in group])), height, em, body_weight, st)
                or height >= st.headline_ratio * em
            )
            box = box_union([b.box for b in group])
            lines = [Line(text="", box=b.box, confidence=0.0) for b in group]
            vertical = is_vertical(group, em, st)
            if vertical:  # the type size is the width of the column of characters, not a "line" height
                height = float(np.median([b.box[2] - b.box[0] for b in group]))
            blocks.append(
                Block(
                    id="",
                    role=role_from_size(height, bold, em, st),
                    box=box,
                    lines=lines,
                    style=TextStyle(size_px=height, bold=bold),
                    vertical=vertical,
                )
            )
    # Scan specks that survived as "lines" of their own: far smaller than any character.
    blocks = [b for b in blocks if max(b.box[2] - b.box[0], b.box[3] - b.box[1]) >= st.min_block_side_em * em]
    blocks = merge_split_rows(blocks, st)
    # The working image's size: a cropped scanner border leaves it smaller than the source (page.width/height).
    _mark_page_furniture(blocks, separators, gray.shape[1], gray.shape[0], st)
    for b in blocks:
        b.lines = []  # layout's line bands only sized the block; OCR finds the real lines
    photo_blocks = [Block(id="", role=Role.PHOTO, box=p) for p in photos]
    page.blocks = sorted(blocks + photo_blocks, key=lambda b: (b.box[1], b.box[0]))
    number_blocks(page.blocks)
    page.separators = separators
    return page


def number_blocks(blocks: list[Block]) -> None:
    counters = {"TB": 0, "IL": 0}
    for b in blocks:
        prefix = "IL" if b.role is Role.PHOTO else "TB"
        counters[prefix] += 1
        b.id = f"{prefix}{counters[prefix]:04d}"


def _inside(inner: Box, outer: Box, settings: LayoutSettings = DEFAULT.layout) -> bool:
    m = settings.inside_margin_px
    return (
        inner[0] >= outer[0] - m and inner[1] >= outer[1] - m and inner[2] <= outer[2] + m and inner[3] <= outer[3] + m
    )


def _mark_page_furniture(
    blocks: list[Block], separators: list[Separator], width: int, height: int, settings: LayoutSettings = DEFAULT.layout
) -> None:
    """The page header: blocks above the lowest rule that spans most of the page in its top eighth (a banner
    masthead sits between two such rules); the page footer: blocks below such a rule in its bottom twelfth.
    Neither holds running text: a rule with a paragraph of several lines beyond it bounds a story instead."""
    st = settings
    wide = [
        s for s in separators if s.orientation == "horizontal" and s.box[2] - s.box[0] > st.furniture_rule_width * width
    ]

    def furniture(part: list[Block]) -> bool:
        return bool(part) and all(len(b.lines) < st.furniture_max_lines for b in part)

    for rule in sorted((s for s in wide if s.box[1] < height / st.header_zone_divisor), key=lambda s: -s.box[1]):
        above = [b for b in blocks if b.box[3] <= rule.box[1]]
        if furniture(above):
            for b in above:
                b.role = Role.PAGE_HEADER
            break
    for rule in sorted(
        (s for s in wide if s.box[3] > height * (st.footer_zone_divisor - 1) / st.footer_zone_divisor),
        key=lambda s: s.box[3],
    ):
        below = [b for b in blocks if b.box[1] >= rule.box[3]]
        if furniture(below):
            for b in below:
                b.role = Role.PAGE_FOOTER
            break


def mark_page_furniture(page: Page, settings: LayoutSettings = DEFAULT.layout) -> Page:
    """The page header and footer marked again once text-first layout has placed the lines: it groups lines no
    ink block held into new blocks, which carry no role of the ink stage (randomized bed, seed 61207: 8 of 19
    page footers under their rule came out as intertitles or body)."""
    h, w = page.image.shape[:2] if page.image is not None else (page.height, page.width)
    _mark_page_furniture(page.blocks, page.separators, w, h, settings)
    return page


def reads_as_byline(text: str) -> bool:
    """A line in byline form: "本报记者 …", "新華社記者 …", "By Karen Garcia"."""
    text = text.strip()
    return bool(BYLINE.match(text) or LATIN_BYLINE.match(text))


def _reads_as_byline(block: Block) -> bool:
    """A one-line block reading as a byline: bold type makes the ink call it a heading before the byline rule
    (refine_article_roles) has run."""
    return len(block.lines) == 1 and reads_as_byline(block.lines[0].text)


def rule_between(upper: Box, lower: Box, rules: list[Box]) -> bool:
    """A rule lies in the gap between two boxes one above the other, across their common width."""
    x0, x1 = max(upper[0], lower[0]), min(upper[2], lower[2])
    return any(upper[3] - 2 <= (r[1] + r[3]) / 2 <= lower[1] + 2 and min(x1, r[2]) > max(x0, r[0]) for r in rules)


def _shares_width(a: Box, b: Box) -> bool:
    """Two boxes one above the other in the same column: they share over a third of the narrower's width."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 0.3 * min(a[2] - a[0], b[2] - b[0])


def _past_stack(blocks: list[Block], head: Block, em: float, settings: LayoutSettings, down: bool) -> Block | None:
    """The first of ``blocks`` (nearest first, going down or up from ``head``) that is not a smaller medium line
    set within ``story_head_stack_gap_em`` of the one before: a kicker over a headline, a subtitle under it."""
    edge = head.box[3] if down else head.box[1]
    size = head.style.size_px if head.style else 0.0
    for b in blocks:
        gap = b.box[1] - edge if down else edge - b.box[3]
        small = b.style is not None and b.style.size_px < size
        if b.role is Role.INTERTITLE and small and gap <= settings.story_head_stack_gap_em * em:
            edge = b.box[3] if down else b.box[1]
            continue
        return b
    return None


def story_heads(page: Page, settings: LayoutSettings = DEFAULT.layout) -> Page:
    """Medium headings that open a story are its headline, so that articles start there. Type size alone
    calls a 1.4-1.7 em headline an intertitle; its place tells: an intertitle stands inside a column, with the
    column's text close above and under it; a headline stands over body text with nothing above it, or a
    rule, or the story above further away than a column's paragraphs are, or it spans several columns, or it
    reaches out of the column above it."""
    st = settings
    em = page.text_size_px or st.fallback_text_size_px
    rules = [s.box for s in page.separators if s.orientation == "horizontal"]
    for head in page.blocks:
        if head.role is not Role.INTERTITLE or head.vertical or len(head.lines) > st.story_head_max_lines:
            continue
        if head.style is None or _reads_as_byline(head):
            continue  # a bold byline ("本报记者雷昊" at 1.57 em) at the top of its column
        x0, y0, x1, y1 = head.box
        width = x1 - x0
        beside = [b for b in page.blocks if b is not head and _shares_width(head.box, b.box)]
        # Above and below its middle: a kicker's box reaches into its headline's top (sample page: by 37 px).
        below = sorted((b for b in beside if b.box[1] >= (y0 + y1) / 2), key=lambda b: b.box[1])
        above = sorted((b for b in beside if b.box[3] <= (y0 + y1) / 2), key=lambda b: -b.box[3])
        # A smaller medium line right under it (its subtitle) or right over it (its kicker) is part of the heading:
        # the story's body is under the subtitle, the story above is over the kicker.
        under = _past_stack(below, head, em, st, down=True)
        byline_under = under is not None and (under.role is Role.BYLINE or _reads_as_byline(under))
        if under is None or not (under.role is Role.BODY or byline_under):
            continue  # a kicker over its headline, a heading over a photo, the page's foot
        # A heading right over a byline opens a story whatever its size (an intertitle is never signed); right
        # over: with nothing between but a subtitle (a table's cells between were taken for a story's headlines).
        between = below[: below.index(under)]
        signed = byline_under and all(SUBTITLE_DASH.match(b.text.strip()) for b in between)
        if head.style.size_px < st.story_head_min_em * em and not signed:
            continue  # small type
        over = _past_stack(above, head, em, st, down=False)
        if over is not None and over.role is Role.HEADLINE and y0 - over.box[3] <= st.subtitle_max_gap_em * em:
            continue  # a subtitle under its headline, or the headline's next line in a smaller size
        reach = st.story_head_column_em * em
        out_of_column = (
            over is not None
            and over.role is Role.BODY
            and len(over.lines) >= 3  # a column, not a paragraph's short last line
            and (x0 < over.box[0] - reach or x1 > over.box[2] + reach)
        )
        opens = (
            over is None
            or signed
            or width > st.story_head_span_ratio * (under.box[2] - under.box[0])
            or (over.role is Role.BODY and y0 - over.box[3] > st.story_head_gap_em * em)
            or out_of_column
            or rule_between(over.box, head.box, rules)
        )
        if opens:
            head.role = Role.HEADLINE
    return page


def ruled_boxes(separators: list[Separator], em: float, corner_em: float) -> list[Box]:
    """Rectangles drawn with four rules (a boxed story, a sidebar): two horizontal rules of one width, one over
    the other, and vertical rules down both their ends, meeting within ``corner_em`` body heights."""
    tol = corner_em * em
    flat = [s.box for s in separators if s.orientation == "horizontal"]
    upright = [s.box for s in separators if s.orientation == "vertical"]
    out: list[Box] = []

    def side(x: float, y0: float, y1: float) -> bool:
        """A vertical rule down x from y0 to y1, its ends at both (a frame's side running on past a rule across
        the frame does not make that rule a box's foot)."""
        return any(
            abs((v[0] + v[2]) / 2 - x) <= tol and abs(v[1] - y0) <= tol and abs(v[3] - y1) <= tol for v in upright
        )

    for top in flat:
        for foot in flat:
            if foot[1] <= top[3] + 2 * em or abs(foot[0] - top[0]) > tol or abs(foot[2] - top[2]) > tol:
                continue
            if side((top[0] + foot[0]) / 2, top[1], foot[3]) and side((top[2] + foot[2]) / 2, top[1], foot[3]):
                out.append((min(top[0], foot[0]), top[1], max(top[2], foot[2]), foot[3]))
    return out


def framed_adverts(page: Page, settings: LayoutSettings = DEFAULT.layout) -> Page:
    """A ruled box holding a few lines of type on mostly empty ground (text over at most ``advert_text_share``
    of it, no run of body text over ``advert_max_body_lines`` lines, no picture filling it) is an advertisement:
    one block, the box, with every line in it, kept out of the stories (randomized bed: framed adverts with a
    slogan, a logo and a telephone number were read as a story's headline and body)."""
    st = settings
    em = page.text_size_px or st.fallback_text_size_px
    for frame in ruled_boxes(page.separators, em, st.advert_corner_em):
        area = box_area(frame)
        furniture = (Role.PAGE_HEADER, Role.PAGE_FOOTER)
        inside = [b for b in page.blocks if centre_inside(b.box, frame) and b.role not in furniture]
        text = [b for b in inside if b.role.has_text and b.lines]
        if not text or any(b.vertical or b.role is Role.BYLINE or _reads_as_byline(b) for b in text):
            continue  # vertical type is read apart; a byline signs a story (a boxed one whose text ran short)
        text_area = sum(box_area(ln.box) for b in text for ln in b.lines)
        pictures = sum(box_area(b.box) for b in inside if b.role is Role.PHOTO)
        body = max((len(b.lines) for b in text if b.role is Role.BODY), default=0)
        if text_area > st.advert_text_share * area or pictures > 0.5 * area or body > st.advert_max_body_lines:
            continue
        lines = sorted((ln for b in text for ln in b.lines), key=lambda ln: (ln.box[1], ln.box[0]))
        advert = Block(id="", role=Role.ADVERTISEMENT, box=frame, lines=lines, language=text[0].language)
        page.blocks = [b for b in page.blocks if not any(b is i for i in inside)] + [advert]
    if any(not b.id for b in page.blocks):
        number_blocks(page.blocks)
    return page


def kickers_over_headlines(page: Page, settings: LayoutSettings = DEFAULT.layout) -> Page:
    """A headline-size line right over a headline in far larger type is its kicker (a line of display type
    introducing the story), so that the story starts at the kicker instead of the kicker standing alone."""
    st = settings
    em = page.text_size_px or st.fallback_text_size_px
    rules = [s.box for s in page.separators if s.orientation == "horizontal"]
    heads = [b for b in page.blocks if b.role is Role.HEADLINE and not b.vertical and b.style is not None]
    for upper in heads:
        for lower in heads:
            if (
                lower is upper
                or not _kicker_of(upper, lower, em, st)
                or upper.style.size_px > st.kicker_size_ratio * lower.style.size_px  # type: ignore[union-attr]
                or rule_between(upper.box, lower.box, rules)
            ):
                continue
            between = [
                b
                for b in page.blocks
                if b is not upper
                and b is not lower
                and _shares_width(upper.box, b.box)
                and upper.box[3] <= (b.box[1] + b.box[3]) / 2 <= lower.box[1]
            ]
            if not between:
                upper.role = Role.KICKER
                break
    return page


# --- roles from text, after OCR and articles ---------------------------------------------------------


def _byline_rows(lines: list[Line]) -> int:
    """How many of these first lines are a byline: none, the first, or the first two where the name ran on
    to the next line in a narrow column ("新華社記者 李" / "輝芳": the second line a name's last characters)."""
    first = lines[0].text.strip()
    if not reads_as_byline(first):
        return 0
    if len(lines) >= 2:
        rest = lines[1].text.strip()
        if 0 < len(rest) <= 3 and all(is_cjk(c) for c in rest) and BYLINE.match(first + rest):
            return 2
    return 1


def split_byline(block: Block) -> Block | None:
    """A byline set at the top of the first body column in body type: split it into its own block (a block
    that is all byline becomes one)."""
    if block.role is not Role.BODY:
        return None
    rows = _byline_rows(block.lines) if block.lines else 0
    if rows and rows == len(block.lines):
        block.role = Role.BYLINE
        return None
    if not rows:
        return None
    byline = Block(
        id=block.id + "b",
        role=Role.BYLINE,
        box=box_union([line.box for line in block.lines[:rows]]),
        lines=block.lines[:rows],
        style=block.style,
        article_id=block.article_id,
        language=block.language,
    )
    block.lines = block.lines[rows:]
    block.box = box_union([line.box for line in block.lines])
    return byline


def refine_article_roles(article: Article, page: Page, settings: LayoutSettings = DEFAULT.layout) -> None:
    """Decide medium headings and body-type blocks from their text and their place around the headline."""
    st = settings
    blocks = article.blocks
    heads = [b for b in blocks if b.role is Role.HEADLINE]
    photos = [b for b in blocks if b.role is Role.PHOTO]
    head_top = min((h.box[1] for h in heads), default=None)
    # Text beside a vertical headline reads as under it: only its top bounds what comes after.
    head_bottom = max((h.box[1] if h.vertical else h.box[3] for h in heads), default=None)
    for b in blocks:
        text = b.text.strip()
        # A short block closed by a photo credit ("…记者 X 摄", "(Photo: X)") is a caption wherever its photo is.
        credited = bool(PHOTO_CREDIT.search(text)) and len(b.lines) <= st.credited_caption_max_lines
        if b.role in (Role.INTERTITLE, Role.BODY) and credited:
            b.role = Role.CAPTION  # in bold or larger type too: four lines in bold sans were "a bold lead"
        elif b.role is Role.INTERTITLE and len(b.lines) > st.intertitle_max_lines:
            b.role = Role.BODY  # a lead, a passage in bold: text, not a heading
        elif b.role is Role.INTERTITLE:
            if SUBTITLE_DASH.match(text) or (
                not reads_as_byline(text) and any(_subtitle_of(b, h, page.text_size_px, st) for h in heads)
            ):
                b.role = Role.SUBTITLE
            elif (head_top is not None and b.box[3] <= head_top + st.kicker_max_overlap_em * page.text_size_px) or any(
                _kicker_of(b, h, page.text_size_px, st) for h in heads
            ):
                b.role = Role.KICKER
            elif reads_as_byline(text):  # not above the headline: that was a kicker
                b.role = Role.BYLINE
            elif any(_caption_of(b, p, page.text_size_px, st) for p in photos):
                b.role = Role.CAPTION  # a caption in bold or larger type (fresh seed 1894976: 18 read as intertitles)
        elif b.role is Role.BODY:
            if (
                SUBTITLE_DASH.match(text)
                and len(b.lines) <= st.subtitle_max_lines
                and head_bottom is not None
                and b.box[1] >= head_bottom - 1
            ):
                b.role = Role.SUBTITLE
            elif len(b.lines) == 1 and reads_as_byline(text):
                b.role = Role.BYLINE
            elif any(_caption_of(b, p, page.text_size_px, st) for p in photos):
                b.role = Role.CAPTION


def _kicker_of(block: Block, headline: Block, em: float, settings: LayoutSettings = DEFAULT.layout) -> bool:
    """A heading set right over a horizontal headline, over its width: its kicker, whatever else the article
    holds above (another story's headline taken into the article; boxes grown into each other)."""
    if headline.vertical or len(block.lines) > settings.kicker_max_lines:
        return False
    gap = headline.box[1] - block.box[3]
    reach = max(settings.kicker_max_overlap_em * em, settings.kicker_max_overlap_share * (block.box[3] - block.box[1]))
    centre = (block.box[0] + block.box[2]) / 2
    return -reach <= gap <= settings.kicker_max_gap_em * em and headline.box[0] <= centre <= headline.box[2]


def _subtitle_of(block: Block, headline: Block, em: float, settings: LayoutSettings = DEFAULT.layout) -> bool:
    """A medium-size line in regular weight right under a horizontal headline, centred on it or flush with its
    left edge as the headline is set (its dash may be misread, so position decides; seed 1758425: 5 subtitles
    under left-set headlines were read as intertitles)."""
    if (
        headline.vertical
        or len(block.lines) > settings.subtitle_max_lines
        or (block.style is not None and block.style.bold)
    ):
        return False
    centre_offset = abs((block.box[0] + block.box[2]) - (headline.box[0] + headline.box[2])) / 2
    offset = min(centre_offset, abs(block.box[0] - headline.box[0]))
    return (
        0 <= block.box[1] - headline.box[3] <= settings.subtitle_max_gap_em * em
        and offset <= settings.subtitle_max_offset_em * em
    )


def _caption_of(block: Block, photo: Block, em: float, settings: LayoutSettings = DEFAULT.layout) -> bool:
    """Text directly under a photo that overlaps it horizontally; or text beside it in type smaller than the
    body, ending level with the photo's foot (a body column beside a photo starts level with its top)."""
    st = settings
    bx0, by0, bx1, by1 = block.box
    px0, py0, px1, py1 = photo.box
    overlap = min(bx1, px1) - max(bx0, px0)
    if len(block.lines) > st.caption_max_lines:
        return False
    if (
        overlap > st.caption_min_overlap * (bx1 - bx0)
        and -st.caption_max_overlap_em * em <= by0 - py1 <= st.caption_max_gap_em * em
    ):
        return True
    gap = max(bx0 - px1, px0 - bx1)
    small = block.style is not None and block.style.size_px < em
    return (
        small
        and 0 <= gap <= st.caption_max_gap_em * em
        and by0 >= py0 + st.caption_side_min_drop_em * em
        and abs(by1 - py1) <= st.caption_foot_tolerance_em * em
    )


def refine_roles(page: Page, settings: LayoutSettings = DEFAULT.layout) -> Page:
    """Roles from text and position, once articles and OCR text exist; bylines set in body type split off."""
    for article in page.articles:
        for block in list(article.blocks):
            byline = split_byline(block)
            if byline is not None:
                article.blocks.append(byline)
                page.blocks.append(byline)
        refine_article_roles(article, page, settings)
    return page
