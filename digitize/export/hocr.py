"""hOCR 1.2 (XHTML) export of finished pages: what Tesseract writes and hOCR tools (hocr-tools, ocrmypdf's
renderer, search engines' highlighters) read.

One ``ocr_page`` per page (``image``, ``bbox``, ``ppageno``), then per block in reading order: photos as
``ocr_photo``, text blocks as ``ocr_carea`` > ``ocr_par`` (``lang``, ``id`` the block id) > lines (``ocr_header``
for headlines, kickers, subtitles and intertitles; ``ocr_caption`` for captions; ``ocr_line`` otherwise, with
``bbox``, ``baseline`` and ``x_size``) > ``ocrx_word`` (``bbox``, ``x_wconf`` 0–100 and the characters' boxes in
``x_bboxes``). A space stands between two words only where the line has one, so the words' text is the line's
text in the text output's punctuation profile; rules are ``ocr_separator``. The article and role of a block
are in its ``ocr_carea`` title (``x_digitize_article``, ``x_digitize_role``: hOCR allows ``x_`` properties), how a
line continues into the next line of its flow in the line's title (``x_digitize_join hyphen-join``, the model's
`JoinKind`), and ``x_digitize_joins recorded`` in the ``ocr_page`` title says the file records joins (a line
without one ends its flow), so reading it back joins words cut at a line or column end as the text output does.
"""

from __future__ import annotations

import math

from lxml import etree

from ..model import Block, Document, Page, Role
from .alto import _is_identity, _layout_line, sub_element, xml_text
from .line_text import line_in_profile

XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HEADER_ROLES = (Role.HEADLINE, Role.KICKER, Role.SUBTITLE, Role.INTERTITLE)
CAPABILITIES = "ocr_page ocr_carea ocr_par ocr_line ocr_header ocr_caption ocrx_word ocr_photo ocr_separator"

JOINS_RECORDED = "x_digitize_joins recorded"  # in the ocr_page title: every joined line says how

_H = "{%s}" % XHTML_NS


def _bbox(box) -> str:
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    return f"bbox {x0} {y0} {x1} {y1}"


def _sub(parent, tag: str, text: str | None = None, **attrs):
    return sub_element(parent, _H + tag, text, **attrs)


def _ordered_blocks(page: Page) -> list[tuple[Block, str | None]]:
    """Every block once, articles' blocks first in article order, then the others in reading order."""
    seen: set[int] = set()
    out: list[tuple[Block, str | None]] = []
    for art in sorted(page.articles, key=lambda a: (a.order < 0, a.order)):
        for b in art.blocks:
            if id(b) not in seen:
                seen.add(id(b))
                out.append((b, art.id))
    rest = sorted((b for b in page.blocks if id(b) not in seen), key=lambda b: (b.order < 0, b.order))
    return out + [(b, None) for b in rest]


def _page(body, page: Page, punctuation: str) -> None:
    if not page.in_source_coordinates and not _is_identity(page):
        raise ValueError(
            "page boxes are still in working-image coordinates; call page.to_source_coordinates() before exporting hOCR"
        )
    n = page.number
    image = xml_text(page.source.path).replace('"', "")
    div = _sub(
        body,
        "div",
        **{
            "class": "ocr_page",
            "id": f"page_{n}",
            "title": f'image "{image}"; {_bbox((0, 0, page.width, page.height))}; ppageno {n - 1}; ' + JOINS_RECORDED,
        },
    )
    for b, article in _ordered_blocks(page):
        bid = f"p{n}_{b.id}"
        if b.role is Role.PHOTO:
            _sub(
                div,
                "div",
                **{
                    "class": "ocr_photo",
                    "id": bid,
                    "title": _bbox(b.box) + (f"; x_digitize_article {article}" if article else ""),
                },
            )
            continue
        area = _sub(
            div,
            "div",
            **{
                "class": "ocr_carea",
                "id": f"{bid}_area",
                "title": f"{_bbox(b.box)}; x_digitize_role {b.role.value}"
                + (f"; x_digitize_article {article}" if article else ""),
            },
        )
        par = _sub(
            area,
            "p",
            **{
                "class": "ocr_par",
                "id": bid,
                "title": _bbox(b.box),
                "lang": b.language or None,
                XML_LANG: b.language or None,
            },
        )
        line_class = "ocr_header" if b.role in HEADER_ROLES else "ocr_caption" if b.role is Role.CAPTION else "ocr_line"
        for i, line in enumerate(b.lines):
            layout = _layout_line(line, b.vertical, line_in_profile(line.text, punctuation, b.role))
            if not layout.words:
                continue
            _, y0, _, y1 = line.box
            span = _sub(
                par,
                "span",
                **{
                    "class": line_class,
                    "id": f"{bid}_l{i + 1:03d}",
                    "title": f"{_bbox(line.box)}; baseline 0 0; x_size {max(1, y1 - y0)}"
                    + (f"; x_digitize_join {line.join.kind.value}" if line.join else ""),
                },
            )
            last = None
            for j, word in enumerate(layout.words):
                if j and layout.spaced[j] and last is not None:
                    last.tail = " "
                boxes = [c.box for c in word.chars]
                wbox = (
                    min(b_[0] for b_ in boxes),
                    min(b_[1] for b_ in boxes),
                    max(b_[2] for b_ in boxes),
                    max(b_[3] for b_ in boxes),
                )
                confs = [c.conf for c in word.chars if c.conf is not None and math.isfinite(c.conf)]
                title = _bbox(wbox)
                if confs:
                    title += f"; x_wconf {round(100 * min(1.0, max(0.0, sum(confs) / len(confs))))}"
                title += "; x_bboxes " + " ".join(" ".join(str(int(round(v))) for v in c.box) for c in word.chars)
                last = _sub(
                    span,
                    "span",
                    word.text,
                    **{"class": "ocrx_word", "id": f"{bid}_l{i + 1:03d}_w{j + 1:03d}", "title": title},
                )
    for sep in page.separators:
        _sub(div, "div", **{"class": "ocr_separator", "id": f"p{n}_{sep.id}", "title": _bbox(sep.box)})


def document_to_hocr(doc: Document, punctuation: str = "corpus") -> bytes:
    """hOCR (XHTML, UTF-8) of every page of ``doc``, one ``ocr_page`` each."""
    line_in_profile("", punctuation)  # an unknown profile fails before any output
    languages = [b.language for p in doc.pages for b in p.blocks if b.role.has_text and b.lines and b.language]
    lang = max(set(languages), key=languages.count) if languages else None
    html = etree.Element(_H + "html", nsmap={None: XHTML_NS})
    if lang:
        html.set("lang", lang)
        html.set(XML_LANG, lang)
    head = _sub(html, "head")
    _sub(head, "title", xml_text(doc.path))
    _sub(head, "meta", **{"http-equiv": "Content-Type", "content": "text/html;charset=utf-8"})
    _sub(head, "meta", name="ocr-system", content="digitize")
    _sub(head, "meta", name="ocr-capabilities", content=CAPABILITIES)
    _sub(head, "meta", name="ocr-number-of-pages", content=str(len(doc.pages)))
    body = _sub(html, "body")
    for page in doc.pages:
        _page(body, page, punctuation)
    return etree.tostring(
        html,
        xml_declaration=True,
        encoding="UTF-8",
        pretty_print=True,
        doctype='<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
    )


def page_to_hocr(page: Page, punctuation: str = "corpus") -> bytes:
    """hOCR of one page (a document of that page alone)."""
    return document_to_hocr(Document(page.source.path, [page]), punctuation)
