"""What joins two pieces of text: CJK with nothing between, Latin words with a space, a Latin word broken at
a line-end hyphen dehyphenated or kept by word frequency and the text's own spelling."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ..model import Join, JoinKind
from ..settings import DEFAULT, RepairSettings
from .language import LATIN_WORD, zipf
from .patterns import LINE_HYPHENS, is_cjk

# Characters that end a sentence (and so may end a paragraph).
TERMINAL = set("。！？!?…”」』)）】.")
CONTEXT = 10  # characters each side of a break that decide whether it sits in CJK or Latin text
# Dehyphenation by word frequency: thresholds in RepairSettings (common_zipf, zipf_margin). Between two common
# words the spelling is house style ("postwar" and "post-war" are both English) that frequencies cannot settle;
# the text's own spelling, when it has one, does.


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


def hyphen_join(
    left_word: str,
    right_word: str,
    lang: str = "en",
    seen: Counter | None = None,
    settings: RepairSettings = DEFAULT.repair,
) -> Join:
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
    joined, kept_zipf = zipf(left + right, lang), zipf(pair, lang)
    figures = f"zipf {left + right!r} {joined:.1f}, {pair!r} {kept_zipf:.1f}"
    if joined >= settings.common_zipf or (joined > 0 and joined >= kept_zipf - settings.zipf_margin):
        return Join(JoinKind.HYPHEN, f"dehyphenated: {figures}")
    if joined == 0 and kept_zipf == 0:
        return Join(JoinKind.HYPHEN, f"dehyphenated: neither form is a known word ({figures})")
    return kept(figures)


def latin_hyphen_break(left: str, right: str) -> bool:
    """Whether ``left`` ends a Latin word with a hyphen and ``right`` goes on with a Latin letter or digit:
    the one break where a hyphen may be soft (a CJK character before the hyphen leaves no word to rejoin)."""
    left, right = left.rstrip(), right.lstrip()
    return (
        len(left) > 1
        and left[-1] in LINE_HYPHENS
        and left[-2].isalnum()
        and not is_cjk(left[-2])
        and right[:1].isalnum()
        and not is_cjk(right[:1])
    )


def text_join(
    prev: str, nxt: str, lang: str = "en", seen: Counter | None = None, settings: RepairSettings = DEFAULT.repair
) -> Join:
    """How two pieces of running text join when nothing ends a paragraph between them: CJK text (and Latin
    words or numbers inside it, "5G", "2025年") with nothing between, Latin words with a space, a Latin
    word broken at a hyphen by ``hyphen_join`` (``seen``: the document's own words, ``written_words``)."""
    left, right = prev.rstrip(), nxt.lstrip()
    a, b = left[-1:], right[:1]
    if latin_hyphen_break(left, right):
        return hyphen_join(left.split()[-1], right.split()[0], lang, seen, settings)
    if is_cjk(a) or is_cjk(b):
        return Join(JoinKind.CJK, f"CJK at the break ({a!r}|{b!r})")
    context = left[-CONTEXT:] + right[:CONTEXT]
    cjk = sum(is_cjk(c) for c in context)
    latin = sum(c.isascii() and c.isalpha() for c in context)
    if cjk >= latin and cjk:
        return Join(JoinKind.CJK, f"Latin or digits inside CJK text ({a!r}|{b!r})")
    return Join(JoinKind.SPACE, f"Latin words ({a!r}|{b!r})")
