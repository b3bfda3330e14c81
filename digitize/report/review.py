"""The review index of `digitize review`: one HTML page listing the pages that need a person, worst first.

A row per page: the page (input file and page number), its state (failed, or needs review), the reasons with
the figures behind them, and links to what helps decide: the debug overlay, the diff report against a
reference, the outputs. The page holds no script and forbids any (a Content-Security-Policy of
``script-src 'none'``); every string is HTML-escaped and every link is a relative path, percent-encoded, so a
file name or a reason cannot become markup or a ``javascript:`` URL.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..quality import REASONS

_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans",sans-serif;margin:1.5em;color:#222}
h1{font-size:1.3em}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
td.n{text-align:right;white-space:nowrap}tr.failed td.state{color:#b00;font-weight:bold}
tr.review td.state{color:#a60}code{word-break:break-all}
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; script-src 'none'"


@dataclass
class ReviewEntry:
    source: str  # the input file
    page: int  # 1-based page in it
    state: str  # "failed" or "needs-review"
    summary: str  # the reasons with their figures, or the error
    reasons: list[str] = field(default_factory=list)
    coverage: float | None = None
    confidence: float | None = None
    overlay: Path | None = None  # files on disk; linked relative to the index
    diff: Path | None = None
    outputs: list[Path] = field(default_factory=list)

    def sort_key(self) -> tuple:
        """Failed first (nothing written), then the worst reason, the lowest coverage, the lowest confidence."""
        worst = min((REASONS.index(r) for r in self.reasons if r in REASONS), default=len(REASONS))
        return (
            self.state != "failed",
            worst,
            1.0 if self.coverage is None else self.coverage,
            1.0 if self.confidence is None else self.confidence,
            self.source,
            self.page,
        )


def _href(target: Path, index_dir: Path) -> str:
    """A relative, percent-encoded link: no scheme can survive (":" is encoded), no markup either."""
    return quote(Path(os.path.relpath(target.resolve(), index_dir.resolve())).as_posix(), safe="/")


def render_review(entries: Iterable[ReviewEntry], index_dir: Path, title: str) -> str:
    """The index page, for a file written in ``index_dir`` (links are relative to it)."""
    esc = html.escape
    rows = sorted(entries, key=ReviewEntry.sort_key)

    def link(target: Path | None, text: str) -> str:
        if target is None:
            return ""
        return f'<a href="{esc(_href(target, index_dir))}">{esc(text)}</a>'

    failed = sum(1 for r in rows if r.state == "failed")
    parts = [
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(_CSP)}">',
        f"<title>digitize review: {esc(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>digitize review: <code>{esc(title)}</code></h1>",
        f"<p>{len(rows)} pages to look at: {failed} failed, {len(rows) - failed} need review. Worst first.</p>",
        '<table><tr><th>#</th><th>page</th><th>state</th><th>why</th><th>coverage</th><th>confidence</th>'
        "<th>overlay</th><th>diff</th><th>outputs</th></tr>",
    ]
    for n, r in enumerate(rows, 1):
        coverage = "" if r.coverage is None else f"{r.coverage:.2f}"
        confidence = "" if r.confidence is None else f"{r.confidence:.2f}"
        outputs = " ".join(link(o, o.name) for o in r.outputs)
        parts.append(
            f'<tr class="{"failed" if r.state == "failed" else "review"}"><td class="n">{n}</td>'
            f"<td><code>{esc(r.source)}</code> p{int(r.page)}</td><td class=\"state\">{esc(r.state)}</td>"
            f'<td>{esc(r.summary)}</td><td class="n">{coverage}</td><td class="n">{confidence}</td>'
            f"<td>{link(r.overlay, 'overlay')}</td><td>{link(r.diff, 'diff')}</td><td>{outputs}</td></tr>"
        )
    parts.append("</table></body></html>\n")
    return "\n".join(parts)
