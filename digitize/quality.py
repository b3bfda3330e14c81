"""The page's quality record: how much of what the engine can see was written, and how sure the reading was.

Runs last, on the finished page. Text coverage compares the characters written (every text block, furniture
and adverts included) with the characters the text-first stage read on the whole page (textlines.py), as a
bag of characters: order and repair's punctuation changes do not count, lost lines do. A page that comes out
empty or under its coverage floor says so in one line on stderr (the "digitize.quality" logger).
"""

from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np

from .model import Page, PageQuality
from .settings import DEFAULT, QualitySettings

log = logging.getLogger("digitize.quality")


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


def assess(
    page: Page,
    read_texts: list[str] | None,
    fallback_blocks: int = 0,
    flags: Sequence[str] = (),
    settings: QualitySettings = DEFAULT.quality,
) -> PageQuality:
    """The quality record of a finished ``page``; ``read_texts`` are the lines the text-first stage read on
    the whole page (None when it did not run)."""
    blocks = [b for b in page.blocks if b.role.has_text]
    written = _chars(ln.text for b in blocks for ln in b.lines)
    total = sum(written.values())
    vertical = sum(len(ln.text.replace(" ", "")) for b in blocks if b.vertical for ln in b.lines)
    confidences = np.array([g.confidence for b in blocks for ln in b.lines for g in ln.glyphs], dtype=float)
    scripts = Counter(s for c, n in written.items() if (s := script_of(c)) for _ in range(n))
    quality = PageQuality(
        mean_confidence=round(float(confidences.mean()), 4) if confidences.size else 0.0,
        confidence_p5=round(float(np.percentile(confidences, 5)), 4) if confidences.size else 0.0,
        fallback_blocks=fallback_blocks,
        vertical_share=round(vertical / total, 4) if total else 0.0,
        scripts=[s for s, _ in scripts.most_common()],
        flags=list(flags),
    )
    if read_texts is not None:
        read = _chars(read_texts)
        seen = sum(read.values())
        quality.text_coverage = round(sum((read & written).values()) / seen, 4) if seen else 1.0
        if quality.text_coverage < settings.coverage_floor:
            quality.flags.append("under-coverage")
    if not total:
        quality.flags.append("empty")
    return quality


def warn(page: Page, settings: QualitySettings = DEFAULT.quality) -> None:
    """One line on stderr for a page that needs review."""
    q = page.quality
    if q is None:
        return
    where = f"{page.source.path} page {page.number}"
    if "empty" in q.flags:
        log.warning("%s: no text written", where)
    elif "under-coverage" in q.flags:
        log.warning(
            "%s: %.1f %% of the characters the engine read on the page were written (floor %.0f %%)",
            where,
            100 * (q.text_coverage or 0.0),
            100 * settings.coverage_floor,
        )
