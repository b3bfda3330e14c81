"""The language of a text, and word frequencies (wordfreq's Zipf scale) in it."""

from __future__ import annotations

import re

from ..settings import DEFAULT, RepairSettings

# A Latin word, with the hyphens inside it ("well-known", "state-of-the-art").
LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:[-\u2010][A-Za-z\u00c0-\u024f0-9]+)*")

# Latin-script languages told apart by which word list knows the text's words best (wordfreq).
LATIN_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")


def guess_language(text: str, settings: RepairSettings = DEFAULT.repair) -> str:
    """The language of a block, as ALTO LANG and NewsML want it: from the script (kana ``ja``, hangul ``ko``,
    Han ``zh``), and for Latin text the word list that knows its words best; ``und`` when undetermined."""
    if any("\u3040" <= c <= "\u30ff" for c in text):
        return "ja"
    if any("\uac00" <= c <= "\ud7af" for c in text):
        return "ko"
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return "zh"
    words = [w.lower() for w in LATIN_WORD.findall(text)][:40]  # enough to tell the language
    if len(words) < 2:
        return "und"
    mean = {lang: sum(zipf(w, lang) for w in words) / len(words) for lang in LATIN_LANGUAGES}
    best = max(mean, key=mean.__getitem__)
    return best if mean[best] >= settings.min_language_zipf else "und"


def wordfreq_lang(language: str) -> str:
    """The word list for a block's language; English for CJK blocks, whose Latin words are mostly English."""
    base = (language or "en").split("-")[0].lower()
    return "en" if base in ("zh", "ja", "ko", "und") else base


def zipf(word: str, lang: str) -> float:
    """How common ``word`` is in ``lang`` (wordfreq's Zipf scale: 3 = once per million words; 0 unknown)."""
    from wordfreq import zipf_frequency  # loading the word list costs a moment; only Latin pages need it

    return zipf_frequency(word, lang)
