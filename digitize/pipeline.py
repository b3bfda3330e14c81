"""The one place where the stages are put in order: load → preprocess → layout → OCR → articles → roles →
reading order → repair → back to source coordinates. Batch and CLI call this; nothing reimplements it."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from . import layout, order, preprocess, quality, repair, textlines
from .io import DEFAULT_DPI, DEFAULT_MAX_PIXELS, LoadedPage, load
from .model import Document, Page, Role
from .ocr.base import Engine, TextRegion, load_engine
from .ocr.textlayer import TextLayerEngine
from .ocr.vertical import read_vertical

_engines: dict[tuple[str, int | None], Engine] = {}


def get_engine(name: str = "ppocr", threads: int | None = None) -> Engine:
    """Engines are loaded once per process and kept: loading the models costs more than a small page."""
    key = (name, threads)
    if key not in _engines:
        _engines[key] = load_engine(name, threads)
    return _engines[key]


@contextmanager
def _timed(page: Page, stage: str):
    start = time.perf_counter()
    yield
    page.timings[stage] = page.timings.get(stage, 0.0) + time.perf_counter() - start


def process_page(loaded: LoadedPage, number: int, engine: Engine, keep_image: bool = False) -> Page:
    h, w = loaded.image.shape
    page = Page(number=number, width=w, height=h, source=loaded.source, image=loaded.image)
    text_layer = loaded.text_layer is not None
    with _timed(page, "preprocess"):
        if text_layer:
            # Born-digital: the characters' boxes are exact in page space, so the page must not be rotated.
            page.image = preprocess.flatten_background(page.image)
        else:
            preprocess.preprocess(page)
    with _timed(page, "layout"):
        layout.analyze(page)
    reader: Engine = TextLayerEngine(loaded.text_layer) if text_layer else engine
    page.engine = reader.description
    if not text_layer and textlines.SETTINGS.enabled and textlines.supported(reader):
        with _timed(page, "lines"):
            page_lines = textlines.place_lines(page, reader)
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
        for i, lines in zip(horizontal, reader.recognize(page.image, [regions[i] for i in horizontal])):
            text_blocks[i].lines = lines
        for i in vertical:
            text_blocks[i].lines = read_vertical(reader, page.image, regions[i].box, regions[i].text_height)
    if page_lines is not None:
        textlines.drop_seen(text_blocks, page)
    page.timings.update(getattr(reader, "last_timings", {}))  # the engine's halves: "detect", "recognize"
    page.blocks = [b for b in page.blocks if b.lines or b.role is Role.PHOTO]
    with _timed(page, "order"):
        order.find_articles(page)
        layout.refine_roles(page)
        order.reading_order(page)
    with _timed(page, "repair"):
        repair.repair(page)
    if page_lines is not None:
        fallback = sum(1 for b in text_blocks if b.lines and not b.vertical)  # read by per-block detection
        page.quality = quality.assess(page, page_lines.texts, fallback, page_lines.flags)
    else:
        page.quality = quality.assess(page, None)
    quality.warn(page)
    page.to_source_coordinates()
    # Boxes now refer to the source image, so that is the image worth keeping (for overlays).
    page.image = loaded.image if keep_image else None
    return page


def iter_pages(path: str | Path, engine: str | Engine = "ppocr", dpi: int = DEFAULT_DPI, password: str | None = None,
               max_pixels: int = DEFAULT_MAX_PIXELS, threads: int | None = None, keep_image: bool = False) -> Iterator[Page]:
    """Process a file page by page (a long PDF is never held in memory whole)."""
    reader = get_engine(engine, threads) if isinstance(engine, str) else engine
    for number, loaded in enumerate(load(path, dpi=dpi, password=password, max_pixels=max_pixels), 1):
        start = time.perf_counter()
        page = process_page(loaded, number, reader, keep_image=keep_image)
        page.timings["total"] = time.perf_counter() - start
        yield page


def process(path: str | Path, engine: str | Engine = "ppocr", **options) -> Document:
    """Digitize one file (image, multi-page TIFF or PDF) into a Document."""
    return Document(path=str(path), pages=list(iter_pages(path, engine, **options)))
