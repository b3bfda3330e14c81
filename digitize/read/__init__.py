"""Readers: ALTO (1.4–4.4), hOCR, PAGE 2019, NewsML-G2 and corpus-format text into the page model.

``read(path)`` decides what a file is from its content, never its name: XML by its root element (``alto``,
``PcGts``, an XHTML ``html`` with hOCR classes, a NewsML-G2 ``newsMessage`` or ``newsItem``), HTML by its
``<html`` start, digitize's own JSON by its ``format`` key, anything else that decodes as UTF-8 as corpus-format text. XML is parsed safely (no network,
no DTD, no entity expansion; a DOCTYPE that declares entities is refused). Every failure is a `ReadError`, an
`digitize.errors.InputError`.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ..model import Document
from .alto import read_alto
from .common import ReadError, local_name, namespace, parse_xml
from .hocr import read_hocr, read_hocr_html
from .json import is_digitize_json, read_json
from .newsml import is_newsml, read_newsml
from .page import PAGE_NAMESPACE_PREFIX, read_page_xml
from .text import read_text

__all__ = ["MAX_INPUT_BYTES", "ReadError", "read", "read_bytes", "read_input_bytes", "strip_controls"]

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!DOCTYPE\s+html|html)\b", re.I | re.S)


# Layout files are parsed whole, at about 25 bytes of memory per byte of ALTO (a 131 MB ALTO took 3.5 GB):
# 64 MiB keeps a read under 2 GB and is ten times the largest real page ALTO we have (glyph-level, 6 MB).
MAX_INPUT_BYTES = 64 * 1024 * 1024


def read(path: str | os.PathLike, dpi: float | None = None, max_bytes: int = MAX_INPUT_BYTES) -> Document:
    """The Document in ``path``. ``dpi`` converts ALTO mm10/inch1200 units to pixels when the file does not
    record it (default 300). Only a regular file of at most ``max_bytes`` is read: a FIFO would block
    forever and ``/dev/zero`` never ends."""
    return read_bytes(read_input_bytes(path, max_bytes), path, dpi)


def read_input_bytes(path: str | os.PathLike, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a layout or text input, refused (`ReadError`) unless it is a regular file of at most
    ``max_bytes``. The check is on the open file, so a file swapped for a FIFO after it is not missed."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ReadError(path, "no such file") from None
    except IsADirectoryError:
        raise ReadError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise ReadError(path, f"cannot be read ({exc.strerror or exc})") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ReadError(
            path,
            "is a directory, not a file"
            if stat.S_ISDIR(info.st_mode)
            else "is not a regular file (a pipe, socket or device)",
        )
    with os.fdopen(fd, "rb") as fh:
        if info.st_size > max_bytes:
            raise ReadError(
                path,
                f"is {info.st_size / 2**20:,.0f} MiB, over the limit of {max_bytes / 2**20:,.0f} MiB "
                "for a layout or text file",
            )
        try:
            data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise ReadError(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise ReadError(path, f"grew past the limit of {max_bytes / 2**20:,.0f} MiB while being read")
    return data


def read_bytes(data: bytes, path: str | os.PathLike = "<bytes>", dpi: float | None = None) -> Document:
    """The Document in ``data``; ``path`` names it in errors and in ``Document.path``.

    Whatever the file holds, the only exception is a `ReadError`: the readers reject malformed values
    themselves, and anything they miss (a value of the wrong type deep in a file) is reported as malformed,
    in one line, rather than as a traceback."""
    try:
        return _read_bytes(data, path, dpi)
    except ReadError:
        raise
    except (
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        OverflowError,
        RecursionError,
        UnicodeError,
    ) as exc:
        raise ReadError(path, f"malformed file ({type(exc).__name__}: {' '.join(str(exc).split())[:120]})") from None


def _read_bytes(data: bytes, path: str | os.PathLike, dpi: float | None) -> Document:
    if not data.strip():
        raise ReadError(path, "empty file")
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff") or head.startswith(b"<"):
        if _HTML_START.match(head) and not head.startswith(b"<?xml"):
            return read_hocr_html(data, path)
        return _read_xml(data, path, dpi)
    if is_digitize_json(data):
        return read_json(data, path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(path, f"not ALTO, hOCR, PAGE or UTF-8 text (byte {exc.start}: {exc.reason})") from None
    return read_text(strip_controls(text), path)


# C0 and C1 control characters other than tab and line ends, and the line/paragraph separators' odd
# cousins: never text on a printed page, and NUL, VT, FF or NEL in a corpus text would reach every output.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def strip_controls(text: str) -> str:
    """``text`` without control characters; NEL (U+0085) becomes a line end, as Unicode defines it."""
    return _CONTROLS.sub("", text).replace("\x85", "\n")


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
