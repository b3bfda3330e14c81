"""Searchable PDF: the page image with an invisible text layer. pdfplumber (pdfminer), poppler's pdftotext and
pdfium all read back the text output (plus the page header, which the text output leaves out), in reading
order, CJK included; the same page gives the same bytes. The file is PDF/A-2b: no PDF/A validator (veraPDF is
Java, on neither PyPI nor Debian) can run here, so `test_pdf_a_2b_parts` checks the parts PDF/A-2b requires."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from model_fixtures import ROOT, fixture_issue, fixture_page
from PIL import Image

from digitize import to_text
from digitize.export.line_text import text_in_profile
from digitize.export.pdf import PdfError, document_to_pdf, page_to_pdf
from digitize.model import Document, Role


def strip(text: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"(?m)^#{2,3} ", "", text))


def expected_text(doc: Document, profile: str = "corpus") -> str:
    """Per page: the text output, then the blocks outside articles (page header) in their reading order."""
    out = []
    for page in doc.pages:
        members = {id(b) for a in page.articles for b in a.blocks}
        loose = sorted((b for b in page.blocks if id(b) not in members and b.role.has_text), key=lambda b: b.order)
        out.append(page_text_output(page, profile))
        out += [text_in_profile(ln.text, profile, b.role) for b in loose for ln in b.lines]
    return "".join(strip(part) for part in out)


def page_text_output(page, profile):
    return to_text(Document("", [page]), profile)


@pytest.fixture(scope="module")
def front():
    page = fixture_page("front-clean")
    page.source.path = str(ROOT / page.source.path)
    return page


@pytest.fixture(scope="module")
def front_pdf(front, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "front.pdf"
    path.write_bytes(page_to_pdf(front))
    return path


def test_pdfplumber_reads_the_text_in_reading_order(front, front_pdf):
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(front_pdf) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        assert (round(page.width), round(page.height)) == (
            round(front.width * 72 / 300),
            round(front.height * 72 / 300),
        )
        got = page.extract_text(use_text_flow=True)
    assert strip(got) == expected_text(Document("", [front]))


def test_pdftotext_reads_the_text_in_reading_order(front, front_pdf):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: make setup installs it")
    raw = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(front_pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert strip(raw) == expected_text(Document("", [front]))
    # poppler's default mode re-orders by its own column analysis, but loses no character
    physical = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(front_pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert sorted(strip(physical)) == sorted(expected_text(Document("", [front])))


def test_pdfium_opens_and_reads_it(front, front_pdf):
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(str(front_pdf))
    assert len(pdf) == 1
    text = pdf[0].get_textpage().get_text_range()
    assert strip(text) == expected_text(Document("", [front]))
    image = pdf[0].render(scale=0.25).to_pil()  # the page image is drawn; the text is invisible over it
    assert image.size == (round(front.width * 72 / 300 * 0.25), round(front.height * 72 / 300 * 0.25))


def test_word_boxes_fall_on_the_printed_words(front, front_pdf):
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(front_pdf) as pdf:
        chars = pdf.pages[0].chars
    body = next(b for b in front.blocks if b.role is Role.BODY)
    line = body.lines[0]
    first = line.text.strip()[0]
    scale = 72 / 300
    hits = [
        c
        for c in chars
        if c["text"] == first and abs(c["x0"] - line.box[0] * scale) < 2 and abs(c["top"] - line.box[1] * scale) < 3
    ]
    assert hits, "the first character of the first body line is drawn at its box"


def test_issue_pdf_and_reproducible(tmp_path):
    issue = fixture_issue()
    blank = {p.number: Image.new("L", (p.width, p.height), 255) for p in issue.pages}
    data = document_to_pdf(issue, images=blank)
    assert data == document_to_pdf(issue, images=blank)  # no clock, no random ids
    assert b'xmp:CreateDate="2025-12-11T00:00:00+00:00"' in data  # the issue date from the page header
    pdfplumber = pytest.importorskip("pdfplumber")
    path = tmp_path / "issue.pdf"
    path.write_bytes(data)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
        got = "".join(p.extract_text(use_text_flow=True) for p in pdf.pages)
    assert strip(got) == expected_text(issue)
    later = document_to_pdf(issue, images=blank, created=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    assert b'xmp:CreateDate="2026-01-02T00:00:00+00:00"' in later


def test_missing_image_is_a_clear_error():
    page = fixture_page("p1")
    page.source.path = "/nonexistent/p1.png"
    with pytest.raises(PdfError, match="page image not found"):
        page_to_pdf(page)


def _walk(obj, seen=None):
    """Every dictionary reachable from ``obj`` (indirect objects followed once)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen = set() if seen is None else seen
    if isinstance(obj, IndirectObject):
        if (obj.idnum, obj.generation) in seen:
            return
        seen.add((obj.idnum, obj.generation))
        obj = obj.get_object()
    if isinstance(obj, DictionaryObject):
        yield obj
        for key, value in obj.items():
            if key != "/Parent":
                yield from _walk(value, seen)
    elif isinstance(obj, ArrayObject):
        for value in obj:
            yield from _walk(value, seen)


def test_pdf_a_2b_parts(front_pdf):
    """ISO 19005-2 level B, the parts a validator checks first: header and binary comment (6.1.2), a file ID
    (6.1.3), no encryption (6.1.3), an sRGB GTS_PDFA1 output intent with its ICC profile (6.2.3), every font
    embedded (6.2.11.4), no transparency (no soft masks, no constant alpha below 1, no transparency group),
    no JavaScript or launch actions (6.5/6.6), an unfiltered XMP metadata stream identifying PDF/A-2b (6.6)."""
    pypdf = pytest.importorskip("pypdf")
    from lxml import etree

    data = front_pdf.read_bytes()
    assert data.startswith(b"%PDF-1.7\n%") and all(b > 127 for b in data[10:14])
    reader = pypdf.PdfReader(front_pdf)
    assert "/Encrypt" not in reader.trailer
    ids = reader.trailer["/ID"]
    assert len(ids) == 2 and ids[0] == ids[1] and len(ids[0]) == 16
    root = reader.trailer["/Root"]
    (intent,) = [i.get_object() for i in root["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB"
    icc = intent["/DestOutputProfile"].get_object()
    profile = icc.get_data()
    assert icc["/N"] == 3 and profile[36:40] == b"acsp" and profile[16:20] == b"RGB "
    metadata = root["/Metadata"].get_object()
    assert "/Filter" not in metadata and metadata["/Subtype"] == "/XML"
    xmp = etree.fromstring(metadata.get_data())
    ns = {"pdfaid": "http://www.aiim.org/pdfa/ns/id/", "dc": "http://purl.org/dc/elements/1.1/"}
    assert xmp.xpath("//pdfaid:part/text()", namespaces=ns) == ["2"]
    assert xmp.xpath("//pdfaid:conformance/text()", namespaces=ns) == ["B"]
    assert xmp.xpath("//dc:title//text()", namespaces=ns) == ["晋中日报 2025-12-11"]
    dicts = list(_walk(root))
    fonts = [d for d in dicts if d.get("/Type") == "/FontDescriptor"]
    assert fonts and all({"/FontFile", "/FontFile2", "/FontFile3"} & set(d) for d in fonts)
    assert not [d for d in dicts if d.get("/Subtype") == "/Type1" and "/FontDescriptor" not in d]  # no base-14 font
    assert not [d for d in dicts if "/SMask" in d or d.get("/S") in ("/Transparency", "/JavaScript", "/Launch")]
    assert not [d for d in dicts if float(d.get("/CA", 1)) < 1 or float(d.get("/ca", 1)) < 1]
    images = [d for d in dicts if d.get("/Subtype") == "/Image"]
    assert images and all(d["/ColorSpace"] in ("/DeviceGray", "/DeviceRGB") for d in images)
    assert "/Info" not in reader.trailer or reader.metadata.title == "晋中日报 2025-12-11"
