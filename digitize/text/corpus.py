"""The corpus text format (see the shared corpus README), read and written here and nowhere else.

A corpus text is blank-line separated paragraphs, one per line as written (a paragraph cut by hand may span
several lines). A heading carries its mark: ``## `` a headline, ``### `` a kicker (before a headline) or an
intertitle. Other roles are read off the text: ``——`` subtitle, byline, photo caption (ends with the credit
``摄``), news lead (``本报讯 (``), a paragraph continued from another page (``(上接第1版)``), body text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Role
from .patterns import BYLINE, CONTINUATION_START, ENGLISH_CONTINUATION_START, LEAD, SUBTITLE_DASH

HEADLINE_MARK = "## "
HEADING_MARK = "### "  # a kicker or an intertitle
# The mark a paragraph of each role is written with.
ROLE_MARKS = {Role.HEADLINE: HEADLINE_MARK, Role.KICKER: HEADING_MARK, Role.INTERTITLE: HEADING_MARK}
# Either mark at the start of a line; a heading line with its level (the mark) and text.
MARK = re.compile(r"^#{2,3} ")
HEADING_LINE = re.compile(r"^(#{2,3}) (.*)$")

# The roles a corpus paragraph can have (finer than the model's: a lead and a continued part are body text).
HEADLINE, KICKER, INTERTITLE, SUBTITLE, BYLINE_ROLE, CAPTION, LEAD_ROLE, CONTINUED, BODY = (
    "headline",
    "kicker",
    "intertitle",
    "subtitle",
    "byline",
    "caption",
    "lead",
    "continued",
    "body",
)
MODEL_ROLE = {
    HEADLINE: Role.HEADLINE,
    KICKER: Role.KICKER,
    INTERTITLE: Role.INTERTITLE,
    SUBTITLE: Role.SUBTITLE,
    BYLINE_ROLE: Role.BYLINE,
    CAPTION: Role.CAPTION,
    LEAD_ROLE: Role.BODY,
    CONTINUED: Role.BODY,
    BODY: Role.BODY,
}


# --- reading ---------------------------------------------------------------------------------------------


@dataclass
class CorpusParagraph:
    text: str  # as written, its lines joined by "\n", heading mark included
    lines: list[int] = field(default_factory=list)  # 1-based start lines of the input paragraphs it is made of


def normalize_input(text: str) -> str:
    """Tolerate a BOM and CRLF / CR line ends."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_paragraphs(text: str) -> list[CorpusParagraph]:
    """The blank-line separated paragraphs of a corpus text (a line of only whitespace is blank)."""
    paras: list[CorpusParagraph] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            paras.append(CorpusParagraph("\n".join(current), [start]))
            current = []
    if current:
        paras.append(CorpusParagraph("\n".join(current), [start]))
    return paras


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a corpus text, stripped (a line of only whitespace between two is a blank line)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _is_subtitle(s: str) -> bool:
    m = SUBTITLE_DASH.match(s)
    return m is not None and any(d in m.group(0) for d in ("—", "─", "--"))  # not 一一 alone: that is text


def classify(text: str, next_text: str | None = None) -> str:
    """The role of one paragraph (``next_text``: the following paragraph, to tell a kicker from an intertitle)."""
    s = text.strip()
    if s.startswith(HEADLINE_MARK):
        return HEADLINE
    if s.startswith(HEADING_MARK):
        return KICKER if next_text is not None and next_text.strip().startswith(HEADLINE_MARK) else INTERTITLE
    if _is_subtitle(s):
        return SUBTITLE
    if BYLINE.match(s):
        return BYLINE_ROLE
    if s.endswith("摄"):
        return CAPTION
    if LEAD.match(s) or s.startswith("本报讯"):
        return LEAD_ROLE
    if CONTINUATION_START.match(s) or ENGLISH_CONTINUATION_START.match(s):
        return CONTINUED
    return BODY


def split_mark(text: str) -> tuple[str, str]:
    """A paragraph's heading mark (``""`` when it has none) and its text after the mark."""
    for mark in (HEADLINE_MARK, HEADING_MARK):
        if text.startswith(mark):
            return mark, text[len(mark) :]
    return "", text


def strip_mark(line: str) -> str:
    """A line without the heading mark it starts with."""
    return MARK.sub("", line)


def headings(text: str) -> list[tuple[str, str]]:
    """(level, text) of every ``## `` and ``### `` line."""
    out = []
    for line in text.splitlines():
        m = HEADING_LINE.match(line)
        if m:
            out.append((m.group(1), m.group(2).strip()))
    return out


# --- writing ---------------------------------------------------------------------------------------------


def corpus_line(role: Role, text: str) -> str:
    """A paragraph of the given role as a line of the corpus format, with its heading mark."""
    return ROLE_MARKS.get(role, "") + text


def corpus_text(lines: list[str]) -> str:
    """Paragraph lines as a corpus text: separated by a blank line, ending with one newline."""
    return "\n\n".join(lines) + "\n" if lines else ""
