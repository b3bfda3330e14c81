"""Pages OCRed once and kept as digitize JSON (gzipped, our own renders of samples/): tests of the writers
read them instead of running OCR. ``front-clean`` is samples/jinzhong-front-clean.png; ``p1``/``p4`` the
two-page issue samples/issue/p1.png and p4.png, whose first article continues from page 1 to page 4."""

from __future__ import annotations

import gzip
from pathlib import Path

from digitize.issue import link_articles
from digitize.model import Document, Page
from digitize.read import read_bytes

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent


def fixture_page(name: str) -> Page:
    """A fresh Page read from tests/data/{name}.json.gz."""
    return read_bytes(gzip.decompress((DATA / f"{name}.json.gz").read_bytes()), f"{name}.json").pages[0]


def fixture_issue() -> Document:
    """The two-page issue (pages 1 and 4 of the paper), its continued article linked as `run --issue` does."""
    return link_articles(Document("samples/issue/p1.png", [fixture_page("p1"), fixture_page("p4")]))
