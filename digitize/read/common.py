"""What every reader shares: the error type, safe XML parsing, and the model pieces a file may not carry
(joins between lines, articles, reading order indices)."""

from __future__ import annotations

import math
import os
import re
import statistics
from typing import overload

from lxml import etree

from ..errors import InputError
from ..model import Article, Block, Join, JoinKind, Page, Role
from ..text.joins import text_join, written_words
from ..text.language import wordfreq_lang
from ..text.markers import article_continuations

DEFAULT_DPI = 300.0
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)
_ENTITY = re.compile(rb"<!ENTITY", re.I)
ENTITY_REFUSAL = "refused: the DOCTYPE declares entities (external entity / entity expansion attack); nothing was fetched or expanded"


class ReadError(InputError):
    """A file that cannot be read into the page model. ``str()`` is one line: ``path: reason``."""


# The largest magnitude any coordinate, size or count in a layout file may have: a page 10 m wide in mm10
# units is 100,000; ten million leaves room for any real file and keeps every product far from overflow.
MAX_NUMBER = 10_000_000.0


@overload
def number(value: str, what: str, path: str | os.PathLike, low: float = ..., high: float = ...) -> float: ...
@overload
def number(
    value: str | None, what: str, path: str | os.PathLike, low: float = ..., high: float = ...
) -> float | None: ...
def number(
    value: str | None, what: str, path: str | os.PathLike, low: float = -MAX_NUMBER, high: float = MAX_NUMBER
) -> float | None:
    """``value`` as a finite float in [low, high]; None when the attribute is absent. A value that is not a
    number (``"big"``, ``"9.9.9"``), not finite (``"inf"``, ``"nan"``) or absurd is a `ReadError` naming
    ``what``: a layout file with such a value was not written by a working tool."""
    if value is None:
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise ReadError(path, f"{what} is not a number: {str(value)[:40]!r}") from None
    if not math.isfinite(result):
        raise ReadError(path, f"{what} is not a finite number: {str(value)[:40]!r}")
    if not low <= result <= high:
        raise ReadError(path, f"{what} is out of range ({low:g} to {high:g}): {str(value)[:40]!r}")
    return result


def refuse_entities(data: bytes, path: str | os.PathLike) -> None:
    if _DOCTYPE.search(data) and _ENTITY.search(data):
        raise ReadError(path, ENTITY_REFUSAL)


def parse_xml(data: bytes, path: str | os.PathLike) -> etree._Element:
    """The root element of ``data``, parsed without network, DTD loading or entity expansion.

    A DOCTYPE declaring entities is refused outright (XXE, billion laughs): checked on the raw bytes before
    parsing and again on the parsed DTD, which catches documents in encodings the byte check cannot see.
    """
    refuse_entities(data, path)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ReadError(path, f"not well-formed XML (line {exc.lineno}: {exc.msg})") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ReadError(path, ENTITY_REFUSAL)
    return root


def local_name(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def namespace(el: etree._Element) -> str | None:
    return etree.QName(el).namespace


def flow_joins(blocks: list[Block], block_hyphen: dict[int, set[int]] | None = None) -> None:
    """Joins for a flow whose file records none: inside a block, lines join by their text (CJK, space, or a
    hyphenated word); a block ends its paragraph unless its last line is hyphenated (a word broken across
    a column); the flow's last line gets no join. ``block_hyphen`` maps id(block) to the indices of lines the
    file marks as hyphenated (ALTO HypPart1/HYP)."""
    marked = block_hyphen or {}
    flow = [(line, block, i) for block in blocks if block.role.has_text for i, line in enumerate(block.lines)]
    seen = written_words(line.text for line, _, _ in flow)
    for (prev, pb, i), (nxt, nb, _) in zip(flow, flow[1:]):
        if i in marked.get(id(pb), ()):
            prev.join = Join(JoinKind.HYPHEN, "hyphenation marked in the file")
        elif pb is not nb:
            prev.join = Join(JoinKind.BREAK, "block ends")
        else:
            prev.join = text_join(prev.text, nxt.text, wordfreq_lang(pb.language), seen)
    if flow:
        flow[-1][0].join = None


def finish_page(
    page: Page, file_has_articles: bool, file_has_joins: bool, block_hyphen: dict[int, set[int]] | None = None
) -> Page:
    """Complete a page built by a reader: blocks listed in reading order get their order indices; a file
    without articles becomes one article holding every text block (so the text writer, which writes
    articles, writes it); missing joins are inferred; continuation markers are parsed as the pipeline does."""
    if not file_has_articles:
        text_blocks = [b for b in page.blocks if b.role.has_text or b.role is Role.PHOTO]
        page.articles = [Article("A1", text_blocks)] if text_blocks else []
        for b in text_blocks:
            b.article_id = "A1"
    for i, block in enumerate(page.blocks):
        block.order = i
    for i, article in enumerate(page.articles):
        article.order = i
    if not file_has_joins:
        for article in page.articles:
            flow_joins(article.blocks, block_hyphen)
    heights = [ln.height for b in page.blocks if b.role is Role.BODY for ln in b.lines if ln.height > 0]
    page.text_size_px = float(statistics.median(heights)) if heights else 0.0
    page.in_source_coordinates = True
    for article in page.articles:
        article.continuations = article_continuations(article)
    return page


def line_confidence(confidences: list[float]) -> float:
    return float(sum(confidences) / len(confidences)) if confidences else 1.0
