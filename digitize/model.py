"""The page model every stage reads and writes.

Document → Page → Article → Block (with a role) → Line → Glyph.

Boxes are ``(x0, y0, x1, y1)`` integer pixels, x1/y1 exclusive. While a page is being processed they are in
the coordinates of the working (deskewed) image; `Page.to_source_coordinates` maps every box back through
the preprocessing transform, so a finished page always refers to the source image, as ALTO readers expect.

Each stage adds only its own fields: layout adds blocks, roles and separators; OCR adds lines and glyphs;
order adds articles and reading-order indices; repair adds joins and continuations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

Box = tuple[int, int, int, int]


def box_union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def box_area(b: Box) -> int:
    return max(0, b[2] - b[0]) * max(0, b[3] - b[1])


def centre_inside(inner: Box, outer: Box) -> bool:
    """Whether the middle of ``inner`` lies in ``outer`` (edges included)."""
    return outer[0] <= (inner[0] + inner[2]) / 2 <= outer[2] and outer[1] <= (inner[1] + inner[3]) / 2 <= outer[3]


def box_iou(a: Box, b: Box) -> float:
    inter = box_area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))
    union = box_area(a) + box_area(b) - inter
    return inter / union if union else 0.0


class Role(str, Enum):
    """What a block is on the page. Values are the names written to ALTO tags and the JSON dump."""

    HEADLINE = "headline"
    KICKER = "kicker"
    SUBTITLE = "subtitle"
    BYLINE = "byline"
    BODY = "body"
    INTERTITLE = "intertitle"
    CAPTION = "caption"
    PHOTO = "photo"
    CONTINUATION = "continuation"
    PAGE_HEADER = "page_header"
    PAGE_FOOTER = "page_footer"
    ADVERTISEMENT = "advertisement"

    @property
    def is_heading(self) -> bool:
        return self in (Role.HEADLINE, Role.KICKER, Role.SUBTITLE, Role.INTERTITLE)

    @property
    def has_text(self) -> bool:
        return self is not Role.PHOTO


class JoinKind(str, Enum):
    """How a line connects to the next line of the same text flow."""

    CJK = "cjk-join"  # no separator: CJK text, or a word cut by a line or column break
    HYPHEN = "hyphen-join"  # Latin word hyphenated at the break: the hyphen is dropped
    HYPHEN_KEPT = "hyphen-kept"  # the line ends with a hyphen of the word itself ("well-|known"): kept, no space
    SPACE = "space-join"  # Latin words: joined with one space
    BREAK = "kept-break"  # a paragraph ends here


def glue(kind: JoinKind | None, left: str, right: str) -> str:
    """Two pieces of text joined as ``kind`` says; with no decision yet, Latin letters or digits either side
    get a space ("for" / "Students") and anything else nothing ("全" / "面学习")."""
    left, right = left.rstrip(), right.lstrip()
    if kind is JoinKind.HYPHEN:
        return left[:-1] + right
    latin = left[-1:].isascii() and left[-1:].isalnum() and right[:1].isascii() and right[:1].isalnum()
    if kind is JoinKind.SPACE or (kind is None and latin):
        return f"{left} {right}"
    return left + right


@dataclass
class Join:
    kind: JoinKind
    evidence: str  # why, in words, so a wrong join can be explained and fixed


@dataclass
class Glyph:
    text: str
    box: Box
    confidence: float


@dataclass
class Line:
    text: str
    box: Box
    confidence: float
    glyphs: list[Glyph] = field(default_factory=list)
    # How this line continues into the next line of its flow; None for the last line of a flow.
    join: Join | None = None

    @property
    def height(self) -> int:
        return self.box[3] - self.box[1]


@dataclass
class TextStyle:
    size_px: float  # body of the type (line height of ink), in pixels
    bold: bool = False


@dataclass
class Block:
    id: str
    role: Role
    box: Box
    lines: list[Line] = field(default_factory=list)
    style: TextStyle | None = None
    order: int = -1  # reading order on the page, 0-based; -1 until the order stage runs
    article_id: str | None = None
    column: int = -1  # index of the page column its left edge stands in
    vertical: bool = False  # set top to bottom (a vertical headline)
    language: str = "zh"

    @property
    def text(self) -> str:
        """The block's lines joined as their joins say (before repair has decided: see ``glue``)."""
        text = self.lines[0].text if self.lines else ""
        for prev, line in zip(self.lines, self.lines[1:]):
            text = glue(
                None if prev.join is None or prev.join.kind is JoinKind.BREAK else prev.join.kind, text, line.text
            )
        return text

    @property
    def confidence(self) -> float:
        chars = [g.confidence for line in self.lines for g in line.glyphs]
        if chars:
            return float(np.mean(chars))
        return float(np.mean([line.confidence for line in self.lines])) if self.lines else 1.0


@dataclass
class Continuation:
    """A printed continuation marker such as （下转第4版） or "Continued from Page A1"."""

    direction: str  # "forward" (continues on another page) or "backward" (continued from one)
    page: str  # the page label as printed: "4", "A4"
    marker: str  # the marker text as printed
    block_id: str  # the block whose text carries it
    # Filled when the other part is found in the same issue: (page number, article id).
    linked_to: tuple[int, str] | None = None


@dataclass
class Article:
    id: str
    blocks: list[Block] = field(default_factory=list)  # in reading order; the same objects as in Page.blocks
    order: int = -1
    continuations: list[Continuation] = field(default_factory=list)

    @property
    def box(self) -> Box:
        return box_union([b.box for b in self.blocks])

    def blocks_with_role(self, role: Role) -> list[Block]:
        return [b for b in self.blocks if b.role is role]

    @property
    def headline(self) -> str:
        heads = self.blocks_with_role(Role.HEADLINE)
        return heads[0].text if heads else ""

    def paragraphs(self) -> list[Paragraph]:
        """The article's text as paragraphs, read off the recorded joins."""
        return article_paragraphs(self)


@dataclass
class Paragraph:
    """A paragraph of an article's text: its role (that of the block it starts in), its text with the lines
    glued as their joins say, and the blocks it spans."""

    role: Role
    text: str
    block_ids: list[str]


def number_blocks_in_order(page: Page) -> None:
    """``page.blocks`` in reading order, numbered from 0 (``Block.order``): the blocks of no article (page
    furniture) by their top, then each article's blocks as the article holds them."""
    furniture = sorted((b for b in page.blocks if b.article_id is None), key=lambda b: (b.box[1], b.box[0]))
    page.blocks = furniture + [b for a in page.articles for b in a.blocks]
    for i, b in enumerate(page.blocks):
        b.order = i


def article_paragraphs(article: Article) -> list[Paragraph]:
    """The article's text as paragraphs, read off the recorded joins."""
    paragraphs: list[Paragraph] = []
    current: Paragraph | None = None
    pending: JoinKind | None = None  # the join after the paragraph's last line so far
    for block in article.blocks:
        if not block.role.has_text:
            continue
        for line in block.lines:
            if current is None:
                current = Paragraph(block.role, line.text.strip(), [block.id])
            else:
                current.text = glue(pending, current.text, line.text)
                if block.id not in current.block_ids:
                    current.block_ids.append(block.id)
            if line.join is None or line.join.kind is JoinKind.BREAK:
                paragraphs.append(current)
                current = None
            else:
                pending = line.join.kind
    if current is not None:
        paragraphs.append(current)
    return [p for p in paragraphs if p.text]


@dataclass
class Separator:
    """A printed rule."""

    id: str
    box: Box
    orientation: str  # "horizontal" or "vertical"


@dataclass
class Transform:
    """Map from working-image pixels to source-image pixels: a 2×3 affine matrix, or a 3×3 projective one when
    the page was a camera photo warped flat (page_frame.py); a box maps to the bounding box of its corners."""

    matrix: np.ndarray = field(default_factory=lambda: np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
    skew_degrees: float = 0.0
    rotation_degrees: int = 0  # clockwise quarter turn (0, 90, 180, 270) the scan had; the working image undoes it
    frame: str = ""  # how the sheet was cut from a dark frame around it: "", "crop" or "perspective" (warped flat)

    def map_box(self, box: Box, width: int, height: int) -> Box:
        x0, y0, x1, y1 = box
        corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float)
        pts = corners @ np.asarray(self.matrix, dtype=float).T
        if pts.shape[1] == 3:  # projective: back from homogeneous coordinates
            pts = pts[:, :2] / pts[:, 2:3]
        nx0, ny0 = np.floor(pts.min(axis=0)).astype(int)
        nx1, ny1 = np.ceil(pts.max(axis=0)).astype(int)
        return (max(0, int(nx0)), max(0, int(ny0)), min(width, int(nx1)), min(height, int(ny1)))


@dataclass
class PageSource:
    """Where a page came from, and how its text was obtained."""

    path: str
    index: int  # 0-based page or frame index in the file
    # "image", "pdf-scan" (rasterized and OCRed), "pdf-text" (text layer, no OCR), or the format digitize.read
    # took it from: "alto", "hocr", "page-xml", "text", "newsml"
    kind: str
    sha256: str
    dpi: float = 300.0
    mime: str = "image/png"


@dataclass
class PageQuality:
    """How far a page's text can be trusted, measured while it was made (see digitize/quality.py)."""

    # Characters written / characters the detector and recogniser read on the whole page (None: not
    # measured, e.g. a text layer or an engine without whole-page detection).
    text_coverage: float | None = None
    mean_confidence: float = 0.0  # over every glyph written
    confidence_p5: float = 0.0  # 5th percentile of glyph confidence: the worst-read twentieth
    fallback_blocks: int = 0  # blocks read by a fallback path (per-block detection, no detected line in them)
    vertical_share: float = 0.0  # share of the characters set vertically
    scripts: list[str] = field(default_factory=list)  # "Han", "Latin", ... seen, most characters first
    flags: list[str] = field(default_factory=list)  # "empty", "under-coverage", "photo-demoted", ...
    # What the detector saw against what was read: line boxes found (None: no detector ran, e.g. a text layer),
    # how many read as text, and how many written lines hold far fewer characters than their length (a script
    # the model does not cover reads as a few punctuation marks).
    detected_lines: int | None = None
    read_lines: int | None = None
    sparse_lines: int = 0
    written_lines: int = 0
    ink_share: float = 0.0  # share of the page's pixels that are ink (tells a blank page from a photo)
    # Characters written per body-text em-square of the text blocks' area: a block that layout drew over a
    # column but whose lines were not read holds few (the default path's stand-in for text coverage, which
    # only the text-first path measures).
    text_fill: float = 0.0
    # Share of the page's type-sized ink (marks 0.3-3 body heights tall) under no written line, photo or rule:
    # text the detector never saw, which text coverage (measured against what the detector saw) cannot show.
    unread_ink: float = 0.0
    # What a person should do with the page: "done", or "needs-review" for the ``reasons`` (quality.REASONS:
    # "blank", "photo-only", "empty", "unsupported-script", "low-coverage", "low-confidence", "fallback-layout").
    state: str = "done"
    reasons: list[str] = field(default_factory=list)


@dataclass
class Page:
    number: int  # 1-based position in the document
    width: int
    height: int
    source: PageSource
    blocks: list[Block] = field(default_factory=list)  # every block, articles' or not
    articles: list[Article] = field(default_factory=list)
    separators: list[Separator] = field(default_factory=list)
    transform: Transform = field(default_factory=Transform)
    in_source_coordinates: bool = False
    engine: str = ""  # engine and model names, or "pdf text layer"
    # Which settings made the page: Settings.digest() ("" when no pipeline made it), and the values that differed
    # from the defaults ({"layout.headline_ratio": 1.8}), so that a reader can tell and a run can be repeated.
    settings_digest: str = ""
    settings_changed: dict[str, float | int | str | bool] = field(default_factory=dict)
    text_size_px: float = 0.0  # height of a body text line, measured by layout; the unit of most thresholds
    vertical: bool = False  # set in vertical columns, read top to bottom and right to left (preprocess found it)
    label: str = ""  # printed page label ("1", "A4"), when the page header names it
    metadata: dict[str, str] = field(default_factory=dict)  # page header facts: date, edition, paper
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    quality: PageQuality | None = None  # filled at the end of processing; None for pages read from files
    # The working image while stages run; afterwards the source image if the caller kept it. Never serialized.
    image: np.ndarray | None = field(default=None, repr=False, compare=False)

    def lines(self) -> Iterator[Line]:
        for block in self.blocks:
            yield from block.lines

    def block(self, block_id: str) -> Block:
        for b in self.blocks:
            if b.id == block_id:
                return b
        raise KeyError(block_id)

    def text_blocks_in_order(self) -> list[Block]:
        return sorted((b for b in self.blocks if b.role.has_text and b.order >= 0), key=lambda b: b.order)

    def to_source_coordinates(self) -> None:
        """Map every box from the working image back to the source image (once)."""
        if self.in_source_coordinates:
            return
        w, h = self.width, self.height
        m = self.transform.map_box
        for sep in self.separators:
            sep.box = m(sep.box, w, h)
        for block in self.blocks:
            block.box = m(block.box, w, h)
            for line in block.lines:
                line.box = m(line.box, w, h)
                for g in line.glyphs:
                    g.box = m(g.box, w, h)
        self.in_source_coordinates = True


@dataclass
class Document:
    path: str
    pages: list[Page] = field(default_factory=list)
    # Articles continued across pages: (page number, article id) pairs, forward part first.
    article_links: list[tuple[tuple[int, str], tuple[int, str]]] = field(default_factory=list)
