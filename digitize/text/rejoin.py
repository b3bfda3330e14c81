"""Text-only repair of corpus-format text: rejoin paragraphs that were split where no paragraph ends.

Two consecutive body paragraphs are joined when the break between them cannot be a real paragraph end: the
first one ends without terminal punctuation and without a continuation marker (``(下转第4版)``), or the second
one starts with a character that cannot open a paragraph. An article's last body paragraph (followed by a
heading, byline, caption or nothing) is never joined: an article may end mid-sentence because it continues
elsewhere. Nothing else changes: paragraphs stay separated by one blank line, leading blank lines are dropped
and the text ends with one newline.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..model import JoinKind, glue
from .corpus import (
    BODY,
    CONTINUED,
    LEAD_ROLE,
    CorpusParagraph,
    classify,
    corpus_text,
    normalize_input,
    parse_paragraphs,
)
from .joins import TERMINAL, text_join, written_words
from .patterns import CONTINUATION, ENGLISH_CONTINUATION, is_cjk

CONTEXT = 10  # characters of context recorded on each side of a join

# Characters that close something or continue a sentence: a paragraph cannot start with one of them.
NO_START = set(",，、。.:：;；!！?？)）]】》〉」』”’")
# Endings that say outright that the sentence goes on.
OPEN_ENDINGS = {
    "、": "an enumeration comma",
    ",": "a comma",
    "，": "a comma",
    ":": "a colon",
    "：": "a colon",
    ";": "a semicolon",
    "；": "a semicolon",
    "“": "an opening quote",
    "‘": "an opening quote",
    "《": "an opening title mark",
    "(": "an opening parenthesis",
    "（": "an opening parenthesis",
}
# A list item opens a new paragraph even after ``:`` or ``;`` (一是… / (一)… / 1. … / 第一,…).
LIST_ITEM = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[.、．]|"
    r"[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[,，、]|[①-⑳])"
)

# Only these roles can be the first part of a join, only BODY the second.
JOINABLE_LEFT = (BODY, LEAD_ROLE, CONTINUED)


@dataclass
class TextJoin:
    """One join of two paragraphs of the input, with the evidence that the break was not a paragraph end."""

    kind: str  # a JoinKind value
    left_line: int  # 1-based line of the input paragraph before the break
    right_line: int  # 1-based line of the input paragraph after the break
    left: str  # the last ≤10 characters before the break
    right: str  # the first ≤10 characters after the break
    evidence: str


# --- deciding a join -------------------------------------------------------------------------------------


def _ends_terminal(left: str, right: str) -> bool:
    last = left[-1:]
    if last == ".":  # a decimal point cut from its digits is no sentence end
        return not (left[-2:-1].isdigit() and right[:1].isdigit())
    return last in TERMINAL


def _describe_end(left: str) -> str:
    last = left[-1:]
    if last in OPEN_ENDINGS:
        return f"left ends with {OPEN_ENDINGS[last]} {last!r}"
    if is_cjk(last):
        return f"left ends mid-sentence on CJK {last!r}"
    if last == "-":
        return "left ends with a hyphen"
    return f"left ends with {last!r}, no terminal punctuation"


def decide(left: str, right: str, left_role: str, right_role: str, seen: Counter | None = None) -> tuple[JoinKind, str]:
    """Whether the break between two paragraphs is a real paragraph end (``BREAK``) or how to join it
    (``seen``: the words the text writes whole, for dehyphenation)."""
    l, r = left.strip(), right.strip()
    if left_role not in JOINABLE_LEFT:
        return JoinKind.BREAK, f"left is a {left_role}"
    if right_role != BODY:
        return JoinKind.BREAK, f"right is a {right_role}"
    if CONTINUATION.search(l) or ENGLISH_CONTINUATION.search(l):
        return JoinKind.BREAK, "left closes with a continuation marker"
    bad_start = r[:1] in NO_START
    if _ends_terminal(l, r) and not bad_start:
        return JoinKind.BREAK, f"left ends with terminal {l[-1]!r}"
    if l[-1:] in ":：;；" and LIST_ITEM.match(r):
        return JoinKind.BREAK, "right opens a list item"
    join = text_join(l, r, seen=seen)
    kind = join.kind
    merged = glue(kind, l, r)
    if classify(merged) != left_role:
        return JoinKind.BREAK, f"joined text would read as a {classify(merged)}"
    evidence = []
    if bad_start:
        evidence.append(f"right starts with {r[0]!r}, which cannot open a paragraph")
    if not _ends_terminal(l, r):
        evidence.append(_describe_end(l))
    evidence.append("right is body text")
    evidence.append(join.evidence)
    return kind, "; ".join(evidence)


# --- rejoining -------------------------------------------------------------------------------------------


def _one_pass(paras: list[CorpusParagraph], joins: list[TextJoin], seen: Counter) -> list[CorpusParagraph]:
    out: list[CorpusParagraph] = []
    for i, para in enumerate(paras):
        if out:
            prev = out[-1]
            nxt = paras[i + 1].text if i + 1 < len(paras) else None
            kind, evidence = decide(
                prev.text, para.text, classify(prev.text, para.text), classify(para.text, nxt), seen
            )
            if kind is not JoinKind.BREAK:
                l, r = prev.text.strip(), para.text.strip()
                joins.append(TextJoin(kind.value, prev.lines[-1], para.lines[0], l[-CONTEXT:], r[:CONTEXT], evidence))
                # keep the left paragraph's leading and the right paragraph's trailing whitespace as they were
                lead = prev.text[: len(prev.text) - len(prev.text.lstrip())]
                trail = para.text[len(para.text.rstrip()) :]
                prev.text = lead + glue(kind, l, r) + trail
                prev.lines.extend(para.lines)
                continue
        out.append(CorpusParagraph(para.text, list(para.lines)))
    return out


def rejoin(text: str) -> tuple[list[CorpusParagraph], list[TextJoin]]:
    """The paragraphs of a corpus text with those split where no paragraph ends joined again, and the joins
    made (in input order)."""
    paras = parse_paragraphs(normalize_input(text))
    joins: list[TextJoin] = []
    seen = written_words(p.text for p in paras)
    while True:  # to a fixpoint, so that repairing a repaired text changes nothing
        before = len(joins)
        paras = _one_pass(paras, joins, seen)
        if len(joins) == before:
            break
    joins.sort(key=lambda j: (j.left_line, j.right_line))
    return paras, joins


def rejoin_text(text: str) -> tuple[str, list[TextJoin]]:
    """The corpus text with paragraphs split where no paragraph ends joined again, and the joins made."""
    paras, joins = rejoin(text)
    return corpus_text([p.text for p in paras]), joins
