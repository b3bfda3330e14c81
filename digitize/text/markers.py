"""Continuation markers ("(下转第4版)", "See TAXES, Page 4", "Continued from Page A1") and printed page labels."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ..model import Article, Continuation, Role, article_paragraphs
from .patterns import (
    CJK_FORWARD_VERBS,
    CONTINUATION,
    CONTINUATION_INLINE,
    CONTINUATION_START,
    CONTINUATION_START_UNNAMED,
    ENGLISH_CONTINUATION,
    ENGLISH_CONTINUATION_START,
    NUMERALS,
    is_cjk,
)


def page_label(raw: str) -> str:
    """A printed page number as a label: Chinese numerals as digits ("十二" → "12"), letters upper case."""
    raw = unicodedata.normalize("NFKC", raw)
    if raw and all(c in NUMERALS for c in raw):
        if len(raw) == 1:
            return str(NUMERALS[raw])
        tens, _, units = raw.partition("十")
        return str((NUMERALS.get(tens, 1) if tens else 1) * 10 + (NUMERALS.get(units, 0) if units else 0))
    return raw.upper()


@dataclass
class Marker:
    """A continuation marker found in a paragraph's text."""

    direction: str  # "forward" or "backward"
    page: str  # normalized page label: "4", "A4" (Chinese numerals as digits); "" when it names none ("（续）")
    keyword: str  # the English jump word ("TAXES" in "See TAXES, Page 4"), else ""
    text: str  # as printed
    start: int  # its span in the paragraph
    end: int


def find_markers(text: str) -> list[Marker]:
    """The continuation markers of one paragraph: one at its start (continued from another page) and one at
    its end (continued on another page, or, as some papers print it, from one), or, bracketed, inside it."""
    found: list[Marker] = []
    for regex in (CONTINUATION_START, ENGLISH_CONTINUATION_START):
        if m := regex.match(text):
            found.append(
                Marker(
                    "backward", page_label(m["page"]), m.groupdict().get("key") or "", m[0].strip(), m.start(), m.end()
                )
            )
            break
    else:
        if m := CONTINUATION_START_UNNAMED.match(text):
            found.append(Marker("backward", "", "", m[0].strip(), m.start(), m.end()))
    after = found[0].end if found else 0  # a paragraph that is only a marker has one
    for regex in (CONTINUATION, ENGLISH_CONTINUATION, CONTINUATION_INLINE):
        if m := regex.search(text, after):
            verb = "".join((m.groupdict().get("verb") or "").split())
            direction = "backward" if regex is not ENGLISH_CONTINUATION and verb not in CJK_FORWARD_VERBS else "forward"
            found.append(
                Marker(
                    direction, page_label(m["page"]), m.groupdict().get("key") or "", m[0].strip(), m.start(), m.end()
                )
            )
            break
    return found


def only_a_marker(text: str) -> bool:
    """The text is one continuation marker and nothing else."""
    markers = find_markers(text.strip())
    return len(markers) == 1 and markers[0].text == text.strip()


def jump_line(text: str) -> bool:
    """A line that is an English continuation marker and nothing else. Chinese markers run on inline, as the
    corpus writes them (" (下转第4版)"), so only Latin jump lines stand apart."""
    return only_a_marker(text) and not any(is_cjk(c) for c in text)


def article_continuations(article: Article) -> list[Continuation]:
    """The continuation markers of an article's body paragraphs as structured data (direction, page)."""
    found = []
    for para in article_paragraphs(article):
        if para.role not in (Role.BODY, Role.CONTINUATION):
            continue
        for marker in find_markers(para.text):
            block_id = para.block_ids[0] if marker.start == 0 else para.block_ids[-1]
            if 0 < marker.end < len(para.text.rstrip()):  # inside the paragraph: the block that prints it
                printed = "".join(marker.text.split())
                block_id = next(
                    (b.id for b in article.blocks if b.id in para.block_ids and printed in "".join(b.text.split())),
                    block_id,
                )
            found.append(Continuation(marker.direction, marker.page, marker.text, block_id))
    return found
