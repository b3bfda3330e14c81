"""PAGE XML (PRImA, 2013–2019 versions) into the page model.

``TextRegion``s become blocks (role from ``@type``: heading → headline, caption, header → page header, footer,
credit → byline, everything else body), their ``TextLine``s lines (text from the line's ``TextEquiv``, else its
``Word``s' joined by spaces; boxes from ``Coords/@points``; ``Glyph``s when every word has one per character),
``ImageRegion``/``GraphicRegion`` photos and ``SeparatorRegion`` rules. Order follows ``ReadingOrder``
(``RegionRefIndexed`` by index, ``RegionRef`` in sequence), then document order. A region's
``custom="structure {type:…;}"`` naming a digitize role (Transkribus' convention, which our writer uses)
overrides the role from ``@type``. PAGE has no articles: a page is one article, unless its reading order
groups regions in ``OrderedGroup(Indexed)``s whose ``custom`` says ``structure {type:article;}`` (our writer's
grouping), each of which is an article. Line joins are read from ``TextLine custom="join {type:…;}"`` when the
``Page``'s ``custom`` says ``joins {recorded:true;}`` (our writer's), else inferred from the text.
"""

from __future__ import annotations

import os
import re

from lxml import etree

from ..model import Article, Block, Document, Glyph, Join, JoinKind, Line, Page, PageSource, Role, Separator
from ..text.language import guess_language
from .common import ReadError, finish_page, line_confidence, local_name, number

PAGE_NAMESPACE_PREFIX = "http://schema.primaresearch.org/PAGE/gts/pagecontent/"
ROLES = {
    "heading": Role.HEADLINE,
    "caption": Role.CAPTION,
    "header": Role.PAGE_HEADER,
    "footer": Role.PAGE_FOOTER,
    "page-number": Role.PAGE_FOOTER,
    "credit": Role.BYLINE,
}
PHOTO_REGIONS = ("ImageRegion", "GraphicRegion")
JOIN_KINDS = {k.value: k for k in JoinKind}


def _custom(el, name: str) -> dict[str, str]:
    """The ``name {key:value; …}`` part of a ``custom`` attribute (Transkribus' convention)."""
    m = re.search(rf"(?:^|[\s}}]){re.escape(name)}\s*\{{([^}}]*)\}}", el.get("custom") or "")
    if not m:
        return {}
    pairs = (p.split(":", 1) for p in m.group(1).split(";") if ":" in p)
    return {k.strip(): v.strip() for k, v in pairs}


def _structure(el) -> dict[str, str]:
    return _custom(el, "structure")


def _role(el, default: Role) -> Role:
    try:
        return Role(_structure(el).get("type", ""))
    except ValueError:
        return default


def _children(el, name: str):
    return [c for c in el if local_name(c) == name]


def _box(el, path: str) -> tuple[int, int, int, int] | None:
    coords = next(iter(_children(el, "Coords")), None)
    if coords is None:
        return None
    what = f"Coords points of {local_name(el)} {el.get('id') or ''}".rstrip()
    points = []
    for p in (coords.get("points") or "").split():
        xy = p.split(",")
        if len(xy) != 2:
            raise ReadError(path, f"{what}: {p[:40]!r} is not an x,y point")
        points.append((number(xy[0], what, path), number(xy[1], what, path)))
    if not points:
        return None
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (round(min(xs)), round(min(ys)), round(max(xs)) + 1, round(max(ys)) + 1)  # points are inclusive


def _equiv(el, path: str) -> tuple[str | None, float | None]:
    """The first TextEquiv's Unicode and confidence (0–1 in PAGE's schema)."""
    for te in _children(el, "TextEquiv"):
        uni = next(iter(_children(te, "Unicode")), None)
        if uni is not None and uni.text is not None:
            conf = te.get("conf")
            return uni.text, number(
                conf, f"TextEquiv conf of {el.get('id') or local_name(el)}", path, 0, 1
            ) if conf else None
    return None, None


def _line(el, path: str) -> Line | None:
    text, conf = _equiv(el, path)
    words = _children(el, "Word")
    word_texts = [(_equiv(w, path)) for w in words]
    if text is None:
        text = " ".join(t for t, _ in word_texts if t)
    if not text or not text.strip():
        return None
    box = _box(el, path) or (0, 0, 0, 0)
    confidences = [c for _, c in word_texts if c is not None] or ([conf] if conf is not None else [])
    line = Line(text, box, line_confidence(confidences))
    kind = JOIN_KINDS.get(_custom(el, "join").get("type", ""))
    if kind is not None:
        line.join = Join(kind, "read from PAGE")
    glyphs = []
    for w, (_wt, _) in zip(words, word_texts):
        for g in _children(w, "Glyph"):
            gt, gc = _equiv(g, path)
            gbox = _box(g, path)
            if gt is None or len(gt) != 1 or gbox is None:
                break
            glyphs.append(Glyph(gt, gbox, gc if gc is not None else line.confidence))
    if len(glyphs) == len(text.replace(" ", "")):
        line.glyphs = glyphs
    return line


def read_page_xml(root: etree._Element, path: str | os.PathLike) -> Document:
    """The Document of a parsed PAGE file (``PcGts``, one Page)."""
    path = str(path)
    pg = next(iter(_children(root, "Page")), None)
    if pg is None:
        raise ReadError(path, "PAGE document without a Page element")
    source = PageSource(
        path=pg.get("imageFilename") or str(path), index=0, kind="page-xml", sha256="", mime="application/xml"
    )
    size = [number(pg.get(name), f"Page {name}", path, 0) or 0 for name in ("imageWidth", "imageHeight")]
    page = Page(number=1, width=round(size[0]), height=round(size[1]), source=source, engine="PAGE XML")
    regions = [el for el in pg.iter() if local_name(el).endswith("Region")]
    blocks: dict[str, Block] = {}
    for k, el in enumerate(regions):
        name, ident = local_name(el), el.get("id") or f"R{k + 1:04d}"
        box = _box(el, path) or (0, 0, 0, 0)
        if name == "TextRegion":
            lines = [ln for ln in (_line(t, path) for t in _children(el, "TextLine")) if ln is not None]
            if not lines:
                text, _ = _equiv(el, path)  # a region transcribed without lines: one line of its box
                lines = [Line(text, box, 1.0)] if text and text.strip() else []
            blocks[ident] = Block(
                ident, _role(el, ROLES.get(el.get("type") or "", Role.BODY)), box, lines, language=_language(el, lines)
            )
        elif name in PHOTO_REGIONS:
            blocks[ident] = Block(ident, _role(el, Role.PHOTO), box)
        elif name == "SeparatorRegion":
            page.separators.append(
                Separator(ident, box, "horizontal" if box[2] - box[0] >= box[3] - box[1] else "vertical")
            )
    order: list[str] = []
    articles: list[Article] = []
    ro = next((el for el in pg.iter() if local_name(el) == "ReadingOrder"), None)
    if ro is not None:
        top = next(iter(ro), None)
        order = _group_order(top, blocks, articles, path) if top is not None else []
    ordered = list(dict.fromkeys([i for i in order if i in blocks] + list(blocks)))
    page.blocks = [blocks[i] for i in ordered]
    page.articles = articles
    joins = _custom(pg, "joins").get("recorded") == "true"
    return Document(str(path), [finish_page(page, file_has_articles=bool(articles), file_has_joins=joins)])


def _group_order(group, blocks: dict[str, Block], articles: list[Article], path) -> list[str]:
    """Region ids in the order ``group`` gives (nested groups in place, ``index`` order where indexed); a group
    marked ``structure {type:article;}`` becomes an article of its regions."""
    members = [
        c
        for c in group
        if local_name(c)
        in (
            "RegionRefIndexed",
            "RegionRef",
            "OrderedGroupIndexed",
            "UnorderedGroupIndexed",
            "OrderedGroup",
            "UnorderedGroup",
        )
    ]
    if all(c.get("index") is not None for c in members):
        members.sort(key=lambda c: number(c.get("index"), "RegionRefIndexed index", path) or 0)
    order: list[str] = []
    for child in members:
        if local_name(child).startswith("RegionRef"):
            order.append(child.get("regionRef"))
        else:
            order += _group_order(child, blocks, articles, path)
    info = _structure(group)
    if info.get("type") == "article":
        article = Article(
            info.get("id") or group.get("id") or f"A{len(articles) + 1}",
            [blocks[i] for i in dict.fromkeys(order) if i in blocks],
        )
        for b in article.blocks:
            b.article_id = article.id
        articles.append(article)
    return order


def _language(el, lines: list[Line]) -> str:
    lang = el.get("primaryLanguage")
    return {"Chinese": "zh", "English": "en", "French": "fr", "German": "de"}.get(lang or "", "") or guess_language(
        "".join(ln.text for ln in lines)
    )
