"""The page model as JSON (`--format json`): every field of the model, nothing computed.

Its shape is described by ``digitize/data/digitize-page.schema.json``.
"""

from __future__ import annotations

import dataclasses
import json
from enum import Enum
from typing import Any

import numpy as np

from ..model import Document, Page

FORMAT_VERSION = "1"


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def page_dict(page: Page) -> dict:
    data = {
        f.name: getattr(page, f.name) for f in dataclasses.fields(page) if f.name not in ("image", "articles", "blocks")
    }
    data["quality"] = dataclasses.asdict(page.quality) if page.quality is not None else None
    data["source"] = dataclasses.asdict(page.source)
    data["transform"] = dataclasses.asdict(page.transform)
    data["separators"] = [dataclasses.asdict(s) for s in page.separators]
    data["blocks"] = [dataclasses.asdict(b) for b in page.blocks]
    data["articles"] = [
        {
            "id": a.id,
            "order": a.order,
            "block_ids": [b.id for b in a.blocks],
            "continuations": [dataclasses.asdict(c) for c in a.continuations],
        }
        for a in page.articles
    ]
    return _plain(data)


def page_json(page: Page) -> str:
    return json.dumps(
        {"format": "digitize-page", "version": FORMAT_VERSION, "page": page_dict(page)}, ensure_ascii=False, indent=1
    )


def document_json(doc: Document) -> str:
    return json.dumps(
        {
            "format": "digitize-document",
            "version": FORMAT_VERSION,
            "path": doc.path,
            "pages": [page_dict(p) for p in doc.pages],
            "article_links": _plain(doc.article_links),
        },
        ensure_ascii=False,
        indent=1,
    )
