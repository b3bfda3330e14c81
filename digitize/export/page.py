"""PAGE XML 2019 (PRImA ``pagecontent/2019-07-15``) export of one finished page: what OCR-D, Transkribus and
eScriptorium read.

* ``TextRegion`` per text block with a PAGE ``type`` (headline → heading, caption, page header → header,
  footer, byline → credit, the rest paragraph) and the digitize role in ``custom="structure {type:…;}"``
  (Transkribus' convention), so kickers, subtitles and intertitles survive; ``ImageRegion`` per photo,
  ``SeparatorRegion`` per rule;
* ``TextLine`` with ``Coords``, a ``Baseline`` (bottom of the line box, the centre line of a vertical line),
  ``Word``s (the same units as the ALTO ``String``s: whitespace-free runs, or clauses with
  ``cjk_strings="clause"``) with one ``Glyph`` per character, and ``TextEquiv`` at every level whose text
  is the line in the text output's punctuation profile;
* ``ReadingOrder``: an ``OrderedGroup`` of one ``OrderedGroupIndexed`` per article (``caption`` the headline)
  then the blocks outside articles; PAGE has no article element, this is how OCR-D tools group them;
* line joins (how a line continues into the next line of its flow: hyphenated word, space, CJK, paragraph
  break) in the ``TextLine``'s ``custom="join {type:hyphen-join;}"``, and ``Page custom="joins {recorded:true;}"``
  saying the file records them (a line without one ends its flow), so reading the file back gives the text
  output's paragraphs, words cut at a line or column end joined, instead of joins guessed from the text.

Coordinates are source-image pixels. PAGE (and ``ocrd workspace validate``) wants every child inside its
parent, while OCR's line boxes can reach past the layout's block box and glyph boxes past the line: a
region's polygon is its block box grown to hold its lines and words, a line's its box grown to hold its
words (nothing is cut off). PAGE points are inclusive, so a box ``(x0, y0, x1, y1)`` (x1/y1
exclusive) has corners ``x0,y0 … x1-1,y1-1``. ``Created``/``LastChange`` come from the caller or the page
header's date, never the clock, so output is reproducible.
"""

from __future__ import annotations

import math

from lxml import etree

from ..model import Article, Block, Line, Page, Role
from .alto import IdAllocator, _conf, _is_identity, _layout_line, sub_element, xml_text
from .line_text import line_in_profile
from .names import page_xml_file_id

PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
PAGE_XSD = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15/pagecontent.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
FALLBACK_CREATED = "1970-01-01T00:00:00"
# PAGE TextRegion @type for each role (PAGE's enumeration has no kicker, subtitle, intertitle, continuation).
REGION_TYPES = {
    Role.HEADLINE: "heading",
    Role.KICKER: "heading",
    Role.SUBTITLE: "heading",
    Role.INTERTITLE: "heading",
    Role.CAPTION: "caption",
    Role.PAGE_HEADER: "header",
    Role.PAGE_FOOTER: "footer",
    Role.BYLINE: "credit",
    Role.ADVERTISEMENT: "other",
}
LANGUAGES = {
    "zh": "Chinese",
    "en": "English",
    "fr": "French",
    "de": "German",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ja": "Japanese",
    "ko": "Korean",
}

JOINS_RECORDED = "recorded:true"  # in Page/@custom: every joined TextLine says how (our PAGE reader reads it)

_P = "{%s}" % PAGE_NS


def _union(boxes) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _points(box) -> str:
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    x1, y1 = max(x0, x1 - 1), max(y0, y1 - 1)
    return f"{x0},{y0} {x1},{y0} {x1},{y1} {x0},{y1}"


def page_created(page: Page, created: str | None = None) -> str:
    """``created`` when given, else the page header's date at midnight, else a fixed value."""
    if created:
        return created
    date = page.metadata.get("date", "")
    if len(date) == 10 and date[4] == "-" and date[7] == "-":
        return f"{date}T00:00:00"
    return FALLBACK_CREATED


class _PageWriter:
    def __init__(self, page: Page, punctuation: str, cjk_strings: str):
        line_in_profile("", punctuation)  # an unknown profile fails before any output
        if not page.in_source_coordinates and not _is_identity(page):
            raise ValueError(
                "page boxes are still in working-image coordinates; call page.to_source_coordinates() "
                "before exporting PAGE XML"
            )
        self.page = page
        self.punctuation = punctuation
        self.cjk_strings = cjk_strings
        self.ids = IdAllocator(f"p{page.number}")
        seen: set[int] = set()
        self.articles: list[tuple[Article, list[Block]]] = []
        for art in sorted(page.articles, key=lambda a: (a.order < 0, a.order)):
            members = [b for b in art.blocks if id(b) not in seen]
            seen.update(id(b) for b in members)
            self.articles.append((art, members))
        self.loose = sorted((b for b in page.blocks if id(b) not in seen), key=lambda b: (b.order < 0, b.order))
        self.region_ids = {id(b): self.ids.make(b.id) for _, bs in self.articles for b in bs}
        self.region_ids.update({id(b): self.ids.make(b.id) for b in self.loose})

    def sub(self, parent, name: str, text: str | None = None, **attrs):
        return sub_element(parent, _P + name, text, **attrs)

    def build(
        self, creator: str, created: str, image_filename: str | None = None, pcgts_id: str | None = None
    ) -> etree._Element:
        root = etree.Element(_P + "PcGts", nsmap={None: PAGE_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{PAGE_NS} {PAGE_XSD}")
        root.set("pcGtsId", self.ids.claim(pcgts_id or page_xml_file_id(self.page.number)))
        meta = self.sub(root, "Metadata")
        self.sub(meta, "Creator", creator)
        self.sub(meta, "Created", created)
        self.sub(meta, "LastChange", created)
        page = self.page
        pg = self.sub(
            root,
            "Page",
            imageFilename=image_filename or page.source.path,
            imageWidth=str(page.width),
            imageHeight=str(page.height),
            custom=f"joins {{{JOINS_RECORDED};}}",
        )
        self._reading_order(pg)
        for _, blocks in self.articles:
            for b in blocks:
                self._region(pg, b)
        for b in self.loose:
            self._region(pg, b)
        for sep in page.separators:
            region = self.sub(
                pg,
                "SeparatorRegion",
                id=self.ids.make(sep.id),
                orientation="90.0" if sep.orientation == "vertical" else None,
            )
            self.sub(region, "Coords", points=_points(sep.box))
        return root

    def _reading_order(self, pg) -> None:
        ordered = [(a, [b for b in bs]) for a, bs in self.articles if bs]
        loose = [b for b in self.loose if b.order >= 0 or b.role.has_text]
        if not ordered and not loose:
            return
        top = self.sub(self.sub(pg, "ReadingOrder"), "OrderedGroup", id=self.ids.make("ro"), caption="page")
        for index, (art, blocks) in enumerate(ordered):
            label = " ".join(xml_text(art.headline).split()) or art.id
            group = self.sub(
                top,
                "OrderedGroupIndexed",
                id=self.ids.make("ro", art.id),
                index=str(index),
                caption=label,
                custom=f"structure {{type:article; id:{art.id};}}",
            )
            for k, b in enumerate(blocks):
                self.sub(group, "RegionRefIndexed", index=str(k), regionRef=self.region_ids[id(b)])
        for k, b in enumerate(loose, len(ordered)):
            self.sub(top, "RegionRefIndexed", index=str(k), regionRef=self.region_ids[id(b)])

    def _region(self, pg, block: Block) -> None:
        rid = self.region_ids[id(block)]
        if block.role is Role.PHOTO:
            region = self.sub(pg, "ImageRegion", id=rid, custom=f"structure {{type:{block.role.value};}}")
            self.sub(region, "Coords", points=_points(block.box))
            return
        language = LANGUAGES.get((block.language or "").split("-")[0])
        region = self.sub(
            pg,
            "TextRegion",
            id=rid,
            type=REGION_TYPES.get(block.role, "paragraph"),
            custom=f"structure {{type:{block.role.value};}}",
            orientation=None,
            primaryLanguage=language,
            readingDirection="top-to-bottom" if block.vertical else None,
        )
        coords = self.sub(region, "Coords", points=_points(block.box))
        texts, boxes = [], [tuple(block.box)]
        for i, line in enumerate(block.lines):
            written = self._line(region, block, i, line)
            if written is not None:
                texts.append(written[0])
                boxes.append(written[1])
        coords.set("points", _points(_union(boxes)))
        if texts:
            self._equiv(region, "\n".join(texts), block.confidence)

    def _equiv(self, parent, text: str, conf: float | None) -> None:
        c = _conf(conf) if conf is not None and math.isfinite(conf) else None
        equiv = self.sub(parent, "TextEquiv", conf=c)
        self.sub(equiv, "Unicode", text)

    def _line(self, region, block: Block, index: int, line: Line) -> tuple[str, tuple] | None:
        mapped = line_in_profile(line.text, self.punctuation, block.role)
        layout = _layout_line(line, block.vertical, mapped, self.cjk_strings)
        if not layout.words:
            return None
        lid = self.ids.make(block.id, f"l{index + 1:03d}")
        el = self.sub(
            region, "TextLine", id=lid, custom=f"join {{type:{line.join.kind.value};}}" if line.join else None
        )
        words = [_union([c.box for c in w.chars]) for w in layout.words]
        line_box = _union([tuple(line.box), *words])
        self.sub(el, "Coords", points=_points(line_box))
        x0, y0, x1, y1 = (int(round(v)) for v in line.box)
        if block.vertical:
            cx = (x0 + x1) // 2
            baseline = f"{cx},{y0} {cx},{max(y0, y1 - 1)}"
        else:
            baseline = f"{x0},{max(y0, y1 - 1)} {max(x0, x1 - 1)},{max(y0, y1 - 1)}"
        self.sub(el, "Baseline", points=baseline)
        for j, word in enumerate(layout.words):
            wid = self.ids.claim(f"{lid}_w{j + 1:03d}")
            w = self.sub(el, "Word", id=wid)
            self.sub(w, "Coords", points=_points(words[j]))
            for k, c in enumerate(word.chars):
                g = self.sub(w, "Glyph", id=self.ids.claim(f"{wid}_g{k + 1:03d}"))
                self.sub(g, "Coords", points=_points(c.box))
                self._equiv(g, c.ch, c.conf)
            confs = [c.conf for c in word.chars if c.conf is not None and math.isfinite(c.conf)]
            self._equiv(w, word.text, sum(confs) / len(confs) if confs else None)
        text = "".join((" " if j and layout.spaced[j] else "") + w.text for j, w in enumerate(layout.words))
        self._equiv(el, text, line.confidence)
        return text, line_box


def page_to_page_xml_tree(
    page: Page,
    punctuation: str = "corpus",
    cjk_strings: str = "run",
    created: str | None = None,
    creator: str = "digitize",
    image_filename: str | None = None,
    pcgts_id: str | None = None,
) -> etree._Element:
    """The PAGE 2019 document of ``page`` as an lxml element (root ``PcGts``)."""
    return _PageWriter(page, punctuation, cjk_strings).build(
        creator, page_created(page, created), image_filename, pcgts_id
    )


def page_to_page_xml(
    page: Page,
    punctuation: str = "corpus",
    cjk_strings: str = "run",
    created: str | None = None,
    creator: str = "digitize",
    image_filename: str | None = None,
    pcgts_id: str | None = None,
) -> bytes:
    """PAGE XML 2019 (UTF-8, pretty-printed) for one finished page (boxes in source-image pixels).

    ``punctuation`` is the text output's profile; ``cjk_strings`` ``"run"`` or ``"clause"`` as for ALTO;
    ``created`` (``xsd:dateTime``) is written as ``Created`` and ``LastChange`` (default: the page header's
    date, else 1970-01-01T00:00:00); ``image_filename`` is the ``imageFilename`` written (default the page's
    source path; an OCR-D workspace wants it relative to the workspace); ``pcgts_id`` the ``pcGtsId`` (default
    the METS file ID our METS gives the page's PAGE file, `names.page_xml_file_id`: OCR-D wants them equal)."""
    root = page_to_page_xml_tree(page, punctuation, cjk_strings, created, creator, image_filename, pcgts_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
