"""Searchable PDF: the page image with an invisible text layer (PDF text render mode 3), written with fpdf2.

Each page of the PDF is the source image at its resolution (page size = pixels / dpi), and over it every
word of the page, in reading order (articles in order, then the blocks outside articles such as the page
header), drawn invisibly at its box: the font size is the line height and the horizontal scaling makes the
word exactly as wide as its box, so a viewer's selection and search highlight fall on the printed word.
Vertical lines are drawn a character at a time at each glyph's box. The text is the line in the text
output's punctuation profile (`line_text.line_in_profile`), so copying from the PDF gives what the text
output says. The font is a glyphless TrueType font made for the document with fontTools (one empty glyph
per character used, each mapped to its character): what Tesseract and ocrmypdf use for their text layers.
It needs no system font, embeds in a few kilobytes, and extraction tools (pdfminer/pdfplumber, poppler's
pdftotext, pdfium) map every glyph back to its character. (fpdf2 embeds a CFF font such as Noto CJK with a
CMap stream that pdfminer cannot read: pdfplumber extracted nothing from such a PDF.)

The file is PDF/A-2b, by fpdf2's own compliance mode (``enforce_compliance``, fpdf2 ≥ 2.8.5): PDF 1.7, the
sRGB ICC output intent fpdf2 ships, the font embedded, no encryption, no transparency group (the page images
have no alpha), a file ``/ID``, and an XMP packet with ``pdfaid:part`` 2 and ``pdfaid:conformance`` B. The XMP is
written here rather than by fpdf2, whose packet takes ``ModifyDate`` from the clock.

Output is reproducible: creation date from the caller or the page header's date, never the clock.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from ..model import Block, Document, Page
from .alto import _is_identity, _layout_line, xml_text
from .line_text import line_in_profile

# Where the baseline sits in a line box, from its top, as a share of the box height: the glyphless font's
# ascent is 0.88 em of its 1.0 em body (Noto CJK's proportions), so its em box fills the line box.
BASELINE_SHARE = 0.88
FONT_ASCENT, FONT_DESCENT = 880, -120
FONT_EPOCH = 2082844800  # TrueType timestamps count seconds from 1904: this is 1970-01-01, fixed for reproducibility
FALLBACK_DATE = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
PDFA = "PDF/A-2B"


class PdfError(ValueError):
    """A searchable PDF cannot be made (no page image, no CJK font)."""


def glyphless_font(chars: set[str]) -> bytes:
    """A TrueType font with one empty glyph, 1 em wide, per character of ``chars`` (and the space)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    cps = sorted({ord(c) for c in chars if ord(c) > 32} | {32})
    names = [".notdef"] + [f"uni{cp:04X}" if cp <= 0xFFFF else f"u{cp:06X}" for cp in cps]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap(dict(zip(cps, names[1:])))
    empty = TTGlyphPen(None).glyph()
    fb.setupGlyf({n: empty for n in names})
    fb.setupHorizontalMetrics({n: (1000, 0) for n in names})
    fb.setupHorizontalHeader(ascent=FONT_ASCENT, descent=FONT_DESCENT)
    fb.setupNameTable({"familyName": "GlyphLessFont", "styleName": "Regular"})
    fb.setupOS2(
        sTypoAscender=FONT_ASCENT, sTypoDescender=FONT_DESCENT, usWinAscent=FONT_ASCENT, usWinDescent=-FONT_DESCENT
    )
    fb.setupPost()
    fb.font["head"].created = fb.font["head"].modified = FONT_EPOCH
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()


def _creation_date(doc: Document, created: dt.datetime | None) -> dt.datetime:
    if created is not None:
        return created
    for page in doc.pages:
        date = page.metadata.get("date", "")
        try:
            return dt.datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return FALLBACK_DATE


def page_image(page: Page) -> Image.Image:
    """The page's source image: ``page.image`` when the caller kept it, else read from ``page.source.path``
    (a PDF page is rendered with pdfium at the page's dpi)."""
    if page.image is not None and page.image.shape[:2] == (page.height, page.width):
        return Image.fromarray(np.asarray(page.image))
    path = Path(page.source.path)
    if not path.is_file():
        raise PdfError(f"{path}: page image not found (a searchable PDF needs the page image)")
    if path.suffix.lower() == ".pdf" or page.source.mime == "application/pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        bitmap = pdf[page.source.index].render(scale=float(page.source.dpi or 300) / 72.0)
        return bitmap.to_pil()
    with Image.open(path) as im:
        try:
            im.seek(page.source.index)
        except EOFError:
            raise PdfError(f"{path}: no frame {page.source.index}") from None
        return im.copy()


def _reading_blocks(page: Page) -> list[Block]:
    seen: set[int] = set()
    out: list[Block] = []
    for art in sorted(page.articles, key=lambda a: (a.order < 0, a.order)):
        for b in art.blocks:
            if id(b) not in seen:
                seen.add(id(b))
                out.append(b)
    out += sorted((b for b in page.blocks if id(b) not in seen), key=lambda b: (b.order < 0, b.order))
    return [b for b in out if b.role.has_text]


def _words(page: Page, punctuation: str):
    """(text, box, vertical) of every word of the page's text layer, in reading order."""
    for block in _reading_blocks(page):
        for line in block.lines:
            layout = _layout_line(line, block.vertical, line_in_profile(line.text, punctuation, block.role))
            for word in layout.words:
                if block.vertical:
                    for c in word.chars:
                        yield c.ch, c.box
                else:
                    boxes = [c.box for c in word.chars]
                    yield word.text, (min(b[0] for b in boxes), line.box[1], max(b[2] for b in boxes), line.box[3])


class _PdfWriter:
    def __init__(self, doc: Document, punctuation: str, font_dir: Path):
        from fpdf import FPDF

        line_in_profile("", punctuation)  # an unknown profile fails before any output
        self.punctuation = punctuation
        self.pdf = FPDF(unit="pt", enforce_compliance=PDFA)
        self.pdf.allow_images_transparency = False  # no page transparency group: the images have no alpha
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(0, 0, 0)
        chars = {c for page in doc.pages for text, _ in _words(page, punctuation) for c in text}
        font = font_dir / "GlyphLessFont.ttf"
        font.write_bytes(glyphless_font(chars))
        self.pdf.add_font("textlayer", fname=str(font))
        self.pdf.set_compression(True)

    def add(self, page: Page, image: Image.Image | None = None) -> None:
        from fpdf.enums import TextMode

        if not page.in_source_coordinates and not _is_identity(page):
            raise PdfError("page boxes are still in working-image coordinates; call page.to_source_coordinates() first")
        dpi = float(page.source.dpi or 0)
        if not (dpi > 0 and math.isfinite(dpi)):
            raise PdfError(f"page {page.number}: the page needs a dpi to size the PDF page, got {page.source.dpi!r}")
        scale = 72.0 / dpi
        pdf = self.pdf
        pdf.add_page(format=(page.width * scale, page.height * scale))
        im = image if image is not None else page_image(page)
        if im.size != (page.width, page.height):
            raise PdfError(
                f"page {page.number}: image is {im.size[0]}x{im.size[1]}, the page {page.width}x{page.height}"
            )
        pdf.image(_embeddable(im), x=0, y=0, w=page.width * scale, h=page.height * scale)
        pdf.text_mode = TextMode.INVISIBLE
        for text, box in _words(page, self.punctuation):
            self._draw(text, box, scale)
        pdf.text_mode = TextMode.FILL

    def _draw(self, text: str, box, scale: float) -> None:
        x0, y0, x1, y1 = box
        height = max(1.0, (y1 - y0) * scale)
        pdf = self.pdf
        pdf.set_font("textlayer", size=height)
        pdf.set_stretching(100)
        natural = pdf.get_string_width(text)
        width = max(0.1, (x1 - x0) * scale)
        if natural > 0:
            pdf.set_stretching(100.0 * width / natural)
        pdf.text(x0 * scale, y0 * scale + BASELINE_SHARE * height, text)

    def output(self, created: dt.datetime, title: str) -> bytes:
        self.pdf.set_creation_date(created)
        self.pdf.set_creator(CREATOR)
        self.pdf.set_producer(PRODUCER)
        self.pdf.set_title(title)
        self.pdf.set_xmp_metadata(pdfa_xmp(title, created))
        return bytes(self.pdf.output())


CREATOR, PRODUCER = "digitize", "digitize (fpdf2)"


def pdfa_xmp(title: str, created: dt.datetime) -> str:
    """The XMP packet body (``x:xmpmeta``; fpdf2 adds the ``xpacket`` wrapper) of a PDF/A-2b file: the
    ``pdfaid`` identification, title, tool and dates, the modification and metadata dates equal to the
    creation date (the file is written once; the clock would make it unreproducible)."""
    from xml.sax.saxutils import escape, quoteattr

    when = created.astimezone(dt.UTC).isoformat(timespec="seconds")
    return "\n".join(
        [
            '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
            ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
            '  <rdf:Description rdf:about=""',
            '    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"',
            '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"',
            f"    xmp:CreatorTool={quoteattr(CREATOR)} pdf:Producer={quoteattr(PRODUCER)}",
            f'    xmp:CreateDate="{when}" xmp:ModifyDate="{when}" xmp:MetadataDate="{when}">',
            "   <pdfaid:part>2</pdfaid:part>",
            "   <pdfaid:conformance>B</pdfaid:conformance>",
            "   <dc:format>application/pdf</dc:format>",
            f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(xml_text(title))}</rdf:li></rdf:Alt></dc:title>',
            "  </rdf:Description>",
            " </rdf:RDF>",
            "</x:xmpmeta>",
        ]
    )


def _embeddable(im: Image.Image) -> Image.Image:
    if im.mode in ("1", "L", "RGB"):
        return im
    return im.convert("RGB")


def document_to_pdf(
    doc: Document,
    punctuation: str = "corpus",
    images: dict[int, Image.Image] | None = None,
    created: dt.datetime | None = None,
) -> bytes:
    """One searchable PDF of every page of ``doc`` (the issue PDF). ``images`` maps page number to its image
    (default: each page's own image, `page_image`); ``created`` is the PDF creation date (default: the
    page header's date, else 1970-01-01). Raises PdfError when a page image is missing."""
    with tempfile.TemporaryDirectory(prefix="digitize-pdf-") as tmp:
        writer = _PdfWriter(doc, punctuation, Path(tmp))
        for page in doc.pages:
            writer.add(page, (images or {}).get(page.number))
        first = doc.pages[0] if doc.pages else None
        title = " ".join(v for v in (first.metadata.get("title"), first.metadata.get("date")) if v) if first else ""
        return writer.output(_creation_date(doc, created), title or Path(doc.path).stem)


def page_to_pdf(
    page: Page, punctuation: str = "corpus", image: Image.Image | None = None, created: dt.datetime | None = None
) -> bytes:
    """A searchable PDF of one page (NDNP asks for one per page)."""
    return document_to_pdf(
        Document(page.source.path, [page]), punctuation, {page.number: image} if image else None, created
    )
