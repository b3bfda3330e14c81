"""Loading inputs: images (PNG, JPEG, TIFF with all its frames) and PDFs (scanned or with a text layer).

Every input page becomes a `LoadedPage`: a grayscale image, where it came from, and, for a PDF page with a
usable text layer, its characters. Files are recognised by their first bytes, never by their name, and
every failure is an `InputError` whose message names the file and the reason on one line.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import os
import re
import stat
import struct
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InputError  # re-exported: `from digitize.io import InputError` keeps working
from .model import PageSource

DEFAULT_DPI = 300
# The pixel budget of one page: larger images are refused before decoding (decompression bombs), larger PDF
# pages rendered at a lower dpi. Measured (blank pages through the whole pipeline, ppocr): 240 MB plus about
# 14 bytes a pixel at peak (25 Mpx: 603 MB, 100 Mpx: 1,620 MB, 196 Mpx: 2.85 GB), so 120 million pixels
# keeps a page under 2 GB. A broadsheet (600 × 800 mm) at 400 dpi is 119 million.
DEFAULT_MAX_PIXELS = 120_000_000


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
    # why a text layer the file has was not used, when a budget stopped reading it (one line each)
    notes: list[str] = field(default_factory=list)


KINDS = {
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpeg", "image/jpeg"),
    b"II*\x00": ("tiff", "image/tiff"),
    b"MM\x00*": ("tiff", "image/tiff"),
    b"%PDF-": ("pdf", "application/pdf"),
}

# The Pillow plugin for each kind: Image.open is held to it, so a file can never reach a plugin we did not
# mean (EPS would be handed to Ghostscript).
PIL_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/tiff": "TIFF"}


def sniff(path: Path) -> tuple[str, str]:
    """The file's kind from its first bytes: ('png'|'jpeg'|'tiff'|'pdf', mime type)."""
    _check_file(path)
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


def _check_file(path: Path) -> None:
    """Refuse what is not a readable regular file before opening it: reading a FIFO found in a batch
    folder would block forever, and Path.exists() reports a symlink loop as a missing file."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(path, "symbolic link loop") from exc
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise InputError(
                path, "broken symbolic link (its target is missing)" if path.is_symlink() else "no such file"
            ) from exc
        raise InputError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(path, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, "is not a regular file (a pipe, socket or device)")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load(
    path: str | os.PathLike, dpi: int = DEFAULT_DPI, password: str | None = None, max_pixels: int = DEFAULT_MAX_PIXELS
) -> Iterator[LoadedPage]:
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
        arr = np.asarray(frame)
        scale = np.float32(255.0 / 65535.0) if arr.max(initial=0) > 255 else np.float32(1.0)
        return np.clip(arr * scale, 0, 255).astype(np.uint8)
    if frame.mode == "F":
        return np.clip(np.asarray(frame, dtype=np.float32), 0, 255).astype(np.uint8)
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        frame = Image.alpha_composite(white, rgba)
    if frame.mode != "L":
        frame = frame.convert("RGB").convert("L")
    return np.asarray(frame, dtype=np.uint8).copy()


def _check_size(path: Path, width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise InputError(
            path, f"image is {width}×{height} pixels, over the limit of {max_pixels:,} (raise --max-pixels)"
        )
    if width < 16 or height < 16:
        raise InputError(path, f"image is only {width}×{height} pixels, too small to hold text")


def _check_png_chunks(path: Path) -> None:
    """Verify every chunk's CRC: Pillow checks only the header's, so a damaged IDAT would decode to a
    silently wrong page. Truncation is left to the decoder, which names it."""
    with path.open("rb") as fh:
        fh.seek(8)
        while True:
            offset = fh.tell()
            head = fh.read(8)
            if len(head) < 8:
                return
            length, kind = struct.unpack(">I4s", head)
            crc = zlib.crc32(kind)
            remaining = length
            while remaining:
                block = fh.read(min(remaining, 1 << 20))
                if not block:
                    return
                crc = zlib.crc32(block, crc)
                remaining -= len(block)
            stored = fh.read(4)
            if len(stored) < 4:
                return
            if struct.unpack(">I", stored)[0] != crc:
                name = kind.decode("latin-1") if kind.isalpha() else kind.hex()
                raise InputError(path, f"corrupt PNG: CRC mismatch in {name} chunk at byte {offset}")
            if kind == b"IEND":
                return


def _check_tiff_directory(path: Path) -> None:
    """A TIFF whose first directory offset is 0 holds no pages, one whose directory lies past the end is cut
    short: Pillow only says it cannot identify either."""
    with path.open("rb") as fh:
        head = fh.read(8)
        if len(head) < 8:
            return
        order = "<" if head[:2] == b"II" else ">"
        offset = struct.unpack(order + "I", head[4:8])[0]
        if offset == 0:
            raise InputError(path, "TIFF holds no pages (its first directory offset is 0)")
        fh.seek(offset)
        count = fh.read(2)
        # a directory is a 2-byte entry count, 12 bytes per entry and a 4-byte next-directory offset
        if len(count) < 2 or offset + 2 + 12 * struct.unpack(order + "H", count)[0] + 4 > path.stat().st_size:
            raise InputError(
                path, f"TIFF is truncated (its first directory, at byte {offset:,}, runs past the end of the file)"
            )


@contextlib.contextmanager
def _quiet_decoder():
    """Pillow's warnings about a damaged file (a TIFF tag past the end of the file: five lines on stderr)
    are silenced: the file is either decoded or refused with one InputError line that says why."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
        warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)
        yield


def _load_image(path: Path, checksum: str, mime: str, max_pixels: int) -> Iterator[LoadedPage]:
    Image.MAX_IMAGE_PIXELS = None  # our own limit below applies, with a clearer message
    if mime == "image/png":
        _check_png_chunks(path)
    elif mime == "image/tiff":
        _check_tiff_directory(path)
    try:
        with _quiet_decoder():
            img = Image.open(path, formats=[PIL_FORMATS[mime]])
    except UnidentifiedImageError as exc:
        raise InputError(path, f"not a readable {mime.split('/')[1].upper()} image") from exc
    except Exception as exc:  # Pillow's plugins raise OSError, SyntaxError, struct.error, ... on bad headers
        raise InputError(path, f"image header is corrupt or truncated ({type(exc).__name__}: {exc})") from exc
    with img:
        frames = 0
        for index in itertools.count():
            try:
                with _quiet_decoder():
                    img.seek(index)
            except EOFError:
                break
            except Exception as exc:
                raise InputError(
                    path, f"image data is corrupt or truncated (frame {index + 1}: {type(exc).__name__}: {exc})"
                ) from exc
            _check_size(path, img.width, img.height, max_pixels)  # from the header, before decoding
            try:
                with _quiet_decoder():
                    img.load()
                    gray = to_gray(ImageOps.exif_transpose(img) or img)
            except Exception as exc:  # any decoder failure is a bad file, whatever class the plugin chose
                raise InputError(path, f"image data is corrupt or truncated (frame {index + 1}: {exc})") from exc
            dpi = img.info.get("dpi", (DEFAULT_DPI, DEFAULT_DPI))
            dpi = dpi[0] if isinstance(dpi, tuple) and dpi else DEFAULT_DPI
            try:
                dpi = float(dpi) or DEFAULT_DPI
            except (TypeError, ValueError):
                dpi = DEFAULT_DPI
            # round: PNG stores pixels per metre, so 300 dpi comes back as 299.9994
            dpi = round(dpi, 1) if 50 <= dpi <= 2400 else float(DEFAULT_DPI)
            frames += 1
            yield LoadedPage(gray, PageSource(str(path), index, "image", checksum, dpi, mime))
        if frames == 0:
            raise InputError(path, "image file holds no pages")


# A text layer is trusted when most of its characters are real text, not "(cid:123)" or private-use codes,
# and when pdfminer reads nearly all the characters pdfium draws: a font whose character map pdfminer cannot
# decode loses its text silently (a whole page header), and such a page is better OCRed.
MIN_TEXT_LAYER_CHARS = 20
MIN_TEXT_LAYER_QUALITY = 0.9
MIN_TEXT_LAYER_COVERAGE = 0.95


def _text_layer_quality(chars: list[str]) -> float:
    def good(c: str) -> bool:
        o = ord(c[0]) if c else 0
        return bool(c) and not c.startswith("(cid:") and not (0xE000 <= o <= 0xF8FF) and c != "\ufffd" and o >= 32

    return sum(good(c) for c in chars) / max(1, len(chars))


# Budgets of the text-layer reader (pdfminer, pure Python: 10–25 µs per content-stream token on a loaded
# 2-core machine, and 2 kB per character it builds). Measured: born-digital pages of 2,000–2,700 characters
# take 1,000–10,000 tokens; a dense broadsheet of 60,000 characters in kerned TJ arrays stays under
# 500,000. A 2.5 kB PDF can draw 2,000,000 characters (4.3 GB) or hold 20 million "q Q" (206 s). Past a
# budget the layer is dropped and the page is OCRed from pdfium's rendering, which is fast on both.
MAX_TEXT_LAYER_CHARS = 150_000
MAX_TEXT_LAYER_TOKENS = 1_000_000
MAX_GRAPHICS_STATE_DEPTH = 1_000  # nested "q": the PDF reference's implementation limit is 28


class TextLayerBudgetExceeded(Exception):
    """The text layer of a page would cost more than the budgets above; ``str()`` says which."""


def _budgeted_layout(page):
    """pdfplumber's layout of ``page`` (what ``page.chars`` is read from), built by the same pdfminer device
    and interpreter but counting as it goes: it raises `TextLayerBudgetExceeded` instead of running away."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    counts = {"tokens": 0, "chars": 0}

    def tick() -> None:
        counts["tokens"] += 1
        if counts["tokens"] > MAX_TEXT_LAYER_TOKENS:
            raise TextLayerBudgetExceeded(f"content stream over {MAX_TEXT_LAYER_TOKENS:,} operations")

    class Device(PDFPageAggregatorWithMarkedContent):
        def render_char(self, *args, **kwargs):
            counts["chars"] += 1
            if counts["chars"] > MAX_TEXT_LAYER_CHARS:
                raise TextLayerBudgetExceeded(f"text layer over {MAX_TEXT_LAYER_CHARS:,} characters")
            return super().render_char(*args, **kwargs)

    class Interpreter(PDFPageInterpreter):
        # every content token is an operand (push), an operator with operands (pop) or one without (below)
        def push(self, obj):
            tick()
            return super().push(obj)

        def pop(self, n):
            tick()
            return super().pop(n)

        def do_q(self):
            tick()
            if len(self.gstack) >= MAX_GRAPHICS_STATE_DEPTH:
                raise TextLayerBudgetExceeded(f"graphics state nested over {MAX_GRAPHICS_STATE_DEPTH:,} deep")
            return super().do_q()  # form XObjects run in self.dup(): this class, the same budget

    def counted(method):
        def operator(self):  # one parameter: the interpreter passes operands by the method's arity
            tick()
            return method(self)

        return operator

    for name in dir(PDFPageInterpreter):
        method = getattr(PDFPageInterpreter, name)
        if name.startswith("do_") and name != "do_q" and callable(method) and method.__code__.co_argcount == 1:
            setattr(Interpreter, name, counted(method))

    device = Device(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    Interpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    return device.get_result()


def _text_layer_chars(page) -> tuple[list[dict], str | None]:
    """The characters of a pdfplumber page, or none and the reason when a budget stopped the reader."""
    try:
        page._layout = _budgeted_layout(page)  # pdfplumber reads page.chars from this cached layout
    except TextLayerBudgetExceeded as exc:
        return [], f"text layer not read: {exc}"
    return page.chars, None


def _guard_reference_cycles() -> None:
    """Make pdfminer's indirect references stop at a cycle. ``resolve1`` follows a reference until it gets
    something else, so an object that is a reference to itself (``5 0 obj 5 0 R endobj`` as a page's
    /Resources) loops forever (no upstream fix as of pdfminer.six 20250506). Patched on the class, so every
    module's ``resolve1`` sees it: a chain that comes back to an object already on it resolves to the
    caller's default, as a missing object does."""
    from pdfminer.pdftypes import PDFObjectNotFound, PDFObjRef

    if getattr(PDFObjRef.resolve, "_digitize_guard", False):
        return

    def resolve(self, default=None):
        seen = {self.objid}
        x = self
        try:
            while isinstance(x, PDFObjRef):
                assert x.doc is not None  # as in pdfminer's own resolve()
                x = x.doc.getobj(x.objid)
                if isinstance(x, PDFObjRef):
                    if x.objid in seen:
                        return default
                    seen.add(x.objid)
        except PDFObjectNotFound:
            return default
        return x

    resolve._digitize_guard = True  # type: ignore[attr-defined]  # a mark on our function: patched once
    PDFObjRef.resolve = resolve  # type: ignore[method-assign]  # the patch itself: pdfminer's loops on a cycle


def _open_pdf(path: Path, stream, password: str | None):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    _guard_reference_cycles()
    try:
        return pdfplumber.open(stream, password=password or "")
    except Exception as exc:  # pdfminer raises many unrelated classes for broken files
        # pdfplumber wraps pdfminer's errors in PdfminerException(original): look at the original.
        inner = (
            exc.args[0]
            if type(exc).__name__ == "PdfminerException" and exc.args and isinstance(exc.args[0], Exception)
            else exc
        )
        if isinstance(inner, PDFPasswordIncorrect):
            reason = (
                "PDF is encrypted and the password is wrong" if password else "PDF is encrypted (give --pdf-password)"
            )
            raise InputError(path, reason) from exc
        detail = " ".join(str(inner).split())[:120]  # one line, whatever pdfminer put in its message
        raise InputError(path, f"corrupt PDF ({type(inner).__name__}: {detail})") from exc


def _pdf_pages(pdf, path: Path):
    """The pages of an open pdfplumber PDF one at a time: ``pdf.pages`` would build all 2,000 first."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    tree = PDFPage.create_pages(pdf.doc)
    for number in itertools.count(1):
        try:
            page_obj = next(tree)
            yield Page(pdf, page_obj, page_number=number)
        except StopIteration:
            return
        except Exception as exc:
            raise InputError(
                path, f"corrupt PDF page tree at page {number} ({type(exc).__name__}: {str(exc)[:120]})"
            ) from exc


def _declared_page_count(pdf) -> int | None:
    try:
        from pdfminer.pdftypes import resolve1

        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except Exception:
        return None


def _load_pdf(path: Path, checksum: str, dpi: int, password: str | None, max_pixels: int) -> Iterator[LoadedPage]:
    """pdfium renders the pages and decides how many there are; pdfminer (through pdfplumber) reads the text
    layer. pdfium recovers damaged files (a wrong xref) where pdfminer may find no page: then, or whenever the
    two disagree on the page count, no text layer is trusted and every page is OCRed."""
    import pypdfium2

    # The stream is ours, so the PDF needs no close(): pdfplumber's would build every page of the file to
    # close them one by one (and fail on a damaged page tree); the pages we made are closed as we go.
    with path.open("rb") as stream:
        pdf = _open_pdf(path, stream, password)
        try:  # one rasterizer for the whole file (pdfplumber's to_image opens the file again for each page)
            raster_doc = pypdfium2.PdfDocument(str(path), password=password or None)
        except pypdfium2.PdfiumError as exc:
            if next(_pdf_pages(pdf, path), None) is None:
                raise InputError(path, "PDF has no pages") from exc
            raise InputError(path, f"corrupt PDF (the renderer cannot open it: {exc})") from exc
        try:
            total = len(raster_doc)
            if total == 0:
                raise InputError(path, "PDF has no pages")
            text_pages = _pdf_pages(pdf, path) if _declared_page_count(pdf) == total else None
            scale = dpi / 72.0
            for index in range(total):
                page = None
                if text_pages is not None:
                    try:
                        page = next(text_pages, None)
                    except InputError:  # the text reader gives up on this page tree: OCR the rest
                        text_pages = None
                try:
                    raster_page = raster_doc[index]
                    width_pt, height_pt = raster_page.get_size()
                    page_scale = _pdf_scale(width_pt, height_pt, scale, max_pixels)
                    if page_scale * 72 < MIN_LOWERED_PDF_DPI:  # too large to read even at a lowered dpi
                        page_scale = scale
                    _check_size(path, int(round(width_pt * page_scale)), int(round(height_pt * page_scale)), max_pixels)
                    # pdfplumber's rendering settings (no smoothing), so pages look as they did through it;
                    # grayscale straight from pdfium: one byte a pixel, not four
                    raster = raster_page.render(
                        scale=page_scale, no_smoothtext=True, no_smoothpath=True, no_smoothimage=True, grayscale=True
                    ).to_pil()
                    drawn = _drawn_text_count(raster_page)
                    raster_page.close()
                    gray = to_gray(raster)
                    chars, note = _text_layer_chars(page) if page is not None else ([], None)
                except InputError:
                    raise
                except Exception as exc:
                    raise InputError(
                        path, f"PDF page {index + 1} cannot be rendered ({type(exc).__name__}: {str(exc)[:120]})"
                    ) from exc
                finally:
                    if page is not None:
                        page.close()  # drop cached objects: pages are streamed, not kept
                text_layer = _usable_text_layer(chars, page_scale, drawn)
                kind = "pdf-text" if text_layer else "pdf-scan"
                notes = [note] if note else []
                if page_scale < scale:
                    notes.append(
                        f"page of {width_pt / 72:.0f}×{height_pt / 72:.0f} inches rendered at "
                        f"{page_scale * 72:.0f} dpi to stay within {max_pixels:,} pixels"
                    )
                yield LoadedPage(
                    gray,
                    PageSource(str(path), index, kind, checksum, round(page_scale * 72.0, 1), "application/pdf"),
                    text_layer,
                    notes,
                )
        finally:
            raster_doc.close()


# A page lowered below this dpi to fit the pixel budget is refused instead: body text would be too small to
# read (8-point type is 17 pixels high at 150 dpi).
MIN_LOWERED_PDF_DPI = 150


def _pdf_scale(width_pt: float, height_pt: float, scale: float, max_pixels: int) -> float:
    """The rendering scale of a PDF page: the asked dpi, lowered for a page so large (a 47-inch poster) that
    it would exceed the pixel budget. A PDF is drawn, not scanned, so a lower dpi loses no input; a
    newspaper page (600 × 800 mm at 300 dpi, 67 million pixels) is never lowered."""
    pixels = width_pt * height_pt * scale * scale
    if pixels <= max_pixels or pixels <= 0:
        return scale
    return scale * (max_pixels / pixels) ** 0.5 * 0.999


def _drawn_text_count(raster_page) -> int:
    """How many non-space characters pdfium finds on the page."""
    textpage = raster_page.get_textpage()
    try:
        return sum(not c.isspace() for c in textpage.get_text_range())
    finally:
        textpage.close()


def _usable_text_layer(chars: list[dict], scale: float, drawn: int = 0) -> list[TextChar] | None:
    """The page's characters, or None when the layer is too thin, garbage (a broken font) or misses text
    pdfium draws (``drawn`` characters; a font pdfminer cannot decode): then the page is rasterized and
    OCRed like a scan."""
    chars = [c for c in chars if str(c.get("text", "")).strip()]
    if len(chars) < MIN_TEXT_LAYER_CHARS or _text_layer_quality([c["text"] for c in chars]) < MIN_TEXT_LAYER_QUALITY:
        return None
    if len(chars) < MIN_TEXT_LAYER_COVERAGE * drawn:
        return None

    def bold(fontname: str) -> bool:
        return "bold" in fontname.lower() or "black" in fontname.lower()

    return [
        TextChar(
            text=c["text"],
            box=(
                int(c["x0"] * scale),
                int(c["top"] * scale),
                int(np.ceil(c["x1"] * scale)),
                int(np.ceil(c["bottom"] * scale)),
            ),
            size_px=float(c.get("size", 0)) * scale,
            bold=bold(str(c.get("fontname", ""))),
        )
        for c in chars
    ]


def page_count(path: str | os.PathLike, password: str | None = None) -> int:
    """How many pages ``load`` will yield, read from the file's header (used to name outputs)."""
    path = Path(path)
    kind, _ = sniff(path)
    if kind == "pdf":
        import pypdfium2

        try:  # the page tree's count, without parsing every page as pdfplumber's len(pdf.pages) would
            with pypdfium2.PdfDocument(str(path), password=password or None) as doc:
                return len(doc)
        except Exception:
            return 1  # load() will raise the specific error
    if kind in ("tiff", "png", "jpeg"):  # multi-page TIFF, animated PNG, MPO JPEG: a page per frame
        try:
            with Image.open(path, formats=list(PIL_FORMATS.values())) as img:
                return int(getattr(img, "n_frames", 1))
        except Exception:
            return 1
    return 1
