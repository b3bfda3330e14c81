"""Writing a page's outputs to disk: names, formats, and atomic writes (temp file + rename), so that a
killed run never leaves a half-written file under a final name."""

from __future__ import annotations

from pathlib import Path

from ..model import Document, Page
from ..paths import write_atomic
from .alto import page_to_alto, xml_text
from .json import page_json
from .mets import document_to_mets
from .names import DOCUMENT_FORMATS, OUTPUT_FORMATS, SUFFIXES, output_stem  # noqa: F401 (re-exported)
from .newsml import document_to_news_message
from .text import issue_text, page_text


def render_page(page: Page, fmt: str, punctuation: str = "corpus", alto_unit: str = "pixel") -> bytes:
    # OCR may return control characters, lone surrogates or U+FFFE: never text, and not encodable as UTF-8
    if fmt == "txt":
        return xml_text(page_text(page, punctuation)).encode("utf-8")
    if fmt == "alto":
        return page_to_alto(page, unit=alto_unit)
    if fmt == "json":
        return xml_text(page_json(page)).encode("utf-8")
    raise ValueError(f"unknown output format {fmt!r}")


def write_page_outputs(page: Page, outdir: Path, stem: str, formats: list[str], punctuation: str = "corpus",
                       alto_unit: str = "pixel") -> list[Path]:
    written = []
    for fmt in formats:
        target = outdir / (stem + SUFFIXES[fmt])
        write_atomic(target, render_page(page, fmt, punctuation, alto_unit))
        written.append(target)
    return written


def write_issue_outputs(doc: Document, outdir: Path, stem: str, formats: list[str], punctuation: str = "corpus",
                        newsml_body: str = "nitf", alto_names: dict[int, str] | None = None) -> list[Path]:
    """Outputs of a whole issue (its pages already written): NewsML-G2 when asked for; for an issue of several
    pages, METS tying the ALTO files together and the text with continued articles joined once."""
    written = []
    if "newsml" in formats:
        written.append(outdir / (stem + SUFFIXES["newsml"]))
        write_atomic(written[-1], document_to_news_message(doc, body=newsml_body))
    if len(doc.pages) > 1 and "alto" in formats and alto_names:
        altos = {n: (outdir / name).read_bytes() for n, name in alto_names.items()}
        written.append(outdir / (stem + SUFFIXES["mets"]))
        write_atomic(written[-1], document_to_mets(doc, alto_name=lambda _doc, page: alto_names[page.number], alto_files=altos))
    if len(doc.pages) > 1 and "txt" in formats:
        written.append(outdir / (stem + SUFFIXES["issue"]))
        write_atomic(written[-1], issue_text(doc, punctuation).encode("utf-8"))
    return written
