"""Articles across the pages of an issue (digitize/issue.py): linking continued parts and writing each
article once, whole. Synthetic documents built from the issue sample's ground truth and small hand-made
pages, then the rendered two-page issue read with the real OCR engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digitize.evaluate.joins import page_from_ground_truth
from digitize.export.text import issue_text
from digitize.issue import issue_document, link_articles
from digitize.model import Article, Block, Document, Line, Page, PageSource, Role
from digitize.repair import find_continuations, repair

ISSUE = Path(__file__).resolve().parents[1] / "samples" / "issue"


def _gt_page(name: str) -> Page:
    """The sample page as layout, OCR and order would leave it if they made no mistake, then repaired."""
    return repair(page_from_ground_truth(json.loads((ISSUE / f"{name}.gt.json").read_text(encoding="utf-8"))))


def test_issue_sample_links_and_joins_the_story():
    p1, p4 = _gt_page("p1"), _gt_page("p4")
    assert (p1.label, p4.label) == ("1", "4")
    doc = issue_document("issue", [p1, p4])
    assert doc.article_links == [((1, "a1"), (2, "a1"))]
    (forward,) = [c for c in p1.articles[0].continuations]
    (backward,) = [c for c in p4.articles[0].continuations if c.direction == "backward"]
    assert (forward.linked_to, backward.linked_to) == ((2, "a1"), (1, "a1"))
    text = issue_text(doc)
    story = (ISSUE / "issue.gt.txt").read_text(encoding="utf-8").strip()
    assert story in text and text.count(story.splitlines()[0]) == 1  # once, whole, headline once
    assert "下转" not in text.replace("(下转第4版)", "") or "上接" not in text
    assert "上接第1版" not in text


def _page(number: int, label: str, articles: list[tuple[str, str, list[str]]]) -> Page:
    """A page of articles given as (id, headline, body paragraphs), one line per paragraph."""
    page = Page(number, 1000, 1000, PageSource("x.png", 0, "image", ""), label=label, text_size_px=20)
    for k, (aid, headline, body) in enumerate(articles):
        blocks = (
            [Block(f"{aid}h", Role.HEADLINE, (0, 0, 900, 30), [Line(headline, (0, 0, 900, 30), 1.0)])]
            if headline
            else []
        )
        blocks += [
            Block(f"{aid}b{i}", Role.BODY, (0, 40 * i, 900, 40 * i + 20), [Line(t, (0, 40 * i, 900, 40 * i + 20), 1.0)])
            for i, t in enumerate(body)
        ]
        page.blocks += blocks
        page.articles.append(Article(aid, blocks, order=k))
    return find_continuations(page)


def test_english_jump_words_pick_the_right_part():
    front = _page(
        1,
        "A1",
        [
            ("s1", "Council Raises Property Taxes", ["The council voted on Monday to raise. See TAXES, Page A4"]),
            ("s2", "School Budget Grows", ["The school board met. See SCHOOLS, Page A4"]),
        ],
    )
    inside = _page(
        2,
        "A4",
        [  # the order on the page is the reverse of the jumps': the jump words decide
            ("i1", "", ["SCHOOLS: From Page A1 The board also approved buses."]),
            ("i2", "", ["TAXES: From Page A1 Homeowners will pay more."]),
        ],
    )
    doc = link_articles(Document("x", [front, inside]))
    assert doc.article_links == [((1, "s1"), (2, "i2")), ((1, "s2"), (2, "i1"))]
    text = issue_text(doc)
    assert text.index("Homeowners") < text.index("School Budget") < text.index("buses")
    assert "TAXES" not in text and "SCHOOLS" not in text


def test_repeated_headlines_and_marker_order_without_jump_words():
    front = _page(
        1, "1", [("a", "市场回暖", ["消费持续回升；（下转第4版）"]), ("b", "乡村振兴", ["产业兴旺，（下转第4版）"])]
    )
    back = _page(
        2, "4", [("c", "乡村振兴", ["（上接第1版）生态宜居。"]), ("d", "市场回暖", ["（上接第1版）投资稳定。"])]
    )
    doc = link_articles(Document("x", [front, back]))
    assert doc.article_links == [((1, "a"), (2, "d")), ((1, "b"), (2, "c"))]
    assert issue_text(doc) == "## 市场回暖\n\n消费持续回升;投资稳定。\n\n## 乡村振兴\n\n产业兴旺,生态宜居。\n"


def test_no_link_when_the_pages_do_not_name_each_other():
    front = _page(1, "1", [("a", "市场回暖", ["消费持续回升；（下转第5版）"])])
    back = _page(2, "4", [("d", "市场回暖", ["（上接第1版）投资稳定。"])])
    doc = link_articles(Document("x", [front, back]))
    assert doc.article_links == [] and all(
        c.linked_to is None for p in doc.pages for a in p.articles for c in a.continuations
    )
    assert issue_text(doc).count("## 市场回暖") == 2


def test_a_part_that_names_no_page_is_found_by_its_headline():
    """（续） names no page: the part on the page the jump names whose headline repeats the first part's."""
    front = _page(
        1, "6", [("a", "市场回暖", ["消费持续回升；（下转第14版）"]), ("b", "乡村振兴", ["产业兴旺，（下转第14版）"])]
    )
    back = _page(2, "14", [("c", "乡村振兴", ["（续）生态宜居。"]), ("d", "市场回暖", ["（续）投资稳定。"])])
    doc = link_articles(Document("x", [front, back]))
    assert doc.article_links == [((1, "a"), (2, "d")), ((1, "b"), (2, "c"))]


def test_a_shortened_repeated_headline_is_not_written_in_the_joined_story():
    """The continued part repeats the headline shortened: the joined story has the headline once, and the
    paragraph cut by the jump is joined again."""
    front = _page(1, "1", [("a", "市场回暖 消费持续回升", ["消费持续回升，（下转第4版）"])])
    back = _page(2, "4", [("d", "市场回暖", ["（上接第1版）投资稳定。"])])
    doc = link_articles(Document("x", [front, back]))
    assert issue_text(doc) == "## 市场回暖 消费持续回升\n\n消费持续回升,投资稳定。\n"


def test_a_part_that_names_no_page_needs_a_headline_to_link():
    """Without a repeated headline, a bare （续） is not enough evidence: both parts stay as printed."""
    front = _page(1, "6", [("a", "市场回暖", ["消费持续回升；（下转第14版）"])])
    back = _page(2, "14", [("c", "", ["（续）生态宜居。"])])
    assert link_articles(Document("x", [front, back])).article_links == []


def test_two_continued_parts_read_as_one_article_are_split_and_written_once_each():
    """Segmentation put both continued parts of page 14 in one article: each part starts at its marker, with
    the headline right over it, and each is written once, after its own first part."""
    front = _page(
        1, "6", [("a", "市场回暖", ["消费持续回升；（下转第14版）"]), ("b", "乡村振兴", ["产业兴旺，（下转第14版）"])]
    )
    back = _page(
        2, "14", [("c", "乡村振兴", ["（上接第6版）生态宜居。"]), ("d", "市场回暖", ["（上接第6版）投资稳定。"])]
    )
    merged = Article("c", [b for a in back.articles for b in a.blocks], order=0)
    back.articles = [merged]
    repair(back)
    assert [[b.id for b in a.blocks] for a in back.articles] == [["ch", "cb0"], ["dh", "db0"]]
    doc = link_articles(Document("x", [front, back]))
    assert doc.article_links == [((1, "a"), (2, "ART002")), ((1, "b"), (2, "ART001"))]
    assert issue_text(doc) == "## 市场回暖\n\n消费持续回升;投资稳定。\n\n## 乡村振兴\n\n产业兴旺,生态宜居。\n"


# --- the rendered issue, read with the real engine ---------------------------------------------------------


@pytest.fixture(scope="module")
def ocr_issue():
    from digitize.pipeline import iter_pages

    pages = [page for name in ("p1", "p4") for page in iter_pages(ISSUE / f"{name}.png")]
    return issue_document("issue", pages)


@pytest.mark.slow
def test_ocr_issue_comes_out_once_whole_with_the_link(ocr_issue):
    from digitize.evaluate import cer

    assert [p.label for p in ocr_issue.pages] == ["1", "4"]
    assert len(ocr_issue.article_links) == 1
    (fpage, _fid), (bpage, _bid) = ocr_issue.article_links[0]
    assert (fpage, bpage) == (1, 2)
    text = issue_text(ocr_issue)
    story = (ISSUE / "issue.gt.txt").read_text(encoding="utf-8")
    headline = story.splitlines()[0]
    assert text.count(headline) == 1
    start = text.index(headline)
    end = text.find("\n#", start + 1)  # the next article's kicker or headline
    part = text[start : end if end > 0 else len(text)]
    # the text between the story's headline and the next article's is the story, markers out
    assert cer(story, part) < 0.02, cer(story, part)
    assert "上接" not in part and "下转" not in part
