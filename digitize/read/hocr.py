"""hOCR (Tesseract, OCRopus, kraken…) into the page model.

Elements are found by their ``class``: ``ocr_page`` (one Page each; size from its ``bbox``), ``ocr_par`` as
blocks (``ocr_carea`` when a file has no paragraphs), ``ocr_line``/``ocrx_line``/``ocr_header``/``ocr_caption``/
``ocr_textfloat`` as lines, ``ocrx_word`` as words (confidence from ``x_wconf``, 0–100), ``ocr_photo``/``ocr_image``
as photos and ``ocr_separator`` as rules. hOCR has no articles, so a page is one article in document order;
roles: a block of ``ocr_header`` lines is a headline, one with an ``ocr_caption`` line a caption. Files digitize
wrote carry each block's role and article in its ``ocr_carea`` title (``x_digitize_role``,
``x_digitize_article``); those are read back when present, and so are line joins (``x_digitize_join`` in a
line's title) when the ``ocr_page`` title says ``x_digitize_joins recorded``; else joins are inferred.
"""

from __future__ import annotations

import os
import re

from lxml import etree, html

from ..model import Article, Block, Document, Join, JoinKind, Line, Page, PageSource, Role, Separator, box_union
from ..text.language import guess_language
from .common import ReadError, finish_page, line_confidence, local_name, number, refuse_entities

LINE_CLASSES = {"ocr_line", "ocrx_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
PHOTO_CLASSES = {"ocr_photo", "ocr_image"}
_BBOX = re.compile(r"\bbbox\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)")
_WCONF = re.compile(r"\bx_wconf\s+([^\s;]+)")
_PAGENO = re.compile(r"\bppageno\s+(\d{1,7})\b")
_OWN = re.compile(r"\bx_digitize_(role|article)\s+([^;]+)")
_JOIN = re.compile(r"\bx_digitize_join\s+([a-z-]+)")
_JOINS_RECORDED = re.compile(r"\bx_digitize_joins\s+recorded\b")
JOIN_KINDS = {k.value: k for k in JoinKind}


def _own(node) -> dict[str, str]:
    """``x_digitize_role`` / ``x_digitize_article`` from the titles of ``node`` and its ancestors."""
    found: dict[str, str] = {}
    while node is not None and isinstance(node.tag, str):
        for key, value in _OWN.findall(node.get("title") or ""):
            found.setdefault(key, value.strip())
        node = node.getparent()
    return found


def _classes(el) -> set[str]:
    return set((el.get("class") or "").split()) if isinstance(el.tag, str) else set()


def _bbox(el, path: str = "") -> tuple[int, int, int, int] | None:
    m = _BBOX.search(el.get("title") or "")
    if not m:
        return None
    x0, y0, x1, y1 = (int(number(v, f"bbox of {el.get('id') or el.get('class')}", path)) for v in m.groups())
    return x0, y0, x1, y1


def _with_class(root, names: set[str]):
    return [el for el in root.iter() if _classes(el) & names]


def _line(el, path: str) -> Line | None:
    words = _with_class(el, {"ocrx_word"})
    texts = [" ".join("".join(w.itertext()).split()) for w in words] if words else ["".join(el.itertext()).strip()]
    texts = [t for t in texts if t]
    if not texts:
        return None
    confidences = [
        number(m.group(1), f"x_wconf of {w.get('id') or 'a word'}", path, 0, 100) / 100
        for w in words
        if (m := _WCONF.search(w.get("title") or ""))
    ]
    line = Line(" ".join(texts), _bbox(el, path) or (0, 0, 0, 0), line_confidence(confidences))
    m = _JOIN.search(el.get("title") or "")
    if m and m.group(1) in JOIN_KINDS:
        line.join = Join(JOIN_KINDS[m.group(1)], "read from hOCR")
    return line


def _page(el, index: int, path: str) -> Page:
    box = _bbox(el, path) or (0, 0, 0, 0)
    m = _PAGENO.search(el.get("title") or "")
    page_number = int(m.group(1)) + 1 if m else index + 1
    source = PageSource(path=path, index=index, kind="hocr", sha256="", mime="text/html")
    page = Page(number=page_number, width=box[2], height=box[3], source=source, engine="hOCR")
    containers = _with_class(el, {"ocr_par"}) or _with_class(el, {"ocr_carea"})
    for k, node in enumerate(containers):
        lines_el = [ln for ln in node.iter() if _classes(ln) & LINE_CLASSES]
        lines = [ln for ln in (_line(le, path) for le in lines_el) if ln is not None]
        if not lines:
            continue
        classes = set().union(*(_classes(le) for le in lines_el))
        role = Role.CAPTION if "ocr_caption" in classes else Role.HEADLINE if classes == {"ocr_header"} else Role.BODY
        own = _own(node)
        role = Role(own["role"]) if own.get("role") in {r.value for r in Role} else role
        ident = node.get("id") or f"TB{k + 1:04d}"
        page.blocks.append(
            Block(
                ident,
                role,
                _bbox(node, path) or box_union([ln.box for ln in lines]),
                lines,
                language=node.get("lang") or guess_language("".join(ln.text for ln in lines)),
                article_id=own.get("article"),
            )
        )
    for k, node in enumerate(_with_class(el, PHOTO_CLASSES)):
        own = _own(node)
        page.blocks.append(
            Block(
                node.get("id") or f"IL{k + 1:04d}",
                Role.PHOTO,
                _bbox(node, path) or (0, 0, 0, 0),
                article_id=own.get("article"),
            )
        )
    for k, node in enumerate(_with_class(el, {"ocr_separator"})):
        b = _bbox(node, path)
        if b:
            page.separators.append(
                Separator(
                    node.get("id") or f"SEP{k + 1:04d}", b, "horizontal" if b[2] - b[0] >= b[3] - b[1] else "vertical"
                )
            )
    articles: dict[str, Article] = {}
    for block in page.blocks:
        if block.article_id:
            articles.setdefault(block.article_id, Article(block.article_id)).blocks.append(block)
    page.articles = list(articles.values())
    joins = bool(_JOINS_RECORDED.search(el.get("title") or ""))
    return finish_page(page, file_has_articles=bool(articles), file_has_joins=joins)


def read_hocr(root: etree._Element, path: str | os.PathLike) -> Document:
    """The Document of a parsed hOCR (XHTML) file: one Page per ``ocr_page``."""
    pages = _with_class(root, {"ocr_page"})
    if not pages:
        raise ReadError(path, f"<{local_name(root)}> document without an ocr_page: not hOCR")
    return Document(str(path), [_page(p, k, str(path)) for k, p in enumerate(pages)])


def read_hocr_html(data: bytes, path: str | os.PathLike) -> Document:
    """hOCR that is HTML rather than XML, parsed by lxml's HTML parser (no network)."""
    refuse_entities(data, path)
    parser = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = html.fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(path, f"not readable HTML ({exc})") from None
    return read_hocr(root, path)
