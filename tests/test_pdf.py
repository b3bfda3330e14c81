"""Searchable PDF: the page image with an invisible text layer. pdfplumber (pdfminer), poppler's pdftotext and
pdfium all read back the text output (plus the page header, which the text output leaves out), in reading
order, CJK included; the same page gives the same bytes."""

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
    assert b"D:20251211" in data  # the creation date is the issue date from the page header
    pdfplumber = pytest.importorskip("pdfplumber")
    path = tmp_path / "issue.pdf"
    path.write_bytes(data)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 2
        got = "".join(p.extract_text(use_text_flow=True) for p in pdf.pages)
    assert strip(got) == expected_text(issue)
    later = document_to_pdf(issue, images=blank, created=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    assert b"D:20260102" in later


def test_missing_image_is_a_clear_error():
    page = fixture_page("p1")
    page.source.path = "/nonexistent/p1.png"
    with pytest.raises(PdfError, match="page image not found"):
        page_to_pdf(page)
