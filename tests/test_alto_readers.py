"""Our ALTO as other tools read it: dinglehopper (the OCR-D evaluation tool) reads the same characters from
the ALTO as from the text output, in the same punctuation profile; every TextLine stands where a reader that
walks PrintSpace > TextBlock > TextLine (kraken, most viewers) finds it."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from model_fixtures import ROOT, fixture_page

from digitize import to_text
from digitize.export.alto import ALTO_NS, page_to_alto
from digitize.model import Document

A = "{%s}" % ALTO_NS
GROUND_TRUTH = ROOT / "samples" / "jinzhong-front.gt.txt"


def strip(text: str) -> str:
    """The characters dinglehopper compares, without whitespace and heading marks: the text output has one
    paragraph per line and ``## `` headings, the ALTO one TextLine per printed line."""
    return re.sub(r"\s+", "", re.sub(r"(?m)^#{2,3} ", "", text))


def without_page_furniture(alto: bytes) -> bytes:
    """The ALTO without its page header and footer blocks, which the text output leaves out by design."""
    root = etree.fromstring(alto)
    furniture = {t.get("ID") for t in root.iter(A + "LayoutTag") if t.get("LABEL") in ("page_header", "page_footer")}
    for tb in list(root.iter(A + "TextBlock")):
        if furniture & set((tb.get("TAGREFS") or "").split()):
            tb.getparent().remove(tb)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@pytest.fixture(scope="module")
def front():
    return fixture_page("front-clean")


@pytest.fixture(scope="module")
def dinglehopper():
    """(character_error_rate, extract) of dinglehopper, skipping where it is not installed (the kraken test
    runs in a venv of kraken's own, without it)."""
    pytest.importorskip("dinglehopper", reason="dinglehopper is in the 'agreement' extra")
    from dinglehopper.character_error_rate import character_error_rate
    from dinglehopper.ocr_files import extract

    return character_error_rate, extract


@pytest.mark.slow  # dinglehopper aligns the whole front page twice
@pytest.mark.parametrize("profile", ["corpus", "original"])
def test_dinglehopper_cer_alto_equals_text(front, profile, tmp_path, dinglehopper):
    character_error_rate, extract = dinglehopper
    gt = strip(extract(str(GROUND_TRUTH), plain_encoding="utf-8").text)
    text_file, alto_file = tmp_path / "page.txt", tmp_path / "page.alto.xml"
    text_file.write_text(to_text(Document("", [front]), profile), encoding="utf-8")
    alto = page_to_alto(front, punctuation=profile)
    alto_file.write_bytes(without_page_furniture(alto))
    cer_text = character_error_rate(gt, strip(extract(str(text_file), plain_encoding="utf-8").text))
    cer_alto = character_error_rate(gt, strip(extract(str(alto_file)).text))
    print(f"{profile}: dinglehopper CER text {cer_text:.5f} ALTO {cer_alto:.5f}")
    assert abs(cer_alto - cer_text) <= 0.001
    # the whole ALTO says exactly that plus the page header line ("晋中日报 2025年12月11日 星期四 第1版")
    alto_file.write_bytes(alto)
    whole = strip(extract(str(alto_file)).text)
    header = "".join(b.text for b in front.blocks if b.role.value == "page_header")
    assert len(whole) == len(strip(extract(str(text_file), plain_encoding="utf-8").text)) + len(strip(header))


def test_dinglehopper_reads_no_spaces_into_cjk_runs(front, tmp_path, dinglehopper):
    """One String per whitespace-free run: dinglehopper, which joins a line's Strings with a space, reads the
    line's text exactly (clause Strings would give it a space per cut: see docs/alto-profile)."""
    _, extract = dinglehopper
    f = tmp_path / "p.alto.xml"
    f.write_bytes(page_to_alto(front))
    lines = extract(str(f)).text.split("\n")
    body = next(b for b in front.blocks if b.role.value == "body")
    first = body.lines[0].text.replace("，", ",")
    assert first in lines


def test_every_text_line_is_in_a_print_space_text_block(front):
    """What kraken's ALTO parser walks (PrintSpace > TextBlock > TextLine): all lines, where ComposedBlock
    articles hid all but the page header's."""
    for article_blocks, share in (("tags", 1.0), ("composed", None)):
        root = etree.fromstring(page_to_alto(front, article_blocks=article_blocks))
        lines = list(root.iter(A + "TextLine"))
        reachable = root.findall(f"{A}Layout/{A}Page/{A}PrintSpace/{A}TextBlock/{A}TextLine")
        if share is not None:
            assert len(reachable) == len(lines) > 300
        else:
            assert len(reachable) < 0.05 * len(lines)


def test_kraken_reads_every_line(front, tmp_path):
    """kraken's own ALTO parser (kraken pulls torch, so make test does not install it: this runs where kraken is
    installed, e.g. the ``kraken`` extra in a venv of its own, bench/library-packages.md; the test above walks
    the same path its parser walks, kraken/lib/xml/alto.py: ``./Layout/Page/PrintSpace/*`` then ``./TextLine``)."""
    xml = pytest.importorskip("kraken.lib.xml", reason="kraken is not installed (it needs torch)")
    f = tmp_path / "front.alto.xml"
    f.write_bytes(page_to_alto(front))
    lines = xml.XMLPage(f, filetype="alto").lines
    ours = list(etree.fromstring(f.read_bytes()).iter(A + "TextLine"))
    assert len(lines) >= 0.99 * len(ours)
