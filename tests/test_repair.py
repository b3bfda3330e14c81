"""Model-level repair (digitize/repair.py): Latin joins and dehyphenation, continuation markers, and the
join decisions measured against the rendered samples' ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hyphenated_words import HYPHENATED_WORDS
from wordfreq import top_n_list

from digitize.evaluate.joins import page_from_ground_truth, score_joins
from digitize.model import Article, Block, JoinKind, Line, Page, PageSource, Role, glue
from digitize.repair import join_lines, read_page_header, repair
from digitize.text.joins import text_join, written_words
from digitize.text.markers import find_markers

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


# --- Latin joins ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("word", HYPHENATED_WORDS)
def test_real_hyphens_are_kept_at_every_break(word):
    assert len(HYPHENATED_WORDS) >= 50
    parts = word.split("-")
    for k in range(1, len(parts)):  # a line may break after any of the word's hyphens
        left, right = "-".join(parts[:k]) + "-", "-".join(parts[k:])
        join = text_join(f"the {left}", f"{right} and")
        assert join.kind is JoinKind.HYPHEN_KEPT and "hyphen kept" in join.evidence, (left, right, join)
        assert glue(join.kind, f"the {left}", f"{right} and") == f"the {word} and"


def test_common_words_split_anywhere_are_dehyphenated():
    words = [w for w in top_n_list("en", 6000) if w.isalpha() and len(w) >= 8][:400]
    wrong = [
        (w[:k], w[k:])
        for w in words
        for k in range(2, len(w) - 1)
        if text_join(w[:k] + "-", w[k:]).kind is not JoinKind.HYPHEN
    ]
    assert len(words) == 400 and wrong == []


@pytest.mark.parametrize(
    "left, right, kind, joined",
    [
        ("the digiti-", "zation of", JoinKind.HYPHEN, "the digitization of"),
        ("council approved the bud-", "get", JoinKind.HYPHEN, "council approved the budget"),
        ("the", "council", JoinKind.SPACE, "the council"),
        ("schools,", "roads", JoinKind.SPACE, "schools, roads"),
        ("推进5", "G网络建设", JoinKind.CJK, "推进5G网络建设"),
        ("截至2025", "年底", JoinKind.CJK, "截至2025年底"),
        ("受COVID-", "19疫情影响", JoinKind.HYPHEN_KEPT, "受COVID-19疫情影响"),
        ("使用Python", "语言", JoinKind.CJK, "使用Python语言"),
        ("记者-", "王", JoinKind.CJK, "记者-王"),  # a CJK character before the hyphen: no word to rejoin
    ],
)
def test_text_join(left, right, kind, joined):
    join = text_join(left, right)
    assert join.kind is kind and join.evidence
    assert glue(join.kind, left, right) == joined


def test_hyphen_evidence_names_the_figures():
    assert "zipf 'digitization'" in text_join("digiti-", "zation").evidence
    assert "single-letter" in text_join("n-", "tridecanal").evidence


def test_the_texts_own_spelling_decides_before_word_frequency():
    # Frequencies alone keep "river-bank" (like "post-war"); the page writing "riverbank" elsewhere decides.
    assert text_join("near the river-", "bank.").kind is JoinKind.HYPHEN_KEPT
    seen = written_words(["homes along the riverbank were", "flooded near the river-", "bank and the"])
    assert seen["riverbank"] == 1 and "river" not in seen and "bank" not in seen  # pieces of the break left out
    join = text_join("near the river-", "bank.", seen=seen)
    assert join.kind is JoinKind.HYPHEN and "writes 'riverbank' 1×" in join.evidence
    seen = written_words(["the post-war years and", "the post-", "war boom"])
    assert seen["post-war"] == 1 and text_join("the post-", "war boom", seen=seen).kind is JoinKind.HYPHEN_KEPT
    seen = written_words(["a postwar boom", "the post-", "war years"])
    assert text_join("the post-", "war years", seen=seen).kind is JoinKind.HYPHEN
    # hard evidence still comes first: digits, capitals
    assert text_join("COVID-", "19 cases", seen=written_words(["covid19"])).kind is JoinKind.HYPHEN_KEPT
    # a compound of several hyphens is looked up whole
    seen = written_words(["a state-of-the-art lab"])
    assert text_join("a state-of-the-", "art plant", seen=seen).kind is JoinKind.HYPHEN_KEPT


def test_page_joins_use_the_page_vocabulary():
    gt = {
        "width": 1000,
        "height": 1000,
        "image": "x.png",
        "blocks": [{"id": "b1", "role": "body", "box": [0, 0, 500, 100], "order": 0, "article": "a1", "text": ""}],
        "lines": [
            {"block": "b1", "box": [0, 0, 500, 20], "text": "the riverbank gave way while"},
            {"block": "b1", "box": [0, 30, 500, 50], "text": "crews worked along the river-"},
            {"block": "b1", "box": [0, 60, 300, 80], "text": "bank all night."},
        ],
    }
    page = join_lines(page_from_ground_truth(gt))
    join = page.blocks[0].lines[1].join
    assert join.kind is JoinKind.HYPHEN and "riverbank" in join.evidence


# --- continuation markers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, direction, page, keyword, marker",
    [
        ("提高保障水平; (下转第4版)", "forward", "4", "", "(下转第4版)"),
        ("提高保障水平；（转第4版）", "forward", "4", "", "（转第4版）"),
        ("（紧接第1版）全会提出", "backward", "1", "", "（紧接第1版）"),
        ("产业格局 (下转A4版)", "forward", "A4", "", "(下转A4版)"),
        ("（上接第一版）全会提出", "backward", "1", "", "（上接第一版）"),
        ("（上接第十二版）", "backward", "12", "", "（上接第十二版）"),
        ("（续第３版）文字", "backward", "3", "", "（续第３版）"),
        ("提高保障水平【下转第4版】", "forward", "4", "", "【下转第4版】"),  # OCR: lenticular brackets
        ("提高保障水平（下转第4版】", "forward", "4", "", "（下转第4版】"),
        ("提高保障水平[下转第4版)", "forward", "4", "", "[下转第4版)"),
        ("提高保障水平 下转第 4 版", "forward", "4", "", "下转第 4 版"),  # brackets lost
        ("上接第1版 全会提出", "backward", "1", "", "上接第1版"),
        ("the council said. Continued on Page 4", "forward", "4", "", "Continued on Page 4"),
        ("the council said. (Continued on page A4)", "forward", "A4", "", "(Continued on page A4)"),
        ("Continued from Page A1 The council", "backward", "A1", "", "Continued from Page A1"),
        ("the council said. See TAXES, Page 4", "forward", "4", "TAXES", "See TAXES, Page 4"),
        ("TAXES: From Page 1 The council", "backward", "1", "TAXES", "TAXES: From Page 1"),
        ("SCHOOL BUDGET, From Page 1 The", "backward", "1", "SCHOOL BUDGET", "SCHOOL BUDGET, From Page 1"),
        ("（续）裕”重点任务", "backward", "", "", "（续）"),  # names no page: the headline finds the first part
        ("(接上版)全会提出", "backward", "", "", "(接上版)"),
        ("急剧真(下转第11版)能并越来越才", "forward", "11", "", "(下转第11版)"),  # the line ran on into the next column
    ],
)
def test_markers(text, direction, page, keyword, marker):
    (found,) = find_markers(text)
    assert (found.direction, found.page, found.keyword, found.text) == (direction, page, keyword, marker)
    assert text[found.start : found.end].strip() == marker


@pytest.mark.parametrize(
    "text",
    [
        "转第二季度的工作重点",
        "Please see the map on Page 4 for details",
        "第4版",
        "The page 4 story continued on Monday.",
        "续写新篇章",  # 续 opens a word, not a marker: a bare one is bracketed
        "他说下转第4版的文章",  # unbracketed inside a sentence: ordinary words
    ],
)
def test_no_marker_in_ordinary_text(text):
    assert find_markers(text) == []


# --- join decisions against the ground truth --------------------------------------------------------------

GROUND_TRUTHS = (
    sorted(SAMPLES.glob("*-clean.gt.json"))
    + sorted(SAMPLES.glob("families/*-clean.gt.json"))
    + sorted(SAMPLES.glob("issue/*.gt.json"))
    + sorted(SAMPLES.glob("issue-en/*.gt.json"))
)


def test_join_decisions_on_the_ground_truth_layout():
    """The decisions alone, on every rendered page's true lines and blocks (recognition and layout are
    measured by their own tests): precision and recall ≥ 0.98 for each kind, CJK and English pages."""
    assert any("english" in p.name for p in GROUND_TRUTHS) and len(GROUND_TRUTHS) >= 3
    pages = []
    for path in GROUND_TRUTHS:
        gt = json.loads(path.read_text(encoding="utf-8"))
        pages.append((join_lines(page_from_ground_truth(gt)), gt))
    scores = score_joins(pages)
    # A line-end hyphen between two common words whose closed form is a word too is house style that word
    # frequencies cannot settle: "river-/bank" and "hot-/spots" are set closed here, "cyber-/security" open
    # (bench/joins.md). Counted as the kinds (a kept hyphen is a join without a space) every kind
    # meets 0.98; the kept hyphens on their own are held to what frequencies reach.
    floors = {JoinKind.HYPHEN_KEPT: (0.93, 0.95)}
    for kind in JoinKind:
        s = scores[kind]
        precision, recall = floors.get(kind, (0.98, 0.98))
        assert s.truth > 0 and s.precision >= precision and s.recall >= recall, s
    assert (
        scores[JoinKind.HYPHEN].truth >= 90
        and scores[JoinKind.HYPHEN_KEPT].truth >= 25
        and scores[JoinKind.CJK].truth >= 1000
    )


# --- page headers and jump lines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header, label, date, title",
    [
        ("The Valley Courier Thursday, December 11, 2025 Page A1", "A1", "2025-12-11", "The Valley Courier"),
        ("Daily Post 3 Sept. 2024 PAGE 12", "12", "2024-09-03", "Daily Post"),
        ("晋中日报 2025年12月11日 星期四 第四版", "4", "2025-12-11", "晋中日报"),
    ],
)
def test_page_header_facts(header, label, date, title):
    page = Page(
        1,
        100,
        100,
        PageSource("x.png", 0, "image", ""),
        blocks=[Block("h", Role.PAGE_HEADER, (0, 0, 100, 10), [Line(header, (0, 0, 100, 10), 1.0)])],
    )
    read_page_header(page)
    assert (page.label, page.metadata.get("date"), page.metadata.get("title")) == (label, date, title)


@pytest.mark.parametrize("role", [Role.INTERTITLE, Role.SUBTITLE, Role.BODY])
def test_a_jump_line_in_display_type_is_a_continuation(role):
    body = Block("b", Role.BODY, (0, 0, 500, 20), [Line("the morning and evening", (0, 0, 500, 20), 1.0)])
    jump = Block("j", role, (0, 30, 300, 50), [Line("See BRIDGE, Page A4", (0, 30, 300, 50), 1.0)])
    page = Page(1, 1000, 1000, PageSource("x.png", 0, "image", ""), blocks=[body, jump], text_size_px=20)
    page.articles = [Article("a1", [body, jump])]
    repair(page)
    (c,) = page.articles[0].continuations
    assert (c.direction, c.page, c.marker, c.block_id) == ("forward", "A4", "See BRIDGE, Page A4", "j")
    assert jump.role is (Role.BODY if role is Role.BODY else Role.CONTINUATION)
    assert body.role is Role.BODY
    # an intertitle that merely mentions a page is not a jump line
    mention = Block("m", Role.INTERTITLE, (0, 60, 300, 80), [Line("Page 4 of the report", (0, 60, 300, 80), 1.0)])
    page.blocks.append(mention)
    page.articles[0].blocks.append(mention)
    repair(page)
    assert mention.role is Role.INTERTITLE and len(page.articles[0].continuations) == 1


def test_block_text_joins_lines_as_decided_or_by_script():
    box = (0, 0, 100, 10)
    headline = Block(
        "h", Role.HEADLINE, box, [Line("Library Adds Evening Hours for", box, 1.0), Line("Students", box, 1.0)]
    )
    assert headline.text == "Library Adds Evening Hours for Students"  # before repair: Latin letters get a space
    cjk = Block("c", Role.BODY, box, [Line("将全", box, 1.0), Line("面学习", box, 1.0)])
    assert cjk.text == "将全面学习"
    body = Block("b", Role.BODY, box, [Line("the digiti-", box, 1.0), Line("zation of", box, 1.0)])
    body.lines[0].join = text_join("the digiti-", "zation of")
    assert body.text == "the digitization of"


@pytest.mark.parametrize(
    "text, original",
    [
        ("全会提出,要推进(下转第4版)", "全会提出，要推进（下转第4版）"),
        ("the river rose, and (as feared) it flooded", "the river rose, and (as feared) it flooded"),
        ("截至2025年底,共计100,推进5G网络", "截至2025年底，共计100，推进5G网络"),
    ],
)
def test_original_profile_prints_cjk_and_latin_punctuation_in_their_own_forms(text, original):
    from digitize.export.punctuation import format_paragraph
    from digitize.model import Paragraph

    assert format_paragraph(Paragraph(Role.BODY, text, ["b"]), "original") == original


def test_on_a_page_that_indents_paragraphs_a_short_line_runs_on():
    # english-tabloid: "…will begin in the" / "spring." ends a line 5.8 em short because "Construction" did
    # not fit; the next line is not indented, and every paragraph on the page opens indented.
    gt = json.loads((SAMPLES / "families" / "english-tabloid-clean.gt.json").read_text(encoding="utf-8"))
    page = join_lines(page_from_ground_truth(gt))
    flow = [line for block in page.blocks for line in block.lines]
    (spring,) = [
        line for line, nxt in zip(flow, flow[1:]) if line.text == "spring." and nxt.text.startswith("Construction")
    ]
    assert spring.join.kind is JoinKind.SPACE and "indents its paragraphs" in spring.join.evidence
    # the same page set without indents: there the short line ends its paragraph
    for block in page.blocks:
        for line in block.lines:
            line.box = (block.box[0], *line.box[1:])
    join_lines(page)
    assert spring.join.kind is JoinKind.BREAK


def test_a_jump_line_ending_a_column_becomes_a_continuation_block_of_its_own():
    """
    [ body line        ]
    [ body line        ]
    [ See TAXES, Page 4]   -> its own block, a continuation marker, right after the column in the order
    """
    from digitize.repair import split_jump_lines

    lines = [
        Line(t, (0, 30 * k, 400, 30 * k + 20), 0.99)
        for k, t in enumerate(["The council voted on Monday to raise", "the rate by two cents.", "See TAXES, Page 4"])
    ]
    body = Block("B", Role.BODY, (0, 0, 400, 80), lines, article_id="A", column=1)
    after = Block("C", Role.BODY, (0, 100, 400, 120), [Line("Next story.", (0, 100, 400, 120), 0.99)], article_id="A")
    page = Page(1, 500, 500, PageSource("x.png", 0, "image", ""), blocks=[body, after])
    page.articles = [Article("A", [body, after])]
    split_jump_lines(page)
    assert [(b.id, b.role) for b in page.blocks] == [("B", Role.BODY), ("Bj", Role.CONTINUATION), ("C", Role.BODY)]
    assert body.box == (0, 0, 400, 50) and page.blocks[1].lines[0].text == "See TAXES, Page 4"
    assert [b.order for b in page.blocks] == [0, 1, 2] and page.blocks[1].column == 1
