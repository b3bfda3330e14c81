"""ALTO 4.4 export: schema validity, IDs, Strings/Glyphs, hyphenation, reading order, units, safety."""

from __future__ import annotations

import re

import numpy as np
import pytest
from lxml import etree

from digitize import schemas
from digitize.export.alto import ALTO_NS, page_to_alto
from digitize.model import (
    Article,
    Block,
    Continuation,
    Glyph,
    Join,
    JoinKind,
    Line,
    Page,
    PageSource,
    Role,
    Separator,
    TextStyle,
    Transform,
)

NS = {"a": ALTO_NS}
HEADLINE = "落实落细各项应对措施 做好安全防范各项工作"


# ----------------------------------------------------------------------------------------- fixtures


def make_line(text: str, box, conf: float = 0.95, glyphs: bool = True, join: JoinKind | None = None) -> Line:
    """A line whose glyphs (one per non-space character) sit in equal slots along x (test data only)."""
    x0, y0, x1, y1 = box
    step = (x1 - x0) / max(1, len(text))
    gl = []
    if glyphs:
        for k, ch in enumerate(text):
            if not ch.isspace():
                gl.append(
                    Glyph(ch, (int(x0 + k * step), y0, int(x0 + (k + 1) * step), y1), round(conf - 0.01 * (k % 3), 3))
                )
    return Line(text, box, conf, gl, Join(join, "test") if join else None)


def text_block(bid, role, box, texts, *, size=42, bold=False, vertical=False, language="zh", order=-1, joins=None):
    x0, y0, x1, y1 = box
    lines = []
    h = (y1 - y0) // max(1, len(texts))
    for i, t in enumerate(texts):
        join = (joins or {}).get(i)
        if vertical:
            w = (x1 - x0) // len(texts)
            lines.append(Line(t, (x0 + i * w, y0, x0 + (i + 1) * w, y1), 0.9))
        else:
            lines.append(make_line(t, (x0, y0 + i * h, x1, y0 + (i + 1) * h), join=join))
    return Block(bid, role, box, lines, TextStyle(size, bold), order=order, vertical=vertical, language=language)


@pytest.fixture
def page() -> Page:
    src = PageSource(path="samples/rmrb-2024-07-01-01.png", index=0, kind="image", sha256="ab" * 32, dpi=300.0)
    p = Page(
        number=1, width=2400, height=3600, source=src, in_source_coordinates=True, engine="RapidOCR PP-OCRv4", label="1"
    )

    header = text_block(
        "TB0000", Role.PAGE_HEADER, (100, 20, 2300, 80), ["人民日报 2024年7月1日 星期一"], size=30, order=0
    )
    # Article 1: headline with a space, kicker, two body blocks with a Latin hyphenation across the blocks.
    h1 = text_block("TB0001", Role.HEADLINE, (300, 200, 2300, 320), [HEADLINE], size=80, bold=True, order=2)
    k1 = text_block("TB0002", Role.KICKER, (300, 120, 1500, 190), ["防汛救灾进行时"], size=50, order=1)
    b1 = text_block(
        "TB0003",
        Role.BODY,
        (300, 340, 1200, 640),
        ["本报北京6月30日电　记者报道：", "各地区各部门全力以赴，", "the newspaper digiti-"],
        order=3,
        joins={0: JoinKind.CJK, 1: JoinKind.SPACE, 2: JoinKind.HYPHEN},
    )
    b2 = text_block(
        "TB0004", Role.BODY, (1300, 340, 2300, 640), ["zation project 启动。", "确保人民群众生命财产安全。"], order=4
    )
    b2.lines[1].glyphs = []  # glyphs missing: the exporter spreads the String box evenly
    a1 = Article(
        "A1", [k1, h1, b1, b2], order=0, continuations=[Continuation("forward", "4", "（下转第4版）", "TB0004")]
    )

    # Article 2: vertical kicker, headline, two body blocks, a photo with its caption.
    h2 = text_block("TB0006", Role.HEADLINE, (300, 800, 2000, 900), ["夏粮丰收"], size=70, bold=True, order=6)
    k2 = text_block(
        "TB0007", Role.KICKER, (2100, 700, 2200, 1300), ["金色麦浪", "丰收在望"], size=50, vertical=True, order=5
    )
    b3 = text_block("TB0008", Role.BODY, (300, 920, 1200, 1220), ["今年夏粮再获丰收，", "单产创历史新高。"], order=7)
    b4 = text_block(
        "TB0009", Role.BODY, (1300, 920, 2000, 1220), ["农业农村部表示，", "新闻\x00稿\x1f件\ufffe已发布。"], order=8
    )
    photo = Block("IL0001", Role.PHOTO, (300, 1300, 1200, 1900), order=9)
    cap = text_block("TB0010", Role.CAPTION, (300, 1910, 1200, 1960), ["图为河南小麦收割现场。"], size=30, order=10)
    a2 = Article("A2", [k2, h2, b3, b4, photo, cap], order=1)

    p.blocks = [header, k1, h1, b1, b2, k2, h2, b3, b4, photo, cap]
    for art in (a1, a2):
        for b in art.blocks:
            b.article_id = art.id
    p.articles = [a1, a2]
    p.separators = [Separator("SEP0001", (250, 700, 2350, 704), "horizontal")]
    return p


@pytest.fixture(scope="module")
def alto_schema():
    try:
        schemas.schema_dir()
    except schemas.SchemaNotFound as exc:
        pytest.skip(str(exc))
    return "alto-4-4.xsd"


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def by_id(root) -> dict[str, etree._Element]:
    return {el.get("ID"): el for el in root.iter() if el.get("ID")}


# -------------------------------------------------------------------------------------------- tests


def test_valid_alto_4_4(page, alto_schema):
    xml = page_to_alto(page)
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert schemas.validate(xml, alto_schema) == []
    root = parse(xml)
    assert root.tag == f"{{{ALTO_NS}}}alto"
    assert "http://www.loc.gov/standards/alto/v4/alto-4-4.xsd" in root.get(
        "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
    )
    assert root.findtext("a:Description/a:MeasurementUnit", namespaces=NS) == "pixel"
    info = root.find("a:Description/a:sourceImageInformation", NS)
    assert info.findtext("a:fileName", namespaces=NS) == "samples/rmrb-2024-07-01-01.png"
    ident = info.find("a:fileIdentifier", NS)
    assert ident.get("fileIdentifierLocation") == "sha256" and ident.text == "ab" * 32
    sw = root.find("a:Description/a:OCRProcessing/a:ocrProcessingStep/a:processingSoftware", NS)
    assert sw.findtext("a:softwareName", namespaces=NS) == "digitize"
    assert sw.findtext("a:softwareVersion", namespaces=NS)
    settings = root.findtext(
        "a:Description/a:OCRProcessing/a:ocrProcessingStep/a:processingStepSettings", namespaces=NS
    )
    assert "RapidOCR PP-OCRv4" in settings and "image" in settings
    pg = root.find("a:Layout/a:Page", NS)
    assert (pg.get("ID"), pg.get("PHYSICAL_IMG_NR"), pg.get("PRINTED_IMG_NR")) == ("P1", "1", "1")
    assert (pg.get("WIDTH"), pg.get("HEIGHT"), pg.get("LANG")) == ("2400", "3600", "zh")


def test_ids_unique_and_prefixed(page):
    root = parse(page_to_alto(page))
    ids = [el.get("ID") for el in root.iter() if el.get("ID") is not None]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"P1(_[A-Za-z0-9._-]+)?", i) for i in ids)
    found = by_id(root)
    for name in (
        "P1_PS",
        "P1_TB0001",
        "P1_IL0001",
        "P1_SEP0001",
        "P1_TB0001_L001",
        "P1_TB0001_L001_S001",
        "P1_TB0001_L001_S001_G001",
        "P1_LT_headline",
        "P1_ST_A1",
        "P1_PST_1",
        "P1_TopMargin",
    ):
        assert name in found, name
    assert "P1_CB_A1" in by_id(parse(page_to_alto(page, article_blocks="composed")))
    # every IDREF(S) points at an existing ID
    for el in root.iter():
        for attr in ("REF", "TAGREFS", "STYLEREFS", "PROCESSINGREFS"):
            for ref in (el.get(attr) or "").split():
                assert ref in found, (attr, ref)


def test_cjk_run_is_one_string_with_glyphs(page):
    root = parse(page_to_alto(page))
    line = by_id(root)["P1_TB0001_L001"]
    children = [etree.QName(c).localname for c in line]
    assert children == ["String", "SP", "String"]
    first, sp, second = list(line)
    assert first.get("CONTENT") == "落实落细各项应对措施"
    assert second.get("CONTENT") == "做好安全防范各项工作"
    glyphs = first.findall("a:Glyph", NS)
    assert [g.get("CONTENT") for g in glyphs] == list("落实落细各项应对措施")
    assert all(0 <= float(g.get("GC")) <= 1 for g in glyphs)
    wc = float(first.get("WC"))
    assert wc == pytest.approx(np.mean([float(g.get("GC")) for g in glyphs]), abs=1e-3)
    # geometry: String = union of its glyphs, SP sits between the two Strings
    assert int(first.get("HPOS")) == int(glyphs[0].get("HPOS"))
    assert int(sp.get("HPOS")) == int(first.get("HPOS")) + int(first.get("WIDTH"))
    assert int(sp.get("HPOS")) + int(sp.get("WIDTH")) == int(second.get("HPOS"))
    # baseline at the bottom of the line box
    x, y = int(line.get("HPOS")), int(line.get("VPOS")) + int(line.get("HEIGHT")) - 1
    assert line.get("BASELINE").startswith(f"{x},{y} ")


def test_ideographic_space_splits_strings(page):
    # A headline keeps its ideographic space (the text output keeps it too, as one space) …
    root = parse(page_to_alto(page, punctuation="original"))
    line = by_id(root)["P1_TB0001_L001"]
    assert [etree.QName(c).localname for c in line] == ["String", "SP", "String"]
    # … body text drops a space between two CJK characters, as the text output does (OCR reads wide gaps
    # as spaces), and the corpus profile writes ASCII colons.
    line = by_id(parse(page_to_alto(page)))["P1_TB0003_L001"]
    assert [s.get("CONTENT") for s in line.findall("a:String", NS)] == ["本报北京6月30日电记者报道:"]
    line = by_id(parse(page_to_alto(page, punctuation="original")))["P1_TB0003_L001"]
    assert [s.get("CONTENT") for s in line.findall("a:String", NS)] == ["本报北京6月30日电记者报道："]


def test_glyphs_spread_evenly_without_model_glyphs(page):
    root = parse(page_to_alto(page))
    s = by_id(root)["P1_TB0004_L002"].find("a:String", NS)
    assert s.get("CONTENT") == "确保人民群众生命财产安全。"
    widths = [int(g.get("WIDTH")) for g in s.findall("a:Glyph", NS)]
    assert len(widths) == 13 and max(widths) - min(widths) <= 1
    assert float(s.get("WC")) == pytest.approx(0.95)


def test_hyphenation_across_blocks(page):
    root = parse(page_to_alto(page))
    line = by_id(root)["P1_TB0003_L003"]
    part1 = line.findall("a:String", NS)[-1]
    assert part1.get("CONTENT") == "digiti"
    assert part1.get("SUBS_TYPE") == "HypPart1"
    assert part1.get("SUBS_CONTENT") == "digitization"
    hyp = line[-1]
    assert etree.QName(hyp).localname == "HYP" and hyp.get("CONTENT") == "-"
    part2 = by_id(root)["P1_TB0004_L001"].find("a:String", NS)
    assert part2.get("CONTENT") == "zation"
    assert part2.get("SUBS_TYPE") == "HypPart2"
    assert part2.get("SUBS_CONTENT") == "digitization"
    assert sum(1 for s in root.iter(f"{{{ALTO_NS}}}String") if s.get("SUBS_TYPE")) == 2


def test_block_text_preserved(page):
    root = parse(page_to_alto(page))
    found = by_id(root)
    for block in page.blocks:
        if not block.role.has_text:
            continue
        el = found[f"P1_{block.id}"]
        # Strings and the HYP, in order, give the block text modulo whitespace (and stripped control chars)
        parts = [e.get("CONTENT") for e in el.iter(f"{{{ALTO_NS}}}String", f"{{{ALTO_NS}}}HYP")]
        expected = re.sub(r"[\s\x00-\x1f\ufffe]", "", block.text).translate(str.maketrans("，：", ",:"))
        assert "".join(parts) == expected, block.id


@pytest.mark.parametrize("article_blocks", ["tags", "composed"])
def test_reading_order(page, article_blocks):
    root = parse(page_to_alto(page, article_blocks=article_blocks))
    found = by_id(root)
    top = root.find("a:ReadingOrder/a:OrderedGroup", NS)
    groups = top.findall("a:OrderedGroup", NS)
    assert [g.get("TAGREFS") for g in groups] == ["P1_ST_A1", "P1_ST_A2"]
    expected_ref = ["P1_CB_A1", "P1_CB_A2"] if article_blocks == "composed" else [None, None]
    assert [g.get("REF") for g in groups] == expected_ref
    for group, art in zip(groups, page.articles):
        refs = [e.get("REF") for e in group.findall("a:ElementRef", NS)]
        assert refs == [f"P1_{b.id}" for b in art.blocks]
        assert all(r in found for r in refs)
    # blocks outside articles come after the articles
    assert etree.QName(top[-1]).localname == "ElementRef" and top[-1].get("REF") == "P1_TB0000"
    refs = [e.get("REF") for e in root.iter(f"{{{ALTO_NS}}}ElementRef")]
    assert all(r in found for r in refs)
    assert len(refs) == len(page.blocks)


def test_text_blocks_directly_in_print_space(page, alto_schema):
    """The default: every TextBlock a child of the PrintSpace, in reading order, tagged with its article."""
    xml = page_to_alto(page)
    assert schemas.validate(xml, alto_schema) == []
    root = parse(xml)
    ps = root.find("a:Layout/a:Page/a:PrintSpace", NS)
    assert ps.findall("a:ComposedBlock", NS) == []
    ids = [c.get("ID") for c in ps if etree.QName(c).localname in ("TextBlock", "Illustration")]
    assert ids == [
        "P1_TB0002",
        "P1_TB0001",
        "P1_TB0003",
        "P1_TB0004",
        "P1_TB0007",
        "P1_TB0006",
        "P1_TB0008",
        "P1_TB0009",
        "P1_IL0001",
        "P1_TB0010",
        "P1_TB0000",
    ]
    assert by_id(root)["P1_TB0003"].get("TAGREFS") == "P1_LT_body P1_ST_A1"
    assert len(list(root.iter(f"{{{ALTO_NS}}}TextLine"))) == len(ps.findall("a:TextBlock/a:TextLine", NS))


def test_margins_around_print_space(page):
    root = parse(page_to_alto(page))
    pg = root.find("a:Layout/a:Page", NS)
    names = [etree.QName(c).localname for c in pg]
    assert names == ["TopMargin", "LeftMargin", "RightMargin", "BottomMargin", "PrintSpace"]
    geo = {etree.QName(c).localname: tuple(int(c.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT")) for c in pg}
    x, y, w, h = geo["PrintSpace"]
    assert geo["TopMargin"] == (0, 0, 2400, y) and geo["BottomMargin"] == (0, y + h, 2400, 3600 - y - h)
    assert geo["LeftMargin"] == (0, y, x, h) and geo["RightMargin"] == (x + w, y, 2400 - x - w, h)


def test_paragraph_styles_and_character_confidence(page):
    root = parse(page_to_alto(page))
    found = by_id(root)
    styles = {s.get("ID"): s for s in root.findall("a:Styles/a:ParagraphStyle", NS)}
    refs = found["P1_TB0003"].get("STYLEREFS").split()
    para = [styles[r] for r in refs if r in styles]
    assert len(para) == 1
    assert para[0].get("ALIGN") == "Block" and int(para[0].get("LINESPACE")) == 100  # three lines in 300 px
    assert [s.get("ALIGN") for s in styles.values()].count(None) == 0
    s = found["P1_TB0001_L001_S001"]
    cc = s.get("CC").split()
    assert len(cc) == len(s.get("CONTENT")) and set(cc) <= set("0123456789")
    assert [int(v) for v in cc] == [round((1 - float(g.get("GC"))) * 9) for g in s.findall("a:Glyph", NS)]


def test_clause_strings_cut_cjk_runs(page, alto_schema):
    xml = page_to_alto(page, cjk_strings="clause")
    assert schemas.validate(xml, alto_schema) == []
    line = by_id(parse(xml))["P1_TB0003_L001"]
    assert [s.get("CONTENT") for s in line.findall("a:String", NS)] == ["本报北京", "6", "月", "30", "日电记者报道:"]
    assert line.findall("a:SP", NS) == []  # cut inside a run: no space in the text
    line = by_id(parse(xml))["P1_TB0003_L002"]
    assert [s.get("CONTENT") for s in line.findall("a:String", NS)] == ["各地区各部门全力以赴,"]


def test_punctuation_profiles(page):
    for profile, expected in (
        ("corpus", "各地区各部门全力以赴,"),
        ("original", "各地区各部门全力以赴，"),
        ("ascii", "各地区各部门全力以赴,"),
    ):
        line = by_id(parse(page_to_alto(page, punctuation=profile)))["P1_TB0003_L002"]
        assert line.find("a:String", NS).get("CONTENT") == expected
    line = by_id(parse(page_to_alto(page, punctuation="ascii")))["P1_TB0004_L002"]
    assert line.find("a:String", NS).get("CONTENT") == "确保人民群众生命财产安全."
    with pytest.raises(ValueError, match="punctuation"):
        page_to_alto(page, punctuation="fancy")
    with pytest.raises(ValueError, match="article_blocks"):
        page_to_alto(page, article_blocks="nested")


def test_composed_block_per_article_and_tags(page):
    root = parse(page_to_alto(page, article_blocks="composed"))
    ps = root.find("a:Layout/a:Page/a:PrintSpace", NS)
    cbs = ps.findall("a:ComposedBlock", NS)
    assert [(cb.get("ID"), cb.get("TYPE")) for cb in cbs] == [("P1_CB_A1", "article"), ("P1_CB_A2", "article")]
    assert [c.get("ID") for c in cbs[0]] == ["P1_TB0002", "P1_TB0001", "P1_TB0003", "P1_TB0004"]
    kinds = [etree.QName(c).localname for c in cbs[1]]
    assert kinds == ["TextBlock", "TextBlock", "TextBlock", "TextBlock", "Illustration", "TextBlock"]
    ill = cbs[1].find("a:Illustration", NS)
    assert ill.get("TYPE") == "photo" and ill.get("TAGREFS") == "P1_LT_photo P1_ST_A2"
    assert ps.find("a:TextBlock", NS).get("ID") == "P1_TB0000"  # outside any article
    assert ps.find("a:GraphicalElement", NS).get("ID") == "P1_SEP0001"

    tb = by_id(root)["P1_TB0001"]
    assert tb.get("TAGREFS") == "P1_LT_headline P1_ST_A1"
    assert tb.get("LANG") == "zh"
    st = by_id(root)["P1_ST_A1"]
    assert etree.QName(st).localname == "StructureTag"
    assert (st.get("TYPE"), st.get("LABEL")) == ("article", HEADLINE)
    assert "4" in st.get("DESCRIPTION")
    labels = {t.get("LABEL") for t in root.findall("a:Tags/a:LayoutTag[@TYPE='role']", NS)}
    assert labels == {"page_header", "headline", "kicker", "body", "caption", "photo"}
    joins = {t.get("LABEL") for t in root.findall("a:Tags/a:LayoutTag[@TYPE='join']", NS)}
    assert joins == {"cjk-join", "space-join", "hyphen-join"}
    # vertical kicker: top-to-bottom base direction
    assert by_id(root)["P1_TB0007"].get("BASEDIRECTION") == "ttb"


def test_styles(page):
    root = parse(page_to_alto(page))
    found = by_id(root)
    head = found[found["P1_TB0001"].get("STYLEREFS").split()[0]]
    assert (head.get("FONTSIZE"), head.get("FONTSTYLE")) == ("19", "bold")  # 80 px at 300 dpi = 19.2 pt → 19
    body = found[found["P1_TB0003"].get("STYLEREFS").split()[0]]
    assert (body.get("FONTSIZE"), body.get("FONTSTYLE")) == ("10", None)  # 42 px → 10.08 pt → 10
    cap = found[found["P1_TB0010"].get("STYLEREFS").split()[0]]
    assert cap.get("FONTSIZE") == "7"  # 30 px → 7.2 pt → 7
    sizes = [(s.get("FONTSIZE"), s.get("FONTSTYLE")) for s in root.findall("a:Styles/a:TextStyle", NS)]
    assert len(sizes) == len(set(sizes))


@pytest.mark.parametrize("unit, factor", [("inch1200", 4.0), ("mm10", 254 / 300)])
def test_units_convert_and_validate(page, alto_schema, unit, factor):
    xml = page_to_alto(page, unit=unit)
    assert schemas.validate(xml, alto_schema) == []
    root = parse(xml)
    assert root.findtext("a:Description/a:MeasurementUnit", namespaces=NS) == unit
    tb = by_id(root)["P1_TB0001"]  # box (300, 200, 2300, 320) px at 300 dpi
    assert int(tb.get("HPOS")) == round(300 * factor)
    assert int(tb.get("VPOS")) == round(200 * factor)
    assert int(tb.get("WIDTH")) == round(2300 * factor) - round(300 * factor)
    pg = root.find("a:Layout/a:Page", NS)
    assert int(pg.get("WIDTH")) == round(2400 * factor)
    if unit == "inch1200":
        assert (tb.get("HPOS"), pg.get("WIDTH")) == ("1200", "9600")
    else:
        assert (tb.get("HPOS"), pg.get("WIDTH")) == ("254", "2032")


def test_broken_document_fails_validation(page, alto_schema):
    root = parse(page_to_alto(page))
    tb = by_id(root)["P1_TB0001"]
    del tb.attrib["ID"]  # ID is required on every block
    errors = schemas.validate(etree.tostring(root), alto_schema)
    assert errors and any("ID" in e for e in errors)
    assert all(e.startswith("line ") for e in errors)

    root = parse(page_to_alto(page))
    root.find("a:Description/a:MeasurementUnit", NS).text = "points"
    assert schemas.validate(etree.tostring(root), alto_schema)
    assert schemas.validate(b"<alto", alto_schema)[0].startswith("line 1")


def test_control_characters_stripped(page, alto_schema, tmp_path):
    page.blocks[0].lines[0].text = "人民\x07日报\x1b\ud800\x85"
    page.source.path = "bad\x01name.png"
    xml = page_to_alto(page)
    root = parse(xml)
    assert by_id(root)["P1_TB0000_L001_S001"].get("CONTENT") == "人民日报"
    assert [s.get("CONTENT") for s in by_id(root)["P1_TB0009_L002"].findall("a:String", NS)] == ["新闻稿件已发布。"]
    assert root.findtext("a:Description/a:sourceImageInformation/a:fileName", namespaces=NS) == "badname.png"
    out = tmp_path / "page.xml"
    out.write_bytes(xml)
    assert schemas.validate(out, alto_schema) == []


def test_rejects_working_coordinates_and_bad_unit(page):
    page.in_source_coordinates = False
    page_to_alto(page)  # identity transform: working image == source image
    page.transform = Transform(np.array([[1.0, 0.01, 0.0], [-0.01, 1.0, 0.0]]), 0.6)
    with pytest.raises(ValueError, match="to_source_coordinates"):
        page_to_alto(page)
    page.in_source_coordinates = True
    with pytest.raises(ValueError, match="unit"):
        page_to_alto(page, unit="cm")
    page.source.dpi = 0
    with pytest.raises(ValueError, match="dpi"):
        page_to_alto(page, unit="mm10")


def test_empty_page_validates(alto_schema):
    src = PageSource(path="blank.png", index=0, kind="pdf-text", sha256="", dpi=300)
    xml = page_to_alto(Page(number=3, width=100, height=200, source=src, in_source_coordinates=True))
    assert schemas.validate(xml, alto_schema) == []
    ps = parse(xml).find("a:Layout/a:Page/a:PrintSpace", NS)
    assert (ps.get("WIDTH"), ps.get("HEIGHT"), ps.get("ID")) == ("100", "200", "P3_PS")


def test_schema_dir_env_empty(monkeypatch, tmp_path):
    monkeypatch.setenv("DIGITIZE_SCHEMA_DIR", str(tmp_path))
    with pytest.raises(schemas.SchemaNotFound, match="DIGITIZE_SCHEMA_DIR") as info:
        schemas.schema_dir()
    assert "alto-4-4.xsd" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(schemas.SchemaNotFound):
        schemas.load_schema("alto-4-4.xsd")


def test_load_schema_cached_and_refuses_remote(alto_schema, monkeypatch, tmp_path):
    assert schemas.load_schema(alto_schema) is schemas.load_schema(alto_schema)
    with pytest.raises(ValueError):
        schemas.load_schema("../alto-4-4.xsd")
    (tmp_path / "remote.xsd").write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        '<xsd:import namespace="http://www.w3.org/1999/xlink" schemaLocation="http://example.invalid/xlink.xsd"/>'
        "</xsd:schema>"
    )
    monkeypatch.setenv("DIGITIZE_SCHEMA_DIR", str(tmp_path))
    with pytest.raises(etree.XMLSchemaParseError):  # the resolver refuses the http:// import, nothing is fetched
        schemas.load_schema("remote.xsd")


def test_edge_cases_validate(page, alto_schema):
    # a block with no reading order, outside any article: listed in an UnorderedGroup
    loose = text_block("TB0020", Role.ADVERTISEMENT, (100, 3000, 900, 3100), ["广告 Café"], order=-1, language="und")
    loose.lines[0].text = "广告 Cafe\u0301"  # combining acute: 6 non-space chars, 6 glyphs
    loose.lines[0].glyphs = loose.lines[0].glyphs + [loose.lines[0].glyphs[-1]]
    # a hyphen at the end of the page flow: HYP kept, no substitution
    tail = text_block(
        "TB0021", Role.PAGE_FOOTER, (100, 3200, 900, 3300), ["end of flow-"], order=20, joins={0: JoinKind.HYPHEN}
    )
    # an empty line and a block without lines
    empty = Block("TB0022", Role.BODY, (100, 3400, 900, 3500), [Line("   ", (100, 3400, 900, 3450), 0.5)], order=21)
    page.blocks += [loose, tail, empty]
    xml = page_to_alto(page)
    assert schemas.validate(xml, alto_schema) == []
    root = parse(xml)
    found = by_id(root)
    group = root.find("a:ReadingOrder/a:OrderedGroup/a:UnorderedGroup", NS)
    assert [e.get("REF") for e in group] == ["P1_TB0020"]
    strings = found["P1_TB0020_L001"].findall("a:String", NS)
    assert [s.get("CONTENT") for s in strings] == ["广告", "Cafe\u0301"]
    assert len(strings[0].findall("a:Glyph", NS)) == 2 and strings[1].find("a:Glyph", NS) is None
    tail_line = found["P1_TB0021_L001"]
    assert tail_line[-1].get("CONTENT") == "-" and tail_line.findall("a:String", NS)[-1].get("SUBS_TYPE") is None
    assert len(found["P1_TB0022"]) == 0  # whitespace-only line: no TextLine (it would need a String)


def test_settings_provenance_written_valid_and_read_back(page, alto_schema):
    from digitize.read import read_bytes
    from digitize.settings import DEFAULT, load_settings

    settings = load_settings(None, ["layout.headline_ratio=1.8", "ocr.rec_batch=8"])
    page.settings_digest, page.settings_changed = settings.digest(), settings.changed()
    xml = page_to_alto(page)
    assert schemas.validate(xml, alto_schema) == []
    root = parse(xml)
    for path in (
        "a:Description/a:OCRProcessing/a:ocrProcessingStep/a:processingStepSettings",
        "a:Description/a:Processing/a:processingStepSettings",
    ):
        text = root.findtext(path, namespaces=NS)
        assert f"settings digest: {settings.digest()}" in text
        assert "settings changed: layout.headline_ratio=1.8, ocr.rec_batch=8" in text
    back = read_bytes(xml, "page.alto.xml").pages[0]
    assert back.settings_digest == settings.digest() != DEFAULT.digest()
    assert back.settings_changed == {"layout.headline_ratio": 1.8, "ocr.rec_batch": 8}
    # A page made with the defaults says so by its digest alone.
    page.settings_digest, page.settings_changed = DEFAULT.digest(), {}
    text = parse(page_to_alto(page)).findtext("a:Description/a:Processing/a:processingStepSettings", namespaces=NS)
    assert f"settings digest: {DEFAULT.digest()}" in text and "settings changed" not in text
