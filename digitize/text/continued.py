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
        headings = {p.text for p in paragraphs if p.role is not Role.BODY}
        rest = [
            p
            for p in rest
            if p.role is Role.BODY or (p.text not in headings and fuzz.ratio(p.text, article.headline) < 80)
        ]
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
