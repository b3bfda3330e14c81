"""ALTO 4.4 export of one finished page.

The exporter only reads the page model: every box, role, article, order and join comes from earlier
stages; nothing here computes layout. The profile written is described in ``digitize/data/alto-profile.md``.

Main rules:

* coordinates are the model's source-image pixels, written as integers in the chosen
  ``MeasurementUnit`` (``pixel``, ``mm10`` or ``inch1200``, converted with ``page.source.dpi``);
* the text is in the punctuation profile of the text output (``punctuation``, default ``corpus``), character
  by character (`line_text.line_in_profile`), so the ALTO and the text output say the same thing;
* one ``String`` per whitespace-free run of a line (``cjk_strings="run"``: a CJK run is ONE String, one
  ``Glyph`` per character) or, with ``cjk_strings="clause"``, a CJK run cut after punctuation and at script
  changes so a viewer highlights a phrase, not a line; ``SP`` only where the line has a space; ``WC`` and
  ``CC`` (0 sure … 9 unsure per character); hyphenated Latin words as ``HypPart1``/``HYP``/``HypPart2``;
* TextBlocks stand directly in the ``PrintSpace`` (``article_blocks="tags"``, the default, which every ALTO
  reader reads), articles are ``StructureTag``s referenced by the blocks' ``TAGREFS`` and ``OrderedGroup``s
  of the ``ReadingOrder``; ``article_blocks="composed"`` wraps each article in ``ComposedBlock TYPE="article"``
  instead (readers that only look at the PrintSpace's own TextBlocks then miss the articles' lines);
* roles are ``LayoutTag``s, paragraph geometry a ``ParagraphStyle`` per kind of block, the page margins
  ``TopMargin``/``LeftMargin``/``RightMargin``/``BottomMargin`` around the print space;
* every ID starts with ``P{page number}_`` so IDs are unique within an issue.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from lxml import etree

from ..model import Article, Block, JoinKind, Line, Page, Role
from ..settings import format_changed
from ..text.patterns import LINE_HYPHENS, is_cjk
from .line_text import line_in_profile

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_XSD = "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_VERSION = "4.4"
UNITS = ("pixel", "mm10", "inch1200")
ARTICLE_BLOCKS = ("tags", "composed")
CJK_STRINGS = ("run", "clause")
# Where a CJK run is cut into Strings with cjk_strings="clause": after these (the cut keeps them on the left).
CLAUSE_END = set("，。、；：！？,.;:!?…）)》」』”")

_NS = "{%s}" % ALTO_NS

# Characters XML 1.0 forbids (C0 controls but tab/LF/CR, surrogates, U+FFFE/U+FFFF), plus DEL and C1
# controls, which XML 1.0 tolerates but which are never text.
_BAD_XML = re.compile("[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ID_BAD = re.compile(r"[^A-Za-z0-9._-]")
_LANG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def xml_text(value: object) -> str:
    """``value`` as a string with every character XML 1.0 cannot carry removed."""
    return _BAD_XML.sub("", str(value))


def sub_element(parent: etree._Element, qname: str, text: str | None = None, /, **attrs: object) -> etree._Element:
    """A child ``qname`` (Clark notation) of ``parent``; attributes valued None are left out, and text and
    attribute values lose the characters XML cannot carry. Shared by the ALTO, METS and NewsML writers."""
    el = etree.SubElement(parent, qname)
    for k, v in attrs.items():
        if v is not None:
            el.set(k, xml_text(v))
    if text is not None:
        el.text = xml_text(text)
    return el


# --------------------------------------------------------------------------------------------- helpers


def _is_space(ch: str) -> bool:
    """Whitespace that separates Strings. Control characters Python counts as space (U+001C–U+001F, U+0085)
    are not: they are dropped like any other control character."""
    return ch.isspace() and not _BAD_XML.match(ch)


def _strip_punct(word: str) -> str:
    def punct(c: str) -> bool:
        return unicodedata.category(c).startswith("P") and c not in LINE_HYPHENS

    i, j = 0, len(word)
    while i < j and punct(word[i]):
        i += 1
    while j > i and punct(word[j - 1]):
        j -= 1
    return word[i:j]


def _conf(value: float | None) -> str | None:
    if value is None or not math.isfinite(value):
        return None
    v = min(1.0, max(0.0, float(value)))
    return f"{round(v, 4):.4f}".rstrip("0").rstrip(".") if v not in (0.0, 1.0) else str(int(v))


def _software_version() -> str:
    try:
        from ..version import __version__

        if __version__:
            return str(__version__)
    except Exception:  # pragma: no cover - import problems only change the version string
        pass
    try:
        from importlib.metadata import version as dist_version

        return dist_version("digitize")
    except Exception:  # pragma: no cover
        return "unknown"


def _is_identity(page: Page) -> bool:
    m = np.asarray(page.transform.matrix, dtype=float)
    return m.shape == (2, 3) and np.allclose(m, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def page_prefix(page_number: int) -> str:
    """The prefix of every ALTO ID of a page: ``P{n}``, so IDs are unique within an issue."""
    return f"P{page_number}"


class IdAllocator:
    """Allocates valid, unique xsd:ID values that start with ``prefix`` (ALTO: the page prefix; METS its own)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.used: set[str] = set()

    def make(self, *parts: object) -> str:
        """``{prefix}_part1_part2…``, made a valid NCName and unique (a ``_2``, ``_3``… suffix on a clash)."""
        return self.claim("_".join([self.prefix, *(str(p) for p in parts)]))

    def claim(self, raw: str) -> str:
        ident = _ID_BAD.sub("_", xml_text(raw))
        candidate, n = ident, 2
        while candidate in self.used:
            candidate = f"{ident}_{n}"
            n += 1
        self.used.add(candidate)
        return candidate


@dataclass
class _Char:
    ch: str
    box: tuple[float, ...]
    conf: float | None


@dataclass
class _Word:
    chars: list[_Char]
    subs_type: str | None = None
    subs_content: str | None = None

    @property
    def text(self) -> str:
        return "".join(c.ch for c in self.chars)


@dataclass
class _LineLayout:
    words: list[_Word] = field(default_factory=list)
    gaps: list[tuple[float, float, float, float]] = field(default_factory=list)  # between words[i] and [i+1]
    spaced: list[bool] = field(default_factory=list)  # a space (an SP) stands before words[i]
    hyphen: _Char | None = None  # a trailing hyphen written as HYP


def _union(boxes: Sequence[Sequence[float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _line_chars(line: Line, vertical: bool, mapped: list[str] | None = None) -> list[_Char | None]:
    """The line's characters with boxes and confidences; None stands for whitespace.

    Glyph boxes are used when ``line.glyphs`` aligns one-to-one with the non-space characters of the text;
    otherwise every character (spaces included) gets an equal slot of the line box along the reading axis.
    ``mapped`` (one replacement per character, `line_in_profile`) gives what each character is written as:
    "" drops it, several characters share its box in equal slots.
    """
    text = line.text
    nonspace = [c for c in text if not _is_space(c)]
    aligned = len(line.glyphs) == len(nonspace) and len(nonspace) > 0
    slots: list[tuple[float, float, float, float]] = []
    if not aligned:
        x0, y0, x1, y1 = line.box
        n = max(1, len(text))
        if vertical:
            step = (y1 - y0) / n
            slots = [(x0, y0 + k * step, x1, y0 + (k + 1) * step) for k in range(len(text))]
        else:
            step = (x1 - x0) / n
            slots = [(x0 + k * step, y0, x0 + (k + 1) * step, y1) for k in range(len(text))]
    out: list[_Char | None] = []
    g = 0
    for k, ch in enumerate(text):
        written = ch if mapped is None else mapped[k]
        if _is_space(ch):
            if written:
                out.append(None)
            continue
        if aligned:
            glyph = line.glyphs[g]
            box, conf = tuple(float(v) for v in glyph.box), glyph.confidence
            g += 1
        else:
            box, conf = slots[k], line.confidence
        written = _BAD_XML.sub("", written)  # a control character is dropped together with its glyph
        for piece, piece_box in zip(written, _split_box(box, len(written), vertical)):
            out.append(None if _is_space(piece) else _Char(piece, piece_box, conf))
    return out


def _split_box(box, n: int, vertical: bool) -> list[tuple[float, float, float, float]]:
    """``n`` equal slots of ``box`` along the reading axis (a character written as several, "…" as "...")."""
    if n <= 1:
        return [box] * n
    x0, y0, x1, y1 = box
    if vertical:
        step = (y1 - y0) / n
        return [(x0, y0 + k * step, x1, y0 + (k + 1) * step) for k in range(n)]
    step = (x1 - x0) / n
    return [(x0 + k * step, y0, x0 + (k + 1) * step, y1) for k in range(n)]


def _clauses(chars: list[_Char]) -> list[list[_Char]]:
    """A whitespace-free run cut where a viewer should be able to highlight a piece of it: after CJK or
    Latin clause punctuation, and where CJK text meets Latin letters or digits (``6月30日`` stays whole
    only if it is all one script). A run without CJK is not cut: it is a Latin word already."""
    if not any(is_cjk(c.ch) for c in chars):
        return [chars]
    pieces: list[list[_Char]] = [[]]
    for prev, c in zip([None, *chars], chars):
        if prev is not None and pieces[-1]:
            script_change = (is_cjk(prev.ch) != is_cjk(c.ch)) and prev.ch.isalnum() and c.ch.isalnum()
            if (prev.ch in CLAUSE_END and c.ch not in CLAUSE_END) or script_change:
                pieces.append([])
        pieces[-1].append(c)
    return [p for p in pieces if p]


def _layout_line(line: Line, vertical: bool, mapped: list[str] | None = None, cjk_strings: str = "run") -> _LineLayout:
    chars = _line_chars(line, vertical, mapped)
    words: list[_Word] = []
    spaced: list[bool] = []  # whether a space stands before words[i]
    current: list[_Char] = []
    gap = False
    for c in chars + [None]:
        if c is None:
            if current:
                pieces = _clauses(current) if cjk_strings == "clause" else [current]
                for k, piece in enumerate(pieces):
                    words.append(_Word(piece))
                    spaced.append(gap and k == 0)
                current = []
            gap = bool(words)
        else:
            current.append(c)
    layout = _LineLayout(words=words, spaced=spaced)
    x0, y0, x1, y1 = (float(v) for v in line.box)
    for a, b in zip(words, words[1:]):
        ea, eb = _union([c.box for c in a.chars]), _union([c.box for c in b.chars])
        if vertical:
            top, bottom = ea[3], max(ea[3], eb[1])
            layout.gaps.append((x0, top, x1, bottom))
        else:
            left, right = ea[2], max(ea[2], eb[0])
            layout.gaps.append((left, y0, right, y1))
    return layout


# ------------------------------------------------------------------------------------------- exporter


class _AltoWriter:
    def __init__(
        self, page: Page, unit: str, punctuation: str = "corpus", article_blocks: str = "tags", cjk_strings: str = "run"
    ):
        if unit not in UNITS:
            raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
        if article_blocks not in ARTICLE_BLOCKS:
            raise ValueError(f"article_blocks must be one of {', '.join(ARTICLE_BLOCKS)}, got {article_blocks!r}")
        if cjk_strings not in CJK_STRINGS:
            raise ValueError(f"cjk_strings must be one of {', '.join(CJK_STRINGS)}, got {cjk_strings!r}")
        line_in_profile("", punctuation)  # an unknown profile fails here, before any output
        self.punctuation = punctuation
        self.article_blocks = article_blocks
        self.cjk_strings = cjk_strings
        if not page.in_source_coordinates and not _is_identity(page):
            raise ValueError(
                "page boxes are still in working-image coordinates; call page.to_source_coordinates() "
                "before exporting ALTO"
            )
        dpi = float(page.source.dpi or 0)
        if unit != "pixel" and not (dpi > 0 and math.isfinite(dpi)):
            raise ValueError(f"MeasurementUnit {unit} needs page.source.dpi > 0, got {page.source.dpi!r}")
        self.page = page
        self.unit = unit
        self.dpi = dpi
        # units per source pixel: 1/10 mm is 254/dpi of a pixel, 1/1200 inch is 1200/dpi
        self.scale = {"pixel": 1.0, "mm10": 254.0, "inch1200": 1200.0}[unit] / (dpi if unit != "pixel" else 1.0)
        self.ids = IdAllocator(page_prefix(page.number))
        self.page_id = self.ids.claim(self.ids.prefix)
        self.block_ids: dict[int, str] = {}
        self.style_ids: dict[tuple[float, bool], str] = {}
        self.role_tags: dict[Role, str] = {}
        self.article_tags: dict[int, str] = {}
        self.hyp1: dict[tuple[int, int], str] = {}
        self.hyp2: dict[tuple[int, int], str] = {}
        self.paragraph_style_ids: dict[tuple, str] = {}
        self.paragraph_style_of: dict[int, str] = {}
        self._plan()

    # ---- planning: which block goes where, IDs, styles, tags, hyphenation

    def _plan(self) -> None:
        page = self.page
        seen: set[int] = set()
        self.articles: list[tuple[Article, list[Block]]] = []
        for art in sorted(page.articles, key=lambda a: (a.order < 0, a.order)):
            members = [b for b in art.blocks if id(b) not in seen]
            seen.update(id(b) for b in members)
            self.articles.append((art, members))
        loose = [b for b in page.blocks if id(b) not in seen]
        self.loose = sorted(loose, key=lambda b: (b.order < 0, b.order))  # stable: unordered keep page order
        self.article_of: dict[int, Article] = {id(b): a for a, bs in self.articles for b in bs}

        all_blocks = [b for _, bs in self.articles for b in bs] + self.loose
        for b in all_blocks:
            self.block_ids[id(b)] = self.ids.make(b.id)
        for role in Role:
            if any(b.role is role for b in all_blocks):
                self.role_tags[role] = self.ids.make("LT", role.value)
        for art, _ in self.articles:
            self.article_tags[id(art)] = self.ids.make("ST", art.id)
        for b in all_blocks:
            key = self._style_key(b)
            if key and key not in self.style_ids:
                size, bold = key
                self.style_ids[key] = self.ids.make("TS", self._num(size) + ("_bold" if bold else ""))
        for b in all_blocks:
            paragraph_key = _paragraph_key(b, self.page.text_size_px)
            if paragraph_key is not None:
                if paragraph_key not in self.paragraph_style_ids:
                    self.paragraph_style_ids[paragraph_key] = self.ids.make("PST", len(self.paragraph_style_ids) + 1)
                self.paragraph_style_of[id(b)] = self.paragraph_style_ids[paragraph_key]
        self._plan_hyphenation(all_blocks)
        # Joins are tags on TextLines, so a reader gets the paragraphs back (ALTO has no paragraph element).
        kinds = {ln.join.kind for b in all_blocks if b.role.has_text for ln in b.lines if ln.join is not None}
        self.join_tags = {kind: self.ids.make("JT", kind.value) for kind in JoinKind if kind in kinds}

    def _style_key(self, block: Block) -> tuple[float, bool] | None:
        st = block.style
        if st is None or not block.role.has_text or not (self.dpi > 0) or not (st.size_px and st.size_px > 0):
            return None
        points = round(st.size_px * 72.0 / self.dpi * 2) / 2
        return (points, bool(st.bold)) if points > 0 else None

    def _flow(self, block: Block) -> list[Block]:
        art = self.article_of.get(id(block))
        if art is not None:
            seq = [b for a, bs in self.articles if a is art for b in bs]
        else:
            seq = self.page.text_blocks_in_order()
        return [b for b in seq if b.role.has_text and b.lines]

    def _next_line(self, block: Block, index: int) -> tuple[Block, int] | None:
        if index + 1 < len(block.lines):
            return block, index + 1
        flow = self._flow(block)
        ids = [id(b) for b in flow]
        if id(block) not in ids:
            return None
        k = ids.index(id(block))
        return (flow[k + 1], 0) if k + 1 < len(flow) else None

    def _plan_hyphenation(self, blocks: list[Block]) -> None:
        for block in blocks:
            if not block.role.has_text:
                continue
            for i, line in enumerate(block.lines):
                if line.join is None or line.join.kind is not JoinKind.HYPHEN:
                    continue
                words = xml_text(line.text).split()
                if not words:
                    continue
                part1 = words[-1].rstrip(LINE_HYPHENS)
                nxt = self._next_line(block, i)
                if not part1 or nxt is None:
                    continue
                next_words = xml_text(nxt[0].lines[nxt[1]].text).split()
                if not next_words:
                    continue
                whole = _strip_punct(part1) + _strip_punct(next_words[0])
                self.hyp1[(id(block), i)] = whole
                self.hyp2.setdefault((id(nxt[0]), nxt[1]), whole)

    # ---- units

    def _u(self, v: float) -> int:
        return int(round(float(v) * self.scale))

    @staticmethod
    def _num(v: float) -> str:
        return str(int(v)) if float(v).is_integer() else f"{v:g}"

    def _geometry(self, box) -> dict[str, str]:
        """HPOS/VPOS/WIDTH/HEIGHT of a box: each edge is converted and rounded, then the size taken, so
        adjacent boxes stay adjacent in every unit."""
        s = self.scale
        x0, y0, x1, y1 = box
        hx, vy = int(round(x0 * s)), int(round(y0 * s))
        return {
            "HPOS": str(hx),
            "VPOS": str(vy),
            "WIDTH": str(max(0, int(round(x1 * s)) - hx)),
            "HEIGHT": str(max(0, int(round(y1 * s)) - vy)),
        }

    def _pos(self, el: etree._Element, box) -> None:
        for k, v in self._geometry(box).items():
            el.set(k, v)

    # ---- document

    def build(self) -> etree._Element:
        root = etree.Element(_NS + "alto", nsmap={None: ALTO_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{ALTO_NS} {ALTO_XSD}")
        root.set("SCHEMAVERSION", SCHEMA_VERSION)
        self._description(root)
        self._styles(root)
        self._tags(root)
        self._reading_order(root)
        self._layout(root)
        return root

    def _sub(self, parent, tag: str, text: str | None = None, **attrs: str | None):
        return sub_element(parent, _NS + tag, text, **attrs)

    def _description(self, root) -> None:
        page, src = self.page, self.page.source
        desc = self._sub(root, "Description")
        self._sub(desc, "MeasurementUnit", self.unit)
        info = self._sub(desc, "sourceImageInformation")
        self._sub(info, "fileName", src.path)
        if src.sha256:
            self._sub(info, "fileIdentifier", src.sha256, fileIdentifierLocation="sha256")

        kind = src.kind
        description = {
            "pdf-text": "text taken from the PDF text layer (no OCR)",
            "pdf-scan": "PDF page rasterized and recognized by OCR",
            "image": "page image recognized by OCR",
        }.get(kind, f"source kind {kind}")
        settings = [
            f"engine: {page.engine or 'unknown'}",
            f"source kind: {kind}",
            f"source page index: {src.index}",
            f"source mime: {src.mime}",
            f"dpi: {self._num(round(self.dpi, 2)) if self.dpi else 'unknown'}",
        ]
        if page.transform.frame:
            settings.append(f"page frame taken off: {page.transform.frame}")
        if page.transform.rotation_degrees:
            settings.append(f"turned upright: {page.transform.rotation_degrees} degrees")
        if page.transform.skew_degrees:
            settings.append(f"deskew: {page.transform.skew_degrees:.3f} degrees")
        if page.settings_digest:  # which thresholds made the page (digitize.settings)
            settings.append(f"settings digest: {page.settings_digest}")
        if page.settings_changed:
            settings.append(f"settings changed: {format_changed(page.settings_changed)}")
        settings_text = "; ".join(settings)
        category = "contentGeneration"

        def step(parent, tag):
            st = self._sub(parent, tag)
            self._sub(st, "processingCategory", category)
            self._sub(st, "processingStepDescription", description)
            self._sub(st, "processingStepSettings", settings_text)
            sw = self._sub(st, "processingSoftware")
            self._sub(sw, "softwareCreator", "digitize contributors")
            self._sub(sw, "softwareName", "digitize")
            self._sub(sw, "softwareVersion", _software_version())
            return st

        # OCRProcessing is deprecated since ALTO 4.0 but is what most readers look for (ABBYY, docWorks,
        # Tesseract write it); Processing is its 4.x replacement. Both carry the same facts.
        ocr = self._sub(desc, "OCRProcessing", ID=self.ids.make("OCR"))
        step(ocr, "ocrProcessingStep")
        proc = step(desc, "Processing")
        proc.set("ID", self.ids.make("PROCESSING"))
        self.processing_id = proc.get("ID")
        if page.quality is not None:
            self._quality(desc)

    def _quality(self, desc) -> None:
        """The page's quality record (model.PageQuality) as a second ``Processing`` step, a post-operation:
        its state and review reasons in the description, every measure in the settings as ``name: value``
        pairs (field names with spaces; lists comma-separated; ``none`` for a measure not taken)."""
        quality = self.page.quality
        assert quality is not None
        pairs = []
        for name, value in dataclasses.asdict(quality).items():
            if isinstance(value, list):
                text = ", ".join(str(v) for v in value) or "none"
            elif value is None:
                text = "none"
            elif isinstance(value, float):
                text = self._num(round(value, 4))
            else:
                text = str(value)
            pairs.append(f"{name.replace('_', ' ')}: {text}")
        step = self._sub(desc, "Processing", ID=self.ids.make("QUALITY"))
        self._sub(step, "processingCategory", "postOperation")
        reasons = ", ".join(quality.reasons)
        self._sub(
            step,
            "processingStepDescription",
            f"quality record: {quality.state}" + (f" ({reasons})" if reasons else ""),
        )
        self._sub(step, "processingStepSettings", "; ".join(pairs))
        software = self._sub(step, "processingSoftware")
        self._sub(software, "softwareCreator", "digitize contributors")
        self._sub(software, "softwareName", "digitize")
        self._sub(software, "softwareVersion", _software_version())

    def _styles(self, root) -> None:
        if not self.style_ids and not self.paragraph_style_ids:
            return
        styles = self._sub(root, "Styles")
        for (size, bold), sid in self.style_ids.items():
            self._sub(styles, "TextStyle", ID=sid, FONTSIZE=self._num(size), FONTSTYLE="bold" if bold else None)
        for (align, first_line, line_space), sid in self.paragraph_style_ids.items():
            self._sub(
                styles,
                "ParagraphStyle",
                ID=sid,
                ALIGN=align,
                FIRSTLINE=str(self._u(first_line)) if first_line else None,
                LINESPACE=str(self._u(line_space)) if line_space else None,
            )

    def _tags(self, root) -> None:
        if not self.role_tags and not self.article_tags and not self.join_tags:
            return
        tags = self._sub(root, "Tags")
        for role, tid in self.role_tags.items():
            self._sub(tags, "LayoutTag", ID=tid, TYPE="role", LABEL=role.value)
        for kind, tid in self.join_tags.items():
            self._sub(tags, "LayoutTag", ID=tid, TYPE="join", LABEL=kind.value)
        for art, _ in self.articles:
            label = " ".join(xml_text(art.headline).split()) or art.id
            notes = []
            for c in art.continuations:
                where = "continues on" if c.direction == "forward" else "continued from"
                notes.append(f"{where} page {c.page} ({c.marker})")
            self._sub(
                tags,
                "StructureTag",
                ID=self.article_tags[id(art)],
                TYPE="article",
                LABEL=label,
                DESCRIPTION="; ".join(notes) if notes else None,
            )

    def _reading_order(self, root) -> None:
        groups: list[tuple[Article, list[Block]]] = [(a, bs) for a, bs in self.articles if bs]
        ordered_loose = [b for b in self.loose if b.order >= 0]
        unordered_loose = [b for b in self.loose if b.order < 0]
        if not groups and not ordered_loose and not unordered_loose:
            return
        ro = self._sub(root, "ReadingOrder")
        top = self._sub(ro, "OrderedGroup", ID=self.ids.make("RO"))
        for art, blocks in groups:
            grp = self._sub(
                top,
                "OrderedGroup",
                ID=self.ids.make("RO", art.id),
                TAGREFS=self.article_tags[id(art)],
                REF=self.cb_id(art) if self.article_blocks == "composed" else None,
            )
            for b in blocks:
                self._sub(grp, "ElementRef", ID=self.ids.make("RO", art.id, b.id), REF=self.block_ids[id(b)])
        for b in ordered_loose:
            self._sub(top, "ElementRef", ID=self.ids.make("RO", b.id), REF=self.block_ids[id(b)])
        if unordered_loose:
            grp = self._sub(top, "UnorderedGroup", ID=self.ids.make("RO", "unordered"))
            for b in unordered_loose:
                self._sub(grp, "ElementRef", ID=self.ids.make("RO", b.id), REF=self.block_ids[id(b)])

    def cb_id(self, art: Article) -> str:
        if not hasattr(self, "_cb_ids"):
            self._cb_ids: dict[int, str] = {}
        if id(art) not in self._cb_ids:
            self._cb_ids[id(art)] = self.ids.make("CB", art.id)
        return self._cb_ids[id(art)]

    def _layout(self, root) -> None:
        page = self.page
        layout = self._sub(root, "Layout")
        langs = Counter(
            b.language for b in page.blocks if b.role.has_text and b.lines and _LANG.match(b.language or "")
        )
        pg = self._sub(
            layout,
            "Page",
            ID=self.page_id,
            PHYSICAL_IMG_NR=str(page.number),
            PRINTED_IMG_NR=page.label or None,
            PROCESSINGREFS=self.processing_id,
        )
        self._set_size(pg, page.width, page.height)
        pc = self._page_confidence()
        if pc is not None:
            pg.set("PC", pc)
        if langs:
            ranked = [lang for lang, _ in langs.most_common()]
            pg.set("LANG", ranked[0])
            if ranked[1:]:
                pg.set("OTHERLANGS", " ".join(ranked[1:]))

        boxes = [b.box for b in page.blocks] + [s.box for s in page.separators]
        ps_box = _union([tuple(b) for b in boxes]) if boxes else (0, 0, page.width, page.height)
        self._margins(pg, ps_box)
        ps = self._sub(pg, "PrintSpace", ID=self.ids.make("PS"))
        self._pos(ps, ps_box)

        for art, blocks in self.articles:
            if not blocks:
                continue
            if self.article_blocks == "tags":
                for b in blocks:
                    self._block(ps, b, art)
                continue
            cb = self._sub(ps, "ComposedBlock", ID=self.cb_id(art))
            self._pos(cb, _union([tuple(b.box) for b in blocks]))
            cb.set("TAGREFS", self.article_tags[id(art)])
            cb.set("TYPE", "article")
            for b in blocks:
                self._block(cb, b, art)
        for b in self.loose:
            self._block(ps, b, None)
        for sep in page.separators:
            ge = self._sub(ps, "GraphicalElement", ID=self.ids.make(sep.id))
            self._pos(ge, sep.box)

    def _margins(self, pg, ps_box) -> None:
        """The four page margins: the page outside the print space (left and right beside it)."""
        x0, y0, x1, y1 = ps_box
        w, h = self.page.width, self.page.height
        for name, box in (
            ("TopMargin", (0, 0, w, y0)),
            ("LeftMargin", (0, y0, x0, y1)),
            ("RightMargin", (x1, y0, w, y1)),
            ("BottomMargin", (0, y1, w, h)),
        ):
            if box[2] > box[0] and box[3] > box[1]:
                self._pos(self._sub(pg, name, ID=self.ids.make(name)), box)

    def _set_size(self, el, width: float, height: float) -> None:
        el.set("WIDTH", str(self._u(width)))
        el.set("HEIGHT", str(self._u(height)))

    def _page_confidence(self) -> str | None:
        confs = [g.confidence for b in self.page.blocks if b.role.has_text for ln in b.lines for g in ln.glyphs]
        if not confs:
            confs = [ln.confidence for b in self.page.blocks if b.role.has_text for ln in b.lines]
        confs = [c for c in confs if c is not None and math.isfinite(c)]
        return _conf(float(np.mean(confs))) if confs else None

    def _tagrefs(self, block: Block, art: Article | None) -> str:
        refs = [self.role_tags[block.role]]
        if art is not None:
            refs.append(self.article_tags[id(art)])
        return " ".join(refs)

    def _block(self, parent, block: Block, art: Article | None) -> None:
        bid = self.block_ids[id(block)]
        if block.role is Role.PHOTO:
            el = self._sub(parent, "Illustration", ID=bid)
            self._pos(el, block.box)
            el.set("TAGREFS", self._tagrefs(block, art))
            el.set("TYPE", "photo")
            return
        el = self._sub(parent, "TextBlock", ID=bid)
        self._pos(el, block.box)
        key = self._style_key(block)
        refs = [self.style_ids[key]] if key else []
        if id(block) in self.paragraph_style_of:
            refs.append(self.paragraph_style_of[id(block)])
        if refs:
            el.set("STYLEREFS", " ".join(refs))
        el.set("TAGREFS", self._tagrefs(block, art))
        if block.language and _LANG.match(block.language):
            el.set("LANG", block.language)
        if block.vertical:
            el.set("BASEDIRECTION", "ttb")
        for i, line in enumerate(block.lines):
            self._line(el, block, i, line)

    def _line(self, parent, block: Block, index: int, line: Line) -> None:
        mapped = line_in_profile(line.text, self.punctuation, block.role)
        layout = _layout_line(line, block.vertical, mapped, self.cjk_strings)
        if not layout.words:
            return  # a TextLine needs at least one String
        hyphen_word = self.hyp1.get((id(block), index))
        joined_hyphen = line.join is not None and line.join.kind is JoinKind.HYPHEN
        if joined_hyphen:
            last = layout.words[-1]
            if len(last.chars) > 1 and last.chars[-1].ch in LINE_HYPHENS:
                layout.hyphen = last.chars.pop()
            if hyphen_word:
                last.subs_type, last.subs_content = "HypPart1", hyphen_word
        part2 = self.hyp2.get((id(block), index))
        if part2 and layout.words[0].subs_type is None:
            layout.words[0].subs_type, layout.words[0].subs_content = "HypPart2", part2

        lid = self.ids.make(block.id, f"L{index + 1:03d}")
        tl = self._sub(parent, "TextLine", ID=lid)
        self._pos(tl, line.box)
        if line.join is not None:
            tl.set("TAGREFS", self.join_tags[line.join.kind])
        x0, y0, x1, y1 = line.box
        if block.vertical:  # ideographic central baseline of a vertical line
            cx = self._u((x0 + x1) / 2)
            tl.set("BASELINE", f"{cx},{self._u(y0)} {cx},{self._u(max(y0, y1 - 1))}")
        else:
            by = self._u(max(y0, y1 - 1))
            tl.set("BASELINE", f"{self._u(x0)},{by} {self._u(max(x0, x1 - 1))},{by}")

        for j, word in enumerate(layout.words):
            if j > 0 and layout.spaced[j]:
                sp = self._sub(tl, "SP")
                self._pos(sp, layout.gaps[j - 1])
            self._string(tl, f"{lid}_S{j + 1:03d}", word)
        if layout.hyphen is not None:
            hyp = self._sub(tl, "HYP")
            self._pos(hyp, layout.hyphen.box)
            hyp.set("CONTENT", xml_text(layout.hyphen.ch))

    def _string(self, parent, sid: str, word: _Word) -> None:
        sid = self.ids.claim(sid)
        el = self._sub(parent, "String", ID=sid)
        self._pos(el, _union([c.box for c in word.chars]))
        el.set("CONTENT", word.text)
        confs = [c.conf for c in word.chars if c.conf is not None and math.isfinite(c.conf)]
        wc = _conf(sum(confs) / len(confs)) if confs else None
        if wc is not None:
            el.set("WC", wc)
        if len(confs) == len(word.chars):
            # CC: per character, 0 (sure) … 9 (unsure), the confidence's complement on a 0–9 scale
            el.set("CC", " ".join(str(min(9, max(0, round((1 - min(1.0, max(0.0, c))) * 9)))) for c in confs))
        if word.subs_type:
            el.set("SUBS_TYPE", word.subs_type)
            el.set("SUBS_CONTENT", xml_text(word.subs_content or ""))
        if any(unicodedata.combining(c.ch) for c in word.chars):
            return  # a combining sequence is one glyph but several characters: leave glyphs out
        glyph_tag = _NS + "Glyph"
        for k, c in enumerate(word.chars):
            attrib = {"ID": self.ids.claim(f"{sid}_G{k + 1:03d}"), **self._geometry(c.box), "CONTENT": c.ch}
            gc = _conf(c.conf)
            if gc is not None:
                attrib["GC"] = gc
            etree.SubElement(el, glyph_tag, attrib)  # c.ch is already XML-safe


def _paragraph_key(block: Block, text_size_px: float) -> tuple[str | None, float, float] | None:
    """(ALIGN, FIRSTLINE, LINESPACE) of a horizontal text block, read off its lines' boxes: the paragraph
    geometry a viewer re-flows with. Indent and line pitch are rounded to a quarter of the body text size
    (or 4 px) so blocks set alike share one style. None for photos, vertical and lineless blocks."""
    lines = [ln for ln in block.lines if ln.box[2] > ln.box[0]]
    if not block.role.has_text or block.vertical or not lines:
        return None
    heights = sorted(ln.height for ln in lines)
    tolerance = max(1.0, heights[len(heights) // 2] / 2)  # half a line height: beyond glyph jitter
    quantum = max(4.0, (text_size_px or 0) / 4)
    x0, _, x1, _ = block.box
    lefts = [ln.box[0] for ln in lines[1:]] or [lines[0].box[0]]
    rights = [ln.box[2] for ln in lines[:-1]] or [lines[0].box[2]]
    flush_left = max(lefts) - min(lefts) <= tolerance and min(lefts) - x0 <= tolerance
    flush_right = max(rights) - min(rights) <= tolerance and x1 - max(rights) <= tolerance
    centres = [(ln.box[0] + ln.box[2]) / 2 for ln in lines]
    centred = all(abs(c - (x0 + x1) / 2) <= tolerance for c in centres)
    if len(lines) > 1 and flush_left and flush_right:
        align = "Block"
    elif centred and not (flush_left and flush_right):
        align = "Center"
    elif flush_left:
        align = "Left"
    elif flush_right:
        align = "Right"
    else:
        align = None
    first_line = round((lines[0].box[0] - min(lefts)) / quantum) * quantum if len(lines) > 1 else 0.0
    pitches = sorted(b.box[1] - a.box[1] for a, b in zip(lines, lines[1:]))
    line_space = round(pitches[len(pitches) // 2] / quantum) * quantum if pitches else 0.0
    return (align, max(0.0, first_line), max(0.0, line_space))


def alto_block_ids(page: Page) -> dict[str, str]:
    """The ALTO ID each block of ``page`` gets (model block id → e.g. ``P1_TB0005``): what METS points at."""
    writer = _AltoWriter(page, "pixel")
    blocks = [b for _, members in writer.articles for b in members] + writer.loose
    return {b.id: writer.block_ids[id(b)] for b in blocks}


def page_to_alto_tree(
    page: Page, unit: str = "pixel", punctuation: str = "corpus", article_blocks: str = "tags", cjk_strings: str = "run"
) -> etree._Element:
    """The ALTO 4.4 document of ``page`` as an lxml element (root ``alto``)."""
    return _AltoWriter(page, unit, punctuation, article_blocks, cjk_strings).build()


def page_to_alto(
    page: Page, unit: str = "pixel", punctuation: str = "corpus", article_blocks: str = "tags", cjk_strings: str = "run"
) -> bytes:
    """ALTO 4.4 XML (UTF-8, pretty-printed) for one finished page.

    ``unit`` is the ALTO ``MeasurementUnit``: ``"pixel"`` (source-image pixels), ``"mm10"`` or ``"inch1200"``
    (converted with ``page.source.dpi``). ``punctuation`` is the profile of the text output (``corpus``,
    ``original``, ``ascii``). ``article_blocks`` is ``"tags"`` (TextBlocks in the PrintSpace, articles as
    StructureTags) or ``"composed"`` (a ComposedBlock per article). ``cjk_strings`` is ``"run"`` (one String
    per whitespace-free run) or ``"clause"`` (CJK runs cut after punctuation and at script changes). Raises
    ValueError for an unknown unit, profile or option, a missing dpi with a physical unit, or a page whose
    boxes are still in working-image coordinates.
    """
    root = page_to_alto_tree(page, unit, punctuation, article_blocks, cjk_strings)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
