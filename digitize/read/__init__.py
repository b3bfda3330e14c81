"""Readers: ALTO (1.4–4.4), hOCR, PAGE 2019, NewsML-G2 and corpus-format text into the page model.

``read(path)`` decides what a file is from its content, never its name: XML by its root element (``alto``,
``PcGts``, an XHTML ``html`` with hOCR classes, a NewsML-G2 ``newsMessage`` or ``newsItem``), HTML by its
``<html`` start, anything else that decodes as UTF-8 as corpus-format text. XML is parsed safely (no network,
no DTD, no entity expansion; a DOCTYPE that declares entities is refused). Every failure is a `ReadError`, an
`digitize.errors.InputError`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..model import Document
from .alto import read_alto
from .common import ReadError, local_name, namespace, parse_xml
from .hocr import read_hocr, read_hocr_html
from .newsml import is_newsml, read_newsml
from .page import PAGE_NAMESPACE_PREFIX, read_page_xml
from .text import read_text

__all__ = ["ReadError", "read", "read_bytes"]

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!DOCTYPE\s+html|html)\b", re.I | re.S)


def read(path: str | os.PathLike, dpi: float | None = None) -> Document:
    """The Document in ``path``. ``dpi`` converts ALTO mm10/inch1200 units to pixels when the file does not
    record it (default 300)."""
    path = Path(path)
    if not path.exists():
        raise ReadError(path, "no such file")
    if path.is_dir():
        raise ReadError(path, "is a directory, not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(path, f"cannot be read ({exc.strerror or exc})") from None
    return read_bytes(data, path, dpi)


def read_bytes(data: bytes, path: str | os.PathLike = "<bytes>", dpi: float | None = None) -> Document:
    """The Document in ``data``; ``path`` names it in errors and in ``Document.path``."""
    if not data.strip():
        raise ReadError(path, "empty file")
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff") or head.startswith(b"<"):
        if _HTML_START.match(head) and not head.startswith(b"<?xml"):
            return read_hocr_html(data, path)
        return _read_xml(data, path, dpi)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(path, f"not ALTO, hOCR, PAGE or UTF-8 text (byte {exc.start}: {exc.reason})") from None
    return read_text(text, path)


def _read_xml(data: bytes, path: str | os.PathLike, dpi: float | None) -> Document:
    root = parse_xml(data, path)
    name, ns = local_name(root), namespace(root)
    if name == "alto":
        return read_alto(root, path, dpi)
    if name == "PcGts":
        if not (ns or "").startswith(PAGE_NAMESPACE_PREFIX):
            raise ReadError(path, f"unknown PAGE namespace {ns!r}")
        return read_page_xml(root, path)
    if name == "html":
        return read_hocr(root, path)
    if is_newsml(root):
        return read_newsml(root, path, data)
    where = f" in namespace {ns}" if ns else ""
    raise ReadError(path, f"unknown XML document <{name}>{where}: expected ALTO, PAGE, hOCR or NewsML-G2")
