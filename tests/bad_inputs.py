"""The corpus of bad inputs (issue 9), made by code so that no hostile blob is committed.

``build_corpus(folder)`` writes every case and returns them; each case says what ``digitize.io.load`` must do
with it: refuse it with an ``InputError`` whose message holds ``error``, or yield ``pages`` pages of ``kind``.
``python tests/bad_inputs.py OUTDIR`` writes the corpus for the limits bench (bench/bad_inputs_limits.py).
"""

from __future__ import annotations

import io
import os
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import render_page


@dataclass(frozen=True)
class Case:
    name: str  # the file name written: its suffix is what a user sees, not what the file is
    make: Callable[[Path, Sources], None]  # writes the file at the given path
    error: str | None = None  # a fragment of the expected InputError message; None: the file loads
    pages: int = 1  # pages yielded when it loads
    kind: str = "image"  # PageSource.kind of the pages
    options: dict = field(default_factory=dict)  # load() options (password, max_pixels)


@dataclass
class Sources:
    """The good page the bad files are made from, rendered once."""

    page: Image.Image  # a 1000×700 grayscale page with a headline and six lines of CJK text

    def encoded(self, fmt: str, image: Image.Image | None = None, **params) -> bytes:
        out = io.BytesIO()
        (image or self.page).save(out, fmt, **params)
        return out.getvalue()


# ------------------------------------------------------------------------------------- raw file builders


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width``×``height`` and holds almost no data: decoding it would blow up."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def tiff_header_only(width: int, height: int) -> bytes:
    """A little-endian TIFF directory claiming a huge 8-bit gray strip image, with 16 bytes of data."""
    entries = [
        (256, 4, 1, width),
        (257, 4, 1, height),
        (258, 3, 1, 8),
        (259, 3, 1, 1),
        (262, 3, 1, 1),
        (273, 4, 1, 8 + 2 + 12 * 9 + 4),
        (277, 3, 1, 1),
        (278, 4, 1, height),
        (279, 4, 1, 16),
    ]
    ifd = struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *e) for e in entries) + struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00" * 16


def jpeg_header_only(width: int, height: int) -> bytes:
    """SOI and a baseline SOF0 frame header claiming ``width``×``height`` (≤ 65,535), then EOI."""
    sof = struct.pack(">BHHB", 8, height, width, 1) + bytes([1, 0x11, 0])
    return b"\xff\xd8" + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9"


def pdf_file(objects: list[bytes], root: int = 1, xref_offset_shift: int = 0, with_xref: bool = True) -> bytes:
    """A PDF from numbered object bodies (object i+1 is ``objects[i]``), with a correct xref unless told."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    if not with_xref:
        return bytes(out) + b"%%EOF\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset + xref_offset_shift)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def pdf_pages(
    page_count: int,
    content: bytes,
    size_pt: tuple[float, float] = (595, 842),
    resources: bytes = b"<< >>",
    extra_objects: list[bytes] = (),
) -> bytes:
    """``page_count`` pages sharing one content stream. Objects: 1 catalog, 2 pages, 3 content, 4.. extra,
    then the pages."""
    first_page = 4 + len(extra_objects)
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(page_count))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, page_count),
        stream(content),
        *extra_objects,
    ]
    box = b"[0 0 %s %s]" % (str(size_pt[0]).encode(), str(size_pt[1]).encode())
    objects += [
        b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 3 0 R /Resources %s >>" % (box, resources)
    ] * page_count
    return pdf_file(objects)


def pdf_scan_with_text_layer(page: Image.Image, text_ops: bytes, font_objects: list[bytes]) -> bytes:
    """One A4-landscape-ish page: ``page`` as an image filling it, plus invisible text (render mode 3) drawn
    with font object 5 — how OCRed scans carry their text layer."""
    w, h = page.size
    width_pt, height_pt = w * 72 / 300, h * 72 / 300
    image = stream(
        zlib.compress(page.tobytes()),
        b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode" % (w, h),
    )
    content = b"q %.2f 0 0 %.2f 0 0 cm /Im0 Do Q BT 3 Tr /F1 12 Tf 20 %.2f Td %s ET" % (
        width_pt,
        height_pt,
        height_pt - 40,
        text_ops,
    )
    resources = b"<< /XObject << /Im0 4 0 R >> /Font << /F1 5 0 R >> >>"
    return pdf_pages(1, content, (round(width_pt, 2), round(height_pt, 2)), resources, [image, *font_objects])


def type0_font(to_unicode: bytes | None) -> list[bytes]:
    """Objects 5.. of an unembedded Identity-H font; without a ToUnicode map its text reads as (cid:N)."""
    cmap_ref = b"/ToUnicode 8 0 R" if to_unicode else b""
    objects = [
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Broken /Encoding /Identity-H /DescendantFonts [6 0 R] %s >>"
        % cmap_ref,
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Broken /CIDSystemInfo << /Registry (Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R >>",
        b"<< /Type /FontDescriptor /FontName /Broken /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
        b"/Ascent 1000 /Descent 0 /CapHeight 1000 /StemV 80 >>",
    ]
    if to_unicode:
        objects.append(stream(to_unicode))
    return objects


GARBAGE_TEXT = b"<" + b"".join(b"%04X" % c for c in range(0x41, 0x41 + 40)) + b"> Tj"
# A ToUnicode map that sends every code to the private-use area: text that looks present but means nothing.
PUA_CMAP = (
    b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /PUA def "
    b"1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0000> <00FF> <E000> endbfrange "
    b"endcmap CMapName currentdict /CMap defineresource pop end end"
)


def encrypted_pdf(sources: Sources) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(sources.encoded("PDF", resolution=300)))
    writer.encrypt(user_password="s3cret", owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ the cases


def _bytes(make: Callable[[Sources], bytes]) -> Callable[[Path, Sources], None]:
    return lambda path, src: path.write_bytes(make(src))


def _half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _bad_idat_crc(src: Sources) -> bytes:
    data = bytearray(src.encoded("PNG"))
    at = data.find(b"IDAT")
    length = struct.unpack(">I", data[at - 4 : at])[0]
    data[at + 4 + length] ^= 0xFF  # first byte of the IDAT chunk's CRC
    return bytes(data)


def _transparent(src: Sources) -> Image.Image:
    rgba = np.zeros((*np.asarray(src.page).shape, 4), np.uint8)
    rgba[..., 3] = 255 - np.asarray(src.page)  # black ink on a fully transparent background
    return Image.fromarray(rgba, "RGBA")


def _symlink_loop(path: Path, src: Sources) -> None:
    path.symlink_to(path.name)  # a relative link to itself


def _broken_symlink(path: Path, src: Sources) -> None:
    path.symlink_to(path.with_name("gone-" + path.name))


def _fifo(path: Path, src: Sources) -> None:
    os.mkfifo(path)


def _vector_art(src: Sources) -> bytes:
    # rules, a frame and a filled circle-ish polygon: ink but no text
    art = (
        b"2 w 40 40 515 762 re S 0.5 w 40 700 m 555 700 l S 300 400 m 380 480 l 300 560 l 220 480 l f "
        b"0.3 g 60 100 200 150 re f"
    )
    return pdf_pages(1, art)


CASES: list[Case] = [
    # empty, truncated, damaged
    Case("zero_byte.png", _bytes(lambda s: b""), error="empty file (0 bytes)"),
    Case("truncated.png", _bytes(lambda s: _half(s.encoded("PNG"))), error="corrupt or truncated"),
    Case("truncated.jpg", _bytes(lambda s: _half(s.encoded("JPEG", quality=90))), error="corrupt or truncated"),
    Case("truncated.tif", _bytes(lambda s: _half(s.encoded("TIFF"))), error="corrupt or truncated"),
    Case(
        "truncated_deflate.tif",
        _bytes(lambda s: s.encoded("TIFF", compression="tiff_deflate")[:-200]),
        error="TIFF is truncated",
    ),  # Pillow writes the directory last: the cut removes it
    Case("bad_crc.png", _bytes(_bad_idat_crc), error="CRC mismatch in IDAT chunk"),
    Case("no_pages.tif", _bytes(lambda s: b"II*\x00\x00\x00\x00\x00"), error="TIFF holds no pages"),
    Case("header_only.jpg", _bytes(lambda s: s.encoded("JPEG")[:20]), error="not a readable JPEG image"),
    # image modes: all load as 8-bit gray
    Case("sixteen_bit.png", _bytes(lambda s: s.encoded("PNG", Image.fromarray(np.asarray(s.page, np.uint16) * 257)))),
    Case("cmyk.jpg", _bytes(lambda s: s.encoded("JPEG", s.page.convert("CMYK"), quality=90))),
    Case("palette.png", _bytes(lambda s: s.encoded("PNG", s.page.convert("P")))),
    Case("alpha.png", _bytes(lambda s: s.encoded("PNG", _transparent(s)))),
    Case("fax_g4.tif", _bytes(lambda s: s.encoded("TIFF", s.page.convert("1"), compression="group4"))),
    Case("blank.png", _bytes(lambda s: s.encoded("PNG", Image.new("L", s.page.size, 255)))),
    Case("upside_down.png", _bytes(lambda s: s.encoded("PNG", s.page.rotate(180)))),
    Case("rotated_90.png", _bytes(lambda s: s.encoded("PNG", s.page.transpose(Image.Transpose.ROTATE_90)))),
    # sizes
    Case("one_pixel.png", _bytes(lambda s: s.encoded("PNG", Image.new("L", (1, 1), 255))), error="only 1×1 pixels"),
    Case(
        "bomb.png",
        _bytes(lambda s: png_header_only(100_000, 100_000)),
        error="100000×100000 pixels, over the limit of 120,000,000",
    ),
    Case("bomb.tif", _bytes(lambda s: tiff_header_only(100_000, 100_000)), error="over the limit of 120,000,000"),
    Case("bomb.jpg", _bytes(lambda s: jpeg_header_only(65_000, 65_000)), error="65000×65000 pixels, over the limit"),
    Case("bomb.pdf", _bytes(lambda s: pdf_pages(1, b"", (14_400, 14_400))), error="60000×60000 pixels, over the limit"),
    Case(
        "over_small_limit.png",
        _bytes(lambda s: s.encoded("PNG")),
        error="over the limit of 100,000 (raise --max-pixels)",
        options={"max_pixels": 100_000},
    ),
    # not what the name says
    Case("text_named.png", _bytes(lambda s: b"Notes, not a picture.\r\nLine two.\r\n"), error="is a text file"),
    Case("html_named.png", _bytes(lambda s: b"<!DOCTYPE html><html><body>404</body></html>"), error="is HTML/XML text"),
    Case("pdf_named.jpg", _bytes(lambda s: s.encoded("PDF", resolution=300)), kind="pdf-scan"),
    Case("unknown_binary.png", _bytes(lambda s: bytes(range(256)) * 4), error="unknown file type"),
    # PDFs
    Case("encrypted.pdf", _bytes(encrypted_pdf), error="PDF is encrypted (give --pdf-password)"),
    Case("encrypted_with_password.pdf", _bytes(encrypted_pdf), kind="pdf-scan", options={"password": "s3cret"}),
    Case(
        "encrypted_wrong_password.pdf", _bytes(encrypted_pdf), error="password is wrong", options={"password": "nope"}
    ),
    # every xref offset off by 7 bytes: readers rebuild the table by scanning, as for real damaged files
    Case(
        "shifted_xref.pdf",
        _bytes(
            lambda s: pdf_file(
                [
                    b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
                ],
                xref_offset_shift=7,
            )
        ),
        kind="pdf-scan",
    ),
    Case(
        "no_xref_no_objects.pdf",
        _bytes(lambda s: b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\ngarbage \x00\xff\x10 trailer <<>>\n"),
        error="corrupt PDF",
    ),
    Case(
        "no_pages.pdf",
        _bytes(lambda s: pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])),
        error="PDF has no pages",
    ),
    # blank 1-inch pages: what is measured is streaming 2,000 pages, not OCR
    Case("many_pages.pdf", _bytes(lambda s: pdf_pages(2000, b"", (72, 72))), pages=2000, kind="pdf-scan"),
    Case("vector_only.pdf", _bytes(_vector_art), kind="pdf-scan"),
    Case(
        "broken_font_cid.pdf",
        _bytes(lambda s: pdf_scan_with_text_layer(s.page, GARBAGE_TEXT, type0_font(None))),
        kind="pdf-scan",
    ),
    Case(
        "broken_font_pua.pdf",
        _bytes(lambda s: pdf_scan_with_text_layer(s.page, GARBAGE_TEXT, type0_font(PUA_CMAP))),
        kind="pdf-scan",
    ),
    # file-system oddities found in batch folders
    Case("symlink_loop.png", _symlink_loop, error="symbolic link loop"),
    Case("broken_symlink.png", _broken_symlink, error="broken symbolic link"),
    Case("fifo.png", _fifo, error="is not a regular file"),
    Case("folder.png", lambda path, src: path.mkdir(), error="is a directory"),
]


def build_corpus(folder: Path, cases: list[Case] = CASES) -> list[tuple[Case, Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    rendered = render_page(folder / ".source_page.png")
    with Image.open(rendered.path) as img:
        sources = Sources(img.convert("L"))
    built = []
    for case in cases:
        path = folder / case.name
        case.make(path, sources)
        built.append((case, path))
    return built


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python tests/bad_inputs.py OUTDIR")
    for case, path in build_corpus(Path(sys.argv[1])):
        print(f"{path}\t{case.error or f'{case.pages} page(s), {case.kind}'}")
