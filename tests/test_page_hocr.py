"""PAGE XML 2019 and hOCR writers: schema-valid PAGE, and both read back by our readers with the same blocks,
roles, reading order, line text (in the text output's punctuation profile), boxes and glyphs."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from model_fixtures import fixture_issue, fixture_page
from test_alto import page  # noqa: F401 (fixture)

from digitize import schemas, to_text
from digitize.export.hocr import document_to_hocr, page_to_hocr
from digitize.export.line_text import text_in_profile
from digitize.export.page import PAGE_NS, page_to_page_xml
from digitize.model import Document, Role
from digitize.read import read_bytes

NS = {"pc": PAGE_NS}


@pytest.fixture(scope="module")
def front():
    return fixture_page("front-clean")


def _schema_or_skip():
    try:
        schemas.schema_dir()
    except schemas.SchemaNotFound as exc:
        pytest.skip(str(exc))


def _text_blocks(page):
    return [b for b in page.blocks if b.role.has_text and any(ln.text.strip() for ln in b.lines)]


def _assert_lines_back(original, back, id_of=lambda b: b.id, profile="corpus", exact_boxes=True):
    got = {b.id: b for b in back.blocks}
    for block in _text_blocks(original):
        other = got[id_of(block)]
        lines = [ln for ln in block.lines if ln.text.strip()]
        assert len(other.lines) == len(lines), block.id
        for ln, back_ln in zip(lines, other.lines):
            expected = " ".join(text_in_profile(ln.text, profile, block.role).split())
            assert " ".join(back_ln.text.split()) == expected, block.id
            if exact_boxes:
                assert all(abs(x - y) <= 1 for x, y in zip(back_ln.box, ln.box)), block.id
            else:  # PAGE grows a line's polygon to hold its words: it contains the line box
                assert back_ln.box[0] <= ln.box[0] and back_ln.box[1] <= ln.box[1], block.id
                assert back_ln.box[2] >= ln.box[2] and back_ln.box[3] >= ln.box[3], block.id


def test_page_xml_valid(page, front):
    _schema_or_skip()
    for p in (page, front):
        xml = page_to_page_xml(p)
        assert schemas.validate(xml, "page.xsd") == [], p.source.path
    assert schemas.validate(page_to_page_xml(front, cjk_strings="clause", punctuation="original"), "page.xsd") == []


def test_page_xml_structure(page):
    root = etree.fromstring(page_to_page_xml(page))
    pg = root.find("pc:Page", NS)
    assert (pg.get("imageFilename"), pg.get("imageWidth"), pg.get("imageHeight")) == (
        "samples/rmrb-2024-07-01-01.png",
        "2400",
        "3600",
    )
    assert root.findtext("pc:Metadata/pc:Created", namespaces=NS) == "1970-01-01T00:00:00"  # no date, no clock
    regions = {r.get("id"): r for r in pg.findall("pc:TextRegion", NS)}
    head = regions["p1_TB0001"]
    assert head.get("type") == "heading" and "type:headline" in head.get("custom")
    assert regions["p1_TB0002"].get("custom") == "structure {type:kicker;}"
    assert regions["p1_TB0007"].get("readingDirection") == "top-to-bottom"
    line = head.find("pc:TextLine", NS)
    assert line.find("pc:Baseline", NS).get("points") == "300,319 2299,319"
    assert line.find("pc:Coords", NS).get("points") == "300,200 2299,200 2299,319 300,319"
    words = line.findall("pc:Word", NS)
    assert [w.findtext("pc:TextEquiv/pc:Unicode", namespaces=NS) for w in words] == [
        "落实落细各项应对措施",
        "做好安全防范各项工作",
    ]
    assert len(words[0].findall("pc:Glyph", NS)) == 10
    groups = pg.findall("pc:ReadingOrder/pc:OrderedGroup/pc:OrderedGroupIndexed", NS)
    assert next(g.get("caption") for g in groups) == "落实落细各项应对措施 做好安全防范各项工作"
    refs = [r.get("regionRef") for r in groups[0].findall("pc:RegionRefIndexed", NS)]
    assert refs == ["p1_TB0002", "p1_TB0001", "p1_TB0003", "p1_TB0004"]
    assert pg.find("pc:ImageRegion", NS).get("id") == "p1_IL0001"
    assert pg.find("pc:SeparatorRegion", NS).get("id") == "p1_SEP0001"
    # reproducible: the same page gives the same bytes; a date is taken from the page header
    assert page_to_page_xml(page) == page_to_page_xml(page)
    page.metadata["date"] = "2024-07-01"
    assert b"<Created>2024-07-01T00:00:00</Created>" in page_to_page_xml(page)


@pytest.mark.parametrize("profile", ["corpus", "original"])
def test_page_xml_round_trip(front, profile):
    back = read_bytes(page_to_page_xml(front, punctuation=profile), "front.xml").pages[0]
    strip = lambda b: f"p1_{b.id}"
    _assert_lines_back(front, back, strip, profile, exact_boxes=False)
    assert {b.id: b.role for b in back.blocks} == {strip(b): b.role for b in front.blocks}
    expected = [[strip(b) for b in a.blocks] for a in sorted(front.articles, key=lambda a: a.order)]
    assert [[b.id for b in a.blocks] for a in back.articles] == expected
    glyphs = [g.text for b in back.blocks for ln in b.lines for g in ln.glyphs]
    assert len(glyphs) > 3000  # every character's box came back
    # the text output of the page read back equals the original's (modulo whitespace)
    assert re.sub(r"\s+", "", to_text(Document("", [back]))) == re.sub(r"\s+", "", to_text(Document("", [front])))


def test_hocr_round_trip(front):
    xml = page_to_hocr(front)
    back = read_bytes(xml, "front.hocr").pages[0]
    strip = lambda b: f"p1_{b.id}"
    _assert_lines_back(front, back, strip)
    text_roles = {strip(b): b.role for b in front.blocks if b.role.has_text and any(ln.text.strip() for ln in b.lines)}
    assert {b.id: b.role for b in back.blocks if b.role is not Role.PHOTO} == text_roles
    assert sum(b.role is Role.PHOTO for b in back.blocks) == sum(b.role is Role.PHOTO for b in front.blocks)
    assert [len(a.blocks) for a in back.articles] == [
        len(a.blocks) for a in sorted(front.articles, key=lambda a: a.order)
    ]
    assert re.sub(r"\s+", "", to_text(Document("", [back]))) == re.sub(r"\s+", "", to_text(Document("", [front])))


def test_hocr_structure_and_issue(page):
    root = etree.fromstring(page_to_hocr(page))
    h = "{http://www.w3.org/1999/xhtml}"
    pg = root.find(f"{h}body/{h}div")
    assert (
        pg.get("class") == "ocr_page"
        and pg.get("title")
        == 'image "samples/rmrb-2024-07-01-01.png"; bbox 0 0 2400 3600; ppageno 0; x_digitize_joins recorded'
    )
    words = [w for w in root.iter(f"{h}span") if w.get("class") == "ocrx_word"]
    first = words[0]
    boxes = re.search(r"x_bboxes ([\d ]+)", first.get("title")).group(1).split()
    assert len(boxes) == 4 * len(first.text)
    assert re.search(r"x_wconf \d+", first.get("title"))
    classes = {s.get("class") for s in root.iter(f"{h}span")}
    assert {"ocr_header", "ocr_line", "ocr_caption", "ocrx_word"} <= classes
    issue = fixture_issue()
    back = read_bytes(document_to_hocr(issue), "issue.hocr")
    assert [p.number for p in back.pages] == [1, 2]
