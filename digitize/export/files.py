"""Writing a page's outputs to disk: names, formats, and atomic writes (temp file + rename), so that a
killed run never leaves a half-written file under a final name."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from ..model import Document, Page
from ..paths import PARTIAL_SUFFIX, write_atomic
from .alto import page_to_alto, xml_text
from .json import page_json
from .mets import ImageFacts, IssueMetadata, document_to_mets, image_facts, source_image_path
from .names import DOCUMENT_FORMATS, OUTPUT_FORMATS, SUFFIXES, output_stem  # noqa: F401 (re-exported)
from .newsml import document_to_news_message
from .text import issue_text, page_text


def _page_xml(page: Page, punctuation: str) -> bytes:
    from .page import page_to_page_xml

    return page_to_page_xml(page, punctuation=punctuation)


def _hocr(page: Page, punctuation: str) -> bytes:
    from .hocr import page_to_hocr

    return page_to_hocr(page, punctuation=punctuation)


def _pdf(page: Page, punctuation: str) -> bytes:
    from .pdf import page_to_pdf  # fpdf2 is imported only when a PDF is asked for

    return page_to_pdf(page, punctuation=punctuation)


def render_page(
    page: Page,
    fmt: str,
    punctuation: str = "corpus",
    alto_unit: str = "pixel",
    alto_articles: str = "tags",
    alto_cjk_strings: str = "run",
) -> bytes:
    # OCR may return control characters, lone surrogates or U+FFFE: never text, and not encodable as UTF-8
    if fmt == "txt":
        return xml_text(page_text(page, punctuation)).encode("utf-8")
    if fmt == "alto":
        return page_to_alto(
            page, unit=alto_unit, punctuation=punctuation, article_blocks=alto_articles, cjk_strings=alto_cjk_strings
        )
    if fmt == "json":
        return xml_text(page_json(page)).encode("utf-8")
    if fmt == "page":
        return _page_xml(page, punctuation)
    if fmt == "hocr":
        return _hocr(page, punctuation)
    if fmt == "pdf":
        return _pdf(page, punctuation)
    raise ValueError(f"unknown output format {fmt!r}")


def write_page_outputs(
    page: Page, outdir: Path, stem: str, formats: list[str], punctuation: str = "corpus", alto_unit: str = "pixel"
) -> list[Path]:
    written = []
    for fmt in formats:
        target = outdir / (stem + SUFFIXES[fmt])
        write_atomic(target, render_page(page, fmt, punctuation, alto_unit))
        written.append(target)
    return written


IMAGE_MODES = ("reference", "copy", "link")  # where an issue package's METS and NewsML find the page images
IMAGES_FOLDER = "images"


def package_images(doc: Document, outdir: Path, mode: str = "reference") -> dict[str, Path]:
    """Put the issue's source images into ``outdir/images/`` so the package (METS, ALTO, images) travels as one
    folder: ``copy`` copies each source file once (atomically), ``link`` hard-links it (a copy where the file
    system cannot link), ``reference`` leaves them where they are. Returns source path → its place in the
    package (empty for ``reference``); two sources with one file name get ``-2``, ``-3``… in the package."""
    if mode not in IMAGE_MODES:
        raise ValueError(f"images must be one of {', '.join(IMAGE_MODES)}, got {mode!r}")
    placed: dict[str, Path] = {}
    if mode == "reference":
        return placed
    used: set[str] = set()
    for page in doc.pages:
        source = Path(page.source.path)
        if page.source.path in placed or not source.is_file():
            continue
        name, k = source.name, 1
        while name in used:
            k += 1
            name = f"{source.stem}-{k}{source.suffix}"
        used.add(name)
        target = outdir / IMAGES_FOLDER / name
        placed[page.source.path] = target
        if target.exists() and os.path.samefile(source, target):
            continue
        if mode == "link":
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{name}.linktemp{PARTIAL_SUFFIX}")  # `paths.is_our_partial` knows it
            try:
                temp.unlink(missing_ok=True)
                os.link(source, temp)
                os.replace(temp, target)
                continue
            except OSError:  # another file system, or no hard links here: copy
                temp.unlink(missing_ok=True)
        write_atomic(target, source.read_bytes())
    return placed


def _page_links(
    doc: Document, outdir: Path, alto_names: dict[int, str] | None, placed: dict[str, Path] | None = None
) -> dict[int, list[tuple[str, str]]]:
    """Per page, the (href relative to ``outdir``, content type) of its image and ALTO file, for NewsML links."""
    links: dict[int, list[tuple[str, str]]] = {}
    for page in doc.pages:
        image = (placed or {}).get(page.source.path) or Path(page.source.path)
        try:
            href = Path(os.path.relpath(image.resolve(), outdir.resolve())).as_posix()
        except ValueError:  # another drive (Windows)
            href = image.as_posix()
        links[page.number] = [(href, page.source.mime or "application/octet-stream")]
        if alto_names and page.number in alto_names:
            links[page.number].append((alto_names[page.number], "text/xml"))
    return links


def _image_facts(doc: Document) -> dict[int, ImageFacts]:
    """MIX facts read from each page's image file (colour, bits, compression, file size on top of what the
    model knows); a page whose source is a PDF or is gone keeps the model's facts."""
    facts = {}
    for page in doc.pages:
        path = Path(page.source.path)
        if path.suffix.lower() == ".pdf" or page.source.mime == "application/pdf" or not path.is_file():
            continue
        try:
            fact = image_facts(path, page.source.sha256 or None)
        except (OSError, ValueError):  # unreadable now: the model's facts are still true
            continue
        if fact.x_dpi is None and page.source.dpi:  # a file without a resolution: the one the page was read at
            fact = replace(fact, x_dpi=float(page.source.dpi), y_dpi=float(page.source.dpi))
        facts[page.number] = fact
    return facts


def write_issue_outputs(
    doc: Document,
    outdir: Path,
    stem: str,
    formats: list[str],
    punctuation: str = "corpus",
    newsml_body: str = "nitf",
    alto_names: dict[int, str] | None = None,
    metadata: IssueMetadata | None = None,
    mets_profile: str = "enmap",
    images: str = "reference",
) -> list[Path]:
    """Outputs of a whole issue (its pages already written): NewsML-G2 when asked for (its paragraphs in the text
    output's ``punctuation`` profile, as the issue text and ALTO have them); for an issue of several
    pages, METS tying the ALTO files together (in ``mets_profile``, with the issue ``metadata``, every file
    referenced relative to ``outdir``; the page images' MIX facts read from the files; the PAGE files when PAGE
    is among the formats), the text with continued articles joined once, and the issue PDF. ``images``
    (`IMAGE_MODES`): the page images stay where they are, or are copied or hard-linked into ``outdir/images/``
    (`package_images`) and METS and NewsML point there."""
    placed = package_images(doc, outdir, images) if {"newsml", "alto"} & set(formats) else {}
    written = sorted(set(placed.values()))
    if "newsml" in formats:
        written.append(outdir / (stem + SUFFIXES["newsml"]))
        write_atomic(
            written[-1],
            document_to_news_message(
                doc,
                body=newsml_body,
                punctuation=punctuation,
                metadata=metadata,
                page_links=_page_links(doc, outdir, alto_names, placed),
            ),
        )
    if len(doc.pages) > 1 and "alto" in formats and alto_names:
        altos = {n: (outdir / name).read_bytes() for n, name in alto_names.items()}
        page_names = {n: name.removesuffix(SUFFIXES["alto"]) + SUFFIXES["page"] for n, name in alto_names.items()}
        if "page" not in formats or not all((outdir / name).is_file() for name in page_names.values()):
            page_names = {}
        written.append(outdir / (stem + SUFFIXES["mets"]))
        write_atomic(
            written[-1],
            document_to_mets(
                doc,
                alto_name=lambda _doc, page: alto_names[page.number],
                alto_files=altos,
                metadata=metadata,
                profile=mets_profile,
                mets_dir=outdir,
                images=_image_facts(doc),
                page_xml_name=(lambda _doc, page: page_names[page.number]) if page_names else None,
                page_xml_files={n: (outdir / name).read_bytes() for n, name in page_names.items()},
                image_path=lambda d, page: source_image_path(
                    d, page, str(placed[page.source.path]) if page.source.path in placed else None
                ),
            ),
        )
    if len(doc.pages) > 1 and "txt" in formats:
        written.append(outdir / (stem + SUFFIXES["issue"]))
        write_atomic(written[-1], issue_text(doc, punctuation).encode("utf-8"))
    if len(doc.pages) > 1 and "pdf" in formats:
        from .pdf import document_to_pdf

        written.append(outdir / (stem + SUFFIXES["issue-pdf"]))
        write_atomic(written[-1], document_to_pdf(doc, punctuation=punctuation))
    return written
