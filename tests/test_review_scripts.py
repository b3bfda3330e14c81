"""Pages the bundled model cannot read, end to end (issue 17, "never silently empty"): rendered Cyrillic,
Korean and Arabic pages (the machine's fonts, `fc-list :lang=XX`; skipped with the reason when none is
installed), a blank page and a photo-only page. Each is flagged with its reason in the ALTO, on stderr and in
the exit code of `run --strict`; `batch` records it, `status` counts and lists it, `review` indexes it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from script_pages import write_pages

from digitize.cli import main
from digitize.exit_codes import ExitCode
from digitize.read.alto import read_quality

pytestmark = pytest.mark.slow

EXPECTED = {
    "ru": "unsupported-script",
    "ko": "unsupported-script",
    "ar": "unsupported-script",
    "blank": "blank",
    "photo": "photo-only",
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path | str]:
    return write_pages(tmp_path_factory.mktemp("script-pages") / "in")


@pytest.fixture(scope="module")
def batch_out(pages, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("script-batch")
    folder = next(p for p in pages.values() if isinstance(p, Path)).parent
    proc = subprocess.run(
        [sys.executable, "-m", "digitize.batch", "batch", str(folder), "-o", str(out), "--log-json", "--strict"],
        capture_output=True,
        text=True,
        timeout=900,
        env=os.environ | {"PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    # every page written (no failure), every one flagged: --strict says so with its own code
    assert proc.returncode == ExitCode.NEEDS_REVIEW, proc.stderr[-2000:]
    summary = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith('{"event": "summary"')]
    present = sum(1 for p in pages.values() if isinstance(p, Path))
    assert summary and summary[0]["needs_review"] == present and summary[0]["done"] == 0, proc.stderr[-2000:]
    reviewed = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith('{"event": "page"')]
    assert len(reviewed) == present and all(e["review"] for e in reviewed)
    return out


def available(pages, name) -> Path:
    where = pages[name]
    if isinstance(where, str):
        pytest.skip(where)
    return where


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_batch_records_the_page_as_needing_review(pages, batch_out, name):
    path = available(pages, name)
    alto = batch_out / f"{path.stem}.alto.xml"
    record, _, _ = read_quality(alto.read_bytes(), alto)
    assert record is not None and record.state == "needs-review", record
    assert EXPECTED[name] in record.reasons, record
    report = json.loads(CliRunner().invoke(main, ["status", str(batch_out), "--json"]).output)
    listed = {Path(p["source"]).name: p["reasons"] for p in report["needs_review"]}
    assert EXPECTED[name] in listed[path.name]
    assert report["review"]["done"] == 0


def test_status_and_review_list_every_page(pages, batch_out):
    present = [p for p in pages.values() if isinstance(p, Path)]
    report = json.loads(CliRunner().invoke(main, ["status", str(batch_out), "--json"]).output)
    assert report["review"] == {"done": 0, "needs review": len(present), "failed": 0}
    result = CliRunner().invoke(main, ["review", str(batch_out)])
    assert result.exit_code == 0, result.output
    index = (batch_out / "review.html").read_text(encoding="utf-8")
    for path in present:
        assert path.name in index
    # worst first: the unreadable scripts before the blank page
    if isinstance(pages["ru"], Path):
        assert index.index(pages["ru"].name) < index.index(pages["blank"].name)


def test_run_says_so_and_strict_fails(pages, tmp_path):
    inputs = [available(pages, "blank"), available(pages, "photo")]
    result = CliRunner().invoke(main, ["run", *map(str, inputs), "-o", str(tmp_path), "--debug-overlay"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("review:")]
    assert len(lines) == 2 and "blank" in lines[0] and "photo-only" in lines[1], result.output
    assert "2 pages: 0 done, 2 need review" in result.output
    strict = CliRunner().invoke(main, ["run", *map(str, inputs), "-o", str(tmp_path), "--strict"])
    assert strict.exit_code == ExitCode.NEEDS_REVIEW, strict.output
    review = CliRunner().invoke(main, ["review", str(tmp_path)])
    index = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert review.exit_code == 0 and 'href="page-blank.overlay.png"' in index


def test_rec_model_folder_reads_like_the_bundled_model(pages, tmp_path):
    """--rec-model DIR with the bundled recognition model copied into a folder: the same text."""
    from digitize.ocr.models import bundled_dir

    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "inference.onnx").symlink_to(bundled_dir() / "PP-OCRv6_rec_small.onnx")
    image = Path(__file__).parent.parent / "samples/families/masthead-clean.png"
    plain = CliRunner().invoke(main, ["run", str(image), "-o", str(tmp_path / "a"), "--format", "txt"])
    other = CliRunner().invoke(
        main, ["run", str(image), "-o", str(tmp_path / "b"), "--format", "txt,alto", "--rec-model", str(folder)]
    )
    assert plain.exit_code == other.exit_code == 0, other.output
    text = (tmp_path / "a" / "masthead-clean.txt").read_text(encoding="utf-8")
    assert len(text) > 200 and text == (tmp_path / "b" / "masthead-clean.txt").read_text(encoding="utf-8")
    assert "model/inference.onnx" in (tmp_path / "b" / "masthead-clean.alto.xml").read_text(encoding="utf-8")
