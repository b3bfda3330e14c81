"""digitize: printed pages to faithful text and library-grade XML.

``import digitize`` is cheap: ``process`` (which loads the pipeline, OpenCV and the OCR engine) is imported
on first use, and the writers' conveniences import only their writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .version import __version__

if TYPE_CHECKING:
    from .model import Document
    from .pipeline import process

__all__ = ["__version__", "process", "to_alto", "to_json", "to_text"]


def __getattr__(name: str):
    if name == "process":
        from .pipeline import process

        return process
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def to_text(doc: Document, punctuation: str = "corpus") -> str:
    """The document's text in the corpus format (``punctuation``: corpus, original or ascii)."""
    from .export.text import document_text

    return document_text(doc, punctuation=punctuation)


def to_alto(doc: Document, page: int = 1) -> bytes:
    """One page of the document (1-based) as ALTO 4.4."""
    from .export.alto import page_to_alto

    return page_to_alto(doc.pages[page - 1])


def to_json(doc: Document) -> str:
    """The document as our JSON dump."""
    from .export.json import document_json

    return document_json(doc)
