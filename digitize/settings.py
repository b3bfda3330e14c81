"""The pipeline's thresholds as typed, documented settings: one frozen dataclass per stage.

Every field carries today's value as its default and, in its ``doc``, the measurement or reason behind it
(``unmeasured: as found in layout.py v0.1`` where none was recorded). Layout thresholds are in body-text
heights ("em": the most common text-line height on the page, measured by layout) where they were so before,
in pixels where they were pixels, and as fractions where they compare two measurements of one thing.

``Settings`` gathers the stages; ``Settings.digest()`` names a set of values (batch manifests hash it, ALTO and
JSON record it), and ``load_settings`` reads a TOML file with one table per stage plus ``stage.field=value``
overrides. This module imports only the standard library: it sits at the model layer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

UNMEASURED = "unmeasured: as found in layout.py v0.1"


def _unmeasured(module: str) -> str:
    return f"unmeasured: as found in {module}.py v0.1"


def _f(default: Any, doc: str) -> Any:
    """A settings field: its default and the reason for it (shown by ``describe_settings``)."""
    return field(default=default, metadata={"doc": doc})


class SettingsError(ValueError):
    """A settings file or override is not valid; the message is one line naming the key."""


# --- preprocess -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreprocessSettings:
    """Flattening, orientation (quarter and half turns) and skew of the page image (preprocess.py)."""

    max_skew_degrees: float = _f(3.0, "a page skewed more than this is a rotation problem, not skew")
    skew_coarse_step_degrees: float = _f(
        0.25, "step of the coarse skew search over ±max_skew_degrees; " + _unmeasured("preprocess")
    )
    skew_fine_step_degrees: float = _f(
        0.05, "step of the fine skew search around the coarse best; " + _unmeasured("preprocess")
    )
    skew_work_side_px: int = _f(
        1400,
        "skew is measured on a copy reduced by an integer factor to about this longest side; "
        + _unmeasured("preprocess"),
    )
    skew_ink_grey: int = _f(
        160, "grey level under which a pixel counts as ink for the skew profile; " + _unmeasured("preprocess")
    )
    min_deskew_degrees: float = _f(0.1, "under 0.1° a rule drifts < 2 px per 1000: not worth resampling")
    min_ink_contrast: float = _f(
        0.15,
        "the darkest pixels of a page with any ink are at least this much (fraction of "
        "paper brightness) below paper; a page without them is blank and is not stretched",
    )
    paper_cell_px: int = _f(
        16,
        "cell (in the quarter-size copy) whose brightest pixels sample the paper level; " + _unmeasured("preprocess"),
    )
    paper_percentile: float = _f(
        95.0,
        "percentile of a cell taken as its paper brightness (the bare paper between strokes); "
        + _unmeasured("preprocess"),
    )
    quarter_turn_ratio: float = _f(
        2.0,
        "PP-OCR's detector finds line boxes whatever their direction; a page is turned a "
        "quarter when the length of its tall, narrow boxes is this many times that of its wide, "
        "flat ones (a horizontal page with vertical headlines stays well under it)",
    )
    upside_down_margin: float = _f(
        0.2,
        "a page is turned over when the line classifier finds its sample lines more likely "
        "turned by 180° than the same lines turned again, by this margin of the mean probability. "
        "Measured on the 26 rendered pages (samples/), upright and turned 180°: the difference is "
        "−1.00…−0.89 upright and +0.87…+1.00 turned (with whole detected boxes as samples it was "
        "0.04 on a loosely set English scan, which flipped it)",
    )
    orientation_sample_lines: int = _f(16, "lines (the tallest first) the orientation classifier reads")
    line_strip_px: int = _f(
        300, "px of a detected box in which its lines are told apart (a 1° skew drifts 5 px over it)"
    )
    orientation_detect_side_px: int = _f(
        640, "the page's longest side for line detection: headlines and larger type stay visible"
    )
    detector_threshold: float = _f(
        0.3, "text probability above which the orientation detector's pixel is text (PP-OCR's DB default)"
    )
    detector_min_area_px: int = _f(
        12, "detected components smaller than this (reduced-page px) are noise; " + _unmeasured("preprocess")
    )
    detector_unclip_ratio: float = _f(1.6, "the detector marks a shrunk core of each line; grown back as PP-OCR does")
    vertical_rule_ink: float = _f(
        0.6, "vertical probe: a pixel column of a detected box inked over this share of its height is a rule"
    )
    vertical_gutter_ink: float = _f(
        0.03,
        "vertical probe: a pixel column (or a row of a column) inked over less than this share is blank; the "
        "gutters of the 1872 Shen Bao leaf hold ~0.01 (specks), its character columns 0.2-0.4",
    )
    vertical_min_cell_px: int = _f(12, "vertical probe: narrower columns of ink are marks or rule pieces, not text")
    vertical_probe_columns: int = _f(8, "vertical probe: columns of characters read (the longest first)")
    vertical_probe_cells: int = _f(8, "vertical probe: characters read from the middle of each column")
    vertical_han_share: float = _f(0.5, "vertical probe: a column reads as Chinese when this share of it is Han")
    vertical_min_quality: float = _f(
        0.8,
        "vertical probe: a column votes vertical only when read upright at this quality (mean character score "
        "times the share of cells read); the real vertical pages' columns read 0.94-1.0, a turned column read "
        "upright as one confident character scored 0.76 and had tipped a sideways page's vote",
    )
    vertical_vote_margin: float = _f(
        0.2,
        "vertical probe: a column votes for the reading whose quality difference is largest, when it is at "
        "least this (vertical: upright minus turned clockwise; turned pages: the turn back minus upright)",
    )
    vertical_min_votes: int = _f(
        3,
        "vertical probe: a page is vertical with at least this many vertical votes and more than twice the "
        "votes for a turn. Measured (16 columns x 10 cells, then 8 x 8): Shen Bao 1872 leaf 8 vertical / 0, "
        "the Hong Kong fragment 6 / 0; 30 rendered pages turned 90 and 270 degrees (15 families and samples, "
        "clean and scanned): 0 vertical votes each, 5-8 for the true turn",
    )


# --- page frame -----------------------------------------------------------------------------------------------

_BED = "measured on the dark-border and camera pages of the randomized bed (bench/layout_random.py, seed 61207)"


@dataclass(frozen=True)
class PageFrameSettings:
    """The sheet within the picture: dark scanner borders and camera surrounds taken off (page_frame.py)."""

    work_side_px: int = _f(
        1000,
        "the sheet is found on a copy reduced to this longest side (a 0.5 % border is still 5 px there)",
    )
    paper_percentile: float = _f(
        90.0, "percentile of the middle half of the page taken as its paper grey (over ink and photos)"
    )
    edge_band_fraction: float = _f(
        0.01, "width of the band along each image edge whose median says whether a dark frame runs there"
    )
    frame_dark_ratio: float = _f(
        0.6,
        "an edge band darker than this share of the paper grey is frame: the bed's lid borders are 10-60 grey "
        "and camera surrounds 30-120 against paper 200-250 (ratios 0.05-0.55); a binding shadow at full "
        "strength darkens paper to 0.4 only in its outer few px, which the band median mostly passes; " + _BED,
    )
    min_paper_grey: float = _f(80.0, "a page whose paper is darker than this has no sheet to find (a negative)")
    close_fraction: float = _f(
        0.015,
        "closing (of the longest side) that fills text and rules into the paper around them: body text strokes "
        "are under 0.5 % of the page, a headline stroke about 1 %",
    )
    min_paper_fraction: float = _f(
        0.3, "the sheet covers at least this share of the picture, or what was found is not the sheet"
    )
    inset_fraction: float = _f(
        0.004,
        "the sheet as found is moved in by this share of the longest side, so that no sliver of frame is left "
        "at its edge to join things up again (printed matter keeps a wider margin; text_outside guards it)",
    )
    min_removed_fraction: float = _f(
        0.01, "a frame under this share of the picture's area is left alone: nothing worth a resampling"
    )
    perspective_min_fraction: float = _f(
        0.006,
        "a sheet whose corners are further than this share of the longest side from a rectangle's is warped "
        "flat; nearer, it is cropped and left to deskew. The bed's camera pages pull corners in by 2-12 %, "
        "a scanned sheet skewed 3° is a rectangle within 0.1 %; " + _BED,
    )
    crop_max_tilt_degrees: float = _f(
        3.0, "a rectangular sheet tilted more than deskew corrects (preprocess.max_skew_degrees) is warped upright"
    )
    ink_ratio: float = _f(0.55, "a pixel darker than this share of the paper grey is ink, for the text guard")
    text_min_px: int = _f(3, "marks smaller than this (reduced-copy px) are specks, not letters, for the text guard")
    text_max_fraction: float = _f(
        0.06, "marks larger than this share of the longest side are photos or frame, not letters (text guard)"
    )
    text_max_aspect: float = _f(8.0, "marks longer than this many times their width are rules or frame edges")
    min_text_marks: int = _f(
        3,
        "this many letter-sized marks on paper outside the sheet found keep the cut from crossing them "
        "(one or two are dust or a stain's rim)",
    )


# --- layout ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayoutSettings:
    """Rules, photos, text blocks and their roles (layout.py). "em" is the body text height."""

    # Body text height
    fallback_text_size_px: float = _f(
        30.0,
        "body text height taken when a page has no text lines to measure; "
        "every stage reads the page's measured size, so this is the one fallback",
    )
    body_strip_min_px: int = _f(
        100, "narrowest vertical strip whose row projection measures line heights; " + UNMEASURED
    )
    body_strips: int = _f(
        24,
        "the page width is cut into this many strips for line heights (a strip stays inside a column); " + UNMEASURED,
    )
    line_gap_px: int = _f(
        3, "rows of ink closer than this belong to one line (measuring heights, pitch lines); " + UNMEASURED
    )
    min_line_height_px: int = _f(
        8, "runs shorter than this are rules, specks or accents, never a text line; " + UNMEASURED
    )
    max_line_height_px: int = _f(400, "line heights are counted up to this (taller: one bin); " + UNMEASURED)
    height_smoothing: int = _f(5, "bins (px) of the moving sum over the line-height histogram; " + UNMEASURED)

    # Photos
    photo_cell_px: int = _f(16, "cell whose grey mean and spread tell photo from text; " + UNMEASURED)
    photo_grey_min: int = _f(
        60, "a photo cell's mean grey lies above this (solid black is a heavy stroke); " + UNMEASURED
    )
    photo_grey_max: int = _f(240, "... and below this (paper); " + UNMEASURED)
    photo_max_spread: float = _f(
        45.0, "a photo cell's grey standard deviation stays under this; text is bimodal; " + UNMEASURED
    )
    photo_open_cells: int = _f(3, "opening (cells) that drops the odd smooth cell inside blurred text; " + UNMEASURED)
    photo_close_cells: int = _f(5, "closing (cells) that fills a photo's lighter patches; " + UNMEASURED)
    photo_min_side_em: float = _f(4.0, "a photo is at least this many body heights wide and high; " + UNMEASURED)
    photo_min_fill: float = _f(0.6, "fraction of its bounding box a photo's cells fill; " + UNMEASURED)
    photo_grow_cells: int = _f(
        4, "a coarse photo box grows by at most this many cells to the photo's edge; " + UNMEASURED
    )
    photo_paper_grey: int = _f(
        235, "grey level at and above which a pixel is paper when growing a photo box; " + UNMEASURED
    )
    photo_edge_ink_fraction: float = _f(
        0.5,
        "a photo box grows while more than this fraction of the row or column just "
        "outside is not paper (a line of text beyond it is mostly paper); " + UNMEASURED,
    )

    # Rules
    rule_min_length_px: int = _f(150, "a printed rule is at least this long; " + UNMEASURED)
    rule_min_length_em: float = _f(6.0, "... and at least six body heights long")
    rule_max_thickness_px: int = _f(3, "a rule is at most this thick, or ...; " + UNMEASURED)
    rule_max_thickness_em: float = _f(
        0.5, "... half a line height: a slightly skewed rule opens thicker than it is printed"
    )
    rule_min_aspect: float = _f(20.0, "a rule is at least this many times longer than thick; " + UNMEASURED)
    rule_piece_em: float = _f(
        3.0,
        "a rule is found in pieces this long, chained (a tilted rule holds no straight run of a rule's length: "
        "Kolonie 1863 p4, 0.55° left after the deskew, 4 px rules at 68 px type)",
    )
    rule_piece_thickness_em: float = _f(
        0.2,
        "... each piece at most this thick (or rule_max_thickness_px): a display heading's horizontal strokes, "
        "12 px at 22 px type, chained across its characters into rules through it (fresh bed seed 1712070 page "
        "45); Kolonie 1863 p4's rules are 4-8 px at 68 px type",
    )
    rule_piece_tilt_degrees: float = _f(
        1.0,
        "... plus the drift of a rule tilted this much over a piece (the deskew leaves up to 0.55° on warped leaves)",
    )
    rule_join_em: float = _f(
        0.1,
        "... the next piece starting within this of the last one's end (at least 2 px): the pieces of one rule "
        "touch, or nearly (Kolonie 1863 p4's footer rule breaks for 4 px at 68 px type); 0.25 chained a display "
        "heading's strokes into a rule through it (fresh bed seed 1712070 page 45: its headline cut in two)",
    )
    rule_step_em: float = _f(
        0.15, "... its middle within this of the last one's across the rule (a tilted rule steps by its thickness)"
    )
    rule_erase_px: int = _f(2, "margin around a rule erased from the text mask; " + UNMEASURED)

    # Specks
    speck_min_area_px: int = _f(4, "ink components smaller than this are scan noise; " + UNMEASURED)
    speck_min_side_em: float = _f(
        0.08, "... or smaller than a square of this side: far below any stroke that matters; " + UNMEASURED
    )
    blot_max_em: float = _f(
        0.3,
        "dust is a small solid blot no bigger than this (a period goes too, which changes no "
        "line or gutter); " + UNMEASURED,
    )
    blot_min_fill: float = _f(0.5, "a blot fills at least this fraction of its box; " + UNMEASURED)
    min_block_side_em: float = _f(
        0.35, "blocks smaller than this both ways are scan specks that survived as lines; " + UNMEASURED
    )
    inside_margin_px: int = _f(2, "a box counts as inside another within this many pixels; " + UNMEASURED)

    # XY-cut
    gutter_em: float = _f(0.6, "narrowest whitespace between columns")
    row_gap_em: float = _f(0.9, "narrowest whitespace between stacked blocks (wider than the space between lines)")
    cut_noise_divisor: int = _f(
        500,
        "a row or column of a region is ink when it holds more than 1/this of the region's "
        "other side (and more than the noise pixels); " + UNMEASURED,
    )
    short_region_em: float = _f(
        3.5, "a region at most this tall is a line or two: not cut into columns at word spaces; " + UNMEASURED
    )
    grid_margin_em: float = _f(
        1.0, "a page gutter lies inside a region when it is this far inside both edges; " + UNMEASURED
    )
    column_min_height_fraction: float = _f(
        0.6, "columns span at least this fraction of their region's height; " + UNMEASURED
    )
    row_share_fraction: float = _f(
        0.5, "side-by-side parts sharing this fraction of the shorter one's rows are one line; " + UNMEASURED
    )
    display_max_lines: int = _f(3, "a headline region of display type has one to this many lines; " + UNMEASURED)
    display_max_height_em: float = _f(5.0, "display lines are at most this many body heights tall; " + UNMEASURED)
    display_leading_fraction: float = _f(
        0.6,
        "stacked display lines closer than this fraction of the smaller line's height are one headline; " + UNMEASURED,
    )
    stacked_leading_fraction: float = _f(
        0.7,
        "lines of one size, centred or ranged on one side, closer than this "
        "fraction of their height are one headline; " + UNMEASURED,
    )
    same_size_fraction: float = _f(
        0.8, "two display lines are of one size when the smaller is this fraction of the bigger; " + UNMEASURED
    )
    stacked_align_fraction: float = _f(
        0.5, "lines are centred or ranged alike within this fraction of their size; " + UNMEASURED
    )
    pitch_lines: int = _f(6, "lines above (or below) a gap whose pitch is measured; " + UNMEASURED)
    pitch_min_lines: int = _f(3, "a pitch is measured on at least this many lines; " + UNMEASURED)
    pitch_line_min_em: float = _f(0.3, "rows shorter than this are not lines when measuring pitch; " + UNMEASURED)
    pitch_tolerance: float = _f(
        1.25,
        "a line foot within this many pitches of the last is on the pitch: a descender moves "
        "a foot by a fifth of the pitch",
    )
    word_space_row_gap_px: int = _f(
        2, "rows closer than this are one line when measuring a region's line height; " + UNMEASURED
    )
    word_space_fraction: float = _f(
        0.8,
        "in a region of a line or two, a gap narrower than this fraction of the line "
        "height is a space inside the line, not a gutter; " + UNMEASURED,
    )

    # Line bands
    band_noise_divisor: int = _f(
        400, "a row of a leaf is ink when it holds more than 1/this of the leaf's width; " + UNMEASURED
    )
    band_gap_em: float = _f(0.12, "rows closer than this (and than band_gap_min_px) are one line band; " + UNMEASURED)
    band_gap_min_px: int = _f(2, "see band_gap_em; " + UNMEASURED)
    band_min_height_em: float = _f(0.2, "bands shorter than this are not lines; " + UNMEASURED)
    long_line_aspect: float = _f(
        4.0, "a line at least this many heights long averages several glyphs in its profile; " + UNMEASURED
    )
    latin_min_lines: int = _f(2, "a region is Latin type when at least this many ...; " + UNMEASURED)
    latin_majority: float = _f(
        0.5, "... and this fraction of its long lines have a sparse head (ascenders); " + UNMEASURED
    )
    sparse_head_density: float = _f(
        0.3, "a line's head is sparse when its rows stay under this fraction of its densest row"
    )
    sparse_head_fraction: float = _f(0.15, "the head is the top sixth of the line (ascenders over the x-height)")
    speck_row_density: float = _f(0.04, "rows under this fraction of a line's densest hold only a speck; " + UNMEASURED)
    speck_max_width_em: float = _f(0.5, "a speck spreads over less than half a character")
    speck_max_rows_divisor: int = _f(3, "at most 1/this of a line's rows are trimmed as a speck; " + UNMEASURED)
    descender_density: float = _f(
        0.2, "rows under this fraction of the densest are the sparse tail of descenders; " + UNMEASURED
    )
    baseline_density: float = _f(
        0.5, "in Latin regions the baseline is the last row at this fraction of the densest; " + UNMEASURED
    )
    descender_tail_max: float = _f(
        0.35, "no row under the baseline reaches this fraction of the densest (the bowl of a g reaches a third)"
    )
    descender_tail_mean: float = _f(0.2, "the rows under the baseline stay this thin on average; " + UNMEASURED)
    descender_zone_min: float = _f(
        0.65,
        "a real descender zone is a fifth to a third of the line: the baseline lies at least this fraction down ...",
    )
    descender_zone_max: float = _f(0.9, "... and at most this (a row or two of faint edge is not one)")

    # Blocks of one type size and weight
    size_tolerance: float = _f(
        0.18, "lines whose heights differ by at most this fraction are of one type size; " + UNMEASURED
    )
    block_line_gap_em: float = _f(
        1.2,
        "consecutive lines at most this far apart (body heights or the smaller line height) "
        "stay in one block; " + UNMEASURED,
    )
    pitch_foot_tolerance: float = _f(
        0.12, "a line keeps the group's pitch (baseline to baseline) within this fraction; " + UNMEASURED
    )
    x_height_min: float = _f(
        0.6, "a Latin line without ascenders measures at least this fraction of the usual height ...; " + UNMEASURED
    )
    x_height_max: float = _f(0.85, "... and less than this; " + UNMEASURED)
    body_weight_tolerance_em: float = _f(
        0.15, "lines within this of the body height give the body's ink weight; " + UNMEASURED
    )
    fallback_body_weight: float = _f(0.2, "body ink weight taken when no line has the body height; " + UNMEASURED)

    # Roles from typography
    headline_ratio: float = _f(1.7, "line height / body height at and above which a line is a headline")
    heading_ratio: float = _f(1.12, "medium sizes: kicker, subtitle, intertitle")
    bold_weight_ratio: float = _f(1.6, "ink density relative to body text that marks bold type (short lines reach 1.4)")
    vertical_min_chars: int = _f(3, "vertical text is a run of at least this many character bands; " + UNMEASURED)
    vertical_square_min: float = _f(
        0.6, "each vertical character band is at least this fraction as wide as high ...; " + UNMEASURED
    )
    vertical_square_max: float = _f(1.4, "... and at most this; " + UNMEASURED)
    vertical_align_fraction: float = _f(
        0.25, "the bands' edges stay within this fraction of the column width; " + UNMEASURED
    )
    split_row_overlap: float = _f(
        0.6, "heading parts on one row overlap by this fraction of the smaller height; " + UNMEASURED
    )
    split_row_max_gap: float = _f(2.0, "... and stand at most this many type sizes apart; " + UNMEASURED)
    split_row_similar_size: float = _f(
        0.75, "... and are of similar size (the smaller at least this fraction), or ...; " + UNMEASURED
    )
    split_row_mark_width: float = _f(
        1.2, "... one is a lone punctuation mark at most this many type sizes wide; " + UNMEASURED
    )
    furniture_rule_width: float = _f(
        0.7, "a rule spanning more than this fraction of the page bounds header or footer; " + UNMEASURED
    )
    header_zone_divisor: int = _f(
        4,
        "the header rule lies in the page's top 1/this: a masthead, its ears and the folio line under it reach "
        "0.12-0.23 of the page's height (randomized bed seed 61207, 24 masthead pages; 8 missed all but the "
        "plainest); a folio line alone 0.03-0.13",
    )
    footer_zone_divisor: int = _f(12, "the footer rule lies in the page's bottom 1/this; " + UNMEASURED)
    furniture_max_lines: int = _f(
        3, "page furniture blocks have fewer lines than this (running text has more); " + UNMEASURED
    )

    # Roles from text and position (after OCR)
    subtitle_max_lines: int = _f(
        4,
        "a subtitle has at most this many lines: under a one-column headline it wraps (randomized bed seed "
        "1758425: 4 of the 16 subtitles missed ran 3-4 lines and were read as body or intertitles)",
    )
    subtitle_max_gap_em: float = _f(2.0, "a subtitle stands at most this far under its headline; " + UNMEASURED)
    subtitle_max_offset_em: float = _f(
        2.0, "... centred on it, or set flush with its left edge, within this; " + UNMEASURED
    )
    kicker_max_overlap_em: float = _f(
        0.5,
        "a kicker's foot may reach this far below the headline's top: text-first line boxes are the "
        "detector's, grown around the ink (sample page: kicker and headline boxes overlapping by 6-10 px, the "
        "kicker read as an intertitle after its headline)",
    )
    story_head_gap_em: float = _f(
        2.0,
        "a medium heading over body text whose block above is body set further away than this is a story's "
        "headline, not an intertitle (randomized bed seed 61207: 19 headlines of 1.4-1.7 em read as intertitles "
        "stood 2-6 em under the story above; intertitles inside a column stand 0.5-1.5 em under its text)",
    )
    story_head_span_ratio: float = _f(
        1.3,
        "... and so is one this many times as wide as the body under it (a heading over several columns; an "
        "intertitle is set in its column)",
    )
    story_head_min_em: float = _f(
        1.2,
        "... a heading measured smaller than this (body heights) stays an intertitle whatever its place (bed "
        "seed 61207: intertitles read as such measured 1.17-1.57, the headlines among them 1.02-1.97, median "
        "1.48; HKEJ C4's fact box title on the photo, 1.13, is no headline)",
    )
    story_head_column_em: float = _f(
        1.0,
        "... and so is one reaching out of the column of body text right over it by more than this on either "
        "side (an intertitle is set inside its column; bed seed 61207 page 7: a one-column story's headline "
        "under a two-column story, 1.7 em under it, crossing its gutter, was read as an intertitle)",
    )
    story_head_max_lines: int = _f(4, "... and so does one of more lines than this (a headline has 1-3)")
    story_head_stack_gap_em: float = _f(
        1.0,
        "a smaller medium line this close over (under) a medium heading is its kicker (subtitle): its place is "
        "judged past them (bed seed 61207: 12 kicker-and-headline stacks, both read as intertitles, no headline)",
    )
    advert_corner_em: float = _f(1.0, "four rules whose ends meet within this make a frame; " + UNMEASURED)
    advert_text_share: float = _f(
        0.3,
        "a frame whose lines cover at most this share of it is an advertisement, if it holds no run of body "
        "text (randomized bed seed 61207 page 6: a framed advert's slogan, logo and telephone number cover 0.06 "
        "of it; a boxed story's columns, most of it)",
    )
    advert_max_body_lines: int = _f(4, "... a body block of more lines than this is a boxed story; " + UNMEASURED)
    kicker_size_ratio: float = _f(
        0.6,
        "a headline-size line set right over a headline at most this fraction of its size is its kicker, not a "
        "headline of its own (zaobao 2025-04-15 p2: 0.46, Headline Daily 2025-02-18: 0.46, the randomized bed "
        "draws kickers at 0.4 of the headline, at least 1.2 em); two headlines stacked in one size are one",
    )
    kicker_max_overlap_share: float = _f(
        0.25,
        "... or reach this share of its own box's height into the headline's box (display-size detector boxes "
        "grow with the type: Headline Daily 2025-02-18, a 63 px kicker box 12 px into its headline's)",
    )
    kicker_max_lines: int = _f(2, "... and has at most this many lines; " + UNMEASURED)
    kicker_max_gap_em: float = _f(
        1.5, "... and stands at most this far over it (the bed sets it 0.4 em over; zaobao's boxes overlap 6 px)"
    )
    intertitle_max_lines: int = _f(
        3,
        "a medium-size block of more lines than this is text (a lead in larger or bold type), not a heading "
        "(zaobao 2025-04-15 p2: its 9-line bold lead was an intertitle; the randomized bed's intertitles have one line)",
    )
    caption_max_lines: int = _f(
        5,
        "text under a photo with more lines than this is the column going on, not a caption (HKEJ C4: a body "
        "column starting under the photo was read as a 20-line caption)",
    )
    credited_caption_max_lines: int = _f(
        8,
        "a block ending in a photo credit is a caption up to this many lines (seed 1758425: credited captions "
        "of 6 and 8 lines read as body; a caption run into its column, 13 lines, is not one)",
    )
    caption_min_overlap: float = _f(
        0.5, "a caption under a photo overlaps it by this fraction of the caption's width; " + UNMEASURED
    )
    caption_max_gap_em: float = _f(2.5, "a caption stands at most this far from its photo; " + UNMEASURED)
    caption_max_overlap_em: float = _f(
        0.5,
        "a caption under a photo may reach this far up into its box: a text-first line box is the detector's, "
        "grown ~0.3 em around the ink (cols6-photos-scan: caption 8 px into the photo's foot, read as body)",
    )
    caption_side_min_drop_em: float = _f(
        2.0,
        "a caption beside a photo starts this far below its top (a body column "
        "beside a photo starts level with it); " + UNMEASURED,
    )
    caption_foot_tolerance_em: float = _f(
        1.5, "a caption beside a photo ends level with its foot within this; " + UNMEASURED
    )


# --- OCR ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OcrSettings:
    """How the engines are driven (ocr/ppocr.py, ocr/paddle.py, ocr/base.py, ocr/vertical.py). Tuned by measurement:
    bench/results.md, ``python bench/run.py --sweep ocr.NAME=V1,V2``."""

    det_text_height_px: int = _f(
        24,
        "ppocr: the text height blocks are detected at. 24 finds the same lines as 32 at "
        "0.6× the detection time; 20 starts to cost characters",
    )
    paddle_det_text_height_px: int = _f(32, "paddle: the text size the DB detector sees best")
    det_scale_min: float = _f(0.15, "a block is scaled for detection by at least this ...; " + _unmeasured("ppocr"))
    det_scale_max: float = _f(2.0, "... and at most this; " + _unmeasured("ppocr"))
    det_pad_em: float = _f(
        0.6, "a block is padded by this many of its text heights before detection ...; " + _unmeasured("ppocr")
    )
    det_pad_min_px: int = _f(8, "... and at least this many pixels; " + _unmeasured("ppocr"))
    det_min_side_px: int = _f(16, "ppocr: a scaled block smaller than this is not detected; " + _unmeasured("ppocr"))
    paddle_min_crop_px: int = _f(8, "paddle: a region crop smaller than this is not read; " + _unmeasured("paddle"))
    rec_batch: int = _f(
        4, "ppocr: line crops per recognition run: fewest padded columns; 8: +9 % CPU, 32: +19 % (engine level)"
    )
    rec_width_scale: float = _f(
        0.5,
        "ppocr: lines are read squeezed to this fraction of their width: half the recognition "
        "compute, and fewer errors on the samples (full-width punctuation and dashes read better); "
        "0.4 starts to cost characters. Latin lines, and lines that read as nothing or under min_score, "
        "are read again at full width",
    )
    min_score: float = _f(0.3, "line fragments the recogniser scores under this are dropped (both engines)")
    sparse_read_share: float = _f(
        0.25,
        "ppocr: a line read as fewer characters than this share of its width / height (a Latin character is "
        "about half a box height wide, a CJK one a whole) collapsed in the recogniser; it is read again with "
        "the crop trimmed (blue_mountain_echo: 13 px lines at 8.5 px pitch, each box reaching into its "
        "neighbours, 132 of 655 read as one letter at up to 0.86)",
    )
    sparse_trim: float = _f(
        0.15,
        "... trimmed by this share of its height top and bottom: the same boxes 2 px tighter (of 12-14) read "
        "whole at 0.65-0.87, where 2 px more padding read as badly as before",
    )
    rec_model: str = _f(
        "",
        "ppocr: a folder with another PP-OCR recognition model (.onnx and its dictionary), --rec-model; "
        "'' is the bundled PP-OCRv6 small model (ocr/models.py: what each covers)",
    )
    space_gap_em: float = _f(
        0.5,
        "a gap wider than this many text heights between two fragments of a row is written as "
        "one space (a full-width space in a headline or byline)",
    )
    row_min_overlap: float = _f(0.5, "fragments whose heights overlap by this fraction of the smaller are one row")
    vertical_column_gap_divisor: int = _f(
        20, "vertical text: ink columns closer than 1/this of the box width are one column; " + _unmeasured("vertical")
    )
    vertical_cell_gap_px: int = _f(
        2, "vertical text: rows closer than this are one character cell; " + _unmeasured("vertical")
    )
    vertical_cell_aspect: float = _f(
        1.15,
        "a character in parts (兴, 二) stays one cell while it is at most this many "
        "column widths tall: CJK characters are about as tall as wide",
    )
    vertical_pad_divisor: int = _f(
        4, "vertical strip: cells padded by 1/this of the cell size; " + _unmeasured("vertical")
    )
    vertical_ink_grey: int = _f(128, "vertical text: grey level under which a pixel is ink; " + _unmeasured("vertical"))
    vertical_column_aspect: float = _f(
        1.25,
        "vertical page: a detected box this many times as tall as wide is a column, read top to bottom; "
        "shorter boxes (one character, a row) are read as horizontal lines. rapidocr turns crops from 1.5; "
        "a column of one character and a stop (力。) on the Hong Kong fragment is 1.49",
    )
    vertical_rec_width_scale: float = _f(
        1.0,
        "vertical page: columns turned into lines are read at this fraction of their width, not squeezed as "
        "horizontal lines are: on the 1872 Shen Bao leaf, characters in common with the reference 1394 at 0.5, "
        "1463 at 0.75, 1479 at 1.0 (of 1665)",
    )
    vertical_page_rows_right_to_left: bool = _f(
        True,
        "vertical page: a row of Chinese characters each detected apart (a row of one-character columns: the "
        "masthead date of the 1872 Shen Bao leaf) is read right to left; a row detected as one line (a modern "
        "masthead's date) stays left to right",
    )
    vertical_headline_ratio: float = _f(
        1.5,
        "vertical page: a block whose character pitch is this many times the body's is a headline (the pitch "
        "holds the spacing between characters, which display type sets tighter): on the Hong Kong fragment "
        "the two headlines stand at 1.64 and 2.3, a heading over two columns at 1.27",
    )
    vertical_leaf_gutter_em: float = _f(
        3.0,
        "vertical page: a gutter down the whole page at least this many text heights wide divides a leaf into "
        "two original pages, the right one read first (the column gutters of the Shen Bao leaf are ~0.5)",
    )
    vertical_display_new_share: float = _f(
        0.3,
        "vertical page: a box of the reduced (display type) pass is kept when the body pass's boxes cover less "
        "than this share of it (a masthead); over it, it is the body's close columns run together",
    )


# --- articles and reading order -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderSettings:
    """Articles and reading order (order.py). em: the page's measured body height (layout's fallback if none)."""

    cut_tolerance_em: float = _f(
        0.3,
        "blocks overlapping by at most this still fall on two sides of a straight cut "
        "(articles, story pieces, reading order); " + _unmeasured("order"),
    )
    rule_span_fraction: float = _f(
        0.8, "a rule divides a group when it runs across this fraction of it; " + _unmeasured("order")
    )
    headline_drop_em: float = _f(
        3.0, "a slice whose headline lies more than this below its top holds two stories; " + _unmeasured("order")
    )
    row_level_em: float = _f(2.0, "article tops within two body lines count as level")
    column_start_em: float = _f(
        1.0, "body blocks starting more than this apart start different columns; " + _unmeasured("order")
    )
    box_corner_em: float = _f(
        1.0,
        "four rules whose ends meet within this make a box (a boxed story); zaobao 2025-04-15 p2's sidebar: "
        "corners within 2 px at 26 px type",
    )
    caption_reach_em: float = _f(
        2.5,
        "a caption this close to a photo is read right after it (layout's caption_max_gap_em: how far a caption "
        "stands from its photo; HKEJ C4: two photos side by side were read before both their captions)",
    )


# --- repair (joins, dehyphenation, word spaces) and issue linking ----------------------------------------------


@dataclass(frozen=True)
class RepairSettings:
    """How lines join (repair.py), how Latin words are dehyphenated and their spaces restored (text/joins.py,
    text/wordspace.py), which language a block is in (text/language.py), and when two articles of an issue are
    one story (issue.py). em: the page's measured body height."""

    indent_em: float = _f(1.0, "a line starting this far right of its column starts a paragraph (print indents 2 em)")
    short_em: float = _f(1.2, "a line ending this far left of its column's right edge may end a paragraph")
    indented_page_min: int = _f(
        5,
        "a page indents its paragraphs when at least this many of its short sentence-final "
        "lines are followed by an indented one ...; " + _unmeasured("repair"),
    )
    indented_page_share: float = _f(0.8, "... and at least this share of them; " + _unmeasured("repair"))
    common_zipf: float = _f(
        3.6,
        "a word closed up at a line-end hyphen this common (wordfreq's Zipf scale: 3 = once per "
        "million words) is one word. Calibrated on every split of the 3000 commonest long English "
        "words (all dehyphenated) and tests/hyphenated_words.py (all kept: its commonest closed form "
        "is 'wellbeing', 3.5)",
    )
    zipf_margin: float = _f(
        1.0,
        "otherwise the closed form must be about as common as the hyphenated one, whose "
        "frequency wordfreq overestimates from its parts ('some' + 'one' beats 'someone'): this margin",
    )
    min_language_zipf: float = _f(
        3.0, "a text's words this common on average in the best word list: that is its language"
    )
    min_language_words: int = _f(
        8,
        "a Latin block with fewer words than this takes its article's language: two or "
        "three words ('portant the') cannot tell French from English, and the join into the "
        "next column looks its words up in the next block's language; " + _unmeasured("repair"),
    )
    weak_gap: float = _f(
        0.25,
        "a glyph gap (× line height) from here on may be a missing word space. Measured on the "
        "English pages of samples/families: gaps inside words under 0.23 (99.9th percentile), missing "
        "spaces 0.3–1.4",
    )
    word_gap: float = _f(0.45, "a glyph gap from here on counts more as a word space (after 'm' gaps reach 0.41)")
    wide_letter_allowance: float = _f(
        0.25, "taken off the gap after a wide 'm'/'M', whose glyph box is narrow for its width"
    )
    known_zipf: float = _f(2.0, "a piece the lexicon knows at least this often is a word when restoring spaces")
    unknown_word_score: float = _f(-20.0, "score of a piece that is no word, against zipf − 9 for a known one")
    cut_at_gap_score: float = _f(2.0, "what a cut at a weak gap earns in the word-space segmentation")
    cut_at_word_gap_score: float = _f(4.0, "what a cut at a word gap earns: 'attendance has', not 'atten dance has'")
    min_link_score: float = _f(
        1.0,
        "two continuation markers link two articles of an issue when the page labels agree "
        "(score 1.0); headline and keyword evidence add to it",
    )
    unnamed_page_penalty: float = _f(
        1.0,
        "a backward marker naming no page (（续）) starts this much lower: a repeated headline (up to 2.0, by "
        "partial match) or the same rank among the page's jumps (0.5) must bring the pair to min_link_score",
    )


# --- text-first lines and the quality record ---------------------------------------------------------------


@dataclass(frozen=True)
class TextLinesSettings:
    """Text-first lines (textlines.py): the bundled detector over every inked region of the page, tiled, at a
    normalised scale;
    every detected line read once and placed in a block."""

    # Master switch, on by default; --set lines.enabled=false (or env DIGITIZE_TEXT_FIRST=0) turns it off. On,
    # real-page coverage (bench/coverage.md, 10 non-Fraktur pages) is 0.875 pooled against 0.291 off; the layout
    # families and the sample page hold their floors (sample CER clean 0.13 %, scan 0.15 %); the broadsheet
    # sample costs 17.3 / 15.9 CPU s a page (scan / clean) against 13.2 / 13.1 off, peak RSS 771 MB.
    # Engines without detect_lines/read_lines always take the block path.
    enabled: bool = os.environ.get("DIGITIZE_TEXT_FIRST", "1") != "0"
    # px: body text height (layout's ink measure) the page is detected at. The engine's per-block detection
    # runs at 24: it finds the same lines as 32 at 0.6× the time, 20 starts to lose characters.
    det_text_px: float = 24.0
    min_scale: float = 0.2  # never reduce further: 600 dpi leaves with 45 px type stay ≥ 9 px
    max_scale: float = 3.0  # 7 px web images are read at 21 px; more only blurs
    # px: pages smaller than this are upscaled to it. A 600×800 camera photo of a broadsheet has 8 px type,
    # a 771×1024 web image 7 px: at 2400 px both reach ~24 px, the detector's size.
    min_long_side: int = 2400
    # The ink measure is implausible when fewer than this many of its lines would fit along the page's long
    # side (a newspaper page holds 60–200); then the page is read at ``min_long_side``.
    max_lines_per_side: float = 40.0
    # Detector tile side. Two tiles run at once (one per core); the detector session runs without onnxruntime's
    # memory arena, which at 1600 had kept the broadsheet sample at 1.77 GB resident. 1280 cut a headline of
    # the sample at a tile edge (its heading level lost, CER 0.023 > 0.01).
    tile_px: int = 1600
    overlap_px: int = 200  # tiles overlap by ≥ 6 scaled body lines, so a line is whole in one of them
    # A blurred page (textlines.blurred: its steepest edges, at the detection scale, under ``blur_edge_ratio``
    # of its contrast per pixel) is detected a second time on a copy sharpened by an unsharp mask (radius
    # ``sharpen_radius_em`` body heights, weight ``sharpen_amount``), and the pass whose lines read as more
    # characters at ``sharpen_min_confidence`` is kept; lines are read on the page as it is. Bed seed 61207:
    # blurred pages measured 0.10-0.16 (blur 1.5-2 px at 150-170 dpi), sharp ones 0.30-0.44, the ten real
    # non-Fraktur pages 0.29-0.51; page 61207004 (blur 2 px, JPEG 28) went from 13 to 48 lines, bag-of-characters
    # CER 0.588 -> 0.174. Kept by line length instead, the sharpened pass won on noisy and bilevel pages where
    # it had found noise (fresh seed 1712070: pages 021, 022, 045, CER 0.08-0.14 -> 0.40-0.97).
    blur_edge_ratio: float = 0.2
    sharpen_radius_em: float = 0.15
    sharpen_amount: float = 1.5
    sharpen_min_confidence: float = 0.8
    # Detection regions (textlines.detection_regions): ink blocks and photos grown by this many body heights;
    # ink outside them on a grid of ``leftover_cell_em`` cells, in patches of ≥ ``leftover_min_cells`` cells.
    region_pad_em: float = 1.0
    leftover_cell_em: float = 0.5
    leftover_min_cells: int = 4
    # ... a cell (reduced to ``leftover_cell_em``) this many grey levels darker than the paper holds ink: the
    # darkest third of a column's cells lies 32-52 levels under the paper on a blurred, noisy scan (bed page
    # 61207037, where Otsu, pulled by a dark photo, split 108 levels under it) and 59-87 on HKEJ C4.
    leftover_contrast: int = 30
    # Display type: a second pass at this fraction of the body scale finds headlines too large for the
    # detector's receptive field at body scale; its boxes are kept when they are this many body lines high.
    display_scale: float = 0.33
    display_min_lines: float = 2.2
    # ... unless every body-pass box inside it is at most this many body lines high (a blob of body lines).
    blob_line_ratio: float = 1.3
    # A box at least this many body lines high is cut at rows with no ink (at most ``blank_row_ink`` of its
    # width inked) into pieces at least ``stack_min_piece_lines`` high: stacked display lines the reduced
    # pass ran together (cols5-lshape-scan: kicker, headline and subtitle in one box, two of them lost).
    stack_min_lines: float = 1.8
    blank_row_ink: float = 0.002
    stack_min_piece_lines: float = 0.5
    # A gutter no rule or ink block marks: a blank stretch of a line at least ``aligned_min_gap_lines`` of its
    # height wide, blank too in ``aligned_share`` of the ≥ ``aligned_min_lines`` lines within
    # ``aligned_window_lines`` body lines above and below that cover it (only lines at least
    # ``aligned_min_width_lines`` heights long are looked at). blue_mountain_echo: 1 block → its columns.
    aligned_min_gap_lines: float = 0.5
    aligned_share: float = 0.8
    aligned_min_lines: int = 4
    aligned_window_lines: float = 6.0
    aligned_min_width_lines: float = 6.0
    # Columns from line edges (textlines.column_edges): at least ``edge_min_lines`` lines end at a right edge
    # (within ``edge_bin_lines`` line heights) and as many start at a left edge at most
    # ``edge_max_gutter_lines`` beyond it; a line reaching ``edge_tolerance_lines`` past the cut on both sides
    # runs across it (a headline, an advert) and is grouped apart.
    edge_min_lines: int = 5
    edge_bin_lines: float = 0.5
    edge_max_gutter_lines: float = 3.0
    edge_tolerance_lines: float = 0.5
    # ... and at most this share of the lines at the edges run across the cut (english-tabloid-clean: word
    # boxes lining up by chance inside a column cut it into 30 pieces without this).
    edge_max_crossing: float = 0.25
    min_score: float = 0.3  # a read below this is a detector false alarm (halftone texture, rules)
    # A gutter inside a block: a strip no line crosses, this many line heights wide, with lines on both sides
    # in at least ``gutter_min_rows`` rows each (one-row blocks are headlines split at word spaces, not columns).
    gutter_lines: float = 0.8
    gutter_min_rows: int = 2
    # Two one-row pieces side by side are two headings (two stories' headlines level across a gutter), not one
    # headline split at a word space, when the gap between them is ``heading_gap_heights`` of their height and
    # they are not set on one line: tops ``heading_offset_share`` of the lower height apart, or heights
    # ``heading_height_ratio`` apart (bed seed 61207: 4 pairs of headlines read as one, gaps 2.5-4 heights, tops
    # 16 px apart at 40 px; a Chinese headline's two parts stand a character or two apart, level).
    heading_gap_heights: float = 2.0
    heading_offset_share: float = 0.25
    heading_height_ratio: float = 1.2
    # A narrower strip (down to ``narrow_gutter_lines``) parts columns that hold ``narrow_gutter_min_rows``
    # rows and are ``narrow_gutter_min_width_lines`` line heights wide on both sides (textlines.column_cuts).
    # Headline Daily 2025-02-18: 11-15 px gutters at 22 px detector lines (0.5-0.68); the randomized bed draws
    # gutters from 0.6 body ems (about 0.45 of a detector line). Word spaces in Latin rows are 0.25-0.35 em.
    narrow_gutter_lines: float = 0.35
    narrow_gutter_min_rows: int = 3
    narrow_gutter_min_width_lines: float = 4.0
    # A block too short to show a gutter (one row level across columns) is cut at a gap of its rows that a
    # gutter of a block within this many line heights above or below runs through.
    row_gutter_reach_lines: float = 2.0
    # A headline row is cut at a column gutter of the blocks under or over it only at a gap this many of its
    # heights wide: headlines of one-column stories side by side stand 1.0-2.3 heights apart over gutters (bed
    # seed 1758425: 9 headlines read as 4 blocks), a Latin headline's word spaces 0.25-0.35 and a Chinese
    # headline's phrase space about one character (0.9-1.0).
    heading_gutter_gap_heights: float = 1.1
    # ... and only when every piece holds this many characters (a headline letterspaced across its columns left
    # one character over a gutter: seed 1758425 page 041, "公司軍" and "炫").
    heading_piece_min_chars: int = 2
    # Two body blocks side by side at most this many line heights apart are two columns: the gap between them
    # is a gutter too (the bed's gutters are 0.6-3 body ems, 0.45-2.3 detector lines).
    block_gutter_max_lines: float = 3.0
    # An ink block whose lines come in sizes ``mixed_size_ratio`` apart (``mixed_min_lines`` each at least) is
    # regrouped like lines no block held (Headline Daily 2023-12-02: a story set on a photo collage, headline,
    # lead, columns and captions on one ground, was one 39-line block read row by row across it all).
    mixed_size_ratio: float = 1.8
    mixed_min_lines: int = 2
    # Grouping left-over lines into blocks: a new block starts at a vertical gap wider than this many line
    # heights, at a height change beyond ``height_ratio``, or at a rule between two lines.
    row_gap_lines: float = 1.2
    height_ratio: float = 1.35
    # Body blocks one above the other are one column's run of lines (merge_column_runs) when the gap between
    # them is at most ``run_gap_lines`` line heights (a column's leading leaves 0.2-0.7: 1.16-1.63 pitch in the
    # randomized bed; between two stories in one column there is a heading or a rule), their lines' heights
    # differ by at most ``run_height_ratio`` (tighter than ``height_ratio``: a caption 0.85 body is apart),
    # they overlap over ``run_min_overlap`` of the narrower, and the wider is at most ``run_width_ratio`` as
    # wide, unless the narrower is one or two short lines inside the wider's edges (``run_edge_lines`` slack:
    # an indented first line, a paragraph's last). A block of up to ``run_caption_rows`` rows just under a photo
    # is its caption, not the story's start. A block of one printed row is measured against
    # ``run_row_height_ratio`` instead: a Latin row's detector box is a quarter taller with descenders than
    # without (randomized bed page 61207028: "down transforming, usual" 38-41 px under "Prediction caramel
    # break-" 32 px), so a column cut line by line did not join up again (58 body blocks for 3 columns).
    run_gap_lines: float = 1.2
    run_height_ratio: float = 1.2
    run_row_height_ratio: float = 1.35
    run_min_overlap: float = 0.8
    run_width_ratio: float = 1.25
    run_edge_lines: float = 0.5
    run_caption_rows: int = 3
    # Heading blocks one above the other are one heading's lines when set at most ``head_run_gap_lines`` of
    # their line height apart (display leading: 1.18-1.3 pitch, a gap of 0.2-0.3 of the detector's line box;
    # a kicker or subtitle differs in size anyway) and their left edges or centres lie within
    # ``head_align_lines`` line heights of each other.
    head_run_gap_lines: float = 0.8
    head_align_lines: float = 1.0
    # A photo that holds three detected lines, or lines covering this share of its area, is text (a small-type
    # page taken for a photo); one or two lines at its top or bottom are a caption it grew over: trimmed off.
    photo_text_share: float = 0.15
    # A heading inside a body block (textlines.split_intertitles): a line with at least ``intertitle_inset_em``
    # body heights free on both sides, centred within ``intertitle_centre_em``, taller than the block's median
    # line or with wider characters by ``intertitle_size_ratio``, in a block of ``intertitle_min_block_lines``.
    # HKEJ C4: insets 29-30 px at 10 px type, lines 15 px against 12, pitch 11.7 px against 7.8.
    intertitle_inset_em: float = 1.5
    intertitle_centre_em: float = 1.0
    intertitle_size_ratio: float = 1.15
    intertitle_min_block_lines: int = 4
    # A headline block's first row is its kicker (textlines.split_heading_stacks) when the row under it has characters
    # ``kicker_pitch_ratio`` times as wide and a box ``kicker_height_ratio`` as tall, and it has at least
    # ``kicker_min_chars`` characters (a few characters' pitch is mostly the box's margin). A kicker is
    # 0.46-0.6 of its headline (zaobao, Headline Daily 2025): 1.7-2.2 in pitch. Bed seed 61207: by height alone
    # (1.45) or by pitch at 1.45, wrapped headline rows (1.48 in pitch, 1.69 in height) were cut too.
    kicker_pitch_ratio: float = 1.6
    kicker_height_ratio: float = 1.2
    kicker_min_chars: int = 4
    # Measured on the type itself (textlines.ink_height): a kicker's ink is 0.8-0.9 of its headline's (seed
    # 1758425: 24/29, 25/28 px), a wrapped headline's rows the same height (to a pixel or two); the characters
    # must be wider below too (seed 1758425: 1.18, 1.2).
    kicker_ink_ratio: float = 1.1
    kicker_ink_pitch_ratio: float = 1.1
    # A picture among the lines (textlines.pictures_without_text): cells of ``picture_cell_em`` body heights, at
    # least ``picture_dark_share`` of them darker than the paper by ``leftover_contrast``, away from every text
    # line (by ``picture_text_pad_em``), grouped, filling ``picture_min_fill`` of a box at least
    # ``picture_min_side_em`` a side and at most ``picture_max_aspect`` times as long as wide (a binding shadow
    # or a dark border is a long band), with no line in it. HKEJ C4: photos 141-219 px a side at 10 px type.
    picture_cell_em: float = 0.5
    picture_dark_share: float = 0.5
    picture_text_pad_em: float = 0.3
    picture_min_fill: float = 0.6
    picture_min_side_em: float = 5.0
    picture_max_aspect: float = 5.0
    # A detected box inside a photo whose median grey is under this share of the page's paper grey (its 90th
    # percentile) is the picture, not type on paper (cols6-photos-scan's drawing: 115 against ~240; body lines
    # have a median at the paper's).
    photo_ground_share: float = 0.75
    # ... and a line read there is the picture's texture when it holds fewer distinct characters than this or
    # reads under ``texture_min_confidence``. Measured (every line read on a picture's ground of these pages,
    # 2026-12-07): the cols6-photos drawing reads "wwww", 1 distinct, at 0.85 (scan) and 0.96 (clean); type set on
    # a picture's ground reads 3-14 distinct characters at 0.78-1.00 (HKEJ C4's sidebar on the photo's tint,
    # 9 lines; headlinedaily's caption; zaobao's date band "星期二", 3 distinct at 1.00), all of which the
    # ground test alone had dropped unread.
    texture_max_distinct: int = 2
    texture_min_confidence: float = 0.6
    # Outside any photo found: a line in a picture's greys ``texture_line_heights`` body lines high or more,
    # read as at most ``texture_line_max_chars`` characters under ``texture_line_confidence`` (seed 1758425: four
    # unfound photos, 5-9 lines high, read as 1-2 characters at 0.37-0.64).
    texture_line_heights: float = 2.5
    texture_line_max_chars: int = 2
    texture_line_confidence: float = 0.7
    # ... and in a picture's greys: this share of its pixels mid-way between its ink and the paper
    # (textlines.mid_tone_share: photos 0.2-0.56; a 200 px bold headline character, read "炫" unsure, 0.014).
    texture_mid_share: float = 0.1
    # A block of at most ``fragment_max_chars`` characters (no digit) within ``fragment_reach_lines`` line heights
    # of a text block, inside its width, is a piece of it (textlines.absorb_fragments; seed 1758425: "摄", "as",
    # "u", "把" written as intertitles).
    fragment_max_chars: int = 2
    fragment_reach_lines: float = 1.0
    # A detector box at least this many times as high as wide, and this many body lines high, is a column of
    # vertical text (three stacked CJK characters or more); columns side by side within this many column
    # widths of each other, overlapping in height, are one vertical block.
    column_aspect: float = 2.5
    # A column whose character cells read as fewer than this share of height / width characters is read again
    # turned a quarter (HKEJ C4's photo credits, 12 px wide: "–" for about six characters, then "（香港大學图片）").
    column_min_char_share: float = 0.5
    column_min_lines: float = 2.0
    column_join_gap: float = 1.0


@dataclass(frozen=True)
class QualitySettings:
    """The per-page quality record and its review flags (quality.py)."""

    coverage_floor: float = _f(
        0.97,
        "written / read characters below which a page is flagged low-coverage: the issue's target (>= 97 % of "
        "what the recogniser reads on the page); repair's punctuation profile moves ~1 % of characters",
    )
    # Measured on 24 pages (bench/review_thresholds.md: 5 of our samples, 14 real pages, and the rendered
    # Cyrillic, Korean, Arabic, blank and photo-only pages), default path.
    ink_level: int = _f(128, "a pixel of the cleaned page darker than this is ink (paper is ~255 after flattening)")
    blank_ink_share: float = _f(
        0.002,
        "a page with less ink than this share is blank: the blank scan measured 0.0000, the least inked page "
        "with text 0.023 (rendered), 0.052 (real); 0.2 % of a page is about one short line of type",
    )
    sparse_line_density: float = _f(
        0.2,
        "a written line holding fewer characters than this per em-square of its box 'read as a few marks': "
        "the Cyrillic/Korean pages' lines have a median of 0.05-0.12, the real pages' 1st percentile is "
        ">= 0.29 (Fraktur aside)",
    )
    min_lines_for_script: int = _f(
        5,
        "the detector must see this many lines before a page is judged unreadable rather than a picture "
        "(the photo page: 1 line; real pages with text: >= 18)",
    )
    max_unread_share: float = _f(
        0.6,
        "unsupported-script when this share of the detected lines read as nothing or as a few marks: "
        "Cyrillic 1.00, Korean 0.96, Arabic 1.00, a Fraktur page 0.74; pages in covered scripts <= 0.17, "
        "and 0.46 for a 7 px English page read text-first",
    )
    unsupported_confidence: float = _f(
        0.65,
        "unsupported-script, too, when the mean glyph confidence is under this (look-alike characters): "
        "Korean 0.59, Fraktur 0.56; the worst real page in a covered script (a camera photo) 0.72",
    )
    min_mean_confidence: float = _f(
        0.96,
        "low-confidence under this mean glyph confidence: clean and scanned samples and the good real pages "
        "(zaobao, headlinedaily, trove, chronam) >= 0.980; the hard ones (7 px web image, camera photo, "
        "1872 vertical, halftone vertical, Fraktur) <= 0.948",
    )
    min_confidence_p5: float = _f(
        0.75,
        "... or under this 5th percentile: the same good pages >= 0.89, the hard ones <= 0.63",
    )
    min_text_fill: float = _f(
        0.15,
        "low-coverage (default path, where coverage is not measured) when the text blocks hold fewer characters "
        "than this per body em-square: chronam 0.013 (coverage 0.067, bench/coverage.md), headlinedaily "
        "2023 0.098 (0.40); the next real page 0.24 (0.29, flagged low-confidence), shenbao 0.28 (0.92), zaobao "
        "0.46 (0.99); our samples >= 0.47",
    )
    unread_em_px: float = _f(12.0, "unread ink is measured on the page scaled so the body text is this many px high")
    unread_contrast: int = _f(
        12, "unread ink: a pixel darker than the mean of the 2-em square around it by this many grey levels"
    )
    unread_min_em: float = _f(0.3, "unread ink counts marks at least this many body heights tall (not rules)")
    unread_max_em: float = _f(3.0, "... and at most this many (not photos, not display type's blobs)")
    unread_pad_em: float = _f(0.3, "a mark within this many body heights of a written line is under it")
    max_unread_ink: float = _f(
        0.3,
        "low-coverage when this share of the type-sized ink lies under no written line: real pages read well "
        "<= 0.14 (chronam 0.136, Kolonie 1865 0.094, Headline Daily 2023 0.074, the rest <= 0.065); bed pages "
        "1758425013 (99 % of the text lost) 0.71",
    )
    max_fallback_blocks: int = _f(
        2,
        "fallback-layout at this many blocks read by per-block detection (text-first path only): 0 on the four "
        "pages in covered scripts measured text-first, 1 on the Korean page; thin evidence, see the bench note",
    )
    min_expected_script_share: float = _f(
        0.5, "unexpected-script when fewer than this share of the letters read are in the --script/--lang given"
    )
    scripts: str = _f("", "the pages' scripts as given with --script/--lang (comma-separated quality.SCRIPTS names)")


# --- all stages -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Every stage's settings. ``Settings()`` is today's calibration."""

    preprocess: PreprocessSettings = field(default_factory=PreprocessSettings)
    frame: PageFrameSettings = field(default_factory=PageFrameSettings)
    layout: LayoutSettings = field(default_factory=LayoutSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    order: OrderSettings = field(default_factory=OrderSettings)
    repair: RepairSettings = field(default_factory=RepairSettings)
    lines: TextLinesSettings = field(default_factory=TextLinesSettings)
    quality: QualitySettings = field(default_factory=QualitySettings)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return dataclasses.asdict(self)

    def digest(self) -> str:
        """Short sha256 of the canonical JSON of every value: equal digests, equal settings."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def changed(self) -> dict[str, Any]:
        """The values that differ from the defaults, as ``{"stage.field": value}`` (sorted)."""
        default = DEFAULT.to_dict()
        return {
            f"{stage}.{key}": value
            for stage, values in sorted(self.to_dict().items())
            for key, value in sorted(values.items())
            if default[stage][key] != value
        }


DEFAULT = Settings()


# --- reading settings -----------------------------------------------------------------------------------------


def _sections() -> dict[str, type]:
    return {f.name: f.default_factory for f in fields(Settings)}  # type: ignore[misc]


def _coerce(key: str, kind: Any, value: Any) -> Any:
    """``value`` as a ``kind`` field takes it; ints are welcome where floats are, nothing else converts."""
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise SettingsError(f"{key}: expected {kind.__name__}, got {type(value).__name__} {value!r}")
    if kind is float and not math.isfinite(value):
        raise SettingsError(f"{key}: must be a finite number, got {value!r}")
    return value


def _apply(settings: Settings, section: str, values: dict[str, Any], origin: str) -> Settings:
    sections = _sections()
    if section not in sections:
        raise SettingsError(f"{origin}: unknown settings section [{section}] (known: {', '.join(sections)})")
    if not isinstance(values, dict):
        raise SettingsError(f"{origin}: {section} must be a table of values")
    cls = sections[section]
    hints = get_type_hints(cls)
    names = {f.name for f in fields(cls)}
    changes = {}
    for name, value in values.items():
        if name not in names:
            raise SettingsError(f"{origin}: unknown setting {section}.{name}")
        changes[name] = _coerce(f"{origin}: {section}.{name}", hints[name], value)
    return dataclasses.replace(settings, **{section: dataclasses.replace(getattr(settings, section), **changes)})


def parse_override(text: str) -> tuple[str, str, Any]:
    """``"layout.headline_ratio=1.8"`` → ("layout", "headline_ratio", 1.8); the value is read as a TOML value."""
    key, sep, raw = text.partition("=")
    section, dot, name = key.strip().partition(".")
    if not sep or not dot or not section or not name:
        raise SettingsError(f"override {text!r}: expected STAGE.NAME=VALUE, e.g. layout.headline_ratio=1.8")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        raise SettingsError(
            f"override {key.strip()}: {raw.strip()!r} is not a number, boolean or quoted string"
        ) from None
    return section, name, value


def load_settings(path: Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> Settings:
    """The defaults, then the TOML file at ``path`` (tables ``[preprocess]``, ``[layout]``, ``[ocr]``,
    ``[order]``, ``[repair]``), then each ``STAGE.NAME=VALUE`` override in turn. Raises ``SettingsError`` (one line) for
    an unreadable file, an unknown table or key, a value of the wrong type, or a non-finite number."""
    settings = DEFAULT
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise SettingsError(f"{path}: cannot read settings file: {exc.strerror or exc}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SettingsError(f"{path}: not valid TOML: {exc}") from None
        for section, values in data.items():
            settings = _apply(settings, section, values, str(path))
    for text in overrides:
        section, name, value = parse_override(text)
        settings = _apply(settings, section, {name: value}, "override")
    return settings


def format_changed(changed: dict[str, Any]) -> str:
    """``{"layout.headline_ratio": 1.8}`` → ``"layout.headline_ratio=1.8"``: overrides ``parse_changed`` reads back."""
    return ", ".join(f"{key}={_toml_value(value)}" for key, value in changed.items())


def parse_changed(text: str) -> dict[str, Any]:
    """The inverse of ``format_changed`` (values are numbers or booleans, never holding ", ")."""
    out = {}
    for item in filter(None, (part.strip() for part in text.split(", "))):
        section, name, value = parse_override(item)
        out[f"{section}.{name}"] = value
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def describe_settings(settings: Settings = DEFAULT, docs: bool = True) -> str:
    """The effective settings as a TOML file that ``load_settings`` reads back, each value with its reason
    (``digitize settings`` prints this)."""
    out = [f"# digitize settings, digest {settings.digest()}"]
    for section in fields(Settings):
        part = getattr(settings, section.name)
        out += ["", f"[{section.name}]"]
        for f in fields(part):
            value = getattr(part, f.name)
            line = f"{f.name} = {_toml_value(value)}"
            if value != f.default:
                line += f"  # default {_toml_value(f.default)}"
            if docs and f.metadata.get("doc"):
                out.append(f"# {f.metadata['doc']}")
            out.append(line)
    return "\n".join(out) + "\n"
