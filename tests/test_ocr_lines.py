"""Lines assembled from an engine's pieces (digitize/ocr/base.py), and word spaces the recogniser left out of
a Latin line put back from the glyph boxes (digitize/text/wordspace.py)."""

from __future__ import annotations

from digitize.model import Glyph, Line
from digitize.ocr.base import latin_punctuation, merge_row_fragments
from digitize.text.wordspace import restore_word_spaces


def _line(text: str, x0: int, advances: list[int], height: int = 50) -> Line:
    """A line whose non-space characters sit at x0 + the running sum of ``advances`` (20 px wide each)."""
    glyphs, x = [], x0
    for ch, step in zip((c for c in text if not c.isspace()), advances):
        x += step
        glyphs.append(Glyph(ch, (x, 0, x + 20, height), 0.9))
    return Line(text, (x0, 0, glyphs[-1].box[2], height), 0.9, glyphs)


def _restored(line: Line) -> str:
    restore_word_spaces(line, "en")
    return line.text


def test_a_word_gap_in_the_glyph_boxes_becomes_a_space():
    # "feltbright," as PP-OCR reads a widely justified "felt bright,": the gap after "t" is 1.3 × the height
    line = _line("feltbright,", 0, [0, 20, 20, 20, 85, 20, 20, 20, 20, 20, 20])
    glyphs = list(line.glyphs)
    assert _restored(line) == "felt bright," and line.glyphs == glyphs
    assert _restored(line) == "felt bright,"  # again: nothing more to do
    # letters set close, or a space already written: unchanged
    assert _restored(_line("felt", 0, [0, 22, 21, 25])) == "felt"
    assert _restored(_line("felt bright", 0, [0, 20, 20, 20, 85, 20, 20, 20, 20, 20])) == "felt bright"


def test_a_narrower_gap_is_a_space_where_it_cuts_an_unknown_word_into_known_ones():
    # 16 px gaps (0.32 × height) between "residents", "would", "be" and the hyphenated "tran-"
    steps = [0] + [20] * 8 + [36] + [20] * 4 + [36, 20, 36] + [20] * 4
    assert _restored(_line("residentswouldbetran-", 0, steps)) == "residents would be tran-"
    # the same gap inside a word the lexicon knows (a wide "m" before it): no space
    assert _restored(_line("December", 0, [0, 20, 20, 20, 36, 20, 20, 20])) == "December"
    # nor where the pieces are not words either
    assert _restored(_line("theremainder", 0, [0, 20, 20, 20, 20, 20, 36, 20, 20, 20, 20, 20])) == "theremainder"


def test_cjk_lines_are_left_alone():
    assert _restored(_line("全面学习", 0, [0, 20, 90, 20])) == "全面学习"


def test_detector_pieces_of_a_line_are_joined_by_their_gap_then_the_lexicon():
    left, right = _line("well", 0, [0, 20, 20, 20]), _line("known", 140, [0, 20, 20, 20, 20])
    assert merge_row_fragments([right, left], space_gap=25).text == "well known"
    # pieces whose boxes nearly touch: one word here, two after repair when the glyphs stand apart
    touching = merge_row_fragments(
        [_line("felt", 0, [0, 20, 20, 20]), _line("bright", 82, [30, 20, 20, 20, 20, 20])], 25
    )
    assert touching.text == "feltbright" and _restored(touching) == "felt bright"
    audit = merge_row_fragments([_line("au", 0, [0, 20]), _line("ditorium", 44, [0] + [20] * 7)], 25)
    assert _restored(audit) == "auditorium"
    cjk_left, cjk_right = _line("推进", 0, [0, 20]), _line("5G网络", 42, [0, 20, 20, 20])
    assert merge_row_fragments([cjk_left, cjk_right], space_gap=25).text == "推进5G网络"
    byline_left, byline_right = _line("本报记者", 0, [0, 20, 20, 20]), _line("雷昊", 140, [0, 20])
    assert merge_row_fragments([byline_left, byline_right], space_gap=25).text == "本报记者 雷昊"


def test_latin_lines_get_latin_punctuation():
    line = _line("receded，and（so）", 0, [0] + [20] * 14)
    fixed = latin_punctuation(line)
    assert fixed.text == "receded,and(so)" and [g.text for g in fixed.glyphs] == list("receded,and(so)")
    assert latin_punctuation(_line("全面学习，推进", 0, [0] + [20] * 6)).text == "全面学习，推进"


def test_known_words_glued_at_a_comma_are_parted():
    # "eggs,honey," read without the space after the comma: two known words are not one known word
    assert _restored(_line("eggs,honey,", 0, [0, 20, 20, 20, 20, 34, 20, 20, 20, 20, 20])) == "eggs, honey,"


def test_a_word_the_recogniser_split_is_rejoined():
    assert (
        _restored(_line("the au ditorium", 0, [0, 20, 20, 40, 20, 20, 20, 20, 20, 20, 20, 20, 20])) == "the auditorium"
    )
    # two words the lexicon knows stay two, even set close
    assert _restored(_line("a bout", 0, [0, 20, 20, 20, 20])) == "a bout"
    # nor is a number joined to a word
    assert (
        _restored(_line("the 2025-26 year", 0, [0, 20, 20, 40, 20, 20, 20, 20, 20, 20, 40, 20, 20, 20]))
        == "the 2025-26 year"
    )
    assert _restored(_line("See FERRY, Page 6", 0, [0] + [20] * 13)) == "See FERRY, Page 6"


def test_the_cuts_that_read_best_are_taken():
    # gaps 0.3 × height inside "attendance" and between the words: "attendance has increa-", not "atten dance …"
    steps = [0] + [20] * 4 + [35] + [20] * 4 + [35, 20, 20, 35] + [20] * 6
    assert _restored(_line("attendancehasincrea-", 0, steps)) == "attendance has increa-"
