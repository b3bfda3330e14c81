"""Loading inputs: images (PNG, JPEG, TIFF with all its frames) and PDFs (scanned or with a text layer).

Every input page becomes a `LoadedPage`: a grayscale image, where it came from, and, for a PDF page with a
usable text layer, its characters. Files are recognised by their first bytes, never by their name, and
every failure is an `InputError` whose message names the file and the reason on one line.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from .model import PageSource

DEFAULT_DPI = 300
# Decompression-bomb guard: refuse images larger than this many pixels before decoding them.
DEFAULT_MAX_PIXELS = 200_000_000


class InputError(Exception):
    """A file that cannot be read as a page. ``str()`` is one line: ``path: reason``."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path = str(path)
        self.reason = " ".join(str(reason).split())  # one line, even when it quotes a library's message
        super().__init__(f"{self.path}: {self.reason}")


@dataclass
class TextChar:
    """One character of a PDF text layer, in page pixels at the rasterization dpi."""

    text: str
    box: tuple[int, int, int, int]
    size_px: float
    bold: bool


@dataclass
class LoadedPage:
    image: np.ndarray  # uint8 grayscale
    source: PageSource
    text_layer: list[TextChar] | None = field(default=None)


KINDS = {
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpeg", "image/jpeg"),
    b"II*\x00": ("tiff", "image/tiff"),
    b"MM\x00*": ("tiff", "image/tiff"),
    b"%PDF-": ("pdf", "application/pdf"),
}


def sniff(path: Path) -> tuple[str, str]:
    """The file's kind from its first bytes: ('png'|'jpeg'|'tiff'|'pdf', mime type)."""
    if not path.exists():
        raise InputError(path, "no such file")
    if path.is_dir():
        raise InputError(path, "is a directory, not a file")
    try:
        with path.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not head:
        raise InputError(path, "empty file (0 bytes)")
    for magic, kind in KINDS.items():
        if head.startswith(magic):
            return kind
    # Some PDFs carry junk before the header; the spec lets readers look in the first kilobyte.
    if b"%PDF-" in head:
        return KINDS[b"%PDF-"]
    if re.match(rb"\s*<(!doctype|html|\?xml)", head, re.I):
        return _refuse(path, "is HTML/XML text, not an image or PDF")
    if all(32 <= c < 127 or c in b"\r\n\t" for c in head[:256]):
        return _refuse(path, "is a text file, not an image or PDF")
    return _refuse(path, f"unknown file type (starts with {head[:8].hex(' ')})")


def _refuse(path: Path, reason: str):
    raise InputError(path, reason)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load(path: str | os.PathLike, dpi: int = DEFAULT_DPI, password: str | None = None,
         max_pixels: int = DEFAULT_MAX_PIXELS) -> Iterator[LoadedPage]:
    """Yield the pages of one input file, one at a time (a 2,000-page PDF is never held whole)."""
    path = Path(path)
    kind, mime = sniff(path)
    checksum = sha256_file(path)
    if kind == "pdf":
        yield from _load_pdf(path, checksum, dpi, password, max_pixels)
    else:
        yield from _load_image(path, checksum, mime, max_pixels)


def to_gray(frame: Image.Image) -> np.ndarray:
    """Any PIL mode to uint8 grayscale: 16-bit scaled down, alpha composited on white, CMYK/palette via RGB."""
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        arr = np.asarray(frame, dtype=np.float64)
        hi = arr.max() or 1.0
        return np.clip(arr * (255.0 / (65535.0 if hi > 255 else 255.0)), 0, 255).astype(np.uint8)
    if frame.mode == "F":
        arr = np.asarray(frame, dtype=np.float64)
        return np.clip(arr, 0, 255).astype(np.uint8)
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(white, rgba)
    if frame.mode != "L":
        frame = frame.convert("RGB").convert("L")
    return np.asarray(frame, dtype=np.uint8).copy()


def _check_size(path: Path, width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise InputError(path, f"image is {width}×{height} pixels, over the limit of {max_pixels:,} (raise --max-pixels)")
    if width < 16 or height < 16:
        raise InputError(path, f"image is only {width}×{height} pixels, too small to hold text")


def _load_image(path: Path, checksum: str, mime: str, max_pixels: int) -> Iterator[LoadedPage]:
    Image.MAX_IMAGE_PIXELS = None  # our own limit below applies, with a clearer message
    try:
        img = Image.open(path)
    except UnidentifiedImageError as exc:
        raise InputError(path, f"not a readable {mime.split('/')[1].upper()} image") from exc
    except OSError as exc:
        raise InputError(path, f"cannot be opened as an image ({exc})") from exc
    with img:
        frames = 0
        for index, frame in enumerate(ImageSequence.Iterator(img)):
            frames += 1
            _check_size(path, frame.width, frame.height, max_pixels)
            try:
                frame.load()
                gray = to_gray(ImageOps.exif_transpose(frame) or frame)
            except (OSError, SyntaxError, ValueError) as exc:
                raise InputError(path, f"image data is corrupt or truncated (frame {index + 1}: {exc})") from exc
            dpi = frame.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))[0] or DEFAULT_DPI
            # round: PNG stores pixels per metre, so 300 dpi comes back as 299.9994
            dpi = round(float(dpi), 1) if 50 <= float(dpi) <= 2400 else float(DEFAULT_DPI)
            yield LoadedPage(gray, PageSource(str(path), index, "image", checksum, dpi, mime))
        if frames == 0:
            raise InputError(path, "image file holds no pages")


# A text layer is trusted when most of its characters are real text, not "(cid:123)" or private-use codes.
MIN_TEXT_LAYER_CHARS = 20
MIN_TEXT_LAYER_QUALITY = 0.9


def _text_layer_quality(chars: list[str]) -> float:
    def good(c: str) -> bool:
        o = ord(c[0]) if c else 0
        return bool(c) and not c.startswith("(cid:") and not (0xE000 <= o <= 0xF8FF) and c != "\ufffd" and o >= 32
    return sum(good(c) for c in chars) / max(1, len(chars))


def _load_pdf(path: Path, checksum: str, dpi: int, password: str | None, max_pixels: int) -> Iterator[LoadedPage]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(path, password=password or "")
    except Exception as exc:  # pdfminer raises many unrelated classes for broken files
        # pdfplumber wraps pdfminer's errors in PdfminerException(original): look at the original.
        inner = exc.args[0] if type(exc).__name__ == "PdfminerException" and exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(inner, PDFPasswordIncorrect):
            reason = "PDF is encrypted and the password is wrong" if password else "PDF is encrypted (give --pdf-password)"
            raise InputError(path, reason) from exc
        detail = " ".join(str(inner).split())[:120]  # one line, whatever pdfminer put in its message
        raise InputError(path, f"corrupt PDF ({type(inner).__name__}: {detail})") from exc
    with pdf:
        try:
            pages = pdf.pages
        except Exception as exc:
            raise InputError(path, f"corrupt PDF page tree ({type(exc).__name__}: {str(exc)[:120]})") from exc
        if not pages:
            raise InputError(path, "PDF has no pages")
        scale = dpi / 72.0
        for index, page in enumerate(pages):
            width, height = int(round(float(page.width) * scale)), int(round(float(page.height) * scale))
            _check_size(path, width, height, max_pixels)
            try:
                raster = page.to_image(resolution=dpi).original
                gray = to_gray(raster)
                chars = page.chars
            except Exception as exc:
                raise InputError(path, f"PDF page {index + 1} cannot be rendered ({type(exc).__name__}: {str(exc)[:120]})") from exc
            finally:
                page.close()  # drop cached objects: pages are streamed, not kept
            text_layer = None
            texts = [c.get("text", "") for c in chars if c.get("text", "").strip()]
            if len(texts) >= MIN_TEXT_LAYER_CHARS and _text_layer_quality(texts) >= MIN_TEXT_LAYER_QUALITY:
                text_layer = [
                    TextChar(
                        text=c["text"],
                        box=(int(c["x0"] * scale), int(c["top"] * scale), int(np.ceil(c["x1"] * scale)), int(np.ceil(c["bottom"] * scale))),
                        size_px=float(c.get("size", 0)) * scale,
                        bold="bold" in str(c.get("fontname", "")).lower() or "black" in str(c.get("fontname", "")).lower(),
                    )
                    for c in chars
                    if c.get("text", "").strip()
                ]
            kind = "pdf-text" if text_layer else "pdf-scan"
            yield LoadedPage(gray, PageSource(str(path), index, kind, checksum, float(dpi), "application/pdf"), text_layer)


def page_count(path: str | os.PathLike, password: str | None = None) -> int:
    """How many pages ``load`` will yield, read from the file's header (used to name outputs)."""
    path = Path(path)
    kind, _ = sniff(path)
    if kind == "pdf":
        import pdfplumber

        try:
            with pdfplumber.open(path, password=password or "") as pdf:
                return len(pdf.pages)
        except Exception:
            return 1  # load() will raise the specific error
    if kind == "tiff":
        try:
            with Image.open(path) as img:
                return int(getattr(img, "n_frames", 1))
        except Exception:
            return 1
    return 1
