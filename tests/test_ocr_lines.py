"""Lines assembled from an engine's pieces (digitize/ocr/base.py): word spaces the recogniser left out of a
Latin line come back from the glyph boxes, and detector pieces of one printed line are joined with the
right separator."""

from __future__ import annotations

from digitize.model import Glyph, Line
from digitize.ocr.base import merge_row_fragments, restore_word_spaces


def _line(text: str, x0: int, advances: list[int], height: int = 50) -> Line:
    """A line whose non-space characters sit at x0 + the running sum of ``advances`` (20 px wide each)."""
    glyphs, x = [], x0
    for ch, step in zip((c for c in text if not c.isspace()), advances):
        x += step
        glyphs.append(Glyph(ch, (x, 0, x + 20, height), 0.9))
    return Line(text, (x0, 0, glyphs[-1].box[2], height), 0.9, glyphs)


def test_a_word_gap_in_the_glyph_boxes_becomes_a_space():
    # "feltbright," as PP-OCR reads a widely justified "felt bright,": the gap after "t" is 1.3 × the height
    line = _line("feltbright,", 0, [0, 20, 20, 20, 85, 20, 20, 20, 20, 20, 20])
    assert restore_word_spaces(line).text == "felt bright,"
    assert restore_word_spaces(line).glyphs == line.glyphs
    # letters set close, or a space already written: unchanged
    assert restore_word_spaces(_line("felt", 0, [0, 22, 21, 25])).text == "felt"
    spaced = _line("felt bright", 0, [0, 20, 20, 20, 85, 20, 20, 20, 20, 20])
    assert restore_word_spaces(spaced).text == "felt bright"


def test_cjk_lines_are_left_alone():
    line = _line("全面学习", 0, [0, 20, 90, 20])
    assert restore_word_spaces(line).text == "全面学习"


def test_detector_pieces_of_a_latin_line_are_joined_with_a_space():
    left, right = _line("well", 0, [0, 20, 20, 20]), _line("known", 80, [0, 20, 20, 20, 20])
    assert merge_row_fragments([right, left], space_gap=25).text == "well known"  # boxes nearly touch
    cjk_left, cjk_right = _line("推进", 0, [0, 20]), _line("5G网络", 42, [0, 20, 20, 20])
    assert merge_row_fragments([cjk_left, cjk_right], space_gap=25).text == "推进5G网络"
    byline_left, byline_right = _line("本报记者", 0, [0, 20, 20, 20]), _line("雷昊", 140, [0, 20])
    assert merge_row_fragments([byline_left, byline_right], space_gap=25).text == "本报记者 雷昊"
