"""Text-only repair of a corpus-format file (``text.rejoin``), written in a punctuation profile: what the
``repair`` command runs."""

from __future__ import annotations

from .export.punctuation import PUNCTUATION_CHOICES, apply_profile
from .text.corpus import corpus_text
from .text.rejoin import TextJoin, rejoin


def repair_text(text: str, punctuation: str = "keep") -> tuple[str, list[TextJoin]]:
    """Rejoin paragraphs split where no paragraph ends; returns the repaired text and the joins made."""
    if punctuation not in PUNCTUATION_CHOICES:
        raise ValueError(f"unknown punctuation profile {punctuation!r} (choose from {', '.join(PUNCTUATION_CHOICES)})")
    paras, joins = rejoin(text)
    return corpus_text([p.text for p in paras] if punctuation == "keep" else apply_profile(paras, punctuation)), joins
