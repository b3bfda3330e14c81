"""Reading our own NewsML-G2 back (digitize/read/newsml.py): a synthetic two-page issue with a continued
article is written with `document_to_news_message` (NITF and XHTML bodies) and read with `digitize.read`;
the articles, roles, bylines and paragraphs come back in order, the continued article as one, and the
text equals the issue's whole-article text. Bare newsItems, metadata-only items, hostile XML and
``digitize convert`` too. No OCR."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from lxml import etree
from test_alto import text_block

from digitize import to_text
from digitize.cli import main
from digitize.export.newsml import NAR_NS, document_to_news_message, document_to_newsml
from digitize.export.text import issue_text
from digitize.io import InputError
from digitize.issue import link_articles
from digitize.model import Article, Document, JoinKind, Page, PageSource, Role
from digitize.read import ReadError, read, read_bytes
from digitize.read.text import EM, MARGIN
from digitize.repair import find_continuations

NS = {"n": NAR_NS}
CJK = {0: JoinKind.CJK}

# (article id, [(role, printed lines, joins)]) per page; the lines of a paragraph are joined as CJK
PAGE_1 = [
    (
        "A1",
        [
            (Role.KICKER, ["防汛救灾进行时"], None),
            (Role.HEADLINE, ["落实落细各项应对措施"], None),
            (Role.SUBTITLE, ["——记各地防汛一线"], None),
            (Role.BYLINE, ["本报记者 王明"], None),
            (Role.BODY, ["本报北京6月30日电　记者报道：各地区", "各部门全力以赴，严阵以待。"], CJK),
            (Role.INTERTITLE, ["科学调度"], None),
            (Role.BODY, ["确保人民群众生命财产安全。（下转第4版）"], None),
        ],
    ),
    (
        "A2",
        [
            (Role.HEADLINE, ["夏粮丰收"], None),
            (Role.BODY, ["今年夏粮再获丰收，", "单产创历史新高。"], CJK),
            (Role.CAPTION, ["图为河南小麦收割现场。"], None),
        ],
    ),
]
PAGE_4 = [
    (
        "A3",
        [
            (Role.HEADLINE, ["落实落细各项应对措施"], None),  # the continued part repeats its headline
            (Role.BODY, ["（上接第1版）各地加强巡查，", "转移群众三千余人。"], CJK),
        ],
    ),
    (
        "A4",
        [
            (Role.HEADLINE, ["Flood season briefing"], None),
            (Role.BODY, ["BEIJING — Officials said the", "river levels fell."], {0: JoinKind.SPACE}),
        ],
    ),
]
HEADLINES = ["落实落细各项应对措施", "夏粮丰收", "Flood season briefing"]


def _page(number: int, label: str, articles) -> Page:
    src = PageSource(path=f"issue-{label}.png", index=0, kind="image", sha256=f"{number:02d}" * 32)
    page = Page(number=number, width=2400, height=3600, source=src, in_source_coordinates=True, label=label)
    y = 100
    for k, (aid, blocks) in enumerate(articles):
        article = Article(aid, order=k)
        for role, lines, joins in blocks:
            block = text_block(
                f"TB{len(page.blocks) + 1:04d}",
                role,
                (300, y, 2300, y + 60 * len(lines)),
                lines,
                order=len(page.blocks),
                joins=joins,
                language="en" if aid == "A4" else "zh",
            )
            y += 60 * len(lines) + 20
            block.article_id = aid
            article.blocks.append(block)
            page.blocks.append(block)
        page.articles.append(article)
    return find_continuations(page)


@pytest.fixture
def issue() -> Document:
    doc = link_articles(Document("issue.pdf", [_page(1, "1", PAGE_1), _page(2, "4", PAGE_4)]))
    assert doc.article_links == [((1, "A1"), (2, "A3"))]
    doc.pages[0].metadata.update({"title": "人民日报", "date": "2024-07-01"})
    return doc


def _written(doc: Document, tmp_path, body: str):
    path = tmp_path / f"issue-{body}.newsml.xml"
    path.write_bytes(document_to_news_message(doc, body=body))
    return path


def _paragraphs(article: Article) -> list[tuple[str, str]]:
    return [(b.role.value, b.text) for b in article.blocks]


@pytest.mark.parametrize("body", ["nitf", "xhtml"])
def test_round_trip_articles_roles_and_text(issue, tmp_path, body):
    back = read(_written(issue, tmp_path, body))
    assert [(p.number, p.label) for p in back.pages] == [(1, "1"), (2, "4")]
    assert back.pages[0].metadata == {"title": "人民日报", "date": "2024-07-01"}
    articles = [a for p in back.pages for a in p.articles]
    assert [a.headline for a in articles] == HEADLINES
    # the continued article is one article on its first page: both parts, markers and repeated headline gone
    assert [[a.id for a in p.articles] for p in back.pages] == [["A1", "A2"], ["A1"]]
    # text as the writer wrote it (its "original" punctuation profile squeezes the space between CJK characters)
    assert _paragraphs(articles[0]) == [
        ("kicker", "防汛救灾进行时"),
        ("headline", "落实落细各项应对措施"),
        ("subtitle", "——记各地防汛一线"),
        ("byline", "本报记者 王明"),
        ("body", "本报北京6月30日电记者报道：各地区各部门全力以赴，严阵以待。"),
        ("intertitle", "科学调度"),
        ("body", "确保人民群众生命财产安全。"),
        ("body", "各地加强巡查，转移群众三千余人。"),
    ]
    assert _paragraphs(articles[1]) == [
        ("headline", "夏粮丰收"),
        ("body", "今年夏粮再获丰收，单产创历史新高。"),
        ("caption", "图为河南小麦收割现场。"),
    ]
    assert _paragraphs(articles[2]) == [
        ("headline", "Flood season briefing"),
        ("body", "BEIJING — Officials said the river levels fell."),
    ]
    assert back.article_links == [] and not any(a.continuations for a in articles)
    for page in back.pages:
        assert page.blocks == [b for a in page.articles for b in a.blocks]
        assert [b.order for b in page.blocks] == list(range(len(page.blocks)))
        for block in page.blocks:
            (line,) = block.lines  # one line per paragraph, ending it
            assert line.join is None and block.article_id
            # text's galley: one em per character, the left margin, one em high
            assert line.box[0] == MARGIN and line.box[2] - line.box[0] == EM * len(line.text) and line.height == EM
    assert articles[2].blocks[1].language == "en" and articles[0].blocks[1].language == "zh"


@pytest.mark.parametrize("body", ["nitf", "xhtml"])
def test_text_equals_whole_article_issue_text(issue, tmp_path, body):
    """The writer drops the continuation markers and the continued part's repeated headline, as issue_text
    does. Where NewsML cannot say as much, the issue is made so it need not: the parts meet at a paragraph end
    (the writer does not rejoin a paragraph cut by the page jump, issue_text does), the continued part repeats
    the headline exactly (issue_text keeps a shortened one, the writer drops it) and has no byline of its own
    (bylines are metadata in NewsML: they come back after the headings, not where they were printed)."""
    back = read(_written(issue, tmp_path, body))
    expected = issue_text(issue)
    assert "下转" not in expected and "上接" not in expected
    assert to_text(back) == expected


def test_bare_news_item_is_one_page_one_article(issue):
    items = dict(document_to_newsml(issue, body="xhtml"))
    doc = read_bytes(items["P1_A1"], "a1.newsml.xml")
    assert len(doc.pages) == 1 and doc.pages[0].number == 1
    (article,) = doc.pages[0].articles
    assert article.headline == HEADLINES[0]
    assert [b.text for b in article.blocks_with_role(Role.BYLINE)] == ["本报记者 王明"]
    assert article.blocks[-1].text == "各地加强巡查，转移群众三千余人。"


def test_metadata_only_item_and_message_without_package(issue):
    root = etree.fromstring(document_to_news_message(issue))
    item_set = root.find("n:itemSet", NS)
    item_set.remove(item_set.find("n:packageItem", NS))
    second = item_set.findall("n:newsItem", NS)[1]
    second.remove(second.find("n:contentSet", NS))  # no body: headline and byline from contentMeta
    doc = read_bytes(etree.tostring(root), "nopackage.xml")
    assert len(doc.pages) == 1
    assert [a.headline for a in doc.pages[0].articles] == HEADLINES
    assert _paragraphs(doc.pages[0].articles[1]) == [("headline", "夏粮丰收")]


XXE = f"""<?xml version="1.0"?>
<!DOCTYPE newsMessage [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<newsMessage xmlns="{NAR_NS}"><itemSet><newsItem guid="x"><contentMeta><headline>&secret;</headline></contentMeta>
</newsItem></itemSet></newsMessage>""".encode()


@pytest.mark.parametrize(
    "xml, reason",
    [
        (XXE, "refused: the DOCTYPE declares entities"),
        (f'<newsMessage xmlns="{NAR_NS}"><itemSet/></newsMessage>'.encode(), "holds no newsItem"),
        (b'<newsItem xmlns="http://example.org/not-newsml"/>', "unknown XML document <newsItem>"),
    ],
)
def test_hostile_and_empty_newsml_refused(xml, reason, tmp_path):
    path = tmp_path / "evil.newsml.xml"
    path.write_bytes(xml)
    with pytest.raises(ReadError, match=reason) as info:
        read(path)
    assert isinstance(info.value, InputError) and "\n" not in str(info.value)


def test_convert_newsml_to_txt(issue, tmp_path):
    path = _written(issue, tmp_path, "nitf")
    result = CliRunner().invoke(main, ["convert", str(path), "--to", "txt"])
    assert result.exit_code == 0, result.output
    assert result.output == issue_text(issue)
    out = tmp_path / "issue.json"
    result = CliRunner().invoke(main, ["convert", str(path), "--to", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Flood season briefing" in out.read_text(encoding="utf-8")
