"""Word spaces a recogniser left out of (or put into) a Latin line, restored from its glyph boxes and the
lexicon."""

from __future__ import annotations

from ..model import Line
from ..settings import DEFAULT, RepairSettings
from .language import LATIN_WORD, zipf
from .patterns import LINE_HYPHENS, mostly_latin

# Word spaces PP-OCR's recogniser leaves out of widely justified Latin lines ("feltbright", "includingstraw")
# show in the glyph boxes, whose widths are about even whatever the letter (gap between two glyphs × line
# height; thresholds and their measurements in RepairSettings: weak_gap, word_gap, wide_letter_allowance). A gap
# from weak_gap on may be a space; which of them are is chosen with the lexicon (``_segment``), a gap from
# word_gap on counting more. Scores of a segmentation are in log10 word frequency (a known word scores zipf − 9);
# the first part of a word hyphenated at the line end costs FRAGMENT plus FRAGMENT_PER_CHAR a character (a long
# "fragment" is more likely words run together).
WIDE_LETTERS = "mM"
FRAGMENT, FRAGMENT_PER_CHAR = -4.0, -0.5
_PUNCTUATION = ".,;:!?\"'()[]“”‘’"


def _known(piece: str, lang: str, settings: RepairSettings = DEFAULT.repair) -> bool:
    """Every word in ``piece`` is one the lexicon knows."""
    words = LATIN_WORD.findall(piece)
    return bool(words) and all(zipf(w.lower(), lang) >= settings.known_zipf for w in words)


def _one_known_word(token: str, lang: str, settings: RepairSettings = DEFAULT.repair) -> bool:
    """``token`` is one word the lexicon knows, with punctuation around it at most ("auditorium,")."""
    core = token.strip(_PUNCTUATION)
    return bool(LATIN_WORD.fullmatch(core)) and _known(core, lang, settings)


def _piece_score(piece: str, lang: str, settings: RepairSettings = DEFAULT.repair) -> float:
    core = piece.strip(_PUNCTUATION)
    if core.endswith(tuple(LINE_HYPHENS)) and LATIN_WORD.fullmatch(core[:-1] or "-"):
        return FRAGMENT + FRAGMENT_PER_CHAR * len(core)
    if not LATIN_WORD.fullmatch(core):
        return (
            0.0 if not any(c.isalpha() for c in core) else settings.unknown_word_score
        )  # numbers and marks stand as read
    frequency = zipf(core.lower(), lang)
    return frequency - 9 if frequency > 0 else settings.unknown_word_score


def _segment(token: str, gaps: list[float], lang: str, settings: RepairSettings = DEFAULT.repair) -> list[str]:
    """The token cut at the subset of its wide gaps that reads best: common words, few unknown pieces, a cut
    where the glyphs stand apart (dynamic programming over the candidate cuts)."""
    candidates = [i for i in range(1, len(token)) if gaps[i] >= settings.weak_gap]
    points = [0, *candidates, len(token)]
    best: dict[int, tuple[float, list[int]]] = {0: (0.0, [])}
    for j in range(1, len(points)):
        end = points[j]
        bonus = (
            0.0
            if end == len(token)
            else (settings.cut_at_word_gap_score if gaps[end] >= settings.word_gap else settings.cut_at_gap_score)
        )
        best[j] = max(
            (best[i][0] + _piece_score(token[points[i] : end], lang, settings) + bonus, best[i][1] + [end])
            for i in range(j)
        )
    return _cut(token, best[len(points) - 1][1][:-1])


def restore_word_spaces(line: Line, lang: str, settings: RepairSettings = DEFAULT.repair) -> None:
    """Put back the word spaces the recogniser left out of a Latin line, from its glyph boxes (which stand for
    the line's non-space characters, so the text gains spaces and the glyphs stay), and take out the ones it
    put inside a word."""
    chars = [c for c in line.text if not c.isspace()]
    if not mostly_latin(line.text) or len(chars) != len(line.glyphs) or len(chars) < 2:
        return
    gap = [0.0] + [
        (line.glyphs[k].box[0] - line.glyphs[k - 1].box[2]) / max(1, line.height)
        - (settings.wide_letter_allowance if chars[k - 1] in WIDE_LETTERS else 0.0)
        for k in range(1, len(chars))
    ]
    out, k = [], 0
    for token in line.text.split():
        gaps = gap[k : k + len(token)]
        k += len(token)
        if max(gaps[1:], default=0.0) < settings.weak_gap or _one_known_word(token, lang, settings):
            out.append(token)
        else:
            out += _segment(token, gaps, lang, settings)
    out = _merge_split_words(out, lang, settings)
    text = " ".join(out)
    if text.split() != line.text.split():
        line.text = text


def _merge_split_words(tokens: list[str], lang: str, settings: RepairSettings = DEFAULT.repair) -> list[str]:
    """Two tokens the recogniser split inside a word ("au ditorium"): one of them no word, the two together
    one the lexicon knows."""
    out: list[str] = []
    for token in tokens:
        if out and not out[-1].endswith(tuple(LINE_HYPHENS)):
            merged = out[-1] + token
            if _one_known_word(merged, lang, settings) and not (
                _known(out[-1], lang, settings) and _known(token, lang, settings)
            ):
                out[-1] = merged
                continue
        out.append(token)
    return out


def _cut(token: str, at: list[int]) -> list[str]:
    bounds = [0, *at, len(token)]
    return [token[a:b] for a, b in zip(bounds, bounds[1:])]
