"""Never silent (issue 17): every page ends done, needing review (with reasons from its quality record) or
failed; the record is in the ALTO; `run` prints a review line per flagged page and exits 0 unless --strict;
the batch manifest keeps state and reasons (old manifests migrated); `status` counts and lists them;
`digitize review` writes one index of them, worst first; --lang/--script/--rec-model.

The OCR-running tests (marked slow) render Cyrillic, Korean and Arabic pages with the machine's fonts, a blank
page and a photo-only page (tests/script_pages.py), and check that each is flagged, listed by `status` and
`review`, and never written as an empty success.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from model_fixtures import fixture_page

from digitize.batch.manifest import MANIFEST_NAME, SCHEMA, Manifest, Unit
from digitize.batch.status import status_report
from digitize.cli import main
from digitize.exit_codes import ExitCode
from digitize.export.alto import page_to_alto
from digitize.model import Document, PageQuality
from digitize.quality import REASONS, review_reasons, severity
from digitize.read.alto import read_quality
from digitize.settings import DEFAULT, QualitySettings

SETTINGS = DEFAULT.quality
ROOT = Path(__file__).parent.parent


def quality(**values) -> PageQuality:
    """A record whose text blocks are as full as our samples' (text_fill ~0.5) unless told otherwise."""
    return PageQuality(**({"text_fill": 0.5} | values))


# --- review reasons from the record ---------------------------------------------------------------------------


CASES = {
    # name: (record, characters written, expected reasons)
    "done": (
        quality(mean_confidence=0.98, confidence_p5=0.9, detected_lines=80, read_lines=79, written_lines=60),
        3000,
        [],
    ),
    "blank": (quality(detected_lines=0, read_lines=0, ink_share=0.0), 0, ["blank"]),
    "photo-only": (quality(detected_lines=1, read_lines=0, ink_share=0.18), 0, ["photo-only"]),
    "nothing read": (quality(detected_lines=29, read_lines=0, ink_share=0.02), 0, ["unsupported-script"]),
    "a few marks a line": (
        quality(
            mean_confidence=0.87,
            confidence_p5=0.55,
            detected_lines=26,
            read_lines=26,
            sparse_lines=20,
            written_lines=26,
        ),
        60,
        ["unsupported-script"],
    ),
    "unsure throughout": (
        quality(mean_confidence=0.5, confidence_p5=0.2, detected_lines=30, read_lines=30, written_lines=30),
        600,
        ["unsupported-script"],
    ),
    "low coverage": (
        quality(
            text_coverage=0.5,
            mean_confidence=0.98,
            confidence_p5=0.9,
            detected_lines=80,
            read_lines=80,
            written_lines=40,
        ),
        1500,
        ["low-coverage"],
    ),
    "blocks nearly empty": (
        quality(
            mean_confidence=0.98, confidence_p5=0.9, detected_lines=29, read_lines=26, written_lines=15, text_fill=0.013
        ),
        530,
        ["low-coverage"],
    ),
    "type the detector never saw": (  # bed page 1758425013: headlines read, the blurred columns never detected
        quality(
            text_coverage=1.0,
            mean_confidence=0.99,
            confidence_p5=0.96,
            detected_lines=8,
            read_lines=8,
            written_lines=8,
            unread_ink=0.71,
        ),
        40,
        ["low-coverage"],
    ),
    "low confidence": (
        quality(
            mean_confidence=SETTINGS.min_mean_confidence - 0.01,
            confidence_p5=0.5,
            detected_lines=80,
            read_lines=80,
            written_lines=80,
        ),
        3000,
        ["low-confidence"],
    ),
    "a mark read in a photo": (  # the rendered photo page read text-first: "a" at 0.47 in the blurred picture
        quality(
            mean_confidence=0.47, confidence_p5=0.47, detected_lines=1, read_lines=1, written_lines=1, ink_share=0.18
        ),
        1,
        ["photo-only", "low-confidence"],
    ),
    "fallback": (
        quality(
            mean_confidence=0.98, confidence_p5=0.9, fallback_blocks=SETTINGS.max_fallback_blocks, written_lines=60
        ),
        3000,
        ["fallback-layout"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_review_reasons(name):
    record, chars, expected = CASES[name]
    assert review_reasons(record, chars, SETTINGS) == expected


def test_unexpected_script_needs_a_declared_script():
    record = quality(mean_confidence=0.98, confidence_p5=0.9, written_lines=60)
    letters = Counter({"Han": 900, "Latin": 30})
    assert review_reasons(record, 1000, SETTINGS, letters) == []
    latin = dataclasses.replace(SETTINGS, scripts="Latin")
    assert review_reasons(record, 1000, latin, letters) == ["unexpected-script"]
    assert review_reasons(record, 1000, dataclasses.replace(SETTINGS, scripts="Han,Latin"), letters) == []


def test_a_short_page_read_well_is_text_not_a_photo():
    """A title page of two lines read with confidence is done; only marks read unsure make a page photo-only."""
    record = quality(
        mean_confidence=0.98, confidence_p5=0.95, detected_lines=2, read_lines=2, written_lines=2, ink_share=0.01
    )
    assert review_reasons(record, 12, SETTINGS) == []


def test_worst_first():
    records = {
        name: dataclasses.replace(r, reasons=review_reasons(r, c, SETTINGS)) for name, (r, c, _) in CASES.items()
    }
    order = sorted(records, key=lambda n: severity(records[n]))
    assert set(order[:3]) == {"a few marks a line", "nothing read", "unsure throughout"}
    assert order[3:6] == ["blank", "photo-only", "low coverage"] or order[3] == "photo-only"
    assert order[-1] == "done"


def test_json_schema_lists_every_reason():
    schema = json.loads((ROOT / "digitize/data/digitize-page.schema.json").read_text())
    assert schema["$defs"]["PageQuality"]["properties"]["reasons"]["items"]["enum"] == list(REASONS)


def test_settings_document_every_threshold():
    for f in dataclasses.fields(QualitySettings):
        assert f.metadata.get("doc"), f.name


# --- the record in ALTO ---------------------------------------------------------------------------------------


def flagged_page():
    page = fixture_page("p4")
    page.quality = quality(
        mean_confidence=0.5871,
        confidence_p5=0.3125,
        detected_lines=36,
        read_lines=27,
        sparse_lines=25,
        written_lines=27,
        ink_share=0.0231,
        scripts=["Han"],
        flags=["empty"],
        state="needs-review",
        reasons=["unsupported-script", "low-confidence"],
    )
    return page


def test_quality_record_round_trips_through_alto(tmp_path):
    page = flagged_page()
    path = tmp_path / "p4.alto.xml"
    path.write_bytes(page_to_alto(page))
    record, source, index = read_quality(path.read_bytes(), path)
    assert record == page.quality
    assert source == page.source.path and index == page.source.index
    text = path.read_text(encoding="utf-8")
    assert "<processingCategory>postOperation</processingCategory>" in text
    assert "quality record: needs-review (unsupported-script, low-confidence)" in text


def test_alto_with_quality_record_is_schema_valid(tmp_path):
    from digitize.validate import validate_file

    path = tmp_path / "p4.alto.xml"
    path.write_bytes(page_to_alto(flagged_page()))
    try:
        kind, errors = validate_file(path)
    except Exception as exc:  # schemas not installed
        pytest.skip(f"ALTO schema unavailable: {exc}")
    assert kind is not None and errors == [], errors


# --- manifest, status -----------------------------------------------------------------------------------------

# The manifest as it was before the quality record: today's schema without the added columns, and one done page.
OLD_SCHEMA = (
    "\n".join(
        line for line in SCHEMA.splitlines() if not line.strip().startswith(("review_state", "reasons", "quality"))
    )
    + """
INSERT INTO pages (source, page_index, page_total, relpath, source_sha256, settings_hash, state, timings, outputs)
    VALUES ('/in/a.png', 0, 1, 'a.png', 'x', 'h', 'done', '{"total": 1.0}', '[]');
"""
)


def test_old_manifest_is_migrated_and_read(tmp_path):
    db = sqlite3.connect(tmp_path / MANIFEST_NAME)
    db.executescript(OLD_SCHEMA)
    db.close()
    # read-only first (status on an old manifest): nothing assessed, nothing lost
    report = status_report(tmp_path)
    assert report["review"] == {"done": 1, "needs review": 0, "failed": 0} and report["needs_review"] == []
    manifest = Manifest(tmp_path / MANIFEST_NAME)
    columns = {row[1] for row in manifest.db.execute("PRAGMA table_info(pages)")}
    assert {"review_state", "reasons", "quality"} <= columns
    assert manifest.row("/in/a.png", 0)["state"] == "done" and manifest.row("/in/a.png", 0)["review_state"] is None
    manifest.close()


def batch_folder(tmp_path: Path, names: dict[str, str]) -> Path:
    """A batch output folder whose manifest holds pages in each state: name → "done" | reasons | "failed"."""
    manifest = Manifest(tmp_path / MANIFEST_NAME)
    for i, (name, what) in enumerate(names.items()):
        unit = Unit(f"/in/{name}", 0, 1, name, None, f"{i:064x}")
        manifest.upsert_pending(unit, "h")
        record = None
        if what not in ("done", "failed"):
            reasons = what.split(",")
            coverage = 0.3 if "low-coverage" in reasons else None
            record = dataclasses.asdict(
                quality(text_coverage=coverage, mean_confidence=0.9, state="needs-review", reasons=reasons)
            )
        manifest.mark_finished(
            unit,
            {
                "state": "failed" if what == "failed" else "done",
                "error": f"/in/{name}: cannot be read" if what == "failed" else None,
                "timings": {"total": 1.0},
                "outputs": [{"path": f"{Path(name).stem}.alto.xml", "sha256": ""}] if what != "failed" else [],
                "review_state": None if what in ("done", "failed") else "needs-review",
                "reasons": None if what in ("done", "failed") else what,
                "quality": record,
            },
        )
    manifest.close()
    return tmp_path


def test_status_counts_and_lists_pages_needing_review(tmp_path):
    folder = batch_folder(
        tmp_path, {"a.png": "done", "b.png": "low-confidence", "c.png": "unsupported-script", "d.png": "failed"}
    )
    result = CliRunner().invoke(main, ["status", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["review"] == {"done": 1, "needs review": 2, "failed": 1}
    assert [p["source"] for p in report["needs_review"]] == ["/in/c.png", "/in/b.png"]  # worst first
    text = CliRunner().invoke(main, ["status", str(folder)]).output
    assert "needs review 2" in text and "unsupported-script" in text and "low-confidence" in text


def test_review_index_from_a_manifest(tmp_path):
    folder = batch_folder(tmp_path, {"a.png": "done", "b.png": "low-confidence", "c.png": "empty", "d.png": "failed"})
    (folder / "b.overlay.png").write_bytes(b"\x89PNG")
    result = CliRunner().invoke(main, ["review", str(folder)])
    assert result.exit_code == 0, result.output
    html = (folder / "review.html").read_text(encoding="utf-8")
    assert html.index("/in/d.png") < html.index("/in/c.png") < html.index("/in/b.png")  # failed, empty, unsure
    assert "/in/a.png" not in html
    assert 'href="b.overlay.png"' in html
    assert "<script" not in html


def test_review_index_from_a_run_folder(tmp_path):
    page = flagged_page()
    (tmp_path / "p4.alto.xml").write_bytes(page_to_alto(page))
    (tmp_path / "p4.overlay.png").write_bytes(b"\x89PNG")
    done = fixture_page("p1")
    done.quality = quality(mean_confidence=0.97, confidence_p5=0.8)
    (tmp_path / "p1.alto.xml").write_bytes(page_to_alto(done))
    result = CliRunner().invoke(main, ["review", str(tmp_path), "-o", str(tmp_path / "r" / "index.html")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "r" / "index.html").read_text(encoding="utf-8")
    assert "unsupported-script, low-confidence" in html and 'href="../p4.overlay.png"' in html
    assert html.count("<tr class=") == 1


def test_review_makes_a_diff_report_against_a_reference(tmp_path):
    from digitize.export.text import document_text

    out, ref = tmp_path / "out", tmp_path / "ref"
    out.mkdir(), ref.mkdir()
    page = flagged_page()
    (out / "p4.alto.xml").write_bytes(page_to_alto(page))
    (ref / "p4.gt.txt").write_text(document_text(Document("p4.png", [page])), encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(out), "--reference", str(ref)])
    assert result.exit_code == 0, result.output
    assert (out / "review-diffs" / "p4.diff.html").is_file()
    assert 'href="review-diffs/p4.diff.html"' in (out / "review.html").read_text(encoding="utf-8")


def test_review_skips_a_json_record_of_the_wrong_types(tmp_path):
    page = {
        "number": 1,
        "source": {"path": "x.png", "index": 0},
        "quality": {"text_coverage": "high", "reasons": ["empty"]},
    }
    (tmp_path / "x.json").write_text(json.dumps({"format": "digitize-page", "page": page}))
    result = CliRunner().invoke(main, ["review", str(tmp_path)])
    assert result.exit_code == 0 and "Traceback" not in result.output, result.output
    assert "not a quality record" in result.output


def test_review_refuses_a_folder_that_is_not_ours(tmp_path):
    result = CliRunner().invoke(main, ["review", str(tmp_path)])
    assert result.exit_code == ExitCode.USAGE and "not a digitize output folder" in result.output


# --- options --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lang", "xx"], "unknown language 'xx'"),
        (["--script", "Klingon"], "unknown script 'Klingon'"),
        (["--script", "Cyrillic"], "does not read Cyrillic"),
        (["--lang", "ko"], "does not read Hangul"),
        (["--rec-model", "/nonexistent/model"], "not a folder"),
        (["--engine", "paddle", "--rec-model", "."], "--rec-model is for --engine ppocr"),
    ],
)
def test_script_and_model_options_refuse_with_one_line(tmp_path, args, message):
    image = ROOT / "samples/families/masthead-clean.png"
    result = CliRunner().invoke(main, ["run", str(image), "-o", str(tmp_path / "out"), *args])
    assert result.exit_code == ExitCode.USAGE, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()  # refused before anything ran


@pytest.mark.parametrize("content", ["empty", "garbage", "no-dictionary"])
def test_bad_model_folder_is_one_line(tmp_path, content):
    folder = tmp_path / "model"
    folder.mkdir()
    if content == "garbage":
        (folder / "inference.onnx").write_bytes(b"not a model")
    if content == "no-dictionary":
        (folder / "a.onnx").write_bytes(b"x")
        (folder / "b.onnx").write_bytes(b"x")
    result = CliRunner().invoke(
        main,
        [
            "run",
            str(ROOT / "samples/families/masthead-clean.png"),
            "-o",
            str(tmp_path / "o"),
            "--rec-model",
            str(folder),
        ],
    )
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "Traceback" not in result.output and str(folder) in result.output.replace("\n", "")


def test_bundled_model_coverage_is_counted_from_its_dictionary():
    from digitize.ocr.models import core_letters, coverage, covered_scripts, load_rec_model

    model = load_rec_model(None)
    shares = coverage(list(model.characters))
    assert len(model.characters) == 18708
    assert shares["Latin (basic)"] == 1.0 and shares["Han (simplified, GB 2312)"] > 0.99
    assert shares["Cyrillic"] == shares["Hangul syllables"] == shares["Arabic"] == 0.0
    assert covered_scripts(list(model.characters)) == {"Han", "Latin", "Kana", "Greek"}
    assert len(core_letters()["Han (simplified, GB 2312)"]) == 6763


def test_needs_review_exit_code_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ExitCode.NEEDS_REVIEW == 5 and "| 5 |" in readme


# --- unread ink: type the detector never saw ------------------------------------------------------------------


def _columns_page(written_columns: int):
    """Two columns of type-sized marks (20 px body), with the lines of the first ``written_columns`` written."""
    import numpy as np

    from digitize.model import Block, Line, Page, PageSource, Role

    image = np.full((600, 800), 250, np.uint8)
    blocks = []
    for c, x0 in enumerate((40, 440)):
        lines = []
        for y in range(40, 560, 32):
            for x in range(x0, x0 + 320, 24):
                image[y : y + 20, x : x + 18] = 30  # a character's worth of ink
            lines.append(Line("字" * 14, (x0, y, x0 + 320, y + 20), 0.99))
        if c < written_columns:
            blocks.append(Block(f"b{c}", Role.BODY, (x0, 40, x0 + 320, 580), lines))
    page = Page(1, 800, 600, PageSource("x.png", 0, "image", ""), image=image, text_size_px=20)
    page.blocks = blocks
    return page


def test_unread_ink_is_the_share_of_type_under_no_written_line():
    from digitize.quality import unread_ink

    assert unread_ink(_columns_page(2)) == 0.0
    assert unread_ink(_columns_page(1)) == pytest.approx(0.5, abs=0.05)


def test_a_column_never_detected_flags_the_page_with_its_figure():
    from digitize.quality import assess, review_summary

    q = assess(_columns_page(1), None)
    assert "low-coverage" in q.reasons and "% of the type-sized ink unread" in review_summary(q)
    assert "low-coverage" not in assess(_columns_page(2), None).reasons
