"""Our CER and WER against dinglehopper's (an independent OCR evaluation tool) on twelve pairs.

Definitions that differ on purpose, and how each pair is fed so that the numbers must still agree:

* Whitespace. ``digitize diff`` ignores whitespace by default: a reference corpus and an OCR output lay the
  same text out differently (line breaks, paragraph breaks, spaces between CJK runs), and that is not a
  recognition error. dinglehopper counts every whitespace character, newlines included. So in the default
  mode dinglehopper is given both texts with whitespace removed. With ``--keep-whitespace`` we count a
  whitespace run as one unit and a paragraph break as one newline unit; dinglehopper is then given the same
  text with one space per run and one newline per paragraph break, and must agree without stripping.
* ALTO. dinglehopper joins every ``String`` of a line with a space and every line with a newline; we join
  with a space only where the file has ``SP`` and separate blocks by a blank line. Whitespace is ignored in
  that comparison, so both readings must give the same CER.
* Equivalences. dinglehopper's file readers fold some look-alike characters (``——`` to ``––`` …); they do
  so on both sides, which changes no distance, so the ALTO check compares characters after that folding.
* Heading markers. The corpus format's ``## `` and ``### `` are markup: we leave them out of the units
  (headings are compared separately), so dinglehopper gets the texts without them.
* Words. We count each Han/kana character as a word and split other text at whitespace and punctuation,
  which is what dinglehopper's UAX #29 segmentation gives for these texts, so WER is compared as is.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from digitize.diff import Options, compare, read_input
from digitize.export.alto import page_to_alto
from digitize.model import Article, Page, PageSource, Role

dinglehopper = pytest.importorskip("dinglehopper", reason="test-only extra 'agreement' (pip install dinglehopper)")
from dinglehopper.character_error_rate import character_error_rate  # noqa: E402
from dinglehopper.extracted_text import substitute_equivalences  # noqa: E402
from dinglehopper.ocr_files import extract  # noqa: E402
from dinglehopper.word_error_rate import word_error_rate_n, words_normalized  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from test_alto import text_block  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
GROUND_TRUTH = (ROOT / "samples" / "jinzhong-front.gt.txt").read_text(encoding="utf-8")
TOLERANCE = 0.001

ENGLISH = """The city council met on Tuesday to discuss the new budget, which includes $3.5 million for roads.

Mayor O'Neill said the plan would "re-use" existing funds and that work could start in the spring.

Residents asked whether the café on Main Street would close during construction; officials said no."""


def inject(text: str, seed: int, edits: int) -> str:
    """``text`` with ``edits`` random substitutions, insertions and deletions of non-space characters."""
    rng = random.Random(seed)
    chars = list(text)
    alphabet = "届屆会會国國的了abcdefgh0123"
    for _ in range(edits):
        k = rng.choice([i for i, c in enumerate(chars) if not c.isspace() and c != "#"])
        kind = rng.choice("sid")
        if kind == "s":
            chars[k] = rng.choice([a for a in alphabet if a != chars[k]])
        elif kind == "i":
            chars.insert(k, rng.choice(alphabet))
        else:
            del chars[k]
    return "".join(chars)


def word_error_rate(reference: str, compared: str) -> float:
    """dinglehopper's WER, called with its word lists: with multimethod 2, its ``word_error_rate(str, str)``
    dispatch is ambiguous (str is also an Iterable) and raises."""
    return word_error_rate_n(list(words_normalized(reference)), list(words_normalized(compared)))[0]


def unmark(text: str) -> str:
    return re.sub(r"(?m)^#{2,3} ", "", text)


def strip_ws(text: str) -> str:
    return re.sub(r"\s+", "", unmark(text))


def one_space(text: str) -> str:
    """The text as our --keep-whitespace mode counts it: one newline per paragraph break, one space per run."""
    paras = [re.sub(r"\s+", " ", p.strip()) for p in re.split(r"\n\s*\n", unmark(text)) if p.strip()]
    return "\n".join(paras)


ZH = GROUND_TRUTH[:1500]
ZH_PARAS = [p for p in ZH.split("\n\n") if p.strip()]
TEXT_PAIRS = {
    "zh-identical": (ZH, ZH),
    "zh-injected-20": (ZH, inject(ZH, 1, 20)),
    "zh-injected-150": (ZH, inject(ZH, 2, 150)),
    "zh-traditional-forms": (ZH, ZH.replace("会", "會").replace("国", "國")),
    "zh-reading-order-swapped": (ZH, "\n\n".join(ZH_PARAS[3:] + ZH_PARAS[:3])),
    "en-injected-12": (ENGLISH, inject(ENGLISH, 3, 12)),
    "en-words-dropped": (ENGLISH, ENGLISH.replace(" the ", " ").replace("Street", "St.")),
    "en-decomposed-accent": (ENGLISH, ENGLISH.replace("café", "cafe\u0301").replace("Mayor", "Maycr")),
    "mixed-zh-en": (
        "本报讯 (记者 李明) GDP增长5.2%，CPI上涨0.3%。\n\nThe 2024 report",
        "本报讯 (记者 李朋) GDP增长5.3%，CPl上涨0.3%。\n\nThe 2O24 rep0rt",
    ),
}


@pytest.mark.parametrize("name", TEXT_PAIRS)
def test_text_pairs_agree(name):
    ref, hyp = TEXT_PAIRS[name]
    ours = compare(ref, hyp, Options()).metrics
    assert ours["cer"] == pytest.approx(character_error_rate(strip_ws(ref), strip_ws(hyp)), abs=TOLERANCE)
    assert ours["wer"] == pytest.approx(word_error_rate(unmark(ref), unmark(hyp)), abs=TOLERANCE)
    kept = compare(ref, hyp, Options(ignore_whitespace=False)).metrics
    assert kept["cer"] == pytest.approx(character_error_rate(one_space(ref), one_space(hyp)), abs=TOLERANCE)
    if name != "zh-identical":
        assert ours["cer"] > 0  # the pair does test something


def alto_page(paragraphs: list[str]) -> bytes:
    """Our ALTO of a page whose blocks hold ``paragraphs``, each cut into 20-character lines."""
    blocks, y = [], 100
    for n, para in enumerate(paragraphs):
        lines = [para[k : k + 20] for k in range(0, len(para), 20)]
        box = (100, y, 1100, y + 50 * len(lines))
        block = text_block(f"TB{n:04d}", Role.BODY, box, lines, order=n, language="zh" if n % 2 == 0 else "und")
        block.article_id = "A1"
        blocks.append(block)
        y = box[3] + 20
    page = Page(
        1,
        1200,
        y + 100,
        PageSource("page.png", 0, "image", "00" * 32),
        blocks=blocks,
        articles=[Article("A1", blocks, order=0)],
    )
    page.in_source_coordinates = True
    return page_to_alto(page)


ALTO_PARAS = [p.replace(" ", "") for p in ZH_PARAS[:6]]
ALTO_PAIRS = {
    "zh-text-vs-alto-clean": ("\n\n".join(ALTO_PARAS), ALTO_PARAS),
    "zh-text-vs-alto-injected": ("\n\n".join(ALTO_PARAS), [inject(p, 10 + k, 4) for k, p in enumerate(ALTO_PARAS)]),
    "en-text-vs-alto-injected": (ENGLISH, [inject(p, 20, 5) for p in ENGLISH.split("\n\n")]),
}


@pytest.mark.parametrize("name", ALTO_PAIRS)
def test_text_vs_our_alto_agree(name, tmp_path):
    ref_text, hyp_paras = ALTO_PAIRS[name]
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.alto.xml"
    ref.write_text(ref_text, encoding="utf-8")
    hyp.write_bytes(alto_page(hyp_paras))
    ours = compare(read_input(ref), read_input(hyp), Options()).metrics
    theirs_ref, theirs_hyp = extract(str(ref)).text, extract(str(hyp)).text
    # both read the same characters from the ALTO
    assert strip_ws(theirs_hyp) == strip_ws(substitute_equivalences("".join(hyp_paras)))
    assert ours["cer"] == pytest.approx(character_error_rate(strip_ws(theirs_ref), strip_ws(theirs_hyp)), abs=TOLERANCE)
    if "clean" in name:
        assert ours["cer"] == 0.0
    else:
        assert ours["cer"] > 0
