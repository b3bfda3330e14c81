"""ALTO 1.4–4.4 into the page model.

Versions differ in namespace (1.x none, or docWorks' ``http://schema.ccs-gmbh.com/ALTO``; 2.x–4.x
``…/alto/ns-vN#``) and in what they can say; every element is read by its local name, so one reader serves
all. What is read:

* boxes, converted from ``MeasurementUnit`` (``pixel``; ``mm10``, the 1.x default; ``inch1200``) to pixels at
  the page dpi: the ``dpi:`` our writer records in ``processingStepSettings``, else the caller's, else 300;
* roles from ``TAGREFS`` to ``LayoutTag``s whose ``LABEL`` is a digitize role, else body (photo for an
  ``Illustration``);
* articles from ``ComposedBlock TYPE="article"`` or ``TAGREFS`` to a ``StructureTag TYPE="article"``;
* reading order from ``ReadingOrder`` (4.x), else the ``IDNEXT`` chains of 1.x–3.x, else document order;
* line text as ``String``s joined by a space where an ``SP`` stands between them (files that write ``SP``
  at all), else by a space unless either side is CJK; a trailing ``HYP`` kept as the line's last character;
* joins from ``TextLine TAGREFS`` to ``LayoutTag TYPE="join"`` when the file has them (digitize's own
  files), else inferred (`common.flow_joins`) with ``HypPart1``/``HYP`` marking hyphenated words;
* ``Glyph``s when every String of a line carries one per character.
"""

from __future__ import annotations

import copy
import math
import os
import re
import typing

from lxml import etree

from ..model import (
    Article,
    Block,
    Document,
    Glyph,
    Join,
    JoinKind,
    Line,
    Page,
    PageQuality,
    PageSource,
    Role,
    Separator,
    TextStyle,
)
from ..settings import SettingsError, parse_changed
from ..text.language import guess_language
from ..text.patterns import is_cjk
from .common import (
    DEFAULT_DPI,
    MAX_NUMBER,
    ReadError,
    finish_page,
    line_confidence,
    local_name,
    namespace,
    number,
    parse_xml,
)

NAMESPACES = {
    None: "1.x",
    "http://schema.ccs-gmbh.com/ALTO": "1.x",
    "http://www.loc.gov/standards/alto/ns-v2#": "2.x",
    "http://www.loc.gov/standards/alto/ns-v3#": "3.x",
    "http://www.loc.gov/standards/alto/ns-v4#": "4.x",
}
# Units per inch; ALTO 1.x files without a MeasurementUnit are in mm10 (the schema's stated default).
UNITS_PER_INCH = {"pixel": None, "mm10": 254.0, "inch1200": 1200.0}
_SETTING = re.compile(r"(?:^|;\s*)([a-z ]+):\s*([^;]*)")
_QUALITY_SETTING = re.compile(r"(?:^|;\s*)([a-z0-9 ]+):\s*([^;]*)")
BLOCK_TAGS = ("TextBlock", "Illustration", "GraphicalElement", "ComposedBlock")
MIN_DPI, MAX_DPI = 50.0, 4800.0  # a recorded dpi outside this range is ignored (the default applies)


class _Reader:
    def __init__(self, root: etree._Element, path: str, dpi: float | None):
        self.root, self.path = root, path
        self.ns = namespace(root)
        if self.ns not in NAMESPACES:
            raise ReadError(
                path, f"unknown ALTO namespace {self.ns!r} (known: none, " + ", ".join(n for n in NAMESPACES if n) + ")"
            )
        self.by_id = {el.get("ID"): el for el in root.iter() if isinstance(el.tag, str) and el.get("ID")}
        desc = self._first(root, "Description")
        self.settings = dict(_SETTING.findall(self._text(desc, "processingStepSettings")))
        # Read once: the record is the file's (one page per file as we write it); per page it made a 4,000-page
        # file quadratic.
        self.quality = quality_record(desc) if desc is not None else None
        unit = self._text(desc, "MeasurementUnit") or ("mm10" if NAMESPACES[self.ns] == "1.x" else "pixel")
        if unit not in UNITS_PER_INCH:
            raise ReadError(path, f"unknown MeasurementUnit {unit!r}")
        self.unit = unit
        self.dpi = self._dpi(dpi)
        per_inch = UNITS_PER_INCH[unit]
        self.scale = 1.0 if per_inch is None else self.dpi / per_inch  # pixels per unit
        # A file that records joins (digitize's own) gives every joined line one; a line without ends its flow.
        self.has_spaces = any(local_name(el) == "SP" for el in root.iter() if isinstance(el.tag, str))
        self.has_join_tags = any(local_name(t) == "LayoutTag" and t.get("TYPE") == "join" for t in self.by_id.values())
        self.order_targets = self._order_targets()
        self.image_info = self._first(desc, "sourceImageInformation")

    def _order_targets(self) -> dict[int, list[etree._Element]] | None:
        """The elements ReadingOrder refers to, in its order, grouped by the Page holding them (id of the
        Page element); None without a ReadingOrder. Read once: looking it up per page made a 4,000-page
        file quadratic (188 s)."""
        ro = self._first(self.root, "ReadingOrder")
        if ro is None:
            return None
        targets: dict[int, list[etree._Element]] = {}
        for ref in ro.iter():
            if local_name(ref) == "ElementRef" or (
                local_name(ref) in ("OrderedGroup", "UnorderedGroup")
                and not any(local_name(c) == "ElementRef" for c in ref)
            ):
                target = self.by_id.get(ref.get("REF") or "")
                page = target
                while page is not None and local_name(page) != "Page":
                    page = page.getparent()
                if target is not None and page is not None:
                    targets.setdefault(id(page), []).append(target)
        return targets

    # ---- small helpers

    def _iter(self, el, name: str):
        return (e for e in el.iter() if local_name(e) == name) if el is not None else iter(())

    def _first(self, el, name: str):
        return next(self._iter(el, name), None)

    def _text(self, el, name: str) -> str:
        found = self._first(el, name)
        return (found.text or "").strip() if found is not None else ""

    def _dpi(self, override: float | None) -> float:
        recorded = self.settings.get("dpi", "")
        try:
            value = float(recorded)
        except ValueError:
            value = 0.0
        value = value if math.isfinite(value) and MIN_DPI <= value <= MAX_DPI else 0.0
        return float(override or (value if value > 0 else DEFAULT_DPI))

    def _number(self, el, name: str, low: float = -MAX_NUMBER) -> float | None:
        return number(el.get(name), f"{local_name(el)} {el.get('ID') or ''} {name}".replace("  ", " "), self.path, low)

    def _box(self, el) -> tuple[int, int, int, int] | None:
        """The element's box in pixels; None when it has no position. A position or size that is not a
        finite number of a plausible size is a ReadError (``HPOS="inf"`` would overflow every sum)."""
        x, y = self._number(el, "HPOS"), self._number(el, "VPOS")
        if x is None or y is None:
            return None
        w, h = self._number(el, "WIDTH") or 0.0, self._number(el, "HEIGHT") or 0.0
        s = self.scale
        return (round(x * s), round(y * s), round((x + w) * s), round((y + h) * s))

    def _tags(self, el) -> list[etree._Element]:
        return [self.by_id[r] for r in (el.get("TAGREFS") or "").split() if r in self.by_id]

    def _strip_prefix(self, ident: str) -> str:
        return ident[len(self.prefix) + 1 :] if self.prefix and ident.startswith(self.prefix + "_") else ident

    # ---- document

    def read(self) -> Document:
        pages = list(self._iter(self._first(self.root, "Layout"), "Page"))
        if not pages:
            raise ReadError(self.path, "ALTO without Layout/Page")
        return Document(self.path, [self._page(pg, k) for k, pg in enumerate(pages)])

    def _page(self, pg, index: int) -> Page:
        self.prefix = pg.get("ID", "")
        physical = self._number(pg, "PHYSICAL_IMG_NR", low=0)
        number = int(physical or 0) or index + 1  # Tesseract counts from 0
        info = self.image_info
        ident = self._first(info, "fileIdentifier")
        source = PageSource(
            path=self._text(info, "fileName") or self.path,
            index=_index(self.settings.get("source page index"), index),
            kind=self.settings.get("source kind", "alto").strip() or "alto",
            sha256=(ident.text or "").strip()
            if ident is not None and ident.get("fileIdentifierLocation") == "sha256"
            else "",
            dpi=self.dpi,
            mime=self.settings.get("source mime", "").strip() or "application/xml",
        )
        elements = [e for e in pg.iter() if local_name(e) in BLOCK_TAGS]
        w, h = self._number(pg, "WIDTH", low=0) or 0.0, self._number(pg, "HEIGHT", low=0) or 0.0
        page = Page(
            number=number,
            width=round(w * self.scale),
            height=round(h * self.scale),
            source=source,
            engine=self.settings.get("engine", "").strip(),
            label=pg.get("PRINTED_IMG_NR") or "",
            settings_digest=self.settings.get("settings digest", "").strip(),
        )
        try:  # which thresholds made the page, when digitize wrote it
            page.settings_changed = parse_changed(self.settings.get("settings changed", ""))
        except SettingsError:
            pass  # another producer's words: not ours to read
        page.quality = copy.deepcopy(self.quality)

        blocks: dict[int, Block] = {}  # id(element) -> block, in document order
        self.hyphenated: dict[int, set[int]] = {}
        for el in elements:
            name = local_name(el)
            if name == "GraphicalElement":
                box = self._box(el)
                if box:
                    horizontal = (box[2] - box[0]) >= (box[3] - box[1])
                    page.separators.append(
                        Separator(
                            self._strip_prefix(el.get("ID", f"SEP{len(page.separators) + 1}")),
                            box,
                            "horizontal" if horizontal else "vertical",
                        )
                    )
            elif name in ("TextBlock", "Illustration"):
                blocks[id(el)] = self._block(el)
        if not page.width or not page.height:
            boxes = [b.box for b in blocks.values()]
            page.width = page.width or max((b[2] for b in boxes), default=0)
            page.height = page.height or max((b[3] for b in boxes), default=0)

        ordered = self._reading_order(pg, elements, blocks)
        articles = self._articles(ordered, blocks)
        in_articles = {id(b) for a in articles for b in a.blocks}
        page.articles = articles
        page.blocks = [b for a in articles for b in a.blocks] + [b for b in ordered if id(b) not in in_articles]
        return finish_page(page, bool(articles), self.has_join_tags, self.hyphenated)

    # ---- blocks

    def _role(self, el, default: Role) -> Role:
        for tag in self._tags(el):
            if local_name(tag) == "LayoutTag" and tag.get("TYPE") != "join":
                try:
                    return Role(tag.get("LABEL"))
                except ValueError:
                    continue
        return default

    def _style(self, el) -> TextStyle | None:
        refs = el.get("STYLEREFS") or next((e.get("STYLEREFS") for e in el.iter() if e.get("STYLEREFS")), None)
        for ref in (refs or "").split():
            style = self.by_id.get(ref)
            if style is not None and local_name(style) == "TextStyle" and style.get("FONTSIZE"):
                points = self._number(style, "FONTSIZE", low=0)
                assert points is not None  # FONTSIZE is present (checked above)
                return TextStyle(points * self.dpi / 72.0, "bold" in (style.get("FONTSTYLE") or ""))
        return None

    def _block(self, el) -> Block:
        ident = self._strip_prefix(el.get("ID", ""))
        box = self._box(el) or (0, 0, 0, 0)
        if local_name(el) == "Illustration":
            return Block(ident, self._role(el, Role.PHOTO), box)
        block = Block(
            ident,
            self._role(el, Role.BODY),
            box,
            style=self._style(el),
            vertical=el.get("BASEDIRECTION") == "ttb",
            language=el.get("LANG") or el.get("language") or "",
        )
        for tl in (c for c in el if local_name(c) == "TextLine"):
            line, hyphenated = self._line(tl)
            if line is None:
                continue
            if hyphenated:
                self.hyphenated.setdefault(id(block), set()).add(len(block.lines))
            block.lines.append(line)
        if not block.language:
            block.language = guess_language(block.text)
        return block

    def _line(self, tl) -> tuple[Line | None, bool]:
        words: list[str] = []
        spaced: list[bool] = []  # a space stands before words[i]
        sp_seen = False
        glyphs: list[Glyph] = []
        confidences: list[float] = []
        glyphs_complete = True
        hyphen = ""
        hyphenated = False
        for child in tl:
            name = local_name(child)
            if name == "String":
                content = child.get("CONTENT") or ""
                if not content:
                    continue
                if words:
                    if sp_seen or not self.has_spaces:
                        spaced.append(sp_seen or not (is_cjk(words[-1][-1]) or is_cjk(content[0])))
                    else:
                        spaced.append(False)  # Strings cut inside a run (a CJK clause): no space between
                else:
                    spaced.append(False)
                sp_seen = False
                words.append(content)
                hyphenated = child.get("SUBS_TYPE") == "HypPart1"
                conf = self._number(child, "WC", low=0)
                if conf is not None:
                    confidences.append(conf)
                found = [g for g in child if local_name(g) == "Glyph"]
                boxes = [self._box(g) for g in found]
                if len(found) == len(content) and all(b is not None for b in boxes):
                    fallback = conf if conf is not None else 1.0
                    glyphs += [
                        Glyph(
                            g.get("CONTENT") or c,
                            box,
                            gc if g.get("GC") and (gc := self._number(g, "GC", low=0)) is not None else fallback,
                        )
                        for g, c, box in zip(found, content, boxes)
                        if box is not None
                    ]
                else:
                    glyphs_complete = False
            elif name == "SP":
                sp_seen = True
            elif name == "HYP":
                hyphen = child.get("CONTENT") or "-"
                hyphen_box = self._box(child)
                hyphenated = True
        if not words:
            return None, False
        if hyphenated and not hyphen:
            hyphen = "-"  # HypPart1 without HYP: the printed hyphen is implied; the model keeps it in the text
            hyphen_box = None
        box = self._box(tl) or (0, 0, 0, 0)
        text = "".join((" " if space else "") + word for word, space in zip(words, spaced)) + hyphen
        line = Line(text, box, line_confidence(confidences))
        if glyphs_complete:
            if hyphen:
                glyphs.append(Glyph(hyphen, hyphen_box or (box[2], box[1], box[2], box[3]), line.confidence))
            line.glyphs = glyphs
        for tag in self._tags(tl):
            if local_name(tag) == "LayoutTag" and tag.get("TYPE") == "join":
                line.join = Join(JoinKind(tag.get("LABEL")), "read from ALTO")
        return line, hyphenated

    # ---- order and articles

    def _reading_order(self, pg, elements, blocks: dict[int, Block]) -> list[Block]:
        """Blocks in reading order: ReadingOrder refs, else IDNEXT chains, else document order; blocks the
        order leaves out follow in document order."""
        in_doc = [el for el in elements if id(el) in blocks]
        sequence: list[etree._Element] = []
        if self.order_targets is not None:
            for target in self.order_targets.get(id(pg), []):
                sequence += [target] if id(target) in blocks else [e for e in target.iter() if id(e) in blocks]
        elif any(el.get("IDNEXT") for el in in_doc):
            targets = {el.get("IDNEXT") for el in in_doc if el.get("IDNEXT")}
            for start in (el for el in in_doc if el.get("ID") not in targets):
                el, seen = start, set()
                while el is not None and id(el) in blocks and id(el) not in seen:
                    seen.add(id(el))
                    sequence.append(el)
                    el = self.by_id.get(el.get("IDNEXT") or "")
        seen_ids: set[int] = set()
        out = []
        for el in sequence + in_doc:
            if id(el) in blocks and id(el) not in seen_ids:
                seen_ids.add(id(el))
                out.append(blocks[id(el)])
        self._element_of = {id(b): el for el in in_doc for b in [blocks[id(el)]]}
        return out

    def _articles(self, ordered: list[Block], blocks: dict[int, Block]) -> list[Article]:
        """Articles in the order of their first block: a ComposedBlock TYPE="article" or a StructureTag."""
        articles: dict[str, Article] = {}
        for block in ordered:
            el = self._element_of[id(block)]
            key = None
            for tag in self._tags(el):
                if local_name(tag) == "StructureTag" and (tag.get("TYPE") or "").lower() == "article":
                    key = self._strip_prefix(tag.get("ID"))
                    key = key[3:] if key.startswith("ST_") else key
            parent = el.getparent()
            while key is None and parent is not None and local_name(parent) == "ComposedBlock":
                if (parent.get("TYPE") or "").lower() == "article":
                    key = self._strip_prefix(parent.get("ID", ""))
                    key = key[3:] if key.startswith("CB_") else key
                parent = parent.getparent()
            if key is None:
                continue
            article = articles.setdefault(key, Article(key))
            article.blocks.append(block)
            block.article_id = key
        return list(articles.values())


def _index(recorded: str | None, default: int) -> int:
    """The source page index our writer records in processingStepSettings; the page's position otherwise."""
    value = (recorded or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 8 else default


def read_alto(root: etree._Element, path: str | os.PathLike, dpi: float | None = None) -> Document:
    """The Document of a parsed ALTO file (one Page per ``Layout/Page``)."""
    return _Reader(root, str(path), dpi).read()


def quality_record(root: etree._Element) -> PageQuality | None:
    """The quality record our writer puts in a ``Processing`` step described as "quality record: ..."
    (export/alto.py); None when there is none, or when its values are not what we write."""
    for step in (e for e in root.iter() if isinstance(e.tag, str) and local_name(e) == "Processing"):
        texts = {local_name(e): (e.text or "").strip() for e in step if isinstance(e.tag, str)}
        if not texts.get("processingStepDescription", "").startswith("quality record"):
            continue
        pairs = dict(_QUALITY_SETTING.findall(texts.get("processingStepSettings", "")))
        values: dict[str, object] = {}
        for name, kind in typing.get_type_hints(PageQuality).items():
            text = pairs.get(name.replace("_", " "), "").strip()
            if not text:
                continue
            if kind == list[str]:
                values[name] = [] if text == "none" else [t.strip() for t in text.split(",") if t.strip()]
            elif kind is str:
                values[name] = text
            elif text == "none":
                values[name] = None
            else:
                try:
                    value = float(text)
                except ValueError:
                    return None
                if not math.isfinite(value):
                    return None
                values[name] = int(value) if kind in (int, int | None) else value
        return PageQuality(**values)  # type: ignore[arg-type]
    return None


def read_quality(data: bytes, path: str | os.PathLike) -> tuple[PageQuality | None, str, int]:
    """The quality record in one of our ALTO files (its bytes, as ``read.read_input_bytes`` gives them), with
    the source file it names and the source page index (``digitize review`` reads only these)."""
    root = parse_xml(data, path)
    desc = next((e for e in root if isinstance(e.tag, str) and local_name(e) == "Description"), None)
    if desc is None:
        return None, "", 0
    names = [(e.text or "").strip() for e in desc.iter() if isinstance(e.tag, str) and local_name(e) == "fileName"]
    settings = next(
        (e.text or "" for e in desc.iter() if isinstance(e.tag, str) and local_name(e) == "processingStepSettings"), ""
    )
    index = _index(dict(_SETTING.findall(settings)).get("source page index"), 0)
    return quality_record(desc), names[0] if names else "", index
