"""Articles continued across the pages of one issue: link each part that says "continued on page N" to the
part on page N that says "continued from" this page (the text of a linked article read whole is
``text.continued``).

A forward marker (（下转第4版）, "See TAXES, Page 4") is matched to a backward one (（上接第1版）, "TAXES: From
Page 1") on the page it names, which must name the forward part's page back, or name none (（续）: then the
headline must speak for the pair). Among several candidates the
pair with the most evidence wins: the same jump word, a repeated headline or shared keywords, and the
order of the markers on their pages.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from .model import Article, Continuation, Document, Page
from .settings import DEFAULT, RepairSettings
from .text.markers import find_markers


def page_labels(page: Page) -> set[str]:
    """What a marker may call this page: its printed label, else its position in the issue."""
    return {page.label} if page.label else {str(page.number)}


def _text(article: Article) -> str:
    return "".join(p.text for p in article.paragraphs())


def _score(
    source: Page,
    forward: Continuation,
    fart: Article,
    target: Page,
    backward: Continuation,
    bart: Article,
    rank: tuple[int, int],
    settings: RepairSettings = DEFAULT.repair,
) -> float:
    score = settings.min_link_score  # the page labels agree (the caller checked); other evidence adds to it
    if not backward.page:  # "（续）" names no page: only the forward marker's page agrees
        score -= settings.unnamed_page_penalty
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


def link_articles(doc: Document, settings: RepairSettings = DEFAULT.repair) -> Document:
    """Fill ``Continuation.linked_to`` on both parts of every article continued across the issue's pages and
    ``Document.article_links`` (forward part first)."""
    forwards: list[tuple[Page, Article, Continuation]] = []
    backwards: list[tuple[Page, Article, Continuation]] = []
    for page in doc.pages:
        for article in page.articles:
            for c in article.continuations:
                c.linked_to = None
                (forwards if c.direction == "forward" else backwards).append((page, article, c))
    rank = {
        id(c): k
        for group in (forwards, backwards)
        for page in doc.pages
        for k, (_, _, c) in enumerate(x for x in group if x[0] is page)
    }
    candidates = []
    for fpage, fart, fc in forwards:
        for bpage, bart, bc in backwards:
            if bpage is fpage or fc.page not in page_labels(bpage) or (bc.page and bc.page not in page_labels(fpage)):
                continue
            score = _score(fpage, fc, fart, bpage, bc, bart, (rank[id(fc)], rank[id(bc)]), settings)
            if score >= settings.min_link_score:
                candidates.append((score, (fpage, fart, fc), (bpage, bart, bc)))
    doc.article_links = []
    for _, (fpage, fart, fc), (bpage, bart, bc) in sorted(candidates, key=lambda c: -c[0]):
        if fc.linked_to is None and bc.linked_to is None:
            fc.linked_to, bc.linked_to = (bpage.number, bart.id), (fpage.number, fart.id)
            doc.article_links.append(((fpage.number, fart.id), (bpage.number, bart.id)))
    doc.article_links.sort()
    return doc


def issue_document(path: str, pages: list[Page], settings: RepairSettings = DEFAULT.repair) -> Document:
    """One issue from pages read from several files: numbered in the order given, then linked."""
    for number, page in enumerate(pages, 1):
        page.number = number
    return link_articles(Document(path=path, pages=pages), settings)
