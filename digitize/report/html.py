"""The HTML report of `digitize diff`: one self-contained file that opens offline.

What it holds: the summary and the options applied, the per-article breakdown, the confusions, and a
side-by-side view with one row per reference paragraph. Equal runs are plain text; only edits are wrapped
(``del`` deletions, ``ins`` insertions, ``span.s`` substitutions), so a 5,000-character page stays a few
thousand nodes. A pilcrow marks where the hypothesis breaks a paragraph the reference does not break (``¶``)
or runs on where the reference breaks (``∅¶``). A checkbox hides the rows without errors (pure CSS).

When the hypothesis has line boxes (ALTO, our JSON) and its page image is found, the image is embedded as a
scaled JPEG under an SVG layer with one rectangle per line, outlined by its error rate (green: none,
orange: under 10 %, red: 10 % or more). About ten lines of script: a click on a rectangle scrolls to the
line's diff row and highlights it (and unhides it if the filter hid it).
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..diff import DiffResult, Segment, Unit, summary_rows

IMAGE_MAX_WIDTH = 1400  # pixels of the embedded page image: enough to read a headline, small enough to load
WARN_RATE = 0.10  # a line at or above this error rate is outlined red
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")

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
tr.hl td{background:#cfe0ff;outline:3px solid #1060ff}
.cols{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:1.5em}
.pane{position:sticky;top:0;max-height:100vh;overflow:auto}
svg.page{width:100%;height:auto;display:block}
svg.page rect{fill:transparent;stroke-width:2;vector-effect:non-scaling-stroke;cursor:pointer}
svg.page rect.e0{stroke:#00b000}svg.page rect.e1{stroke:#ff9600}svg.page rect.e2{stroke:#e00000}
svg.page rect.sel{fill:rgba(16,96,255,.25)}
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
    return (
        f'<tr class="{cls}" id="r{n}"><td class="n">{n + 1}</td><td>{"".join(ref_parts)}</td>'
        f'<td>{"".join(hyp_parts)}</td><td class="e">{errors}</td></tr>'
    )


_SCRIPT = """
document.querySelector('svg.page').addEventListener('click', function (e) {
  var id = e.target.getAttribute('data-row'), row = id && document.getElementById(id);
  if (!row) return;
  if (row.classList.contains('ok')) document.getElementById('only').checked = false;
  document.querySelectorAll('.hl, .sel').forEach(function (el) { el.classList.remove('hl', 'sel'); });
  row.classList.add('hl'); e.target.classList.add('sel');
  row.scrollIntoView({block: 'center'});
});
"""


# What a page image may be: the raster formats `digitize.io` reads. Pillow would otherwise pick any of its
# plugins by content, EPS among them, which hands the file to Ghostscript.
IMAGE_FORMATS = ("PNG", "JPEG", "TIFF")


class PageImageError(ValueError):
    """A page image that is not used; ``str()`` says why, on one line."""


def named_page_image(xml_path: Path, named: str) -> Path:
    """The page image a hypothesis file names (ALTO ``sourceImageInformation/fileName``, PAGE
    ``imageFilename``, our JSON ``source.path``), as a file inside the folder the hypothesis sits in.

    A report embeds only what it was given: a name that is absolute, climbs out with ``..``, or resolves
    (through a symbolic link) outside that folder is refused, as is anything that is not a regular file (a
    FIFO would block the read forever, a device never ends)."""
    if not named or "\0" in named:
        raise PageImageError("no image named")
    relative = Path(named.replace("\\", "/"))
    if relative.is_absolute() or relative.drive or ".." in relative.parts:
        raise PageImageError(f"the image name {named!r} leaves the hypothesis folder")
    folder = xml_path.parent.resolve()
    candidate = (folder / relative).resolve()
    if not candidate.is_relative_to(folder):
        raise PageImageError(f"the image {named!r} resolves outside the hypothesis folder")
    return candidate


def page_image_uri(path: Path, max_pixels: int | None = None) -> str:
    """The page image as a ``data:`` URI: a JPEG at most IMAGE_MAX_WIDTH wide. Only a regular file in one
    of IMAGE_FORMATS, and no larger than ``max_pixels`` (`digitize.io.DEFAULT_MAX_PIXELS`), is decoded;
    anything else is a `PageImageError`."""
    from ..io import DEFAULT_MAX_PIXELS

    try:
        info = path.stat()
    except OSError as exc:
        raise PageImageError(exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise PageImageError("not a regular file")
    limit = max_pixels or DEFAULT_MAX_PIXELS
    try:
        with Image.open(path, formats=IMAGE_FORMATS) as opened:
            if opened.width * opened.height > limit:
                raise PageImageError(f"image is {opened.width}×{opened.height} pixels, over the limit of {limit:,}")
            opened.draft(
                "RGB", (IMAGE_MAX_WIDTH, IMAGE_MAX_WIDTH * opened.height // max(1, opened.width))
            )  # JPEG: decode small
            im = opened.convert("RGB")
            if im.width > IMAGE_MAX_WIDTH:
                im = im.resize(
                    (IMAGE_MAX_WIDTH, round(im.height * IMAGE_MAX_WIDTH / im.width)), Image.Resampling.LANCZOS
                )
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=75)
    except PageImageError:
        raise
    except Exception as exc:  # Pillow's plugins raise OSError, SyntaxError, DecompressionBombError, ...
        raise PageImageError(f"not a readable {'/'.join(IMAGE_FORMATS)} image ({type(exc).__name__})") from None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _num(value) -> str:
    """A number as it may stand in markup: whatever the input file held, only digits, sign and point come
    out (a page ``width`` of ``"1 onload=alert(1)"`` is refused, not written into the SVG)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}"[:80])
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"not an integer: {value!r}"[:80])
    return value


def _page_svg(result: DiffResult, image_uri: str) -> str:
    assert result.page is not None  # drawn only for a diff that carries its page (see render_html)
    width, height = (_num(v) for v in result.page["size"])
    if not image_uri.startswith("data:image/jpeg;base64,") or not _BASE64.fullmatch(image_uri[23:]):
        raise ValueError("the page image must be a data: URI made by page_image_uri")
    parts = [
        f'<svg class="page" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">',
        f'<image href="{image_uri}" x="0" y="0" width="{width}" height="{height}"/>',
    ]
    for n, line in enumerate(result.line_errors):
        if not line["box"] or line["row"] is None or not line["units"]:
            continue
        x0, y0, x1, y1 = line["box"]
        errors, units_, row = _int(line["errors"]), _int(line["units"]), _int(line["row"])
        rate = errors / units_
        cls = "e0" if not errors else "e1" if rate < WARN_RATE else "e2"
        parts.append(
            f'<rect class="{cls}" data-row="r{row}" x="{_num(x0)}" y="{_num(y0)}" width="{_num(x1 - x0)}" '
            f'height="{_num(y1 - y0)}"><title>line {n + 1}: {errors} errors / {units_}</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _breakdown_html(result: DiffResult) -> list[str]:
    esc, parts = html.escape, []
    for side, groups in result.breakdown.items():
        parts.append(
            f'<h2>Per article ({esc(side)})</h2><table class="conf"><tr><th>article</th><th>units</th>'
            "<th>errors</th><th>error rate</th></tr>"
        )
        parts += [
            f"<tr><td>{esc(str(g['id']))}</td><td>{_int(g['units'])}</td><td>{_int(g['errors'])}</td>"
            f"<td>{g['error_rate']:.2%}</td></tr>"
            for g in groups["articles"]
        ]
        parts.append("</table>")
    return parts


def render_html(result: DiffResult, image_uri: str | None = None) -> str:
    """The report; ``image_uri`` (from `page_image_uri`) adds the page view when the hypothesis has boxes."""
    esc = html.escape
    parts = [
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">',
        "<title>digitize diff</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>digitize diff</h1>",
        f"<p>reference: <code>{esc(str(result.reference['path']))}</code> ({esc(str(result.reference['format']))})<br>"
        f"hypothesis: <code>{esc(str(result.hypothesis['path']))}</code> ({esc(str(result.hypothesis['format']))})</p>",
    ]
    with_page = bool(image_uri and result.line_errors and result.page and result.page["size"])
    if with_page:
        assert image_uri is not None  # with_page needs one
        parts.append(f'<div class="cols"><div class="pane">{_page_svg(result, image_uri)}</div><div>')
    if result.repair is not None:
        parts.append(
            f'<p class="repaired">{_int(result.repair["artefacts_repaired"])} reference artefacts repaired</p>'
        )
    parts.append('<h2>Summary</h2><table class="sum">')
    parts += [f"<tr><td>{esc(str(k))}</td><td>{esc(str(v))}</td></tr>" for k, v in summary_rows(result)]
    parts.append('</table><ul class="opts">')
    parts += [f"<li>{esc(str(s))}</li>" for s in result.options.applied()]
    parts.append("</ul>")
    parts += _breakdown_html(result)
    if result.repair and result.repair["joins"]:
        parts.append(
            "<h2>Reference artefacts repaired</h2><table><tr><th>lines</th><th>left | right</th><th>evidence</th></tr>"
        )
        for j in result.repair["joins"]:
            parts.append(
                f"<tr><td>{_int(j['left_line'])}→{_int(j['right_line'])}</td><td>…{esc(str(j['left']))} | "
                f"{esc(str(j['right']))}…</td><td>{esc(str(j['evidence']))}</td></tr>"
            )
        parts.append("</table>")
    parts.append(
        '<h2>Top confusions (reference→hypothesis)</h2><table class="conf"><tr><th>confusion</th><th>count</th></tr>'
    )
    parts += [f"<tr><td>{esc(str(c['label']))}</td><td>{_int(c['count'])}</td></tr>" for c in result.confusions]
    parts.append("</table>")
    parts.append(
        '<h2>Aligned text</h2><input type="checkbox" id="only"> <label for="only">only lines with errors</label>'
        '<table class="view"><colgroup><col style="width:3.5em"><col><col><col style="width:3em"></colgroup>'
        '<tr><th>#</th><th>reference</th><th>hypothesis</th><th>err</th></tr>'
    )
    ref_cur, hyp_cur = _Cursor(), _Cursor()
    parts += [_row_html(n, segments, ref_cur, hyp_cur) for n, segments in enumerate(result.rows)]
    parts.append("</table>")
    if with_page:
        parts.append(f"</div></div><script>{_SCRIPT}</script>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
