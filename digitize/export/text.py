"""Plain text in the reference-corpus format (see ../shared/corpus/README.md): one paragraph per line,
paragraphs separated by a blank line, `## ` headlines, `### ` kickers and intertitles."""

from __future__ import annotations

from ..model import Document, Page
from ..repair import article_paragraphs, paragraph_line


def page_text(page: Page, punctuation: str = "corpus") -> str:
    lines = [paragraph_line(p, punctuation) for article in page.articles for p in article_paragraphs(article)]
    return "\n\n".join(lines) + "\n" if lines else ""


def document_text(doc: Document, punctuation: str = "corpus") -> str:
    return "\n".join(page_text(page, punctuation) for page in doc.pages)
