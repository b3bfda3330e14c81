"""A printed line's characters in a punctuation profile, character by character.

The text output formats whole paragraphs (`repair.format_paragraph`); ALTO, PAGE, hOCR and the PDF text layer
keep one box per printed character, so they need the same profile applied without losing the link between a
character and its glyph box. `line_in_profile` maps each character of a line to its replacement (usually one
character, "..." for "…" in the ascii profile, "" for a space the profile drops), so a writer can keep the
glyph boxes and still write the text the text output writes. Spacing conventions of the corpus format that
insert spaces around a paragraph's markers are paragraph-level and not applied here: whitespace is where
Strings and words split, and dinglehopper's ALTO reading puts a space between Strings anyway.
"""

from __future__ import annotations

import re

from ..model import Role
from .punctuation import _ASCII_EXTRA, _TO_ASCII, PROFILES, _full_width_in_cjk, _half_width

# Two CJK characters (or full-width forms, CJK quotes) with only spaces between: the text output squeezes
# those spaces out of body text (OCR reads a wide gap as one), so the line keeps them out too.
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef“”‘’])\s+(?=[\u3000-\u9fff\uff00-\uffef“”‘’])")


def line_in_profile(text: str, profile: str = "corpus", role: Role = Role.BODY) -> list[str]:
    """One replacement per character of ``text``: what that character becomes in ``profile``.

    ``"original"`` keeps the printed punctuation (full-width in CJK text, ASCII in Latin text), ``"corpus"``
    the reference corpus's ASCII ``,:;()`` and half-width digits and letters, ``"ascii"`` ASCII only. A
    replacement is "" where the profile drops a space between two CJK characters of body text.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown punctuation profile {profile!r} (choose from {', '.join(PROFILES)})")
    out = list(_half_width(text))
    if role in (Role.BODY, Role.CAPTION):
        for m in _CJK_GAP.finditer(text):
            for k in range(m.start(), m.end()):
                out[k] = ""
    if profile == "original":
        # The corpus writes ASCII ,:;(); "original" puts the full-width forms back where CJK text stands,
        # exactly as format_paragraph does, so printed full-width punctuation survives either way.
        joined = "".join(c if len(c) == 1 else "\x00" for c in out)
        back = _full_width_in_cjk(joined.translate(_TO_ASCII))
        return [c if len(c) != 1 else b for c, b in zip(out, back)]
    out = [c.translate(_TO_ASCII) for c in out]
    if profile == "ascii":
        out = [c.translate(_ASCII_EXTRA) for c in out]
        for k in range(len(out) - 1):  # "——" is "--" in ascii, as format_paragraph writes it
            if out[k] == "—" and out[k + 1] == "—":
                out[k], out[k + 1] = "-", "-"
    return out


def text_in_profile(text: str, profile: str = "corpus", role: Role = Role.BODY) -> str:
    """``text`` (one printed line) in ``profile``: the characters of `line_in_profile` joined."""
    return "".join(line_in_profile(text, profile, role))
