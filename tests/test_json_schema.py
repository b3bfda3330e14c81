"""JSON export against digitize/data/digitize-page.schema.json (shipped in the wheel): valid dumps pass, broken ones and model drift fail."""

from __future__ import annotations

import copy
import dataclasses
import json

import numpy as np
import pytest
from test_alto import make_line, text_block

from digitize.export.json import document_json, page_json
from digitize.model import (
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
from digitize.schemas import page_json_schema

jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture(scope="module")
def validator():
    schema = page_json_schema()  # read from the installed package, as a wheel user would
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator, data) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


def make_page(number: int = 1) -> Page:
    src = PageSource(
        path="scan.tif", index=number - 1, kind="pdf-scan", sha256="0f" * 32, dpi=400.0, mime="application/pdf"
    )
    p = Page(
        number=number,
        width=1600,
        height=2400,
        source=src,
        engine="RapidOCR PP-OCRv4",
        text_size_px=38.5,
        label="A1",
        metadata={"date": "2024-07-01", "paper": "人民日报"},
        timings={"ocr": 0.25, "total": 1.5},
    )
    p.transform = Transform(np.array([[1.0, 0.005, -2.0], [-0.005, 1.0, 3.0]]), np.float64(0.29))
    head = text_block("TB0001", Role.HEADLINE, (100, 100, 1500, 200), ["夏粮丰收"], size=80, bold=True, order=0)
    body = text_block(
        "TB0002",
        Role.BODY,
        (100, 220, 1500, 400),
        ["今年夏粮再获丰收，", "digiti-", "zation（下转第4版）"],
        order=1,
        joins={0: JoinKind.CJK, 1: JoinKind.HYPHEN},
        language="und",
    )
    # numpy scalars as the OCR engines produce them: the exporter turns them into plain JSON numbers
    g = body.lines[0].glyphs[0]
    body.lines[0].glyphs[0] = Glyph(g.text, tuple(np.int64(v) for v in g.box), np.float32(0.5))
    body.lines.append(Line("", (100, 390, 1500, 400), 0.0))  # a line without glyphs
    body.column = 0
    photo = Block("IL0001", Role.PHOTO, (100, 420, 800, 900), order=2)  # no lines, no style
    art = Article(
        "A1",
        [head, body, photo],
        order=0,
        continuations=[Continuation("forward", "4", "（下转第4版）", "TB0002", linked_to=(4, "A3"))],
    )
    for b in art.blocks:
        b.article_id = art.id
    footer = Block("TB0003", Role.PAGE_FOOTER, (100, 2300, 1500, 2350), [make_line("第1版", (100, 2300, 300, 2350))])
    p.blocks = [head, body, photo, footer]
    p.articles = [art]
    p.separators = [Separator("SEP0001", (90, 410, 1510, 413), "horizontal")]
    p.to_source_coordinates()
    return p


@pytest.fixture
def page() -> Page:
    return make_page()


def test_page_json_valid(validator, page):
    data = json.loads(page_json(page))
    assert errors(validator, data) == []
    # the dump exercises every optional shape the schema allows
    blocks = {b["id"]: b for b in data["page"]["blocks"]}
    assert blocks["TB0002"]["lines"][0]["join"] == {"kind": "cjk-join", "evidence": "test"}
    assert blocks["TB0002"]["lines"][-1]["join"] is None and blocks["IL0001"]["style"] is None
    assert data["page"]["articles"][0]["continuations"][0]["linked_to"] == [4, "A3"]
    assert data["page"]["articles"][0]["block_ids"] == ["TB0001", "TB0002", "IL0001"]


def test_document_json_valid(validator):
    doc = Document("scan.tif", [make_page(1), make_page(4)], article_links=[((1, "A1"), (4, "A3"))])
    data = json.loads(document_json(doc))
    assert errors(validator, data) == []
    assert data["article_links"] == [[[1, "A1"], [4, "A3"]]]
    empty = json.loads(document_json(Document("empty.pdf")))
    assert errors(validator, empty) == []


def _block(data):
    return data["page"]["blocks"][1]


BROKEN = {
    "unknown role": lambda d: _block(d).__setitem__("role", "sidebar"),
    "role enum name instead of value": lambda d: _block(d).__setitem__("role", "BODY"),
    "unknown join kind": lambda d: _block(d)["lines"][0]["join"].__setitem__("kind", "soft-join"),
    "missing glyph confidence": lambda d: _block(d)["lines"][0]["glyphs"][0].pop("confidence"),
    "missing block language": lambda d: _block(d).pop("language"),
    "missing page source": lambda d: d["page"].pop("source"),
    "missing continuation link": lambda d: d["page"]["articles"][0]["continuations"][0].pop("linked_to"),
    "unknown field": lambda d: _block(d).__setitem__("font", "SimSun"),
    "box of 3": lambda d: _block(d).__setitem__("box", [1, 2, 3]),
    "float box": lambda d: _block(d).__setitem__("box", [1.5, 2, 3, 4]),
    "bad orientation": lambda d: d["page"]["separators"][0].__setitem__("orientation", "diagonal"),
    "wrong version": lambda d: d.__setitem__("version", "2"),
}


@pytest.mark.parametrize("mutate", BROKEN.values(), ids=BROKEN.keys())
def test_broken_page_dump_fails(validator, page, mutate):
    data = json.loads(page_json(page))
    broken = copy.deepcopy(data)
    mutate(broken)
    assert errors(validator, data) == []
    assert errors(validator, broken)


def test_broken_document_dump_fails(validator):
    data = json.loads(document_json(Document("scan.tif", [make_page()])))
    data["pages"][0]["blocks"][0]["role"] = "sidebar"
    assert any("sidebar" in e for e in errors(validator, data))
    data = json.loads(document_json(Document("scan.tif", [make_page()])))
    del data["article_links"]
    assert errors(validator, data)


def test_new_model_field_fails_validation(validator, page):
    """A field added to a model dataclass reaches the dump through dataclasses.asdict; the schema must list it."""

    @dataclasses.dataclass
    class FontGlyph(Glyph):
        font: str = "SimSun"

    g = page.blocks[0].lines[0].glyphs[0]
    page.blocks[0].lines[0].glyphs[0] = FontGlyph(g.text, g.box, g.confidence)
    found = errors(validator, json.loads(page_json(page)))
    assert found and any("font" in e for e in found)


def test_schema_lists_every_model_field(validator):
    """Drift the dump itself cannot show (Article and Transform are written field by field; enum values)."""
    defs = validator.schema["$defs"]
    written = {  # model class → (schema definition, fields json.py renames or drops)
        Page: ("Page", {"image": None}),
        PageSource: ("PageSource", {}),
        Transform: ("Transform", {}),
        Separator: ("Separator", {}),
        Block: ("Block", {}),
        Line: ("Line", {}),
        Glyph: ("Glyph", {}),
        Join: ("Join", {}),
        TextStyle: ("TextStyle", {}),
        Article: ("Article", {"blocks": "block_ids"}),
        Continuation: ("Continuation", {}),
        PageQuality: ("PageQuality", {}),
    }
    for cls, (name, renamed) in written.items():
        fields = {renamed.get(f.name, f.name) for f in dataclasses.fields(cls)} - {None}
        assert set(defs[name]["properties"]) == fields, name
        assert set(defs[name]["required"]) == fields, name
        assert defs[name]["additionalProperties"] is False, name
    assert defs["Role"]["enum"] == [r.value for r in Role]
    assert defs["JoinKind"]["enum"] == [k.value for k in JoinKind]
    doc_fields = {f.name for f in dataclasses.fields(Document)} | {"format", "version"}
    assert set(defs["DocumentDump"]["properties"]) == doc_fields


def test_settings_provenance_in_json(validator, page):
    from digitize.settings import load_settings

    settings = load_settings(None, ["layout.headline_ratio=1.8", "ocr.rec_batch=8"])
    page.settings_digest, page.settings_changed = settings.digest(), settings.changed()
    data = json.loads(page_json(page))
    assert errors(validator, data) == []
    assert data["page"]["settings_digest"] == settings.digest()
    assert data["page"]["settings_changed"] == {"layout.headline_ratio": 1.8, "ocr.rec_batch": 8}
    data["page"]["settings_digest"] = "not hex"
    assert any("settings_digest" in e for e in errors(validator, data))
