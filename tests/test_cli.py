"""The command line and the Python API on small rendered pages (the real ppocr engine, a few seconds in all)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BORN_DIGITAL_HEADLINE, cer
from lxml import etree
from PIL import Image

import digitize
from digitize import to_alto, to_json, to_text
from digitize.cli import main
from digitize.cli import run as cli_run
from digitize.model import Document
from digitize.ocr.base import EngineError

ROOT = Path(__file__).resolve().parents[1]


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("error:")]


@pytest.fixture(scope="module")
def single_run(small_page, tmp_path_factory):
    """One CLI run of the small page with every output format."""
    outdir = tmp_path_factory.mktemp("single") / "out"  # created by the run
    result = invoke("run", small_page.path, "-o", outdir, "--format", "txt,alto,json")
    return result, outdir


# ------------------------------------------------------------------------------------------ basics


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"digitize, version {digitize.__version__}"


def test_version_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "digitize.cli", "--version"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    assert digitize.__version__ in proc.stdout


def test_help_lists_run():
    result = invoke("--help")
    assert result.exit_code == 0 and "run" in result.output


# --------------------------------------------------------------------------------------- single page


@pytest.mark.slow
def test_run_writes_outputs(single_run, small_page):
    result, outdir = single_run
    assert result.exit_code == 0, result.output
    stem = small_page.path.stem
    assert sorted(p.name for p in outdir.iterdir()) == sorted([f"{stem}.txt", f"{stem}.alto.xml", f"{stem}.json"])
    assert not list(outdir.glob(".*.part"))  # no temp files left behind
    assert f"{stem}.txt" in result.output  # the progress line names what it wrote


@pytest.mark.slow
def test_run_text_matches_page(single_run, small_page):
    _, outdir = single_run
    text = (outdir / f"{small_page.path.stem}.txt").read_text(encoding="utf-8")
    assert text.strip()
    assert cer(text, small_page.corpus_text) <= 0.05, (text, small_page.corpus_text)
    assert text.lstrip().startswith("## ")  # the 80 px bold line is a headline
    assert "，" not in text and "," in text  # corpus punctuation profile: ASCII comma


@pytest.mark.slow
def test_run_alto_and_json(single_run, small_page):
    _, outdir = single_run
    alto = (outdir / f"{small_page.path.stem}.alto.xml").read_bytes()
    assert alto.startswith(b"<?xml")
    root = etree.fromstring(alto)
    assert root.tag.endswith("alto")
    data = json.loads((outdir / f"{small_page.path.stem}.json").read_text(encoding="utf-8"))
    assert data["format"] == "digitize-page"
    assert data["page"]["width"] == 1000 and data["page"]["height"] == 700
    assert data["page"]["source"]["kind"] == "image"


@pytest.mark.slow
def test_default_formats_are_txt_and_alto(small_page2, tmp_path):
    result = invoke("run", small_page2.path, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    stem = small_page2.path.stem
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([f"{stem}.txt", f"{stem}.alto.xml"])
    text = (tmp_path / f"{stem}.txt").read_text(encoding="utf-8")
    assert cer(text, small_page2.corpus_text) <= 0.05, text


@pytest.mark.slow
def test_multipage_tiff_writes_numbered_outputs(small_page, small_page2, tmp_path):
    path = tmp_path / "issue.tif"
    with Image.open(small_page.path) as a, Image.open(small_page2.path) as b:
        a.save(path, save_all=True, append_images=[b], compression="tiff_deflate")
    outdir = tmp_path / "out"
    result = invoke("run", path, "-o", outdir)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in outdir.iterdir())
    # Per-page files, plus the issue's own: METS over the two ALTO files and the whole-article text.
    assert names == [
        "issue-p0001.alto.xml",
        "issue-p0001.txt",
        "issue-p0002.alto.xml",
        "issue-p0002.txt",
        "issue.issue.txt",
        "issue.mets.xml",
    ]
    mets = (outdir / "issue.mets.xml").read_text(encoding="utf-8")
    assert "issue-p0001.alto.xml" in mets and "issue-p0002.alto.xml" in mets
    assert cer((outdir / "issue-p0001.txt").read_text(encoding="utf-8"), small_page.corpus_text) <= 0.05
    assert cer((outdir / "issue-p0002.txt").read_text(encoding="utf-8"), small_page2.corpus_text) <= 0.05


# ------------------------------------------------------------------------------------------ failures


@pytest.mark.slow
def test_bad_inputs_are_reported_and_good_ones_still_written(small_page, small_page2, tmp_path):
    good = tmp_path / "good.png"
    good.write_bytes(small_page.path.read_bytes())
    good2 = tmp_path / "good2.png"
    good2.write_bytes(small_page2.path.read_bytes())
    missing = tmp_path / "missing.png"
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    outdir = tmp_path / "out"
    result = invoke("run", good, missing, empty, good2, "-o", outdir)
    assert result.exit_code == 1
    errors = error_lines(result.stderr)
    assert len(errors) == 2, result.stderr
    assert errors[0] == f"error: {missing}: no such file"
    assert errors[1].startswith(f"error: {empty}: ") and "empty file" in errors[1]
    assert "2 of 4 inputs failed" in result.stderr
    for stem in ("good", "good2"):
        assert (outdir / f"{stem}.txt").read_text(encoding="utf-8").strip()
        assert (outdir / f"{stem}.alto.xml").exists()
    assert not (outdir / "missing.txt").exists() and not (outdir / "empty.txt").exists()


def test_all_inputs_bad_exit_1(tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("not an image\n", encoding="utf-8")
    result = invoke("run", text, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert error_lines(result.stderr) == [f"error: {text}: is a text file, not an image or PDF"]


@pytest.mark.parametrize("formats", ["txt,docx", "svg", ",", "TXT"])
def test_unknown_format_is_usage_error(small_page, tmp_path, formats):
    outdir = tmp_path / "out"
    result = invoke("run", small_page.path, "-o", outdir, "--format", formats)
    assert result.exit_code == 2
    assert "unknown format" in result.stderr
    assert "txt, alto, json" in result.stderr
    assert not outdir.exists()  # refused before anything was done


def test_missing_output_option_is_usage_error(small_page):
    result = invoke("run", small_page.path)
    assert result.exit_code == 2
    assert "--output" in result.stderr


def test_output_dir_cannot_be_created(small_page, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x", encoding="utf-8")
    outdir = blocker / "out"
    result = invoke("run", small_page.path, "-o", outdir)
    assert result.exit_code == 2
    errors = error_lines(result.stderr)
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"error: {outdir}: cannot create output folder")


def test_output_dir_is_a_file(small_page, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x", encoding="utf-8")
    result = invoke("run", small_page.path, "-o", blocker)
    assert result.exit_code == 2
    assert "a_file" in result.stderr


def test_engine_error_exits_3(small_page, tmp_path, monkeypatch):
    def broken(name, threads=None, settings=None):
        raise EngineError(f"engine {name!r} needs the package 'paddleocr'")

    monkeypatch.setattr(cli_run, "get_engine", broken)
    outdir = tmp_path / "out"
    result = invoke("run", small_page.path, "-o", outdir, "--engine", "paddle")
    assert result.exit_code == 3
    assert error_lines(result.stderr) == ["error: engine 'paddle' needs the package 'paddleocr'"]
    assert not any(outdir.iterdir())


def test_unknown_engine_is_usage_error(small_page, tmp_path):
    result = invoke("run", small_page.path, "-o", tmp_path, "--engine", "tesseract")
    assert result.exit_code == 2


def test_pdf_dpi_option(born_digital_pdf, tmp_path):
    """A text-layer PDF needs no OCR; --dpi sets the page's pixel size."""
    sizes = {}
    for dpi in (300, 150):
        outdir = tmp_path / f"dpi{dpi}"
        result = invoke("run", born_digital_pdf, "-o", outdir, "--format", "json,txt", "--dpi", dpi)
        assert result.exit_code == 0, result.output
        page = json.loads((outdir / "born_digital.json").read_text(encoding="utf-8"))["page"]
        assert page["source"]["kind"] == "pdf-text"
        assert page["source"]["dpi"] == dpi
        sizes[dpi] = (page["width"], page["height"])
        assert (outdir / "born_digital.txt").read_text(encoding="utf-8").startswith("## City")
    assert abs(sizes[300][0] - 2 * sizes[150][0]) <= 2 and abs(sizes[300][1] - 2 * sizes[150][1]) <= 2
    assert abs(sizes[300][0] - 2362) <= 2  # 200 mm at 300 dpi


def test_dpi_out_of_range_is_usage_error(born_digital_pdf, tmp_path):
    assert invoke("run", born_digital_pdf, "-o", tmp_path, "--dpi", "20").exit_code == 2


# -------------------------------------------------------------------------------------- subprocess


@pytest.mark.slow
def test_real_process_exit_code_and_one_line_errors(small_page, tmp_path):
    """The installed entry point, outside CliRunner: exit code, stderr not wrapped or eaten as markup."""
    good = tmp_path / "good.png"
    good.write_bytes(small_page.path.read_bytes())
    odd = tmp_path / ("scan[draft] " + "x" * 100 + ".png")  # rich markup and a line longer than 80 columns
    odd.write_bytes(b"")
    exe = ROOT / ".venv" / "bin" / "digitize"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "digitize.cli"]
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    proc = subprocess.run(
        command + ["run", str(good), str(odd), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 1, proc.stderr
    assert error_lines(proc.stderr) == [f"error: {odd}: empty file (0 bytes)"], proc.stderr
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8").strip()
    assert (tmp_path / "out" / "good.alto.xml").exists()


# ---------------------------------------------------------------------------------------- Python API


@pytest.mark.slow
def test_python_api_matches_cli(single_run, small_page):
    _, outdir = single_run
    doc = digitize.process(small_page.path)
    assert isinstance(doc, Document)
    assert doc.path == str(small_page.path)
    assert len(doc.pages) == 1 and doc.pages[0].image is None
    assert to_text(doc) == (outdir / f"{small_page.path.stem}.txt").read_text(encoding="utf-8")
    alto = to_alto(doc)
    assert isinstance(alto, bytes) and alto.startswith(b"<?xml")
    assert to_alto(doc) == (outdir / f"{small_page.path.stem}.alto.xml").read_bytes()
    assert json.loads(to_json(doc))["format"] == "digitize-document"


def test_python_api_input_error(tmp_path):
    from digitize.io import InputError

    with pytest.raises(InputError, match="no such file"):
        digitize.process(tmp_path / "nope.png")


def test_python_api_born_digital(born_digital_pdf):
    doc = digitize.process(born_digital_pdf)
    assert doc.pages[0].source.kind == "pdf-text"
    assert BORN_DIGITAL_HEADLINE.split()[0] in to_text(doc)


def test_inputs_sharing_a_stem_are_refused_before_anything_is_written(small_page, tmp_path):
    a, b = tmp_path / "scan.png", tmp_path / "sub" / "scan.png"
    b.parent.mkdir()
    a.write_bytes(small_page.path.read_bytes())
    b.write_bytes(small_page.path.read_bytes())
    outdir = tmp_path / "out"
    result = invoke("run", a, b, "-o", outdir)
    assert result.exit_code == 2
    assert "scan.txt would be written for both" in result.output
    assert not outdir.exists()


def test_an_output_that_would_overwrite_an_input_is_refused(small_page, tmp_path):
    """`run a.png a.overlay.png -o . --debug-overlay` would write a's overlay over the second input."""
    a, overlay = tmp_path / "a.png", tmp_path / "a.overlay.png"
    a.write_bytes(small_page.path.read_bytes())
    overlay.write_bytes(small_page.path.read_bytes())
    result = invoke("run", a, overlay, "-o", tmp_path, "--debug-overlay")
    assert result.exit_code == 2
    assert "would overwrite the input" in result.output
    assert overlay.read_bytes() == small_page.path.read_bytes()


def test_a_page_output_of_a_multipage_file_clashing_with_a_single_page_input_is_refused(small_page, tmp_path):
    """A 2-page scan.tif writes scan-p0001.*, which scan-p0001.png writes too."""
    from PIL import Image

    image = Image.open(small_page.path)
    tif, png = tmp_path / "scan.tif", tmp_path / "scan-p0001.png"
    image.save(tif, save_all=True, append_images=[image.copy()])
    png.write_bytes(small_page.path.read_bytes())
    result = invoke("run", tif, png, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "scan-p0001.txt would be written for both" in result.output


def test_issue_metadata_and_mets_profile_reach_the_mets(born_digital_pdf, tmp_path):
    """Two born-digital pages (no OCR) as one issue: --issue-metadata fills the METS identifier and MODS
    publisher, --mets-profile names the profile; the METS validates."""
    from digitize import schemas

    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    a.write_bytes(born_digital_pdf.read_bytes())
    b.write_bytes(born_digital_pdf.read_bytes())
    meta = tmp_path / "issue.toml"
    meta.write_text(
        'identifier = "urn:nbn:test:0001"\npublisher = "Test Daily Press"\nplace = "Taiyuan"\n', encoding="utf-8"
    )
    out = tmp_path / "out"
    result = invoke(
        "run", a, b, "--issue", "-o", out, "--format", "txt,alto", "--mets-profile", "ndnp", "--issue-metadata", meta
    )
    assert result.exit_code == 0, result.output
    mets = (out / "a.mets.xml").read_bytes()
    assert b"urn:nbn:test:0001" in mets and b"Test Daily Press" in mets
    try:
        schemas.schema_dir()
    except schemas.SchemaNotFound as exc:
        pytest.skip(str(exc))
    assert schemas.validate(mets, "mets.xsd") == []


@pytest.mark.parametrize("mode", ["copy", "link"])
def test_images_option_puts_the_pages_into_the_package(born_digital_pdf, tmp_path, mode):
    """--images copy|link: the issue's page files go into OUTDIR/images/ and the METS points there, so the
    package still resolves after OUTDIR is moved away from the inputs."""
    src = tmp_path / "src"
    src.mkdir()
    a, b = src / "a.pdf", src / "b.pdf"
    a.write_bytes(born_digital_pdf.read_bytes())
    b.write_bytes(born_digital_pdf.read_bytes())
    out = tmp_path / "out"
    result = invoke("run", a, b, "--issue", "-o", out, "--format", "txt,alto", "--images", mode)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "images").iterdir()) == ["a.pdf", "b.pdf"]
    moved = tmp_path / "elsewhere"
    out.rename(moved)
    shutil.rmtree(src)
    mets = etree.parse(str(moved / "a.mets.xml"))
    hrefs = [loc.get("{http://www.w3.org/1999/xlink}href") for loc in mets.iter("{http://www.loc.gov/METS/}FLocat")]
    assert any(h.startswith("images/") for h in hrefs), hrefs
    for href in hrefs:
        assert (moved / href.split("#")[0]).is_file(), href


def test_bad_issue_metadata_is_a_usage_error(born_digital_pdf, tmp_path):
    meta = tmp_path / "issue.toml"
    meta.write_text('publsher = "typo"\n', encoding="utf-8")
    result = invoke("run", born_digital_pdf, "-o", tmp_path / "out", "--issue-metadata", meta)
    assert result.exit_code == 2
    assert "unknown field 'publsher'" in result.output
