"""Text repair: joins at line and column breaks, paragraphs, continuation markers, punctuation profiles.

Every join between two lines of a text flow is decided here from layout and text together (the fill of
the line before, the indent of the line after, terminal punctuation, the roles of the blocks) and recorded
on the line with its evidence, so that a wrong join can be explained. Paragraphs are read off the joins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import Article, Block, Continuation, Join, JoinKind, Line, Page, Role
from .patterns import (CONTINUATION, CONTINUATION_START, CREDIT, ENGLISH_CONTINUATION, ENGLISH_CONTINUATION_START,
                       LEAD, BYLINE_NAME, NUMERALS, SUBTITLE_DASH, PAGE_NUMBER, DATE)

INDENT_EM = 1.0  # a line starting this far right of its column starts a paragraph (print indents 2 em)
SHORT_EM = 1.2  # a line ending this far left of its column's right edge may end a paragraph
TERMINAL = set("。！？!?…”」』)）】")
FLOW_ROLES = (Role.BODY,)
# Display type is broken between phrases, and the corpus writes a space there.
PHRASE_ROLES = (Role.HEADLINE, Role.KICKER, Role.INTERTITLE)  # roles whose lines run on across blocks (column breaks)


def is_cjk(ch: str) -> bool:
    if not ch:
        return False
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF) or (0xF900 <= o <= 0xFAFF) or (0xFF00 <= o <= 0xFFEF) or (0x3000 <= o <= 0x303F) \
        or ch in "“”‘’—…·"


def _column_extents(page: Page) -> dict[str, tuple[int, int]]:
    """For each body block: the left and right edge of its column, from all body blocks that share it."""
    body = [b for b in page.blocks if b.role in FLOW_ROLES and b.lines]
    extents: dict[str, tuple[int, int]] = {}
    for b in body:
        peers = [o for o in body if min(o.box[2], b.box[2]) - max(o.box[0], b.box[0]) > 0.8 * min(o.box[2] - o.box[0], b.box[2] - b.box[0])]
        extents[b.id] = (min(o.box[0] for o in peers), max(o.box[2] for o in peers))
    return extents


def _text_join(prev: str, nxt: str) -> JoinKind:
    a, b = prev.rstrip()[-1:], nxt.lstrip()[:1]
    if is_cjk(a) or is_cjk(b):
        return JoinKind.CJK
    if prev.rstrip().endswith("-") and len(prev.rstrip()) > 1 and prev.rstrip()[-2].isalpha() and b.isalpha():
        return JoinKind.HYPHEN
    return JoinKind.SPACE


def decide_join(prev: Line, nxt: Line, prev_block: Block, next_block: Block, extents: dict[str, tuple[int, int]], em: float) -> Join:
    kind = _text_join(prev.text, nxt.text)
    if prev_block is not next_block and not (prev_block.role in FLOW_ROLES and next_block.role in FLOW_ROLES):
        return Join(JoinKind.BREAK, f"{prev_block.role.value} block ends, {next_block.role.value} block follows")
    if next_block.role in PHRASE_ROLES:
        return Join(JoinKind.SPACE, f"{next_block.role.value} lines break between phrases")
    if next_block.role not in FLOW_ROLES:
        return Join(kind, f"lines of one {next_block.role.value} block")
    left = extents.get(next_block.id, (next_block.box[0], next_block.box[2]))[0]
    right = extents.get(prev_block.id, (prev_block.box[0], prev_block.box[2]))[1]
    indent = (nxt.box[0] - left) / em
    short = (right - prev.box[2]) / em
    where = "column break" if prev_block is not next_block else "line break"
    if indent >= INDENT_EM:
        return Join(JoinKind.BREAK, f"{where}: next line indented {indent:.1f} em")
    last = prev.text.rstrip()[-1:]
    if short >= SHORT_EM and (last in TERMINAL or CONTINUATION.search(prev.text)):
        return Join(JoinKind.BREAK, f"{where}: line ends {short:.1f} em short after {last!r}")
    return Join(kind, f"{where}: line filled to {short:.1f} em of the edge, next not indented ({indent:.1f} em)")


def join_lines(page: Page) -> Page:
    """Decide and record the join after every line of every article's text flow."""
    em = page.text_size_px or 30.0
    extents = _column_extents(page)
    for article in page.articles:
        flow = [(line, block) for block in article.blocks if block.role.has_text for line in block.lines]
        for (prev, pb), (nxt, nb) in zip(flow, flow[1:]):
            prev.join = decide_join(prev, nxt, pb, nb, extents, em)
        if flow:
            flow[-1][0].join = None
    return page


# --- paragraphs ------------------------------------------------------------------------------------


@dataclass
class Paragraph:
    role: Role
    text: str
    block_ids: list[str]


def glue(kind: JoinKind, left: str, right: str) -> str:
    """Two pieces of text joined as ``kind`` says."""
    left, right = left.rstrip(), right.lstrip()
    if kind is JoinKind.HYPHEN:
        return left[:-1] + right
    if kind is JoinKind.SPACE:
        return f"{left} {right}"
    return left + right


def article_paragraphs(article: Article) -> list[Paragraph]:
    """The article's text as paragraphs, read off the recorded joins."""
    paragraphs: list[Paragraph] = []
    current: Paragraph | None = None
    for block in article.blocks:
        if not block.role.has_text:
            continue
        for line in block.lines:
            if current is None:
                current = Paragraph(block.role, line.text.strip(), [block.id])
            else:
                current.text = glue(pending, current.text, line.text)
                if block.id not in current.block_ids:
                    current.block_ids.append(block.id)
            if line.join is None or line.join.kind is JoinKind.BREAK:
                paragraphs.append(current)
                current = None
            else:
                pending = line.join.kind
    if current is not None:
        paragraphs.append(current)
    return [p for p in paragraphs if p.text]


# --- continuation markers ----------------------------------------------------------------------------

def page_label(raw: str) -> str:
    raw = unicodedata.normalize("NFKC", raw)
    if raw and all(c in NUMERALS for c in raw):
        if len(raw) == 1:
            return str(NUMERALS[raw])
        tens, _, units = raw.partition("十")
        return str((NUMERALS.get(tens, 1) if tens else 1) * 10 + (NUMERALS.get(units, 0) if units else 0))
    return raw.upper()


def find_continuations(page: Page) -> Page:
    """Record each continuation marker on its article as structured data (direction, page)."""
    for article in page.articles:
        article.continuations = []
        for para in article_paragraphs(article):
            if para.role is not Role.BODY:
                continue
            for regex, direction in ((CONTINUATION, None), (ENGLISH_CONTINUATION, "forward")):
                m = regex.search(para.text)
                if m:
                    d = direction or ("forward" if m.group("verb") in ("下转", "转") else "backward")
                    article.continuations.append(Continuation(d, page_label(m.group("page")), m.group(0).strip(), para.block_ids[-1]))
            for regex in (CONTINUATION_START, ENGLISH_CONTINUATION_START):
                m = regex.match(para.text)
                if m:
                    article.continuations.append(Continuation("backward", page_label(m.group("page")), m.group(0).strip(), para.block_ids[0]))
    return page


def fix_subtitle_dashes(page: Page) -> None:
    """A subtitle opens with ——, which OCR reads as 一一 or a single dash at times: write it as printed."""
    for block in page.blocks:
        if block.role is Role.SUBTITLE and block.lines:
            line = block.lines[0]
            m = SUBTITLE_DASH.match(line.text)
            if m and line.text[: m.end()] != "——":
                dash = line.text[: m.end()].replace(" ", "")
                line.text = "——" + line.text[m.end():]
                if len(dash) == 2 and len(line.glyphs) >= 2:
                    for g in line.glyphs[:2]:
                        g.text = "—"


def read_page_header(page: Page) -> None:
    """Page-header facts as metadata, not text: the paper's name, the date and the printed page label."""
    header = sorted((b for b in page.blocks if b.role is Role.PAGE_HEADER), key=lambda b: -(b.style.size_px if b.style else 0))
    if not header:
        return
    text = " ".join(b.text for b in header)
    if header[0].text.strip():
        page.metadata["title"] = header[0].text.strip()
    if m := DATE.search(text):
        page.metadata["date"] = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    if m := PAGE_NUMBER.search(text):
        page.label = page_label(m["page"])


def repair(page: Page) -> Page:
    read_page_header(page)
    fix_subtitle_dashes(page)
    join_lines(page)
    find_continuations(page)
    return page


# --- punctuation profiles ------------------------------------------------------------------------------

PROFILES = ("corpus", "original", "ascii")
_TO_ASCII = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "\u3000": " "})
_TO_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})
_ASCII_EXTRA = str.maketrans({"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "《": "<", "》": ">",
                              "！": "!", "？": "?", "…": "...", "·": "."})


def _half_width(text: str) -> str:
    """Full-width digits and Latin letters to ASCII (U+FF10–FF5A), which is how the corpus writes them."""
    return "".join(chr(ord(c) - 0xFEE0) if "０" <= c <= "９" or "Ａ" <= c <= "Ｚ" or "ａ" <= c <= "ｚ" else c for c in text)


def _squeeze_cjk_spaces(text: str) -> str:
    """No space between two CJK characters inside running text (OCR sometimes reads a wide gap as one)."""
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef“”‘’])\s+(?=[\u3000-\u9fff\uff00-\uffef“”‘’])", "", text)


def format_paragraph(para: Paragraph, profile: str = "corpus") -> str:
    """One paragraph in the chosen punctuation profile, with the corpus's spacing conventions."""
    if profile not in PROFILES:
        raise ValueError(f"unknown punctuation profile {profile!r} (choose from {', '.join(PROFILES)})")
    text = _half_width(para.text.strip())
    text = re.sub(r"\s+", " ", text)
    if para.role is Role.BODY:
        text = _squeeze_cjk_spaces(text)
    if para.role is Role.CAPTION:
        m = CREDIT.search(text)
        if m:
            names = " ".join(m.group(2).split())
            text = _squeeze_cjk_spaces(text[: m.start()]) + f" {m.group(1)} {names} 摄"
        else:
            text = _squeeze_cjk_spaces(text)
    if para.role is Role.BYLINE:
        m = BYLINE_NAME.match(text.replace("\u3000", " "))
        if m:
            text = f"{m.group(1)} {''.join(m.group(2).split())}"
    text = text.translate(_TO_ASCII)
    # Conventions of the corpus format: a space before the lead's parenthesis and before a closing marker.
    text = LEAD.sub(lambda m: m.group(1) + " (", text)
    text = CONTINUATION.sub(lambda m: " (" + m.group(0).strip().strip("（()）【】[]〔〕 ").replace(" ", "") + ")", text)
    text = re.sub(r"\s+\(", " (", text).strip()
    if profile == "original":
        text = text.translate(_TO_FULL)
        text = LEAD.sub(lambda m: m.group(1) + "（", text.replace("本报讯 （", "本报讯（"))
        text = re.sub(r"\s（(下转|转)", r"（\1", text)
    elif profile == "ascii":
        text = text.translate(_ASCII_EXTRA).replace("——", "--")
    return text


def paragraph_line(para: Paragraph, profile: str = "corpus") -> str:
    """A paragraph as a line of the corpus format, with its heading prefix."""
    text = format_paragraph(para, profile)
    if para.role is Role.HEADLINE:
        return "## " + text
    if para.role in (Role.KICKER, Role.INTERTITLE):
        return "### " + text
    return text
