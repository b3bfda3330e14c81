"""NewsML-G2 2.35 export: every item validates (NITF bodies against NITF 3.6 too), one item per story,
continued articles joined, reproducible GUIDs, package in page order."""

from __future__ import annotations

import pytest
from lxml import etree
from test_alto import page as alto_page  # noqa: F401  (the one-page fixture, reused below)
from test_alto import text_block

from digitize import schemas
from digitize.export.newsml import (
    NAR_NS,
    NITF_NS,
    XHTML_NS,
    document_to_news_message,
    document_to_newsml,
    issue_stories,
)
from digitize.model import Article, Continuation, Document, JoinKind, Page, PageSource, Role

NEWSML = "NewsML-G2_2.35-spec-All-Power.xsd"
NEWSML_NITF = "NewsML-G2_2.35-with-NITF-3.6.xsd"
NS = {"n": NAR_NS, "nitf": NITF_NS, "h": XHTML_NS}


def page_four() -> Page:
    """Page 4 of the issue: the end of page 1's article A1 (its A3, "上接第一版") and a short article A4."""
    src = PageSource(path="samples/rmrb-2024-07-01-04.png", index=0, kind="image", sha256="cd" * 32, dpi=300.0)
    p = Page(number=2, width=2400, height=3600, source=src, in_source_coordinates=True, label="4")
    head = text_block(
        "TB0001", Role.HEADLINE, (300, 100, 2300, 200), ["落实落细各项应对措施"], size=60, bold=True, order=0
    )
    body = text_block(
        "TB0002",
        Role.BODY,
        (300, 220, 1200, 520),
        ["（上接第一版）各地加强巡查，", "转移群众三千余人。"],
        order=1,
        joins={0: JoinKind.CJK},
    )
    a3 = Article("A3", [head, body], order=0, continuations=[Continuation("backward", "1", "（上接第一版）", "TB0002")])
    h4 = text_block(
        "TB0003",
        Role.HEADLINE,
        (300, 700, 2300, 800),
        ["Flood season briefing"],
        size=60,
        bold=True,
        order=2,
        language="en",
    )
    b4 = text_block(
        "TB0004",
        Role.BODY,
        (300, 820, 2300, 1020),
        ["BEIJING — Officials said the", "levels fell."],
        order=3,
        language="en",
        joins={0: JoinKind.SPACE},
    )
    a4 = Article("A4", [h4, b4], order=1)
    p.blocks = [head, body, h4, b4]
    for art in (a3, a4):
        for b in art.blocks:
            b.article_id = art.id
    p.articles = [a3, a4]
    return p


@pytest.fixture
def issue(alto_page) -> Document:  # noqa: F811
    """Two pages of one issue: page 1 from test_alto (A1 continued on page 4, A2) and page 4 (A3, A4)."""
    alto_page.metadata["date"] = "2024-07-01"
    alto_page.metadata["title"] = "人民日报"
    byline = text_block("TB0011", Role.BYLINE, (300, 325, 1200, 338), ["本报记者 王明"], size=30, order=2)
    first = alto_page.articles[0]
    first.blocks.insert(2, byline)
    byline.article_id = first.id
    alto_page.blocks.insert(3, byline)
    first.blocks[-1].lines[-1].text += "（下转第4版）"
    doc = Document(path="issue.pdf", pages=[alto_page, page_four()], article_links=[((1, "A1"), (2, "A3"))])
    return doc


@pytest.fixture(scope="module")
def have_schemas():
    try:
        schemas.schema_dir()
    except schemas.SchemaNotFound as exc:
        pytest.skip(str(exc))


def test_one_item_per_story_and_continued_article_joined(issue, have_schemas):
    items = document_to_newsml(issue)
    assert [key for key, _ in items] == ["P1_A1", "P1_A2", "P2_A4"]  # A3 is the end of A1, not an item
    for key, xml in items:
        assert schemas.validate(xml, NEWSML) == [], key
        assert schemas.validate(xml, NEWSML_NITF) == [], key
    root = etree.fromstring(items[0][1])
    assert root.tag == f"{{{NAR_NS}}}newsItem"
    assert (root.get("standardversion"), root.get("conformance")) == ("2.35", "power")
    assert root.findtext("n:itemMeta/n:versionCreated", namespaces=NS) == "2024-07-01T00:00:00Z"
    assert root.find("n:itemMeta/n:itemClass", NS).get("qcode") == "ninat:text"
    assert root.find("n:itemMeta/n:pubStatus", NS).get("qcode") == "stat:usable"
    meta = root.find("n:contentMeta", NS)
    heads = [(h.get("role"), h.text) for h in meta.findall("n:headline", NS)]
    assert heads == [
        ("dgzrole:main", "落实落细各项应对措施 做好安全防范各项工作"),
        ("dgzrole:subheadline", "防汛救灾进行时"),
    ]
    assert meta.findtext("n:by", namespaces=NS) == "本报记者 王明"
    assert meta.findtext("n:dateline", namespaces=NS) == "本报北京6月30日电"
    assert meta.find("n:language", NS).get("tag") == "zh"
    assert meta.findtext("n:slugline", namespaces=NS)
    nitf = root.find("n:contentSet/n:inlineXML/nitf:nitf", NS)
    assert nitf.findtext("nitf:body/nitf:body.head/nitf:hedline/nitf:hl1", namespaces=NS).startswith("落实落细")
    paragraphs = [p.text for p in nitf.iterfind("nitf:body/nitf:body.content/nitf:p", NS)]
    # the page-4 part follows the page-1 part; markers between the parts and the repeated headline are gone
    assert "zation project 启动。" in paragraphs[-3] and "digitization" in paragraphs[-3]
    assert paragraphs[-2:] == ["确保人民群众生命财产安全。", "各地加强巡查，转移群众三千余人。"]
    assert not any("下转" in p or "上接" in p for p in paragraphs)
    assert len(root.findall(".//nitf:hl1", NS)) == 1


def test_guids_reproducible_and_distinct(issue):
    first = document_to_newsml(issue)
    again = document_to_newsml(issue)
    assert first == again  # byte-identical: no clock, no randomness
    guids = [etree.fromstring(x).get("guid") for _, x in first]
    assert len(set(guids)) == len(guids) and all(g.startswith("urn:uuid:") for g in guids)
    issue.pages[0].source.sha256 = "ef" * 32  # another scan of the page: other GUIDs
    assert etree.fromstring(document_to_newsml(issue)[0][1]).get("guid") != guids[0]


def test_xhtml_body_and_english_dateline(issue, have_schemas):
    items = dict(document_to_newsml(issue, body="xhtml", created="2024-07-02T06:00:00+08:00"))
    for key, xml in items.items():
        assert schemas.validate(xml, NEWSML) == [], key
    root = etree.fromstring(items["P2_A4"])
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.findtext("n:itemMeta/n:versionCreated", namespaces=NS) == "2024-07-02T06:00:00+08:00"
    html = root.find("n:contentSet/n:inlineXML/h:html", NS)
    assert root.find("n:contentSet/n:inlineXML", NS).get("contenttype") == "application/xhtml+xml"
    assert html.findtext("h:body/h:h1", namespaces=NS) == "Flood season briefing"
    assert [p.text for p in html.iterfind("h:body/h:p", NS)][-1] == "BEIJING — Officials said the levels fell."
    assert root.findtext("n:contentMeta/n:dateline", namespaces=NS) == "BEIJING"
    with pytest.raises(ValueError, match="body"):
        document_to_newsml(issue, body="html")


def test_news_message_package_in_page_order(issue, have_schemas):
    xml = document_to_news_message(issue)
    assert schemas.validate(xml, NEWSML_NITF) == []
    root = etree.fromstring(xml)
    package = root.find("n:itemSet/n:packageItem", NS)
    news_guids = [i.get("guid") for i in root.iterfind("n:itemSet/n:newsItem", NS)]
    assert len(news_guids) == 3
    group_set = package.find("n:groupSet", NS)
    top = group_set.find(f"n:group[@id='{group_set.get('root')}']", NS)
    assert [r.get("idref") for r in top.findall("n:groupRef", NS)] == ["G_P1", "G_P2"]
    page_refs = {
        g.get("id"): [r.get("residref") for r in g.findall("n:itemRef", NS)] for g in group_set.findall("n:group", NS)
    }
    # A1 is printed on both pages and listed on both; every reference resolves to an item of the message
    assert page_refs["G_P1"] == news_guids[:2]
    assert page_refs["G_P2"] == [news_guids[0], news_guids[2]]
    assert package.findtext("n:itemMeta/n:title", namespaces=NS) == "人民日报"


def test_nitf_schema_catches_a_broken_body(issue, have_schemas):
    root = etree.fromstring(document_to_newsml(issue)[0][1])
    root.find(".//nitf:hl1", NS).tag = f"{{{NITF_NS}}}hl9"
    broken = etree.tostring(root)
    assert schemas.validate(broken, NEWSML) == []  # inlineXML is lax for the plain NewsML-G2 schema …
    assert schemas.validate(broken, NEWSML_NITF)  # … the NITF driver schema checks the body


def test_link_cycle_and_unknown_links_are_harmless(issue):
    issue.article_links += [((2, "A3"), (1, "A1")), ((9, "A9"), (1, "A2"))]
    keys = [s.key for s in issue_stories(issue)]
    assert keys.count("P1_A1") <= 1 and "P2_A4" in keys
    assert sum(len(s.parts) for s in issue_stories(issue)) <= 4
