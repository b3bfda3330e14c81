"""The page's quality record: how much of what the engine can see was written, how sure the reading was, and
what a person should do with the page (done, or needs review, and why).

Runs last, on the finished page. Text coverage compares the characters written (every text block, furniture
and adverts included) with the characters the text-first stage read on the whole page (textlines.py), as a
bag of characters: order and repair's punctuation changes do not count, lost lines do. The review reasons
(``REASONS``) come from the record and ``QualitySettings``; the commands print one line per page that has
any (``review_line``), ``run --strict`` fails on them, ``batch`` and ``status`` count and list them.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence

import cv2
import numpy as np

from .model import Line, Page, PageQuality, Role
from .settings import DEFAULT, QualitySettings

# Review reasons, worst first (a page listed for review is sorted by its worst reason, then by coverage and
# confidence). What each tells the reader to do is in README "Pages that need review".
REASONS = (
    "unsupported-script",  # lines were seen that the model could not read: another model (--rec-model) or a person
    "empty",  # text-like marks but nothing written
    "photo-only",  # ink, but no text line found: nothing to read, or text taken for a picture
    "blank",  # no ink at all: a blank leaf, or a scan that failed
    "low-coverage",  # lines seen on the page did not reach the output
    "unexpected-script",  # the letters read are not in the script(s) given with --script/--lang
    "low-confidence",  # the reading is unsure: check the text against the image
    "fallback-layout",  # some blocks were read by a fallback path: check the order and the blocks
)

# Coarse script names (from the Unicode character name) and the languages that --lang accepts for each.
SCRIPTS = ("Han", "Latin", "Kana", "Hangul", "Cyrillic", "Greek", "Arabic", "Other")
LANGUAGE_SCRIPTS = {
    "zh": ("Han",),
    "zh-hans": ("Han",),
    "zh-hant": ("Han",),
    "ja": ("Han", "Kana"),
    "ko": ("Hangul",),
    "en": ("Latin",),
    "de": ("Latin",),
    "fr": ("Latin",),
    "es": ("Latin",),
    "it": ("Latin",),
    "pt": ("Latin",),
    "nl": ("Latin",),
    "ru": ("Cyrillic",),
    "uk": ("Cyrillic",),
    "el": ("Greek",),
    "ar": ("Arabic",),
    "fa": ("Arabic",),
}


def script_of(char: str) -> str | None:
    """A coarse script name from the Unicode character name (enough to tell a page's scripts apart)."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    for prefix, script in (
        ("CJK", "Han"),
        ("LATIN", "Latin"),
        ("HIRAGANA", "Kana"),
        ("KATAKANA", "Kana"),
        ("HANGUL", "Hangul"),
        ("CYRILLIC", "Cyrillic"),
        ("GREEK", "Greek"),
        ("ARABIC", "Arabic"),
    ):
        if name.startswith(prefix):
            return script
    return "Other"


def _chars(texts) -> Counter:
    return Counter(c for t in texts for c in t if not c.isspace())


def line_density(line: Line, vertical: bool = False) -> float:
    """Characters read per em-square of the line's box (its length over its thickness). A line of CJK reads
    about 1, Latin about 2; a line in a script the model does not cover reads a few marks, under 0.3."""
    w, h = line.box[2] - line.box[0], line.box[3] - line.box[1]
    length, thickness = (h, w) if vertical else (w, h)
    if thickness <= 0 or length <= 0:
        return 0.0
    return sum(1 for c in line.text if not c.isspace()) / (length / thickness)


def ink_share(image: np.ndarray | None, settings: QualitySettings = DEFAULT.quality) -> float:
    """Share of the pixels darker than ``ink_level`` on the cleaned (flattened) working image."""
    if image is None or image.size == 0:
        return 0.0
    gray = image if image.ndim == 2 else image.mean(axis=2)
    step = max(1, int(np.sqrt(gray.size / 1_000_000)))  # a million samples are plenty for a share
    return float((gray[::step, ::step] < settings.ink_level).mean())


def text_fill(page: Page, written_chars: int) -> float:
    """Characters written per em-square (body text size) of the area of the text blocks that hold lines."""
    em = page.text_size_px or 30.0
    area = sum((b.box[2] - b.box[0]) * (b.box[3] - b.box[1]) for b in page.blocks if b.role.has_text and b.lines)
    return written_chars / (area / (em * em)) if area else 0.0


def unread_ink(page: Page, settings: QualitySettings = DEFAULT.quality) -> float:
    """Share of the page's type-sized ink (marks ``unread_min_em``-``unread_max_em`` body heights tall, darker than
    their surroundings by ``unread_contrast``) lying under no written line, photo or rule. Coverage compares
    what was written with what the detector saw; this catches what it never saw: a column of blurred 87 dpi
    type with only its headlines detected, a column swallowed by a photo's texture box (bed pages 1758425013
    and 1758425019, both "done" at coverage 1.0 with 99 % and 60 % of their text missing)."""
    if page.image is None or page.image.size == 0:
        return 0.0
    em = page.text_size_px or 30.0
    f = min(1.0, settings.unread_em_px / em)
    small = cv2.resize(page.image, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else page.image
    if small.ndim == 3:
        small = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    e = em * f
    window = 2 * int(e) + 1
    ink = cv2.adaptiveThreshold(
        small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, window, settings.unread_contrast
    )
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[:, cv2.CC_STAT_HEIGHT]
    typeish = (heights >= settings.unread_min_em * e) & (heights <= settings.unread_max_em * e)
    typeish[0] = False  # the background
    if not typeish.any():
        return 0.0
    covered = np.zeros(small.shape[:2], np.uint8)
    pad = settings.unread_pad_em * em

    def cover(box, margin: float) -> None:
        x0, y0, x1, y1 = (
            int((box[0] - margin) * f),
            int((box[1] - margin) * f),
            int((box[2] + margin) * f) + 1,
            int((box[3] + margin) * f) + 1,
        )
        covered[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = 1

    for block in page.blocks:
        if block.role is Role.PHOTO:
            cover(block.box, 0)
        for line in block.lines:
            cover(line.box, pad)
    for sep in page.separators:
        cover(sep.box, pad)
    on = labels > 0
    area = np.bincount(labels[on], minlength=n).astype(float)
    under = np.bincount(labels[on], weights=covered[on].astype(float), minlength=n)
    unread = typeish & (under < 0.5 * np.maximum(area, 1))
    return float(area[unread].sum() / area[typeish].sum())


def assess(
    page: Page,
    read_texts: list[str] | None,
    fallback_blocks: int = 0,
    flags: Sequence[str] = (),
    settings: QualitySettings = DEFAULT.quality,
    lines_seen: tuple[int, int] | None = None,
) -> PageQuality:
    """The quality record of a finished ``page``; ``read_texts`` are the lines the text-first stage read on
    the whole page (None when it did not run); ``lines_seen`` the line boxes the detector found and how many
    of them read as text (None when no detector ran). Call it while ``page.image`` is the working image."""
    blocks = [b for b in page.blocks if b.role.has_text]
    written = _chars(ln.text for b in blocks for ln in b.lines)
    total = sum(written.values())
    vertical = sum(len(ln.text.replace(" ", "")) for b in blocks if b.vertical for ln in b.lines)
    confidences = np.array([g.confidence for b in blocks for ln in b.lines for g in ln.glyphs], dtype=float)
    scripts = Counter(s for c, n in written.items() if (s := script_of(c)) for _ in range(n))
    densities = [line_density(ln, b.vertical) for b in blocks for ln in b.lines]
    quality = PageQuality(
        mean_confidence=round(float(confidences.mean()), 4) if confidences.size else 0.0,
        confidence_p5=round(float(np.percentile(confidences, 5)), 4) if confidences.size else 0.0,
        fallback_blocks=fallback_blocks,
        vertical_share=round(vertical / total, 4) if total else 0.0,
        scripts=[s for s, _ in scripts.most_common()],
        flags=list(flags),
        detected_lines=lines_seen[0] if lines_seen else None,
        read_lines=lines_seen[1] if lines_seen else None,
        sparse_lines=sum(1 for d in densities if d < settings.sparse_line_density),
        written_lines=len(densities),
        ink_share=round(ink_share(page.image, settings), 4),
        text_fill=round(text_fill(page, total), 4),
        unread_ink=round(unread_ink(page, settings), 4),
    )
    if read_texts is not None:
        read = _chars(read_texts)
        seen = sum(read.values())
        quality.text_coverage = round(sum((read & written).values()) / seen, 4) if seen else 1.0
        if quality.text_coverage < settings.coverage_floor:
            quality.flags.append("under-coverage")
    if not total:
        quality.flags.append("empty")
    quality.reasons = review_reasons(quality, total, settings, page_letters=scripts)
    quality.state = "needs-review" if quality.reasons else "done"
    return quality


def unread_share(q: PageQuality) -> float | None:
    """Share of the line boxes the detector saw that were not read, or were read as a few marks (None: no
    detector ran). In detector units: written lines can be rows merged from several boxes, so the sparse share
    of the written lines stands for the same share of the boxes read."""
    if q.detected_lines is None:
        return None
    if not q.detected_lines:
        return 0.0
    read = min(q.read_lines or 0, q.detected_lines)
    sparse = q.sparse_lines / q.written_lines * read if q.written_lines else 0.0
    return min(1.0, (q.detected_lines - read + sparse) / q.detected_lines)


def review_reasons(
    q: PageQuality, written_chars: int, settings: QualitySettings = DEFAULT.quality, page_letters: Counter | None = None
) -> list[str]:
    """The reasons (``REASONS``, worst first) a person should look at the page; [] when it is done."""
    reasons = []
    unread = unread_share(q)
    seen_lines = q.detected_lines or 0
    if seen_lines >= settings.min_lines_for_script and unread is not None and unread >= settings.max_unread_share:
        reasons.append("unsupported-script")
    elif (
        q.written_lines >= settings.min_lines_for_script
        and written_chars
        and q.mean_confidence < settings.unsupported_confidence
    ):
        reasons.append("unsupported-script")  # read, but as look-alike characters the model is unsure of
    # A line or two read from a picture's texture ("a" at 0.47 in a blurred photo) is not text: the page is a
    # picture still (its marks are written, and the page is flagged as photo-only).
    only_marks = (
        0 < q.written_lines < settings.min_lines_for_script
        and seen_lines < settings.min_lines_for_script
        and q.mean_confidence < settings.unsupported_confidence
    )
    if (not written_chars or only_marks) and not reasons:
        if q.ink_share < settings.blank_ink_share:
            reasons.append("blank")
        elif seen_lines < settings.min_lines_for_script:
            reasons.append("photo-only")
        else:
            reasons.append("empty")
    if written_chars and (
        (
            q.text_coverage < settings.coverage_floor
            if q.text_coverage is not None
            else q.text_fill < settings.min_text_fill
        )
        or q.unread_ink >= settings.max_unread_ink
    ):
        reasons.append("low-coverage")
    expected = [s for s in settings.scripts.split(",") if s]
    if expected and page_letters:
        letters = sum(page_letters.values())
        if sum(page_letters.get(s, 0) for s in expected) < settings.min_expected_script_share * letters:
            reasons.append("unexpected-script")
    unsure = q.mean_confidence < settings.min_mean_confidence or q.confidence_p5 < settings.min_confidence_p5
    if written_chars and "unsupported-script" not in reasons and unsure:
        reasons.append("low-confidence")
    if q.fallback_blocks >= settings.max_fallback_blocks:
        reasons.append("fallback-layout")
    return sorted(reasons, key=REASONS.index)


def severity(q: PageQuality) -> tuple:
    """Sort key, worst first: the worst reason, then the lowest coverage, then the lowest confidence."""
    worst = min((REASONS.index(r) for r in q.reasons), default=len(REASONS))
    return (worst, q.text_coverage if q.text_coverage is not None else 1.0, q.mean_confidence)


def review_summary(q: PageQuality) -> str:
    """``empty, unsupported-script (12 of 40 lines read; coverage 0.41; confidence 0.62)``: the reasons with
    the figures behind them, for the review line, the manifest and the review index."""
    figures = []
    if q.detected_lines is not None and q.detected_lines:
        figures.append(f"{q.read_lines} of {q.detected_lines} lines read")
    if q.sparse_lines:
        figures.append(f"{q.sparse_lines} of {q.written_lines} read as a few marks")
    if q.text_coverage is not None:
        figures.append(f"coverage {q.text_coverage:.2f}")
    elif "low-coverage" in q.reasons:
        figures.append(f"{q.text_fill:.2f} characters an em-square of the text blocks")
    if q.unread_ink >= DEFAULT.quality.max_unread_ink / 2:
        figures.append(f"{100 * q.unread_ink:.0f} % of the type-sized ink unread")
    if q.written_lines:
        figures.append(f"confidence {q.mean_confidence:.2f} (p5 {q.confidence_p5:.2f})")
    else:
        figures.append(f"ink {100 * q.ink_share:.1f} %")
    if q.fallback_blocks:
        figures.append(f"{q.fallback_blocks} fallback blocks")
    return ", ".join(q.reasons) + (f" ({'; '.join(figures)})" if figures else "")
