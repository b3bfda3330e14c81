"""How many of our ALTO (and PAGE) TextLines kraken's reader reads (issue 15: "kraken reads 2 of 309 lines").

kraken needs torch, so it is not a dependency of digitize nor of its tests: run this with a Python where kraken is
installed (a venv of its own, e.g. ``python -m venv /work/venv-lib && /work/venv-lib/bin/pip install
torch==2.13.0 kraken``; kraken 7.1.1 then pulls torch 2.14 and torchvision 0.29.1):

    /work/venv-lib/bin/python bench/kraken_alto.py FILE.alto.xml FILE.page.xml ...

For each file: the TextLines in it (counted with lxml), the lines kraken's ``XMLPage`` reads with baselines
(its default) and with boxes, how many of those carry text, and whether the text kraken reads for each line
equals the line's ``String``s joined (``SP`` as a space). Prints one JSON object per file and a total line.
"""

from __future__ import annotations

import json
import sys

from lxml import etree


def file_lines(path: str) -> dict[str, str]:
    """TextLine ID → its text: in ALTO the String CONTENTs with a space where an SP stands, in PAGE the line's
    own TextEquiv."""
    out = {}
    for el in etree.parse(path).iter():
        if isinstance(el.tag, str) and etree.QName(el).localname == "TextLine":
            parts = []
            for child in el:
                name = etree.QName(child).localname
                if name == "String":
                    parts.append(child.get("CONTENT") or "")
                elif name == "SP":
                    parts.append(" ")
                elif name == "TextEquiv":
                    parts = ["".join(child.itertext()).strip()]
            out[el.get("ID") or el.get("id")] = "".join(parts)
    return out


def measure(path: str) -> dict:
    from kraken.lib.xml import XMLPage

    ours = file_lines(path)
    filetype = "page" if path.endswith(".page.xml") else "alto"
    row: dict = {"file": path, "textlines": len(ours)}
    for linetype in ("baselines", "bbox"):
        try:
            page = XMLPage(path, filetype=filetype, linetype=linetype)
            lines = page.lines
        except Exception as exc:  # kraken refuses the file: report why, as the figure
            row[linetype] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        with_text = sum(1 for ln in lines.values() if (ln.text or "").strip())
        same = sum(1 for lid, ln in lines.items() if lid in ours and (ln.text or "") == ours[lid])
        row[linetype] = {
            "read": len(lines),
            "with_text": with_text,
            "same_text": same,
            "share": round(len(lines) / len(ours), 4) if ours else None,
        }
    return row


def main(paths: list[str]) -> None:
    from importlib.metadata import version

    print(json.dumps({"kraken": version("kraken"), "torch": version("torch")}))
    total = {"textlines": 0, "read": 0}
    for path in paths:
        row = measure(path)
        print(json.dumps(row, ensure_ascii=False))
        total["textlines"] += row["textlines"]
        total["read"] += row.get("baselines", {}).get("read", 0)
    print(json.dumps({"total": total}))


if __name__ == "__main__":
    main(sys.argv[1:])
