"""How long `digitize diff` takes on a 5,000-character page (target: under 2 s). Not a test: run it by hand.

    .venv/bin/python bench/diff_speed.py [--repeat 3]

Two cases, each with about 1 % injected errors: the sample page's ground truth against itself as text
(paragraphs), and against a hypothesis cut into 20-character lines with boxes (as from ALTO or our JSON),
where flexible character accuracy has the most lines to match. The time is `compare` plus the HTML report,
best of the repeats.
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from digitize.diff import LineRecord, Options, Source, compare
from digitize.report import render_html

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 2.0


def five_thousand_characters() -> str:
    text = (ROOT / "samples" / "jinzhong-front.gt.txt").read_text(encoding="utf-8")
    while sum(not c.isspace() for c in text) < 5000:
        text += "\n\n" + text
    paras, kept = [], 0
    for para in text.split("\n\n"):
        if kept >= 5000:
            break
        paras.append(para)
        kept += sum(not c.isspace() for c in para)
    return "\n\n".join(paras)


def with_errors(text: str, rate: float = 0.01, seed: int = 0) -> str:
    rng = random.Random(seed)
    out = []
    for c in text:
        roll = rng.random()
        if c.isspace() or roll > rate:
            out.append(c)
        elif roll < rate / 3:
            out.append("屆")  # substitution
        elif roll < 2 * rate / 3:
            out.append(c + "的")  # insertion
    return "".join(out)  # the remaining third of the hits are deletions


def as_lines(text: str) -> Source:
    records = []
    for b, para in enumerate(p for p in text.split("\n\n") if p.strip()):
        for k in range(0, len(para), 20):
            y = 40 * len(records)
            records.append(LineRecord(para[k : k + 20], (0, y, 800, y + 36), f"B{b}", f"A{b // 4}"))
    text = "\n\n".join("\n".join(r.text for r in records if r.block == f"B{b}") for b in range(b + 1))
    return Source(text, "json", records, None, (800, 40 * len(records)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ref = five_thousand_characters()
    hyp = with_errors(ref)
    n = sum(not c.isspace() for c in ref)
    for name, hypothesis in (("text vs text", hyp), ("text vs lines with boxes", as_lines(hyp))):
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = compare(ref, hypothesis, Options())
            render_html(result)
            best = min(best, time.perf_counter() - start)
        m = result.metrics
        verdict = "ok" if best < TARGET_SECONDS else "TOO SLOW"
        print(
            f"{name}: {n} characters, CER {m['cer']:.2%}, FCA {m['flexible_character_accuracy']:.2%}: "
            f"{best:.2f} s (target < {TARGET_SECONDS:.0f} s) {verdict}"
        )


if __name__ == "__main__":
    main()
