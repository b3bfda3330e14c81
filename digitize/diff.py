"""Quality-checking diff of a hypothesis text against a reference: metrics, alignment and reports.

Inputs are corpus-format / plain UTF-8 text files or ALTO files (namespace v2, v3, v4 or none). From ALTO
the text of the ``String`` elements is taken: ``CONTENT``, except that a ``HypPart1`` String contributes its
``SUBS_CONTENT`` (the whole hyphenated word) and the ``HypPart2`` String that follows it is skipped. A
``SP`` element between Strings is one space; each ``TextLine`` is one line and each ``TextBlock`` one
paragraph (blocks separated by a blank line). ALTO is parsed without entity resolution, DTD loading or
network access; a DOCTYPE that declares entities is refused outright.

What is compared (and reported in the ``options`` of every report):

* both sides: BOM and CR/CRLF removed, Unicode NFC;
* ``--repair-reference``: the reference goes through :func:`digitize.repair_text.repair_text` first, which
  rejoins paragraphs split at column/region boundaries (the artefacts of the shared corpus); the number of
  joins made is reported;
* ``--punctuation corpus|original|ascii``: both sides are rewritten into that punctuation profile, paragraph
  by paragraph (:func:`digitize.repair.format_paragraph`, roles read as the text repair reads them);
  ``keep`` (the default) compares punctuation as written;
* ``--fold-width``: full-width ASCII variants (U+FF01–FF5E) and the ideographic space folded to ASCII;
* ``--ignore-whitespace`` (default): whitespace is not text, it is removed before the character alignment
  (as :func:`digitize.evaluate.cer` does). ``--keep-whitespace``: every whitespace run inside a paragraph is
  one space unit and every paragraph break one newline unit, and both count as characters.

Units: the character metrics count *grapheme-ish* units — a base character with the combining marks,
variation selectors and zero-width-joiner sequences that follow it — so ``é`` written decomposed is one unit.

* CER = Levenshtein(ref, hyp) / len(ref) over those units; S/I/D counts from ``Levenshtein.editops``.
* WER = Levenshtein over words / number of reference words. Word segmentation follows the outcome of
  Unicode word segmentation (UAX #29) as dinglehopper uses it, simplified: every Han ideograph, Hiragana
  and Katakana character is a word of its own; any other run of letters, digits and marks is a word (an
  apostrophe or a period/comma between two such characters stays inside: ``don't``, ``3.14``); runs of
  whitespace, punctuation and symbols are not words. So ``本报记者 雷昊`` has 6 words, ``re-use it`` has 3.
* Confusions: each substitution ``ref→hyp``, deletion ``ref→∅`` and insertion ``∅→hyp`` of the character
  alignment, counted; the 20 most frequent are reported.
* Paragraph structure (:func:`digitize.evaluate.paragraph_breaks`) and headings
  (:func:`digitize.evaluate.headings`) are compared on the normalised texts.

The HTML report is one self-contained file (inline CSS, no script, no external resource): the summary, the
confusions and a side-by-side view with one row per reference paragraph. Equal runs are plain text; only
edits are wrapped (``del`` deletions, ``ins`` insertions, ``span.s`` substitutions), and a pilcrow marks where
the hypothesis breaks a paragraph the reference does not break (``¶``) or runs on where the reference breaks
(``∅¶``). A checkbox hides the rows without errors (pure CSS).
"""

from __future__ import annotations

import html
import json
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import click
from lxml import etree
from rapidfuzz.distance import Levenshtein
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .evaluate import headings, paragraph_breaks, paragraphs
from .repair_text import PUNCTUATION_CHOICES, _apply_profile, _parse, normalize_input, repair_text

EXIT_OK, EXIT_USAGE = 0, 2
TOP_CONFUSIONS = 20
EMPTY = "∅"


class DiffInputError(Exception):
    """An input that cannot be read; ``str()`` is the one-line reason."""


# --- reading inputs ----------------------------------------------------------------------------------------

_XML_START = re.compile(r"^\s*<(?:\?xml|!--|!DOCTYPE|(?:[\w.-]+:)?alto\b)", re.I)
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def alto_text(data: bytes) -> str:
    """The text of an ALTO document: one line per TextLine, one paragraph per TextBlock."""
    if _DOCTYPE.search(data) and _ENTITY_DECL.search(data):
        raise DiffInputError("refused: DOCTYPE declares entities (possible XXE / entity expansion)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             dtd_validation=False, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DiffInputError(f"not well-formed XML ({exc})") from None
    if _local(root.tag) != "alto":
        raise DiffInputError(f"not an ALTO document (root element <{_local(root.tag) or root.tag}>)")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None and any(True for _ in docinfo.internalDTD.iterentities()):
        raise DiffInputError("refused: DOCTYPE declares entities (possible XXE / entity expansion)")

    blocks = [b for b in root.iter() if _local(b.tag) == "TextBlock"] or [root]
    paras: list[str] = []
    skip_part2 = False  # a HypPart1 with SUBS_CONTENT holds the whole word: its HypPart2 adds nothing
    for block in blocks:
        lines = []
        for tl in (e for e in block.iter() if _local(e.tag) == "TextLine"):
            parts: list[str] = []
            for el in tl:
                name = _local(el.tag)
                if name == "SP":
                    if parts and parts[-1] != " ":
                        parts.append(" ")
                elif name == "String":
                    subs, content = el.get("SUBS_TYPE"), el.get("CONTENT", "")
                    if subs == "HypPart2" and skip_part2:
                        skip_part2 = False
                        if parts and parts[-1] == " ":
                            parts.pop()
                        continue
                    skip_part2 = False
                    if subs == "HypPart1" and el.get("SUBS_CONTENT"):
                        parts.append(el.get("SUBS_CONTENT"))
                        skip_part2 = True
                    else:
                        parts.append(content)
            text = "".join(parts).strip()
            if text:
                lines.append(text)
        if lines:
            paras.append("\n".join(lines))
    return "\n\n".join(paras) + ("\n" if paras else "")


def read_input(path: Path) -> tuple[str, str]:
    """(text, format) of one input file; format is ``text`` or ``alto``."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise DiffInputError("is a directory") from None
    except OSError as exc:
        raise DiffInputError(exc.strerror or str(exc)) from None
    head = data[:4096].lstrip(b"\xef\xbb\xbf").decode("utf-8", "replace")
    if path.suffix.lower() == ".xml" or _XML_START.match(head):
        return alto_text(data), "alto"
    try:
        return data.decode("utf-8-sig"), "text"
    except UnicodeDecodeError as exc:
        raise DiffInputError(f"not UTF-8 text (byte {exc.start}: {exc.reason})") from None


# --- normalisation -------------------------------------------------------------------------------------------

_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


@dataclass
class Options:
    punctuation: str = "keep"
    fold_width: bool = False
    ignore_whitespace: bool = True
    repair_reference: bool = False

    def applied(self) -> list[str]:
        out = ["BOM and CR/CRLF line ends removed", "Unicode NFC"]
        if self.repair_reference:
            out.append("reference: paragraphs split at column/region boundaries rejoined (repair_text)")
        if self.punctuation != "keep":
            out.append(f"punctuation profile '{self.punctuation}' applied to both sides")
        if self.fold_width:
            out.append("full-width ASCII variants and ideographic space folded to ASCII")
        out.append("whitespace removed before character alignment" if self.ignore_whitespace
                   else "whitespace runs compared as one space, paragraph breaks as one newline")
        return out


def normalise(text: str, options: Options) -> str:
    text = unicodedata.normalize("NFC", normalize_input(text))
    if options.punctuation != "keep":
        texts = _apply_profile(_parse(text), options.punctuation)
        text = "\n\n".join(texts) + ("\n" if texts else "")
    if options.fold_width:
        text = text.translate(_FOLD)
    return text


# --- units ------------------------------------------------------------------------------------------------


@dataclass
class Unit:
    text: str
    para: int  # index of the paragraph the unit belongs to
    space_before: bool = False  # whitespace preceded it in its paragraph (for display only)


def _extends_cluster(ch: str) -> bool:
    o = ord(ch)
    return bool(unicodedata.combining(ch)) or unicodedata.category(ch) in ("Mn", "Mc", "Me") \
        or 0xFE00 <= o <= 0xFE0F or 0xE0100 <= o <= 0xE01EF or 0x1F3FB <= o <= 0x1F3FF


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
    out: list[Unit] = []
    for p, para in enumerate(paragraphs(text)):
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


_WORD = re.compile(
    r"[\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]"
    r"|(?:(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[^\W_])+"
    r"(?:['’.,](?:(?![\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])[^\W_])+)*")


def words(text: str) -> list[str]:
    """Words for WER: each Han/kana character alone, other letter/digit runs split at space and punctuation."""
    return _WORD.findall(unicodedata.normalize("NFC", text))


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
    rows: list[list[Segment]] = field(repr=False, default_factory=list)

    def to_json(self) -> dict:
        d = {k: v for k, v in asdict(self).items() if k != "rows"}
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


def compare(reference: str, hypothesis: str, options: Options, ref_format: str = "text",
            hyp_format: str = "text", ref_path: str = "", hyp_path: str = "") -> DiffResult:
    repair = None
    if options.repair_reference:
        reference, joins = repair_text(normalize_input(reference))
        repair = {"artefacts_repaired": len(joins), "joins": [asdict(j) for j in joins]}
    ref_text, hyp_text = normalise(reference, options), normalise(hypothesis, options)
    ref_u, hyp_u = units(ref_text, options.ignore_whitespace), units(hyp_text, options.ignore_whitespace)
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
    metrics = {
        "cer": cer_value,
        "character_accuracy": 1.0 - cer_value,
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
    return DiffResult(
        options=options,
        reference={"path": ref_path, "format": ref_format, "units": n_ref, "words": len(ref_w),
                   "paragraphs": len(ref_paras)},
        hypothesis={"path": hyp_path, "format": hyp_format, "units": len(hyp_s), "words": len(hyp_w),
                    "paragraphs": len(hyp_paras)},
        metrics=metrics,
        paragraph_breaks=asdict(breaks),
        paragraph_structure_equal=len(ref_paras) == len(hyp_paras) and breaks.precision == 1.0 and breaks.recall == 1.0,
        headings={"reference": len(ref_h), "hypothesis": len(hyp_h), "matching": matching,
                  "missing": [f"{lvl} {t}" for lvl, t in (Counter(ref_h) - Counter(hyp_h)).elements()],
                  "extra": [f"{lvl} {t}" for lvl, t in (Counter(hyp_h) - Counter(ref_h)).elements()]},
        confusions=[{"reference": r, "hypothesis": h, "label": f"{r}→{h}", "count": c}
                    for (r, h), c in confusions.most_common(TOP_CONFUSIONS)],
        repair=repair,
        rows=_rows(ref_u, hyp_u, ops.as_opcodes()),
    )


# --- reports ----------------------------------------------------------------------------------------------


def summary_rows(result: DiffResult) -> list[tuple[str, str]]:
    m, b = result.metrics, result.paragraph_breaks
    rows = [
        ("CER", f"{m['cer']:.4%}"),
        ("character accuracy", f"{m['character_accuracy']:.4%}"),
        ("edit distance (S / I / D)", f"{m['distance']} ({m['substitutions']} / {m['insertions']} / {m['deletions']})"),
        ("reference / hypothesis units", f"{result.reference['units']} / {result.hypothesis['units']}"),
        ("WER", f"{m['wer']:.4%}"),
        ("word distance (S / I / D)",
         f"{m['word_distance']} ({m['word_substitutions']} / {m['word_insertions']} / {m['word_deletions']})"),
        ("reference / hypothesis words", f"{result.reference['words']} / {result.hypothesis['words']}"),
        ("paragraphs (reference / hypothesis)", f"{result.reference['paragraphs']} / {result.hypothesis['paragraphs']}"),
        ("paragraph breaks P / R / F1", f"{b['precision']:.3f} / {b['recall']:.3f} / {b['f1']:.3f}"),
        ("paragraph structure equal", "yes" if result.paragraph_structure_equal else "no"),
        ("headings (reference / hypothesis / matching)",
         f"{result.headings['reference']} / {result.headings['hypothesis']} / {result.headings['matching']}"),
    ]
    if result.repair is not None:
        rows.append(("reference artefacts repaired", str(result.repair["artefacts_repaired"])))
    return rows


def print_summary(console: Console, result: DiffResult) -> None:
    table = Table(title="diff summary", show_header=True)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in summary_rows(result):
        table.add_row(k, escape(v))
    console.print(table)
    console.print("normalisation: " + escape("; ".join(result.options.applied())), soft_wrap=True)
    if result.confusions:
        conf = Table(title=f"top {len(result.confusions)} confusions (reference→hypothesis)")
        conf.add_column("confusion")
        conf.add_column("count", justify="right")
        for c in result.confusions:
            conf.add_row(escape(c["label"]), str(c["count"]))
        console.print(conf)


_CSS = """
body{font-family:"Noto Serif CJK SC","Source Han Serif SC",serif;margin:1.5em;color:#222}
h1{font-size:1.3em}h2{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
table.sum td:last-child,table.conf td:last-child{text-align:right}
table.view{width:100%;table-layout:fixed}table.view td{white-space:pre-wrap;word-break:break-all;line-height:1.6}
table.view td.n{width:3.5em;text-align:right;color:#777}table.view td.e{width:3em;text-align:right;color:#a00}
del{background:#fbb;text-decoration:line-through}ins{background:#bfb;text-decoration:none}
span.s{background:#fd8}span.g{color:#999}span.brk{background:#bdf;color:#036;font-weight:bold}
tr.ok td.e{color:#aaa}
#only:checked ~ table.view tr.ok{display:none}
ul.opts{font-size:.9em;color:#444}
"""


@dataclass
class _Cursor:
    """Rendering state of one column: the paragraph of the last unit shown, and whether a row just began."""

    last_para: int | None = None
    row_start: bool = True


_BREAK = '<span class="brk" title="the hypothesis breaks the paragraph here">¶</span>'
_NO_BREAK = '<span class="brk" title="the hypothesis has no paragraph break here">∅¶</span>'


def _render(units_: list[Unit], cursor: _Cursor, mark_breaks: bool = False, row: int = 0) -> tuple[str, int]:
    """Escaped text of some units (equal runs stay one text node); with break marks for the hypothesis."""
    out, marks = [], 0
    for u in units_:
        mark = ""
        if mark_breaks and cursor.last_para is not None:
            if u.para != cursor.last_para and not cursor.row_start:
                mark = _BREAK
            elif u.para == cursor.last_para and cursor.row_start and row > 0:
                mark = _NO_BREAK
        if mark:
            out.append(mark)
            marks += 1
        elif u.space_before and not cursor.row_start:
            out.append(" ")
        out.append(html.escape("⏎" if u.text == "\n" else u.text))
        cursor.last_para, cursor.row_start = u.para, False
    return "".join(out), marks


def _row_html(n: int, segments: list[Segment], ref_cur: _Cursor, hyp_cur: _Cursor) -> str:
    ref_parts, hyp_parts, errors, marks = [], [], 0, 0
    ref_cur.row_start = hyp_cur.row_start = True
    for seg in segments:
        r, _ = _render(seg.ref, ref_cur)
        h, m = _render(seg.hyp, hyp_cur, True, n)
        marks += m
        if seg.tag == "equal":
            ref_parts.append(r)
            hyp_parts.append(h)
            continue
        errors += max(len(seg.ref), len(seg.hyp))
        if seg.tag == "replace":
            title = html.escape(" ".join(f"{a.text}→{b.text}" for a, b in zip(seg.ref, seg.hyp)), quote=True)
            ref_parts.append(f'<span class="s" title="{title}">{r}</span>')
            hyp_parts.append(f'<span class="s" title="{title}">{h}</span>')
        elif seg.tag == "delete":
            ref_parts.append(f"<del>{r}</del>")
            hyp_parts.append('<span class="g">‸</span>')
        else:
            ref_parts.append('<span class="g">‸</span>')
            hyp_parts.append(f"<ins>{h}</ins>")
    cls = "err" if errors or marks else "ok"
    return (f'<tr class="{cls}"><td class="n">{n + 1}</td><td>{"".join(ref_parts)}</td>'
            f'<td>{"".join(hyp_parts)}</td><td class="e">{errors}</td></tr>')


def render_html(result: DiffResult) -> str:
    esc = html.escape
    parts = ['<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">',
             "<title>digitize diff</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>digitize diff</h1>",
             f"<p>reference: <code>{esc(result.reference['path'])}</code> ({esc(result.reference['format'])})<br>"
             f"hypothesis: <code>{esc(result.hypothesis['path'])}</code> ({esc(result.hypothesis['format'])})</p>",
             '<h2>Summary</h2><table class="sum">']
    parts += [f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in summary_rows(result)]
    parts.append('</table><ul class="opts">')
    parts += [f"<li>{esc(s)}</li>" for s in result.options.applied()]
    parts.append("</ul>")
    if result.repair and result.repair["joins"]:
        parts.append("<h2>Reference artefacts repaired</h2><table><tr><th>lines</th><th>left | right</th><th>evidence</th></tr>")
        for j in result.repair["joins"]:
            parts.append(f"<tr><td>{j['left_line']}→{j['right_line']}</td><td>…{esc(j['left'])} | {esc(j['right'])}…</td>"
                         f"<td>{esc(j['evidence'])}</td></tr>")
        parts.append("</table>")
    parts.append('<h2>Top confusions (reference→hypothesis)</h2><table class="conf"><tr><th>confusion</th><th>count</th></tr>')
    parts += [f"<tr><td>{esc(c['label'])}</td><td>{c['count']}</td></tr>" for c in result.confusions]
    parts.append("</table>")
    parts.append('<h2>Aligned text</h2><input type="checkbox" id="only"> <label for="only">only lines with errors</label>'
                 '<table class="view"><colgroup><col style="width:3.5em"><col><col><col style="width:3em"></colgroup>'
                 '<tr><th>#</th><th>reference</th><th>hypothesis</th><th>err</th></tr>')
    ref_cur, hyp_cur = _Cursor(), _Cursor()
    parts += [_row_html(n, segments, ref_cur, hyp_cur) for n, segments in enumerate(result.rows)]
    parts.append("</table></body></html>\n")
    return "\n".join(parts)


# --- command line -------------------------------------------------------------------------------------------


def _fail(path: Path | str, reason: str) -> None:
    Console(stderr=True, highlight=False).print(f"error: {escape(str(path))}: {escape(reason)}", soft_wrap=True)
    sys.exit(EXIT_USAGE)


def _write(path: Path, content: str) -> None:
    try:
        path.write_text(content, encoding="utf-8", newline="\n")
    except OSError as exc:
        _fail(path, exc.strerror or str(exc))


@click.command("diff", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("reference", type=click.Path(path_type=Path))
@click.argument("hypothesis", type=click.Path(path_type=Path))
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write all metrics, options and confusions as JSON.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write a self-contained HTML report with a side-by-side aligned view.")
@click.option("--punctuation", type=click.Choice(PUNCTUATION_CHOICES), default="keep", show_default=True,
              help="Rewrite both sides into this punctuation profile before comparing (keep: as written).")
@click.option("--fold-width", is_flag=True, default=False, help="Fold full-width ASCII variants to ASCII on both sides.")
@click.option("--ignore-whitespace/--keep-whitespace", default=True, show_default=True,
              help="Remove whitespace before the character alignment, or compare it.")
@click.option("--repair-reference", is_flag=True, default=False,
              help="Rejoin the reference's paragraphs split at column/region boundaries first (and report how many).")
def diff_command(reference: Path, hypothesis: Path, json_path: Path | None, html_path: Path | None,
                 punctuation: str, fold_width: bool, ignore_whitespace: bool, repair_reference: bool) -> None:
    """Compare HYPOTHESIS against REFERENCE (corpus/plain text or ALTO): CER, WER, confusions, aligned view."""
    texts = []
    for path in (reference, hypothesis):
        try:
            texts.append(read_input(path))
        except DiffInputError as exc:
            _fail(path, str(exc))
    options = Options(punctuation, fold_width, ignore_whitespace, repair_reference)
    result = compare(texts[0][0], texts[1][0], options, texts[0][1], texts[1][1], str(reference), str(hypothesis))
    if json_path is not None:
        _write(json_path, json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
    if html_path is not None:
        _write(html_path, render_html(result))
    print_summary(Console(highlight=False), result)
