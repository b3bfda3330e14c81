"""``digitize convert IN --to alto|txt|json [-o OUT]``: read any file `digitize.read` knows and write it in
another format, through the page model (no OCR)."""

from __future__ import annotations

from pathlib import Path

from .export.files import render_page
from .export.json import document_json
from .export.text import document_text
from .read import read

CONVERT_FORMATS = ("alto", "page", "hocr", "txt", "json")


def convert(path: Path, fmt: str, alto_unit: str = "pixel") -> list[tuple[int, bytes]]:
    """``(page number, bytes)`` outputs of ``path`` in ``fmt``: one for txt and json, one per page for ALTO,
    PAGE XML and hOCR."""
    doc = read(path)
    if fmt in ("alto", "page", "hocr"):
        return [(page.number, render_page(page, fmt, alto_unit=alto_unit)) for page in doc.pages]
    if fmt == "txt":
        return [(0, document_text(doc).encode("utf-8"))]
    return [(0, document_json(doc).encode("utf-8"))]
