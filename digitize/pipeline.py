"""The one place where the stages are put in order: load → preprocess → layout → OCR → articles → roles →
reading order → repair → back to source coordinates, and for an issue: its pages in order, numbered through the
issue, then linked (`process_issue`). Batch and CLI call this; nothing reimplements it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from . import layout, order, preprocess, quality, repair, textlines, vertical_page
from .errors import InputError
from .export.names import SUFFIXES, file_stem
from .io import DEFAULT_DPI, DEFAULT_MAX_PIXELS, LoadedPage, load
from .issue import issue_document
from .model import Document, Page, Role
from .ocr.base import Engine, TextRegion, load_engine
from .ocr.textlayer import TextLayerEngine
from .ocr.vertical import read_vertical
from .settings import DEFAULT, OcrSettings, Settings

_engines: dict[tuple[str, int | None, OcrSettings], Engine] = {}


def get_engine(name: str = "ppocr", threads: int | None = None, settings: OcrSettings = DEFAULT.ocr) -> Engine:
    """Engines are loaded once per process and kept: loading the models costs more than a small page."""
    key = (name, threads, settings)
    if key not in _engines:
        _engines[key] = load_engine(name, threads, settings)
    return _engines[key]


@contextmanager
def _timed(page: Page, stage: str):
    start = time.perf_counter()
    yield
    page.timings[stage] = page.timings.get(stage, 0.0) + time.perf_counter() - start


def process_page(
    loaded: LoadedPage, number: int, engine: Engine, keep_image: bool = False, settings: Settings = DEFAULT
) -> Page:
    """One page through every stage, each given its part of ``settings``. The engine was made with its part
    (``get_engine(name, threads, settings.ocr)``); vertical text is cut into cells with it here."""
    h, w = loaded.image.shape
    page = Page(
        number=number,
        width=w,
        height=h,
        source=loaded.source,
        image=loaded.image,
        settings_digest=settings.digest(),
        settings_changed=settings.changed(),
    )
    text_layer = loaded.text_layer is not None
    with _timed(page, "preprocess"):
        if text_layer:
            # Born-digital: the characters' boxes are exact in page space, so the page must not be rotated.
            page.image = preprocess.flatten_background(loaded.image, settings.preprocess)
        else:
            preprocess.preprocess(page, settings.preprocess, settings.frame)
    with _timed(page, "layout"):
        layout.analyze(page, settings.layout)
    reader: Engine = TextLayerEngine(loaded.text_layer) if loaded.text_layer is not None else engine
    image = page.image
    assert image is not None  # the stages keep the image; only the caller drops it (keep_image)
    page.engine = reader.description
    if not text_layer and page.vertical and textlines.supported(reader):
        # A page set in vertical columns: its columns are detected and read top to bottom, whatever the switch of
        # the text-first path (the block path reads a vertical page's columns as rows of single characters).
        with _timed(page, "lines"):
            page_lines = vertical_page.place_columns(page, reader, settings.lines, settings.ocr, settings.layout)
        page.timings.update({f"lines.{k}": v for k, v in page_lines.seconds.items()})
        text_blocks = [b for b in page.blocks if b.role.has_text and not b.lines]
    elif not text_layer and settings.lines.enabled and textlines.supported(reader):
        with _timed(page, "lines"):
            page_lines = textlines.place_lines(page, reader, settings.lines)
        page.timings.update({f"lines.{k}": v for k, v in page_lines.seconds.items()})
        text_blocks = [b for b in page.blocks if b.role.has_text and not b.lines]  # vertical, or no line fell in
    else:
        page_lines = None
        text_blocks = [b for b in page.blocks if b.role.has_text]
    regions = [TextRegion(b.box, b.style.size_px if b.style else page.text_size_px, b.vertical) for b in text_blocks]
    with _timed(page, "ocr"):
        # Vertical text goes to a line engine as a strip of its characters; a text layer has its own lines.
        vertical = [i for i, r in enumerate(regions) if r.vertical and not text_layer]
        horizontal = [i for i in range(len(regions)) if i not in vertical]
        for i, lines in zip(horizontal, reader.recognize(image, [regions[i] for i in horizontal])):
            text_blocks[i].lines = lines
        for i in vertical:
            text_blocks[i].lines = read_vertical(reader, image, regions[i].box, regions[i].text_height, settings.ocr)
    if page_lines is not None:
        textlines.drop_seen(text_blocks, page)
        textlines.pictures_read_as_marks(text_blocks, page, settings.lines)
    page.timings.update(getattr(reader, "last_timings", {}))  # the engine's halves: "detect", "recognize"
    page.blocks = [b for b in page.blocks if b.lines or b.role is Role.PHOTO]
    # The page header and footer first, as printed: a vertical page's masthead and date line are set across it
    # (bed page 1894976011: the masthead, the date line and an ear were written as headlines and body).
    layout.mark_page_furniture(page, settings.layout)
    if page.vertical:  # articles, order and joins are decided on the page turned so that its columns are lines
        vertical_page.turn(page)
    else:
        layout.story_heads(page, settings.layout)
        layout.kickers_over_headlines(page, settings.layout)
        layout.framed_adverts(page, settings.layout)
    with _timed(page, "order"):
        order.find_articles(page, settings.order)
        layout.refine_roles(page, settings.layout)
        order.reading_order(page, settings.order)
        if page.vertical:
            vertical_page.page_order(page, settings.order.cut_tolerance_em * (page.text_size_px or 30.0), settings.ocr)
    with _timed(page, "repair"):
        repair.repair(page, settings.repair)
    if page.vertical:
        vertical_page.unturn(page)
    # Line boxes the detector saw and how many read as text: the whole-page pass plus the engine's per-block one.
    # (None: no detector ran, e.g. a PDF text layer, or an engine that does not count.)
    seen: tuple[int, int] | None = getattr(reader, "last_lines", None)
    if page_lines is not None:
        fallback = sum(1 for b in text_blocks if b.lines and not b.vertical)  # read by per-block detection
        detected, read = seen or (0, 0)
        seen = (detected + page_lines.detected, read + page_lines.read)
        page.quality = quality.assess(page, page_lines.texts, fallback, page_lines.flags, settings.quality, seen)
    else:
        page.quality = quality.assess(page, None, settings=settings.quality, lines_seen=seen)
    page.to_source_coordinates()
    # Boxes now refer to the source image, so that is the image worth keeping (for overlays).
    page.image = loaded.image if keep_image else None
    return page


def iter_pages(
    path: str | Path,
    engine: str | Engine = "ppocr",
    dpi: int = DEFAULT_DPI,
    password: str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    threads: int | None = None,
    keep_image: bool = False,
    settings: Settings = DEFAULT,
) -> Iterator[Page]:
    """Process a file page by page (a long PDF is never held in memory whole). An engine given by name is made
    with ``settings.ocr``; an engine object keeps the settings it was made with."""
    reader = get_engine(engine, threads, settings.ocr) if isinstance(engine, str) else engine
    for number, loaded in enumerate(load(path, dpi=dpi, password=password, max_pixels=max_pixels), 1):
        start = time.perf_counter()
        page = process_page(loaded, number, reader, keep_image=keep_image, settings=settings)
        page.timings["total"] = time.perf_counter() - start
        yield page


def process(path: str | Path, engine: str | Engine = "ppocr", **options) -> Document:
    """Digitize one file (image, multi-page TIFF or PDF) into a Document (``settings=`` as for iter_pages)."""
    return Document(path=str(path), pages=list(iter_pages(path, engine, **options)))


@dataclass
class Issue:
    """An issue's pages, processed and linked, with what its writers need besides the model."""

    document: Document  # pages numbered through the issue, continued articles linked
    alto_names: dict[int, str] = field(default_factory=dict)  # page number → its ALTO file, for METS

    @property
    def stem(self) -> str:
        """Issue outputs are named after the issue's first input: ``p1.issue.txt``, ``p1.mets.xml``."""
        return file_stem(self.document.path)


def _pages_of(
    path: str | Path, indices: Sequence[int] | None, dpi: int, password: str | None, max_pixels: int
) -> Iterator[LoadedPage]:
    pages = load(path, dpi=dpi, password=password, max_pixels=max_pixels)
    if indices is None:
        yield from pages
        return
    position = 0
    for index in sorted(indices):
        # Pages are streamed: the ones before are loaded and dropped (one page in memory at a time).
        loaded = next(islice(pages, index - position, None), None)
        if loaded is None:
            raise InputError(path, f"page {index + 1} does not exist (the file changed?)")
        position = index + 1
        yield loaded


def process_issue(
    name: str,
    inputs: Iterable[tuple[str | Path, Sequence[int] | None]],
    engine: Engine,
    write_page: Callable[[Page], str],
    on_error: Callable[[str | Path, Exception], None],
    *,
    catch: tuple[type[Exception], ...] = (InputError,),
    dpi: int = DEFAULT_DPI,
    password: str | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    keep_image: bool = False,
    settings: Settings = DEFAULT,
) -> Issue:
    """The pages of one issue, in the order given, into one linked Document.

    ``inputs`` are files with the 0-based pages to take (None: all). Each page is numbered through the issue
    (so ALTO IDs ``P{n}_…`` are unique in it), processed, and handed to ``write_page``, which writes its
    outputs and returns their stem; the page's pixels are then dropped, its model kept for the issue
    outputs. An input failing with one of ``catch`` goes to ``on_error`` and the issue goes on without the
    rest of it. ``name`` (the issue's first input) is ``Document.path`` and names the issue outputs."""
    pages: list[Page] = []
    alto_names: dict[int, str] = {}
    for path, indices in inputs:
        try:
            loading = time.perf_counter()
            for loaded in _pages_of(path, indices, dpi, password, max_pixels):
                start = time.perf_counter()
                page = process_page(loaded, loaded.source.index + 1, engine, keep_image=keep_image, settings=settings)
                page.timings["total"] = time.perf_counter() - start
                page.timings["load"] = start - loading  # decoding or rasterizing, and skipping to the page
                page.number = len(pages) + 1  # after the stages, as a lone page is read; before its outputs
                alto_names[page.number] = write_page(page) + SUFFIXES["alto"]
                page.image = None  # the model is kept for the issue outputs; its pixels are not
                pages.append(page)
                loading = time.perf_counter()
        except catch as exc:
            on_error(path, exc)
    return Issue(issue_document(name, pages, settings.repair), alto_names)
