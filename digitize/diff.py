"""Quality-checking diff of a hypothesis text against a reference: metrics, alignment and reports.

Inputs: corpus-format / plain UTF-8 text; our page JSON (``--format json``); ALTO (any version), hOCR and
PAGE through :func:`digitize.read.read_bytes` (safe XML parsing, entity declarations refused). A structured
input keeps its lines (text, box, block, article): each block is one paragraph of the compared text, one line
per line, a hyphen the file marks as hyphenation is dropped, and headline / kicker / intertitle blocks get the
corpus heading markers so that headings compare with corpus text. Its lines give the per-article and
per-block breakdown and the coloured boxes of the HTML report.

What is compared (and reported in the ``options`` of every report):

* both sides: BOM and CR/CRLF removed, Unicode NFC;
* ``--repair-reference``: the reference goes through :func:`digitize.text.rejoin.rejoin_text` first, which
  rejoins paragraphs split at column/region boundaries (the artefacts of the shared corpus); the number of
  joins made is reported;
* ``--punctuation corpus|original|ascii``: both sides are rewritten into that punctuation profile, paragraph
  by paragraph (:func:`digitize.export.punctuation.format_paragraph`, roles read as the text repair reads them);
  ``keep`` (the default) compares punctuation as written;
* ``--fold-width``: full-width ASCII variants (U+FF01–FF5E) and the ideographic space folded to ASCII;
* ``--fold-han simplified|traditional``: both sides converted with OpenCC (``t2s`` / ``s2t``);
* ``--ignore-whitespace`` (default): whitespace is not text, it is removed before the character alignment
  (as :func:`digitize.evaluate.cer` does). ``--keep-whitespace``: every whitespace run inside a paragraph is
  one space unit and every paragraph break one newline unit, and both count as characters.

Units: heading markers (``## ``, ``### ``) are markup and not counted. The character metrics count
*grapheme-ish* units — a base character with the combining marks, variation selectors and zero-width-joiner
sequences that follow it — so ``é`` written decomposed is one unit.

* CER = Levenshtein(ref, hyp) / len(ref) over those units; S/I/D counts from ``Levenshtein.editops``.
* WER = Levenshtein over words / number of reference words. Word segmentation follows the outcome of
  Unicode word segmentation (UAX #29) as dinglehopper uses it, simplified: every Han ideograph, Hiragana
  and Katakana character is a word of its own; any other run of letters, digits and marks is a word (an
  apostrophe or a period/comma between two such characters stays inside: ``don't``, ``3.14``); runs of
  whitespace, punctuation and symbols are not words. So ``本报记者 雷昊`` has 6 words, ``re-use it`` has 3.
* FCA: flexible character accuracy (Clausner, Pletschacher & Antonacopoulos 2020), independent of
  reading order: lines (paragraphs of text inputs) are matched to the closest stretch on the other side.
* Confusions: each substitution ``ref→hyp``, deletion ``ref→∅`` and insertion ``∅→hyp`` of the character
  alignment, counted; the 20 most frequent are reported.
* Paragraph structure (:func:`digitize.evaluate.paragraph_breaks`) and headings
  (:func:`digitize.evaluate.headings`) are compared on the normalised texts.

The HTML report (:mod:`digitize.report`) is one self-contained file; ``--batch`` pairs two folders by stem.
"""

from __future__ import annotations

import heapq
import itertools
import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein, Opcodes

from .evaluate import headings, paragraph_breaks, paragraphs
from .export.punctuation import apply_profile
from .model import Document, JoinKind, box_area
from .read import ReadError, read_bytes, read_input_bytes, strip_controls
from .text.corpus import ROLE_MARKS, corpus_text, normalize_input, parse_paragraphs, strip_mark
from .text.rejoin import rejoin_text

TOP_CONFUSIONS = 20
EMPTY = "∅"


class DiffInputError(Exception):
    """An input that cannot be read; ``str()`` is the one-line reason."""


# The stated size limit of one comparison, in units (characters) per side. The exact character and word
# alignments and the paragraph-break alignment are quadratic (bit-parallel Levenshtein): measured on a
# loaded 2-core machine, 100,000 units a side take 13 s CPU in all; 150,000 stay under a minute. That is
# about 30 broadsheet pages of Chinese; larger texts are compared page by page (--batch).
MAX_DIFF_UNITS = 150_000


class DiffTooLarge(DiffInputError):
    """A text over MAX_DIFF_UNITS: refused before any alignment starts."""


# --- reading inputs ----------------------------------------------------------------------------------------


@dataclass
class LineRecord:
    """One line of a structured input: its text, its box in page pixels and where it sits on the page."""

    text: str
    box: tuple[int, int, int, int] | None
    block: str
    article: str | None


@dataclass
class Source:
    """One side of the comparison: its text, and its lines when the input has layout (ALTO, JSON, …)."""

    text: str
    format: str
    lines: list[LineRecord] | None = None
    image: str | None = None  # the page image the boxes refer to, as the file names it
    size: tuple[int, int] | None = None  # page width, height in the boxes' pixels


def _source_from_lines(
    records: list[LineRecord],
    fmt: str,
    image: str | None,
    size: tuple[int, int] | None,
    markers: dict[str, str] | None = None,
) -> Source:
    """Paragraph text of line records: one line per record, one paragraph per block; ``markers`` puts the
    corpus heading marker (``## ``) before the blocks it names, so headings compare with corpus text."""
    paras: list[list[str]] = []
    last_block = None
    for rec in records:
        if rec.block != last_block:
            paras.append([(markers or {}).get(rec.block, "") + rec.text])
            last_block = rec.block
        else:
            paras[-1].append(rec.text)
    return Source(corpus_text(["\n".join(p) for p in paras]), fmt, records, image, size)


MAX_JSON_DEPTH = 64  # our page JSON nests 6 deep; a 100,000-deep file would exhaust the parser's stack


def _finite(value, what: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or abs(value) > MAX_COORDINATE
    ):
        raise ValueError(f"{what} is not a number of pixels: {str(value)[:40]!r}")
    return value


def _string(value, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} is not a string: {str(value)[:40]!r}")
    if (surrogate := _SURROGATE.search(value)) is not None:
        raise ValueError(f"{what} holds a lone surrogate (\\u{ord(surrogate[0]):04x}), not text")
    return value


def _box(value, what: str) -> tuple[int, int, int, int]:
    if not isinstance(value, list) or len(value) != 4:
        raise ValueError(f"{what} is not a box [x0, y0, x1, y1]: {str(value)[:40]!r}")
    x0, y0, x1, y1 = (round(_finite(v, what)) for v in value)
    return x0, y0, x1, y1


def _json_depth_ok(data: bytes) -> bool:
    """Whether the nesting stays within MAX_JSON_DEPTH, by counting brackets outside strings (linear,
    no recursion): json.loads recurses once per level and dies with RecursionError on a deep file."""
    depth = 0
    for token in _JSON_TOKEN.finditer(data):
        t = token.group()
        if t in (b"[", b"{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif t in (b"]", b"}"):
            depth -= 1
    return True


_JSON_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_COORDINATE = 1_000_000  # pixels: a page a hundred metres wide at 254 dpi; anything larger is not a page


def _json_source(data: bytes) -> Source:
    """Our page JSON (`--format json`): the first page's text blocks in reading order. Every value that
    reaches a report is checked here: numbers finite, strings without lone surrogates, boxes four numbers."""
    if not _json_depth_ok(data):
        raise DiffInputError(f"not a digitize page JSON (nested deeper than {MAX_JSON_DEPTH} levels)")
    try:
        doc = json.loads(data)
        page = doc["page"] if doc.get("format") == "digitize-page" else doc["pages"][0]
        blocks = sorted(
            (b for b in page["blocks"] if b.get("order", -1) >= 0 and b.get("lines")),
            key=lambda b: _finite(b["order"], "block order"),
        )
        records = [
            LineRecord(
                _string(line["text"], "line text"),
                _box(line["box"], "line box"),
                _string(b["id"], "block id"),
                None if b.get("article_id") is None else _string(b["article_id"], "article id"),
            )
            for b in blocks
            for line in b["lines"]
            if _string(line["text"], "line text").strip()
        ]
        markers = {b["id"]: HEADING_MARKERS[b["role"]] for b in blocks if b.get("role") in HEADING_MARKERS}
        image = page.get("source", {}).get("path")
        size = (round(_finite(page["width"], "page width")), round(_finite(page["height"], "page height")))
        return _source_from_lines(
            records, "json", None if image is None else _string(image, "source path"), size, markers
        )
    except (KeyError, IndexError, TypeError, AttributeError, ValueError, RecursionError) as exc:
        reason = (
            str(exc)
            if isinstance(exc, ValueError) and not isinstance(exc, json.JSONDecodeError)
            else f"{type(exc).__name__}: {exc}"
        )
        raise DiffInputError(f"not a digitize page JSON ({' '.join(reason.split())[:160]})") from None


# The corpus format's heading markup, by block role (as ``text.corpus`` reads and writes it).
HEADING_MARKERS = {role.value: mark for role, mark in ROLE_MARKS.items()}
_HYPHENS = "-\u00ad\u2010"


def source_from_document(doc: Document, fmt: str) -> Source:
    """A Source from the page model (what `digitize.read` returns): first page, text blocks in reading order.
    A line that ends in a hyphen the file marks as hyphenation loses it: the word is whole in the text."""
    page = doc.pages[0]
    blocks = page.text_blocks_in_order() or [b for b in page.blocks if b.role.has_text]
    records = []
    for b in blocks:
        for line in b.lines:
            text = line.text
            if line.join is not None and line.join.kind is JoinKind.HYPHEN:
                text = text.rstrip(_HYPHENS)
            if text.strip():
                box = line.box if box_area(line.box) else None  # a file without coordinates gives empty boxes
                records.append(LineRecord(text, box, b.id, b.article_id))
    markers = {b.id: HEADING_MARKERS[b.role.value] for b in blocks if b.role.value in HEADING_MARKERS}
    size = (page.width, page.height) if page.width and page.height else None
    return _source_from_lines(records, fmt, page.source.path or None, size, markers)


def _xml_format(head: str) -> str:
    return "alto" if re.search(r"<(?:[\w.-]+:)?alto\b", head) else "page" if "PcGts" in head else "hocr"


def read_input(path: Path) -> Source:
    """One input file: corpus/plain text, our JSON, or ALTO/hOCR/PAGE (through `digitize.read`), in UTF-8
    or, for XML, any encoding its declaration or byte-order mark gives (UTF-16 ALTO, as `convert` reads it).
    Only a regular file within `digitize.read.MAX_INPUT_BYTES` is read."""
    try:
        data = read_input_bytes(path)
    except ReadError as exc:
        raise DiffInputError(exc.reason) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark: XML only
        head = data[:4096].decode("utf-16", "replace").lstrip("\ufeff").lstrip()
    else:
        head = data[:4096].lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace").lstrip()
    if head.startswith("{") and '"digitize-' in head:
        return _json_source(data)
    if head.startswith("<"):
        try:
            return source_from_document(read_bytes(data, path), _xml_format(head))
        except ReadError as exc:
            raise DiffInputError(exc.reason) from None
    try:
        return Source(strip_controls(data.decode("utf-8-sig")), "text")
    except UnicodeDecodeError as exc:
        raise DiffInputError(f"not UTF-8 text (byte {exc.start}: {exc.reason})") from None


# --- normalisation -------------------------------------------------------------------------------------------

_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
HAN_FOLDS = {"simplified": "t2s", "traditional": "s2t"}  # --fold-han value -> OpenCC configuration


@dataclass
class Options:
    punctuation: str = "keep"
    fold_width: bool = False
    ignore_whitespace: bool = True
    repair_reference: bool = False
    fold_han: str | None = None  # "simplified" or "traditional": both sides converted with OpenCC

    def applied(self) -> list[str]:
        out = ["BOM and CR/CRLF line ends removed", "Unicode NFC"]
        if self.repair_reference:
            out.append("reference: paragraphs split at column/region boundaries rejoined (repair_text)")
        if self.punctuation != "keep":
            out.append(f"punctuation profile '{self.punctuation}' applied to both sides")
        if self.fold_width:
            out.append("full-width ASCII variants and ideographic space folded to ASCII")
        if self.fold_han:
            out.append(f"Chinese folded to {self.fold_han} characters (OpenCC {HAN_FOLDS[self.fold_han]})")
        out.append(
            "whitespace removed before character alignment"
            if self.ignore_whitespace
            else "whitespace runs compared as one space, paragraph breaks as one newline"
        )
        return out


@lru_cache(maxsize=2)
def _opencc(config: str):
    from opencc import OpenCC  # opencc-python-reimplemented: dictionaries ship in the wheel, no download

    return OpenCC(config)


def fold(text: str, options: Options) -> str:
    """The character-level normalisations (NFC, width, Han script) of one piece of text."""
    text = unicodedata.normalize("NFC", text)
    if options.fold_width:
        text = text.translate(_FOLD)
    if options.fold_han:
        text = _opencc(HAN_FOLDS[options.fold_han]).convert(text)
    return text


def normalise(text: str, options: Options) -> str:
    text = unicodedata.normalize("NFC", normalize_input(text))
    if options.punctuation != "keep":
        text = corpus_text(apply_profile(parse_paragraphs(text), options.punctuation))
    return fold(text, options)


# --- units ------------------------------------------------------------------------------------------------


@dataclass
class Unit:
    text: str
    para: int  # index of the paragraph the unit belongs to
    space_before: bool = False  # whitespace preceded it in its paragraph (for display only)
    line: int = -1  # index of its LineRecord when the side has lines


def _extends_cluster(ch: str) -> bool:
    o = ord(ch)
    return (
        bool(unicodedata.combining(ch))
        or unicodedata.category(ch) in ("Mn", "Mc", "Me")
        or 0xFE00 <= o <= 0xFE0F
        or 0xE0100 <= o <= 0xE01EF
        or 0x1F3FB <= o <= 0x1F3FF
    )


def graphemes(text: str) -> list[str]:
    """Approximate extended grapheme clusters: base + combining marks / variation selectors / ZWJ joins."""
    out: list[str] = []
    joiner = False
    for ch in text:
        if out and (joiner or ch == "\u200d" or _extends_cluster(ch)):
            out[-1] += ch
            joiner = ch == "\u200d"
        else:
            out.append(ch)
            joiner = False
    return out


def units(text: str, ignore_whitespace: bool = True) -> list[Unit]:
    """The units the character metrics count. A heading's ``## ``/``### `` marker is markup, not text: it is
    left out (headings are compared on their own), so an ALTO hypothesis, which has roles instead of
    markers, is not charged for it."""
    out: list[Unit] = []
    for p, para in enumerate(paragraphs(text)):
        para = strip_mark(para)
        if not ignore_whitespace and p:
            out.append(Unit("\n", p))
        space = False
        for g in graphemes(para):
            if g.isspace():
                space = True
                continue
            if space and not ignore_whitespace:
                out.append(Unit(" ", p))
            out.append(Unit(g, p, space and ignore_whitespace))
            space = False
    return out


def _assign_lines(units_: list[Unit], lines: list[LineRecord], options: Options) -> None:
    """Tell each unit which input line it came from, by counting each line's visible units in order.

    A punctuation profile may change a few counts; the lines are then spread proportionally, which is
    exact at both ends and off by at most the few changed units in between."""
    visible = [u for u in units_ if not u.text.isspace()]
    counts = [sum(1 for g in graphemes(fold(rec.text, options)) if not g.isspace()) for rec in lines]
    total = sum(counts)
    if not visible or not total:
        return
    scale = len(visible) / total
    bounds, acc = [], 0
    for c in counts:
        acc += c
        bounds.append(round(acc * scale))
    line = 0
    for k, u in enumerate(visible):
        while line < len(bounds) - 1 and k >= bounds[line]:
            line += 1
        u.line = line
    previous = 0
    for u in units_:  # whitespace units belong to the line of the unit before them
        if u.text.isspace():
            u.line = previous
        previous = u.line


_WORD = re.compile(
    r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
    r"|(?:(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[^\W_])+"
    r"(?:['’.,](?:(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[^\W_])+)*"
)


def words(text: str) -> list[str]:
    """Words for WER: each Han/kana character alone, other letter/digit runs split at space and punctuation."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


# --- flexible character accuracy -------------------------------------------------------------------------------


def _best_substring(needle: np.ndarray, hay: np.ndarray, longest: bool) -> tuple[int, int, int]:
    """(start, end, distance) of the substring of ``hay`` closest to ``needle`` in Levenshtein distance.

    Sellers' approximate-matching dynamic programme, one numpy row per needle unit: starting anywhere in
    ``hay`` is free; the in-row insertion step is a running minimum. The start is found by running the same
    programme backwards from the best end. Of equally close substrings the longest is taken when ``longest``
    (a hay unit left over would count as one more error), else the shortest (a left-over unit of a long
    reference line is still matched by the next hypothesis line)."""

    def best_end(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
        steps = np.arange(len(b) + 1)
        row = np.zeros(len(b) + 1, dtype=np.int64)
        for i, unit in enumerate(a, 1):
            diagonal = row[:-1] + (b != unit)
            new = np.empty_like(row)
            new[0] = i
            new[1:] = np.minimum(diagonal, row[1:] + 1)
            row = np.minimum.accumulate(new - steps) + steps
        end = len(row) - 1 - int(np.argmin(row[::-1])) if longest else int(np.argmin(row))
        return end, int(row[end])

    end, distance = best_end(needle, hay)
    back, _ = best_end(needle[::-1], hay[:end][::-1])
    return end - back, end, distance


# FCA's cost is in matching: a line of n units against one of m costs n·m (exact best substring), and each
# line is compared with every line of the other side's pool. A text without blank lines is one paragraph,
# one "line" of 20,000 units for 61 kB (45 s before these limits). Lines longer than FCA_PIECE units are
# cut into pieces at anchors (`_anchored_pieces`), and when a text has such lines or a pool more than
# FCA_POOL lines, each match is looked for only among the FCA_CANDIDATES lines sharing the most 3-grams
# with it (an inverted index: partial_ratio of two 1,000-unit pieces costs 6 ms). Texts whose lines are all
# shorter than FCA_PIECE, every real page so far, are matched exactly as before.
FCA_PIECE = 1_000
FCA_POOL = 1_000
FCA_CANDIDATES = 4
_KGRAM = 3


def _anchored_pieces(refs: list[np.ndarray], hyps: list[np.ndarray]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Lines cut into pieces of about FCA_PIECE units, at the same text on both sides.

    A linear first pass: every FCA_PIECE units into a long reference line, the first 8-unit sequence that
    occurs exactly once in the reference and once in the hypothesis is an anchor; both sides are cut there,
    so a reference piece and the hypothesis piece holding the same text line up whatever was inserted or
    lost before them. Where no anchor is found within a quarter piece the line stays longer; any piece still
    over 4 × FCA_PIECE (text with nothing in common) is cut at fixed lengths."""
    k = 8
    as_text = lambda lines: "\0".join("".join(map(chr, a.tolist())) for a in lines)

    def unique_grams(text: str) -> dict[str, int]:
        seen: dict[str, int] = {}
        for i in range(len(text) - k + 1):
            g = text[i : i + k]
            seen[g] = -1 if g in seen else i
        return seen

    ref_text, hyp_text = as_text(refs), as_text(hyps)
    if not any(len(a) > FCA_PIECE for a in refs + hyps):
        return refs, hyps
    in_ref, in_hyp = unique_grams(ref_text), unique_grams(hyp_text)
    ref_cuts: list[int] = []
    hyp_cuts: set[int] = set()
    start = 0
    for line in refs:
        end = start + len(line)
        target = start + FCA_PIECE
        while target < end - FCA_PIECE // 4:
            for p in range(target, min(target + FCA_PIECE // 4, end - k)):
                g = ref_text[p : p + k]
                if "\0" not in g and in_ref.get(g, -1) >= 0 and in_hyp.get(g, -1) >= 0:
                    ref_cuts.append(p)
                    hyp_cuts.add(in_hyp[g])
                    target = p + FCA_PIECE
                    break
            else:
                target += FCA_PIECE
        start = end + 1  # the separator

    def cut(lines: list[np.ndarray], cuts) -> list[np.ndarray]:
        out, start, cuts = [], 0, sorted(cuts)
        for line in lines:
            end = start + len(line)
            here = [c - start for c in cuts if start < c < end]
            for piece in np.split(line, here):
                n = -(-len(piece) // (4 * FCA_PIECE))
                out += [a for a in np.array_split(piece, n)] if n > 1 else [piece] if len(piece) else []
            start = end + 1
        return out

    return cut(refs, ref_cuts), cut(hyps, hyp_cuts)


class _Pool:
    """The hypothesis lines not yet matched, with an inverted index of their 3-grams for large pools."""

    def __init__(self, lines: list[np.ndarray], as_text, indexed: bool) -> None:
        self.as_text = as_text
        self.lines: dict[int, np.ndarray] = {}
        self.texts: dict[int, str] = {}
        self.index: dict[str, set[int]] | None = {} if indexed else None
        self.next_id = 0
        for line in lines:
            self.add(line)

    def _grams(self, text: str) -> set[str]:
        return {text[i : i + _KGRAM] for i in range(max(1, len(text) - _KGRAM + 1))}

    def add(self, line: np.ndarray) -> None:
        k, self.next_id = self.next_id, self.next_id + 1
        self.lines[k], self.texts[k] = line, self.as_text(line)
        if self.index is not None:
            for g in self._grams(self.texts[k]):
                self.index.setdefault(g, set()).add(k)

    def take(self, k: int) -> np.ndarray:
        text = self.texts.pop(k)
        if self.index is not None:
            for g in self._grams(text):
                self.index[g].discard(k)
        return self.lines.pop(k)

    def candidates(self, text: str) -> dict[int, str]:
        if self.index is None:
            return self.texts
        shared: Counter = Counter()
        for g in self._grams(text):
            shared.update(self.index.get(g, ()))
        return {k: self.texts[k] for k, _ in shared.most_common(FCA_CANDIDATES)}

    def __len__(self) -> int:
        return len(self.lines)


def flexible_character_accuracy(ref_lines: list[list[str]], hyp_lines: list[list[str]]) -> tuple[float, int]:
    """Flexible character accuracy (Clausner, Pletschacher & Antonacopoulos 2020) and its edit count.

    Reading-order independent: the longest reference line still unmatched is matched to the hypothesis
    line that holds the most similar stretch (rapidfuzz partial ratio), and to the closest substring inside
    it (or the other way round when the hypothesis line is the shorter); the Levenshtein distance of the
    pair counts, and the unmatched rests of both lines go back into the pools. Reference text never matched
    counts as deleted, hypothesis text never matched as inserted. The paper's step of trying several
    penalty coefficient sets is replaced by exact best-substring search, so one greedy pass suffices.
    Lines longer than FCA_PIECE units are matched piece by piece, and large pools through a 3-gram index
    (see above): the cost stays near linear in the text length."""
    codes: dict[str, int] = {}

    def encode(line: list[str]) -> np.ndarray:
        return np.array([codes.setdefault(g, len(codes) + 1) for g in line], dtype=np.int64)

    as_text = lambda a: "".join(map(chr, a.tolist()))
    refs, hyp_pieces = _anchored_pieces(
        [encode(line) for line in ref_lines if line], [encode(line) for line in hyp_lines if line]
    )
    long_text = any(len(a) > FCA_PIECE for a in ref_lines + hyp_lines)
    hyps = _Pool(hyp_pieces, as_text, indexed=long_text or len(hyp_pieces) > FCA_POOL)
    n_ref = sum(len(r) for r in refs)
    errors = 0
    order = itertools.count()  # ties in length: the later piece first, as the list sort-and-pop did
    heap = [(-len(r), -next(order), r) for r in refs]
    heapq.heapify(heap)
    while heap and len(hyps):
        _, _, ref = heapq.heappop(heap)
        choices = hyps.candidates(as_text(ref))
        best = process.extractOne(as_text(ref), choices, scorer=fuzz.partial_ratio, processor=None) if choices else None
        if best is None or best[1] == 0:
            errors += len(ref)  # nothing in the hypothesis resembles it: deleted
            continue
        key = best[2]
        hyp = hyps.lines[key]
        if len(ref) <= len(hyp):
            start, end, distance = _best_substring(ref, hyp, longest=True)
            rests = [("hyp", hyp[:start]), ("hyp", hyp[end:])]
        else:
            start, end, distance = _best_substring(hyp, ref, longest=False)
            rests = [("ref", ref[:start]), ("ref", ref[end:])]
        if distance >= min(len(ref), len(hyp)):  # no better than deleting and inserting: not a match
            errors += len(ref)
            continue
        hyps.take(key)
        errors += distance
        for side, rest in rests:
            if len(rest):
                if side == "hyp":
                    hyps.add(rest)
                else:
                    heapq.heappush(heap, (-len(rest), -next(order), rest))
    errors += sum(len(r) for _, _, r in heap) + sum(len(h) for h in hyps.lines.values())
    if not n_ref:
        return (1.0 if not errors else 0.0), errors
    return max(0.0, 1.0 - errors / n_ref), errors


def _fca_lines(units_: list[Unit]) -> list[list[str]]:
    """The lines FCA matches: input lines when the side has them, else paragraphs (whitespace left out)."""
    groups: dict[int, list[str]] = {}
    for u in units_:
        if not u.text.isspace():
            groups.setdefault(u.line if u.line >= 0 else u.para, []).append(u.text)
    return list(groups.values())


# --- comparison -------------------------------------------------------------------------------------------


@dataclass
class Segment:
    tag: str  # equal | replace | delete | insert
    ref: list[Unit]
    hyp: list[Unit]


@dataclass
class DiffResult:
    options: Options
    reference: dict
    hypothesis: dict
    metrics: dict
    paragraph_breaks: dict
    paragraph_structure_equal: bool
    headings: dict
    confusions: list[dict]
    repair: dict | None
    breakdown: dict = field(default_factory=dict)  # side -> {"articles": [...], "blocks": [...]}
    rows: list[list[Segment]] = field(repr=False, default_factory=list)
    # per hypothesis line: {"box", "units", "errors", "row"}; empty when the hypothesis has no boxes
    line_errors: list[dict] = field(repr=False, default_factory=list)
    page: dict | None = field(repr=False, default=None)  # {"image", "size"} of the hypothesis

    def to_json(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k not in ("rows", "line_errors", "page")}
        d["options"] = asdict(self.options)
        d["options"]["units"] = "grapheme clusters (approximate)"
        d["options"]["word_segmentation"] = "Han/kana character = word; other words split at whitespace/punctuation"
        d["normalisations_applied"] = self.options.applied()
        return d


def _rows(ref: list[Unit], hyp: list[Unit], opcodes) -> list[list[Segment]]:
    """The alignment cut into rows, one per reference paragraph."""
    n_rows = (ref[-1].para + 1) if ref else 1
    rows: list[list[Segment]] = [[] for _ in range(n_rows)]

    def insert_row(i: int, j: int) -> int:
        if not ref:
            return 0
        if i >= len(ref):
            return ref[-1].para
        if i == 0 or ref[i].para == ref[i - 1].para:
            return ref[i].para
        # at a reference paragraph break: stay with the text the insertion continues in the hypothesis
        return ref[i - 1].para if j > 0 and hyp[j - 1].para == hyp[j].para else ref[i].para

    for op in opcodes:
        tag, i1, i2, j1, j2 = op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end
        if tag == "insert":
            rows[insert_row(i1, j1)].append(Segment(tag, [], hyp[j1:j2]))
            continue
        # cut the reference range at paragraph boundaries; share the hypothesis range out proportionally
        chunks, start = [], i1
        for k in range(i1 + 1, i2 + 1):
            if k == i2 or ref[k].para != ref[start].para:
                chunks.append((start, k))
                start = k
        total, done, j = i2 - i1, 0, j1
        for n, (a, b) in enumerate(chunks):
            done += b - a
            j_end = j2 if n == len(chunks) - 1 else j1 + round((j2 - j1) * done / total)
            rows[ref[a].para].append(Segment(tag, ref[a:b], hyp[j:j_end] if tag != "delete" else []))
            j = j_end if tag != "delete" else j
    return rows


def _errors_per_unit(ops, n_ref: int, n_hyp: int) -> tuple[list[int], list[int]]:
    """Each edit charged to one reference and one hypothesis unit (an insertion or deletion to the unit
    beside the gap), so any grouping of units (line, block, article) can sum its errors."""
    ref_err, hyp_err = [0] * n_ref, [0] * n_hyp
    for op in ops:
        if n_ref:
            ref_err[min(op.src_pos, n_ref - 1)] += 1
        if n_hyp:
            hyp_err[min(op.dest_pos, n_hyp - 1)] += 1
    return ref_err, hyp_err


def _breakdown(units_: list[Unit], errors: list[int], lines: list[LineRecord]) -> dict:
    """Units, errors and error rate per article and per block of one side, in reading order."""
    groups: dict[str, dict[str, dict]] = {"articles": {}, "blocks": {}}
    for u, e in zip(units_, errors):
        if u.line < 0 or u.text.isspace():
            continue
        rec = lines[u.line]
        for kind, key in (("articles", rec.article or "(no article)"), ("blocks", rec.block)):
            g = groups[kind].setdefault(key, {"id": key, "units": 0, "errors": 0})
            g["units"] += 1
            g["errors"] += e
    for g in (*groups["articles"].values(), *groups["blocks"].values()):
        g["error_rate"] = g["errors"] / g["units"]
    return {kind: list(d.values()) for kind, d in groups.items()}


def compare(
    reference: str | Source,
    hypothesis: str | Source,
    options: Options,
    ref_format: str = "text",
    hyp_format: str = "text",
    ref_path: str = "",
    hyp_path: str = "",
) -> DiffResult:
    ref_src = reference if isinstance(reference, Source) else Source(reference, ref_format)
    hyp_src = hypothesis if isinstance(hypothesis, Source) else Source(hypothesis, hyp_format)
    reference, hypothesis = ref_src.text, hyp_src.text
    repair = None
    if options.repair_reference:
        reference, joins = rejoin_text(normalize_input(reference))
        repair = {"artefacts_repaired": len(joins), "joins": [asdict(j) for j in joins]}
        ref_src = Source(reference, ref_src.format)  # rejoined paragraphs no longer match the input's lines
    for side, text in (("reference", reference), ("hypothesis", hypothesis)):
        if len(text) > 4 * MAX_DIFF_UNITS:  # before normalising: units never outnumber characters by much
            raise DiffTooLarge(
                f"the {side} has {len(text):,} characters, over the diff limit of "
                f"{MAX_DIFF_UNITS:,} units; compare page by page"
            )
    ref_text, hyp_text = normalise(reference, options), normalise(hypothesis, options)
    ref_u, hyp_u = units(ref_text, options.ignore_whitespace), units(hyp_text, options.ignore_whitespace)
    for side, side_units in (("reference", ref_u), ("hypothesis", hyp_u)):
        if len(side_units) > MAX_DIFF_UNITS:
            raise DiffTooLarge(
                f"the {side} has {len(side_units):,} units, over the diff limit of "
                f"{MAX_DIFF_UNITS:,}; compare page by page"
            )
    for side_units, source in ((ref_u, ref_src), (hyp_u, hyp_src)):
        if source.lines:
            _assign_lines(side_units, source.lines, options)
    ref_s, hyp_s = [u.text for u in ref_u], [u.text for u in hyp_u]
    ops = Levenshtein.editops(ref_s, hyp_s)
    counts = Counter(op.tag for op in ops)
    confusions: Counter = Counter()
    for op in ops:
        if op.tag == "replace":
            confusions[(ref_s[op.src_pos], hyp_s[op.dest_pos])] += 1
        elif op.tag == "delete":
            confusions[(ref_s[op.src_pos], EMPTY)] += 1
        elif op.tag == "insert":
            confusions[(EMPTY, hyp_s[op.dest_pos])] += 1
    distance = len(ops)
    n_ref = len(ref_s)
    cer_value = distance / n_ref if n_ref else (0.0 if not hyp_s else 1.0)
    ref_w, hyp_w = words(ref_text), words(hyp_text)
    word_ops = Levenshtein.editops(ref_w, hyp_w)
    wcounts = Counter(op.tag for op in word_ops)
    wer_value = len(word_ops) / len(ref_w) if ref_w else (0.0 if not hyp_w else 1.0)
    fca, fca_distance = flexible_character_accuracy(_fca_lines(ref_u), _fca_lines(hyp_u))
    metrics = {
        "cer": cer_value,
        "character_accuracy": 1.0 - cer_value,
        "flexible_character_accuracy": fca,
        "fca_distance": fca_distance,
        "distance": distance,
        "substitutions": counts.get("replace", 0),
        "insertions": counts.get("insert", 0),
        "deletions": counts.get("delete", 0),
        "wer": wer_value,
        "word_distance": len(word_ops),
        "word_substitutions": wcounts.get("replace", 0),
        "word_insertions": wcounts.get("insert", 0),
        "word_deletions": wcounts.get("delete", 0),
    }
    breaks = paragraph_breaks(ref_text, hyp_text)
    ref_paras, hyp_paras = paragraphs(ref_text), paragraphs(hyp_text)
    ref_h, hyp_h = headings(ref_text), headings(hyp_text)
    matching = sum((Counter(ref_h) & Counter(hyp_h)).values())
    rows = _rows(ref_u, hyp_u, Opcodes.from_editops(ops))
    ref_err, hyp_err = _errors_per_unit(ops, len(ref_u), len(hyp_u))
    breakdown = {
        side: _breakdown(side_units, errs, src.lines)
        for side, side_units, errs, src in (
            ("reference", ref_u, ref_err, ref_src),
            ("hypothesis", hyp_u, hyp_err, hyp_src),
        )
        if src.lines
    }
    line_errors: list[dict] = []
    if hyp_src.lines and any(rec.box for rec in hyp_src.lines):
        line_errors = [{"box": rec.box, "units": 0, "errors": 0, "row": None} for rec in hyp_src.lines]
        for u, e in zip(hyp_u, hyp_err):
            if u.line >= 0 and not u.text.isspace():
                line_errors[u.line]["units"] += 1
                line_errors[u.line]["errors"] += e
        for r, segments in enumerate(rows):
            for seg in segments:
                for u in seg.hyp:
                    if u.line >= 0 and line_errors[u.line]["row"] is None:
                        line_errors[u.line]["row"] = r
    return DiffResult(
        options=options,
        reference={
            "path": ref_path,
            "format": ref_src.format,
            "units": n_ref,
            "words": len(ref_w),
            "paragraphs": len(ref_paras),
        },
        hypothesis={
            "path": hyp_path,
            "format": hyp_src.format,
            "units": len(hyp_s),
            "words": len(hyp_w),
            "paragraphs": len(hyp_paras),
        },
        metrics=metrics,
        paragraph_breaks=asdict(breaks),
        paragraph_structure_equal=len(ref_paras) == len(hyp_paras) and breaks.precision == 1.0 and breaks.recall == 1.0,
        headings={
            "reference": len(ref_h),
            "hypothesis": len(hyp_h),
            "matching": matching,
            "missing": [f"{lvl} {t}" for lvl, t in (Counter(ref_h) - Counter(hyp_h)).elements()],
            "extra": [f"{lvl} {t}" for lvl, t in (Counter(hyp_h) - Counter(ref_h)).elements()],
        },
        confusions=[
            {"reference": r, "hypothesis": h, "label": f"{r}→{h}", "count": c}
            for (r, h), c in confusions.most_common(TOP_CONFUSIONS)
        ],
        repair=repair,
        breakdown=breakdown,
        rows=rows,
        line_errors=line_errors,
        page={"image": hyp_src.image, "size": hyp_src.size} if line_errors else None,
    )


# --- reports ----------------------------------------------------------------------------------------------


def summary_rows(result: DiffResult) -> list[tuple[str, str]]:
    m, b = result.metrics, result.paragraph_breaks
    rows = [
        ("CER", f"{m['cer']:.4%}"),
        ("character accuracy", f"{m['character_accuracy']:.4%}"),
        ("flexible character accuracy (reading-order independent)", f"{m['flexible_character_accuracy']:.4%}"),
        ("edit distance (S / I / D)", f"{m['distance']} ({m['substitutions']} / {m['insertions']} / {m['deletions']})"),
        ("reference / hypothesis units", f"{result.reference['units']} / {result.hypothesis['units']}"),
        ("WER", f"{m['wer']:.4%}"),
        (
            "word distance (S / I / D)",
            f"{m['word_distance']} ({m['word_substitutions']} / {m['word_insertions']} / {m['word_deletions']})",
        ),
        ("reference / hypothesis words", f"{result.reference['words']} / {result.hypothesis['words']}"),
        (
            "paragraphs (reference / hypothesis)",
            f"{result.reference['paragraphs']} / {result.hypothesis['paragraphs']}",
        ),
        ("paragraph breaks P / R / F1", f"{b['precision']:.3f} / {b['recall']:.3f} / {b['f1']:.3f}"),
        ("paragraph structure equal", "yes" if result.paragraph_structure_equal else "no"),
        (
            "headings (reference / hypothesis / matching)",
            f"{result.headings['reference']} / {result.headings['hypothesis']} / {result.headings['matching']}",
        ),
    ]
    if result.repair is not None:
        rows.append(("reference artefacts repaired", str(result.repair["artefacts_repaired"])))
    return rows


def page_stem(path: Path) -> str:
    """What pairs files in --batch: the name up to its first dot (``p1.alto.xml``, ``p1.gt.txt`` → ``p1``)."""
    return path.name.split(".", 1)[0]


def pair_files(ref_dir: Path, hyp_dir: Path) -> tuple[list[tuple[str, Path, Path]], list[str], list[str]]:
    """(stem, reference, hypothesis) pairs, and the stems found only in the reference / hypothesis folder.
    Where one folder has several files of a stem (``p1.txt`` and ``p1.alto.xml``), ALTO/JSON wins over text:
    boxes make the better report."""

    def by_stem(folder: Path) -> dict[str, Path]:
        found: dict[str, Path] = {}
        rank = lambda p: (p.name.endswith((".xml", ".json")), p.name)
        for p in sorted(folder.iterdir()):
            if p.is_file() and not p.name.startswith("."):
                stem = page_stem(p)
                if stem not in found or rank(p) > rank(found[stem]):
                    found[stem] = p
        return found

    refs, hyps = by_stem(ref_dir), by_stem(hyp_dir)
    pairs = [(stem, refs[stem], hyps[stem]) for stem in sorted(refs.keys() & hyps.keys())]
    return pairs, sorted(refs.keys() - hyps.keys()), sorted(hyps.keys() - refs.keys())
