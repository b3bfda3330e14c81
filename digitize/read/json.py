"""digitize's own JSON (`--format json`, ``digitize-page`` / ``digitize-document``) back into the page model:
every field the writer (`export.json`) wrote, as written (numbers keep their JSON type), nothing recomputed, so a page OCRed once can be written again in
any format without running OCR."""

from __future__ import annotations

import json
import os

import numpy as np

from ..model import (
    Article,
    Block,
    Continuation,
    Document,
    Glyph,
    Join,
    JoinKind,
    Line,
    Page,
    PageQuality,
    PageSource,
    Role,
    Separator,
    TextStyle,
    Transform,
)
from .common import ReadError

FORMATS = ("digitize-page", "digitize-document")


def is_digitize_json(data: bytes) -> bool:
    head = data[:200].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"{") and any(f'"{name}"'.encode() in head for name in FORMATS)


def _box(value) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = (int(v) for v in value)
    return (x0, y0, x1, y1)


def _line(d: dict) -> Line:
    join = d.get("join")
    return Line(
        d["text"],
        _box(d["box"]),
        d["confidence"],
        [Glyph(g["text"], _box(g["box"]), g["confidence"]) for g in d.get("glyphs") or []],
        Join(JoinKind(join["kind"]), join.get("evidence", "")) if join else None,
    )


def _page(d: dict) -> Page:
    source = PageSource(**d["source"])
    t = d.get("transform") or {}
    transform = Transform(
        np.array(t.get("matrix") or [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=float),
        t.get("skew_degrees", 0.0),
        t.get("rotation_degrees", 0),
        t.get("frame", ""),
    )
    blocks = []
    for b in d.get("blocks") or []:
        style = b.get("style")
        blocks.append(
            Block(
                b["id"],
                Role(b["role"]),
                _box(b["box"]),
                [_line(ln) for ln in b.get("lines") or []],
                TextStyle(style["size_px"], bool(style.get("bold"))) if style else None,
                b.get("order", -1),
                b.get("article_id"),
                b.get("column", -1),
                bool(b.get("vertical")),
                b.get("language") or "zh",
            )
        )
    by_id = {b.id: b for b in blocks}
    articles = [
        Article(
            a["id"],
            [by_id[i] for i in a.get("block_ids") or [] if i in by_id],
            a.get("order", -1),
            [
                Continuation(
                    c["direction"],
                    c["page"],
                    c["marker"],
                    c["block_id"],
                    tuple(c["linked_to"]) if c.get("linked_to") else None,
                )
                for c in a.get("continuations") or []
            ],
        )
        for a in d.get("articles") or []
    ]
    return Page(
        number=int(d["number"]),
        width=int(d["width"]),
        height=int(d["height"]),
        source=source,
        blocks=blocks,
        articles=articles,
        separators=[Separator(s["id"], _box(s["box"]), s["orientation"]) for s in d.get("separators") or []],
        transform=transform,
        in_source_coordinates=bool(d.get("in_source_coordinates")),
        engine=d.get("engine", ""),
        text_size_px=d.get("text_size_px", 0.0),
        vertical=bool(d.get("vertical", False)),
        label=d.get("label", ""),
        metadata=dict(d.get("metadata") or {}),
        timings=dict(d.get("timings") or {}),
        settings_digest=d.get("settings_digest", ""),
        settings_changed=dict(d.get("settings_changed") or {}),
        quality=PageQuality(**d["quality"]) if d.get("quality") else None,
    )


def read_json(data: bytes, path: str | os.PathLike) -> Document:
    """The Document of a digitize JSON file."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
        if doc.get("format") == "digitize-page":
            return Document(str(path), [_page(doc["page"])])
        if doc.get("format") == "digitize-document":
            links = [(tuple(a), tuple(b)) for a, b in doc.get("article_links") or []]
            return Document(doc.get("path") or str(path), [_page(p) for p in doc["pages"]], links)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ReadError(path, f"not a readable digitize JSON file ({type(exc).__name__}: {exc})") from None
    raise ReadError(path, "JSON that is not a digitize-page or digitize-document")
