"""Word spaces a recogniser left out of (or put into) a Latin line, restored from its glyph boxes and the
lexicon."""

from __future__ import annotations

from ..model import Line
from .language import LATIN_WORD, zipf
from .patterns import LINE_HYPHENS, mostly_latin

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
    return bool(words) and all(zipf(w.lower(), lang) >= KNOWN_ZIPF for w in words)


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
    frequency = zipf(core.lower(), lang)
    return frequency - 9 if frequency > 0 else UNKNOWN_WORD


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
