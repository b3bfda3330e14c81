"""Articles continued across the pages of one issue: link each part that says "continued on page N" to the
part on page N that says "continued from" this page, and give each article's text once, whole.

A forward marker (（下转第4版）, "See TAXES, Page 4") is matched to a backward one (（上接第1版）, "TAXES: From
Page 1") on the page it names, which must name the forward part's page back. Among several candidates the
pair with the most evidence wins: the same jump word, a repeated headline or shared keywords, and the
order of the markers on their pages.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from .model import Article, Continuation, Document, JoinKind, Page, Role, glue
from .repair import Paragraph, article_paragraphs, find_markers, paragraph_line, written_words
from .repair_text import BODY, decide

MIN_SCORE = 1.0  # the page labels agree; headline and keyword evidence add to it


def page_labels(page: Page) -> set[str]:
    """What a marker may call this page: its printed label, else its position in the issue."""
    return {page.label} if page.label else {str(page.number)}


def _text(article: Article) -> str:
    return "".join(p.text for p in article_paragraphs(article))


def _score(source: Page, forward: Continuation, fart: Article, target: Page, backward: Continuation, bart: Article,
           rank: tuple[int, int]) -> float:
    score = MIN_SCORE
    fkey = next((m.keyword for m in find_markers(forward.marker) if m.keyword), "")
    bkey = next((m.keyword for m in find_markers(backward.marker) if m.keyword), "")
    if fkey and bkey:
        score += 2.0 if fkey.casefold() == bkey.casefold() else -2.0
    if fart.headline and bart.headline:  # a continued part repeats its headline, sometimes shortened
        score += 2.0 * fuzz.partial_ratio(fart.headline, bart.headline) / 100
    elif fkey and fkey.casefold() in _text(bart).casefold():
        score += 0.5
    score += 0.5 if rank[0] == rank[1] else 0.0  # the n-th jump on a page lands on the n-th part on its page
    return score


def link_articles(doc: Document) -> Document:
    """Fill ``Continuation.linked_to`` on both parts of every article continued across the issue's pages and
    ``Document.article_links`` (forward part first)."""
    forwards, backwards = [], []
    for page in doc.pages:
        for article in page.articles:
            for c in article.continuations:
                c.linked_to = None
                (forwards if c.direction == "forward" else backwards).append((page, article, c))
    rank = {id(c): k for group in (forwards, backwards) for page in doc.pages
            for k, (_, _, c) in enumerate(x for x in group if x[0] is page)}
    candidates = []
    for fpage, fart, fc in forwards:
        for bpage, bart, bc in backwards:
            if bpage is fpage or fc.page not in page_labels(bpage) or bc.page not in page_labels(fpage):
                continue
            score = _score(fpage, fc, fart, bpage, bc, bart, (rank[id(fc)], rank[id(bc)]))
            if score >= MIN_SCORE:
                candidates.append((score, (fpage, fart, fc), (bpage, bart, bc)))
    doc.article_links = []
    for score, (fpage, fart, fc), (bpage, bart, bc) in sorted(candidates, key=lambda c: -c[0]):
        if fc.linked_to is None and bc.linked_to is None:
            fc.linked_to, bc.linked_to = (bpage.number, bart.id), (fpage.number, fart.id)
            doc.article_links.append(((fpage.number, fart.id), (bpage.number, bart.id)))
    doc.article_links.sort()
    return doc


def _without_markers(paragraphs: list[Paragraph]) -> list[Paragraph]:
    out = []
    for para in paragraphs:
        text = para.text
        for marker in sorted(find_markers(text), key=lambda m: -m.start):
            text = text[: marker.start] + text[marker.end:]
        if text.strip():
            out.append(Paragraph(para.role, text.strip(), para.block_ids))
    return out


def whole_article(doc: Document, page: Page, article: Article) -> list[Paragraph]:
    """An article with the parts it continues in, markers taken out, the repeated headline dropped and the
    paragraph cut by the page jump joined again."""
    paragraphs = _without_markers(article_paragraphs(article))
    seen = {(page.number, article.id)}
    part = article
    while link := next((c.linked_to for c in part.continuations if c.direction == "forward" and c.linked_to), None):
        if link in seen:
            break
        seen.add(link)
        part = doc.pages[link[0] - 1].articles[[a.id for a in doc.pages[link[0] - 1].articles].index(link[1])]
        rest = _without_markers(article_paragraphs(part))
        headings = {p.text for p in paragraphs if p.role is not Role.BODY}
        rest = [p for p in rest if p.role is Role.BODY or (p.text not in headings and fuzz.ratio(p.text, article.headline) < 80)]
        if paragraphs and rest and paragraphs[-1].role is rest[0].role:
            words = written_words(line.text for pg in doc.pages for block in pg.blocks for line in block.lines)
            kind, _ = decide(paragraphs[-1].text, rest[0].text, BODY, BODY, words)
            if kind is not JoinKind.BREAK:
                paragraphs[-1] = Paragraph(paragraphs[-1].role, glue(kind, paragraphs[-1].text, rest[0].text),
                                           paragraphs[-1].block_ids + rest[0].block_ids)
                rest = rest[1:]
        paragraphs += rest
    return paragraphs


def issue_text(doc: Document, punctuation: str = "corpus") -> str:
    """The issue's text in the corpus format: every article once, in reading order, continued parts joined
    to the part they continue (a part continued from another page is not written again)."""
    lines = []
    for page in doc.pages:
        for article in page.articles:
            if any(c.direction == "backward" and c.linked_to for c in article.continuations):
                continue
            lines += [paragraph_line(p, punctuation) for p in whole_article(doc, page, article)]
    return "\n\n".join(lines) + "\n" if lines else ""


def issue_document(path: str, pages: list[Page]) -> Document:
    """One issue from pages read from several files: numbered in the order given, then linked."""
    for number, page in enumerate(pages, 1):
        page.number = number
    return link_articles(Document(path=path, pages=pages))
