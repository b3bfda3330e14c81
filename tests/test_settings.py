"""Settings: typed, documented thresholds; TOML files and overrides; the digest that names them."""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from digitize import layout, order, pipeline, preprocess
from digitize.ocr import ppocr, vertical
from digitize.settings import (
    DEFAULT,
    LayoutSettings,
    OcrSettings,
    OrderSettings,
    PreprocessSettings,
    Settings,
    SettingsError,
    describe_settings,
    load_settings,
)

ROOT = Path(__file__).resolve().parents[1]
STAGES = (PreprocessSettings, LayoutSettings, OcrSettings, OrderSettings)


def test_defaults_are_the_values_found_in_the_code_before_settings():
    # The constants as they stood in layout.py, order.py, preprocess.py and the engines before this module.
    s = DEFAULT
    assert (s.layout.headline_ratio, s.layout.heading_ratio, s.layout.bold_weight_ratio) == (1.7, 1.12, 1.6)
    assert (s.layout.gutter_em, s.layout.row_gap_em, s.layout.fallback_text_size_px) == (0.6, 0.9, 30.0)
    assert (s.order.cut_tolerance_em, s.order.row_level_em, s.order.headline_drop_em) == (0.3, 2.0, 3.0)
    assert (s.preprocess.max_skew_degrees, s.preprocess.min_ink_contrast, s.preprocess.quarter_turn_ratio) == (
        3.0,
        0.15,
        2.0,
    )
    assert (s.preprocess.upside_down_margin, s.preprocess.orientation_sample_lines) == (0.2, 16)
    assert (s.preprocess.line_strip_px, s.preprocess.orientation_detect_side_px) == (300, 640)
    assert (s.ocr.det_text_height_px, s.ocr.paddle_det_text_height_px, s.ocr.rec_batch) == (24, 32, 4)
    assert (s.ocr.rec_width_scale, s.ocr.min_score, s.ocr.space_gap_em) == (0.5, 0.3, 0.5)
    assert Settings() == DEFAULT and Settings().digest() == DEFAULT.digest()


def test_every_field_is_typed_documented_and_of_its_type():
    for cls in STAGES:
        instance = cls()
        for f in dataclasses.fields(cls):
            assert f.metadata.get("doc"), f"{cls.__name__}.{f.name} has no reason recorded"
            kind = {"int": int, "float": float, "str": str, "bool": bool}[f.type] if isinstance(f.type, str) else f.type
            assert type(getattr(instance, f.name)) is kind, f"{cls.__name__}.{f.name}"


def test_settings_are_frozen_and_hashable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.layout.headline_ratio = 2.0  # type: ignore[misc]
    assert hash(DEFAULT.ocr) == hash(OcrSettings())  # engines are cached by them


def test_stage_functions_take_their_part_as_default():
    assert _default(layout.analyze) is DEFAULT.layout
    assert _default(layout.refine_roles) is DEFAULT.layout
    assert _default(order.find_articles) is DEFAULT.order
    assert _default(order.reading_order) is DEFAULT.order
    assert _default(preprocess.preprocess) is DEFAULT.preprocess
    assert _default(ppocr.create_engine) is DEFAULT.ocr
    assert _default(vertical.read_vertical) is DEFAULT.ocr
    assert _default(pipeline.process_page) == Settings()


def _default(fn):
    import inspect

    return inspect.signature(fn).parameters["settings"].default


def test_digest_is_stable_and_changes_with_any_value():
    assert DEFAULT.digest() == Settings().digest() == load_settings(None, []).digest()
    assert len(DEFAULT.digest()) == 16 and int(DEFAULT.digest(), 16) >= 0
    seen = {DEFAULT.digest()}
    for section in ("preprocess", "layout", "ocr", "order"):
        part = getattr(DEFAULT, section)
        for f in dataclasses.fields(part):
            value = getattr(part, f.name)
            other = value + "x" if isinstance(value, str) else value + 1  # ocr.rec_model is a folder name
            changed = dataclasses.replace(DEFAULT, **{section: dataclasses.replace(part, **{f.name: other})})
            seen.add(changed.digest())
    assert len(seen) == 1 + sum(len(dataclasses.fields(c)) for c in STAGES)  # every value counts, each differently


def test_digest_is_the_same_in_another_process():
    out = subprocess.run(
        [sys.executable, "-c", "from digitize.settings import DEFAULT; print(DEFAULT.digest())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.strip() == DEFAULT.digest()


def test_toml_file_and_overrides(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('[layout]\nheadline_ratio = 1.8\ngutter_em = 1\n\n[ocr]\nrec_batch = 8\n', encoding="utf-8")
    s = load_settings(path, ["layout.headline_ratio=1.9", "order.cut_tolerance_em=0.25"])
    assert s.layout.headline_ratio == 1.9  # the override wins over the file
    assert s.layout.gutter_em == 1.0 and type(s.layout.gutter_em) is float  # an int is welcome as a float
    assert s.ocr.rec_batch == 8 and s.order.cut_tolerance_em == 0.25
    assert s.layout.heading_ratio == DEFAULT.layout.heading_ratio
    assert s.changed() == {
        "layout.gutter_em": 1.0,
        "layout.headline_ratio": 1.9,
        "ocr.rec_batch": 8,
        "order.cut_tolerance_em": 0.25,
    }
    assert DEFAULT.changed() == {}
    assert s.digest() != DEFAULT.digest()


def test_describe_round_trips(tmp_path):
    s = load_settings(None, ["layout.headline_ratio=1.8", "ocr.rec_batch=8"])
    path = tmp_path / "effective.toml"
    text = describe_settings(s)
    assert "# line height / body height at and above which a line is a headline" in text
    assert "headline_ratio = 1.8  # default 1.7" in text
    path.write_text(text, encoding="utf-8")
    assert load_settings(path, []) == s
    assert Settings(**{k: type(getattr(s, k))(**v) for k, v in s.to_dict().items()}) == s


@pytest.mark.parametrize(
    "toml, overrides, message",
    [
        ("[layuot]\nheadline_ratio = 1.8\n", [], "unknown settings section [layuot]"),
        ("[layout]\nheadline_ration = 1.8\n", [], "unknown setting layout.headline_ration"),
        ('[layout]\nheadline_ratio = "big"\n', [], "layout.headline_ratio: expected float, got str"),
        ("[ocr]\nrec_batch = 4.5\n", [], "ocr.rec_batch: expected int, got float"),
        ("[ocr]\nrec_batch = true\n", [], "ocr.rec_batch: expected int, got bool"),
        ("[layout]\nheadline_ratio = nan\n", [], "layout.headline_ratio: must be a finite number"),
        ("[layout]\nheadline_ratio = inf\n", [], "layout.headline_ratio: must be a finite number"),
        ("layout = 3\n", [], "layout must be a table"),
        ("[layout\n", [], "not valid TOML"),
        (None, ["layout.headline_ratio"], "expected STAGE.NAME=VALUE"),
        (None, ["headline_ratio=1.8"], "expected STAGE.NAME=VALUE"),
        (None, ["layout.headline_ratio=big"], "override layout.headline_ratio: 'big' is not a number"),
        (None, ["layout.nope=1"], "unknown setting layout.nope"),
        (None, ["order.cut_tolerance_em=-inf"], "order.cut_tolerance_em: must be a finite number"),
    ],
)
def test_bad_settings_give_one_line_naming_the_key(tmp_path, toml, overrides, message):
    path = None
    if toml is not None:
        path = tmp_path / "bad.toml"
        path.write_text(toml, encoding="utf-8")
    with pytest.raises(SettingsError) as err:
        load_settings(path, overrides)
    text = str(err.value)
    assert message in text and "\n" not in text, text


def test_missing_file(tmp_path):
    with pytest.raises(SettingsError, match="cannot read settings file"):
        load_settings(tmp_path / "missing.toml", [])


def test_settings_module_imports_no_heavy_dependency():
    # Loaded on its own (the package __init__ may import the pipeline): only the standard library.
    code = (
        "import importlib.util, sys; spec = importlib.util.spec_from_file_location('s', sys.argv[1]); "
        "m = importlib.util.module_from_spec(spec); sys.modules['s'] = m; spec.loader.exec_module(m); "
        "print(sorted(n for n in ('cv2', 'numpy', 'onnxruntime', 'digitize') if n in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "digitize" / "settings.py")], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
    assert importlib.util.find_spec("tomllib") is not None


def test_order_helpers_keep_their_signatures_and_take_settings():
    from digitize.model import Block, Role

    blocks = [
        Block(id="a", role=Role.BODY, box=(0, 0, 100, 200)),
        Block(id="b", role=Role.BODY, box=(105, 0, 200, 200)),
    ]
    # A 5 px gutter with blocks 5 px apart: one cut at tolerance 0, none needed; the settings change the cut.
    assert [b.id for b in order.xy_order(blocks, 0.0)] == ["a", "b"]
    groups = order.segment_articles(blocks, [], 30.0)
    assert groups == order.segment_articles(blocks, [], 30.0, DEFAULT.order)
    assert layout.role_from_size(52.0, False, 30.0) is Role.HEADLINE  # 52 ≥ 1.7 × 30
    assert (
        layout.role_from_size(52.0, False, 30.0, dataclasses.replace(DEFAULT.layout, headline_ratio=1.8))
        is Role.INTERTITLE
    )


def test_batch_hash_includes_the_pipeline_digest():
    from digitize.batch.runner import Settings as RunSettings
    from digitize.batch.runner import settings_record

    plain = RunSettings("ppocr", ("txt", "alto"))  # as batch/command.py builds it (positional)
    tuned = dataclasses.replace(plain, pipeline=load_settings(None, ["layout.headline_ratio=1.8"]))
    assert plain.pipeline == DEFAULT and plain.hash == RunSettings().hash
    assert tuned.hash != plain.hash  # changing a threshold re-runs the pages
    record = settings_record(tuned, workers=1)
    assert record["pipeline_settings_digest"] == tuned.pipeline.digest()
    assert record["pipeline_settings_changed"] == {"layout.headline_ratio": 1.8} and "pipeline" not in record
