#!/usr/bin/env python3
"""A born-digital PDF of the `english` family page, for layout on text-layer input.

    samples/textlayer.py        write samples/families/english-textlayer.pdf and english-textlayer.gt.json

The page is composed exactly as samples/families.py composes `english` (same Composer, same line breaks,
same glyph positions), then typeset with fpdf2 as real text instead of pixels: A4, every printed line at its
ground-truth box (px at 300 dpi -> mm), in the font the renderer used (Noto Serif for body and headlines,
Noto Sans Bold for bylines, Noto CJK SC for the page header), each word at the x the justified line gave it
(followed by its space, as most producers write it), the rules as filled rectangles. The ground truth is the
english-clean one with `image` pointing at the PDF. The output is deterministic (fixed dates, no random ids).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from io import BytesIO
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import families  # noqa: E402
import render  # noqa: E402

STEM = "english-textlayer"
PX_MM = 25.4 / 300  # one 300 dpi pixel in mm
PX_PT = 72 / 300  # one 300 dpi pixel in pt
FIXED_DATE = dt.datetime(2025, 12, 11, 0, 0, 0, tzinfo=dt.UTC)


def cjk_truetype(path: Path, text: str) -> BytesIO:
    """The collection's Simplified Chinese face, cut down to `text` and converted from CFF to TrueType
    outlines. fpdf2 embeds a CID-keyed CFF font with an /Encoding CMap stream that pdfminer (so pdfplumber)
    does not read: its characters would be drawn but missing from the text layer. A TrueType font is
    embedded with /Identity-H, which every reader decodes."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(path), fontNumber=cjk_face_index(path), recalcTimestamp=False)
    opts = subset.Options()
    opts.layout_features, opts.notdef_outline, opts.desubroutinize = [], True, True
    sub = subset.Subsetter(opts)
    sub.populate(text=text)
    sub.subset(font)
    order = font.getGlyphOrder()
    gs = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(gs)
        gs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for k in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, k, 1 if k == "maxZones" else 0)
    for k in ("maxPoints", "maxContours", "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, k, 0)
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    out = BytesIO()
    font.save(out)
    out.seek(0)
    return out


def cjk_face_index(path: Path) -> int:
    """The Simplified Chinese face of a Noto CJK collection, found as samples/render.py finds it."""
    from PIL import ImageFont

    for idx in range(10):
        if ImageFont.truetype(str(path), 10, index=idx).getname()[0].endswith("CJK SC"):
            return idx
    raise RuntimeError(f"no SC face in {path}")


class Typesetter:
    def __init__(self, cjk_text: str = ""):
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_creation_date(FIXED_DATE)
        pdf.set_producer("digitize samples/textlayer.py")
        pdf.set_title("english family page (born-digital)")
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.add_page()
        self.pdf, self.fonts, self.cjk_text = pdf, {}, cjk_text
        self.tmp = tempfile.TemporaryDirectory()

    def font(self, file: str, size_px: float):
        if file not in self.fonts:
            name = Path(file).stem.replace("-", "")
            if file.endswith(".ttc"):
                ttf = Path(self.tmp.name) / f"{name}.ttf"
                ttf.write_bytes(cjk_truetype(render.FONT_DIR / file, self.cjk_text).getvalue())
                self.pdf.add_font(name, "", str(ttf))
            else:
                self.pdf.add_font(name, "", str(families.LATIN_DIR / file))
            self.fonts[file] = name
        self.pdf.set_font(self.fonts[file], "", size_px * PX_PT)

    def line(self, line: render.Line):
        """One printed line, word by word at the glyph positions the composer gave it (baseline as
        render.draw_line puts it: 0.88 em below the em box top)."""
        st = line.style
        self.font(st.file, st.size)
        base = (line.y + 0.88 * st.size) * PX_MM
        words, cur = [], []
        for g in line.glyphs:
            if g.ch in " \u3000":
                if cur:
                    words.append(cur)
                cur = []
            else:
                cur.append(g)
        if cur:
            words.append(cur)
        cjk = st.file.endswith(".ttc")
        for wi, word in enumerate(words):
            if cjk:  # full-width cells: each glyph on its own, centred in its cell as draw_line does
                for g in word:
                    adv = st.font.getlength(g.ch)
                    x = line.x + g.x + (max(0.0, g.w - adv) / 2 if adv < g.w - 0.5 else 0)
                    self.pdf.text(x * PX_MM, base, g.ch)
                continue
            text = "".join(g.ch for g in word) + (" " if wi < len(words) - 1 else "")
            self.pdf.text((line.x + word[0].x) * PX_MM, base, text)

    def rule(self, r):
        x0, y0, x1, y1 = r
        self.pdf.rect(x0 * PX_MM, y0 * PX_MM, (x1 - x0) * PX_MM, (y1 - y0) * PX_MM, style="F")

    def output(self) -> bytes:
        try:
            return bytes(self.pdf.output())
        finally:
            self.tmp.cleanup()


def build() -> tuple[bytes, dict]:
    c = families.fam_english(families.corpus_articles())
    gt = c.finish(f"{STEM}.pdf")
    clean = json.loads((families.FAMILY_DIR / "english-clean.gt.json").read_text(encoding="utf-8"))
    clean["image"] = gt["image"]
    # the composition must be the committed english-clean page's (JSON round trip: tuples -> lists)
    assert json.loads(json.dumps(gt, ensure_ascii=False)) == clean, "english family drifted from english-clean.gt.json"
    assert not c.photos and not c.vertical
    ts = Typesetter("".join(l.text for l in c.lines if l.style.file.endswith(".ttc")))
    for line in c.lines:
        ts.line(line)
    ts.pdf.set_fill_color(0)
    for r in c.rules:
        ts.rule(r)
    return ts.output(), clean


def main():
    pdf, gt = build()
    out = families.FAMILY_DIR
    (out / f"{STEM}.pdf").write_bytes(pdf)
    (out / f"{STEM}.gt.json").write_text(json.dumps(gt, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{STEM}.pdf: {len(pdf)} bytes, {len(gt['blocks'])} blocks, {len(gt['lines'])} lines")


if __name__ == "__main__":
    main()
