"""The text of an article continued across the pages of an issue, read whole from its linked parts
(``Continuation.linked_to``, filled by the issue stage)."""

from __future__ import annotations

from rapidfuzz import fuzz

from ..model import Article, Document, JoinKind, Page, Paragraph, Role, glue
from .corpus import BODY
from .joins import written_words
from .markers import find_markers
from .rejoin import decide


def without_markers(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs with their continuation markers taken out (a paragraph left empty is dropped)."""
    out = []
    for para in paragraphs:
        text = para.text
        for marker in sorted(find_markers(text), key=lambda m: -m.start):
            text = text[: marker.start] + text[marker.end :]
        if text.strip():
            out.append(Paragraph(para.role, text.strip(), para.block_ids))
    return out


def _repeats_heading(para: Paragraph, before: list[Paragraph], first_part: list[Paragraph], headline: str) -> bool:
    """A heading of a continued part that repeats one of the first part: the same text, or, over the part's
    first body paragraph, the headline shortened (a partial match: "你游戏的的" for the first part's "有说便时装据点
    你游戏的的 公司美国应错误", kicker read with it; randomized issue 1758425905 wrote it in the joined story)."""
    if para.role is Role.BODY:
        return False
    if para.text in {p.text for p in first_part if p.role is not Role.BODY}:
        return True
    opening = all(p.role is not Role.BODY for p in before)
    return fuzz.ratio(para.text, headline) >= 80 or (
        opening and len(para.text) >= 2 and fuzz.partial_ratio(para.text, headline) >= 80
    )


def whole_article(doc: Document, page: Page, article: Article) -> list[Paragraph]:
    """An article with the parts it continues in, markers taken out, the repeated headline dropped and the
    paragraph cut by the page jump joined again. An article linked to no other part keeps its markers: they
    are the only trace of the part this issue does not hold (NewsML keeps them too)."""
    linked = any(c.linked_to for c in article.continuations)
    paragraphs = without_markers(article.paragraphs()) if linked else article.paragraphs()
    seen = {(page.number, article.id)}
    part = article
    while link := next((c.linked_to for c in part.continuations if c.direction == "forward" and c.linked_to), None):
        if link in seen:
            break
        seen.add(link)
        part = doc.pages[link[0] - 1].articles[[a.id for a in doc.pages[link[0] - 1].articles].index(link[1])]
        rest = without_markers(part.paragraphs())
        rest = [p for k, p in enumerate(rest) if not _repeats_heading(p, rest[:k], paragraphs, article.headline)]
        if paragraphs and rest and paragraphs[-1].role is rest[0].role:
            words = written_words(line.text for pg in doc.pages for block in pg.blocks for line in block.lines)
            kind, _ = decide(paragraphs[-1].text, rest[0].text, BODY, BODY, words)
            if kind is not JoinKind.BREAK:
                paragraphs[-1] = Paragraph(
                    paragraphs[-1].role,
                    glue(kind, paragraphs[-1].text, rest[0].text),
                    paragraphs[-1].block_ids + rest[0].block_ids,
                )
                rest = rest[1:]
        paragraphs += rest
    return paragraphs


def issue_paragraphs(doc: Document) -> list[Paragraph]:
    """The issue's paragraphs: every article once, in reading order, continued parts joined to the part they
    continue (a part continued from another page is not given again)."""
    paragraphs = []
    for page in doc.pages:
        for article in page.articles:
            if any(c.direction == "backward" and c.linked_to for c in article.continuations):
                continue
            paragraphs += whole_article(doc, page, article)
    return paragraphs
