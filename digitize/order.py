"""Articles and reading order.

A newspaper reads article by article, and inside an article column by column. Articles are found by
splitting the page's blocks at printed rules that cross a whole group, and, where one group still holds
more than one headline, at the widest whitespace cut between blocks. Articles are read by their top
(tops within two body lines count as level) and then from left to right; inside an article the heading group
(kicker, headline, subtitle) comes first, then the rest by a recursive cut that prefers columns.
"""

from __future__ import annotations

from .layout import ruled_boxes
from .model import (
    Article,
    Block,
    Box,
    Page,
    Role,
    Separator,
    box_area,
    box_union,
    centre_inside,
    number_blocks_in_order,
)
from .settings import DEFAULT, OrderSettings

HEADING_GROUP = (Role.KICKER, Role.HEADLINE, Role.SUBTITLE)
# A page that went through layout has its measured body height, or layout's configured fallback; only a page
# built without layout (a test, a reader) falls back here, to the default.
FALLBACK_TEXT_SIZE_PX = DEFAULT.layout.fallback_text_size_px


def _cuts(boxes: list[Box], axis: int, tolerance: float) -> list[int]:
    """Indices i (into boxes sorted along axis) after which a straight cut separates the boxes."""
    lo, hi = (0, 2) if axis == 0 else (1, 3)
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][lo])
    cuts, reach = [], -1e9
    for pos, i in enumerate(order[:-1]):
        reach = max(reach, boxes[i][hi])
        if reach <= boxes[order[pos + 1]][lo] + tolerance:
            cuts.append(pos)
    return cuts


def _split(blocks: list[Block], axis: int, tolerance: float) -> list[list[Block]] | None:
    cuts = _cuts([b.box for b in blocks], axis, tolerance)
    if not cuts:
        return None
    lo = 0 if axis == 0 else 1
    ordered = sorted(blocks, key=lambda b: b.box[lo])
    parts, start = [], 0
    for c in cuts:
        parts.append(ordered[start : c + 1])
        start = c + 1
    parts.append(ordered[start:])
    return parts


def _gap(parts: list[list[Block]], axis: int) -> float:
    lo, hi = (0, 2) if axis == 0 else (1, 3)
    return min(min(b.box[lo] for b in nxt) - max(b.box[hi] for b in cur) for cur, nxt in zip(parts, parts[1:]))


def _rule_split(
    blocks: list[Block], separators: list[Separator], settings: OrderSettings = DEFAULT.order
) -> list[list[Block]] | None:
    """Split at a rule that runs across the whole group and that no block crosses."""
    group = box_union([b.box for b in blocks])
    for sep in separators:
        x0, y0, x1, y1 = sep.box
        if sep.orientation == "horizontal":
            span = min(x1, group[2]) - max(x0, group[0])
            if span < settings.rule_span_fraction * (group[2] - group[0]) or not group[1] < y0 < group[3]:
                continue
            above = [b for b in blocks if b.box[3] <= y1]
            below = [b for b in blocks if b.box[1] >= y0]
        else:
            span = min(y1, group[3]) - max(y0, group[1])
            if span < settings.rule_span_fraction * (group[3] - group[1]) or not group[0] < x0 < group[2]:
                continue
            above = [b for b in blocks if b.box[2] <= x1]
            below = [b for b in blocks if b.box[0] >= x0]
        if above and below and len(above) + len(below) == len(blocks):
            return [above, below]
    return None


def _story_pieces(
    blocks: list[Block], separators: list[Separator], em: float, settings: OrderSettings = DEFAULT.order
) -> list[list[Block]]:
    """A slice whose headline lies well below its top holds the end of one story beside the start of another
    (an L-shaped story around a boxed-in one): cut it at rules and whitespace until every piece either has no
    headline or starts with one."""
    heads = [b.box[1] for b in blocks if b.role is Role.HEADLINE]
    if not heads or min(heads) - min(b.box[1] for b in blocks) <= settings.headline_drop_em * em:
        return [blocks]
    tolerance = settings.cut_tolerance_em * em
    parts = _rule_split(blocks, separators, settings) or _split(blocks, 0, tolerance) or _split(blocks, 1, tolerance)
    if not parts:
        return [blocks]
    return [piece for part in parts for piece in _story_pieces(part, separators, em, settings)]


def _stories_top_down(
    parts: list[list[Block]], separators: list[Separator], em: float, settings: OrderSettings = DEFAULT.order
) -> list[list[Block]]:
    """Regroup horizontal slices so that each starts a story: a slice with a headline opens a new group and
    takes along the kicker slice right above it; other slices (and the pieces of a slice that lie beside a
    story starting lower down) stay with the story above."""
    groups: list[list[Block]] = []
    for i, whole in enumerate(parts):
        pieces = _story_pieces(whole, separators, em, settings)
        for part in pieces:
            if not groups:
                groups.append(list(part))
            elif not any(b.role is Role.HEADLINE for b in part):
                groups[-1].extend(part)
            elif len(pieces) == 1 and all(b.role in (Role.INTERTITLE, Role.KICKER) for b in parts[i - 1]):
                prev = parts[i - 1]
                del groups[-1][-len(prev) :]
                if not groups[-1]:  # the kicker slice was a group of its own (the top of the region)
                    groups.pop()
                groups.append(list(prev) + part)
            else:
                groups.append(list(part))
    return groups


def _boxed_stories(
    blocks: list[Block], separators: list[Separator], em: float, settings: OrderSettings = DEFAULT.order
) -> tuple[list[Block], list[list[Block]]]:
    """Blocks inside a ruled box that holds a headline, taken out as a story of their own (zaobao 2025-04-15
    p2: a boxed two-column sidebar with the main story's columns running on under it was read as part of the
    main story, its headline first). Returns the blocks outside and each box's blocks."""
    boxes: list[list[Block]] = []
    rest = list(blocks)
    for box in sorted(ruled_boxes(separators, em, settings.box_corner_em), key=box_area):
        inside = [b for b in rest if centre_inside(b.box, box)]
        if len(inside) < 2 or len(inside) == len(rest) or not any(b.role is Role.HEADLINE for b in inside):
            continue
        boxes.append(inside)
        rest = [b for b in rest if not any(b is i for i in inside)]
    return rest, boxes


def segment_articles(
    blocks: list[Block], separators: list[Separator], em: float, settings: OrderSettings = DEFAULT.order
) -> list[list[Block]]:
    """Group blocks into articles: a ruled box with a headline is a story of its own; rules always divide;
    whitespace divides only between headlines."""
    if len(blocks) <= 1:
        return [blocks] if blocks else []
    rest, boxed = _boxed_stories(blocks, separators, em, settings)
    if boxed:
        out = segment_articles(rest, separators, em, settings)
        for inside in boxed:
            # One headline: the box is one story, whatever rules it holds (a table's inside it).
            several = sum(b.role is Role.HEADLINE for b in inside) > 1
            out += segment_articles(inside, separators, em, settings) if several else [inside]
        return out
    parts = _rule_split(blocks, separators, settings)
    if parts is None and sum(b.role is Role.HEADLINE for b in blocks) > 1:
        options = []
        for axis in (0, 1):
            split = _split(blocks, axis, settings.cut_tolerance_em * em)
            if split and axis == 1:
                split = _stories_top_down(split, separators, em, settings)
            if split and len(split) > 1:
                options.append((split, axis))
        if options:
            parts = max(options, key=lambda o: _gap(o[0], o[1]))[0]
    if parts is None:
        return [blocks]
    groups: list[list[Block]] = []
    for part in parts:
        groups += segment_articles(part, separators, em, settings)
    return groups


def _merge_headless(groups: list[list[Block]]) -> list[list[Block]]:
    """A group of body text without a headline or photo continues the story above it in the same columns; where
    none before it shares its columns, the nearest story beside it, before or after it in the list (a boxed
    story, taken out of the page's cuts, comes after the stories beside it)."""

    def standalone(g: list[Block]) -> bool:
        return any(b.role in (Role.HEADLINE, Role.PHOTO) for b in g)

    def overlap(o: list[Block], box: Box) -> int:
        return _overlap_x(box_union([b.box for b in o]), box)

    out: list[list[Block]] = []
    later = [g for g in groups if standalone(g)]
    for g in groups:
        if not out or standalone(g):
            out.append(g)
            continue
        gbox = box_union([b.box for b in g])
        before = max(out, key=lambda o: overlap(o, gbox))
        # Only a story beside it (starting no lower): text above a headline is not that story's.
        reach = gbox[1] + 0.1 * (gbox[3] - gbox[1])
        after = [o for o in later if not any(o is x for x in out) and min(b.box[1] for b in o) <= reach]
        nearest = max(after, key=lambda o: overlap(o, gbox)) if after else before
        in_columns = overlap(before, gbox) > 0
        target = before if in_columns or overlap(before, gbox) >= overlap(nearest, gbox) else nearest
        target.extend(g)
    return out


def _overlap_x(a: Box, b: Box) -> int:
    return min(a[2], b[2]) - max(a[0], b[0])


def xy_order(blocks: list[Block], tolerance: float) -> list[Block]:
    """Column-first recursive cut: left to right across columns, top to bottom inside one."""
    if len(blocks) <= 1:
        return list(blocks)
    for axis in (0, 1):
        parts = _split(blocks, axis, tolerance)
        if parts:
            if axis == 1:
                # Only the first horizontal cut: what lies below may again be columns.
                parts = [parts[0], [b for p in parts[1:] for b in p]]
            return [b for p in parts for b in xy_order(p, tolerance)]
    return partial_order(blocks, tolerance)


def partial_order(blocks: list[Block], tolerance: float) -> list[Block]:
    """Blocks no straight cut parts (a picture set across two columns' feet), read by Breuel's partial order
    (as kraken and ocropus read lines): of two blocks sharing some width, the upper first; of two side by side,
    the left one first unless a block between them in height reaches across both. Topologically sorted,
    the leftmost then topmost free block first. Sorting by top alone read such a region row by row across its
    columns (HKEJ C4: a column cut at its intertitle was read after the next column)."""

    def overlap_x(a: Box, b: Box) -> bool:
        return min(a[2], b[2]) - max(a[0], b[0]) > tolerance

    def before(a: Box, b: Box) -> bool:
        if overlap_x(a, b):
            return (a[1] + a[3]) < (b[1] + b[3])
        if a[2] > b[0] + tolerance:
            return False
        top, foot = min(a[3], b[3]), max(a[1], b[1])
        return not any(
            overlap_x(c.box, a) and overlap_x(c.box, b) and top <= (c.box[1] + c.box[3]) / 2 <= foot for c in blocks
        )

    n = len(blocks)
    after = [[j for j in range(n) if j != i and before(blocks[i].box, blocks[j].box)] for i in range(n)]
    waiting = [0] * n
    for i in range(n):
        for j in after[i]:
            waiting[j] += 1
    done: list[int] = []
    free = [i for i in range(n) if not waiting[i]]
    while len(done) < n:
        if not free:  # a cycle (boxes overlapping both ways): take the topmost left
            free = [min((i for i in range(n) if i not in done), key=lambda i: waiting[i])]
        i = min(free, key=lambda i: (blocks[i].box[0], blocks[i].box[1]))
        free.remove(i)
        done.append(i)
        for j in after[i]:
            waiting[j] -= 1
            if waiting[j] == 0 and j not in done:
                free.append(j)
    return [blocks[i] for i in done]


def find_articles(page: Page, settings: OrderSettings = DEFAULT.order) -> Page:
    """Group the page's blocks into articles (roles from typography; refine_roles comes after)."""
    em = page.text_size_px or FALLBACK_TEXT_SIZE_PX
    furniture = {Role.PAGE_HEADER, Role.PAGE_FOOTER, Role.ADVERTISEMENT}
    story_blocks = [b for b in page.blocks if b.role not in furniture]
    groups = _merge_headless(segment_articles(story_blocks, page.separators, em, settings))
    groups = _page_order(groups, settings.row_level_em * em)
    page.articles = []
    for i, group in enumerate(groups, 1):
        article = Article(id=f"ART{i:03d}", blocks=group, order=i - 1)
        for b in group:
            b.article_id = article.id
        page.articles.append(article)
    return page


def _box_gap(a: Box, b: Box) -> float:
    """Distance between two boxes (0 when they touch or overlap)."""
    dx = max(0, max(a[0], b[0]) - min(a[2], b[2]))
    dy = max(0, max(a[1], b[1]) - min(a[3], b[3]))
    return float(max(dx, dy))


def _picture_units(
    blocks: list[Block], em: float, settings: OrderSettings = DEFAULT.order
) -> tuple[list[Block], dict[int, list[Block]]]:
    """A photo and its captions (within ``caption_reach_em`` of it) as one unit for the column cut, so that each
    picture is read with its caption: two photos side by side with a caption under each read photo, caption,
    photo, caption, not both photos and then both captions. Returns the units and each stand-in's members."""
    photos = [b for b in blocks if b.role is Role.PHOTO]
    if not photos:
        return blocks, {}
    captions: dict[int, list[Block]] = {id(p): [] for p in photos}
    units: list[Block] = []
    for b in blocks:
        if b.role is Role.CAPTION:
            # A caption stands under or beside its picture; a photo starting under the caption is the next one.
            nearest = min(photos, key=lambda p: (p.box[1] >= b.box[3] - 2, _box_gap(p.box, b.box)))
            if _box_gap(nearest.box, b.box) <= settings.caption_reach_em * em:
                captions[id(nearest)].append(b)
                continue
        if b.role is not Role.PHOTO:
            units.append(b)
    members: dict[int, list[Block]] = {}
    for p in photos:
        if not captions[id(p)]:
            units.append(p)
            continue
        group = [p] + sorted(captions[id(p)], key=lambda c: (c.box[1], c.box[0]))
        stand_in = Block(p.id, Role.PHOTO, box_union([m.box for m in group]))
        members[id(stand_in)] = group
        units.append(stand_in)
    return units, members


def _page_order(groups: list[list[Block]], level: float) -> list[list[Block]]:
    """Articles by their top, tops within ``level`` of the row's first (highest) top counting as one row, then
    left to right. Measured from the row's first top, not the previous article's, so a staircase of tops does
    not chain into one row."""
    by_top = sorted(groups, key=lambda g: min(b.box[1] for b in g))
    rows: list[list[list[Block]]] = []
    row_top = 0
    for g in by_top:
        top = min(b.box[1] for b in g)
        if rows and top - row_top <= level:
            rows[-1].append(g)
        else:
            rows.append([g])
            row_top = top
    return [g for row in rows for g in sorted(row, key=lambda g: min(b.box[0] for b in g))]


def reading_order(page: Page, settings: OrderSettings = DEFAULT.order) -> Page:
    """Order blocks inside each article and number every block on the page."""
    em = page.text_size_px or FALLBACK_TEXT_SIZE_PX
    for article in page.articles:
        heading = sorted((b for b in article.blocks if b.role in HEADING_GROUP), key=lambda b: (b.box[1], b.box[0]))
        rest = [b for b in article.blocks if b.role not in HEADING_GROUP]
        units, members = _picture_units(rest, em, settings)
        ordered = xy_order(units, settings.cut_tolerance_em * em)
        article.blocks = heading + [m for u in ordered for m in members.get(id(u), [u])]
    number_blocks_in_order(page)
    _number_columns(page, em, settings)
    return page


def _number_columns(page: Page, em: float, settings: OrderSettings = DEFAULT.order) -> None:
    starts: list[int] = []
    for b in sorted((b for b in page.blocks if b.role is Role.BODY), key=lambda b: b.box[0]):
        if not starts or b.box[0] - starts[-1] > settings.column_start_em * em:
            starts.append(b.box[0])
    for b in page.blocks:
        if starts:
            b.column = min(range(len(starts)), key=lambda i: abs(starts[i] - b.box[0]))
