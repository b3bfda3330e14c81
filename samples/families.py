#!/usr/bin/env python3
"""Layout families: varied tabloid pages rendered from the reference corpus and from English text, with
ground truth, so that layout analysis is measured on more than one page design.

    samples/families.py                 render every family (clean PNG + scan JPEG + *.gt.json) and the
                                        two-page issue (samples/issue/) into samples/
    samples/families.py --eval OUT      digitize every family page into OUT and print `layout-eval`'s table

Each family is one function that composes a page on a column grid with `Composer`: heading groups over
column spans, article flow poured into column slots (which makes L-shapes, boxes and text beside photos),
photos with captions, rules, a page header strip. Blocks are recorded in reading order as they are placed,
so the order of the calls is the ground-truth reading order. Typesetting (kinsoku line breaking,
justification, display type) and the scan simulation are samples/render.py's.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
import render
from render import Article, Glyph, Line, Para, Style

HERE = Path(__file__).resolve().parent
FAMILY_DIR = HERE / "families"
ISSUE_DIR = HERE / "issue"
PAGE_W, PAGE_H = 2480, 3508  # A4/tabloid at 300 dpi: small enough to commit many pages
MAX_SCAN_BYTES = 1_300_000
LATIN_DIR = Path("/usr/share/fonts/truetype/noto")


# ---------------------------------------------------------------------------------------------
# Column grid and type styles, scaled from the broadsheet's 38 px body type
@dataclass(frozen=True)
class Grid:
    ncols: int
    em: int = 30
    gutter: int = 30
    margin: int = 90

    @property
    def col_w(self) -> int:  # a whole number of ems, so CJK body lines sit on the em grid
        return (PAGE_W - 2 * self.margin - (self.ncols - 1) * self.gutter) // self.ncols // self.em * self.em

    @property
    def left(self) -> int:
        return (PAGE_W - self.span_w(self.ncols)) // 2

    def col_x(self, c: int) -> int:
        return self.left + c * (self.col_w + self.gutter)

    def span_w(self, n: int) -> int:
        return n * self.col_w + (n - 1) * self.gutter

    def column_of(self, x: float) -> int:
        return max(0, min(self.ncols - 1, int((x - self.left + self.gutter / 2) // (self.col_w + self.gutter))))

    def scaled(self, style: Style) -> Style:
        k = self.em / render.EM
        return type(style)(style.file, round(style.size * k), round(style.pitch * k))


@dataclass(frozen=True)
class LatinStyle(Style):
    @property
    def font(self):
        return ImageFont.truetype(str(LATIN_DIR / self.file), self.size)


LATIN_BODY = LatinStyle("NotoSerif-Regular.ttf", 38, 52)
LATIN_BYLINE = LatinStyle("NotoSans-Bold.ttf", 36, 52)
LATIN_HEAD = "NotoSerif-Bold.ttf"


def headline(px: int, latin: bool = False) -> Style:
    return LatinStyle(LATIN_HEAD, px, round(px * 1.2)) if latin else render.headline_style(px)


# ---------------------------------------------------------------------------------------------
# Latin typesetting: words, justified, long words hyphenated at the line end
VOWELS = set("aeiouyAEIOUY")


def _hyphen_point(word: str, fits) -> int:
    """Longest prefix (≥ 3 letters, leaving ≥ 3) that fits with its hyphen, cut between two consonants after
    a vowel (enor-mous, engi-neers: a rough syllable seam)."""
    best = 0
    for i in range(3, len(word) - 2):
        if not word[:i].isalpha() or not fits(word[:i] + "-"):
            break
        seam = word[i - 1] not in VOWELS and word[i] not in VOWELS and word[i - 2] in VOWELS
        if seam or (word[i - 1] in VOWELS and word[i] not in VOWELS and word[i + 1] in VOWELS):
            best = i
    return best


def _compound_point(word: str, fits) -> int:
    """Longest prefix ending in one of the word's own hyphens (well-|known, state-of-the-|art) that fits,
    leaving something after it; 0 if none does."""
    best = 0
    for i, ch in enumerate(word[:-1]):
        if ch == "-" and i > 0 and word[i - 1].isalnum() and word[i + 1].isalnum() and fits(word[: i + 1]):
            best = i + 1
    return best


def set_latin(
    text: str, style: Style, width: float, indent_em: float = 0, align: str = "justify", hyphenate: bool = True
) -> list[Line]:
    """Lines of Latin text. A glyph's `src` carries what the corpus text holds there: the space that a line
    break stands for rides on the line's last glyph, a break hyphen has none, and a word's own hyphen that
    a line ends on keeps its "-". With `hyphenate`, a word that does not fit is broken after one of its own
    hyphens (well-|known) in preference to a syllable seam (inside its first piece only: deci-|sion-making);
    without it (display type), words are never broken."""
    f = style.font
    space = f.getlength(" ")
    words = text.split(" ")
    lines: list[list[str]] = []
    hyphened: list[str] = []  # how each line ends: "" (a word space), "soft" or "real" hyphen
    cur: list[str] = []
    avail = width - indent_em * style.size
    while words:
        w = words[0]
        trial = " ".join(cur + [w])
        if f.getlength(trial) <= avail or (not cur and len(w) < 6):
            cur.append(words.pop(0))
            continue
        fits = lambda s: f.getlength(" ".join(cur + [s])) <= avail  # noqa: B023 (used in this iteration only)
        real = _compound_point(w, fits) if hyphenate and "-" in w else 0
        piece = w.split("-")[0]  # a compound is hyphenated only inside its first piece (the whole word if none)
        cut = 0 if real else _hyphen_point(piece, fits) if hyphenate and len(piece) >= 7 else 0
        if real:
            cur.append(w[:real])
            words[0] = w[real:]
        elif cut:
            cur.append(w[:cut] + "-")
            words[0] = w[cut:]
        elif not cur:
            cur.append(words.pop(0))
        lines.append(cur)
        hyphened.append("real" if real else "soft" if cut else "")
        cur, avail = [], width
    lines.append(cur)
    hyphened.append("")
    out = []
    for li, (ws, end) in enumerate(zip(lines, hyphened)):
        hy = end == "soft"
        x0 = indent_em * style.size if li == 0 else 0.0
        natural = f.getlength(" ".join(ws))
        last = li == len(lines) - 1
        gap = space
        if align == "justify" and not last and len(ws) > 1:
            gap = space + (width - x0 - natural) / (len(ws) - 1)
        if align == "center":
            x0 = max(0.0, (width - natural) / 2)
        glyphs, x = [], x0
        for wi, word in enumerate(ws):
            for ci, ch in enumerate(word):
                src = "" if hy and wi == len(ws) - 1 and ci == len(word) - 1 else ch
                glyphs.append(Glyph(ch, src, x, f.getlength(ch)))
                x += f.getlength(ch)
            if wi < len(ws) - 1:
                glyphs.append(Glyph(" ", " ", x, gap))
                x += gap
        if not last and not end:
            glyphs[-1] = Glyph(glyphs[-1].ch, glyphs[-1].src + " ", glyphs[-1].x, glyphs[-1].w)
        out.append(Line(glyphs, style))
    return out


# ---------------------------------------------------------------------------------------------
# Page composition
@dataclass
class Slot:
    """A rectangle of one column's width that article flow is poured into, top to bottom."""

    x: int
    y0: int
    y1: int


@dataclass
class Composer:
    grid: Grid
    latin: bool = False
    lines: list[Line] = field(default_factory=list)  # horizontal lines to draw
    vertical: list[tuple[Style, str, int, int]] = field(default_factory=list)  # (style, text, x, y)
    rules: list[list[int]] = field(default_factory=list)
    photos: list[list[int]] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)
    blocks: list[dict] = field(default_factory=list)
    gt_lines: list[dict] = field(default_factory=list)
    header: dict | None = None
    footer: dict | None = None

    # --- styles of this grid
    @property
    def body(self) -> Style:
        return self.grid.scaled(LATIN_BODY if self.latin else render.BODY)

    def style(self, base: Style) -> Style:
        return self.grid.scaled(base)

    # --- recording ground truth, in reading order
    def begin(self, art: Article, continuation: dict | None = None) -> str:
        hl = art.first("headline")
        self.articles.append(
            {
                "id": art.id,
                "box": None,
                "order": len(self.articles) + 1,
                "headline": hl.text if hl else "",
                "continuation": continuation,
            }
        )
        return art.id

    def block(self, art_id, role, text, lines=(), box=None, cont=False, vertical=False):
        """lines: (box, printed text) pairs."""
        bid = f"b{len(self.blocks) + 1:04d}"
        box = box or render.union([b for b, _ in lines])
        self.blocks.append(
            {
                "id": bid,
                "article": art_id,
                "role": role,
                "box": box,
                "order": len(self.blocks) + 1,
                "text": text,
                "column": self.grid.column_of(box[0]),
                "continues_previous": cont,
                "vertical": vertical,
            }
        )
        self.gt_lines += [{"block": bid, "box": b, "text": t} for b, t in lines]

    def _placed(self, art_id, lines: list[Line], role: str, text: str, cont=False):
        self.lines += lines
        self.block(art_id, role, text, [(l.box(), l.text) for l in lines], cont=cont)

    # --- page furniture
    def page_header(self, name: str, date: str, page: str, banner: bool = False, edition: str = "") -> int:
        """The strip above the top rule: the paper's name, date, page; a banner masthead when `banner`.
        Returns the y where article space begins."""
        g, lines = self.grid, []
        x0, x1 = g.left, g.left + g.span_w(g.ncols)
        if banner:
            mast = Style("NotoSerifCJK-Black.ttc", 230, 230)
            ml = render.set_lines([render.tokenize(name, mast)], mast, x1 - x0, align="center")[0]
            ml.x, ml.y = x0, 80
            small = Style(render.SANS_MED, 38, 50)
            left = [render.set_lines([render.tokenize(t, small)], small, 700, align="left")[0] for t in (edition, date)]
            right = render.set_lines([render.tokenize(page, small)], small, 700, align="left")[0]
            for i, l in enumerate(left):
                l.x, l.y = x0, 150 + i * 60
            right.x, right.y = x1 - right.width, 180
            lines = [ml] + left + [right]
            rule_y = 350
            self.rules.append([x0, 70, x1, 76])
        else:
            mast = Style("NotoSerifCJK-Black.ttc", 90, 90)
            ml = render.set_lines([render.tokenize(name, mast)], mast, 900, align="left")[0]
            ml.x, ml.y = x0, 80
            small = Style(render.SANS_MED, 34, 34)
            dl = render.set_lines([render.tokenize(f"{date}　　{page}", small)], small, 1600, align="left")[0]
            dl.x, dl.y = x1 - dl.width, 80 + 90 - 34
            lines = [ml, dl]
            rule_y = 200
        self.rules.append([x0, rule_y, x1, rule_y + 8])
        self.lines += lines
        self.header = {
            "box": render.union([l.box() for l in lines]),
            "text": " ".join(render.to_corpus(l.text) for l in lines),
            "lines": [{"box": l.box(), "text": l.text} for l in lines],
        }
        return rule_y + 8 + 36

    def page_footer(self, text: str) -> int:
        """A footer line under a rule at the page foot; returns the bottom of article space."""
        g = self.grid
        x0, x1 = g.left, g.left + g.span_w(g.ncols)
        st = Style(render.SANS, 30, 30)
        fl = render.set_lines([render.tokenize(text, st)], st, x1 - x0, align="left")[0]
        fl.x, fl.y = x0, PAGE_H - 100 - 30
        self.rules.append([x0, PAGE_H - 160, x1, PAGE_H - 157])
        self.lines.append(fl)
        self.footer = {
            "box": fl.box(),
            "text": render.to_corpus(fl.text),
            "lines": [{"box": fl.box(), "text": fl.text}],
        }
        return PAGE_H - 160 - 36

    def hrule(self, c0: int, n: int, y: int, t: int = 3):
        self.rules.append([self.grid.col_x(c0), y, self.grid.col_x(c0) + self.grid.span_w(n), y + t])

    def vrule(self, c: int, y0: int, y1: int, t: int = 3):
        """A rule in the gutter left of column c."""
        xm = self.grid.col_x(c) - self.grid.gutter // 2 - t // 2
        self.rules.append([xm, y0, xm + t, y1])

    def frame(self, box: list[int], t: int = 4):
        x0, y0, x1, y1 = box
        self.rules += [[x0, y0, x1, y0 + t], [x0, y1 - t, x1, y1], [x0, y0, x0 + t, y1], [x1 - t, y0, x1, y1]]

    # --- articles
    def heading(self, art: Article, x0: int, width: int, y: int, px: int) -> int:
        """Kicker, headline and subtitle centred over [x0, x0 + width]; returns the y below them."""
        aid = art.id
        for role, base, gap in (
            ("kicker", render.KICKER, 12),
            ("headline", None, 18),
            ("subtitle", render.SUBTITLE, 18),
        ):
            p = art.first(role)
            if p is None:
                continue
            st = headline(px, self.latin) if base is None else self.style(base)
            if self.latin:
                lines = set_latin(p.text, st, width - 2 * self.grid.em, align="center", hyphenate=False)
            else:
                lines = render.set_display(p.text, st, width - 2 * self.grid.em)
            for l in lines:
                l.x, l.y = x0 + self.grid.em, y
                y += st.pitch
            self._placed(aid, lines, role, p.corpus())
            y += gap
        return y + 14

    def vertical_heading(self, art: Article, x1: int, y: int, px: int) -> int:
        """The headline set top to bottom, its phrases as columns read right to left, ending at x1.
        Returns its left edge."""
        p = art.first("headline")
        st = render.headline_style(px)
        pitch = round(px * 1.05)
        lines, x = [], x1
        for phrase in p.text.split(" "):
            x -= round(px * 1.25)
            self.vertical.append((st, phrase, x, y))
            lines.append(([x, y, x + px, y + len(phrase) * pitch - (pitch - px)], phrase))
        self.block(art.id, "headline", p.corpus(), lines, vertical=True)
        return x

    def units(self, art: Article, width: int) -> list[render.Unit]:
        if not self.latin:
            return render.flow_units(
                art,
                width,
                self.body,
                self.style(render.BYLINE),
                self.style(render.INTERTITLE),
                (round(20 * self.grid.em / render.EM), round(16 * self.grid.em / render.EM)),
            )
        units = []
        for pi, p in enumerate(art.paras):
            if p.role not in ("byline", "body"):
                continue
            st = self.grid.scaled(LATIN_BYLINE) if p.role == "byline" else self.body
            ln = set_latin(
                p.text,
                st,
                width,
                indent_em=0 if p.role == "byline" else 1.5,
                align="left" if p.role == "byline" else "justify",
            )
            for li, l in enumerate(ln):
                l.para, l.first = pi, li == 0
            units += [render.Unit(p.role, [l], st.pitch) for l in ln]
        return units

    def flow(self, art: Article, slots: list[Slot], width: int | None = None, units=None) -> list[render.Unit]:
        """Pour the article's column flow into the slots (balanced when it is shorter than they hold).
        Returns the units that did not fit (the rest of a story continued elsewhere)."""
        width = width or self.grid.col_w
        units = self.units(art, width) if units is None else units
        caps = [s.y1 - s.y0 for s in slots]
        fill = lambda cap: _fill(units, [min(c, cap) for c in caps])
        cols, rest = fill(max(caps))
        if not rest:  # balance: the smallest cap that still takes everything
            lo, hi = 0, max(caps)
            while lo < hi:
                mid = (lo + hi) // 2
                lo, hi = (lo, mid) if not fill(mid)[1] else (mid + 1, hi)
            cols, rest = fill(lo)
        prev_para = None
        for slot, col in zip(slots, cols):
            y = slot.y0
            for u in col:
                y0 = y + u.pad_top
                for l in u.lines:
                    l.x, l.y = slot.x, y0
                    y0 += l.style.pitch
                y += u.h
            for kind, ls in render.column_groups(col):
                if kind == "body":
                    cont = not ls[0].first and prev_para == ls[0].para
                    self._placed(art.id, ls, "body", render.body_text(ls), cont=cont)
                    prev_para = ls[-1].para
                else:
                    self._placed(art.id, ls, kind, art.paras[ls[0].para].corpus())
                    prev_para = None
        return rest

    def photo(self, art_id: str, box: list[int], caption: str | None = None, beside: bool = False, width=None):
        """A photo block, its caption under it (or beside it, level with its foot)."""
        self.photos.append(box)
        self.block(art_id, "photo", "", box=box)
        if caption:
            st = self.style(render.CAPTION)
            if beside:
                w = width or self.grid.col_w
                lines = render.set_paragraph(caption, st, w)
                y = box[3] - len(lines) * st.pitch
                x = box[2] + self.grid.gutter
            else:
                lines = render.set_paragraph(caption, st, box[2] - box[0])
                x, y = box[0], box[3] + 14
            for l in lines:
                l.x, l.y = x, y
                y += st.pitch
            self._placed(art_id, lines, "caption", caption)

    def article_in(self, art: Article, c0: int, n: int, top: int, bottom: int, px: int, column_rules=False) -> int:
        """The common case: a heading over n columns, the flow in those columns below it (with rules in the
        gutters between them when `column_rules`). Returns the top of the flow."""
        self.begin(art)
        g = self.grid
        y = self.heading(art, g.col_x(c0), g.span_w(n), top, px)
        self.flow(art, [Slot(g.col_x(c0 + i), y, bottom) for i in range(n)])
        if column_rules:
            foot = max(b["box"][3] for b in self.blocks if b["article"] == art.id)
            for i in range(1, n):
                self.vrule(c0 + i, y, foot)
        return y

    # --- output
    def finish(self, image_name: str) -> dict:
        for a in self.articles:
            a["box"] = render.union([b["box"] for b in self.blocks if b["article"] == a["id"]])
        gt = {
            "image": image_name,
            "width": PAGE_W,
            "height": PAGE_H,
            "dpi": 300,
            "skew_degrees": 0.0,
            "page_header": self.header,
            "rules": self.rules,
            "articles": self.articles,
            "blocks": self.blocks,
            "lines": self.gt_lines,
        }
        if self.footer:
            gt["page_footer"] = self.footer
        return gt

    def draw(self, seed: int) -> Image.Image:
        img = Image.new("L", (PAGE_W, PAGE_H), 255)
        d = ImageDraw.Draw(img)
        for l in self.lines:
            render.draw_line(d, l)
        for st, text, x, y in self.vertical:
            for i, ch in enumerate(text):
                d.text((x, y + i * round(st.size * 1.05) + 0.88 * st.size), ch, font=st.font, fill=0, anchor="ls")
        for r in self.rules:
            d.rectangle([r[0], r[1], r[2] - 1, r[3] - 1], fill=0)
        rng = np.random.default_rng(seed)
        for x0, y0, x1, y1 in self.photos:
            img.paste(Image.fromarray(render.make_photo(x1 - x0, y1 - y0, rng)), (x0, y0))
        return img


def _fill(units: list[render.Unit], caps: list[int]) -> tuple[list[list[render.Unit]], list[render.Unit]]:
    cols, y, i = [[] for _ in caps], 0, 0
    c = 0
    while i < len(units) and c < len(caps):
        u = units[i]
        need = u.h + (units[i + 1].h if u.keep_next and i + 1 < len(units) else 0)
        if y + need > caps[c]:
            c, y = c + 1, 0
            continue
        cols[c].append(u)
        y += u.h
        i += 1
    return cols, units[i:]


# ---------------------------------------------------------------------------------------------
# Text sources
def corpus_articles() -> dict[str, Article]:
    raw = render.DEFAULT_CORPUS.read_text(encoding="utf-8")
    return {a.id: a for a in render.parse_articles(render.repair_artefacts(render.corpus_paragraphs(raw)))}


def without_marker(art: Article) -> Article:
    """The article without its trailing （下转…） marker (the families print whole stories or cut them)."""
    paras = [Para(p.role, re.sub(r" \(下转第\d+版\)$", "", p.text)) for p in art.paras]
    return Article(art.id, paras)


ENGLISH = [
    Article(
        "e1",
        [
            Para("headline", "River Towns Rebuild After the Autumn Floods"),
            Para("byline", "By Margaret Ellison"),
            Para(
                "body",
                "Along the valley the water has receded, and what remains is an enormous task of "
                "reconstruction that local governments estimate will take several years. Engineers "
                "from the provincial department arrived on Tuesday to inspect bridges, embankments and "
                "the drainage channels that failed during the heaviest rainfall recorded in decades.",
            ),
            Para(
                "body",
                "Residents described the night the river rose as frightening but orderly. Volunteers "
                "moved elderly neighbours to the community school, and shopkeepers carried their "
                "inventory to upper floors. Nobody was seriously injured, according to the regional "
                "emergency coordinator, who praised the cooperation between households.",
            ),
            Para(
                "body",
                "The reconstruction programme announced yesterday includes temporary housing, "
                "compensation for damaged businesses and a comprehensive review of construction "
                "standards for buildings near the riverbank. Critics argue that the measures arrive "
                "too late, pointing to warnings published by environmental researchers long before "
                "the flooding began.",
            ),
            Para(
                "body",
                "Officials insisted that the consultation with residents would be transparent and that "
                "every neighbourhood would be represented on the committee overseeing the spending.",
            ),
        ],
    ),
    Article(
        "e2",
        [
            Para("headline", "University Opens Laboratory for Renewable Materials"),
            Para("byline", "By Daniel Okafor"),
            Para(
                "body",
                "A new laboratory dedicated to renewable construction materials opened on Monday at "
                "the technical university, bringing together chemists, architects and manufacturers "
                "who hope to replace conventional concrete in residential buildings.",
            ),
            Para(
                "body",
                "The director explained that the laboratory will concentrate on experimental "
                "composites made from agricultural residue, including straw and hemp fibres, which "
                "absorb carbon while they grow. Prototypes have already demonstrated remarkable "
                "insulating properties in independent measurements.",
            ),
            Para(
                "body",
                "Industrial partners contributed equipment worth several million, and the regional "
                "development agency promised scholarships for students specialising in sustainable "
                "engineering. The first commercial applications are expected within three years.",
            ),
        ],
    ),
    Article(
        "e3",
        [
            Para("headline", "Council Approves Budget for Public Libraries"),
            Para(
                "body",
                "The city council approved an expanded budget for public libraries on Thursday evening, "
                "reversing a decade of reductions. The additional funding will extend opening hours, "
                "restore mobile library services to outlying villages and modernise the catalogue.",
            ),
            Para(
                "body",
                "Librarians welcomed the decision, noting that attendance has increased considerably "
                "since the pandemic, particularly among teenagers preparing for examinations and "
                "adults attending language and computer classes organised by volunteers.",
            ),
            Para(
                "body",
                "Opposition councillors supported the proposal but requested regular reports on how the "
                "money is spent, a condition the mayor accepted without hesitation.",
            ),
        ],
    ),
]


# English news rich in hyphenated words of every class (compounds, prefixes before capitals and digits,
# digits and abbreviations, single letters), so that line-end hyphens that belong to the word are measured.
COMPOUNDS = [
    Article(
        "k1",
        [
            Para("headline", "Cross-Border Rail Link Secures Long-Term Funding"),
            Para("byline", "By Eleanor Whitcombe"),
            Para(
                "body",
                "After years of stop-and-go negotiations, the governments of the two neighbouring "
                "provinces signed a long-term agreement on Wednesday to finance the cross-border rail "
                "link, a well-known project that critics had once dismissed as a so-called white "
                "elephant. The state-of-the-art line, which will carry high-speed passenger trains and "
                "round-the-clock freight services, is expected to open in the 2025-26 financial year.",
            ),
            Para(
                "body",
                "The deal was sealed at a late-night meeting in the capital, only days before the "
                "mid-December deadline set by lenders. Officials described the decision-making process "
                "as drawn-out but constructive, and said the follow-up work on timetables and ticket "
                "prices would begin immediately after the pre-Christmas recess.",
            ),
            Para(
                "body",
                "Under the cost-sharing formula, each province will contribute one-third of the "
                "construction budget, with the remainder coming from a low-interest loan arranged by a "
                "Europe-wide development bank. Finance ministers insisted that the arrangement was "
                "self-financing in the medium term, because freight operators have already signed "
                "ten-year contracts for access to the line.",
            ),
            Para(
                "body",
                "Business groups welcomed the news. The chief executive of a mid-sized logistics "
                "company said the link would cut journey times for time-sensitive deliveries by "
                "two-thirds and end the bottlenecks that have plagued the single-track route since the "
                "post-war era. Small firms, many of them family-owned, have long complained that "
                "unreliable connections make cross-border trade expensive and unpredictable.",
            ),
            Para(
                "body",
                "Environmental campaigners were more cautious. They acknowledged that moving lorries "
                "onto electric trains would reduce carbon emissions, but warned that the route crosses "
                "a nature reserve and called for a full-scale, independent assessment of its impact on "
                "wetlands and bird-nesting sites. A spokeswoman for the campaign said residents had "
                "received only a two-page e-mail summary of the plans.",
            ),
            Para(
                "body",
                "Engineers plan to use tunnel-boring machines for the most difficult section beneath "
                "the hills, where a nineteenth-century viaduct will be strengthened rather than "
                "demolished. The contractor, a joint venture of three companies, has promised to hire "
                "local workers, including part-time staff and apprentices from the region's vocational "
                "colleges.",
            ),
            Para(
                "body",
                "The agreement still needs the approval of both regional parliaments, where a "
                "cross-party committee is due to examine the documents in January. Opposition members, "
                "who supported the project in principle, have asked for quarterly progress reports and "
                "a clear timetable for the long-awaited station in the valley.",
            ),
        ],
    ),
    Article(
        "k2",
        [
            Para("headline", "Hospital Unveils X-Ray Suite as Winter Pressures Mount"),
            Para("byline", "By Samuel Adeyemi"),
            Para(
                "body",
                "The regional hospital opened a new x-ray and scanning suite on Monday, part of a "
                "multi-million investment intended to shorten waiting lists that grew sharply during "
                "the COVID-19 pandemic. The top-floor unit houses two state-of-the-art scanners and a "
                "walk-in clinic for minor fractures.",
            ),
            Para(
                "body",
                "Doctors said the equipment would allow same-day diagnosis for most patients referred "
                "by family practitioners. Until now, many elderly patients faced a two-hour journey to "
                "the city for tests that can be completed here in twenty minutes.",
            ),
            Para(
                "body",
                "The hospital has also recruited forty nurses, a third of them part-time, to cope "
                "with the expected rise in flu and COVID-19 admissions over the holidays. Managers are "
                "offering flexible shifts to parents and to staff returning after career breaks.",
            ),
            Para(
                "body",
                "One patient, a retired teacher who accompanied her mother-in-law to the opening, "
                "described the old waiting room as overcrowded and poorly ventilated. The new wing, "
                "she said, felt bright, well-organised and reassuring.",
            ),
            Para(
                "body",
                "Hospital administrators admitted that staffing remained the biggest long-term "
                "challenge. They plan a follow-up recruitment campaign in the spring, with e-mail and "
                "social-media advertisements aimed at newly qualified radiographers.",
            ),
        ],
    ),
    Article(
        "k3",
        [
            Para("headline", "Anti-Corruption Pledge Dominates G-20 Talks"),
            Para("byline", "By Jonathan Reyes"),
            Para(
                "body",
                "Finance ministers from the G-20 economies ended a two-day meeting on Friday with a "
                "pledge to tighten anti-corruption rules for cross-border payments, an issue that had "
                "been overshadowed for months by trade disputes and rising interest rates.",
            ),
            Para(
                "body",
                "The final communique, agreed after all-night negotiations, commits governments to "
                "share information on beneficial ownership and to publish a follow-up report before "
                "the next summit. Delegates described the wording as a hard-won compromise between "
                "export-oriented economies and countries worried about capital flight.",
            ),
            Para(
                "body",
                "Outside the conference centre, several hundred demonstrators staged a peaceful "
                "sit-in. Some carried anti-American banners protesting against sanctions, while others "
                "wore T-shirts calling for debt relief for low-income countries. Police said the "
                "protest passed off without arrests.",
            ),
            Para(
                "body",
                "Separately, defence officials confirmed that talks on the sale of F-16 fighter jets "
                "to a non-aligned state in the region had been postponed until the new year. Diplomats "
                "said the delay was unrelated to the summit, although the timing fuelled speculation "
                "in the pro-government press.",
            ),
            Para(
                "body",
                "Economists were divided over the significance of the pledge. Some called it a "
                "long-overdue step towards transparency, while others warned that without legally "
                "binding targets it risked becoming another well-meaning declaration that is quietly "
                "forgotten.",
            ),
        ],
    ),
    Article(
        "k4",
        [
            Para("headline", "Start-Ups Struggle as Visa Rules Tighten"),
            Para("byline", "By Priya Natarajan"),
            Para(
                "body",
                "Software start-ups in the city's fast-growing technology district say they are "
                "struggling to fill highly skilled positions after changes to visa rules left dozens "
                "of overseas recruits in limbo. Several founders told this newspaper that job offers "
                "made in the summer to engineers holding H-1B visas in the United States had been "
                "withdrawn or put on hold.",
            ),
            Para(
                "body",
                "The changes, introduced in mid-October, require employers to prove that no qualified "
                "local candidate is available before sponsoring a work permit. Officials defend the "
                "policy as a common-sense measure to protect domestic workers, but industry groups call "
                "it a short-sighted move that will drive well-paid jobs abroad.",
            ),
            Para(
                "body",
                "The chief technology officer of a twenty-person company that builds machine-learning "
                "tools for hospitals said her team had spent four months interviewing candidates for "
                "two senior roles. She said the company could not afford to wait another year, and was "
                "considering opening a small office overseas, where its remote-working staff could be "
                "based full-time.",
            ),
            Para(
                "body",
                "Universities are caught in the middle. Graduates from non-European countries who "
                "complete master's degrees locally are entitled to a one-year post-study permit, but "
                "many say the follow-on process is confusing and the paperwork time-consuming. A "
                "careers adviser said students increasingly receive job offers by e-mail that lapse "
                "before their applications are processed.",
            ),
            Para(
                "body",
                "Not everyone in the sector opposes the reforms. The head of a well-established "
                "consultancy argued that companies had relied too heavily on recruitment from abroad "
                "and too little on training, and urged them to invest in apprenticeships and "
                "re-skilling programmes for mid-career workers, including those made redundant in "
                "manufacturing.",
            ),
            Para(
                "body",
                "The ministry said it would review the rules after twelve months and publish "
                "anonymised data on the number of permits granted. A spokesman added that fast-track "
                "approval remained available for applicants in shortage occupations, a list that "
                "currently includes cyber-security specialists and data scientists.",
            ),
        ],
    ),
]


TABLOID = [
    Article(
        "t1",
        [
            Para("headline", "Ferry Service to Harbor Islands Returns"),
            Para("byline", "By Nora Whitfield"),
            Para(
                "body",
                "For the first time in three winters, a ferry will carry passengers and freight "
                "between the town dock and the four small islands in the outer harbor, the port "
                "authority announced on Tuesday. The service, which ended when the old boat failed "
                "its safety inspection, will resume on the first Monday of April with two sailings "
                "a day in each direction.",
            ),
            Para(
                "body",
                "Island residents have spent the past three years relying on a patchwork of private "
                "boats, fishing vessels and the occasional charter to reach doctors, schools and "
                "the grocery store on the mainland. Several families said they had moved away "
                "because the trip had become too uncertain, especially in bad weather.",
            ),
            Para(
                "body",
                "The new vessel, a secondhand passenger boat bought from a lake service in the north, "
                "can carry ninety people and two small trucks. It is being repainted and fitted "
                "with a heated cabin at the boatyard on Water Street, where workers have been "
                "busy since the middle of January.",
            ),
            Para(
                "body",
                "The port authority expects to spend about one million dollars a year on the "
                "service. Tickets will cost four dollars for adults and one dollar for children. "
                "The harbor master said "
                "that the schedule would be reviewed in the fall, once the authority knows how many "
                "people ride the boat in summer and in winter.",
            ),
            Para(
                "body",
                "Not everyone was pleased. A group of business owners on the waterfront asked why "
                "the boat will not stop at the marina, where most of the visitors in summer arrive.",
            ),
            Para("body", "See FERRY, Page 6"),
        ],
    ),
    Article(
        "t2",
        [
            Para("headline", "Choir Concert Raises Funds"),
            Para("byline", "By Paul Brennan"),
            Para(
                "body",
                "The community choir raised more than eleven thousand dollars for the repair of the "
                "old church roof at its winter concert on Sunday, the largest amount in the "
                "history of the group.",
            ),
            Para(
                "body",
                "About four hundred people filled the pews and the gallery to hear carols, folk "
                "songs and a piece written for the choir by a music teacher from the high school. "
                "Many stood at the back when the seats ran out, and the doors were left open so "
                "that the crowd outside could hear the last songs.",
            ),
            Para(
                "body",
                "The director said the choir had rehearsed every Thursday since the end of the "
                "summer and that the singers were proud of the result and ready to do it all "
                "again next year.",
            ),
            Para("body", "The roof repairs will begin in the spring."),
        ],
    ),
    Article(
        "t3",
        [
            Para("headline", "Book Sale Returns"),
            Para(
                "body",
                "The Friends of the Library will hold their spring book sale in the school gym on "
                "the last weekend of March, with thousands of donated books, records and puzzles "
                "priced from a quarter to two dollars.",
            ),
            Para(
                "body",
                "Volunteers are needed to sort the donations, which fill most of the basement of "
                "the library, and to set up the tables on the Friday evening before the sale. "
                "Anyone who can help for an hour or two is asked to call the front desk.",
            ),
            Para(
                "body",
                "Last year the sale raised enough money to pay for a summer reading program, new "
                "shelves in the children's room and a set of large print books for the nursing "
                "home. Organizers hope to do as well this year, and perhaps to win.",
            ),
            Para("body", "Books that are not sold will be given to schools and to the county jail."),
        ],
    ),
    Article(
        "t4",
        [
            Para("headline", "Hospital Expands Clinic for Young Patients"),
            Para("byline", "By Grace Lindqvist"),
            Para(
                "body",
                "The county hospital will double the size of its clinic for children and teenagers "
                "next year, adding eight examination rooms, a small laboratory and a waiting room "
                "with space for families, the hospital board decided at its monthly meeting.",
            ),
            Para(
                "body",
                "The clinic now sees about sixty patients on a busy day, twice as many as when it "
                "opened in a former office building on the hospital grounds ten years ago. Parents "
                "have complained for years about waits of several weeks for an appointment and "
                "about a waiting room so crowded that many of them stand in the hallway.",
            ),
            Para(
                "body",
                "The expansion will cost about six million dollars. Half of the money comes from a "
                "state grant for rural health care, and the rest from the hospital's own savings "
                "and from a fund drive that the hospital foundation will begin in the spring. "
                "Construction is expected to start in May and to take a little more than a year.",
            ),
            Para(
                "body",
                "The clinic will hire two more doctors, four nurses and a social worker, who will "
                "help families find transport, insurance and care at home. The director of the "
                "clinic said the hardest part will be finding doctors willing to move to a small "
                "town, and that the hospital is offering to help them pay back their student loans.",
            ),
            Para(
                "body",
                "During the construction the clinic will stay open, but some appointments will be "
                "moved to the main building. Parking near the clinic will be limited, and visitors "
                "are asked to use the lot behind the emergency room and to allow extra time.",
            ),
            Para("body", "A public meeting about the plans will be held next month."),
        ],
    ),
]


# ---------------------------------------------------------------------------------------------
# The families. Each composes one page and returns its Composer.
HEADER = ("晋中日报", "2025年12月11日　星期四")


def fam_cols4_rules(A) -> Composer:
    """4 columns with printed column rules; headlines over all 4 and over 2."""
    c = Composer(Grid(4))
    top = c.page_header(*HEADER, "第2版")
    bottom = PAGE_H - 110
    mid = 1900
    c.article_in(A["a1"], 0, 4, top, mid, 96, column_rules=True)
    c.hrule(0, 4, mid + 30)
    c.article_in(A["a2"], 0, 2, mid + 63, bottom, 70, column_rules=True)
    c.vrule(2, mid + 63, bottom)
    c.article_in(A["a3"], 2, 2, mid + 63, bottom, 70, column_rules=True)
    return c


def fam_cols8_plain(A) -> Composer:
    """8 narrow columns, no rules between columns; headlines over 8, 5 and 3 columns."""
    c = Composer(Grid(8, em=26, gutter=26))
    top = c.page_header(*HEADER, "第3版")
    bottom = PAGE_H - 110
    c.article_in(without_marker(A["a1"]), 0, 8, top, 1500, 104)
    c.hrule(0, 8, 1530)
    c.article_in(A["a4"], 0, 5, 1563, bottom, 78)
    c.article_in(A["a5"], 5, 3, 1563, bottom, 62)
    return c


def fam_cols5_lshape(A) -> Composer:
    """5 columns; an L-shaped article: full height in columns 1-3, above a second story in columns 4-5."""
    c = Composer(Grid(5))
    g = c.grid
    top = c.page_header(*HEADER, "第4版")
    bottom = PAGE_H - 110
    more = [p for aid in ("a2", "a3") for p in A[aid].paras if p.role == "body"]
    a = Article("a4", without_marker(A["a4"]).paras + more)  # long enough to fill the L (the rest is cut)
    c.begin(a)
    y = c.heading(a, g.col_x(0), g.span_w(5), top, 96)
    corner = 2000
    c.flow(a, [Slot(g.col_x(i), y, bottom) for i in range(3)] + [Slot(g.col_x(i), y, corner) for i in (3, 4)])
    c.hrule(3, 2, corner + 30)
    c.vrule(3, corner + 30, bottom)
    c.article_in(A["a6"], 3, 2, corner + 63, bottom, 64)
    return c


def fam_cols6_boxed(A) -> Composer:
    """6 columns; a boxed article (a frame of rules) beside an open one, and a story below both."""
    c = Composer(Grid(6, em=28, gutter=28))
    g = c.grid
    top = c.page_header(*HEADER, "第5版")
    bottom = PAGE_H - 110
    mid = 2100
    c.article_in(A["a3"], 0, 4, top, mid, 84)
    frame = [g.col_x(4) - 6, top, g.col_x(4) + g.span_w(2) + 6, mid]
    c.frame(frame)
    inset = g.em // 2 + 6
    a = A["a6"]
    c.begin(a)
    y = c.heading(a, g.col_x(4), g.span_w(2), top + inset + 10, 64)
    c.flow(a, [Slot(frame[0] + inset, y, mid - inset)], width=frame[2] - frame[0] - 2 * inset)
    c.hrule(0, 6, mid + 30)
    c.article_in(A["a2"], 0, 6, mid + 63, bottom, 80)
    return c


def fam_cols6_photos(A) -> Composer:
    """6 columns; a photo over 4 columns with its caption below, and a 2-column photo with the caption beside."""
    c = Composer(Grid(6, em=28, gutter=28))
    g = c.grid
    top = c.page_header(*HEADER, "第6版")
    bottom = PAGE_H - 110
    a = without_marker(A["a1"])
    c.begin(a)
    y = c.heading(a, g.col_x(0), g.span_w(6), top, 100)
    ph = [g.col_x(0), y, g.col_x(0) + g.span_w(4), y + 900]
    c.photo(a.id, ph, A["a7"].first("caption").text)
    cap_bottom = c.blocks[-1]["box"][3]
    c.flow(a, [Slot(g.col_x(i), cap_bottom + 40, 2300) for i in range(4)] + [Slot(g.col_x(i), y, 2300) for i in (4, 5)])
    c.hrule(0, 6, 2330)
    b = A["a6"]
    c.begin(b)
    y2 = c.heading(b, g.col_x(0), g.span_w(6), 2363, 72)
    ph2 = [g.col_x(0), y2, g.col_x(0) + g.span_w(2), y2 + 520]
    c.photo(b.id, ph2, "12月9日,医护人员在实验室开展研究。 本报记者 闫淑娟 摄", beside=True)
    c.flow(b, [Slot(g.col_x(i), y2, bottom) for i in (3, 4, 5)])
    return c


def fam_masthead(A) -> Composer:
    """A front page with a banner masthead, edition and date ears, and a page footer: metadata, not text."""
    c = Composer(Grid(5))
    top = c.page_header(
        "晋中日报", "2025年12月11日　星期四", "今日8版　第1版", banner=True, edition="中共晋中市委机关报"
    )
    bottom = c.page_footer("晋中日报社出版　　地址：晋中市榆次区　　责任编辑：王文安　　版式：杨星宇")
    mid = 1950
    c.article_in(A["a2"], 0, 5, top, mid, 96)
    c.hrule(0, 5, mid + 30)
    c.article_in(A["a5"], 0, 3, mid + 63, bottom, 72)
    c.vrule(3, mid + 63, bottom)
    c.article_in(A["a3"], 3, 2, mid + 63, bottom, 60)
    return c


def fam_vertical(A) -> Composer:
    """A headline set vertically at the right of its article (body in columns to its left), as Chinese
    papers do, above a horizontal story."""
    c = Composer(Grid(5))
    g = c.grid
    top = c.page_header(*HEADER, "第7版")
    bottom = PAGE_H - 110
    mid = 1900
    a = A["a5"]
    c.begin(a)
    x_head = c.vertical_heading(a, g.col_x(4) + g.col_w, top + 10, 110)
    c.flow(a, [Slot(g.col_x(i), top, mid) for i in range(4)])
    c.hrule(0, 5, mid + 30)
    c.article_in(A["a6"], 0, 5, mid + 63, bottom, 84)
    assert x_head > g.col_x(3) + g.col_w, "vertical headline overlaps the body"
    return c


def fam_english(A) -> Composer:
    """An English broadsheet page: Latin type, justified with hyphenated line ends, 5 columns."""
    c = Composer(Grid(5, em=34, gutter=34), latin=True)
    top = c.page_header("晋中日报", "2025年12月11日　星期四", "第8版")
    bottom = PAGE_H - 110
    e1, e2, e3 = ENGLISH
    c.article_in(e1, 0, 5, top, 1450, 88)
    c.hrule(0, 5, 1480)
    c.article_in(e2, 0, 3, 1513, bottom, 70)
    c.vrule(3, 1513, bottom)
    c.article_in(e3, 3, 2, 1513, bottom, 60)
    return c


def fam_english_compounds(A) -> Composer:
    """An English tabloid page set in 6 narrow columns, its text full of hyphenated words: a lead story over
    4 columns with a 2-column story beside it behind a column rule, and two stories below over 2 and 4."""
    c = Composer(Grid(6, em=32, gutter=32), latin=True)
    top = c.page_header("晋中日报", "2025年12月11日　星期四", "第9版")
    bottom = PAGE_H - 110
    mid = 2000
    k1, k2, k3, k4 = COMPOUNDS
    c.article_in(k1, 0, 4, top, mid, 84)
    c.vrule(4, top, mid)
    c.article_in(k2, 4, 2, top, mid, 60)
    c.hrule(0, 6, mid + 30)
    c.article_in(k3, 0, 2, mid + 63, bottom, 60)
    c.vrule(2, mid + 63, bottom)
    c.article_in(k4, 2, 4, mid + 63, bottom, 66)
    return c


TABLOID_BODY = LatinStyle("NotoSerif-Regular.ttf", 38, 52)  # large body type for the narrow measure


def tabloid_units(c: Composer, art: Article, width: int, hyphenate: bool, jump=()) -> list[render.Unit]:
    """Column flow of a small paper's story: body type large for the column and justified, hyphenated or
    not (unhyphenated lines get loose, their word spaces wide); jump lines (paragraphs in `jump`) in body
    type, ranged left, unindented."""
    out = []
    for pi, p in enumerate(art.paras):
        if p.role not in ("byline", "body"):
            continue
        st = LATIN_BYLINE if p.role == "byline" else TABLOID_BODY
        plain = p.role == "byline" or pi in jump
        lines = set_latin(
            p.text, st, width, indent_em=0 if plain else 1.5, align="left" if plain else "justify", hyphenate=hyphenate
        )
        for li, line in enumerate(lines):
            line.para, line.first = pi, li == 0
        out += [render.Unit(p.role, [line], st.pitch) for line in lines]
    return out


def fam_english_tabloid(A) -> Composer:
    """An English small-paper tabloid: 6 narrow columns of large body type, loosely justified (two stories
    unhyphenated), two-line centred headlines whose second line is short, a one-line headline, bylines, and
    a jump line ("See FERRY, Page 6") closing the lead story as its own paragraph."""
    c = Composer(Grid(6, em=34, gutter=30), latin=True)
    g = c.grid
    top = c.page_header("晋中日报", "2025年12月11日　星期四", "第10版")
    bottom = PAGE_H - 110
    mid = 1850
    t1, t2, t3, t4 = TABLOID

    def story(art: Article, c0: int, n: int, y0: int, y1: int, px: int, hyphenate: bool, jump=()):
        c.begin(art)
        y = c.heading(art, g.col_x(c0), g.span_w(n), y0, px)
        rest = c.flow(
            art, [Slot(g.col_x(c0 + i), y, y1) for i in range(n)], units=tabloid_units(c, art, g.col_w, hyphenate, jump)
        )
        assert not rest, f"{art.id} does not fit"

    story(t1, 0, 4, top, mid, 84, hyphenate=False, jump={len(t1.paras) - 1})
    c.vrule(4, top, mid)
    story(t2, 4, 2, top, mid, 60, hyphenate=True)
    c.hrule(0, 6, mid + 30)
    story(t3, 0, 2, mid + 63, bottom, 60, hyphenate=True)
    story(t4, 2, 4, mid + 63, bottom, 78, hyphenate=False)
    return c


FAMILIES = {
    "cols4-rules": fam_cols4_rules,
    "cols8-plain": fam_cols8_plain,
    "cols5-lshape": fam_cols5_lshape,
    "cols6-boxed": fam_cols6_boxed,
    "cols6-photos": fam_cols6_photos,
    "masthead": fam_masthead,
    "vertical-headline": fam_vertical,
    "english": fam_english,
    "english-compounds": fam_english_compounds,
    "english-tabloid": fam_english_tabloid,
}


# ---------------------------------------------------------------------------------------------
# The two-page issue: a story on page 1 continued on page 4
def issue_pages(A) -> tuple[Composer, Composer, str]:
    """Page 1 carries a1's start, cut mid-paragraph with （下转第4版）; page 4 carries the rest under the
    repeated headline, starting （上接第1版）. Returns both pages and the joined text of the story."""
    story = without_marker(A["a1"])
    body = [p for p in story.paras if p.role == "body"]
    head = [p for p in story.paras if p.role != "body"]
    p1 = Composer(Grid(5))
    g = p1.grid
    top = p1.page_header(*HEADER, "第1版")
    p1.begin(story, {"direction": "forward", "page": 4})
    y = p1.heading(story, g.col_x(0), g.span_w(5), top, 100)
    split = y + 240  # page 1 holds about half of the story
    slots = [Slot(g.col_x(i), y, split) for i in range(5)]
    # Cut the story where page 1's columns are full, leaving room for the marker on the last line.
    text = "\n\n".join(p.text for p in body)
    lo, hi = 1, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        trial = _story_part(head, text[:mid].rstrip() + " (下转第4版)", "a1")
        lo, hi = (mid, hi) if not _fill(p1.units(trial, g.col_w), [s.y1 - s.y0 for s in slots])[1] else (lo, mid - 1)
    cut = lo
    while (
        text[cut - 1] in "，。、；：,:;" or text[cut] in "，。、；：,:;\n"
    ):  # cut between two characters of a sentence
        cut -= 1
    part1 = _story_part(head, text[:cut] + " (下转第4版)", "a1")
    assert not p1.flow(part1, slots)
    p1.hrule(0, 5, split + 30)
    p1.article_in(A["a2"], 0, 3, split + 63, PAGE_H - 110, 72)
    p1.vrule(3, split + 63, PAGE_H - 110)
    p1.article_in(A["a6"], 3, 2, split + 63, PAGE_H - 110, 60)

    p4 = Composer(Grid(5))
    top = p4.page_header(*HEADER, "第4版")
    part2 = _story_part([p for p in head if p.role == "headline"], "(上接第1版)" + text[cut:], "a1")
    p4.begin(part2, {"direction": "backward", "page": 1})
    y = p4.heading(part2, g.col_x(0), g.span_w(5), top, 80)
    rest = p4.flow(part2, [Slot(g.col_x(i), y, 2000) for i in range(5)])
    assert not rest, "page 4 too small for the rest of the story"
    p4.hrule(0, 5, 2030)
    p4.article_in(A["a4"], 0, 5, 2063, PAGE_H - 110, 72)
    joined = "\n\n".join([p.corpus() for p in head] + text.split("\n\n")) + "\n"
    return p1, p4, joined


def _story_part(head: list[Para], body_text: str, aid: str) -> Article:
    return Article(aid, head + [Para("body", t) for t in body_text.split("\n\n")])


# ---------------------------------------------------------------------------------------------
def check(gt: dict):
    """Self-checks: every line inside the page, no two blocks overlap."""
    for l in gt["lines"]:
        x0, y0, x1, y1 = l["box"]
        assert 0 <= x0 < x1 <= PAGE_W and 0 <= y0 < y1 <= PAGE_H, l
    bx = [(b["id"], b["box"]) for b in gt["blocks"]]
    for i, (ia, a) in enumerate(bx):
        for ib, b in bx[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (gt["image"], ia, ib)


def write_page(c: Composer, out: Path, stem: str, seed: int, scan: bool = True, skew: float = 0.7):
    clean = c.draw(seed)
    gt = c.finish(f"{stem}-clean.png" if scan else f"{stem}.png")
    check(gt)
    out.mkdir(parents=True, exist_ok=True)
    dump = lambda g: json.dumps(g, ensure_ascii=False, indent=1) + "\n"
    if not scan:
        clean.save(out / f"{stem}.png", optimize=True)
        (out / f"{stem}.gt.json").write_text(dump(gt), encoding="utf-8")
        return
    clean.save(out / f"{stem}-clean.png", optimize=True)
    (out / f"{stem}-clean.gt.json").write_text(dump(gt), encoding="utf-8")
    scanned, m = render.simulate_scan(clean, seed, skew)
    (out / f"{stem}-scan.jpg").write_bytes(render.encode_jpeg(scanned, 75, MAX_SCAN_BYTES))
    (out / f"{stem}-scan.gt.json").write_text(dump(render.map_gt(gt, m, f"{stem}-scan.jpg", skew)), encoding="utf-8")


def render_all(only: list[str] | None = None):
    A = corpus_articles()
    for i, (name, fn) in enumerate(FAMILIES.items()):
        if only and name not in only:
            continue
        c = fn(A)
        write_page(c, FAMILY_DIR, name, seed=11 + i, skew=[0.7, -0.6, 0.9, -0.8][i % 4])
        print(f"{name}: {len(c.articles)} articles, {len(c.blocks)} blocks, {len(c.gt_lines)} lines")
    if not only or "issue" in only:
        p1, p4, joined = issue_pages(A)
        write_page(p1, ISSUE_DIR, "p1", seed=5, scan=False)
        write_page(p4, ISSUE_DIR, "p4", seed=6, scan=False)
        (ISSUE_DIR / "issue.gt.txt").write_text(joined, encoding="utf-8")
        print(f"issue: p1 {len(p1.blocks)} blocks, p4 {len(p4.blocks)} blocks")


def evaluate_all(out: Path, engine: str = "ppocr"):
    """Digitize every family page (clean and scan) into `out` and print layout-eval's table."""
    from digitize.export.json import page_json
    from digitize.export.overlay import page_overlay
    from digitize.layout_eval import evaluate_dir, print_report
    from digitize.pipeline import iter_pages

    out.mkdir(parents=True, exist_ok=True)
    for img in sorted(FAMILY_DIR.glob("*-clean.png")) + sorted(FAMILY_DIR.glob("*-scan.jpg")):
        stem = img.stem
        if (out / f"{stem}.json").exists():
            continue
        page = next(iter_pages(img, engine, keep_image=True))
        (out / f"{stem}.json").write_text(page_json(page), encoding="utf-8")
        (out / f"{stem}.overlay.png").write_bytes(page_overlay(page, page.image))
        print(f"digitized {stem}", file=sys.stderr)
    print_report(evaluate_dir(FAMILY_DIR, out))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="family names (and/or 'issue') to render")
    ap.add_argument("--eval", metavar="OUT", help="digitize the family pages into OUT and print the scores")
    args = ap.parse_args(argv)
    if args.eval:
        evaluate_all(Path(args.eval))
    else:
        render_all(args.only)


if __name__ == "__main__":
    main()
