"""A page set in vertical columns (preprocess found it: ``Page.vertical``): its lines are columns of characters
read top to bottom, and its columns are read right to left.

The ink layout and the text-first stage (textlines.py) are built for horizontal lines: on a vertical page the
first finds row-projection "lines" one character high and the second's display pass joins the close columns
into one page-sized box. Here instead:
1. the whole working page is detected in tiles at the scale where a character is ``det_text_px`` wide (the
   page's measured text size is the characters' size), plus a reduced pass for display type that is kept only
   where the body pass found nothing (a masthead, a large headline);
2. every box at least ``column_aspect`` times as tall as wide is a column, read top to bottom
   (ocr/vertical.py ``read_columns``); other boxes (a date line in a masthead, a page number, a lone
   character) are read as horizontal lines;
3. columns side by side (textlines.group_columns) form one vertical block, its lines right to left; the block
   is a headline when its columns are ``headline_ratio`` times as wide as the body's; horizontal lines are
   grouped as textlines groups left-over lines; the ink layout's photos stay where no line falls in them, its
   text blocks are replaced.
Every box that reads goes into exactly one block. Lines and blocks are in working-image pixels.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .layout import number_blocks, role_from_size
from .model import Block, Box, Line, Page, Role, TextStyle, box_union
from .ocr.base import group_rows
from .ocr.vertical import from_turned, read_columns, to_turned, turn_to_lines
from .order import HEADING_GROUP, xy_order
from .settings import DEFAULT, LayoutSettings, OcrSettings, TextLinesSettings
from .textlines import TextLinesReport, group_leftovers, new_block


def _covered(box: Box, others: list[Box]) -> float:
    """The share of ``box``'s area that the boxes ``others`` cover (their overlaps counted once each)."""
    area = max(1, (box[2] - box[0]) * (box[3] - box[1]))
    inter = sum(
        max(0, min(box[2], o[2]) - max(box[0], o[0])) * max(0, min(box[3], o[3]) - max(box[1], o[1])) for o in others
    )
    return min(1.0, inter / area)


def detect_columns(
    page: Page, engine, turned: np.ndarray, settings: TextLinesSettings = DEFAULT.lines, ocr: OcrSettings = DEFAULT.ocr
) -> list[Box]:
    """Text boxes of the whole vertical page (page pixels): the body pass, and display boxes where it found
    nothing. Detected on the page turned a quarter (``turned``), where columns are lines: the tiled detection
    joins pieces of one line cut by a tile edge along the line, which on the upright page would join columns
    side by side into one box."""
    assert page.image is not None
    em = page.text_size_px or DEFAULT.layout.fallback_text_size_px
    width = page.image.shape[1]
    scale = float(np.clip(settings.det_text_px / em, settings.min_scale, settings.max_scale))

    def detect(at: float) -> list[Box]:
        found = engine.detect_lines(turned, at, settings.tile_px, settings.overlap_px)
        return [from_turned(b, width) for b in found]

    body = detect(scale)
    display_scale = scale * settings.display_scale
    if display_scale < settings.min_scale * 0.5 or max(page.image.shape) * display_scale < 200:
        return body
    display = [d for d in detect(display_scale) if _covered(d, body) < ocr.vertical_display_new_share]
    # A body box inside a display box is a piece of its display type, unless its type is much smaller (the
    # date line under a masthead, which the display box's margin took in).
    short = lambda b: min(b[2] - b[0], b[3] - b[1])
    inside = [b for b in body if any(_covered(b, [d]) > 0.5 and short(b) >= 0.5 * short(d) for d in display)]
    return [b for b in body if b not in inside] + display


def place_columns(
    page: Page,
    engine,
    settings: TextLinesSettings = DEFAULT.lines,
    ocr: OcrSettings = DEFAULT.ocr,
    layout: LayoutSettings = DEFAULT.layout,
) -> TextLinesReport:
    """Detect and read every column and line of a vertical page and put each in exactly one block of
    ``page.blocks`` (vertical blocks for columns). Returns what was done, for the quality record."""
    assert page.image is not None
    report = TextLinesReport()
    start = time.perf_counter()
    turned = turn_to_lines(page.image)
    boxes = detect_columns(page, engine, turned, settings, ocr)
    report.seconds["detect"] = time.perf_counter() - start
    report.detected = len(boxes)
    tall = [b for b in boxes if b[3] - b[1] >= ocr.vertical_column_aspect * (b[2] - b[0])]
    flat = [b for b in boxes if b not in tall]
    char_px = float(np.median([b[2] - b[0] for b in tall])) if tall else page.text_size_px
    tall = cut_at_rules(tall, [s.box for s in page.separators if s.orientation == "horizontal"], char_px)
    keep = lambda ln: bool(ln.text.strip()) and ln.confidence >= settings.min_score
    columns = [ln for ln in read_columns(engine, page.image, tall, turned, ocr) if keep(ln)]
    lines = [ln for ln in engine.read_lines(page.image, flat) if keep(ln)]
    report.seconds["read"] = time.perf_counter() - start - report.seconds["detect"]
    report.read = len(columns) + len(lines)
    report.vertical_lines = len(columns)
    report.texts = [ln.text for ln in columns + lines]

    # Type sizes by character pitch: a column's width holds the detector's margin, which is larger for small
    # type in proportion (a headline column's width was 1.2 times the body's, its pitch 1.3 times).
    body_px = float(np.median([ln.box[2] - ln.box[0] for ln in columns])) if columns else page.text_size_px
    long_columns = [pitch(ln) for ln in columns if len("".join(ln.text.split())) >= 3]
    body_pitch = float(np.median(long_columns)) if long_columns else body_px
    blocks: list[Block] = []
    by_box = {ln.box: ln for ln in columns}
    rules = [s.box for s in page.separators if s.orientation == "horizontal"]
    for group in group_columns([ln.box for ln in columns], rules, settings, [pitch(ln) for ln in columns]):
        members = [by_box[b] for b in group]
        width = float(np.median([ln.box[2] - ln.box[0] for ln in members]))
        size = float(np.median([pitch(ln) for ln in members]))
        # right to left; the pieces of one column (split at a gap) top to bottom
        members.sort(key=lambda ln: (-round((ln.box[0] + ln.box[2]) / width), ln.box[1]))
        blocks.append(
            Block(
                id="",
                role=role_from_size(
                    size, False, body_pitch, replace(layout, headline_ratio=ocr.vertical_headline_ratio)
                ),
                box=box_union([ln.box for ln in members]),
                lines=members,
                style=TextStyle(size_px=size * page.text_size_px / body_pitch if page.text_size_px else size),
                vertical=True,
            )
        )
    line_px = float(np.median([ln.height for ln in lines])) if lines else body_px
    for group_lines in group_leftovers(lines, line_px, rules, settings):
        cells = _rows_of_cells(group_lines) if ocr.vertical_page_rows_right_to_left else set()
        block = new_block(group_lines, body_px, line_px)  # its rows joined from the detector's pieces
        block.lines = [right_to_left(ln) if ln.box in cells else ln for ln in block.lines]
        blocks.append(block)
        report.new_blocks += 1
    centres = [((ln.box[0] + ln.box[2]) / 2, (ln.box[1] + ln.box[3]) / 2) for ln in columns + lines]
    for photo in (b for b in page.blocks if b.role is Role.PHOTO):
        x0, y0, x1, y1 = photo.box
        if any(x0 <= x < x1 and y0 <= y < y1 for x, y in centres):
            report.photos_demoted += 1
        else:
            blocks.append(photo)
    page.blocks = sorted(blocks, key=lambda b: (b.box[1], -b.box[2]))
    number_blocks(page.blocks)
    report.flags.append("vertical-page")
    return report


def _han_share(text: str) -> float:
    chars = [c for c in text if not c.isspace()]
    return sum(1 for c in chars if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf") / max(1, len(chars))


def _rows_of_cells(lines: list[Line]) -> set[Box]:
    """The boxes of rows made of single Chinese characters each detected apart (two or more): a row of
    one-character columns. A line set left to right is detected as one box (a modern masthead's date)."""
    out = set()
    for row in group_rows([ln.box for ln in lines]):
        members = [lines[i] for i in row]
        if len(members) >= 2 and all(len(m.text.strip()) == 1 and _han_share(m.text) == 1.0 for m in members):
            out.add(box_union([m.box for m in members]))
    return out


def right_to_left(line: Line) -> Line:
    """A row of Chinese on a vertical page is a row of one-character columns, read right to left (the masthead
    date 壬申三月二十三日 of the 1872 leaf was read 日三十二月三申壬 left to right)."""
    glyphs = sorted(line.glyphs, key=lambda g: -g.box[2])
    text = "".join(g.text for g in glyphs) if glyphs else line.text[::-1]
    return Line(text, line.box, line.confidence, glyphs)


def group_columns(
    columns: list[Box],
    rules: Sequence[Box] = (),
    settings: TextLinesSettings = DEFAULT.lines,
    sizes: Sequence[float] | None = None,
) -> list[list[Box]]:
    """Columns of one block: side by side (at most ``column_join_gap`` widths apart, overlapping over half the
    shorter's height) or one above the other in the same place (a column the detector split at a gap), of
    similar width (a headline's columns are wider than the body's), with no horizontal rule (``rules``)
    between them. Any member may link a column in, not only the last one, so a short column inside a block
    stays in it. ``sizes`` (the type size of each column: its character pitch) replace the widths in the
    similarity test when given."""
    size = list(sizes) if sizes is not None else [float(c[2] - c[0]) for c in columns]
    parent = list(range(len(columns)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(columns):
        for j in range(i):
            b = columns[j]
            wa, wb = a[2] - a[0], b[2] - b[0]
            if max(size[i], size[j]) > _similar(sizes) * min(size[i], size[j]):
                continue
            w = max(wa, wb)
            x_gap = max(a[0], b[0]) - min(a[2], b[2])
            y_gap = max(a[1], b[1]) - min(a[3], b[3])
            beside = x_gap <= settings.column_join_gap * w and -y_gap > 0.5 * min(a[3] - a[1], b[3] - b[1])
            stacked = -x_gap > 0.5 * min(wa, wb) and y_gap <= 2 * w
            if stacked:  # not across a rule: the column below it belongs to the next band
                top, bottom = (a, b) if a[1] < b[1] else (b, a)
                stacked = not any(
                    top[3] - 2 <= (r[1] + r[3]) / 2 <= bottom[1] + 2 and min(r[2], a[2], b[2]) > max(r[0], a[0], b[0])
                    for r in rules
                )
            if beside or stacked:
                parent[root(i)] = root(j)
    groups: dict[int, list[Box]] = {}
    for i, c in enumerate(columns):
        groups.setdefault(root(i), []).append(c)
    return sorted(groups.values(), key=lambda g: -max(c[2] for c in g))


def _similar(sizes) -> float:
    """How much larger one column's type may be than its neighbour's in one block: by widths (which hold the
    detector's margin), 1.5; by character pitch, 1.25 (a headline's pitch is 1.25-1.3 times the body's on the
    Hong Kong fragment)."""
    return 1.5 if sizes is None else 1.25


def pitch(line: Line) -> float:
    """The type size of a column: its height per character read."""
    return (line.box[3] - line.box[1]) / max(1, len("".join(line.text.split())))


def cut_at_rules(boxes: list[Box], rules: list[Box], char_px: float) -> list[Box]:
    """Column boxes cut where a horizontal rule crosses them: the detector runs a column on across a thin rule
    into the column below it, which belongs to another story."""
    out: list[Box] = []
    for b in boxes:
        w = b[2] - b[0]
        cuts = sorted(
            (r[1] + r[3]) // 2
            for r in rules
            if min(r[2], b[2]) - max(r[0], b[0]) >= 0.5 * w
            and b[1] + 0.5 * char_px < (r[1] + r[3]) / 2 < b[3] - 0.5 * char_px
        )
        edges = [b[1], *cuts, b[3]]
        out += [(b[0], y0, b[2], y1) for y0, y1 in zip(edges, edges[1:]) if y1 - y0 >= 0.5 * char_px]
    return out


# --- the stages after line placement see a vertical page turned a quarter -----------------------------------
#
# Articles, reading order and joins are decided on horizontal lines: a line's indent, how far it falls short of
# its column, columns left to right. Turned a quarter counter-clockwise, a vertical page is such a page: its
# columns are lines (their tops are the lines' starts), its right-to-left order is top to bottom, and a band
# of the page between horizontal rules is a column. So the page model is turned before those stages and back
# after them; the ink is never turned again (they do not read the image).


def turn(page: Page) -> None:
    """Turn every box of a vertical page's model a quarter counter-clockwise (see above); ``unturn`` undoes it.
    Turned, every block is horizontal (its columns are lines)."""
    _map_page(page, lambda b: to_turned(b, _working_width(page)))
    for block in page.blocks:
        block.vertical = False


def unturn(page: Page) -> None:
    """Back to the page's own frame; a text block whose lines are columns is vertical again."""
    _map_page(page, lambda b: from_turned(b, _working_width(page)))
    for block in page.blocks:
        block.vertical = block.role.has_text and any(
            ln.box[3] - ln.box[1] > ln.box[2] - ln.box[0] for ln in block.lines
        )


def _working_width(page: Page) -> int:
    assert page.image is not None  # the stages keep the working image until the pipeline maps boxes back
    return page.image.shape[1]


def _map_page(page: Page, fn) -> None:
    for block in page.blocks:
        block.box = fn(block.box)
        for line in block.lines:
            line.box = fn(line.box)
            for g in line.glyphs:
                g.box = fn(g.box)
    for s in page.separators:
        s.box = fn(s.box)
        s.orientation = "vertical" if s.orientation == "horizontal" else "horizontal"


def leaf_pages(blocks: list[Block], min_gap: float) -> list[list[Block]]:
    """Blocks of the turned page cut where a gap at least ``min_gap`` wide runs across all of them: on the page,
    a gutter down its whole height between two original pages on one leaf. Right page first (on top here)."""
    parts: list[list[Block]] = []
    reach = -np.inf
    for b in sorted(blocks, key=lambda b: b.box[1]):
        if not parts or b.box[1] - reach >= min_gap:
            parts.append([])
        parts[-1].append(b)
        reach = max(reach, b.box[3])
    return parts


def page_order(page: Page, tolerance: float, ocr: OcrSettings = DEFAULT.ocr) -> None:
    """A vertical page's articles in the order of their first block on the page read page by page when the
    leaf holds two (right first), then band by band (top to bottom), each band right to left: run on the
    turned page, where that is the column-first order."""
    em = page.text_size_px or DEFAULT.layout.fallback_text_size_px
    text = [b for b in page.blocks if b.role.has_text]
    reading = [b for part in leaf_pages(text, ocr.vertical_leaf_gutter_em * em) for b in xy_order(part, tolerance)]
    rank = {id(b): i for i, b in enumerate(reading)}
    for article in page.articles:  # the heading group first, as reading_order has it, then the page's order
        article.blocks.sort(key=lambda b: (b.role not in HEADING_GROUP, rank.get(id(b), len(rank))))
    page.articles.sort(key=lambda a: min((rank.get(id(b), len(rank)) for b in a.blocks), default=len(rank)))
    for i, article in enumerate(page.articles):
        article.order = i
    furniture = [b for b in page.blocks if b.article_id is None]
    ordered = sorted(furniture, key=lambda b: rank.get(id(b), len(rank))) + [b for a in page.articles for b in a.blocks]
    for i, b in enumerate(ordered):
        b.order = i
    page.blocks = ordered
