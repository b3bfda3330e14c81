#!/usr/bin/env python3
"""Randomized newspaper pages and issues, every choice drawn from a distribution by seed (issue 14).

    python samples/random_pages.py --seed N --out DIR            one page: DIR/rnd-N.{png|jpg}, .gt.json, .gt.txt,
                                                                 .factors.json
    python samples/random_pages.py --seed N --out DIR --issue    a 2-4 page issue: DIR/iss-N-pK.* and
                                                                 DIR/iss-N.issue.json (links, joined stories)
    python samples/random_pages.py --seed N --out DIR --size ci  small pages (the CI test's size)

The committed families (samples/families.py) stay the fixed regression pages; this bed is different on every
seed so that layout cannot be tuned to it. A page records its seed and every factor drawn (factors.json), so
`--seed N` replays it exactly. Factors:

- grid: 3-9 columns (fewer when the measure would drop below 8 ems), gutters 0.6-3 body ems, column rules
  or none, unequal columns; broadsheet, Berliner and tabloid formats; body 7-12 pt at a drawn dpi;
- type: every installed Chinese face (Song/Ming, Hei, Kai, Fangsong; fc-list :lang=zh; Japanese and Korean
  faces left out), simplified or traditional text (OpenCC), Latin faces for English pages, faux bold;
- structure: headlines over 1 to all columns, left or centred, 1-3 lines; kickers, `——` subtitles, bylines,
  `本报讯` leads, intertitles, lists (bullets, numbers, circled numbers, 一、); ruled tables (role "table",
  a line per cell); boxed and shaded articles; L-shapes; photos (halftone, grey, colour) with captions below
  or beside, and photos set into a column with the text wrapped beside them; photo stories; two different
  stories under the same headline; adverts of mixed sizes (foot strips and grid cells; single or double
  frames, reversed text, logos, prices and telephone numbers); banner mastheads with ears, folio lines,
  page numbers, jump lines; vertical headlines; fully vertical pages (tiers of right-to-left vertical lines
  under rules, vertical punctuation forms);
- text: the reference corpus and sentences drawn from wordfreq's Chinese and English word lists by
  frequency, so that no page's words can be learnt;
- issues of 2-4 pages with continued stories (`(下转第N版)`/`(上接第N版)`, `(转第N版)`, `(续第N版)`, `(续)`,
  "Continued on Page N", "See X, Page N"), repeated and shortened headlines, and a different story on the
  continued part's page under the continued headline (linked by the ground truth to nothing);
- degradations (samples/degrade.py), each with a strength: skew, quarter turns, blur, noise, JPEG 25-90,
  72-600 dpi, 700-1,200 px web images, bilevel, dark scanner border, binding shadow and fold, bleed-through,
  uneven light, yellowed paper, stains, camera perspective.

Not drawn yet: tables inside adverts, tables that break across columns, photos wrapped by text on both
sides, one headline set over two different stories side by side.

Ground truth is in the shape `digitize layout-eval` reads (samples/families/*.gt.json): blocks with role,
article, order, column, continues_previous, vertical; lines; page_header/page_footer; articles with their
continuation. Geometric degradations map every box. The corpus-format text is `<stem>.gt.txt` (blocks in
order, joined where a paragraph crosses a column; no photos, adverts, jump lines or page furniture).
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import degrade  # noqa: E402
import render  # noqa: E402
from families import COMPOUNDS, ENGLISH, TABLOID, set_latin  # noqa: E402
from render import Glyph, Line  # noqa: E402

FORMATS_MM = {"broadsheet": (390, 560), "berliner": (315, 470), "tabloid": (280, 420)}
SIZES = {  # page scale range and composition dpi range per size preset
    "full": {"scale": (1.0, 1.0), "dpi": (150, 300)},
    "medium": {"scale": (0.6, 0.75), "dpi": (150, 250)},
    "ci": {"scale": (0.42, 0.55), "dpi": (150, 200)},
}
PROFILE_WEIGHTS = {"clean": 0.25, "scan": 0.45, "lowres": 0.1, "camera": 0.1, "web": 0.1}


# ---------------------------------------------------------------------------------------------
# Fonts
@dataclass(frozen=True)
class Face:
    path: str
    index: int
    family: str
    kind: str  # song | hei | kai | fangsong (CJK); serif | sans (Latin)
    bold: bool


@functools.cache
def cjk_faces() -> tuple[Face, ...]:
    """Every installed face that covers Chinese (fc-list :lang=zh), Japanese/Korean variants and monospace
    faces left out (a Chinese paper does not print those glyph forms)."""
    out = subprocess.run(
        ["fc-list", ":lang=zh", "file", "index", "family", "style"], capture_output=True, text=True, check=True
    ).stdout
    faces = []
    for line in sorted(out.splitlines()):
        m = re.match(r"(.+?): (.+?):style=(.+?):index=(\d+)", line)
        if not m:
            continue
        path, family, style, idx = m.groups()
        fam = family.split(",")[0]
        low = (fam + " " + path).lower()
        if re.search(r"\b(jp|kr)\b|mono|sharp|mbe", low):
            continue
        if "kai" in low:
            kind = "kai"
        elif "fangsong" in low or "cwfs" in low:
            kind = "fangsong"
        elif re.search(r"sans|hei", low):
            kind = "hei"
        else:
            kind = "song"
        faces.append(Face(path, int(idx), fam, kind, bool(re.search(r"bold|black|heavy", (style + low).lower()))))
    return tuple(faces)


@functools.cache
def latin_faces() -> tuple[Face, ...]:
    out = subprocess.run(
        ["fc-list", ":lang=en:fontformat=TrueType", "file", "family", "style"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    out += subprocess.run(
        ["fc-list", ":lang=en:fontformat=CFF", "file", "family", "style"], capture_output=True, text=True, check=True
    ).stdout
    faces = []
    for line in sorted(set(out.splitlines())):
        m = re.match(r"(.+?): (.+?):style=(.+)", line)
        if not m:
            continue
        path, family, style = m.groups()
        fam = family.split(",")[0]
        if not path.endswith((".ttf", ".otf")) or re.search(
            r"mono|math|symbol|dingbat|d050000l|z003|cjk|italic|oblique|"
            r"condensed|light|narrow",
            (fam + style + path).lower(),
        ):
            continue
        if path in {x.path for x in cjk_faces()} or re.search(r"cjk|wenkai|wenquanyi|ar pl|cwtex", fam.lower()):
            continue
        kind = "sans" if re.search(r"sans|gothic", fam.lower()) else "serif"
        faces.append(Face(path, 0, fam, kind, bool(re.search(r"bold|demi", style.lower()))))
    return tuple(faces)


@functools.cache
def load_font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


@functools.cache
def coverage(path: str, index: int) -> frozenset:
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as f:
        return frozenset(f.getBestCmap() or {})


@dataclass(frozen=True)
class FStyle(render.Style):
    """A type style on any installed face; `stroke` > 0 is faux bold (the outline thickened by stroking)."""

    index: int = 0
    stroke: int = 0
    fallback: str = ""  # a face path:index for characters the face lacks

    @property
    def font(self):
        return load_font(self.file, self.index, self.size)


def style(face: Face, size: float, pitch: float, stroke: int = 0, fallback: Face | None = None) -> FStyle:
    fb = f"{fallback.path}:{fallback.index}" if fallback else ""
    return FStyle(face.path, max(6, round(size)), max(6, round(pitch)), face.index, stroke, fb)


def draw_line(d: ImageDraw.ImageDraw, line: Line, fill=0):
    st = line.style
    f = st.font
    cov = coverage(st.file, st.index)
    fb = None
    if st.fallback:
        p, i = st.fallback.rsplit(":", 1)
        fb = load_font(p, int(i), st.size)
    base = line.y + 0.88 * st.size
    for g in line.glyphs:
        if g.ch in "\u3000 ":
            continue
        font = f if (ord(g.ch) in cov or fb is None) else fb
        x = line.x + g.x
        adv = font.getlength(g.ch)
        if g.ch == "—" and adv < g.w:
            x += g.w - adv
        elif adv < g.w - 0.5 and ord(g.ch) >= 128:
            x += (g.w - adv) / 2
        d.text((x, base), g.ch, font=font, fill=fill, anchor="ls", stroke_width=st.stroke, stroke_fill=fill)


# ---------------------------------------------------------------------------------------------
# Text sources
CJK_RE = re.compile(r"^[\u4e00-\u9fff]+$")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国玉兰文辉晓红鹏宇浩然思雨佳琪欣怡子轩梓涵一诺雪梅海燕志强永红春生"
FIRST_EN = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Frank",
    "Grace",
    "Henry",
    "Irene",
    "James",
    "Karen",
    "Luis",
    "Maria",
    "Nathan",
    "Olivia",
    "Peter",
    "Rachel",
    "Samuel",
    "Tara",
    "Victor",
    "Wendy",
    "Yusuf",
]
LAST_EN = [
    "Adams",
    "Brooks",
    "Carter",
    "Dalton",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Iverson",
    "Jensen",
    "Keller",
    "Lopez",
    "Moreau",
    "Novak",
    "Okafor",
    "Price",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Turner",
    "Underwood",
    "Walsh",
]
PLACES = ["晋中", "临汾", "江城", "海滨", "青山", "南湖", "东川", "西岭", "北原", "滨江", "云岭", "长河"]
PAPER_SUFFIX = ["日报", "晚报", "都市报", "时报", "商报", "新闻"]
EN_PAPERS = ["The {} Courier", "The {} Tribune", "{} Daily News", "The {} Herald", "The {} Gazette", "{} Evening Post"]
EN_TOWNS = ["Harbor", "Valley", "Riverside", "Lakeland", "Cedar", "Northfield", "Westbrook", "Pine Ridge"]


@functools.cache
def zh_words() -> tuple[list[str], np.ndarray]:
    import wordfreq

    freq = wordfreq.get_frequency_dict("zh")  # the raw list: word_frequency would need jieba
    words = [w for w in wordfreq.top_n_list("zh", 20000) if CJK_RE.match(w)]
    p = np.array([freq.get(w, 1e-8) for w in words])
    return words, p / p.sum()


@functools.cache
def en_words() -> tuple[list[str], np.ndarray]:
    import wordfreq

    freq = wordfreq.get_frequency_dict("en")
    words = [w for w in wordfreq.top_n_list("en", 20000) if re.match(r"^[a-z]{2,}$", w) or w in ("a", "i")]
    p = np.array([freq.get(w, 1e-8) for w in words]) ** 0.7  # flatter: more content words
    return words, p / p.sum()


@functools.cache
def corpus_pool() -> dict[str, list[str]]:
    """Paragraphs of the reference corpus by role (markers stripped)."""
    pool: dict[str, list[str]] = {"headline": [], "body": [], "intertitle": [], "kicker": [], "subtitle": []}
    for path in sorted(render.DEFAULT_CORPUS.parent.glob("*.txt")):
        arts = render.parse_articles(render.corpus_paragraphs(path.read_text(encoding="utf-8")))
        for a in arts:
            for p in a.paras:
                t = re.sub(r" ?\((下转|上接)第\d+版\)", "", p.text).strip()
                if p.role in pool and t:
                    pool[p.role].append(t)
    return pool


class Text:
    """Paragraph, headline and name generator for one page's language (zh-Hans, zh-Hant or en)."""

    def __init__(self, rng: np.random.Generator, lang: str, corpus_share: float):
        self.rng, self.lang, self.corpus_share = rng, lang, corpus_share
        self.latin = lang == "en"
        self._cc = None
        if lang == "zh-Hant":
            import opencc

            self._cc = opencc.OpenCC(str(rng.choice(["s2t", "s2tw", "s2hk"])))

    def conv(self, s: str) -> str:
        return self._cc.convert(s) if self._cc else s

    def _zh_phrase(self, n: int) -> str:
        words, p = zh_words()
        out = ""
        while len(out) < n:
            out += words[self.rng.choice(len(words), p=p)]
        return out[:n] if len(out) > n + 1 else out

    def _zh_sentence(self) -> str:
        parts = [self._zh_phrase(int(self.rng.integers(4, 14))) for _ in range(int(self.rng.integers(1, 5)))]
        if self.rng.random() < 0.15:
            parts.insert(
                int(self.rng.integers(0, len(parts))),
                f"{int(self.rng.integers(2, 2030))}"
                + str(self.rng.choice(["年", "万元", "%", "个", "人", "亿元", "公里"])),
            )
        if self.rng.random() < 0.1:
            parts[0] = "“" + parts[0] + "”"
        return ",".join(parts) + str(self.rng.choice(["。", "。", "。", ";", "!"]))

    def _en_sentence(self) -> str:
        words, p = en_words()
        n = int(self.rng.integers(7, 26))
        ws = [words[i] for i in self.rng.choice(len(words), n, p=p)]
        ws = [w.upper() if w == "i" else w for w in ws]
        for k in range(3, n - 2, int(self.rng.integers(5, 12))):
            ws[k] += ","
        if self.rng.random() < 0.15:
            ws.insert(int(self.rng.integers(1, n)), str(int(self.rng.integers(2, 2030))))
        s = " ".join(ws)
        return s[0].upper() + s[1:] + "."

    def paragraph(self) -> str:
        if self.latin:
            if self.rng.random() < self.corpus_share:
                arts = ENGLISH + COMPOUNDS + TABLOID
                paras = [p.text for a in arts for p in a.paras if p.role == "body" and len(p.text) > 80]
                return str(self.rng.choice(paras))
            return " ".join(self._en_sentence() for _ in range(int(self.rng.integers(2, 7))))
        if self.rng.random() < self.corpus_share:
            return self.conv(str(self.rng.choice(corpus_pool()["body"])))
        return self.conv("".join(self._zh_sentence() for _ in range(int(self.rng.integers(2, 8)))))

    def headline(self, lines: int, cpl: int) -> str:
        """`lines` phrases of a little under `cpl` characters (Latin: words of about cpl letters)."""
        if self.latin:
            words, p = en_words()
            out = []
            for _ in range(lines):
                ph = []
                while len(" ".join(ph)) < cpl * 0.8:
                    w = words[self.rng.choice(len(words), p=p)]
                    ph.append(w.capitalize() if (len(w) > 3 or not ph) else w)
                out.append(" ".join(ph))
            return " ".join(out)
        n = [max(3, int(cpl * self.rng.uniform(0.6, 0.95))) for _ in range(lines)]
        if self.rng.random() < self.corpus_share * 0.5:
            src = [h for h in corpus_pool()["headline"]]
            cand = str(self.rng.choice(src))
            return self.conv(cand)
        return self.conv(" ".join(self._zh_phrase(k) for k in n))

    def short(self, lo: int, hi: int) -> str:
        if self.latin:
            return self.headline(1, int(self.rng.integers(lo, hi)) * 2)
        return self.conv(self._zh_phrase(int(self.rng.integers(lo, hi))))

    def name(self) -> str:
        if self.latin:
            return f"{self.rng.choice(FIRST_EN)} {self.rng.choice(LAST_EN)}"
        g = "".join(self.rng.choice(list(GIVEN), int(self.rng.integers(1, 3))))
        return self.conv(str(self.rng.choice(list(SURNAMES))) + g)

    def byline(self) -> str:
        if self.latin:
            return f"By {self.name()}"
        return (
            self.conv(str(self.rng.choice(["本报记者 ", "本报通讯员 ", "新华社记者 ", "记者 "]))) + self.name()
            if self.rng.random() < 0.85
            else self.conv("本报评论员")
        )

    def caption(self) -> str:
        if self.latin:
            return self._en_sentence() + f" (Photo: {self.name()})"
        return (
            self.conv(self._zh_sentence()[:-1] + "。 " + str(self.rng.choice(["本报记者", "本报通讯员", "记者"])) + " ")
            + self.name()
            + self.conv(" 摄")
        )

    def lead(self, text: str) -> str:
        return self.conv("本报讯 (记者") + self.name() + ") " + text if not self.latin else text


# ---------------------------------------------------------------------------------------------
# Setting lines one at a time, each at the width of the slot it falls in
class Flow:
    """One paragraph being set: `next_line(width)` sets the next line at that width. `consumed` is how
    much of the corpus-format text the placed lines hold (the rest of a story cut by a jump)."""

    def __init__(
        self, text: str, st: FStyle, latin: bool, indent_em: float = 0, align: str = "justify", hyphenate: bool = True
    ):
        self.text, self.st, self.latin, self.align, self.hyphenate = text, st, latin, align, hyphenate
        self.indent_em = indent_em
        self.first = True
        self.consumed = 0
        if not latin:
            self.toks = render.tokenize(text, st)
            self.pos = 0

    @property
    def done(self) -> bool:
        return self.consumed >= len(self.text)

    def next_line(self, width: float) -> Line:
        line = self._latin(width) if self.latin else self._cjk(width)
        line.first = self.first
        self.first = False
        return line

    def _cjk(self, width: float) -> Line:
        em = self.st.size
        indent = self.indent_em * em if self.first else 0.0
        limit = int(width / em * 2) + 8
        seg = self.toks[self.pos : self.pos + limit]
        toks = render.break_lines(seg, width, em, indent)[0]
        self.pos += len(toks)
        last = self.pos >= len(self.toks)
        natural = sum(render.tok_w(t) for t in toks)
        slack = width - indent - natural
        spread = 0.0
        if len(toks) > 1 and ((self.align == "justify" and not last) or slack < 0):
            spread = slack / (len(toks) - 1)
        x = indent + (max(0.0, slack / 2) if self.align == "center" else 0.0)
        glyphs = []
        for t in toks:
            for g in t:
                glyphs.append(Glyph(g.ch, g.src, x, g.w))
                x += g.w
            x += spread
        line = Line(glyphs, self.st)
        self.consumed += len(line.src)
        return line

    def _latin(self, width: float) -> Line:
        rest = self.text[self.consumed :]
        words = rest.split(" ")
        take = max(4, int(width / (self.st.size * 0.45)) // 4)
        while True:
            prefix = " ".join(words[:take])
            lines = set_latin(
                prefix,
                self.st,
                width,
                indent_em=self.indent_em if self.first else 0,
                align=self.align,
                hyphenate=self.hyphenate,
            )
            if len(lines) > 1 or take >= len(words):
                break
            take *= 2
        line = lines[0]
        src = line.src
        assert rest.startswith(src), (rest[:40], src)
        self.consumed += len(src)
        if not line.glyphs:
            self.consumed = len(self.text)
        return line


# ---------------------------------------------------------------------------------------------
# Page composition
@dataclass
class Slot:
    x: int
    y0: int
    y1: int
    w: int
    col: int = -1  # the grid column (a column cut around a photo is several slots of one column)
    fixed: bool = False  # set to its full height even when the columns are balanced (text around a photo)


@dataclass
class Item:
    role: str  # body | byline | intertitle | continuation
    text: str


@dataclass
class Page:
    w: int
    h: int
    dpi: int
    colour: bool
    latin: bool
    lines: list = field(default_factory=list)  # (Line, fill)
    vtext: list = field(default_factory=list)  # (FStyle, text, x, y, pitch, fill)
    rects: list = field(default_factory=list)  # (box, fill) filled rectangles: rules, shades, ad grounds
    photos: list = field(default_factory=list)  # (box, kind)
    logos: list = field(default_factory=list)  # (box, fill)
    articles: list = field(default_factory=list)
    blocks: list = field(default_factory=list)
    gt_lines: list = field(default_factory=list)
    header: dict | None = None
    footer: dict | None = None
    col_edges: list = field(default_factory=list)  # x of each grid column's left edge (for "column")

    def column_of(self, x: float) -> int:
        return max(0, sum(1 for e in self.col_edges if e <= x + 2) - 1)

    def begin(self, aid: str, headline: str, continuation=None):
        self.articles.append(
            {
                "id": aid,
                "box": None,
                "order": len(self.articles) + 1,
                "headline": headline,
                "continuation": continuation,
            }
        )

    def block(self, aid, role, text, lines=(), box=None, cont=False, vertical=False):
        bid = f"b{len(self.blocks) + 1:04d}"
        box = [int(v) for v in (box or render.union([b for b, _ in lines]))]
        self.blocks.append(
            {
                "id": bid,
                "article": aid,
                "role": role,
                "box": box,
                "order": len(self.blocks) + 1,
                "text": text,
                "column": self.column_of(box[0]),
                "continues_previous": cont,
                "vertical": vertical,
            }
        )
        self.gt_lines += [{"block": bid, "box": [int(v) for v in b], "text": t} for b, t in lines]

    def placed(self, aid, lines: list[Line], role: str, text: str, cont=False, fill=0):
        self.lines += [(l, fill) for l in lines]
        self.block(aid, role, text, [(l.box(), l.text) for l in lines], cont=cont)

    def rule(self, box, fill=0):
        self.rects.append(([int(v) for v in box], fill))


class Composer:
    """Draws one page's design (grid, faces, sizes) and composes articles into regions of the grid."""

    def __init__(self, rng: np.random.Generator, size: str, lang: str, f: dict, page_no: int, front: bool):
        self.rng, self.f, self.lang = rng, f, lang
        self.latin = lang == "en"
        self.page_no = page_no
        R = rng
        fmt = str(R.choice(list(FORMATS_MM), p=[0.4, 0.3, 0.3]))
        scale = float(R.uniform(*SIZES[size]["scale"]))
        dpi = int(R.integers(*SIZES[size]["dpi"]) // 10 * 10)
        wmm, hmm = FORMATS_MM[fmt]
        W, H = round(wmm * scale / 25.4 * dpi), round(hmm * scale / 25.4 * dpi)
        body_pt = round(float(R.uniform(7, 12)), 1)
        em = round(body_pt / 72 * dpi)
        self.em = em
        margin = round(float(R.uniform(0.35, 0.7)) * dpi * max(scale, 0.6))
        gutter_em = round(float(R.uniform(0.6, 3.0)), 2)
        gutter = max(4, round(gutter_em * em))
        ncols_drawn = int(R.integers(3, 10))
        min_measure = 12 if self.latin else 8
        ncols = ncols_drawn
        while ncols > 1 and (W - 2 * margin - (ncols - 1) * gutter) / ncols < min_measure * em:
            ncols -= 1
        unequal = ncols >= 3 and R.random() < 0.25
        weights = R.uniform(0.6, 1.5, ncols) if unequal else np.ones(ncols)
        avail = W - 2 * margin - (ncols - 1) * gutter
        raw = avail * weights / weights.sum()
        widths = [max(em * 4, int(w // em * em) if not self.latin else int(w)) for w in raw]
        left = (W - (sum(widths) + (ncols - 1) * gutter)) // 2
        xs, x = [], left
        for w in widths:
            xs.append(x)
            x += w + gutter
        self.col_x, self.col_w, self.gutter, self.ncols = xs, widths, gutter, ncols
        self.column_rules = bool(R.random() < 0.4)
        self.stack_rules = bool(R.random() < 0.7)
        self.page = Page(W, H, dpi, colour=bool(R.random() < 0.35), latin=self.latin)
        self.page.col_edges = [xs[0] - gutter // 2] + [x - gutter // 2 for x in xs[1:]]
        self.margin = margin
        # faces
        if self.latin:
            lf = latin_faces()
            serif = [x for x in lf if x.kind == "serif" and not x.bold] or list(lf)
            self.body_face = serif[int(R.integers(len(serif)))]
            heads = [x for x in lf if x.bold] or list(lf)
            self.head_face = heads[int(R.integers(len(heads)))]
            self.sans_face = ([x for x in lf if x.kind == "sans" and x.bold] or heads)[0]
            self.fallback = None
        else:
            faces = cjk_faces()
            trad = lang == "zh-Hant"

            def ok(x):
                fam = x.family
                if "Noto" in fam:
                    return fam.endswith(("TC", "HK")) if trad else fam.endswith("SC")
                if "cwTeX" in fam:
                    return trad  # cwTeX faces cover Big5 only: traditional pages
                return True

            pool = [x for x in faces if ok(x)]
            kinds = sorted({x.kind for x in pool})
            weights_k = {"song": 0.45, "hei": 0.2, "kai": 0.2, "fangsong": 0.15}
            pk = np.array([weights_k[k] for k in kinds])
            body_kind = str(R.choice(kinds, p=pk / pk.sum()))
            cands = [x for x in pool if x.kind == body_kind and not x.bold] or [x for x in pool if x.kind == body_kind]
            self.body_face = cands[int(R.integers(len(cands)))]
            hk = str(R.choice(kinds))
            hc = [x for x in pool if x.kind == hk]
            hc.sort(key=lambda x: not x.bold)
            self.head_face = hc[int(R.integers(min(len(hc), 2)))]
            sans = [x for x in pool if x.kind == "hei"] or pool
            self.sans_face = sans[int(R.integers(len(sans)))]
            noto = [
                x for x in faces if "Serif" in x.family and x.family.endswith("TC" if trad else "SC") and not x.bold
            ]
            self.fallback = noto[0] if noto else None
        self.faux_bold = bool(R.random() < 0.4) or not self.head_face.bold
        pitch_k = float(R.uniform(1.25, 1.65))
        self.body = style(self.body_face, em, em * pitch_k, fallback=self.fallback)
        self.byline_st = style(self.sans_face, em * R.uniform(0.9, 1.1), em * pitch_k * 1.05, fallback=self.fallback)
        self.inter_st = style(
            self.sans_face,
            em * R.uniform(1.05, 1.35),
            em * 1.6,
            stroke=1 if R.random() < 0.5 else 0,
            fallback=self.fallback,
        )
        self.caption_st = style(self.sans_face, em * R.uniform(0.8, 0.95), em * 1.3, fallback=self.fallback)
        self.head_left = bool(R.random() < 0.35)
        self.text = Text(R, lang, corpus_share=float(R.uniform(0.0, 0.7)))
        f.update(
            {
                "format": fmt,
                "scale": round(scale, 3),
                "compose_dpi": dpi,
                "width_px": W,
                "height_px": H,
                "body_pt": body_pt,
                "ncols_drawn": ncols_drawn,
                "ncols": ncols,
                "gutter_em": gutter_em,
                "unequal_columns": unequal,
                "column_rules": self.column_rules,
                "stack_rules": self.stack_rules,
                "colour": self.page.colour,
                "body_face": self.body_face.family,
                "body_kind": self.body_face.kind,
                "head_face": self.head_face.family,
                "faux_bold": self.faux_bold,
                "leading": round(pitch_k, 2),
                "headlines_left": self.head_left,
                "corpus_share": round(self.text.corpus_share, 2),
            }
        )
        self.structures: dict[str, int] = {}
        self.used_heads: list[str] = []  # headlines set on this page (a later story may carry one again)
        self.decoys: list[str] = []  # an issue's continued headline, given to a different story on its page
        self.n_art = 0
        self.top = self.margin
        self.bottom = H - self.margin
        self.front = front

    def count(self, name: str):
        self.structures[name] = self.structures.get(name, 0) + 1

    # ---- geometry
    def span(self, c0: int, n: int) -> tuple[int, int]:
        return self.col_x[c0], self.col_x[c0 + n - 1] + self.col_w[c0 + n - 1]

    # ---- page furniture
    def masthead(self, paper: str, date: str):
        R, pg = self.rng, self.page
        x0, x1 = self.span(0, self.ncols)
        lines = []
        mh = round(min((x1 - x0) / max(4, len(paper) * (0.55 if self.latin else 1.0)) * 0.8, self.em * 9))
        mface = self.head_face
        mst = style(mface, mh, mh, stroke=max(1, mh // 40), fallback=self.fallback)
        ml = self._display(paper, mst, x1 - x0, center=R.random() < 0.6)[0]
        ml.x, ml.y = x0, self.top
        lines.append(ml)
        small = style(self.sans_face, self.em * 1.0, self.em * 1.4, fallback=self.fallback)
        y = self.top + mh + self.em // 2
        info = [
            date,
            self._t(f"今日{int(R.integers(4, 33))}版") if not self.latin else f"{int(R.integers(12, 65))} pages",
            self._t(f"第{self.page_no}版") if not self.latin else f"Page A{self.page_no}",
        ]
        dl = self._display(
            "\u3000\u3000".join(info) if not self.latin else "   ".join(info), small, x1 - x0, center=False
        )[0]
        dl.x, dl.y = x0, y
        lines.append(dl)
        if R.random() < 0.6:  # ears: boxed notes left and right of the title
            self.count("ears")
            ew = round((x1 - x0) * 0.16)
            for ex in (x0, x1 - ew):
                txt = [self.text.short(3, 6), self.text.short(4, 8)] if not self.latin else ["Weather", "Sunny 12°C"]
                ey = self.top
                for t in txt:
                    el = self._display(t, small, ew - self.em, center=True)[0]
                    el.x, el.y = ex + self.em // 2, ey + self.em // 3
                    lines.append(el)
                    ey += small.pitch
                pg.rule([ex, self.top - 6, ex + ew, self.top - 3])
                pg.rule([ex, ey + 6, ex + ew, ey + 9])
            # the title must not run into the ears
            if ml.width > (x1 - x0) - 2.2 * ew:
                k = ((x1 - x0) - 2.3 * ew) / ml.width
                mst = style(mface, mh * k, mh * k, stroke=max(1, int(mh * k) // 40), fallback=self.fallback)
                ml2 = self._display(paper, mst, x1 - x0, center=True)[0]
                ml2.x, ml2.y = x0, self.top
                lines[0] = ml2
        self.page.lines += [(l, 0) for l in lines]
        ybottom = max(l.y + l.style.size for l in lines)
        pg.rule([x0, ybottom + self.em // 2, x1, ybottom + self.em // 2 + max(3, self.em // 4)])
        pg.header = {
            "box": render.union([l.box() for l in lines]),
            "text": " ".join(render.to_corpus(l.text) for l in lines),
            "lines": [{"box": l.box(), "text": l.text} for l in lines],
        }
        self.top = ybottom + self.em // 2 + max(3, self.em // 4) + self.em
        self.count("masthead")

    def folio(self, paper: str, date: str, section: str):
        x0, x1 = self.span(0, self.ncols)
        small = style(self.sans_face, self.em * self.rng.uniform(0.95, 1.4), self.em * 1.5, fallback=self.fallback)
        pno = self._t(f"第{self.page_no}版") if not self.latin else f"Page A{self.page_no}"
        left, right = (
            (f"{pno}  {section}", f"{paper}  {date}")
            if self.page_no % 2 == 0
            else (f"{date}  {section}", f"{paper}  {pno}")
        )
        if not self.latin:
            left, right = left.replace("  ", "\u3000"), right.replace("  ", "\u3000")
        ll = self._display(left, small, (x1 - x0) // 2, center=False)[0]
        rl = self._display(right, small, (x1 - x0) // 2, center=False)[0]
        ll.x, ll.y = x0, self.top
        rl.x, rl.y = x1 - rl.width, self.top
        self.page.lines += [(ll, 0), (rl, 0)]
        y = self.top + small.size + self.em // 2
        self.page.rule([x0, y, x1, y + max(2, self.em // 6)])
        self.page.header = {
            "box": render.union([ll.box(), rl.box()]),
            "text": render.to_corpus(ll.text) + " " + render.to_corpus(rl.text),
            "lines": [{"box": l.box(), "text": l.text} for l in (ll, rl)],
        }
        self.top = y + self.em * 3 // 2
        self.count("folio")

    def footer(self):
        x0, x1 = self.span(0, self.ncols)
        small = style(self.sans_face, self.em * 0.9, self.em * 1.2, fallback=self.fallback)
        R = self.rng
        if R.random() < 0.5:
            text = str(self.page_no) if self.latin else self._t(f"第{self.page_no}版")
            center = True
        else:
            text = (
                f"Editor: {self.text.name()}   Design: {self.text.name()}"
                if self.latin
                else self._t("责任编辑:") + self.text.name() + "\u3000" + self._t("版式:") + self.text.name()
            )
            center = False
        fl = self._display(text, small, x1 - x0, center=center)[0]
        fl.x, fl.y = x0, self.bottom - small.size
        self.page.lines.append((fl, 0))
        ry = self.bottom - small.size - self.em // 2
        self.page.rule([x0, ry - 2, x1, ry])
        self.page.footer = {
            "box": fl.box(),
            "text": render.to_corpus(fl.text),
            "lines": [{"box": fl.box(), "text": fl.text}],
        }
        self.bottom = ry - self.em
        self.count("footer")

    def _t(self, s: str) -> str:
        return self.text.conv(s)

    def _display(self, text: str, st: FStyle, width: float, center: bool = True) -> list[Line]:
        """Display lines (headlines, furniture); ranged left unless `center`."""
        if self.latin:
            lines = set_latin(text, st, width, align="center" if center else "left", hyphenate=False)
        else:
            lines = render.set_display(text, st, width)
            if not center:
                for l in lines:
                    dx = l.glyphs[0].x if l.glyphs else 0
                    l.glyphs = [Glyph(g.ch, g.src, g.x - dx, g.w) for g in l.glyphs]
        return [l for l in lines if l.glyphs]

    # ---- articles
    def new_id(self) -> str:
        self.n_art += 1
        return f"a{self.page_no}_{self.n_art}"

    def heading(self, aid: str, head: dict, x0: int, width: int, y: int) -> int:
        """Kicker, headline (1-3 lines), subtitle over [x0, x0 + width]; returns the y below them."""
        R = self.rng
        center = not self.head_left
        for role in ("kicker", "headline", "subtitle"):
            text = head.get(role)
            if not text:
                continue
            st = head["styles"][role]
            lines = self._display(text, st, width - (0 if not center else self.em), center=center)
            for l in lines:
                l.x = x0 + (self.em // 2 if center else 0)
                l.y = y
                y += st.pitch
            corpus = {"headline": "## ", "kicker": "### "}.get(role, "") + text
            self.page.placed(aid, lines, role, corpus)
            y += round(self.em * (0.4 if role == "kicker" else 0.7))
        return y + round(self.em * R.uniform(0.4, 1.0))

    def make_head(self, span_w: int, big: bool) -> dict:
        """Draw a heading: kicker? headline of 1-3 lines, subtitle?"""
        R = self.rng
        nlines = int(R.choice([1, 2, 3], p=[0.6, 0.3, 0.1]))
        if self.latin:
            cpl = int(R.integers(12, 40))
            px = span_w * 0.95 / (cpl * 0.52)
        else:
            cpl = int(R.integers(5, 17))
            px = span_w * 0.95 / cpl
        px = float(np.clip(px * (1.0 if big else R.uniform(0.6, 0.9)), self.em * 1.4, self.em * 7))
        cpl = max(3, int(span_w * 0.93 / px)) if not self.latin else max(8, int(span_w * 0.9 / (px * 0.52)))
        stroke = max(1, round(px / 30)) if self.faux_bold else 0
        hst = style(self.head_face, px, px * 1.18, stroke=stroke, fallback=self.fallback)
        head = {"headline": self.text.headline(nlines, cpl), "styles": {"headline": hst}, "px": round(px)}
        if R.random() < 0.25:
            head["kicker"] = self.text.short(6, 16)
            head["styles"]["kicker"] = style(
                self.body_face,
                max(self.em * 1.2, px * 0.4),
                max(self.em * 1.2, px * 0.4) * 1.25,
                stroke=1,
                fallback=self.fallback,
            )
        if R.random() < 0.25:
            sub = self.text.short(8, 20)
            head["subtitle"] = ("——" + sub) if not self.latin else sub
            sst = max(self.em * 1.15, px * 0.42)
            head["styles"]["subtitle"] = style(self.sans_face, sst, sst * 1.3, fallback=self.fallback)
        return head

    def head_height(self, head: dict, width: int) -> int:
        """The heading's height over `width`; a line wider than the width (a word too long for it) counts
        as not fitting at all."""
        h = 0
        for role in ("kicker", "headline", "subtitle"):
            if head.get(role):
                st = head["styles"][role]
                lines = self._display(head[role], st, width - self.em)
                if any(l.width > width for l in lines):
                    return 10**9
                h += len(lines) * st.pitch + self.em
        return h

    def fit_head(self, head: dict, width: int, room: float) -> dict:
        """Shrink a heading's type until it takes at most `room` px (a continued story's heading set
        for another width, or a heading drawn too big for a short story)."""
        head = dict(head, styles=dict(head["styles"]))
        for _ in range(8):
            if self.head_height(head, width) <= room:
                break
            for role, st in head["styles"].items():
                k = 0.8 if role == "headline" else 0.9
                if st.size * k >= self.em * (1.2 if role == "headline" else 1.0):
                    head["styles"][role] = FStyle(
                        st.file,
                        round(st.size * k),
                        round(st.pitch * k),
                        st.index,
                        max(0, round(st.stroke * k)),
                        st.fallback,
                    )
            head["px"] = head["styles"]["headline"].size
        for role in ("subtitle", "kicker"):  # still too tall: lose the kicker and subtitle,
            if self.head_height(head, width) > room:
                head.pop(role, None)
        while self.head_height(head, width) > room:  # then words of the headline
            t = head["headline"]
            short = t.rsplit(" ", 1)[0] if " " in t else t[:-2] if (not self.latin and len(t) > 4) else None
            if not short:
                break
            head["headline"] = short
        return head

    def make_items(self, capacity_chars: float, fill: float) -> list[Item]:
        """Column flow for about `fill` x the slots' capacity: byline?, body paragraphs, intertitles, lists."""
        R, T = self.rng, self.text
        items = []
        if R.random() < 0.55:
            items.append(Item("byline", T.byline()))
            self.count("byline")
        target = capacity_chars * fill
        n = 0
        inter = R.random() < 0.3
        listy = R.random() < 0.12
        lead = (not self.latin) and R.random() < 0.35
        while n < target:
            if inter and n > target * 0.25 and R.random() < 0.3 and items and items[-1].role == "body":
                items.append(Item("intertitle", T.short(5, 14)))
                self.count("intertitle")
            if listy and n > target * 0.3 and R.random() < 0.5:
                # bullets or numbers: "● ", "1. ", "(1) ", "① ", "一、"
                kind = int(R.integers(0, 4))
                bullet = str(R.choice(["● ", "■ ", "◆ "])) if not self.latin else "• "
                for k in range(int(R.integers(2, 6))):
                    mark = [
                        bullet,
                        f"{k + 1}. ",
                        f"({k + 1}) " if self.latin else f"({k + 1})",
                        ("①②③④⑤"[k] + " ") if not self.latin else f"{chr(97 + k)}) ",
                    ][kind]
                    if kind == 3 and not self.latin and R.random() < 0.5:
                        mark = "一二三四五"[k] + "、"
                    t = mark + (T.short(8, 20) if not self.latin else T._en_sentence())
                    items.append(Item("body", t))
                    n += len(t)
                listy = False
                self.count("list")
                continue
            p = T.paragraph()
            if lead and not any(i.role == "body" for i in items):
                p = T.lead(p)
                self.count("lead")
            items.append(Item("body", p))
            n += len(p)
        return items

    def capacity(self, slots: list[Slot]) -> float:
        per = (self.em * 0.5) if self.latin else self.em
        return sum((s.y1 - s.y0) / self.body.pitch * s.w / per for s in slots)

    def pour(self, items: list[Item], slots: list[Slot], cap: int | None = None, dry: bool = False):
        """Set `items` into the slots top to bottom, each slot holding at most `cap` px. Returns
        (per-slot lists of (kind, Line, item index), overflow) where overflow is None or (item index, chars
        of that item already placed)."""
        out = [[] for _ in slots]
        si = 0
        y = slots[0].y0 if slots else 0
        limit = lambda s: s.y1 if cap is None or s.fixed else min(s.y1, s.y0 + cap)
        hy = bool(self.f.get("hyphenate", True))
        for ii, it in enumerate(items):
            if it.role == "intertitle":
                while si < len(slots):
                    s = slots[si]
                    lines = self._display(it.text, self.inter_st, s.w, center=True)
                    pad = self.em // 2
                    need = pad + len(lines) * self.inter_st.pitch + pad
                    if y + need + self.body.pitch <= limit(s):
                        yy = y + pad
                        for l in lines:
                            l.x, l.y = s.x, yy
                            l.para = ii
                            yy += self.inter_st.pitch
                            out[si].append(("intertitle", l, ii))
                        y += need
                        break
                    si += 1
                    if si < len(slots):
                        y = slots[si].y0
                else:
                    return out, (ii, 0)
                continue
            st = self.body if it.role in ("body", "continuation") else self.byline_st
            indent = 0 if it.role != "body" or it.text[:1] in "●■◆•" else (1.5 if self.latin else 2)
            align = "justify" if it.role == "body" else "left"
            fl = Flow(it.text, st, self.latin, indent, align, hyphenate=hy)
            while not fl.done:
                if si >= len(slots):
                    return out, (ii, fl.consumed)
                s = slots[si]
                if y + st.size > limit(s):
                    si += 1
                    if si < len(slots):
                        y = slots[si].y0
                    continue
                before = fl.consumed
                l = fl.next_line(s.w)
                if fl.consumed == before and not fl.done:
                    fl.consumed = len(fl.text)  # nothing fits at all (cannot happen for body measures)
                l.x, l.y, l.para = s.x, y, ii
                out[si].append((it.role, l, ii))
                y += st.pitch
        return out, None

    def pour_balanced(self, items, slots):
        out, over = self.pour(items, slots)
        if over is not None or len(slots) <= 1:
            return out, over
        hi = max(s.y1 - s.y0 for s in slots)
        lo = 0
        while lo < hi:
            mid = (lo + hi) // 2
            if self.pour(items, slots, mid)[1] is None:
                hi = mid
            else:
                lo = mid + 1
        return self.pour(items, slots, lo)

    def record_flow(self, aid: str, items: list[Item], cols) -> None:
        prev_para = None
        for col in cols:
            groups: list[tuple[str, list]] = []
            for kind, l, _ii in col:
                if (groups and groups[-1][0] == kind and kind != "intertitle") or (
                    groups
                    and kind == "intertitle"
                    and groups[-1][0] == "intertitle"
                    and groups[-1][1][-1].para == l.para
                ):
                    groups[-1][1].append(l)
                else:
                    groups.append((kind, [l]))
            for kind, ls in groups:
                if kind in ("body", "byline"):
                    cont = (not ls[0].first) and prev_para == ls[0].para
                    self.page.placed(aid, ls, kind, render.body_text(ls), cont=cont)
                    prev_para = ls[-1].para
                elif kind == "continuation":
                    self.page.placed(aid, ls, "continuation", render.body_text(ls))
                    prev_para = None
                else:
                    self.page.placed(aid, ls, "intertitle", "### " + items[ls[0].para].text)
                    prev_para = None

    def fit(self, aid: str, items: list[Item], slots: list[Slot], jump: dict | None):
        """Pour the items; on overflow either jump (cut the story, add the marker) or drop what does not fit
        at a paragraph end. Returns (placed columns, the items placed, the cut: (item index, chars) or None)."""
        cols, over = self.pour_balanced(items, slots)
        if over is None:
            return cols, items, None
        if jump is None:
            # the story ends at the last whole sentence that fits (a paragraph cut at a full stop)
            ii, done = over
            while True:
                part = self._cut_sentence(items[ii].text, done) if items[ii].role == "body" else ""
                keep = items[:ii] + ([Item("body", part)] if part else [])
                while keep and keep[-1].role == "intertitle":
                    keep.pop()
                cols, over = self.pour_balanced(keep, slots)
                if over is None:
                    return cols, keep, None
                ii, done = over
        # a jump: cut the paragraph where the columns end, backing off until the marker fits
        ii, done = over
        for _ in range(400):
            marker = jump["marker"]
            if jump["inline"]:
                head_part = self._cut_text(items[ii].text, done, marker)
                trial = items[:ii] + [Item(items[ii].role, head_part + " " + marker)] if head_part else items[:ii]
                if not head_part and trial and trial[-1].role == "body":
                    trial[-1] = Item("body", trial[-1].text + " " + marker)
            else:
                head_part = self._cut_text(items[ii].text, done, marker)
                trial = (
                    items[:ii]
                    + ([Item(items[ii].role, head_part)] if head_part else [])
                    + [Item("continuation", marker)]
                )
            cols, over2 = self.pour(trial, slots)
            if over2 is None:
                return cols, trial, (ii, len(head_part))
            done = max(0, min(done, len(head_part)) - max(4, len(marker)))
            if done == 0 and ii > 0 and not head_part:
                ii -= 1
                done = len(items[ii].text)
                while items[ii].role == "intertitle" and ii > 0:
                    ii -= 1
                    done = len(items[ii].text)
            elif done == 0 and not head_part and ii == 0:
                break
        return self.fit(aid, items, slots, None)  # not even the marker fits: no jump from this story

    def _cut_sentence(self, text: str, done: int) -> str:
        ends = [m.end() for m in re.finditer(r"[。!?;]|\. ", text[:done])]
        return text[: ends[-1]].rstrip() if ends else ""

    def _cut_text(self, text: str, done: int, marker: str) -> str:
        """The text up to `done` characters, cut between two words (Latin) or two characters that are not
        punctuation (CJK)."""
        done = min(done, len(text))
        if self.latin:
            cut = text.rfind(" ", 0, done)
            return text[:cut].rstrip() if cut > 0 else ""
        cut = done
        while cut > 0 and (
            text[cut - 1] in ",.:;。、;:!?“”《》()（）——… " or text[cut : cut + 1] in ",.:;。、;:!?”》)） —…"
        ):
            cut -= 1
        return text[:cut]

    def photo(self, aid: str, box: list[int], kind: str):
        self.page.photos.append((box, kind))
        self.page.block(aid, "photo", "", box=box)
        self.count(f"photo_{kind}")

    def caption_lines(self, text: str, x: int, y: int, w: int) -> list[Line]:
        fl = Flow(text, self.caption_st, self.latin, 0, "left")
        lines, yy = [], y
        while not fl.done:
            l = fl.next_line(w)
            l.x, l.y = x, yy
            yy += self.caption_st.pitch
            lines.append(l)
        return lines

    def article(self, c0: int, n: int, y0: int, y1: int, jump=None, cont=None, items=None, head=None):
        """One story in columns c0..c0+n-1 between y0 and y1, with the structures drawn for it.
        `jump`: cut it and print this forward marker; `cont`: it continues a story (items, head given)."""
        R, pg = self.rng, self.page
        aid = cont["id"] if cont else self.new_id()
        x0, x1 = self.span(c0, n)
        boxed = R.random() < 0.12
        shaded = R.random() < 0.08
        inset = 0
        if boxed or shaded:
            inset = round(self.em * R.uniform(0.6, 1.2))
            box = [x0 - inset // 2, y0, x1 + inset // 2, y1]
            if shaded:
                pg.rects.insert(0, (box, int(R.integers(205, 236))))
                self.count("shaded")
            if boxed:
                t = max(2, self.em // 8)
                pg.rule([box[0], box[1], box[2], box[1] + t])
                pg.rule([box[0], box[3] - t, box[2], box[3]])
                pg.rule([box[0], box[1], box[0] + t, box[3]])
                pg.rule([box[2] - t, box[1], box[2], box[3]])
                self.count("boxed")
            y0 += inset
            y1 -= inset
        if head is None:
            head = self.make_head(x1 - x0, big=(n >= self.ncols // 2))
            # two different stories under the same headline: a story of the page's, or the continued story's
            if cont is None and self.decoys:
                head["headline"] = self.decoys.pop(0)
                self.count("same_headline_as_continued")
            elif cont is None and self.used_heads and R.random() < 0.06:
                head["headline"] = str(R.choice(self.used_heads))
                self.count("same_headline")
        head = self.fit_head(head, x1 - x0, (y1 - y0) * 0.4)
        if cont is None:
            self.used_heads.append(head["headline"])
        pg.begin(aid, head["headline"], (cont or {}).get("continuation") or (jump or {}).get("continuation"))
        vertical = (not self.latin) and n >= 2 and R.random() < 0.1 and cont is None
        col_x = [self.col_x[c] for c in range(c0, c0 + n)]
        col_w = [self.col_w[c] for c in range(c0, c0 + n)]
        if boxed or shaded:  # the flow keeps inside the frame
            col_x[0] += inset // 2
            col_w[0] -= inset // 2
            col_w[-1] -= inset // 2
        tops = [y0] * n
        if vertical:
            self.count("vertical_headline")
            phrases = head["headline"].split(" ")[:3]
            wcol = col_w[-1]
            px = min(head["px"], wcol / (1.3 * len(phrases)))
            pitch = round(px * 1.05)
            maxlen = max(len(p) for p in phrases)
            px = min(px, (y1 - y0) * 0.9 / max(1, maxlen) / 1.05)
            pitch = round(px * 1.05)
            hst = style(self.head_face, px, pitch, stroke=head["styles"]["headline"].stroke, fallback=self.fallback)
            xr = col_x[-1] + col_w[-1]
            lines = []
            for ph in phrases:
                xr -= round(hst.size * 1.25)
                pg.vtext.append((hst, ph, xr, y0, pitch, 0))
                lines.append(([xr, y0, xr + hst.size, y0 + len(ph) * pitch - (pitch - hst.size)], ph))
            head = dict(head, headline=" ".join(phrases))
            pg.articles[-1]["headline"] = head["headline"]
            pg.block(aid, "headline", "## " + head["headline"], lines, vertical=True)
            slots_cols = list(range(n - 1))
            below = y0 + max(len(p) for p in phrases) * pitch + self.em
            if y1 - below > 6 * self.body.pitch:  # the flow continues under the vertical headline
                slots_cols.append(n - 1)
                tops[n - 1] = below
        else:
            span_n = n if R.random() < 0.75 or n == 1 else int(R.integers(1, n))
            hx0 = col_x[0]
            hw = col_x[span_n - 1] + col_w[span_n - 1] - hx0
            head = self.fit_head(head, hw, (y1 - y0) * 0.4)
            if span_n < n and self.head_height(head, hw) > (y1 - y0) * 0.4:  # too narrow: over all columns
                span_n = n
                hw = col_x[n - 1] + col_w[n - 1] - hx0
                head = self.fit_head(head, hw, (y1 - y0) * 0.4)
            if span_n < n:
                self.count("headline_partial_span")
            pg.articles[-1]["headline"] = head["headline"]
            yh = self.heading(aid, head, hx0, hw, y0)
            for i in range(span_n):
                tops[i] = yh
            slots_cols = list(range(n))
        # photo at the head of the flow
        slots: list[Slot] = []
        pre = []  # slots above a beside-caption
        placed_head_photo = False
        if cont is None and R.random() < 0.12 and y1 - max(tops) > 20 * self.body.pitch:
            placed_head_photo = self.table(aid, slots_cols, col_x, col_w, tops, y1)
        elif cont is None and R.random() < 0.3 and y1 - max(tops) > 20 * self.body.pitch:
            placed_head_photo = True
            m = int(R.integers(1, len(slots_cols) + 1))
            right = R.random() < 0.3
            pc = slots_cols[-m:] if right else slots_cols[:m]
            px0, px1 = col_x[pc[0]], col_x[pc[-1]] + col_w[pc[-1]]
            ptop = max(tops[i] for i in pc)
            ph = int(min((px1 - px0) * R.uniform(0.5, 0.95), (y1 - ptop) * 0.45))
            kind = (
                str(R.choice(["halftone", "grey", "colour"], p=[0.35, 0.35, 0.3]))
                if pg.colour
                else str(R.choice(["halftone", "grey"]))
            )
            pbox = [px0, ptop, px1, ptop + ph]
            self.photo(aid, pbox, kind)
            cap = self.text.caption()
            beside_cols = [i for i in slots_cols if i not in pc]
            if beside_cols and R.random() < 0.35:
                bc = beside_cols[0] if not right else beside_cols[-1]
                cl = self.caption_lines(cap, col_x[bc], 0, col_w[bc])
                chh = len(cl) * self.caption_st.pitch
                cy = pbox[3] - chh
                if cy > tops[bc] + 3 * self.body.pitch:
                    for l in cl:
                        l.y += cy
                    pg.placed(aid, cl, "caption", cap)
                    self.count("caption_beside")
                    pre.append((bc, Slot(col_x[bc], tops[bc], cy - self.em, col_w[bc], bc)))
                    tops[bc] = pbox[3] + self.em
                else:
                    cl = None
                if cl is None:
                    beside_cols = []
            if not (beside_cols and pre):
                cl = self.caption_lines(cap, px0, pbox[3] + self.em // 2, px1 - px0)
                pg.placed(aid, cl, "caption", cap)
                self.count("caption_below")
                cb = cl[-1].y + self.caption_st.size + self.em
            else:
                cb = pbox[3] + self.em
            for i in pc:
                tops[i] = cb
        for i in slots_cols:
            for bc, s in pre:
                if bc == i:
                    slots.append(s)
            if y1 - tops[i] > 2 * self.body.pitch:
                slots.append(Slot(col_x[i], tops[i], y1, col_w[i], i))
        if not slots:
            return aid, None
        if cont is None and not placed_head_photo and R.random() < 0.2:
            slots = self.wrap_photo(aid, slots)
        if items is None:
            fill = R.uniform(0.9, 1.3) if jump is None else R.uniform(1.5, 2.5)
            items = self.make_items(self.capacity(slots), fill)
        cols, placed_items, cut = self.fit(aid, items, slots, jump)
        if jump is not None and cut is None:  # the story fitted after all: no jump, no continuation
            next(a for a in pg.articles if a["id"] == aid)["continuation"] = None
        self.record_flow(aid, placed_items, cols)
        if self.column_rules:
            for a, b in zip(slots, slots[1:]):
                if b.x > a.x and b.col != a.col:
                    xm = b.x - self.gutter // 2 - 1
                    yb = max([l.y + l.style.size for c in cols for _, l, _ in c] + [b.y0])
                    pg.rule([xm, b.y0, xm + max(1, self.em // 12), yb])
        rest = None
        if cut is not None:
            ii, kept = cut
            rest = [Item(items[ii].role, items[ii].text[kept:].lstrip())] + items[ii + 1 :]
            rest = [r for r in rest if r.text]
            rest_cut = {"items": rest, "head": head, "id": aid, "source_items": placed_items}
            return aid, rest_cut
        return aid, None

    def _fit_cell(self, text: str, st: FStyle, width: float) -> Line | None:
        """One table cell's line, its text cut until it fits `width` (None when nothing fits)."""
        while text:
            lines = self._display(text, st, 10**6, center=False)
            if lines and lines[0].width <= width:
                return lines[0]
            cut = text.rstrip().rfind(" ")
            text = text[:cut].rstrip() if self.latin and cut > 0 else text[:-1].rstrip()
        return None

    def _number(self) -> str:
        R = self.rng
        v = float(R.lognormal(3, 1.5))
        form = int(R.integers(0, 5))
        if form == 0:
            return f"{v:.1f}"
        if form == 1:
            return f"{R.uniform(-30, 99):.1f}%"
        if form == 2:
            return f"{int(v * 100):,}"
        if form == 3 and not self.latin:
            return f"{v:.2f}" + str(R.choice(["万", "亿", "元", "人", "吨"]))
        return str(int(v))

    def table(self, aid: str, slots_cols, col_x, col_w, tops, y1) -> bool:
        """A ruled table at the head of the flow over 1..n of the story's columns: a header row and 2-7 rows
        of a label and figures. Ground truth: one block of role "table", a line per cell, the text a row a
        paragraph (cells separated by a space). Returns False when the columns are too narrow for two cells."""
        R, T, pg = self.rng, self.text, self.page
        m = int(R.integers(1, len(slots_cols) + 1))
        pc = slots_cols[:m]
        x0, x1 = col_x[pc[0]], col_x[pc[-1]] + col_w[pc[-1]]
        top = max(tops[i] for i in pc)
        st = self.caption_st
        head_st = FStyle(st.file, st.size, st.pitch, st.index, 1, st.fallback)
        pad = max(3, st.size // 3)
        unit = st.size * (0.55 if self.latin else 1.0)
        ncols_t = int(min(R.integers(2, 6), (x1 - x0) // ((6 if self.latin else 4) * unit + 2 * pad)))
        row_h = st.size + 2 * pad
        nrows = int(min(R.integers(3, 9), (y1 - top) * 0.5 // row_h))
        if ncols_t < 2 or nrows < 3:
            return False
        weights = np.array([float(R.uniform(1.2, 2.0))] + [1.0] * (ncols_t - 1))
        edges = [x0] + [int(x0 + (x1 - x0) * c) for c in np.cumsum(weights)[:-1] / weights.sum()] + [x1]
        rows: list[list[Line]] = []
        for r in range(nrows):
            y = top + r * row_h + pad
            row = []
            for c in range(ncols_t):
                cw = edges[c + 1] - edges[c] - 2 * pad
                if r == 0:
                    text = T.short(2, 5) if not self.latin else T.short(2, 5).split(" ")[0]
                elif c == 0:
                    text = T.short(2, 7)
                else:
                    text = self._number()
                line = self._fit_cell(text, head_st if r == 0 else st, cw)
                if line is None:
                    continue
                right = r > 0 and c > 0
                line.x = edges[c + 1] - pad - line.width if right else edges[c] + pad
                line.y = y
                row.append(line)
            rows.append(row)
        th = nrows * row_h
        t = max(2, self.em // 8)
        pg.rule([x0, top, x1, top + t])
        pg.rule([x0, top + th - t, x1, top + th])
        pg.rule([x0, top + row_h - 1, x1, top + row_h - 1 + max(1, t // 2)])
        if R.random() < 0.5:
            for r in range(2, nrows):
                pg.rule([x0, top + r * row_h, x1, top + r * row_h + 1], 0 if R.random() < 0.5 else 150)
        if R.random() < 0.4:
            for e in edges[1:-1]:
                pg.rule([e, top, e + max(1, t // 2), top + th])
        cells = [l for row in rows for l in row]
        pg.lines += [(l, 0) for l in cells]
        text = "\n\n".join(" ".join(render.to_corpus(l.text) for l in row) for row in rows if row)
        pg.block(aid, "table", text, [(l.box(), l.text) for l in cells], box=[x0, top, x1, top + th])
        for i in pc:
            tops[i] = top + th + self.em
        self.count("table")
        return True

    def wrap_photo(self, aid: str, slots: list[Slot]) -> list[Slot]:
        """A photo set into one column, narrower than it, with the text running beside it: the column's slot
        becomes three (above, beside, below the photo and its caption)."""
        R, pg = self.rng, self.page
        em, pitch = self.em, self.body.pitch
        min_beside = (8 if self.latin else 5) * em
        cands = [k for k, s in enumerate(slots) if s.y1 - s.y0 > 24 * pitch and s.w - int(s.w * 0.4) - em >= min_beside]
        if not cands:
            return slots
        k = cands[int(R.integers(len(cands)))]
        s = slots[k]
        pw = min(int(s.w * R.uniform(0.4, 0.62)), s.w - em - min_beside)
        ptop = s.y0 + int(R.integers(2, 7)) * pitch
        ph = int(min(pw * R.uniform(0.6, 1.3), (s.y1 - s.y0) * 0.4))
        right = R.random() < 0.6
        px0 = s.x + s.w - pw if right else s.x
        pbox = [px0, ptop, px0 + pw, ptop + ph]
        kind = str(R.choice(["halftone", "grey", "colour"] if pg.colour else ["halftone", "grey"]))
        self.photo(aid, pbox, kind)
        bottom = ptop + ph
        if R.random() < 0.7:
            cap = self.text.caption()
            cl = self.caption_lines(cap, px0, ptop + ph + em // 2, pw)
            pg.placed(aid, cl, "caption", cap)
            bottom = cl[-1].y + self.caption_st.size
        self.count("wrap_photo")
        beside_x = s.x if right else s.x + pw + em
        below = [Slot(s.x, bottom + em, s.y1, s.w, s.col)] if s.y1 - bottom > 3 * pitch else []
        return (
            slots[:k]
            + [
                Slot(s.x, s.y0, ptop - em // 2, s.w, s.col, True),
                Slot(beside_x, ptop, min(bottom, s.y1), s.w - pw - em, s.col, True),
            ]
            + below
            + slots[k + 1 :]
        )

    def advert(self, c0: int, n: int, y0: int, y1: int):
        """An advert filling its box: a frame (single or double), reversed (white on black) or not, a slogan
        in display type, smaller lines (an offer, a telephone number or price), a logo left or right."""
        R, pg = self.rng, self.page
        x0, x1 = self.span(c0, n)
        aid = f"ad{self.page_no}_{self.n_art + 1}"
        self.n_art += 1
        reversed_ = R.random() < 0.4
        ground = 0 if reversed_ else 255
        ink = 255 if reversed_ else 0
        box = [x0, y0, x1, y1]
        pg.rects.append((box, ground if reversed_ else 255))
        t = max(2, self.em // 5)
        frames = [0] + ([t + max(2, self.em // 4)] if R.random() < 0.3 else [])
        for d in frames:
            fx0, fy0, fx1, fy1 = x0 + d, y0 + d, x1 - d, y1 - d
            tt = t if d == 0 else max(1, t // 2)
            for r in (
                [fx0, fy0, fx1, fy0 + tt],
                [fx0, fy1 - tt, fx1, fy1],
                [fx0, fy0, fx0 + tt, fy1],
                [fx1 - tt, fy0, fx1, fy1],
            ):
                pg.rule(r, 0 if not reversed_ or d == 0 else 255)
        if len(frames) > 1:
            self.count("advert_double_frame")
        inner = frames[-1] + t + self.em // 2
        slogan = self.text.short(4, 10)
        px = min((x1 - x0) * 0.8 / max(3, len(slogan) * (0.55 if self.latin else 1)), (y1 - y0) * 0.35)
        st = style(self.head_face, px, px * 1.2, stroke=max(1, round(px / 25)), fallback=self.fallback)
        lines = self._display(slogan, st, x1 - x0 - 2 * inner, center=True)
        y = y0 + inner
        for l in lines:
            l.x, l.y = x0 + inner, y
            y += st.pitch
        small = style(self.sans_face, self.em * R.uniform(1.0, 1.8), self.em * 2.2, fallback=self.fallback)
        offer = self.text.short(8, 18) + ("  " if self.latin else "\u3000") + self.text.short(4, 9)
        extra = (
            f"Tel. {int(R.integers(200, 999))}-{int(R.integers(1000, 9999))}"
            if self.latin
            else self._t("电话:") + f"{int(R.integers(1000, 9999))}-{int(R.integers(1000000, 9999999))}"
        )
        if R.random() < 0.5:
            extra = (
                f"${R.integers(9, 999)}.99"
                if self.latin
                else self._t("特价") + f"{int(R.integers(9, 9999))}" + self._t("元")
            )
        more = []
        for text, sst in ((offer, small), (extra, small)):
            for l in self._display(text, sst, x1 - x0 - 2 * inner, center=True):
                if y + sst.size > y1 - inner:  # what does not fit in the box is not printed
                    break
                l.x, l.y = x0 + inner, y
                y += sst.pitch
                more.append(l)
        lines = [l for l in lines if l.y + l.style.size <= y1 - inner] or lines[:1]
        if y + self.em * 3 < y1 - inner:
            side = min(y1 - y - 2 * self.em - inner, (x1 - x0) // 4)
            lx = x0 + inner if R.random() < 0.5 else x1 - inner - side
            pg.logos.append(([lx, y + self.em, lx + side, y + self.em + side], ink))
        pg.lines += [(l, ink) for l in lines + more]
        pg.begin(aid, "")
        pg.block(
            aid,
            "advertisement",
            " ".join(render.to_corpus(l.text) for l in lines + more),
            [(l.box(), l.text) for l in lines + more],
            box=box,
        )
        self.count("advert")

    def photo_story(self, c0: int, n: int, y0: int, y1: int):
        aid = self.new_id()
        x0, x1 = self.span(c0, n)
        cap = self.text.caption()
        cl = self.caption_lines(cap, x0, 0, x1 - x0)
        chh = len(cl) * self.caption_st.pitch + self.em // 2
        pbox = [x0, y0, x1, y1 - chh]
        self.page.begin(aid, "")
        kind = str(self.rng.choice(["halftone", "grey", "colour"] if self.page.colour else ["halftone", "grey"]))
        self.photo(aid, pbox, kind)
        for l in cl:
            l.y += pbox[3] + self.em // 2
        self.page.placed(aid, cl, "caption", cap)
        self.count("photo_story")

    # ---- the page: a random tree of stacks and column splits over the grid
    def compose(self, reserve: list | None = None, jumps: list | None = None):
        """Fill the body area. `reserve`: continued stories to place (the first leaves get them);
        `jumps`: forward jumps to make (each the next eligible leaf gets). Returns the cut stories."""
        R = self.rng
        leaves: list[tuple[str, int, int, int, int]] = []
        min_h = 14 * self.body.pitch

        def split(c0, n, y0, y1, depth):
            h = y1 - y0
            can_v = n >= 2 and depth < 4
            can_h = h > 2.4 * min_h and depth < 4
            if depth == 0 and self.ncols >= 3 and can_h and R.random() < 0.45:
                ym = y0 + int(h * R.uniform(0.25, 0.45))  # a lead story over the whole width
                leaves.append(("article", c0, n, y0, ym))
                return split_rest(c0, n, ym, y1, depth)
            if (depth >= 1 and R.random() < 0.25 + 0.15 * depth) or not (can_v or can_h):
                kind = "article"
                if depth >= 1 and R.random() < 0.08:
                    kind = "photo_story"
                elif depth >= 1 and R.random() < 0.06:
                    kind = "advert"  # an advert in the grid, of the leaf's size (adverts of mixed sizes)
                leaves.append((kind, c0, n, y0, y1))
                return
            if can_h and (not can_v or R.random() < h / (h + (self.col_w[0] + self.gutter) * n * 1.2)):
                ym = y0 + int(h * R.uniform(0.3, 0.7))
                split(c0, n, y0, ym, depth + 1)
                split_rest(c0, n, ym, y1, depth + 1)
            else:
                if n >= 3 and can_h and R.random() < 0.15:  # an L: the first story wraps the second
                    k = int(R.integers(1, n))
                    ym = y0 + int(h * R.uniform(0.4, 0.65))
                    leaves.append(("lshape", c0, n, y0, y1, k, ym))
                    return
                k = int(R.integers(1, n))
                split(c0, k, y0, y1, depth + 1)
                leaves.append(("vrule", c0 + k, 0, y0, y1))
                split(c0 + k, n - k, y0, y1, depth + 1)

        def split_rest(c0, n, y0, y1, depth):
            gap = self.em
            leaves.append(("hrule", c0, n, y0 + gap // 2, 0))
            y0 += 2 * gap
            if depth <= 1 and R.random() < 0.2 and y1 - y0 > 2 * min_h:  # an advert strip at the foot
                ya = y1 - int((y1 - y0) * R.uniform(0.15, 0.3))
                split(c0, n, y0, ya - 2 * gap, depth + 1)
                leaves.append(("advert", c0, n, ya, y1))
                return
            split(c0, n, y0, y1, depth)

        split(0, self.ncols, self.top, self.bottom, 0)
        reserve = list(reserve or [])
        jumps = list(jumps or [])
        cuts = []
        ads = []
        # jumps go to the largest plain article leaves (any page has some; a jump never goes unplaced)
        stories = [i for i, lf in enumerate(leaves) if lf[0] in ("article", "photo_story")]
        plain = sorted(stories[len(reserve) :], key=lambda i: -(leaves[i][4] - leaves[i][3]) * leaves[i][2])
        plain += [i for i, lf in enumerate(leaves) if lf[0] == "lshape"]  # the story in an L's corner
        jump_for = dict(zip(plain, jumps))  # the first leaves take the continued stories (reserve)
        for li, leaf in enumerate(leaves):
            kind = leaf[0]
            if kind == "photo_story" and li in jump_for:
                kind = "article"
            if kind == "hrule":
                _, c0, n, y, _ = leaf
                if self.stack_rules:
                    x0, x1 = self.span(c0, n)
                    self.page.rule([x0, y, x1, y + max(2, self.em // 8)])
                continue
            if kind == "vrule":
                _, c, _, y0, y1 = leaf
                if self.column_rules or self.stack_rules:
                    xm = self.col_x[c] - self.gutter // 2 - 1
                    self.page.rule([xm, y0, xm + max(1, self.em // 10), y1])
                continue
            if kind == "advert":
                ads.append(leaf)
                continue
            if kind == "photo_story" and not reserve:
                self.photo_story(*leaf[1:])
                continue
            if kind == "lshape":
                _, c0, n, y0, y1, k, ym = leaf
                self.count("lshape")
                rest = self.lshape(c0, n, y0, y1, k, ym, jump=jump_for.get(li))
                if rest is not None:
                    cuts.append({**rest, "jump": jump_for[li]})
                continue
            _, c0, n, y0, y1 = leaf
            if reserve:
                r = reserve.pop(0)
                self.article(c0, n, y0, y1, cont=r, items=r["items"], head=r["head"])
                continue
            jump = jump_for.get(li)
            _, rest = self.article(c0, n, y0, y1, jump=jump)
            if jump is not None and rest is not None:
                cuts.append({**rest, "jump": jump})
        for leaf in ads:  # adverts read after the stories
            self.advert(*leaf[1:])
        return cuts

    # ---- a fully vertical page: tiers of right-to-left vertical lines
    def vertical_lines(self, items: list[Item], regions: list[tuple[int, int, int, int]], pitch_x: int):
        """Set paragraphs as vertical lines (one character a cell, top to bottom), lines right to left,
        filling each region (x0, y0, x1, y1) in turn. Returns per region [(Line, box)] and the overflow."""
        em = self.em
        out = [[] for _ in regions]
        ri = 0
        x = regions[0][2] - em if regions else 0
        for ii, it in enumerate(items):
            units = render.print_units(it.text)
            pos, first = 0, True
            while pos < len(units):
                if ri >= len(regions):
                    return out, (ii, sum(len(u[1]) for u in units[:pos]))
                x0, y0, _x1, y1 = regions[ri]
                if x < x0:
                    ri += 1
                    if ri < len(regions):
                        x = regions[ri][2] - em
                    continue
                cells = (y1 - y0) // em
                indent = 2 if first and it.role == "body" else 0
                n = max(1, cells - indent)
                end = min(len(units), pos + n)
                if end < len(units) and units[end][0] in render.NO_START:
                    end += 1  # hanging punctuation below the last cell
                glyphs = [Glyph(p, src, 0.0, float(em)) for p, src in units[pos:end]]
                line = Line(glyphs, self.body, para=ii, first=first)
                ytop = y0 + indent * em
                box = [x, ytop, x + em, ytop + len(glyphs) * em]
                out[ri].append((line, box, it.role))
                pos, first = end, False
                x -= pitch_x
        return out, None

    def vertical_page(self):
        """Tiers (段) across the page, separated by rules; stories from right to left in each tier, each a
        vertical headline at its right and vertical lines leftwards; the lead story runs through two tiers."""
        R, pg = self.rng, self.page
        self.count("vertical_page")
        X0, X1 = self.span(0, self.ncols)
        ntiers = int(R.integers(2, 5))
        H = self.bottom - self.top
        gap = self.em
        th = (H - (ntiers - 1) * 2 * gap) // ntiers
        tiers = [(self.top + t * (th + 2 * gap), self.top + t * (th + 2 * gap) + th) for t in range(ntiers)]
        for t in range(1, ntiers):
            y = tiers[t][0] - gap
            pg.rule([X0, y, X1, y + max(2, self.em // 8)])
        pitch_x = round(self.em * float(R.uniform(1.3, 1.7)))
        # regions: (x0, x1, first tier, last tier), in reading order
        plan = []
        lead_w = int((X1 - X0) * R.uniform(0.35, 0.6))
        if ntiers >= 2 and R.random() < 0.6:
            plan.append((X1 - lead_w, X1, 0, 1))
            plan.append((X0, X1 - lead_w - 2 * gap, 0, 0))
            plan.append((X0, X1 - lead_w - 2 * gap, 1, 1))
            start = 2
        else:
            start = 0
        for t in range(start, ntiers):
            k = int(R.integers(1, 4))
            cuts = sorted(R.uniform(0.25, 0.75, k - 1)) if k > 1 else []
            edges = [X1] + [int(X1 - c * (X1 - X0)) for c in cuts] + [X0]
            for a, b in zip(edges, edges[1:]):
                plan.append((b, a - (2 * gap if a != X1 else 0), t, t))
        for x0, x1, t0, t1 in plan:
            if x1 - x0 < 6 * pitch_x:
                continue
            aid = self.new_id()
            y0 = tiers[t0][0]
            nph = int(R.integers(1, 3))
            px = int(min(3.2 * self.em, (x1 - x0) * 0.25 / max(1, nph)))
            px = max(int(self.em * 1.4), px)
            hpitch = round(px * 1.05)
            maxlen = int((tiers[t0][1] - y0) * 0.85 / hpitch)
            if maxlen < 4:  # a low tier: smaller type, so that 4 characters fit
                px = max(self.em, int((tiers[t0][1] - y0) * 0.85 / 4 / 1.05))
                hpitch = round(px * 1.05)
                maxlen = max(1, min(4, int((tiers[t0][1] - y0) / hpitch)))
            phrases = [self.text.short(max(3, maxlen // 2), maxlen + 1)[:maxlen] for _ in range(nph)]
            hst = style(
                self.head_face, px, hpitch, stroke=max(1, px // 30) if self.faux_bold else 0, fallback=self.fallback
            )
            xr = x1
            lines = []
            for ph in phrases:
                xr -= round(px * 1.25)
                pg.vtext.append((hst, ph, xr, y0, hpitch, 0))
                lines.append(([xr, y0, xr + px, y0 + len(ph) * hpitch - (hpitch - px)], ph))
            headline = " ".join(phrases)
            pg.begin(aid, headline)
            pg.block(aid, "headline", "## " + headline, lines, vertical=True)
            regions = [(x0, y0, xr - self.em, tiers[t0][1])] + [
                (x0, tiers[t][0], x1, tiers[t][1]) for t in range(t0 + 1, t1 + 1)
            ]
            cap = sum((r[2] - r[0]) / pitch_x * (r[3] - r[1]) / self.em for r in regions)
            items = []
            if R.random() < 0.5:
                items.append(Item("byline", self.text.byline()))
            n = 0
            while n < cap * R.uniform(0.9, 1.2):
                p = self.text.paragraph()
                items.append(Item("body", p))
                n += len(p)
            cols, over = self.vertical_lines(items, regions, pitch_x)
            if over is not None:  # end at the last whole sentence that fits
                ii, done = over
                while over is not None:
                    part = self._cut_sentence(items[ii].text, done) if items[ii].role == "body" else ""
                    items = items[:ii] + ([Item("body", part)] if part else [])
                    cols, over = self.vertical_lines(items, regions, pitch_x)
                    if over is not None:
                        ii, done = over
            prev_para = None
            for region in cols:
                groups = []
                for line, box, role in region:
                    if groups and groups[-1][0] == role:
                        groups[-1][1].append((line, box))
                    else:
                        groups.append((role, [(line, box)]))
                for role, lb in groups:
                    ls = [l for l, _ in lb]
                    cont = role == "body" and (not ls[0].first) and prev_para == ls[0].para
                    for l, box in lb:
                        pg.vtext.append((self.body, l.text, box[0], box[1], self.em, 0))
                    pg.block(
                        aid, role, render.body_text(ls), [(box, l.text) for l, box in lb], cont=cont, vertical=True
                    )
                    prev_para = ls[-1].para if role == "body" else None

    def lshape(self, c0, n, y0, y1, k, ym, jump=None):
        """A story over all n columns that fills columns c0..c0+k-1 to the foot and the rest down to ym; a
        second story in the corner below ym."""
        R, pg = self.rng, self.page
        aid = self.new_id()
        x0, x1 = self.span(c0, n)
        head = self.fit_head(self.make_head(x1 - x0, big=True), x1 - x0, (ym - y0) * 0.5)
        pg.begin(aid, head["headline"])
        yh = self.heading(aid, head, x0, x1 - x0, y0)
        if ym - yh < 4 * self.body.pitch:
            ym = yh + 6 * self.body.pitch
        slots = [Slot(self.col_x[c], yh, y1, self.col_w[c]) for c in range(c0, c0 + k)] + [
            Slot(self.col_x[c], yh, ym, self.col_w[c]) for c in range(c0 + k, c0 + n)
        ]
        items = self.make_items(self.capacity(slots), R.uniform(1.0, 1.3))
        cols, placed, _ = self.fit(aid, items, slots, None)
        self.record_flow(aid, placed, cols)
        gap = self.em
        xa, xb = self.span(c0 + k, n - k)
        pg.rule([xa, ym + gap // 2, xb, ym + gap // 2 + max(2, self.em // 8)])
        xm = self.col_x[c0 + k] - self.gutter // 2 - 1
        pg.rule([xm, ym + gap, xm + max(1, self.em // 10), y1])
        return self.article(c0 + k, n - k, ym + 2 * gap, y1, jump=jump)[1]


# ---------------------------------------------------------------------------------------------
# Drawing
def random_photo(w: int, h: int, rng: np.random.Generator, colour: bool) -> np.ndarray:
    """A random scene: sky/ground gradients, a horizon, lit blobs and boxes, grain, softness. Different
    every time so that no photo can be learnt."""
    w, h = max(w, 2), max(h, 2)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    ch = 3 if colour else 1
    base = rng.uniform(60, 220, (ch,)).astype(np.float32)
    img = np.empty((h, w, ch), np.float32)
    horizon = h * rng.uniform(0.3, 0.75)
    for c in range(ch):
        top, bot = rng.uniform(120, 245), rng.uniform(30, 160)
        img[..., c] = np.where(yy < horizon, top - 40 * yy / h, bot + 30 * (yy - horizon) / h) * base[c] / 140
    for _ in range(int(rng.integers(4, 14))):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        rx, ry = rng.uniform(0.03, 0.3) * w, rng.uniform(0.03, 0.3) * h
        col = rng.uniform(10, 250, (ch,))
        if rng.random() < 0.5:
            mask = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 < 1
        else:
            mask = (abs(xx - cx) < rx) & (abs(yy - cy) < ry)
        img[mask] = img[mask] * 0.3 + col * 0.7
    small = rng.normal(0, 20, (max(2, h // 40), max(2, w // 40), ch)).astype(np.float32)
    img += cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC).reshape(h, w, ch)
    img = cv2.GaussianBlur(img, (0, 0), max(0.8, w / 400)).reshape(h, w, ch)
    img += rng.normal(0, 5, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def halftone(gray: np.ndarray, cell: int, rng) -> np.ndarray:
    """An amplitude-modulated dot screen at 45°: each cell a dot whose area follows the tone."""
    h, w = gray.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u = (xx + yy) / np.sqrt(2) / cell
    v = (xx - yy) / np.sqrt(2) / cell
    d = np.sqrt((u - np.floor(u) - 0.5) ** 2 + (v - np.floor(v) - 0.5) ** 2) / 0.7071
    ink = 1 - gray.astype(np.float32) / 255
    return np.where(d < np.sqrt(ink) * 1.0, 0, 255).astype(np.uint8)


# Punctuation set vertically has its own forms (Unicode vertical presentation forms).
VERTICAL_FORMS = {
    "，": "︐",
    "。": "︒",
    "、": "︑",
    "：": "︓",
    "；": "︔",
    "！": "︕",
    "？": "︖",
    "（": "︵",
    "）": "︶",
    "“": "﹁",
    "”": "﹂",
    "‘": "﹃",
    "’": "﹄",
    "《": "︽",
    "》": "︾",
    "—": "︱",
    "…": "︙",
    "「": "﹁",
    "」": "﹂",
}


def draw(page: Page, rng: np.random.Generator) -> np.ndarray:
    mode = "RGB" if page.colour else "L"
    white = (255, 255, 255) if page.colour else 255
    img = Image.new(mode, (page.w, page.h), white)
    d = ImageDraw.Draw(img)
    col = (lambda v: (v, v, v)) if page.colour else (lambda v: v)
    for box, fill in page.rects:
        d.rectangle([box[0], box[1], box[2] - 1, box[3] - 1], fill=col(fill))
    for box, fill in page.logos:
        x0, y0, x1, y1 = box
        r = min(x1 - x0, y1 - y0) // 2
        d.ellipse([x0, y0, x0 + 2 * r, y0 + 2 * r], outline=col(fill), width=max(2, r // 8))
        d.polygon(
            [(x0 + r, y0 + r // 3), (x0 + 5 * r // 3, y0 + 5 * r // 3), (x0 + r // 3, y0 + 5 * r // 3)], fill=col(fill)
        )
    for box, kind in page.photos:
        x0, y0, x1, y1 = box
        ph = random_photo(x1 - x0, y1 - y0, rng, colour=(kind == "colour"))
        if kind != "colour":
            g = ph[..., 0]
            if kind == "halftone":
                g = halftone(g, max(3, page.dpi // 60), rng)
            pim = Image.fromarray(g).convert(mode)
        else:
            pim = Image.fromarray(ph)
        img.paste(pim, (x0, y0))
    for l, fill in page.lines:
        draw_line(d, l, col(fill))
    for st, text, x, y, pitch, fill in page.vtext:
        cov = coverage(st.file, st.index)
        for i, ch in enumerate(text):
            ch = VERTICAL_FORMS.get(ch, ch)
            if ch in "\u3000 ":
                continue
            f = st.font
            if ord(ch) not in cov and st.fallback:
                p, k = st.fallback.rsplit(":", 1)
                f = load_font(p, int(k), st.size)
            dx = max(0.0, (st.size - f.getlength(ch)) / 2)
            d.text(
                (x + dx, y + i * pitch + 0.88 * st.size),
                ch,
                font=f,
                fill=col(fill),
                anchor="ls",
                stroke_width=st.stroke,
                stroke_fill=col(fill),
            )
    return np.asarray(img)


# ---------------------------------------------------------------------------------------------
# Ground truth
def page_text(gt: dict) -> str:
    """The corpus-format text of the page: blocks in order, paragraphs joined across column breaks; photos,
    adverts, jump lines and page furniture are not text of the stories."""
    paras: list[str] = []
    for b in sorted(gt["blocks"], key=lambda b: b["order"]):
        if b["role"] in ("photo", "advertisement", "continuation"):
            continue
        parts = b["text"].split("\n\n")
        if b["continues_previous"] and paras:
            paras[-1] += parts.pop(0)
        paras += parts
    return "\n\n".join(paras) + "\n"


def check(gt: dict):
    """Self-checks: every box inside the page, blocks do not overlap (photos may hold nothing else)."""
    W, H = gt["width"], gt["height"]
    for l in gt["lines"]:
        x0, y0, x1, y1 = l["box"]
        assert 0 <= x0 <= x1 <= W and 0 <= y0 <= y1 <= H, l
    bx = [(b["id"], b["box"]) for b in gt["blocks"]]
    for i, (ia, a) in enumerate(bx):
        for ib, b in bx[i + 1 :]:
            ov = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
            assert ov[0] <= 1 or ov[1] <= 1, (gt["image"], ia, ib, a, b)


def finish(page: Page, image_name: str) -> dict:
    for a in page.articles:
        bs = [b["box"] for b in page.blocks if b["article"] == a["id"]]
        a["box"] = render.union(bs) if bs else [0, 0, 0, 0]
    page.articles = [a for a in page.articles if any(b["article"] == a["id"] for b in page.blocks)]
    gt = {
        "image": image_name,
        "width": page.w,
        "height": page.h,
        "dpi": page.dpi,
        "skew_degrees": 0.0,
        "page_header": page.header,
        "rules": [r for r, _ in page.rects],
        "articles": page.articles,
        "blocks": page.blocks,
        "lines": page.gt_lines,
    }
    if page.footer:
        gt["page_footer"] = page.footer
    return gt


def map_gt(gt: dict, hm: np.ndarray, w: int, h: int, image_name: str, dpi: int) -> dict:
    g = json.loads(json.dumps(gt))
    g.update(image=image_name, width=w, height=h, dpi=dpi)
    mb = lambda b: degrade.map_box(b, hm, w, h)
    for key in ("page_header", "page_footer"):
        if g.get(key):
            g[key]["box"] = mb(g[key]["box"])
            for l in g[key]["lines"]:
                l["box"] = mb(l["box"])
    g["rules"] = [mb(r) for r in g["rules"]]
    for key in ("articles", "blocks", "lines"):
        for item in g[key]:
            item["box"] = mb(item["box"])
    return g


# ---------------------------------------------------------------------------------------------
# Pages and issues
def _date(rng, latin: bool) -> str:
    m, dd = int(rng.integers(1, 13)), int(rng.integers(1, 29))
    wd = int(rng.integers(0, 7))
    if latin:
        days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        months = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ]
        return f"{days[wd]}, {months[m - 1]} {dd}, {int(rng.integers(2019, 2027))}"
    return f"{int(rng.integers(2019, 2027))}年{m}月{dd}日\u3000星期" + "一二三四五六日"[wd]


SECTIONS_ZH = ["要闻", "综合", "经济", "社会", "文化", "体育", "国际", "评论", "民生", "城市"]
SECTIONS_EN = ["News", "Local", "Business", "Sports", "World", "Opinion", "Arts", "Community"]


def compose_page(
    rng,
    size: str,
    lang: str,
    page_no: int,
    front: bool,
    paper: str,
    date: str,
    f: dict,
    reserve=None,
    jumps=None,
    decoys=None,
):
    c = Composer(rng, size, lang, f, page_no, front)
    c.decoys = list(decoys or [])
    if front:
        c.masthead(paper, date)
    else:
        sec = str(rng.choice(SECTIONS_EN if c.latin else SECTIONS_ZH))
        c.folio(paper, date, c._t(sec))
    if rng.random() < 0.4:
        c.footer()
    if not c.latin and not reserve and not jumps and rng.random() < 0.08:
        c.vertical_page()
        cuts = []
    else:
        cuts = c.compose(reserve, jumps)
    f["structures"] = dict(sorted(c.structures.items()))
    return c, cuts


def draw_lang(rng) -> str:
    return str(rng.choice(["zh-Hans", "zh-Hant", "en"], p=[0.5, 0.2, 0.3]))


def paper_name(rng, lang) -> str:
    if lang == "en":
        return str(rng.choice(EN_PAPERS)).format(rng.choice(EN_TOWNS))
    name = str(rng.choice(PLACES)) + str(rng.choice(PAPER_SUFFIX))
    if lang == "zh-Hant":
        import opencc

        name = opencc.OpenCC("s2t").convert(name)
    return name


def render_out(c: Composer, rng, stem: str, out: Path, profile: str, f: dict) -> dict:
    """Draw, degrade, write <stem>.<ext>, .gt.json, .gt.txt, .factors.json; returns the ground truth."""
    clean = draw(c.page, rng)
    gt0 = finish(c.page, "")
    check(gt0)
    img, hm, deg, out_dpi, enc = degrade.degrade(clean, rng, profile, c.page.dpi)
    data, ext = degrade.encode(img, enc, out_dpi)
    name = stem + ext
    (out / name).write_bytes(data)
    gt = map_gt(gt0, hm, img.shape[1], img.shape[0], name, out_dpi)
    if "skew" in deg:
        gt["skew_degrees"] = deg["skew"]
    f.update(
        {
            "profile": profile,
            "degradations": deg,
            "output_dpi": out_dpi,
            "image": name,
            "image_px": [img.shape[1], img.shape[0]],
            "encoding": enc,
        }
    )
    gt["factors"] = f
    dump = lambda o: json.dumps(o, ensure_ascii=False, indent=1) + "\n"
    (out / f"{stem}.gt.json").write_text(dump(gt), encoding="utf-8")
    (out / f"{stem}.gt.txt").write_text(page_text(gt), encoding="utf-8")
    (out / f"{stem}.factors.json").write_text(dump(f), encoding="utf-8")
    return gt


def draw_profile(rng, profile: str | None) -> str:
    if profile:
        return profile
    return str(rng.choice(list(PROFILE_WEIGHTS), p=list(PROFILE_WEIGHTS.values())))


def make_page(seed: int, out: Path, size: str = "full", profile: str | None = None, lang: str | None = None) -> dict:
    """One randomized page from `seed`; returns its factors."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    lang = lang or draw_lang(rng)
    f = {"seed": seed, "kind": "page", "size": size, "lang": lang, "hyphenate": bool(rng.random() < 0.7)}
    page_no = int(rng.integers(1, 25))
    front = page_no == 1 or rng.random() < 0.3
    if front:
        page_no = 1
    jumps = None
    if rng.random() < 0.3:  # a story jumps to a page this file does not hold
        jumps = [_jump(rng, lang, page_no, int(rng.integers(2, 25)))]
    c, _ = compose_page(
        rng, size, lang, page_no, front, paper_name(rng, lang), _date(rng, lang == "en"), f, jumps=jumps
    )
    f["jump_out"] = bool(jumps) and any(a.get("continuation") for a in c.page.articles)
    render_out(c, rng, f"rnd-{seed}", out, draw_profile(rng, profile), f)
    return f


def _jump(rng, lang: str, src: int, dst: int) -> dict:
    if lang == "en":
        word = str(rng.choice(["BRIDGE", "COUNCIL", "SCHOOLS", "BUDGET", "FERRY", "HOSPITAL", "ROAD", "TAXES"]))
        marker = str(rng.choice([f"Continued on Page A{dst}", f"See {word}, Page A{dst}"]))
        back = str(
            rng.choice([f"Continued from Page A{src}", f"{word}: From Page A{src}", f"{word}, from Page A{src}"])
        )
        return {
            "marker": marker,
            "back": back,
            "inline": False,
            "continuation": {"direction": "forward", "page": f"A{dst}", "marker": marker},
            "to": dst,
        }
    fwd = str(rng.choice([f"(下转第{dst}版)", f"(转第{dst}版)"]))
    # "续" alone (no page number) is printed too: the part is found by its headline
    back = str(rng.choice([f"(上接第{src}版)", f"(续第{src}版)", "(续)"], p=[0.45, 0.35, 0.2]))
    if lang == "zh-Hant":
        import opencc

        cc = opencc.OpenCC("s2t")
        fwd, back = cc.convert(fwd), cc.convert(back)
    return {
        "marker": fwd,
        "back": back,
        "inline": True,
        "continuation": {"direction": "forward", "page": dst, "marker": fwd},
        "to": dst,
    }


ISSUE_PAGE_ATTEMPTS = 6  # grids drawn for an issue page before a continued part is left without room


def make_issue(seed: int, out: Path, size: str = "full", profile: str | None = None, lang: str | None = None) -> dict:
    """An issue of 2-4 pages from `seed` with 1-3 stories continued from an earlier page to a later one.
    Writes iss-<seed>-p<K>.* per page and iss-<seed>.issue.json: pages, links, the joined stories."""
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    lang = lang or draw_lang(rng)
    npages = int(rng.integers(2, 5))
    numbers = [1] + sorted(int(v) for v in rng.choice(np.arange(2, 17), npages - 1, replace=False))
    paper, date = paper_name(rng, lang), _date(rng, lang == "en")
    prof = draw_profile(rng, profile)
    hyph = bool(rng.random() < 0.7)
    n_links = int(rng.integers(1, min(3, npages) + 1))
    plan: dict[int, list] = {}
    for _ in range(n_links):
        s = int(rng.integers(0, npages - 1))
        t = int(rng.integers(s + 1, npages))
        plan.setdefault(s, []).append(t)
    pending: dict[int, list] = {}
    issue = {
        "seed": seed,
        "kind": "issue",
        "lang": lang,
        "size": size,
        "pages": [],
        "links": [],
        "stories": [],
        "unplaced": [],  # jumps whose continued part found no room on its page (as a jump to a page not held)
    }
    for k, no in enumerate(numbers):
        f = {"seed": seed, "kind": "issue-page", "issue_page": k + 1, "size": size, "lang": lang, "hyphenate": hyph}
        jumps = [_jump(rng, lang, no, numbers[t]) | {"target": t} for t in plan.get(k, [])]
        reserve = []
        for r in pending.get(k, []):
            head = dict(r["head"])
            shorten = rng.random()
            if shorten < 0.3:
                words = head["headline"].split(" ")
                head["headline"] = (
                    words[0] if len(words) > 1 else head["headline"][: max(4, len(head["headline"]) // 2)]
                )
                f.setdefault("structures_issue", []).append("shortened_headline")
            head.pop("kicker", None)
            head.pop("subtitle", None)
            back = r["jump"]["back"]
            items = list(r["items"])
            if r["jump"]["inline"]:
                items[0] = Item(items[0].role, back + items[0].text)
            else:
                items.insert(0, Item("continuation", back))
            reserve.append(
                {
                    "id": r["id"],
                    "items": items,
                    "head": head,
                    "continuation": {
                        "direction": "backward",
                        "page": no if False else numbers[r["from"]],
                        "marker": back,
                    },
                    "source": r,
                }
            )
        decoys = []
        if reserve and rng.random() < 0.3:  # a different story on this page under the continued headline
            decoys = [reserve[0]["head"]["headline"]]
            f.setdefault("structures_issue", []).append("same_headline_decoy")
        # A continued part needs a story leaf of its page; a grid drawn without one for it (seed 176073: three
        # parts for one page, none placed, an issue without a link) is drawn again, a few times at most.
        for _attempt in range(ISSUE_PAGE_ATTEMPTS):
            c, cuts = compose_page(
                rng, size, lang, no, k == 0, paper, date, dict(f), reserve=list(reserve), jumps=jumps, decoys=decoys
            )
            if {r["id"] for r in reserve} <= {b["article"] for b in c.page.blocks}:
                break
        f = c.f
        for cut in cuts:
            t = cut["jump"]["target"]
            pending.setdefault(t, []).append({**cut, "from": k})
        stem = f"iss-{seed}-p{k + 1}"
        gt = render_out(c, rng, stem, out, prof, f)
        issue["pages"].append({"stem": stem, "image": gt["image"], "number": no})
        placed = {b["article"] for b in gt["blocks"]}
        for r in reserve:
            src = r["source"]
            if r["id"] not in placed:  # no story leaf was left for it: the jump leads out of the issue
                issue.setdefault("unplaced", []).append({"forward": [src["from"] + 1, src["id"]], "page": k + 1})
                continue
            issue["links"].append(
                {
                    "forward": [src["from"] + 1, src["id"]],
                    "backward": [k + 1, r["id"]],
                    "marker_out": src["jump"]["marker"],
                    "marker_in": src["jump"]["back"],
                }
            )
    # the joined stories, from the pages' ground truth (text of each part, markers and jump lines out)
    for link in issue["links"]:
        parts = []
        for (pk, aid), drop_head in ((link["forward"], False), (link["backward"], True)):
            gt = json.loads((out / f"{issue['pages'][pk - 1]['stem']}.gt.json").read_text(encoding="utf-8"))
            blocks = [b for b in gt["blocks"] if b["article"] == aid]
            parts.append({"blocks": blocks, "drop_head": drop_head})
        issue["stories"].append(_joined_story(parts, link))
    (out / f"iss-{seed}.issue.json").write_text(
        json.dumps(issue, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return issue


def _joined_story(parts, link) -> str:
    paras: list[str] = []
    for pi, part in enumerate(parts):
        first_body = True
        for b in sorted(part["blocks"], key=lambda b: b["order"]):
            if b["role"] in ("photo", "advertisement", "continuation"):
                continue
            if part["drop_head"] and b["role"] in ("headline", "kicker", "subtitle"):
                continue
            text = b["text"].replace(" " + link["marker_out"], "").replace(link["marker_out"], "")
            text = text.replace(link["marker_in"], "")
            ps = text.split("\n\n")
            if (b["continues_previous"] and paras) or (pi == 1 and first_body and b["role"] == "body" and paras):
                paras[-1] += ps.pop(0)
            first_body = first_body and b["role"] != "body"
            paras += ps
    return "\n\n".join(p for p in paras if p) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", choices=list(SIZES), default="full")
    ap.add_argument("--profile", choices=list(degrade.PROFILES), help="force a degradation profile")
    ap.add_argument("--lang", choices=["zh-Hans", "zh-Hant", "en"], help="force the page language")
    ap.add_argument("--issue", action="store_true", help="a 2-4 page issue instead of one page")
    args = ap.parse_args(argv)
    if args.issue:
        res = make_issue(args.seed, Path(args.out), args.size, args.profile, args.lang)
        print(json.dumps({"pages": res["pages"], "links": res["links"]}, ensure_ascii=False))
    else:
        print(json.dumps(make_page(args.seed, Path(args.out), args.size, args.profile, args.lang), ensure_ascii=False))


if __name__ == "__main__":
    main()
