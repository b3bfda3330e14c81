"""Text repair: joins at line and column breaks, paragraphs, continuation markers, punctuation profiles.

Every join between two lines of a text flow is decided here from layout and text together (the fill of
the line before, the indent of the line after, terminal punctuation, the roles of the blocks) and recorded
on the line with its evidence, so that a wrong join can be explained. Paragraphs are read off the joins.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from .model import Article, Block, Continuation, Join, JoinKind, Line, Page, PageSource, Role, box_iou, glue
from .patterns import (BYLINE_NAME, CJK_FORWARD_VERBS, CONTINUATION, CONTINUATION_START, CREDIT, DATE,
                       ENGLISH_CONTINUATION, ENGLISH_CONTINUATION_START, ENGLISH_DATES, ENGLISH_PAGE_NUMBER, LEAD,
                       LINE_HYPHENS, MONTHS, NUMERALS, PAGE_NUMBER, SUBTITLE_DASH, WEEKDAY, is_cjk, mostly_latin)

INDENT_EM = 1.0  # a line starting this far right of its column starts a paragraph (print indents 2 em)
SHORT_EM = 1.2  # a line ending this far left of its column's right edge may end a paragraph
# A page indents its paragraphs when at least this many, and this share, of its short lines after a full stop
# are followed by an indented line.
INDENTED_PAGE_MIN = 5
INDENTED_PAGE_SHARE = 0.8
TERMINAL = set("。！？!?…”」』)）】.")
FLOW_ROLES = (Role.BODY,)
# Display type is broken between phrases, and the corpus writes a space there.
PHRASE_ROLES = (Role.HEADLINE, Role.KICKER, Role.INTERTITLE)  # roles whose lines run on across blocks (column breaks)


def _column_extents(page: Page) -> dict[str, tuple[int, int]]:
    """For each body block: the left and right edge of its column, from all body blocks that share it."""
    body = [b for b in page.blocks if b.role in FLOW_ROLES and b.lines]
    extents: dict[str, tuple[int, int]] = {}
    for b in body:
        peers = [o for o in body if min(o.box[2], b.box[2]) - max(o.box[0], b.box[0]) > 0.8 * min(o.box[2] - o.box[0], b.box[2] - b.box[0])]
        extents[b.id] = (min(o.box[0] for o in peers), max(o.box[2] for o in peers))
    return extents


# --- what joins two pieces of text ---------------------------------------------------------------------

CONTEXT = 10  # characters each side of a break that decide whether it sits in CJK or Latin text
# Dehyphenation by word frequency (wordfreq's Zipf scale: 3 = once per million words). A joined word this
# common is a word; otherwise it must be about as common as the hyphenated form, whose frequency wordfreq
# estimates from its parts (an overestimate: "some" + "one" beats "someone"), hence the margin. Calibrated on
# every split of the 3000 commonest long English words (all dehyphenated) and tests/hyphenated_words.py (all kept:
# its commonest closed form is "wellbeing", 3.5). Between two common words the spelling is house style ("postwar"
# and "post-war" are both English) that frequencies cannot settle; the text's own spelling, when it has one, does.
COMMON_ZIPF = 3.6
ZIPF_MARGIN = 1.0


# Latin-script languages told apart by which word list knows the text's words best (wordfreq).
LATIN_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")
MIN_LANGUAGE_ZIPF = 3.0  # a text's words this common on average in the best list: that is its language


def guess_language(text: str) -> str:
    """The language of a block, as ALTO LANG and NewsML want it: from the script (kana ``ja``, hangul ``ko``,
    Han ``zh``), and for Latin text the word list that knows its words best; ``und`` when undetermined."""
    if any("\u3040" <= c <= "\u30ff" for c in text):
        return "ja"
    if any("\uac00" <= c <= "\ud7af" for c in text):
        return "ko"
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return "zh"
    words = [w.lower() for w in LATIN_WORD.findall(text)][:40]  # enough to tell the language
    if len(words) < 2:
        return "und"
    mean = {lang: sum(_zipf(w, lang) for w in words) / len(words) for lang in LATIN_LANGUAGES}
    best = max(mean, key=mean.get)
    return best if mean[best] >= MIN_LANGUAGE_ZIPF else "und"


def wordfreq_lang(language: str) -> str:
    """The word list for a block's language; English for CJK blocks, whose Latin words are mostly English."""
    base = (language or "en").split("-")[0].lower()
    return "en" if base in ("zh", "ja", "ko", "und") else base


def _zipf(word: str, lang: str) -> float:
    from wordfreq import zipf_frequency  # loading the word list costs a moment; only Latin pages need it

    return zipf_frequency(word, lang)


# A Latin word, with the hyphens inside it ("well-known", "state-of-the-art").
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:[-\u2010][A-Za-z\u00c0-\u024f0-9]+)*")


def written_words(texts: Iterable[str]) -> Counter:
    """How often a text writes each Latin word whole (lowercased, inner hyphens kept), from its lines in
    reading order. The pieces either side of a line-end hyphen are left out: they are what is in question."""
    counts: Counter = Counter()
    after_hyphen = False
    for text in texts:
        text = text.strip()
        words = LATIN_WORD.findall(text)
        ends_hyphen = bool(text) and text[-1] in LINE_HYPHENS
        if after_hyphen and words and text.startswith(words[0]):
            words = words[1:]
        if ends_hyphen and words and text[:-1].endswith(words[-1]):
            words = words[:-1]
        counts.update(w.lower() for w in words)
        after_hyphen = ends_hyphen
    return counts


def _alnum_runs(text: str) -> list[str]:
    """The runs of letters and digits in ``text`` outside CJK characters."""
    return [run for run in re.split(r"[\W_]+", "".join(" " if is_cjk(c) else c for c in text)) if run]


def hyphen_join(left_word: str, right_word: str, lang: str = "en", seen: Counter | None = None) -> Join:
    """Whether a line-end hyphen is a soft one (``HYPHEN``: dropped) or part of the word (``HYPHEN_KEPT``).
    ``left_word`` is the last word of the line with its hyphen, ``right_word`` the first of the next line;
    ``seen`` counts the words the document writes whole elsewhere (``written_words``): its own spelling of
    the word decides where the rules of thumb do not."""
    # the pieces either side of this hyphen only: "the" and "art" in "state-of-the-" + "art,", "well" and
    # "known" in "使用well-" + "known的方法"
    left = (_alnum_runs(left_word.rstrip(LINE_HYPHENS)) or [""])[-1]
    right = (_alnum_runs(right_word) or [""])[0]
    pair = f"{left}-{right}"
    kept = lambda why: Join(JoinKind.HYPHEN_KEPT, f"hyphen kept: {why}")
    if not left or not right:
        return kept(f"nothing to join in {pair!r}")
    if any(c.isdigit() for c in left + right):
        return kept(f"digits in {pair!r}")
    if right[0].isupper() and not (left.isupper() and right.isupper()):
        return kept(f"capital after it in {pair!r}")
    if len(left) > 1 and left.isupper() and not right.isupper():
        return kept(f"abbreviation before it in {pair!r}")
    if len(left) == 1:
        return kept(f"single-letter prefix in {pair!r}")
    if seen:
        before = LATIN_WORD.findall(left_word)
        after = LATIN_WORD.findall(right_word)
        stem, tail = (before[-1] if before else left).lower(), (after[0] if after else right).lower()
        closed, hyphenated = stem + tail, f"{stem}-{tail}"
        if seen[closed] != seen[hyphenated]:
            counts = f"the text writes {closed!r} {seen[closed]}× and {hyphenated!r} {seen[hyphenated]}× elsewhere"
            return Join(JoinKind.HYPHEN, f"dehyphenated: {counts}") if seen[closed] > seen[hyphenated] else kept(counts)
    joined, hyphenated = _zipf(left + right, lang), _zipf(pair, lang)
    figures = f"zipf {left + right!r} {joined:.1f}, {pair!r} {hyphenated:.1f}"
    if joined >= COMMON_ZIPF or (joined > 0 and joined >= hyphenated - ZIPF_MARGIN):
        return Join(JoinKind.HYPHEN, f"dehyphenated: {figures}")
    if joined == 0 and hyphenated == 0:
        return Join(JoinKind.HYPHEN, f"dehyphenated: neither form is a known word ({figures})")
    return kept(figures)


def latin_hyphen_break(left: str, right: str) -> bool:
    """Whether ``left`` ends a Latin word with a hyphen and ``right`` goes on with a Latin letter or digit:
    the one break where a hyphen may be soft (a CJK character before the hyphen leaves no word to rejoin)."""
    left, right = left.rstrip(), right.lstrip()
    return (len(left) > 1 and left[-1] in LINE_HYPHENS and left[-2].isalnum() and not is_cjk(left[-2])
            and right[:1].isalnum() and not is_cjk(right[:1]))


def text_join(prev: str, nxt: str, lang: str = "en", seen: Counter | None = None) -> Join:
    """How two pieces of running text join when nothing ends a paragraph between them: CJK text (and Latin
    words or numbers inside it, "5G", "2025年") with nothing between, Latin words with a space, a Latin
    word broken at a hyphen by ``hyphen_join`` (``seen``: the document's own words, ``written_words``)."""
    left, right = prev.rstrip(), nxt.lstrip()
    a, b = left[-1:], right[:1]
    if latin_hyphen_break(left, right):
        return hyphen_join(left.split()[-1], right.split()[0], lang, seen)
    if is_cjk(a) or is_cjk(b):
        return Join(JoinKind.CJK, f"CJK at the break ({a!r}|{b!r})")
    context = left[-CONTEXT:] + right[:CONTEXT]
    cjk = sum(is_cjk(c) for c in context)
    latin = sum(c.isascii() and c.isalpha() for c in context)
    if cjk >= latin and cjk:
        return Join(JoinKind.CJK, f"Latin or digits inside CJK text ({a!r}|{b!r})")
    return Join(JoinKind.SPACE, f"Latin words ({a!r}|{b!r})")


def _edges(block: Block, extents: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """Left and right edge a block's lines are set to: its column's, but its own where it is narrower (text
    set beside a boxed item or photo), which shows once it has a few lines."""
    left, right = extents.get(block.id, (block.box[0], block.box[2]))
    if len(block.lines) >= 3:
        left, right = max(left, block.box[0]), min(right, block.box[2])
    return left, right


def _indent_and_shortfall(prev: Line, nxt: Line, prev_block: Block, next_block: Block,
                          extents: dict[str, tuple[int, int]], em: float) -> tuple[float, float]:
    """How far (em) the next line starts right of its column's left edge, and the line before ends left of
    its column's right edge."""
    return (nxt.box[0] - _edges(next_block, extents)[0]) / em, (_edges(prev_block, extents)[1] - prev.box[2]) / em


def _ends_sentence(line: Line) -> bool:
    return line.text.rstrip()[-1:] in TERMINAL or bool(CONTINUATION.search(line.text))


def indents_paragraphs(flows: list[list[tuple[Line, Block]]], extents: dict[str, tuple[int, int]], em: float) -> bool:
    """Whether the page opens its paragraphs with an indent: nearly every body line that ends short after a
    full stop is followed by an indented line. Then a short line followed by one that is not indented is a
    line the typesetter could not fill (a long word went over), not a paragraph's end."""
    ends = indented = 0
    for flow in flows:
        for (prev, pb), (nxt, nb) in zip(flow, flow[1:]):
            if pb.role in FLOW_ROLES and nb.role in FLOW_ROLES and _ends_sentence(prev) and not jump_line(nxt.text):
                indent, short = _indent_and_shortfall(prev, nxt, pb, nb, extents, em)
                if short >= SHORT_EM:
                    ends += 1
                    indented += indent >= INDENT_EM
    return indented >= INDENTED_PAGE_MIN and indented >= INDENTED_PAGE_SHARE * ends


def decide_join(prev: Line, nxt: Line, prev_block: Block, next_block: Block, extents: dict[str, tuple[int, int]], em: float,
                seen: Counter | None = None, indented_page: bool = False) -> Join:
    if prev_block is not next_block and not (prev_block.role in FLOW_ROLES and next_block.role in FLOW_ROLES):
        return Join(JoinKind.BREAK, f"{prev_block.role.value} block ends, {next_block.role.value} block follows")
    if jump_line(prev.text) or jump_line(nxt.text):
        return Join(JoinKind.BREAK, "a jump line (\"See BRIDGE, Page A4\") stands apart")
    text = text_join(prev.text, nxt.text, wordfreq_lang(next_block.language), seen)
    if next_block.role in PHRASE_ROLES:
        # Display type breaks between phrases, except where a full line runs on into a shorter last one.
        width = lambda line: line.box[2] - line.box[0]
        full = width(prev) > next_block.box[2] - next_block.box[0] - 0.5 * prev.height
        if full and width(nxt) < width(prev) - prev.height:
            return Join(text.kind, f"{next_block.role.value}: a full line runs on into a shorter one; {text.evidence}")
        return Join(JoinKind.SPACE, f"{next_block.role.value} lines break between phrases")
    if next_block.role not in FLOW_ROLES:
        return Join(text.kind, f"lines of one {next_block.role.value} block; {text.evidence}")
    indent, short = _indent_and_shortfall(prev, nxt, prev_block, next_block, extents, em)
    where = "column break" if prev_block is not next_block else "line break"
    if indent >= INDENT_EM:
        return Join(JoinKind.BREAK, f"{where}: next line indented {indent:.1f} em")
    last = prev.text.rstrip()[-1:]
    if short >= SHORT_EM and _ends_sentence(prev):
        if not indented_page:
            return Join(JoinKind.BREAK, f"{where}: line ends {short:.1f} em short after {last!r}")
        return Join(text.kind, f"{where}: line ends {short:.1f} em short after {last!r}, but the page indents its "
                               f"paragraphs and the next line is not ({indent:.1f} em); {text.evidence}")
    return Join(text.kind, f"{where}: line filled to {short:.1f} em of the edge, next not indented ({indent:.1f} em); "
                           f"{text.evidence}")


# Word spaces PP-OCR's recogniser leaves out of widely justified Latin lines ("feltbright", "includingstraw")
# show in the glyph boxes, whose widths are about even whatever the letter. Measured on the English pages of
# samples/families (gap between two glyphs × line height): inside words under 0.23 (99.9th percentile), after
# the wide "m" up to 0.41, hence its allowance; the missing spaces 0.3–1.4. A gap from WEAK_GAP on may be a
# space; which of them are is chosen with the lexicon (``_segment``), a gap from WORD_GAP on counting more.
WORD_GAP = 0.45
WEAK_GAP = 0.25
WIDE_LETTERS = {"m": 0.25, "M": 0.25}
KNOWN_ZIPF = 2.0
# Scores of a segmentation, in log10 word frequency (a known word scores zipf − 9): a cut at a gap earns
# these, a piece no word costs UNKNOWN_WORD, the first part of a word hyphenated at the line end costs
# FRAGMENT plus FRAGMENT_PER_CHAR a character (a long "fragment" is more likely words run together).
CUT_AT_GAP, CUT_AT_WORD_GAP = 2.0, 4.0
UNKNOWN_WORD = -20.0
FRAGMENT, FRAGMENT_PER_CHAR = -4.0, -0.5
_PUNCTUATION = ".,;:!?\"'()[]“”‘’"


def _known(piece: str, lang: str) -> bool:
    """Every word in ``piece`` is one the lexicon knows."""
    words = LATIN_WORD.findall(piece)
    return bool(words) and all(_zipf(w.lower(), lang) >= KNOWN_ZIPF for w in words)


def _one_known_word(token: str, lang: str) -> bool:
    """``token`` is one word the lexicon knows, with punctuation around it at most ("auditorium,")."""
    core = token.strip(_PUNCTUATION)
    return bool(LATIN_WORD.fullmatch(core)) and _known(core, lang)


def _piece_score(piece: str, lang: str) -> float:
    core = piece.strip(_PUNCTUATION)
    if core.endswith(tuple(LINE_HYPHENS)) and LATIN_WORD.fullmatch(core[:-1] or "-"):
        return FRAGMENT + FRAGMENT_PER_CHAR * len(core)
    if not LATIN_WORD.fullmatch(core):
        return 0.0 if not any(c.isalpha() for c in core) else UNKNOWN_WORD  # numbers and marks stand as read
    zipf = _zipf(core.lower(), lang)
    return zipf - 9 if zipf > 0 else UNKNOWN_WORD


def _segment(token: str, gaps: list[float], lang: str) -> list[str]:
    """The token cut at the subset of its wide gaps that reads best: common words, few unknown pieces, a cut
    where the glyphs stand apart (dynamic programming over the candidate cuts)."""
    candidates = [i for i in range(1, len(token)) if gaps[i] >= WEAK_GAP]
    points = [0, *candidates, len(token)]
    best: dict[int, tuple[float, list[int]]] = {0: (0.0, [])}
    for j in range(1, len(points)):
        end = points[j]
        bonus = 0.0 if end == len(token) else (CUT_AT_WORD_GAP if gaps[end] >= WORD_GAP else CUT_AT_GAP)
        best[j] = max((best[i][0] + _piece_score(token[points[i]:end], lang) + bonus, best[i][1] + [end])
                      for i in range(j))
    return _cut(token, best[len(points) - 1][1][:-1])


def restore_word_spaces(line: Line, lang: str) -> None:
    """Put back the word spaces the recogniser left out of a Latin line, from its glyph boxes (which stand for
    the line's non-space characters, so the text gains spaces and the glyphs stay), and take out the ones it
    put inside a word."""
    chars = [c for c in line.text if not c.isspace()]
    if not mostly_latin(line.text) or len(chars) != len(line.glyphs) or len(chars) < 2:
        return
    gap = [0.0] + [(line.glyphs[k].box[0] - line.glyphs[k - 1].box[2]) / max(1, line.height) - WIDE_LETTERS.get(chars[k - 1], 0.0)
                   for k in range(1, len(chars))]
    out, k = [], 0
    for token in line.text.split():
        gaps = gap[k: k + len(token)]
        k += len(token)
        if max(gaps[1:], default=0.0) < WEAK_GAP or _one_known_word(token, lang):
            out.append(token)
        else:
            out += _segment(token, gaps, lang)
    out = _merge_split_words(out, lang)
    text = " ".join(out)
    if text.split() != line.text.split():
        line.text = text


def _merge_split_words(tokens: list[str], lang: str) -> list[str]:
    """Two tokens the recogniser split inside a word ("au ditorium"): one of them no word, the two together
    one the lexicon knows."""
    out: list[str] = []
    for token in tokens:
        if out and not out[-1].endswith(tuple(LINE_HYPHENS)):
            merged = out[-1] + token
            if _one_known_word(merged, lang) and not (_known(out[-1], lang) and _known(token, lang)):
                out[-1] = merged
                continue
        out.append(token)
    return out


def _cut(token: str, at: list[int]) -> list[str]:
    bounds = [0, *at, len(token)]
    return [token[a:b] for a, b in zip(bounds, bounds[1:])]


def join_lines(page: Page) -> Page:
    """Decide and record the join after every line of every article's text flow."""
    em = page.text_size_px or 30.0
    extents = _column_extents(page)
    flows = [[(line, block) for block in article.blocks if block.role.has_text for line in block.lines]
             for article in page.articles]
    seen = written_words(line.text for flow in flows for line, _ in flow)
    indented_page = indents_paragraphs(flows, extents, em)
    for flow in flows:
        for (prev, pb), (nxt, nb) in zip(flow, flow[1:]):
            prev.join = decide_join(prev, nxt, pb, nb, extents, em, seen, indented_page)
        if flow:
            flow[-1][0].join = None
    return page


# --- paragraphs ------------------------------------------------------------------------------------


@dataclass
class Paragraph:
    role: Role
    text: str
    block_ids: list[str]


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


@dataclass
class Marker:
    """A continuation marker found in a paragraph's text."""

    direction: str  # "forward" or "backward"
    page: str  # normalized page label: "4", "A4" (Chinese numerals as digits)
    keyword: str  # the English jump word ("TAXES" in "See TAXES, Page 4"), else ""
    text: str  # as printed
    start: int  # its span in the paragraph
    end: int


def find_markers(text: str) -> list[Marker]:
    """The continuation markers of one paragraph: one at its start (continued from another page) and one at
    its end (continued on another page, or, as some papers print it, from one)."""
    found: list[Marker] = []
    for regex in (CONTINUATION_START, ENGLISH_CONTINUATION_START):
        if m := regex.match(text):
            found.append(Marker("backward", page_label(m["page"]), m.groupdict().get("key") or "", m[0].strip(),
                                m.start(), m.end()))
            break
    for regex in (CONTINUATION, ENGLISH_CONTINUATION):
        m = regex.search(text)
        if m and not (found and m.start() < found[0].end):  # a paragraph that is only a marker has one
            verb = "".join((m.groupdict().get("verb") or "").split())
            direction = "backward" if regex is CONTINUATION and verb not in CJK_FORWARD_VERBS else "forward"
            found.append(Marker(direction, page_label(m["page"]), m.groupdict().get("key") or "", m[0].strip(),
                                m.start(), m.end()))
            break
    return found


def only_a_marker(text: str) -> bool:
    """The text is one continuation marker and nothing else."""
    markers = find_markers(text.strip())
    return len(markers) == 1 and markers[0].text == text.strip()


def jump_line(text: str) -> bool:
    """A line that is an English continuation marker and nothing else. Chinese markers run on inline, as the
    corpus writes them (" (下转第4版)"), so only Latin jump lines stand apart."""
    return only_a_marker(text) and not any(is_cjk(c) for c in text)


def type_jump_lines(page: Page) -> None:
    """A block in display type that holds a continuation marker and nothing else ("See BRIDGE, Page A4" set
    in bold, read as an intertitle) is a continuation marker. Typed before the joins are decided."""
    for block in page.blocks:
        if block.role in (Role.BODY, Role.CONTINUATION, Role.PAGE_HEADER, Role.PAGE_FOOTER) or not block.role.has_text:
            continue
        texts = [line.text.strip() for line in block.lines]
        if only_a_marker("".join(texts)) or only_a_marker(" ".join(texts)):
            block.role = Role.CONTINUATION


def find_continuations(page: Page) -> Page:
    """Record each continuation marker on its article as structured data (direction, page)."""
    for article in page.articles:
        article.continuations = []
        for para in article_paragraphs(article):
            if para.role not in (Role.BODY, Role.CONTINUATION):
                continue
            for marker in find_markers(para.text):
                block_id = para.block_ids[0] if marker.start == 0 else para.block_ids[-1]
                article.continuations.append(Continuation(marker.direction, marker.page, marker.text, block_id))
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
    title = header[0].text  # the largest type: the paper's name, with the date and page when set in one line
    for regex in (DATE, *ENGLISH_DATES, WEEKDAY, PAGE_NUMBER, ENGLISH_PAGE_NUMBER):
        title = regex.sub(" ", title)
    if title := " ".join(title.split()).strip(" ,;|·-—"):
        page.metadata["title"] = title
    if m := DATE.search(text):
        page.metadata["date"] = f"{int(m['y']):04d}-{int(m['m']):02d}-{int(m['d']):02d}"
    elif m := next(filter(None, (regex.search(text) for regex in ENGLISH_DATES)), None):
        month = 1 + [name[:3] for name in MONTHS].index(m["mon"][:3].lower())
        page.metadata["date"] = f"{int(m['y']):04d}-{month:02d}-{int(m['d']):02d}"
    if m := PAGE_NUMBER.search(text) or ENGLISH_PAGE_NUMBER.search(text):
        page.label = page_label(m["page"])


def repair(page: Page) -> Page:
    read_page_header(page)
    fix_subtitle_dashes(page)
    type_jump_lines(page)
    for block in page.blocks:
        if block.role.has_text:
            block.language = guess_language(block.text)
        if block.role.has_text and not block.vertical:
            for line in block.lines:
                restore_word_spaces(line, wordfreq_lang(block.language))
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


def _full_width_in_cjk(text: str) -> str:
    """``,:;()`` in their full-width forms where they stand in CJK text, as a CJK page prints them; Latin
    text keeps the ASCII forms it is printed in."""
    def form(i: int, ch: str) -> str:
        window = text[max(0, i - CONTEXT): i + CONTEXT + 1]
        cjk = sum(is_cjk(c) for c in window)
        return ch.translate(_TO_FULL) if cjk and cjk >= sum(c.isascii() and c.isalpha() for c in window) else ch
    return "".join(form(i, c) if c in ",:;()" else c for i, c in enumerate(text))


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
        text = _full_width_in_cjk(text)
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


# --- measuring join decisions against ground truth ------------------------------------------------------------
# A rendered sample's *.gt.json has each block's text in the corpus format (paragraphs split by a blank line,
# Latin words rejoined) and its lines as printed; how the lines are glued into the block's text is the true
# join after each line, and `continues_previous` says whether a block goes on with the paragraph before it.


@dataclass
class JoinScore:
    kind: JoinKind
    precision: float
    recall: float
    predicted: int
    truth: int
    correct: int


def true_joins(gt: dict) -> dict[int, JoinKind]:
    """For each ground-truth line (index into gt["lines"]) followed by another line of its article's flow,
    the join that follows it."""
    lines_of: dict[str, list[int]] = {}
    for i, line in enumerate(gt["lines"]):
        lines_of.setdefault(line["block"], []).append(i)
    truth: dict[int, JoinKind] = {}
    blocks = sorted((b for b in gt["blocks"] if lines_of.get(b["id"]) and b.get("article")), key=lambda b: b["order"])
    for article in {b["article"] for b in blocks}:
        flow = [b for b in blocks if b["article"] == article]
        for block, nxt in zip(flow, [*flow[1:], None]):
            ids = lines_of[block["id"]]
            truth.update(_joins_inside(gt, block, ids))
            if nxt is not None:
                last, first = gt["lines"][ids[-1]]["text"], gt["lines"][lines_of[nxt["id"]][0]]["text"]
                truth[ids[-1]] = join_across_columns(last, first, block["text"]) if nxt.get("continues_previous") else JoinKind.BREAK
    return truth


def _plain(text: str) -> str:
    return re.sub(r"^#{2,3} ", "", unicodedata.normalize("NFKC", text))


def _joins_inside(gt: dict, block: dict, ids: list[int]) -> dict[int, JoinKind]:
    """Walk the block's text line by line; what stands between two lines' characters is their join."""
    text = _plain(block["text"])
    chars, gaps = [], []  # non-space characters, and the whitespace before each
    gap = ""
    for c in text:
        if c.isspace():
            gap += c
        else:
            chars.append(c)
            gaps.append(gap)
            gap = ""
    stream, at, joins = "".join(chars), 0, {}
    for k, i in enumerate(ids):
        line = "".join(_plain(gt["lines"][i]["text"]).split())
        hyphen_dropped = line[-1:] in LINE_HYPHENS and not stream.startswith(line, at) and stream.startswith(line[:-1], at)
        at += len(line) - hyphen_dropped
        if k + 1 == len(ids):
            break
        before = gaps[at] if at < len(gaps) else ""
        # The corpus writes a space before a continuation marker and between CJK headline phrases: where
        # CJK text stands either side, a space there is not a Latin word space.
        next_line = gt["lines"][ids[k + 1]]["text"]
        latin = not (is_cjk(stream[at - 1: at]) or is_cjk(next_line.lstrip()[:1]))
        joins[i] = (JoinKind.HYPHEN if hyphen_dropped else JoinKind.BREAK if "\n" in before
                    else JoinKind.SPACE if before and (latin or block["role"] != "body")
                    else JoinKind.HYPHEN_KEPT if latin_hyphen_break(gt["lines"][i]["text"], next_line) else JoinKind.CJK)
    return joins


def join_across_columns(last: str, first: str, block_text: str) -> JoinKind:
    """The join at a column break inside a paragraph: the blocks' texts are cut there, so the kind is read
    off the characters either side."""
    last, first, block_text = last.rstrip(), first.lstrip(), block_text.rstrip()
    if last[-1:] in LINE_HYPHENS and block_text[-1:] not in LINE_HYPHENS:
        return JoinKind.HYPHEN
    if latin_hyphen_break(last, first):
        return JoinKind.HYPHEN_KEPT
    return JoinKind.CJK if is_cjk(last[-1:]) or is_cjk(first[:1]) else JoinKind.SPACE


def score_joins(pages: list[tuple[Page, dict]], min_iou: float = 0.5,
                counted_as: dict[JoinKind, JoinKind] | None = None) -> dict[JoinKind, JoinScore]:
    """Precision and recall of the recorded joins by kind. Each page's lines are matched to the ground
    truth's by box overlap; a join counts as predicted when both its lines match consecutive ground-truth
    lines of one flow, and every true join counts in recall (a line OCR missed or merged is a missed join).
    ``counted_as`` scores some kinds as others, on both sides ({HYPHEN_KEPT: CJK}: a join with no space)."""
    kind_of = lambda kind: (counted_as or {}).get(kind, kind)
    predicted: Counter = Counter()
    correct: Counter = Counter()
    truth_count: Counter = Counter()
    for page, gt in pages:
        truth = {i: kind_of(kind) for i, kind in true_joins(gt).items()}
        truth_count.update(truth.values())
        successor = {i: j for i, j in zip(range(len(gt["lines"])), range(1, len(gt["lines"]) + 1))}
        gt_boxes = [tuple(line["box"]) for line in gt["lines"]]
        for article in page.articles:
            flow = [line for block in article.blocks if block.role.has_text for line in block.lines]
            match = [_best_line(line.box, gt_boxes, min_iou) for line in flow]
            for k, line in enumerate(flow[:-1]):
                i, j = match[k], match[k + 1]
                if line.join is None or i is None or j is None or i not in truth or successor.get(i) != j:
                    continue
                kind = kind_of(line.join.kind)
                predicted[kind] += 1
                correct[kind] += kind is truth[i]
    return {kind: JoinScore(kind, correct[kind] / predicted[kind] if predicted[kind] else 1.0,
                            correct[kind] / truth_count[kind] if truth_count[kind] else 1.0,
                            predicted[kind], truth_count[kind], correct[kind]) for kind in JoinKind}


def _best_line(box, gt_boxes, min_iou: float) -> int | None:
    best = max(range(len(gt_boxes)), key=lambda i: box_iou(box, gt_boxes[i]), default=None)
    return best if best is not None and box_iou(box, gt_boxes[best]) >= min_iou else None


def page_from_ground_truth(gt: dict) -> Page:
    """A page model holding the ground truth's page header, blocks, lines and articles as layout, OCR and
    order would leave them, so that the join decisions can be measured apart from recognition errors."""
    lines_of: dict[str, list[Line]] = {}
    for line in gt["lines"]:
        lines_of.setdefault(line["block"], []).append(Line(line["text"], tuple(line["box"]), 1.0))
    blocks = [Block(b["id"], Role(b["role"]), tuple(b["box"]), lines_of.get(b["id"], []), order=b["order"],
                    article_id=b.get("article"), column=b.get("column", -1), vertical=b.get("vertical", False),
                    language="en" if b["text"].isascii() else "zh")
              for b in sorted(gt["blocks"], key=lambda b: b["order"])]
    header = gt.get("page_header") or {}
    header_blocks = [Block(f"header{k}", Role.PAGE_HEADER, tuple(item["box"]), [Line(item["text"], tuple(item["box"]), 1.0)])
                     for k, item in enumerate(header.get("lines") or ([header] if header else []))]
    body = [line.height for b in blocks if b.role is Role.BODY for line in b.lines]
    page = Page(1, gt["width"], gt["height"], PageSource(gt["image"], 0, "image", ""), blocks=header_blocks + blocks,
                text_size_px=float(np.median(body)) if body else 30.0, in_source_coordinates=True)
    page.articles = [Article(aid, [b for b in blocks if b.article_id == aid], order=k)
                     for k, aid in enumerate(dict.fromkeys(b.article_id for b in blocks if b.article_id))]
    return page
