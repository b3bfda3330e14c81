"""Repair, the page stage: joins at line and column breaks, page-header facts, continuation markers.

Every join between two lines of a text flow is decided here from layout and text together (the fill of
the line before, the indent of the line after, terminal punctuation, the roles of the blocks) and recorded
on the line with its evidence, so that a wrong join can be explained. Paragraphs are read off the joins
(``model.article_paragraphs``). The text rules themselves (what joins two pieces of text, dehyphenation,
word spaces, markers) are in the ``text`` package.
"""

from __future__ import annotations

from collections import Counter

from .model import Article, Block, Join, JoinKind, Line, Page, Role, box_union, number_blocks_in_order
from .settings import DEFAULT, RepairSettings
from .text.joins import TERMINAL, text_join, written_words
from .text.language import LATIN_WORD, guess_language, wordfreq_lang
from .text.markers import article_continuations, find_markers, jump_line, only_a_marker, page_label
from .text.patterns import (
    CONTINUATION,
    DATE,
    ENGLISH_DATES,
    ENGLISH_PAGE_NUMBER,
    MONTHS,
    PAGE_NUMBER,
    SUBTITLE_DASH,
    WEEKDAY,
)
from .text.wordspace import restore_word_spaces

FLOW_ROLES = (Role.BODY,)
# Display type is broken between phrases, and the corpus writes a space there.
PHRASE_ROLES = (Role.HEADLINE, Role.KICKER, Role.INTERTITLE)  # roles whose lines run on across blocks (column breaks)


def _column_extents(page: Page) -> dict[str, tuple[int, int]]:
    """For each body block: the left and right edge of its column, from all body blocks that share it."""
    body = [b for b in page.blocks if b.role in FLOW_ROLES and b.lines]
    extents: dict[str, tuple[int, int]] = {}
    for b in body:
        peers = [
            o
            for o in body
            if min(o.box[2], b.box[2]) - max(o.box[0], b.box[0]) > 0.8 * min(o.box[2] - o.box[0], b.box[2] - b.box[0])
        ]
        extents[b.id] = (min(o.box[0] for o in peers), max(o.box[2] for o in peers))
    return extents


def _edges(block: Block, extents: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """Left and right edge a block's lines are set to: its column's, but its own where it is narrower (text
    set beside a boxed item or photo), which shows once it has a few lines."""
    left, right = extents.get(block.id, (block.box[0], block.box[2]))
    if len(block.lines) >= 3:
        left, right = max(left, block.box[0]), min(right, block.box[2])
    return left, right


def _indent_and_shortfall(
    prev: Line, nxt: Line, prev_block: Block, next_block: Block, extents: dict[str, tuple[int, int]], em: float
) -> tuple[float, float]:
    """How far (em) the next line starts right of its column's left edge, and the line before ends left of
    its column's right edge."""
    return (nxt.box[0] - _edges(next_block, extents)[0]) / em, (_edges(prev_block, extents)[1] - prev.box[2]) / em


def _ends_sentence(line: Line) -> bool:
    return line.text.rstrip()[-1:] in TERMINAL or bool(CONTINUATION.search(line.text))


def indents_paragraphs(
    flows: list[list[tuple[Line, Block]]],
    extents: dict[str, tuple[int, int]],
    em: float,
    settings: RepairSettings = DEFAULT.repair,
) -> bool:
    """Whether the page opens its paragraphs with an indent: nearly every body line that ends short after a
    full stop is followed by an indented line. Then a short line followed by one that is not indented is a
    line the typesetter could not fill (a long word went over), not a paragraph's end."""
    ends = indented = 0
    for flow in flows:
        for (prev, pb), (nxt, nb) in zip(flow, flow[1:]):
            if pb.role in FLOW_ROLES and nb.role in FLOW_ROLES and _ends_sentence(prev) and not jump_line(nxt.text):
                indent, short = _indent_and_shortfall(prev, nxt, pb, nb, extents, em)
                if short >= settings.short_em:
                    ends += 1
                    indented += indent >= settings.indent_em
    return indented >= settings.indented_page_min and indented >= settings.indented_page_share * ends


def decide_join(
    prev: Line,
    nxt: Line,
    prev_block: Block,
    next_block: Block,
    extents: dict[str, tuple[int, int]],
    em: float,
    seen: Counter | None = None,
    indented_page: bool = False,
    settings: RepairSettings = DEFAULT.repair,
) -> Join:
    if prev_block is not next_block and not (prev_block.role in FLOW_ROLES and next_block.role in FLOW_ROLES):
        return Join(JoinKind.BREAK, f"{prev_block.role.value} block ends, {next_block.role.value} block follows")
    if jump_line(prev.text) or jump_line(nxt.text):
        return Join(JoinKind.BREAK, "a jump line (\"See BRIDGE, Page A4\") stands apart")
    text = text_join(prev.text, nxt.text, wordfreq_lang(next_block.language), seen, settings)
    if next_block.role in PHRASE_ROLES:
        # Display type breaks between phrases, except where a full line runs on into a shorter last one.
        width = lambda line: line.box[2] - line.box[0]
        full = width(prev) > next_block.box[2] - next_block.box[0] - 0.5 * prev.height
        if full and width(nxt) < width(prev) - prev.height:
            return Join(text.kind, f"{next_block.role.value}: a full line runs on into a shorter one; {text.evidence}")
        return Join(JoinKind.SPACE, f"{next_block.role.value} lines break between phrases")
    if next_block.role not in FLOW_ROLES:
        return Join(text.kind, f"lines of one {next_block.role.value} block; {text.evidence}")
    indent, short = _indent_and_shortfall(prev, nxt, prev_block, next_block, extents, em)
    where = "column break" if prev_block is not next_block else "line break"
    if indent >= settings.indent_em:
        return Join(JoinKind.BREAK, f"{where}: next line indented {indent:.1f} em")
    last = prev.text.rstrip()[-1:]
    if short >= settings.short_em and _ends_sentence(prev):
        if not indented_page:
            return Join(JoinKind.BREAK, f"{where}: line ends {short:.1f} em short after {last!r}")
        return Join(
            text.kind,
            f"{where}: line ends {short:.1f} em short after {last!r}, but the page indents its "
            f"paragraphs and the next line is not ({indent:.1f} em); {text.evidence}",
        )
    return Join(
        text.kind,
        f"{where}: line filled to {short:.1f} em of the edge, next not indented ({indent:.1f} em); {text.evidence}",
    )


def join_lines(page: Page, settings: RepairSettings = DEFAULT.repair) -> Page:
    """Decide and record the join after every line of every article's text flow."""
    em = page.text_size_px or DEFAULT.layout.fallback_text_size_px
    extents = _column_extents(page)
    flows = [
        [(line, block) for block in article.blocks if block.role.has_text for line in block.lines]
        for article in page.articles
    ]
    seen = written_words(line.text for flow in flows for line, _ in flow)
    indented_page = indents_paragraphs(flows, extents, em, settings)
    for flow in flows:
        for (prev, pb), (nxt, nb) in zip(flow, flow[1:]):
            prev.join = decide_join(prev, nxt, pb, nb, extents, em, seen, indented_page, settings)
        if flow:
            flow[-1][0].join = None
    return page


def split_jump_lines(page: Page) -> None:
    """A body block ending in a line that is a jump and nothing else ("Continued on Page A4", "See BRIDGE, Page
    A2") gives that line a block of its own, a continuation marker (seed 1758425: 6 jump lines read as the last
    line of their column)."""
    for article in page.articles:
        blocks = []
        for block in article.blocks:
            blocks.append(block)
            if block.role is Role.BODY and len(block.lines) >= 2 and jump_line(block.lines[-1].text.strip()):
                line = block.lines.pop()
                block.box = box_union([ln.box for ln in block.lines])
                blocks.append(
                    Block(
                        block.id + "j",
                        Role.CONTINUATION,
                        line.box,
                        [line],
                        style=block.style,
                        article_id=block.article_id,
                        column=block.column,
                        language=block.language,
                    )
                )
        article.blocks = blocks
    number_blocks_in_order(page)


def type_jump_lines(page: Page) -> None:
    """A block in display type that holds a continuation marker and nothing else ("See BRIDGE, Page A4" set
    in bold, read as an intertitle) is a continuation marker. Typed before the joins are decided."""
    for block in page.blocks:
        if block.role in (Role.BODY, Role.CONTINUATION, Role.PAGE_HEADER, Role.PAGE_FOOTER) or not block.role.has_text:
            continue
        texts = [line.text.strip() for line in block.lines]
        if only_a_marker("".join(texts)) or only_a_marker(" ".join(texts)):
            block.role = Role.CONTINUATION


def _opens_continued_part(block: Block) -> bool:
    """The block's text starts with a backward marker (（续第10版）, （续）, "TAXES: From Page 1")."""
    if block.role not in (Role.BODY, Role.CONTINUATION) or not block.lines:
        return False
    return any(m.direction == "backward" and m.start == 0 for m in find_markers(block.lines[0].text.strip()))


def split_continued_parts(page: Page) -> None:
    """An article holding a block that opens with a backward marker after other text is two stories that
    segmentation put together: the part continued from another page starts at that block (with the headings
    right over it), as its own article. Two continued parts read as one article were both written whole
    with each of their first parts, the second time over (randomized issue 1758425901: "once" 0/2)."""
    articles: list[Article] = []
    for article in page.articles:
        start = 0
        for i, block in enumerate(article.blocks):
            if i == 0 or not _opens_continued_part(block):
                continue
            cut = i
            while cut > start + 1 and article.blocks[cut - 1].role.is_heading:
                cut -= 1
            if any(b.role in (Role.BODY, Role.CONTINUATION) for b in article.blocks[start:cut]):
                articles.append(Article(article.id, article.blocks[start:cut]))
                start = cut
        articles.append(Article(article.id, article.blocks[start:]))
    if len(articles) == len(page.articles):
        return
    page.articles = articles
    for k, article in enumerate(articles):
        article.id, article.order = f"ART{k + 1:03d}", k
        for b in article.blocks:
            b.article_id = article.id


def find_continuations(page: Page) -> Page:
    """Record each continuation marker on its article as structured data (direction, page)."""
    for article in page.articles:
        article.continuations = article_continuations(article)
    return page


def fix_subtitle_dashes(page: Page) -> None:
    """A subtitle opens with ——, which OCR reads as 一一 or a single dash at times: write it as printed."""
    for block in page.blocks:
        if block.role is Role.SUBTITLE and block.lines:
            line = block.lines[0]
            m = SUBTITLE_DASH.match(line.text)
            if m and line.text[: m.end()] != "——":
                dash = line.text[: m.end()].replace(" ", "")
                line.text = "——" + line.text[m.end() :]
                if len(dash) == 2 and len(line.glyphs) >= 2:
                    for g in line.glyphs[:2]:
                        g.text = "—"


def read_page_header(page: Page) -> None:
    """Page-header facts as metadata, not text: the paper's name, the date and the printed page label."""
    header = sorted(
        (b for b in page.blocks if b.role is Role.PAGE_HEADER), key=lambda b: -(b.style.size_px if b.style else 0)
    )
    if not header:
        return
    text = " ".join(b.text for b in header)
    title = header[0].text  # the largest type: the paper's name, with the date and page when set in one line
    for regex in (DATE, *ENGLISH_DATES, WEEKDAY, PAGE_NUMBER, ENGLISH_PAGE_NUMBER):
        title = regex.sub(" ", title)
    if title := " ".join(title.split()).strip(" ,;|·-—"):
        page.metadata["title"] = title
    if m := DATE.search(text):
        page.metadata["date"] = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    elif m := next(filter(None, (regex.search(text) for regex in ENGLISH_DATES)), None):
        month = 1 + [name[:3] for name in MONTHS].index(m["mon"][:3].lower())
        page.metadata["date"] = f"{int(m['y']):04d}-{month:02d}-{int(m['d']):02d}"
    if m := PAGE_NUMBER.search(text) or ENGLISH_PAGE_NUMBER.search(text):
        page.label = page_label(m["page"])


def _block_language(block: Block, article_language: str | None, settings: RepairSettings) -> str:
    """A block's own language when its script or enough of its words say so; otherwise its article's."""
    own = guess_language(block.text, settings)
    if own in ("zh", "ja", "ko") or article_language in (None, "und"):
        return own
    return own if len(LATIN_WORD.findall(block.text)) >= settings.min_language_words else article_language


def repair(page: Page, settings: RepairSettings = DEFAULT.repair) -> Page:
    read_page_header(page)
    fix_subtitle_dashes(page)
    split_jump_lines(page)
    type_jump_lines(page)
    article_language = {
        article.id: guess_language(" ".join(b.text for b in article.blocks if b.role.has_text), settings)
        for article in page.articles
    }
    for block in page.blocks:
        if block.role.has_text:
            block.language = _block_language(block, article_language.get(block.article_id or ""), settings)
        if block.role.has_text and not block.vertical:
            for line in block.lines:
                restore_word_spaces(line, wordfreq_lang(block.language), settings)
    split_continued_parts(page)
    join_lines(page, settings)
    find_continuations(page)
    return page
