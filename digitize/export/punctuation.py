"""Punctuation profiles of the text written out: ``corpus`` (the reference corpus's conventions), ``original``
(full-width punctuation where it stands in CJK text, as a CJK page prints it) and ``ascii``."""

from __future__ import annotations

import re

from ..model import Paragraph, Role
from ..text.corpus import MODEL_ROLE, CorpusParagraph, classify, corpus_line, split_mark
from ..text.joins import CONTEXT
from ..text.patterns import BYLINE_NAME, CONTINUATION, CREDIT, LEAD, is_cjk

PROFILES = ("corpus", "original", "ascii")
# Profiles of a text repaired or compared as text: ``keep`` leaves its punctuation as written.
PUNCTUATION_CHOICES = ("keep", *PROFILES)
_TO_ASCII = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")", "\u3000": " "})
_TO_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})
_ASCII_EXTRA = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "《": "<",
        "》": ">",
        "！": "!",
        "？": "?",
        "…": "...",
        "·": ".",
    }
)


def _half_width(text: str) -> str:
    """Full-width digits and Latin letters to ASCII (U+FF10–FF5A), which is how the corpus writes them."""
    return "".join(
        chr(ord(c) - 0xFEE0) if "０" <= c <= "９" or "Ａ" <= c <= "Ｚ" or "ａ" <= c <= "ｚ" else c for c in text
    )


def _full_width_in_cjk(text: str) -> str:
    """``,:;()`` in their full-width forms where they stand in CJK text, as a CJK page prints them; Latin
    text keeps the ASCII forms it is printed in."""

    def form(i: int, ch: str) -> str:
        window = text[max(0, i - CONTEXT) : i + CONTEXT + 1]
        cjk = sum(is_cjk(c) for c in window)
        return ch.translate(_TO_FULL) if cjk and cjk >= sum(c.isascii() and c.isalpha() for c in window) else ch

    return "".join(form(i, c) if c in ",:;()" else c for i, c in enumerate(text))


def _squeeze_cjk_spaces(text: str) -> str:
    """No space between two CJK characters inside running text (OCR sometimes reads a wide gap as one)."""
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef“”‘’])\s+(?=[\u3000-\u9fff\uff00-\uffef“”‘’])", "", text)


def format_paragraph(para: Paragraph, profile: str = "corpus") -> str:
    """One paragraph in the chosen punctuation profile, with the corpus's spacing conventions."""
    if profile not in PROFILES:
        raise ValueError(f"unknown punctuation profile {profile!r} (choose from {', '.join(PROFILES)})")
    text = _half_width(para.text.strip())
    text = re.sub(r"\s+", " ", text)
    if para.role is Role.BODY:
        text = _squeeze_cjk_spaces(text)
    if para.role is Role.CAPTION:
        m = CREDIT.search(text)
        if m:
            names = " ".join(m.group(2).split())
            text = _squeeze_cjk_spaces(text[: m.start()]) + f" {m.group(1)} {names} 摄"
        else:
            text = _squeeze_cjk_spaces(text)
    if para.role is Role.BYLINE:
        m = BYLINE_NAME.match(text.replace("\u3000", " "))
        if m:
            text = f"{m.group(1)} {''.join(m.group(2).split())}"
    text = text.translate(_TO_ASCII)
    # Conventions of the corpus format: a space before the lead's parenthesis and before a closing marker.
    text = LEAD.sub(lambda m: m.group(1) + " (", text)
    text = CONTINUATION.sub(lambda m: " (" + m.group(0).strip().strip("（()）【】[]〔〕 ").replace(" ", "") + ")", text)
    text = re.sub(r"\s+\(", " (", text).strip()
    if profile == "original":
        text = _full_width_in_cjk(text)
        text = LEAD.sub(lambda m: m.group(1) + "（", text.replace("本报讯 （", "本报讯（"))
        text = re.sub(r"\s（(下转|转)", r"（\1", text)
    elif profile == "ascii":
        text = text.translate(_ASCII_EXTRA).replace("——", "--")
    return text


def paragraph_line(para: Paragraph, profile: str = "corpus") -> str:
    """A paragraph as a line of the corpus format, with its heading mark."""
    return corpus_line(para.role, format_paragraph(para, profile))


def apply_profile(paras: list[CorpusParagraph], profile: str) -> list[str]:
    """Corpus-format paragraphs in a punctuation profile, their heading marks kept."""
    texts = []
    for i, para in enumerate(paras):
        nxt = paras[i + 1].text if i + 1 < len(paras) else None
        role = classify(para.text, nxt)
        mark, text = split_mark(para.text.strip())
        texts.append(mark + format_paragraph(Paragraph(MODEL_ROLE[role], text, []), profile))
    return texts
