"""Does the text layer of our searchable PDF say what the run's text output says? For a run's JSON and its PDF:
the text pdfplumber (``use_text_flow``), poppler's ``pdftotext -raw`` and pdfium extract, compared with the text
output plus the page header line, whitespace and heading marks aside (the comparison of tests/test_pdf.py).

    python bench/pdf_text.py OUT/page.json OUT/page.pdf
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from test_pdf import expected_text, strip

from digitize.read import read


def main(run_json: str, pdf: str) -> None:
    import pdfplumber
    import pypdfium2

    want = expected_text(read(run_json))
    with pdfplumber.open(pdf) as doc:
        plumber = strip("".join(page.extract_text(use_text_flow=True) for page in doc.pages))
    raw = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"], capture_output=True, check=True)
    poppler = strip(raw.stdout.decode("utf-8"))
    doc = pypdfium2.PdfDocument(pdf)
    pdfium = strip("".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))
    print(
        f"{len(want)} characters; pdfplumber equal: {plumber == want}; pdftotext -raw equal: {poppler == want}; "
        f"pdfium equal: {pdfium == want}"
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
