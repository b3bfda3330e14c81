#!/usr/bin/env python3
"""Render the reference corpus page as a synthetic Chinese broadsheet front page.

Outputs (in --out):
  jinzhong-front-clean.png      clean 300 dpi grayscale render
  jinzhong-front-scan.jpg       the same page with simulated scan degradation
  jinzhong-front.gt.txt         expected text output (corpus format, reference artefacts repaired)
  jinzhong-front-clean.gt.json  layout ground truth (articles, blocks, lines, rules) for the clean image
  jinzhong-front-scan.gt.json   the same, boxes mapped through the scan's rotation

Pipeline: corpus text -> text model (articles of typed paragraphs) -> typesetting (line breaking
on a fixed em grid) -> page layout (a data-driven tree of vertical stacks / column splits) ->
drawing -> scan degradation -> ground truth.  Everything is deterministic.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

DEFAULT_CORPUS = Path("/work/shared/corpus/000_4ecdb1c1648377d6.txt")
FONT_DIR = Path("/usr/share/fonts/opentype/noto")
STEM = "jinzhong-front"
MAX_SCAN_BYTES = 5_000_000  # keep the sample small enough for the repository

# ---------------------------------------------------------------------------------------------
# Page geometry (300 dpi).  Body text sits on a fixed grid: 16 ems of 38 px per column.
DPI = 300
PAGE_W, PAGE_H = 4100, 5800
NCOLS = 6
EM = 38  # body glyph size (~9 pt at 300 dpi)
COL_CHARS = 16
COL_W = COL_CHARS * EM  # 608
GUTTER = 40
MARGIN_X = (PAGE_W - (NCOLS * COL_W + (NCOLS - 1) * GUTTER)) // 2
MARGIN_TOP, MARGIN_BOTTOM = 100, 110
HEADER_RULE_Y, HEADER_RULE_T = 282, 10  # thick rule under the page header strip
BODY_TOP = HEADER_RULE_Y + HEADER_RULE_T + 40
BODY_BOTTOM = PAGE_H - MARGIN_BOTTOM
HEADER_RULE_X0 = MARGIN_X
RULE_T = 3  # thin rules between articles
STACK_GAP = 34  # whitespace on each side of a horizontal rule between articles
READING_ORDER_TOL = 50  # article tops within this many px count as the same row

PAGE_HEADER = {
    "masthead": "晋中日报",
    "dateline": "2025年12月11日　星期四　　第1版",
    "text": "晋中日报 2025年12月11日 星期四 第1版",
}

# The seven places where the reference split a paragraph at a region boundary (corpus README).
ARTEFACT_JOINS = [
    ("将全", "面学习"),
    ("一期投产、", "二期项目"),
    ("稳健发", "展"),
    ("乡村全", "面振兴"),
    ("游", "客"),
    ("晋中一院", "高度重视"),
    ("颌面修", "复重建"),
]

# Page layout: a tree of vertical stacks ("v") and column splits ("h": column counts per child).
# Leaves place one article; headline_px sets its headline size, grow its share of vertical slack.
PAGE_LAYOUT = {
    "v": [
        {"article": "a1", "headline_px": 118, "grow": 1},
        {
            "h": [3, 3],
            "grow": 4,
            "children": [
                {"v": [{"article": "a2", "headline_px": 88}, {"article": "a5", "headline_px": 96}]},
                {"v": [{"article": "a3", "headline_px": 92}, {"article": "a4", "headline_px": 96}]},
            ],
        },
        # bottom band: the photo sits level with the last article, right of it, so it reads last
        {
            "h": [3, 3],
            "grow": 0,
            "children": [
                {"article": "a6", "headline_px": 80},
                {"article": "a7", "photo_aspect": 0.45},
            ],
        },
    ]
}


# ---------------------------------------------------------------------------------------------
# Fonts and text styles
@functools.cache
def font(file: str, size: int) -> ImageFont.FreeTypeFont:
    """The Simplified Chinese face of a Noto CJK collection (face index found by name, not assumed)."""
    path = FONT_DIR / file
    for idx in range(10):
        f = ImageFont.truetype(str(path), size, index=idx)
        if f.getname()[0].endswith("CJK SC"):
            return f
    raise RuntimeError(f"no SC face in {path}")


@dataclass(frozen=True)
class Style:
    file: str
    size: int
    pitch: int  # line advance in px

    @property
    def font(self):
        return font(self.file, self.size)


SERIF, SERIF_BOLD = "NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc"
SANS, SANS_MED, SANS_BOLD, SANS_BLACK = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJK-Medium.ttc",
    "NotoSansCJK-Bold.ttc",
    "NotoSansCJK-Black.ttc",
)
BODY = Style(SERIF, EM, round(EM * 1.45))
BYLINE = Style(SANS_BOLD, 40, 72)
INTERTITLE = Style(SANS_BOLD, 43, 60)
INTERTITLE_PAD = (20, 16)  # space above / below an intertitle inside a column
KICKER = Style(SERIF_BOLD, 50, 66)
SUBTITLE = Style(SANS_MED, 46, 62)
CAPTION = Style(SANS, 34, 48)


def headline_style(px: int) -> Style:
    return Style(SANS_BLACK, px, round(px * 1.22))


# ---------------------------------------------------------------------------------------------
# Text model: corpus format -> articles of typed paragraphs
@dataclass
class Para:
    role: str  # kicker|headline|subtitle|byline|body|intertitle|caption
    text: str  # corpus format, without the '## ' / '### ' markup

    def corpus(self) -> str:
        prefix = {"headline": "## ", "kicker": "### ", "intertitle": "### "}.get(self.role, "")
        return prefix + self.text


@dataclass
class Article:
    id: str
    paras: list[Para] = field(default_factory=list)

    def first(self, role):
        return next((p for p in self.paras if p.role == role), None)

    @property
    def flow(self):  # paragraphs set in the body columns
        return [p for p in self.paras if p.role in ("byline", "body", "intertitle")]

    @property
    def continuation(self):
        body = [p for p in self.paras if p.role == "body"]
        m = re.search(r"\(下转第(\d+)版\)$", body[-1].text) if body else None
        return {"direction": "forward", "page": int(m.group(1))} if m else None


def corpus_paragraphs(raw: str) -> list[str]:
    return [p for p in raw.strip("\n").split("\n\n") if p.strip()]


def repair_artefacts(paras: list[str]) -> list[str]:
    """Join the paragraph pairs the reference split at region boundaries (README, Known artefacts)."""
    out, joined = [], 0
    for p in paras:
        if out and any(out[-1].endswith(a) and p.startswith(b) for a, b in ARTEFACT_JOINS):
            out[-1] += p
            joined += 1
        else:
            out.append(p)
    assert joined == len(ARTEFACT_JOINS), f"expected {len(ARTEFACT_JOINS)} artefact joins, got {joined}"
    return out


BYLINE_RE = re.compile(r"^本报(评论员|记者 \S+)$")


def parse_articles(paras: list[str]) -> list[Article]:
    """Group corpus paragraphs into articles; a kicker ('### ' directly before '## ') opens one too."""
    arts: list[Article] = []
    for i, p in enumerate(paras):
        nxt = paras[i + 1] if i + 1 < len(paras) else ""
        if p.startswith("### ") and nxt.startswith("## "):
            arts.append(Article(f"a{len(arts) + 1}", [Para("kicker", p[4:])]))
        elif p.startswith("## "):
            if not (arts and arts[-1].paras[-1].role == "kicker"):
                arts.append(Article(f"a{len(arts) + 1}"))
            arts[-1].paras.append(Para("headline", p[3:]))
        elif p.startswith("### "):
            arts[-1].paras.append(Para("intertitle", p[4:]))
        elif p.endswith(" 摄"):  # photo caption: the photo + caption form an article of their own
            arts.append(Article(f"a{len(arts) + 1}", [Para("caption", p)]))
        elif p.startswith("——") and arts[-1].paras[-1].role == "headline":
            arts[-1].paras.append(Para("subtitle", p))
        elif BYLINE_RE.match(p):
            arts[-1].paras.append(Para("byline", p))
        else:
            arts[-1].paras.append(Para("body", p))
    return arts


def gt_text(arts: list[Article]) -> str:
    return "\n\n".join(p.corpus() for a in arts for p in a.paras) + "\n"


# ---------------------------------------------------------------------------------------------
# Punctuation: corpus format <-> print
TO_PRINT = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", " ": "\u3000"}
TO_CORPUS = {v: k for k, v in TO_PRINT.items()}


def print_units(text: str) -> list[tuple[str, str]]:
    """(printed char, corpus substring) pairs; the concatenated substrings give back `text` exactly.

    A space before '(' (`本报讯 (记者…)`, `… (下转第4版)`) disappears in print: the full-width
    parenthesis carries its own spacing.  Other spaces print as a full-width space.
    """
    units, i = [], 0
    while i < len(text):
        if text.startswith(" (", i):
            units.append(("（", " ("))
            i += 2
        else:
            units.append((TO_PRINT.get(text[i], text[i]), text[i]))
            i += 1
    return units


def to_print(text: str) -> str:
    return "".join(p for p, _ in print_units(text))


def to_corpus(printed: str) -> str:
    """Inverse of to_print for the conventions of the corpus (used by OCR output writers)."""
    out = []
    for i, ch in enumerate(printed):
        if ch == "（" and i > 0 and (printed.endswith("本报讯", 0, i) or printed.startswith(("下转", "上接"), i + 1)):
            out.append(" (")
        else:
            out.append(TO_CORPUS.get(ch, ch))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# Typesetting: tokens on an em grid, kinsoku line breaking, justification
NO_START = set("，。、；：？！）》”’…—·%」』〉】\u3000")  # may not begin a line
NO_END = set("（《“‘「『〈【")  # may not end a line
ASCII_WORD = re.compile(r"[0-9A-Za-z.%/+\-]")


@dataclass
class Glyph:
    ch: str  # printed
    src: str  # corpus substring
    x: float  # offset from the line start
    w: float  # advance


@dataclass
class Line:
    glyphs: list[Glyph]
    style: Style
    para: int = -1  # index of the paragraph in its article (-1: not body flow)
    first: bool = True  # first line of its paragraph
    x: float = 0.0  # absolute position of the em box (set by layout)
    y: float = 0.0
    block: str = ""

    @property
    def text(self):
        return "".join(g.ch for g in self.glyphs)

    @property
    def src(self):
        return "".join(g.src for g in self.glyphs)

    @property
    def width(self):
        return self.glyphs[-1].x + self.glyphs[-1].w if self.glyphs else 0

    def box(self):
        return [
            round(self.x + self.glyphs[0].x),
            round(self.y),
            round(self.x + self.width),
            round(self.y + self.style.size),
        ]


def advance(ch: str, style: Style) -> float:
    # CJK and full-width punctuation take one em; ASCII (digits, Latin) uses the font's advance.
    return style.font.getlength(ch) if ord(ch) < 128 else float(style.size)


def tokenize(text: str, style: Style) -> list[list[Glyph]]:
    """Unbreakable tokens: one CJK char, an ASCII run ('2025', '18.22%'), or a doubled '——'/'……'."""
    toks: list[list[Glyph]] = []
    for ch, src in print_units(text):
        g = Glyph(ch, src, 0.0, advance(ch, style))
        prev = toks[-1][-1].ch if toks else ""
        if toks and ((ASCII_WORD.match(ch) and ASCII_WORD.match(prev)) or (ch in "—…" and ch == prev)):
            toks[-1].append(g)
        else:
            toks.append([g])
    return toks


def tok_w(tok):
    return sum(g.w for g in tok)


def break_lines(toks, width: float, em: float, indent: float = 0.0) -> list[list[list[Glyph]]]:
    """Greedy breaking with Chinese kinsoku: a closing mark that would start a line is pushed into
    the previous line (compressed by justification) or, failing that, the break moves back."""
    lines, s, n = [], 0, len(toks)
    while s < n:
        avail = width - (indent if not lines else 0.0)
        e, w = s, 0.0
        while e < n and w + tok_w(toks[e]) <= avail + 0.01:
            w += tok_w(toks[e])
            e += 1
        if e == s:
            e = s + 1  # a token wider than the line: set it anyway
        if e < n and toks[e][0].ch in NO_START:
            nxt_ok = e + 1 >= n or toks[e + 1][0].ch not in NO_START
            if tok_w(toks[e]) <= em and nxt_ok and toks[e - 1][-1].ch not in NO_END:
                e += 1  # hanging-in: one punctuation mark squeezed into the line
        while s + 1 < e < n and (toks[e][0].ch in NO_START or toks[e - 1][-1].ch in NO_END):
            e -= 1
        lines.append(toks[s:e])
        s = e
    return lines


def set_lines(tok_lines, style: Style, width: float, indent: float = 0.0, align: str = "justify") -> list[Line]:
    """Position glyphs. Justified lines spread (or, after hanging-in, squeeze) slack between tokens;
    final lines stay ragged unless they overflow."""
    out = []
    for li, toks in enumerate(tok_lines):
        x0 = indent if li == 0 else 0.0
        natural = sum(tok_w(t) for t in toks)
        last = li == len(tok_lines) - 1
        slack = width - x0 - natural
        spread = 0.0
        if len(toks) > 1 and ((align == "justify" and not last) or slack < 0):
            spread = slack / (len(toks) - 1)
        if align == "center":
            x0 = max(0.0, slack / 2)
        x, glyphs = x0, []
        for t in toks:
            for g in t:
                glyphs.append(Glyph(g.ch, g.src, x, g.w))
                x += g.w
            x += spread
        out.append(Line(glyphs, style))
    return out


def set_paragraph(text: str, style: Style, width: float, indent_em: float = 0, align="justify") -> list[Line]:
    toks = tokenize(text, style)
    indent = indent_em * style.size
    return set_lines(break_lines(toks, width, style.size, indent), style, width, indent, align)


def set_display(text: str, style: Style, width: float) -> list[Line]:
    """Display type (headlines, kickers, intertitles): centred lines; break at the phrase spaces first
    so each printed line is a whole phrase, and only break inside a phrase if one is too wide."""
    phrases = text.split(" ")
    lines, cur = [], ""
    for ph in phrases:
        cand = f"{cur} {ph}" if cur else ph
        if cur and sum(tok_w(t) for t in tokenize(cand, style)) > width:
            lines.append(cur)
            cur = ph
        else:
            cur = cand
    lines.append(cur)
    out = []
    for ln in lines:
        toks = tokenize(ln, style)
        out += set_lines(break_lines(toks, width, style.size), style, width, align="center")
    return out


# ---------------------------------------------------------------------------------------------
# Article typesetting and column flow
def col_x(c: int) -> int:
    return MARGIN_X + c * (COL_W + GUTTER)


def span_w(ncols: int) -> int:
    return ncols * COL_W + (ncols - 1) * GUTTER


@dataclass
class Unit:
    """An unbreakable piece of column flow (one body line, a byline, a whole intertitle)."""

    kind: str
    lines: list[Line]
    h: int
    pad_top: int = 0
    keep_next: bool = False


def flow_units(
    art: Article,
    col_w: int = COL_W,
    body: Style = BODY,
    byline: Style = BYLINE,
    intertitle: Style = INTERTITLE,
    pad: tuple[int, int] = INTERTITLE_PAD,
) -> list[Unit]:
    """The article's column flow; the styles and column width default to this page's (families scale them)."""
    units = []
    for pi, p in enumerate(art.paras):
        if p.role == "byline":
            ln = set_paragraph(p.text, byline, col_w, align="left")
            new = [Unit("byline", [l], byline.pitch) for l in ln]
        elif p.role == "intertitle":  # kept with the line after it, never alone at a column foot
            ln = set_display(p.text, intertitle, col_w)
            new = [Unit("intertitle", ln, pad[0] + len(ln) * intertitle.pitch + pad[1], pad_top=pad[0], keep_next=True)]
        elif p.role == "body":
            ln = set_paragraph(p.text, body, col_w, indent_em=2)
            new = [Unit("body", [l], body.pitch) for l in ln]
        else:
            continue
        for li, l in enumerate(ln):
            l.para, l.first = pi, li == 0
        units += new
    return units


def fill_columns(units: list[Unit], height: int, ncols: int):
    cols, y = [[]], 0
    for i, u in enumerate(units):
        need = u.h + (units[i + 1].h if u.keep_next and i + 1 < len(units) else 0)
        if cols[-1] and y + need > height:
            cols.append([])
            y = 0
        cols[-1].append(u)
        y += u.h
    return cols if len(cols) <= ncols else None


def balance_columns(units: list[Unit], ncols: int) -> tuple[int, list[list[Unit]]]:
    """Smallest column height that takes all the flow: columns end (nearly) level, as in print."""
    h = max(max(u.h for u in units), sum(u.h for u in units) // ncols)
    while (cols := fill_columns(units, h, ncols)) is None:
        h += 1
    return h, cols


@dataclass
class Placed:
    """An article laid out in a rectangle; lines carry absolute positions."""

    art: Article
    box: list[int]
    col0: int
    ncols: int
    head: list[tuple[str, list[Line]]] = field(default_factory=list)  # (role, lines)
    columns: list[list[Unit]] = field(default_factory=list)
    photo: list[int] | None = None


class ArticleSetter:
    """Measures and places one article for a given column span."""

    def __init__(self, art: Article, ncols: int, headline_px: int = 90, photo_aspect: float = 0.55):
        self.art, self.ncols, self.w = art, ncols, span_w(ncols)
        self.head: list[tuple[str, list[Line], int]] = []  # (role, lines, gap after)
        hl = headline_style(headline_px)
        for p in art.paras:
            if p.role == "kicker":
                self.head.append(("kicker", set_display(p.text, KICKER, self.w - 2 * EM), 14))
            elif p.role == "headline":
                self.head.append(("headline", set_display(p.text, hl, self.w - 2 * EM), 22))
            elif p.role == "subtitle":
                self.head.append(("subtitle", set_display(p.text, SUBTITLE, self.w - 2 * EM), 22))
        self.head_h = sum(len(ls) * ls[0].style.pitch + gap for _, ls, gap in self.head) + 18
        self.caption = None
        if art.first("caption"):
            self.caption = set_paragraph(art.first("caption").text, CAPTION, self.w)
            self.col_h, self.columns = round(self.w * photo_aspect), []  # natural photo height
        else:
            self.col_h, self.columns = balance_columns(flow_units(art), ncols)

    @property
    def natural_h(self):
        if self.caption:
            return self.col_h + 16 + len(self.caption) * CAPTION.pitch
        return self.head_h + self.col_h

    def place(self, col0: int, top: int, height: int) -> Placed:
        x0 = col_x(col0)
        pl = Placed(self.art, [x0, top, x0 + self.w, top + height], col0, self.ncols)
        extra = height - self.natural_h
        if self.caption:  # the photo absorbs all the slack
            ph = self.col_h + extra
            pl.photo = [x0, top, x0 + self.w, top + ph]
            y = top + ph + 16
            for l in self.caption:
                l.x, l.y = x0, y
                y += CAPTION.pitch
            pl.head = [("caption", self.caption)]
            return pl
        # Slack: a little goes into taller columns, the rest into air around the headline.
        # Taller columns must not empty the last one: keep as many columns as the balanced fill.
        units = flow_units(self.art)
        col_extra = min(extra // 2, 2 * BODY.pitch)
        while col_extra > 0 and len(fill_columns(units, self.col_h + col_extra, self.ncols)) < len(self.columns):
            col_extra -= 1
        col_h = self.col_h + col_extra
        cols = fill_columns(units, col_h, self.ncols)
        head_extra = extra - col_extra
        y = top + round(head_extra * 0.35)
        for role, lines, gap in self.head:
            for l in lines:
                l.x, l.y = x0 + EM, y
                y += l.style.pitch
            pl.head.append((role, lines))
            y += gap
        body_top = top + height - col_h
        for ci, col in enumerate(cols):
            y = body_top
            for u in col:
                y0 = y + u.pad_top
                for l in u.lines:
                    l.x, l.y = col_x(col0 + ci), y0
                    y0 += l.style.pitch
                y += u.h
        pl.columns = cols
        return pl


# ---------------------------------------------------------------------------------------------
# Page layout over the tree of stacks and splits
class PageLayout:
    def __init__(self, spec: dict, arts: dict[str, Article]):
        self.spec, self.arts = spec, arts
        self.placed: list[Placed] = []
        self.rules: list[list[int]] = []
        self._setters: dict[str, ArticleSetter] = {}

    def setter(self, node, ncols):
        aid = node["article"]
        if aid not in self._setters:
            self._setters[aid] = ArticleSetter(
                self.arts[aid], ncols, node.get("headline_px", 90), node.get("photo_aspect", 0.55)
            )
        return self._setters[aid]

    def measure(self, node, ncols) -> int:
        if "article" in node:
            return self.setter(node, ncols).natural_h
        if "v" in node:
            kids = node["v"]
            return sum(self.measure(k, ncols) for k in kids) + (len(kids) - 1) * (2 * STACK_GAP + RULE_T)
        return max(self.measure(k, n) for k, n in zip(node["children"], node["h"]))

    def grow(self, node) -> float:
        if "grow" in node or "article" in node:
            return node.get("grow", 1)
        kids = node.get("v") or node["children"]
        return sum(self.grow(k) for k in kids)

    def place(self, node, col0, ncols, top, height):
        if "article" in node:
            self.placed.append(self.setter(node, ncols).place(col0, top, height))
        elif "v" in node:
            kids = node["v"]
            nat = [self.measure(k, ncols) for k in kids]
            slack = height - self.measure(node, ncols)
            weights = [self.grow(k) for k in kids]
            y, given = top, 0
            for i, k in enumerate(kids):
                add = round(slack * sum(weights[: i + 1]) / sum(weights)) - given if sum(weights) else 0
                given += add
                self.place(k, col0, ncols, y, nat[i] + add)
                y += nat[i] + add
                if i < len(kids) - 1:  # rule across the stack's full width
                    y += STACK_GAP
                    self.rules.append([col_x(col0), y, col_x(col0) + span_w(ncols), y + RULE_T])
                    y += RULE_T + STACK_GAP
        else:
            c = col0
            for i, (k, n) in enumerate(zip(node["children"], node["h"])):
                self.place(k, c, n, top, height)
                c += n
                if i < len(node["h"]) - 1:  # vertical rule centred in the gutter
                    xm = col_x(c) - GUTTER // 2 - RULE_T // 2
                    self.rules.append([xm, top, xm + RULE_T, top + height])

    def run(self):
        height = BODY_BOTTOM - BODY_TOP
        nat = self.measure(self.spec, NCOLS)
        if nat > height:
            raise SystemExit(f"layout does not fit: needs {nat} px, have {height} px")
        # the thick rule under the page header strip, then the article rules
        self.rules.append([HEADER_RULE_X0, HEADER_RULE_Y, PAGE_W - HEADER_RULE_X0, HEADER_RULE_Y + HEADER_RULE_T])
        self.place(self.spec, 0, NCOLS, BODY_TOP, height)
        order = {a: i for i, a in enumerate(self.arts)}
        self.placed.sort(key=lambda p: order[p.art.id])
        return self


def reading_order(placed: list[Placed]) -> list[str]:
    """Articles sorted by top (tops within READING_ORDER_TOL equal), then by left edge."""

    def cmp(a, b):
        (ax, ay), (bx, by) = a.box[:2], b.box[:2]
        if abs(ay - by) > READING_ORDER_TOL:
            return -1 if ay < by else 1
        return (ax > bx) - (ax < bx)

    return [p.art.id for p in sorted(placed, key=functools.cmp_to_key(cmp))]


# ---------------------------------------------------------------------------------------------
# Drawing
def draw_line(draw: ImageDraw.ImageDraw, line: Line):
    st, f = line.style, line.style.font
    base = line.y + 0.88 * st.size  # Noto CJK ideographic em box: 0.88 above, 0.12 below baseline
    for g in line.glyphs:
        if g.ch == "\u3000":
            continue
        x = line.x + g.x
        adv = f.getlength(g.ch)
        if g.ch == "—" and adv < g.w:  # stretch dashes over the full em so '——' is one bar
            draw.text((x + g.w - adv, base), g.ch, font=f, fill=0, anchor="ls")
        elif adv < g.w - 0.5:  # proportional glyph in a full-width cell: centre it
            x += (g.w - adv) / 2
        draw.text((x, base), g.ch, font=f, fill=0, anchor="ls")


def make_photo(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A synthetic grayscale 'photo' of an industrial control room: perspective, gradients,
    shaded shapes, grain and lens softness, so that it reads as a picture, not as text."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = 170 - 50 * (yy / h) + 18 * np.sin(xx / w * 3.1)
    floor = int(h * 0.70)
    vx, vy = int(w * 0.62), int(h * 0.42)  # vanishing point
    img[floor:] = 110 + 50 * ((yy[floor:] - floor) / (h - floor)) ** 1.5
    for k in range(-12, 13):  # floor tiles converging to the vanishing point
        x_bottom = vx + k * w // 8
        cv2.line(img, (vx + (x_bottom - vx) * (floor - vy) // (h - vy), floor), (x_bottom, h), 85.0, 3)
    for t in np.linspace(0.05, 1, 7) ** 1.7:
        cv2.line(img, (0, int(floor + t * (h - floor))), (w, int(floor + t * (h - floor))), 90.0, 2)
    for x in range(0, w, max(40, w // 12)):  # back wall windows, unevenly lit
        cv2.rectangle(img, (x + 8, int(h * 0.06)), (x + w // 14, int(h * 0.34)), float(rng.uniform(195, 240)), -1)
        cv2.line(img, (x + w // 28, int(h * 0.06)), (x + w // 28, int(h * 0.34)), 120.0, 4)
    for x in range(w // 10, w, w // 5):  # ceiling lamps with glow
        cv2.ellipse(img, (x, int(h * 0.03)), (w // 30, h // 60), 0, 0, 360, 250.0, -1)
        img += 25 * np.exp(-(((xx - x) / (w * 0.08)) ** 2 + ((yy - h * 0.03) / (h * 0.12)) ** 2))
    tx0, tx1 = int(w * 0.06), int(w * 0.34)  # storage tank, cylindrical shading
    shade = 60 + 130 * np.sin(np.linspace(0.15, np.pi - 0.15, tx1 - tx0)) ** 0.7
    img[int(h * 0.16) : floor + 20, tx0:tx1] = shade[None, :]
    cv2.ellipse(img, ((tx0 + tx1) // 2, int(h * 0.16)), ((tx1 - tx0) // 2, int(h * 0.035)), 0, 0, 360, 205.0, -1)
    for y in np.linspace(h * 0.25, h * 0.65, 5):  # tank hoops
        cv2.line(img, (tx0, int(y)), (tx1, int(y)), 50.0, 5)
    for i in range(5):  # pipes with a highlight
        y = int(h * (0.12 + 0.09 * i))
        th = int(rng.integers(14, 30))
        cv2.line(img, (tx1, y), (w, y + int(rng.uniform(-20, 20))), float(rng.uniform(50, 100)), th)
        cv2.line(img, (tx1, y - th // 4), (w, y - th // 4), 190.0, 3)
    cv2.rectangle(img, (int(w * 0.50), int(h * 0.44)), (int(w * 0.96), floor + 50), 55.0, -1)  # console
    for i in range(4):  # monitor screens showing curves
        x = int(w * (0.53 + i * 0.105))
        x1, y0, y1 = x + int(w * 0.085), int(h * 0.48), int(h * 0.60)
        cv2.rectangle(img, (x, y0), (x1, y1), 205.0, -1)
        pts = np.array([[x + j * (x1 - x) // 12, int(y1 - (y1 - y0) * (0.3 + 0.3 * np.sin(j + i)))] for j in range(13)])
        cv2.polylines(img, [pts.astype(np.int32)], False, 70.0, 3)
    for cx, s in ((int(w * 0.44), 1.0), (int(w * 0.73), 0.8)):  # two technicians, helmets and jackets
        hh = int(h * 0.5 * s)
        top = h - hh
        cv2.ellipse(img, (cx, top + int(hh * 0.08)), (int(hh * 0.075), int(hh * 0.09)), 0, 0, 360, 120.0, -1)
        cv2.ellipse(img, (cx, top + int(hh * 0.04)), (int(hh * 0.09), int(hh * 0.07)), 0, 180, 360, 240.0, -1)
        body = np.array(
            [
                [cx - int(hh * 0.2), h],
                [cx - int(hh * 0.15), top + int(hh * 0.2)],
                [cx + int(hh * 0.15), top + int(hh * 0.2)],
                [cx + int(hh * 0.2), h],
            ],
            np.int32,
        )
        cv2.fillPoly(img, [body], 40.0)
        cv2.line(
            img, (cx - int(hh * 0.17), top + int(hh * 0.45)), (cx + int(hh * 0.17), top + int(hh * 0.45)), 200.0, 8
        )
    low = cv2.resize(
        rng.normal(0, 5, (h // 80 + 2, w // 80 + 2)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
    )
    img = img + low + rng.normal(0, 6, (h, w)).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), 1.2)
    vig = 1 - 0.3 * (((xx - w / 2) / w) ** 2 + ((yy - h / 2) / h) ** 2)
    return np.clip(img * vig, 0, 255).astype(np.uint8)


def draw_page(layout: PageLayout, header_lines: list[Line], seed: int) -> Image.Image:
    img = Image.new("L", (PAGE_W, PAGE_H), 255)
    d = ImageDraw.Draw(img)
    for l in header_lines:
        draw_line(d, l)
    for r in layout.rules:
        d.rectangle([r[0], r[1], r[2] - 1, r[3] - 1], fill=0)
    rng = np.random.default_rng(seed)
    for p in layout.placed:
        if p.photo:
            x0, y0, x1, y1 = p.photo
            img.paste(Image.fromarray(make_photo(x1 - x0, y1 - y0, rng)), (x0, y0))
        for _, lines in p.head:
            for l in lines:
                draw_line(d, l)
        for col in p.columns:
            for u in col:
                for l in u.lines:
                    draw_line(d, l)
    return img


def header_lines() -> tuple[list[Line], list[int]]:
    mast = set_lines(
        [tokenize(PAGE_HEADER["masthead"], s := Style("NotoSerifCJK-Black.ttc", 150, 150))], s, 4 * 150, align="left"
    )[0]
    mast.x, mast.y = MARGIN_X, MARGIN_TOP
    date_st = Style(SANS_MED, 40, 40)
    date = set_lines([tokenize(PAGE_HEADER["dateline"], date_st)], date_st, 2000, align="left")[0]
    date.x, date.y = PAGE_W - MARGIN_X - date.width, MARGIN_TOP + 150 - 40
    box = [MARGIN_X, MARGIN_TOP, PAGE_W - MARGIN_X, MARGIN_TOP + 150]
    return [mast, date], box


# ---------------------------------------------------------------------------------------------
# Scan simulation
def simulate_scan(clean: Image.Image, seed: int, skew: float) -> tuple[Image.Image, np.ndarray]:
    """Skew, paper tone, uneven light, blur, noise and specks; returns the image and the 2x3 rotation."""
    rng = np.random.default_rng(seed + 1000)
    a = np.asarray(clean, dtype=np.float32)
    h, w = a.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew, 1.0)
    a = cv2.warpAffine(a, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255.0)
    a = 28 + a * (235 - 28) / 255  # paper grey, ink not quite black
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dist = np.sqrt((xx / w) ** 2 + ((h - yy) / h) ** 2) / np.sqrt(2)  # from the bottom-left corner
    a *= 1 - 0.15 * (1 - dist) ** 2  # ~15% darker at that corner, smooth
    a = cv2.GaussianBlur(a, (0, 0), 0.8)
    a += rng.normal(0, 8, a.shape).astype(np.float32)
    for _ in range(40):  # dust specks
        cx, cy = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.circle(a, (cx, cy), int(rng.integers(1, 4)), float(rng.uniform(40, 120)), -1)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)), m


def encode_jpeg(img: Image.Image, quality: int, max_bytes: int) -> bytes:
    """JPEG at `quality`, lowered step by step if needed to stay under max_bytes (noise is costly)."""
    while True:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality)
        if buf.tell() <= max_bytes or quality <= 50:
            return buf.getvalue()
        quality -= 2


def map_box(box, m, w, h):
    """Axis-aligned bounding box of the rotated corners of `box`."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=np.float64) @ m.T
    return [
        max(0, int(np.floor(pts[:, 0].min()))),
        max(0, int(np.floor(pts[:, 1].min()))),
        min(w, int(np.ceil(pts[:, 0].max()))),
        min(h, int(np.ceil(pts[:, 1].max()))),
    ]


# ---------------------------------------------------------------------------------------------
# Ground truth
def union(boxes):
    return [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]


def column_of(x: float) -> int:
    return max(0, min(NCOLS - 1, int((x - MARGIN_X) // (COL_W + GUTTER))))  # column holding x


def column_groups(col: list[Unit]) -> list[tuple[str, list[Line]]]:
    """A column's blocks: consecutive body lines form one; a byline or an intertitle is one of its own."""
    groups: list[tuple[str, list[Line]]] = []
    for u in col:
        if u.kind == "body" and groups and groups[-1][0] == "body":
            groups[-1][1].extend(u.lines)
        else:
            groups.append((u.kind, list(u.lines)))
    return groups


def body_text(lines: list[Line]) -> str:
    """The paragraphs (or the parts of them) that body lines hold, in corpus format."""
    paras, cur = [], None
    for l in lines:
        if l.para != cur:
            paras.append("")
            cur = l.para
        paras[-1] += l.src
    return "\n\n".join(paras)


def build_gt(layout: PageLayout, head_lines: list[Line], head_box, image_name: str) -> dict:
    blocks, lines = [], []

    def add_block(art_id, role, blines, text, box=None, column=None, cont=False):
        bid = f"b{len(blocks) + 1:04d}"
        box = box or union([l.box() for l in blines])
        blocks.append(
            {
                "id": bid,
                "article": art_id,
                "role": role,
                "box": box,
                "order": len(blocks) + 1,
                "text": text,
                "column": column_of(box[0]) if column is None else column,
                "continues_previous": cont,
            }
        )
        for l in blines:
            l.block = bid
            lines.append({"block": bid, "box": l.box(), "text": l.text})

    articles = []
    for order, p in enumerate(layout.placed, 1):
        a = p.art
        hl = a.first("headline")
        articles.append(
            {
                "id": a.id,
                "box": p.box,
                "order": order,
                "headline": hl.text if hl else "",
                "continuation": a.continuation,
            }
        )
        if p.photo:
            add_block(a.id, "photo", [], "", box=p.photo)
        for role, ls in p.head:
            add_block(a.id, role, ls, a.first(role).corpus())
        prev_para = None
        for col in p.columns:
            for kind, ls in column_groups(col):
                if kind == "body":
                    cont = not ls[0].first and prev_para == ls[0].para
                    add_block(a.id, "body", ls, body_text(ls), cont=cont)
                    prev_para = ls[-1].para
                else:
                    add_block(a.id, kind, ls, a.paras[ls[0].para].corpus())
                    prev_para = None
    return {
        "image": image_name,
        "width": PAGE_W,
        "height": PAGE_H,
        "dpi": DPI,
        "skew_degrees": 0.0,
        "page_header": {
            "box": head_box,
            "text": PAGE_HEADER["text"],
            "lines": [{"box": l.box(), "text": l.text} for l in head_lines],
        },
        "rules": layout.rules,
        "articles": articles,
        "blocks": blocks,
        "lines": lines,
    }


def map_gt(gt: dict, m, image_name: str, skew: float) -> dict:
    g = json.loads(json.dumps(gt))
    w, h = g["width"], g["height"]
    g["image"], g["skew_degrees"] = image_name, skew
    g["page_header"]["box"] = map_box(g["page_header"]["box"], m, w, h)
    for l in g["page_header"]["lines"]:
        l["box"] = map_box(l["box"], m, w, h)
    g["rules"] = [map_box(r, m, w, h) for r in g["rules"]]
    for key in ("articles", "blocks", "lines"):
        for item in g[key]:
            item["box"] = map_box(item["box"], m, w, h)
    return g


# ---------------------------------------------------------------------------------------------
def check(raw: str, gt_txt: str, gt: dict, layout: PageLayout):
    """Self-checks: text equals the repaired corpus; every line fits its column; no overlaps."""
    # The format separates paragraphs by exactly one blank line; the reference has a few extra
    # blank lines before the caption (another region cut), which the format does not keep.
    expect = re.sub(r"\n{3,}", "\n\n", raw.strip("\n")) + "\n"
    for a, b in ARTEFACT_JOINS:
        expect = expect.replace(f"{a}\n\n{b}", a + b, 1)
    assert gt_txt == expect, "gt text differs from the repaired corpus"
    nows = lambda s: re.sub(r"\s", "", s)
    assert nows(gt_txt) == nows(raw)
    # block texts re-assemble the article text
    for p in layout.placed:
        for para in p.art.paras:
            assert to_corpus(to_print(para.text)) == para.text, para.text
    # block texts, joined at continues_previous, give back the gt text
    paras = []
    for b in gt["blocks"]:
        if b["role"] == "photo":
            continue
        parts = b["text"].split("\n\n")
        if b["continues_previous"]:
            paras[-1] += parts.pop(0)
        paras += parts
    assert "\n\n".join(paras) + "\n" == gt_txt, "block texts do not reassemble the gt text"
    order = reading_order(layout.placed)
    assert order == [p.art.id for p in layout.placed], f"reading order broken: {order}"
    for l in gt["lines"]:
        x0, y0, x1, y1 = l["box"]
        assert x0 >= MARGIN_X and x1 <= PAGE_W - MARGIN_X and y0 >= BODY_TOP and y1 <= BODY_BOTTOM, l
    for blk in gt["blocks"]:
        if blk["role"] in ("body", "byline", "intertitle"):
            c = blk["column"]
            assert col_x(c) - 1 <= blk["box"][0] and blk["box"][2] <= col_x(c) + COL_W + 1, blk["id"]
    bx = [b["box"] for b in gt["blocks"]]
    for i in range(len(bx)):
        for j in range(i + 1, len(bx)):
            a, b = bx[i], bx[j]
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (
                gt["blocks"][i]["id"],
                gt["blocks"][j]["id"],
            )


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--skew", type=float, default=0.9, help="scan skew in degrees (counter-clockwise)")
    ap.add_argument("--preview", default="/tmp/preview.png")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    raw = Path(args.corpus).read_text(encoding="utf-8")
    arts = parse_articles(repair_artefacts(corpus_paragraphs(raw)))
    gt_txt = gt_text(arts)
    layout = PageLayout(PAGE_LAYOUT, {a.id: a for a in arts}).run()
    hlines, hbox = header_lines()
    clean = draw_page(layout, hlines, args.seed)
    gt = build_gt(layout, hlines, hbox, f"{STEM}-clean.png")
    check(raw, gt_txt, gt, layout)

    scan, m = simulate_scan(clean, args.seed, args.skew)
    clean.save(out / f"{STEM}-clean.png", optimize=False)
    (out / f"{STEM}-scan.jpg").write_bytes(encode_jpeg(scan, 80, MAX_SCAN_BYTES))
    (out / f"{STEM}.gt.txt").write_text(gt_txt, encoding="utf-8")
    for name, g in (
        (f"{STEM}-clean.gt.json", gt),
        (f"{STEM}-scan.gt.json", map_gt(gt, m, f"{STEM}-scan.jpg", args.skew)),
    ):
        (out / name).write_text(json.dumps(g, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.preview:
        clean.resize((PAGE_W // 4, PAGE_H // 4), Image.LANCZOS).save(args.preview)

    nchars = sum(len(re.sub(r"\s", "", l["text"])) for l in gt["lines"])
    print(
        f"page {PAGE_W}x{PAGE_H} @ {DPI} dpi, {NCOLS} columns of {COL_CHARS} x {EM}px, "
        f"{len(gt['articles'])} articles, {len(gt['blocks'])} blocks, {len(gt['lines'])} lines, {nchars} chars"
    )
    for a in gt["articles"]:
        p = next(p for p in layout.placed if p.art.id == a["id"])
        print(f"  {a['id']}: cols {p.col0}-{p.col0 + p.ncols - 1} box {a['box']} {a['headline'][:20]}")


if __name__ == "__main__":
    main()
