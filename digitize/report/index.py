"""The index page of ``digitize diff --batch``: one table of every page, worst (highest CER) first, each page
linking its own report. Every string from the inputs (page names, paths, normalisations) is HTML-escaped,
links are relative, percent-encoded file names, and numbers are written only after checking they are numbers;
the page has no script."""

from __future__ import annotations

import html
import math
from urllib.parse import quote

_CSS = (
    "body{font:14px/1.4 sans-serif;margin:1.5em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
)


def _rate(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return f"{number:.4%}" if math.isfinite(number) else "–"


def render_index(pages: list[dict], only_ref: list[str], only_hyp: list[str], normalisations: list[str]) -> str:
    """``pages``: the rows of ``summary.json`` (page, cer, wer, flexible_character_accuracy, distance, units,
    report), already sorted worst first."""
    esc = html.escape
    parts = [
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
        "<title>digitize diff: index</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>digitize diff of {len(pages)} pages, worst first</h1>",
        "<table><tr><th>page</th><th>CER</th><th>WER</th><th>FCA</th><th>edits</th><th>units</th></tr>",
    ]
    for p in pages:
        href = "./" + quote(str(p["report"]), safe="")
        parts.append(
            f'<tr><td><a href="{esc(href, quote=True)}">{esc(str(p["page"]))}</a></td>'
            f"<td>{_rate(p['cer'])}</td><td>{_rate(p['wer'])}</td>"
            f"<td>{_rate(p['flexible_character_accuracy'])}</td><td>{int(p['distance'])}</td>"
            f"<td>{int(p['units'])}</td></tr>"
        )
    parts.append("</table>")
    for label, stems in (("only in the reference folder", only_ref), ("only in the hypothesis folder", only_hyp)):
        if stems:
            parts.append(f"<h2>{label}</h2><ul>" + "".join(f"<li>{esc(s)}</li>" for s in stems) + "</ul>")
    parts.append("<h2>normalisations</h2><ul>" + "".join(f"<li>{esc(s)}</li>" for s in normalisations) + "</ul>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
