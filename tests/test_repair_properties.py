"""Properties of model-level repair (digitize/repair.py) over random but plausible page models: repair is
idempotent, keeps every non-space character of the lines (a dropped line-end hyphen at a hyphen join is
the only loss; nothing is added), never joins across a heading or an article, and records a join with
evidence after every line of a text flow but the last. The same properties at the text level, for the
corpus-format repair, are in tests/test_repair_text.py.

A generated page holds 1–3 articles stacked down the page. Each article is a heading group (kicker,
headline, subtitle, byline; only the headline always) set across the page, then 1–4 body blocks in 1–3
columns side by side (so the flow has column breaks), sometimes with an intertitle between two body blocks.
Body lines lie on a line grid inside their block, sometimes indented, sometimes short; their texts mix CJK
phrases cut from the rendered sample's ground truth, Latin words, numbers, punctuation, terminal punctuation,
continuation markers and words broken at a line-end hyphen (soft splits of real words, real compounds).
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from hyphenated_words import HYPHENATED_WORDS
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from digitize.export.text import page_text
from digitize.model import Article, Block, JoinKind, Line, Page, PageSource, Role, article_paragraphs
from digitize.repair import join_lines, repair, type_jump_lines
from digitize.text.joins import text_join
from digitize.text.patterns import LINE_HYPHENS

ROOT = Path(__file__).resolve().parents[1]
GROUND_TRUTH = ROOT / "samples" / "jinzhong-front.gt.txt"

# Heading roles in the sense of the issue: the heading group and intertitles, and the byline with them.
HEADING_ROLES = {Role.HEADLINE, Role.KICKER, Role.SUBTITLE, Role.INTERTITLE, Role.BYLINE}

PROPERTY = settings(
    max_examples=int(os.environ.get("REPAIR_PROPERTY_EXAMPLES", "75")),  # a fresh draw every run; more locally
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


# --- vocabulary ------------------------------------------------------------------------------------------


def _cjk_phrases() -> list[str]:
    """Runs of 2–8 Han characters from the sample's body text, shortest first (so examples shrink to them).
    No 版: a continuation marker is only ever written on purpose."""
    text = GROUND_TRUTH.read_text(encoding="utf-8")
    phrases = set()
    for para in text.split("\n\n"):
        if para.startswith("#"):
            continue
        for piece in re.split(r"[^\u4e00-\u9fff]+", para):
            if 2 <= len(piece) <= 8 and "版" not in piece:
                phrases.add(piece)
    return sorted(phrases, key=lambda s: (len(s), s))


CJK_PHRASES = _cjk_phrases()
LATIN_WORDS = [
    "the",
    "and",
    "of",
    "council",
    "approved",
    "budget",
    "for",
    "next",
    "year",
    "schools",
    "roads",
    "buses",
    "after",
    "long",
    "debate",
    "about",
    "city",
    "water",
    "plan",
    "Shanxi",
    "Jinzhong",
    "OCR",
    "Python",
    "GDP",
]
NUMBERS = ["5", "12", "2025", "18.22%", "1200", "３", "１２", "3+1+3", "5G"]
PUNCTUATION = ["，", "、", "：", "；", "“", "”", "《", "》", "（", "）", ",", ";", ":", "——", "·"]
TERMINALS = ["。", "！", "？", ".", "!", "?", "…", "。”", "）"]
MARKERS = ["（下转第4版）", "(下转第2版)", "（转第三版）"]
JUMP_LINES = MARKERS + ["See BRIDGE, Page A4", "Continued on Page 4"]
# Words that print splits anywhere, with a soft hyphen: "digiti-" / "zation".
SOFT_SPLIT_WORDS = [
    "digitization",
    "government",
    "development",
    "information",
    "community",
    "education",
    "important",
    "transportation",
    "yesterday",
    "announced",
    "provincial",
    "construction",
]
HYPHEN_CHARS = ["-", "\u2010", "\u00ad"]  # as OCR reads a line-end hyphen (a subset of LINE_HYPHENS)
NAMES = ["王晶", "雷昊", "王文安", "梁生仁"]


_CACHE: dict = {}


def pick(draw, options):
    """One of ``options``, shrinking towards the first. (Strategies are built once: building and validating
    them anew in every example would cost more than running repair.)"""
    key = ("pick", tuple(options))
    if key not in _CACHE:
        _CACHE[key] = st.sampled_from(options)
    return draw(_CACHE[key])


def count(draw, lo: int, hi: int) -> int:
    key = ("count", lo, hi)
    if key not in _CACHE:
        _CACHE[key] = st.integers(lo, hi)
    return draw(_CACHE[key])


def hyphen_split(draw) -> tuple[str, str]:
    """A word broken at a line-end hyphen: (end of this line, start of the next)."""
    hyphen = pick(draw, HYPHEN_CHARS)
    if pick(draw, [False, True]):  # a soft split of a real word, anywhere in it
        word = pick(draw, SOFT_SPLIT_WORDS)
        k = count(draw, 2, len(word) - 2)
        return word[:k] + hyphen, word[k:]
    word = pick(draw, HYPHENATED_WORDS)  # a real compound, broken after one of its hyphens
    parts = word.split("-")
    k = count(draw, 1, len(parts) - 1)
    return "-".join(parts[:k]) + hyphen, "-".join(parts[k:])


FLAVORS = ("zh", "en", "mixed")
# One draw per token: a flavor's vocabulary in one list, its commonest kind first (examples shrink to it).
TOKENS = {
    "zh": CJK_PHRASES + NUMBERS + PUNCTUATION + LATIN_WORDS[:8],
    "en": LATIN_WORDS + NUMBERS + [",", ";", ":", "(", ")"],
    "mixed": [t for pair in zip(CJK_PHRASES, LATIN_WORDS * 10) for t in pair] + NUMBERS + PUNCTUATION,
}


def run_of_text(draw, flavor: str, max_tokens: int = 4) -> str:
    words = [pick(draw, TOKENS[flavor]) for _ in range(count(draw, 1, max_tokens))]
    out = ""
    for w in words:
        sep = " " if flavor == "en" else pick(draw, ["", " "]) if flavor == "mixed" else ""
        out += w if not out or w in ",;:)" else sep + w
    return out


def phrase(draw, flavor: str, n_max: int = 3) -> str:
    if flavor != "en":
        return "".join(pick(draw, CJK_PHRASES) for _ in range(count(draw, 1, n_max)))
    return " ".join(pick(draw, LATIN_WORDS).capitalize() for _ in range(count(draw, 1, n_max)))


# --- page specs: plain data, drawn with lists so that hypothesis shrinks by deleting whole articles, blocks
# and lines; `build_page` lays them out.

EM = 30  # body line height, px
PITCH = 40  # body line grid
PAGE_W = 2400
LEFT, RIGHT = 100, 2300
GUTTER = 40
# A body line's indent and how far short of the column's right edge it ends, px (one draw; shrinks to 0, 0).
INDENT_SHORT = [(i, s) for i in (0, 4, 0, 60, 0, 35) for s in (0, 6, 200, 0, 45)]
# How a body line ends, and whether OCR left a space after it.
ENDINGS = [(e, t) for e in ("", "terminal", "hyphen", "", "marker", "bare hyphen") for t in ("", "", " ")]


@dataclass(frozen=True)
class LineSpec:
    text: str  # as the line prints it, ending in a hyphen if it breaks a word
    carry: str  # the rest of that word, which opens the next line of the flow
    indent: int
    short: int


@dataclass(frozen=True)
class BlockSpec:
    lines: tuple[LineSpec, ...]
    column_box: bool  # the block's box is its column's width, else the union of its lines
    intertitle: tuple[str, ...] = ()  # lines of an intertitle set above the block (not before the first)


@dataclass(frozen=True)
class ArticleSpec:
    flavor: str  # zh, en (a Latin article, language "en") or mixed
    kicker: str | None
    headline: tuple[str, ...]
    subtitle: str | None
    byline: str | None
    display: tuple[int, bool]  # inset of display lines from the page edges, and whether their box spans the page
    columns: int
    body: tuple[BlockSpec, ...]


def _line_spec(flavor: str):
    @st.composite
    def line(draw) -> LineSpec:
        here = pick(draw, [flavor, flavor, "mixed"])
        text, carry = run_of_text(draw, here), ""
        ending, trailing = pick(draw, ENDINGS)
        if ending == "terminal":
            text += pick(draw, TERMINALS)
        elif ending == "marker":
            text += pick(draw, MARKERS)
        elif ending == "hyphen":
            left, carry = hyphen_split(draw)
            text += ("" if here == "zh" else " ") + left
        elif ending == "bare hyphen":  # a hyphen after whatever the line ends with: "记者-", "5-"
            text += pick(draw, HYPHEN_CHARS)
        indent, short = pick(draw, INDENT_SHORT)
        return LineSpec(text + trailing, carry, indent, short)  # OCR may leave a trailing space

    return line()


def _intertitle(flavor: str, jump_lines: bool):
    @st.composite
    def intertitle(draw) -> tuple[str, ...]:
        kind = pick(draw, ["none", "none", "none", "none", "phrase", "jump line" if jump_lines else "phrase"])
        if kind == "phrase":
            return tuple(run_of_text(draw, "en" if flavor == "en" else "zh", 2) for _ in range(count(draw, 1, 2)))
        if kind == "jump line":  # a continuation marker set in display type, which layout took for an intertitle
            marker = pick(draw, JUMP_LINES)
            cut = count(draw, 0, len(marker) - 1)
            return (marker,) if cut == 0 else (marker[:cut], marker[cut:])
        return ()

    return intertitle()


LINES = {f: st.lists(_line_spec(f), min_size=1, max_size=8).map(tuple) for f in FLAVORS}
BODIES = {
    (f, jump): st.lists(
        st.builds(BlockSpec, LINES[f], st.booleans(), _intertitle(f, jump)), min_size=1, max_size=4
    ).map(tuple)
    for f in FLAVORS
    for jump in (False, True)
}


@st.composite
def article_specs(draw, jump_lines: bool) -> ArticleSpec:
    flavor = pick(draw, FLAVORS)
    kicker = phrase(draw, flavor) if pick(draw, [False, True]) else None
    headline = tuple(phrase(draw, flavor) for _ in range(count(draw, 1, 2)))
    if len(headline) == 2 and pick(draw, [False, True]):  # a word broken at a hyphen in display type
        left, right = hyphen_split(draw)
        sep = "" if flavor == "zh" else " "
        headline = (headline[0] + sep + left, right + sep + headline[1])
    subtitle = "——" + phrase(draw, flavor) if pick(draw, [False, True]) else None
    byline = None
    if pick(draw, [False, True]):
        byline = "By John Smith" if flavor == "en" else "本报记者 " + pick(draw, NAMES)
    display = (pick(draw, [0, 300, 40]), pick(draw, [False, True]))
    return ArticleSpec(
        flavor, kicker, headline, subtitle, byline, display, count(draw, 1, 3), draw(BODIES[flavor, jump_lines])
    )


PAGE_SPECS = {jump: st.lists(article_specs(jump), min_size=1, max_size=3).map(tuple) for jump in (False, True)}


def _line(text: str, x0: int, y: int, x1: int, h: int) -> Line:
    return Line(text, (x0, y, x1, y + h), 1.0)


def _block(
    bid: str, role: Role, lines: list[Line], across: tuple[int, int] | None, lang: str, column: int = -1
) -> Block:
    x0 = across[0] if across else min(line.box[0] for line in lines)
    x1 = across[1] if across else max(line.box[2] for line in lines)
    y0, y1 = min(line.box[1] for line in lines), max(line.box[3] for line in lines)
    return Block(bid, role, (x0, y0, x1, y1), lines, language=lang, column=column)


def build_page(spec: tuple[ArticleSpec, ...]) -> Page:
    """Articles down the page: the heading group across it, then the body blocks in columns side by side,
    filled in reading order, each block's lines on a grid inside it."""
    y, blocks, articles = 100, [], []
    for k, a in enumerate(spec):
        aid, lang, mine = f"a{k}", "en" if a.flavor == "en" else "zh", []
        inset, spans = a.display

        def display(role: Role, texts, h: int) -> None:
            nonlocal y
            lines = []
            for text in texts:
                lines.append(_line(text, LEFT + inset, y, RIGHT - inset, h))  # noqa: B023 (called in this iteration)
                y += h + 10
            y += 20
            mine.append(_block(f"{aid}-{role.value}", role, lines, (LEFT, RIGHT) if spans else None, lang))  # noqa: B023

        if a.kicker:
            display(Role.KICKER, [a.kicker], 40)
        display(Role.HEADLINE, a.headline, 70)
        if a.subtitle:
            display(Role.SUBTITLE, [a.subtitle], 40)
        if a.byline:
            display(Role.BYLINE, [a.byline], EM)
        n = len(a.body)
        cols = min(a.columns, n)
        col_w = (RIGHT - LEFT - GUTTER * (cols - 1)) // cols
        col_y = [y] * cols
        carry = ""
        for j, b in enumerate(a.body):
            col = j * cols // n
            cx0 = LEFT + col * (col_w + GUTTER)
            cx1 = cx0 + col_w
            if j > 0 and b.intertitle:
                lines = []
                for text in b.intertitle:
                    lines.append(_line(text, cx0 + 20, col_y[col], cx1 - 20, 40))
                    col_y[col] += 50
                mine.append(_block(f"{aid}-i{j}", Role.INTERTITLE, lines, None, lang, col))
                col_y[col] += 10
            lines = []
            for ls in b.lines:
                text = carry + (" " if carry and a.flavor == "en" else "") + ls.text if carry else ls.text
                carry = ls.carry
                x0 = cx0 + ls.indent
                lines.append(_line(text, x0, col_y[col], max(x0 + 10, cx1 - ls.short), EM))
                col_y[col] += PITCH
            col_y[col] += 20
            mine.append(_block(f"{aid}-b{j}", Role.BODY, lines, (cx0, cx1) if b.column_box else None, lang, col))
        y = max(col_y) + 60
        for b in mine:
            b.article_id = aid
        blocks += mine
        articles.append(Article(aid, mine, order=k))
    for order, b in enumerate(blocks):
        b.order = order
    return Page(
        1,
        PAGE_W,
        y + 100,
        PageSource("generated.png", 0, "image", ""),
        blocks=blocks,
        articles=articles,
        text_size_px=float(EM),
        in_source_coordinates=True,
    )


class Case:
    """A generated page: ``fresh()`` builds it anew (repair changes a page in place). Hypothesis prints a
    falsifying example as a compact listing of the page."""

    def __init__(self, spec: tuple[ArticleSpec, ...]):
        self.spec = spec
        self.page = build_page(spec)  # never repaired: the lines as generated

    def fresh(self) -> Page:
        return build_page(self.spec)

    def __repr__(self) -> str:
        return "\n" + describe(self.page)

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))


def pages(jump_lines: bool = False) -> st.SearchStrategy[Case]:
    """Pages as above; with ``jump_lines``, an intertitle is at times a continuation marker ("（下转第4版）",
    "See BRIDGE, Page A4", on one line or broken over two), which repair retypes as a continuation."""
    return PAGE_SPECS[jump_lines].map(Case)


def describe(page: Page) -> str:
    out = []
    for article in page.articles:
        out.append(f"article {article.id}")
        for b in article.blocks:
            out.append(f"  {b.id} {b.role.value} box={b.box} lang={b.language} col={b.column}")
            for line in b.lines:
                join = f"  -> {line.join.kind.value}: {line.join.evidence}" if line.join else ""
                out.append(f"    {line.box} {line.text!r}{join}")
    return "\n".join(out)


# --- helpers ---------------------------------------------------------------------------------------------


def non_space(text: str) -> str:
    return "".join(text.split())


def flow(article: Article) -> list[tuple[Line, Block]]:
    return [(line, block) for block in article.blocks if block.role.has_text for line in block.lines]


def snapshot(page: Page):
    """Everything repair decides: each line's text and join, the paragraphs, markers, metadata, the text."""
    joins = [
        (b.id, b.role, i, line.text, *((line.join.kind, line.join.evidence) if line.join else (None, None)))
        for b in page.blocks
        for i, line in enumerate(b.lines)
    ]
    paras = [[(p.role, p.text, p.block_ids) for p in article_paragraphs(a)] for a in page.articles]
    markers = [[(c.direction, c.page, c.marker, c.block_id) for c in a.continuations] for a in page.articles]
    return joins, paras, markers, dict(page.metadata), page.label, page_text(page, "original")


def first_difference(got: str, want: str) -> str:
    k = next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))
    at = slice(max(0, k - 15), k + 15)
    return f"first difference at {k}: got …{got[at]!r}…, want …{want[at]!r}…"


# The export's documented formatting: half-width digits and letters, ASCII ,:;() written full width in the
# "original" profile, OCR's bracket variants around a continuation marker written as parentheses.
_BRACKETS = str.maketrans({"【": "(", "〔": "(", "[": "(", "】": ")", "〕": ")", "]": ")"})


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", non_space(text)).translate(_BRACKETS)


def explain(page: Page) -> None:
    """The page, repaired, in hypothesis's report of a failing example (explicit examples have no report)."""
    try:
        note(describe(page))
    except InvalidArgument:
        pass


# --- properties ------------------------------------------------------------------------------------------


def check_idempotent(case: Case) -> None:
    page = repair(case.fresh())
    once = snapshot(page)
    explain(page)
    assert snapshot(repair(page)) == once
    assert snapshot(join_lines(page)) == once
    # join_lines alone, on a page whose roles repair has settled, decides the same twice and the same as repair
    fresh = case.fresh()
    type_jump_lines(fresh)
    join_lines(fresh)
    joins = [(line.join.kind, line.join.evidence) if line.join else None for line in fresh.lines()]
    assert [(line.join.kind, line.join.evidence) if line.join else None for line in join_lines(fresh).lines()] == joins
    assert joins == [(kind, evidence) if kind else None for *_, kind, evidence in once[0]]


@PROPERTY
@given(pages())
def test_repair_and_join_lines_are_idempotent(case):
    check_idempotent(case)


@PROPERTY
@given(pages(jump_lines=True))
def test_repair_keeps_every_non_space_character(case):
    page = repair(case.fresh())
    explain(page)
    # Repair changes no line's text, except an OCR-read subtitle dash written as printed (none generated here).
    assert [line.text for line in page.lines()] == [line.text for line in case.page.lines()]
    for article in page.articles:
        want = ""
        for line, _ in flow(article):
            chars = non_space(line.text)
            if line.join is not None and line.join.kind is JoinKind.HYPHEN:
                assert chars[-1:] in LINE_HYPHENS, f"hyphen join after a line not ending in a hyphen: {line.text!r}"
                chars = chars[:-1]  # the one character a join may drop
            want += chars
        got = "".join(non_space(p.text) for p in article_paragraphs(article))
        assert got == want, f"article {article.id}: {first_difference(got, want)}"


def check_export(case: Case) -> None:
    page = repair(case.fresh())
    explain(page)
    paras = [p for a in page.articles for p in article_paragraphs(a)]
    out = page_text(page, "original")
    assert out.endswith("\n") and not out.endswith("\n\n")
    written = out[:-1].split("\n\n")
    assert len(written) == len(paras), written
    prefix = {Role.HEADLINE: "## ", Role.KICKER: "### ", Role.INTERTITLE: "### "}
    for para, line in zip(paras, written):
        head = prefix.get(para.role, "")
        assert line.startswith(head) and not (not head and line.startswith("#")), (para.role, line)
        assert "\n" not in line
        assert fold(line[len(head) :]) == fold(para.text), (
            f"{para.block_ids}: {first_difference(fold(line[len(head) :]), fold(para.text))}"
        )


@PROPERTY
@given(pages())
def test_text_export_keeps_every_paragraph_and_character(case):
    check_export(case)


@PROPERTY
@given(pages(jump_lines=True))
def test_repair_never_joins_across_a_heading_or_an_article(case):
    page = repair(case.fresh())
    explain(page)
    role_of = {b.id: b.role for b in page.blocks}
    for article in page.articles:
        own = {b.id for b in article.blocks}
        for para in article_paragraphs(article):
            assert set(para.block_ids) <= own, f"paragraph of {article.id} holds another article's text: {para}"
            roles = {role_of[b] for b in para.block_ids}
            if len(para.block_ids) > 1:
                assert not roles & HEADING_ROLES, f"paragraph runs across a heading block: {para}"
        blocks = [b for b in article.blocks if b.role.has_text and b.lines]
        for prev, nxt in zip(blocks, blocks[1:]):
            if prev.role in HEADING_ROLES or nxt.role in HEADING_ROLES or prev.role is not nxt.role:
                last = prev.lines[-1]
                assert last.join is not None and last.join.kind is JoinKind.BREAK, (
                    f"{prev.id} ({prev.role.value}) -> {nxt.id} ({nxt.role.value}): {last.join}"
                )
        assert flow(article)[-1][0].join is None, f"last line of {article.id} has a join"
    # in the written text each headline stands alone, under its ## mark
    written = page_text(page, "original")[:-1].split("\n\n")
    for article in page.articles:
        for head in article.blocks_with_role(Role.HEADLINE):
            (para,) = [p for p in article_paragraphs(article) if head.id in p.block_ids]
            assert para.block_ids == [head.id]
            assert any(w.startswith("## ") and fold(w[3:]) == fold(para.text) for w in written), para


@PROPERTY
@given(pages(jump_lines=True))
def test_every_join_is_decided_with_evidence(case):
    page = repair(case.fresh())
    explain(page)
    in_flow = set()
    for article in page.articles:
        lines = flow(article)
        for k, (line, block) in enumerate(lines):
            in_flow.add(id(line))
            if k + 1 < len(lines):
                assert line.join is not None, f"{block.id}: no join after {line.text!r}"
                assert isinstance(line.join.kind, JoinKind)
                assert isinstance(line.join.evidence, str) and line.join.evidence.strip(), (
                    f"{block.id}: {line.join.kind} without evidence after {line.text!r}"
                )
            else:
                assert line.join is None
    assert all(id(line) in in_flow or line.join is None for line in page.lines())


# --- regressions: minimal examples the properties found ------------------------------------------------
# A jump line set in display type (an intertitle to layout) is typed as a continuation before the joins are
# decided, so a second repair decides the same; broken over two lines ("（下" / "转第4版）") it is written
# whole, without an added bracket.


def _jump_line_page(*lines: str) -> Case:
    block = BlockSpec((LineSpec("亿元", "", 0, 0),), True)
    after = BlockSpec((LineSpec("亿元", "", 0, 0),), True, intertitle=lines)
    return Case((ArticleSpec("zh", None, ("亿元",), None, None, (0, True), 1, (block, after)),))


@PROPERTY
@given(pages(jump_lines=True))
def test_repair_is_idempotent_with_jump_lines_typed_as_intertitles(case):
    check_idempotent(case)


@pytest.mark.parametrize("lines", [("（下转第4版）",), ("（下", "转第4版）")])
def test_jump_line_typed_as_intertitle_minimal_idempotence(lines):
    # minimal example hypothesis found: headline 亿元 / body 亿元 / intertitle （下转第4版） / body 亿元
    check_idempotent(_jump_line_page(*lines))


def test_jump_line_typed_as_intertitle_minimal_export():
    # minimal example hypothesis found: the intertitle's lines "（下" / "转第4版）", written "（下（转第4版）"
    check_export(_jump_line_page("（下", "转第4版）"))


# A subtitle dash as OCR reads it ("—一", "— —") is written "——", no character added.
@pytest.mark.parametrize("dash", ["——", "—", "一一", "一—", "--", "—— ", "—一", "— —"])
def test_subtitle_dash_as_ocr_reads_it_is_written_as_printed(dash):
    spec = ArticleSpec(
        "zh", None, ("亿元",), dash + "深入贯彻", None, (0, True), 1, (BlockSpec((LineSpec("亿元", "", 0, 0),), True),)
    )
    page = repair(build_page((spec,)))
    (subtitle,) = page.articles[0].blocks_with_role(Role.SUBTITLE)
    assert subtitle.lines[0].text == "——深入贯彻"
    assert snapshot(repair(page)) == snapshot(repair(build_page((spec,))))


# In CJK text the Latin word either side of a line-end hyphen is looked up without the CJK characters glued
# to it ("使用well-" / "known的方法" → "well-known").
def test_real_compounds_keep_their_hyphen_inside_cjk_text():
    spec = ArticleSpec(
        "mixed",
        None,
        ("亿元",),
        None,
        None,
        (0, True),
        1,
        (BlockSpec((LineSpec("使用well-", "known", 0, 0), LineSpec("的方法", "", 0, 0)), True),),
    )
    page = repair(build_page((spec,)))
    assert page_text(page, "original").endswith("使用well-known的方法\n")
    dropped = [
        w
        for w in HYPHENATED_WORDS
        for k in range(1, w.count("-") + 1)
        if text_join("使用" + "-".join(w.split("-")[:k]) + "-", "-".join(w.split("-")[k:]) + "的方法").kind
        is JoinKind.HYPHEN
    ]
    assert dropped == []
