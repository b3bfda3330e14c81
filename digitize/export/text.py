"""Plain text in the reference-corpus format (see ../shared/corpus/README.md and ``text.corpus``): one paragraph
per line, paragraphs separated by a blank line, `## ` headlines, `### ` kickers and intertitles."""

from __future__ import annotations

from ..model import Document, Page
from ..text.continued import issue_paragraphs
from ..text.corpus import corpus_text
from .punctuation import paragraph_line


def page_text(page: Page, punctuation: str = "corpus") -> str:
    return corpus_text([paragraph_line(p, punctuation) for article in page.articles for p in article.paragraphs()])


def document_text(doc: Document, punctuation: str = "corpus") -> str:
    return "\n".join(page_text(page, punctuation) for page in doc.pages)


def issue_text(doc: Document, punctuation: str = "corpus") -> str:
    """The issue's text in the corpus format: every article once, in reading order, continued parts joined
    to the part they continue (a part continued from another page is not written again). The parts are
    linked by the issue stage (``Continuation.linked_to``)."""
    return corpus_text([paragraph_line(p, punctuation) for p in issue_paragraphs(doc)])
