"""A born-digital PDF (samples/families/english-textlayer.pdf, written by samples/textlayer.py: the `english`
family page typeset as real text) read end to end through the CLI: its text layer, not OCR, gives the text,
and layout on the rendered page is held to the family floors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_layout_families import FAMILIES, FLOORS

from digitize.cli import main
from digitize.cli.layout_eval import layout_eval_command
from digitize.evaluate import cer

STEM = "english-textlayer"


def reference_text(gt: dict) -> str:
    """The ground truth's text in reading order: a block that continues the previous one's paragraph is
    appended to it, the others start a paragraph."""
    text = ""
    for b in sorted(gt["blocks"], key=lambda b: b["order"]):
        text += ("" if b["continues_previous"] else "\n\n") + b["text"]
    return text.strip()


@pytest.fixture(scope="module")
def digitized(tmp_path_factory):
    out = tmp_path_factory.mktemp("textlayer")
    result = CliRunner().invoke(main, ["run", str(FAMILIES / f"{STEM}.pdf"), "-o", str(out), "--format", "json,txt"])
    assert result.exit_code == 0, result.output
    return out


def test_the_sample_is_the_english_page_as_a_pdf():
    gt = json.loads((FAMILIES / f"{STEM}.gt.json").read_text(encoding="utf-8"))
    clean = json.loads((FAMILIES / "english-clean.gt.json").read_text(encoding="utf-8"))
    assert gt["image"] == f"{STEM}.pdf" and (FAMILIES / gt["image"]).read_bytes().startswith(b"%PDF")
    assert {k: v for k, v in gt.items() if k != "image"} == {k: v for k, v in clean.items() if k != "image"}


def test_text_comes_from_the_text_layer(digitized):
    page = json.loads((digitized / f"{STEM}.json").read_text(encoding="utf-8"))["page"]
    assert page["source"]["kind"] == "pdf-text"
    gt = json.loads((FAMILIES / f"{STEM}.gt.json").read_text(encoding="utf-8"))
    text = (digitized / f"{STEM}.txt").read_text(encoding="utf-8")
    assert cer(reference_text(gt), text) < 0.005
    # the blocks say what language they are in (ALTO LANG, NewsML xml:lang): English, the header Chinese
    languages = {b["role"]: b["language"] for b in page["blocks"] if b["lines"]}
    assert languages["body"] == languages["headline"] == languages["byline"] == "en"
    assert languages["page_header"] == "zh"


def test_layout_eval_floors_on_the_text_layer_page(digitized):
    (digitized / f"{STEM}.gt.json").write_bytes((FAMILIES / f"{STEM}.gt.json").read_bytes())
    result = CliRunner().invoke(layout_eval_command, [str(digitized), str(digitized), "--json"])
    assert result.exit_code == 0, result.output
    pages = json.loads(result.output)["pages"]
    assert [p["stem"] for p in pages] == [STEM]
    failures = [f"{k} {pages[0][k]:.3f} < {floor}" for k, floor in FLOORS.items() if pages[0][k] < floor]
    assert not failures, failures


def test_text_a_pdf_reader_cannot_decode_makes_the_page_ocred(tmp_path):
    """fpdf2 embeds a CJK OpenType (CFF) face with a character map pdfminer does not read: pdfium draws the
    line, pdfplumber returns none of its characters. Trusting that layer would lose the line silently."""
    fpdf = pytest.importorskip("fpdf")
    cjk = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
    if not cjk.exists():
        pytest.skip("fonts-noto-cjk is not installed")
    from digitize.io import load

    pdf = fpdf.FPDF(unit="mm", format=(200, 100))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("cjk", "", str(cjk), collection_font_number=2)
    pdf.set_font("cjk", size=24)
    pdf.set_xy(10, 10)
    pdf.cell(text="晋中日报 2025年12月11日 星期四 第1版 全面学习贯彻全会精神")
    pdf.add_font("DejaVu", "", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=14)
    pdf.set_xy(10, 40)
    pdf.cell(text="The council approved the budget on Tuesday after a long debate.")
    path = tmp_path / "undecodable.pdf"
    pdf.output(str(path))
    (page,) = list(load(path))
    assert page.source.kind == "pdf-scan" and page.text_layer is None
