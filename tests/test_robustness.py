"""Hostile and odd inputs (issue 9): the bad-input corpus, orientation, streaming, references, ALTO attacks,
file-system trouble and output failures. Cases already in test_io.py / test_diff.py / test_repair_text.py are
not repeated here except as rows of the corpus, which keeps every bad input in one place (bad_inputs.py)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from bad_inputs import CASES, build_corpus
from click.testing import CliRunner
from conftest import cer
from lxml import etree

from digitize import to_text
from digitize.cli import main
from digitize.io import InputError, load, page_count
from digitize.model import Article, Block, Glyph, Line, Page, PageSource, Role, TextStyle
from digitize.preprocess import estimate_orientation, flatten_background, preprocess, rotate_upright

ROOT = Path(__file__).resolve().parents[1]
EXE = ROOT / ".venv" / "bin" / "digitize"
COMMAND = [str(EXE)] if EXE.exists() else [sys.executable, "-m", "digitize.cli"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return {case.name: path for case, path in build_corpus(tmp_path_factory.mktemp("bad_inputs"))}


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("error:")]


# -------------------------------------------------------------------------------------------- the corpus


def test_corpus_has_at_least_30_cases():
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(corpus, case):
    path = corpus[case.name]
    options = dict(case.options)
    if case.pages > 1:
        options["dpi"] = 36  # the count is the point here, not the pixels
    if case.error is None:
        pages = list(load(path, **options))
        assert len(pages) == case.pages
        assert {p.source.kind for p in pages} == {case.kind}
        assert [p.source.index for p in pages] == list(range(case.pages))
        assert all(p.image.dtype == np.uint8 and p.image.ndim == 2 and min(p.image.shape) >= 16 for p in pages)
        return
    with pytest.raises(InputError) as info:
        list(load(path, **options))
    message = str(info.value)
    assert type(info.value) is InputError
    assert message.startswith(f"{path}: ") and "\n" not in message and "\r" not in message
    assert case.error in message, message


def test_mode_cases_keep_ink_and_paper(corpus):
    """16-bit, CMYK, palette, alpha and G4 fax pages are the same page in gray: paper white, ink dark."""
    (reference,) = load(corpus["palette.png"])
    ink = reference.image < 100
    assert ink.mean() > 0.01
    for name in ("sixteen_bit.png", "cmyk.jpg", "alpha.png", "fax_g4.tif"):
        (page,) = load(corpus[name])
        assert page.image[~ink].mean() > 240, name
        assert page.image[ink].mean() < 90, name


def test_pdf_pages_are_streamed(corpus, monkeypatch):
    """The first page of the 2,000-page PDF comes back after one page object was parsed, not 2,000."""
    from pdfminer.pdfpage import PDFPage

    parsed = []
    original = PDFPage.__init__

    def counting(self, *args, **kwargs):
        parsed.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(PDFPage, "__init__", counting)
    pages = load(corpus["many_pages.pdf"], dpi=36)
    first = next(pages)
    assert first.source.index == 0
    assert len(parsed) <= 2
    pages.close()
    assert page_count(corpus["many_pages.pdf"]) == 2000


@pytest.mark.slow
def test_broken_font_falls_back_to_ocr(corpus, small_page):
    """A scan whose hidden text layer is (cid:N) garbage is OCRed: the text is the page's, not the layer's."""
    import digitize

    for name in ("broken_font_cid.pdf",):
        doc = digitize.process(corpus[name])
        (page,) = doc.pages
        assert page.source.kind == "pdf-scan"
        assert "text layer" not in page.engine
        assert cer(to_text(doc), small_page.corpus_text) <= 0.05, to_text(doc)


class NoText:
    """An engine that must not be asked: pages without text regions never reach OCR."""

    name = description = "none"

    def recognize(self, image, regions):
        assert not regions, regions
        return []


def _write_all(page: Page, folder: Path) -> None:
    from digitize.export.files import write_page_outputs

    written = write_page_outputs(page, folder, "p", ["txt", "alto", "json"])
    assert etree.fromstring(written[1].read_bytes()).tag.endswith("alto")
    assert json.loads(written[2].read_text(encoding="utf-8"))["format"] == "digitize-page"


def test_blank_page_needs_no_ocr_and_gives_empty_outputs(corpus, tmp_path):
    import digitize

    doc = digitize.process(corpus["blank.png"], engine=NoText())
    (page,) = doc.pages
    assert to_text(doc) == "" and page.blocks == []
    _write_all(page, tmp_path)


@pytest.mark.slow
def test_vector_art_page_gives_no_text(corpus, tmp_path):
    """Rules, boxes and a filled shape, no text: whatever layout sends to OCR, no words come out."""
    import digitize

    doc = digitize.process(corpus["vector_only.pdf"], dpi=100)
    (page,) = doc.pages
    assert page.source.kind == "pdf-scan"
    assert len("".join(to_text(doc).split())) <= 3, to_text(doc)
    _write_all(page, tmp_path)


# ------------------------------------------------------------------------------------------- orientation


@pytest.mark.parametrize("name,rotation", [("upside_down.png", 180), ("rotated_90.png", 270)])
def test_orientation_is_detected(corpus, name, rotation):
    (page,) = load(corpus[name])
    assert estimate_orientation(flatten_background(page.image)) == rotation


def test_orientation_all_four_turns(small_page_image):
    upright = flatten_background(np.asarray(small_page_image))
    for rotation in (0, 90, 180, 270):
        turned = np.ascontiguousarray(np.rot90(upright, -rotation // 90))  # clockwise by `rotation`
        assert estimate_orientation(turned) == rotation
        back, _matrix = rotate_upright(turned, rotation)
        assert np.array_equal(back, upright)


@pytest.mark.slow  # PP-OCR's detector and line classifier on three full sample pages
@pytest.mark.parametrize(
    "sample", ["families/english-tabloid-scan.jpg", "families/english-scan.jpg", "jinzhong-front-scan.jpg"]
)
def test_orientation_of_scanned_sample_pages(sample):
    # Loosely set small Latin type runs together on the reduced page the detector sees; the loose English
    # scan was once turned over (the classifier read blocks of several lines, not lines).
    (page,) = load(Path(__file__).resolve().parents[1] / "samples" / sample)
    upright = flatten_background(page.image)
    assert estimate_orientation(upright) == 0
    assert estimate_orientation(np.ascontiguousarray(upright[::-1, ::-1])) == 180


def test_blank_page_is_left_as_it_is():
    assert estimate_orientation(np.full((700, 1000), 255, np.uint8)) == 0


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotate_upright_maps_boxes_back(rotation):
    rng = np.random.default_rng(rotation)
    source = rng.integers(0, 255, (60, 90), dtype=np.uint8)
    upright, matrix = rotate_upright(source, rotation)
    from digitize.model import Transform

    transform = Transform(matrix=matrix)
    x0, y0, x1, y1 = 5, 7, 20, 11  # a box in the upright image
    sx0, sy0, sx1, sy1 = transform.map_box((x0, y0, x1, y1), source.shape[1], source.shape[0])
    patch = upright[y0:y1, x0:x1]
    turns = (rotation // 90) % 4
    assert np.array_equal(np.rot90(source[sy0:sy1, sx0:sx1], turns), patch)


@pytest.mark.slow
def test_rotated_page_reads_right_and_boxes_refer_to_the_source(corpus, small_page):
    """End to end: the sideways page reads like the upright one and its headline box, in source pixels,
    is the tall strip at the left where the headline now is."""
    import digitize

    doc = digitize.process(corpus["rotated_90.png"])
    (page,) = doc.pages
    assert (page.width, page.height) == (700, 1000)
    assert cer(to_text(doc), small_page.corpus_text) <= 0.05, to_text(doc)
    head = next(b for b in page.blocks if b.role is Role.HEADLINE)
    x0, y0, x1, y1 = head.box
    assert x1 <= 200 and y1 - y0 > 3 * (x1 - x0), head.box
    assert page.transform.rotation_degrees == 270


def test_preprocess_records_turn_in_transform(corpus):
    (loaded,) = load(corpus["upside_down.png"])
    page = Page(number=1, width=1000, height=700, source=loaded.source, image=loaded.image)
    preprocess(page)
    # working pixel (0, 0) is the source's bottom-right corner
    assert page.transform.map_box((0, 0, 10, 10), 1000, 700) == (990, 690, 1000, 700)


# -------------------------------------------------------------------------------- references (repair, diff)


REFERENCE = "## 标题\n\n第一段在这里被\n\n分开了。\n"


def test_repair_cli_bom_and_crlf_same_as_plain(tmp_path):
    plain, odd = tmp_path / "plain.txt", tmp_path / "odd.txt"
    plain.write_text(REFERENCE, encoding="utf-8")
    odd.write_bytes(b"\xef\xbb\xbf" + REFERENCE.replace("\n", "\r\n").encode())
    outs = []
    for src in (plain, odd):
        out = tmp_path / f"{src.stem}.out.txt"
        result = CliRunner().invoke(main, ["repair", str(src), "-o", str(out)])
        assert result.exit_code == 0, result.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == "## 标题\n\n第一段在这里被分开了。\n".encode()


@pytest.mark.parametrize("encoding,reason", [("gb18030", "not UTF-8"), ("utf-16", "not UTF-8")])
def test_non_utf8_reference_is_refused_by_repair_and_diff(tmp_path, encoding, reason):
    src = tmp_path / f"ref-{encoding}.txt"
    src.write_bytes(REFERENCE.encode(encoding))
    good = tmp_path / "good.txt"
    good.write_text(REFERENCE, encoding="utf-8")
    for args in (["repair", str(src), "-o", str(tmp_path / "o.txt")], ["diff", str(src), str(good)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2
        assert error_lines(result.output) == [line for line in result.output.splitlines() if line.strip()]
        assert len(error_lines(result.output)) == 1 and reason in result.output
        assert error_lines(result.output)[0].startswith(f"error: {src}: ")
    assert not (tmp_path / "o.txt").exists()


def test_diff_bom_crlf_reference_equals_plain_hypothesis(tmp_path):
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_bytes(b"\xef\xbb\xbf" + REFERENCE.replace("\n", "\r\n").encode())
    hyp.write_text(REFERENCE, encoding="utf-8")
    report = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["diff", str(ref), str(hyp), "--json", str(report), "--keep-whitespace"])
    assert result.exit_code == 0, result.output
    assert json.loads(report.read_text(encoding="utf-8"))["metrics"]["cer"] == 0


ALTO_BODY = (
    '<alto xmlns="{ns}"><Layout><Page><PrintSpace><TextBlock><TextLine><String CONTENT="{text}"/>'
    '</TextLine></TextBlock></PrintSpace></Page></Layout></alto>'
)
ALTO4 = "http://www.loc.gov/standards/alto/ns-v4#"
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    + ALTO_BODY.format(ns=ALTO4, text="&d;")
)
XXE_PARAMETER = (
    '<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>'
    + ALTO_BODY.format(ns=ALTO4, text="x")
)
EXTERNAL_DTD = '<?xml version="1.0"?><!DOCTYPE alto SYSTEM "http://127.0.0.1:9/alto.dtd">' + ALTO_BODY.format(
    ns=ALTO4, text="甲乙"
)


@pytest.mark.parametrize(
    "name,xml,outcome",
    [
        ("billion_laughs.xml", BILLION_LAUGHS, "DOCTYPE declares entities"),
        ("xxe_parameter.xml", XXE_PARAMETER, "DOCTYPE declares entities"),
        ("external_dtd.xml", EXTERNAL_DTD, None),  # read, the DTD neither fetched nor applied
        (
            "unknown_namespace.xml",
            ALTO_BODY.format(ns="http://example.com/not-alto", text="甲乙"),
            "unknown ALTO namespace",
        ),
    ],
)
def test_hostile_alto_through_diff(tmp_path, name, xml, outcome):
    src = tmp_path / name
    src.write_text(xml, encoding="utf-8")
    ref = tmp_path / "ref.txt"
    ref.write_text("甲乙\n", encoding="utf-8")
    report = tmp_path / "r.json"
    result = CliRunner().invoke(main, ["diff", str(ref), str(src), "--json", str(report)])
    if outcome:
        assert result.exit_code == 2
        (line,) = [line for line in result.output.splitlines() if line.strip()]
        assert line.startswith(f"error: {src}: ") and outcome in line, line
        assert "lol" not in result.output and "root:" not in result.output
    else:
        assert result.exit_code == 0, result.output
        assert json.loads(report.read_text(encoding="utf-8"))["metrics"]["cer"] == 0


@pytest.mark.parametrize(
    "xml,reason",
    [
        (BILLION_LAUGHS, "DOCTYPE declares entities"),
        (XXE_PARAMETER, "DOCTYPE declares entities"),
        (ALTO_BODY.format(ns="http://example.com/not-alto", text="x"), "unknown ALTO namespace"),
    ],
)
def test_hostile_alto_through_the_readers(xml, reason):
    from digitize.read import ReadError, read_bytes

    with pytest.raises(ReadError, match=reason):
        read_bytes(xml.encode(), "hostile.xml")


def test_external_dtd_is_not_fetched_by_the_readers():
    from digitize.read import read_bytes

    assert "甲乙" in to_text(read_bytes(EXTERNAL_DTD.encode(), "dtd.xml"))


# ----------------------------------------------------------------------------------- well-formed outputs


def hostile_page() -> Page:
    text = "新闻\x00稿\x1b\ud800件\ufffe\uffff\x85已\x7f发布"
    glyphs = [Glyph(ch, (10 + 10 * i, 10, 20 + 10 * i, 40), 0.9) for i, ch in enumerate(text)]
    line = Line(text, (10, 10, 10 + 10 * len(text), 40), 0.9, glyphs)
    block = Block("TB0001", Role.BODY, line.box, [line], TextStyle(30), order=0, article_id="A1")
    source = PageSource("hostile.png", 0, "image", "ab" * 32)
    return Page(1, 400, 100, source, blocks=[block], articles=[Article("A1", [block], 0)], in_source_coordinates=True)


def test_every_output_is_valid_whatever_the_ocr_returns(tmp_path):
    from digitize.export.files import write_page_outputs

    txt, alto, js = write_page_outputs(hostile_page(), tmp_path, "hostile", ["txt", "alto", "json"])
    forbidden = set("\x00\x1b\ud800\ufffe\uffff\x7f")
    root = etree.fromstring(alto.read_bytes())  # well-formed XML
    contents = "".join(s.get("CONTENT") for s in root.iter(f"{{{ALTO4}}}String"))
    assert contents == "新闻稿件已发布"
    text = txt.read_bytes().decode("utf-8")  # strict UTF-8: no lone surrogate
    assert "新闻" in text and "发布" in text and not forbidden & set(text)
    data = json.loads(js.read_bytes().decode("utf-8"))
    line_text = data["page"]["blocks"][0]["lines"][0]["text"]
    # JSON may carry a control character (escaped, \u0000); what no encoder can write is gone
    assert "新闻" in line_text and not set("\ud800\ufffe\uffff") & set(line_text)


# ------------------------------------------------------------------------------- file system and the CLI


@pytest.mark.slow
def test_batch_folder_with_loops_pipes_and_folders(corpus, small_page, tmp_path):
    """A batch folder as found: a good page among a symlink loop, a broken link, a FIFO (which must not
    block the run), a folder and a link to the folder itself. One line each; the good page is written."""
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "good.png").write_bytes(small_page.path.read_bytes())
    (batch / "loop.png").symlink_to("loop.png")
    (batch / "dangling.png").symlink_to("missing.png")
    (batch / "self").symlink_to(".")
    os.mkfifo(batch / "pipe.png")
    (batch / "sub").mkdir()
    outdir = tmp_path / "out"
    inputs = sorted(batch.iterdir())
    result = CliRunner().invoke(main, ["run", *map(str, inputs), "-o", str(outdir)], catch_exceptions=False)
    assert result.exit_code == 1
    expected = {
        "dangling.png": "broken symbolic link (its target is missing)",
        "loop.png": "symbolic link loop",
        "pipe.png": "is not a regular file (a pipe, socket or device)",
        "self": "is a directory, not a file",
        "sub": "is a directory, not a file",
    }
    assert sorted(error_lines(result.stderr)) == sorted(f"error: {batch / n}: {r}" for n, r in expected.items())
    assert "5 of 6 inputs failed" in result.stderr
    assert (outdir / "good.txt").read_text(encoding="utf-8").strip()


def _without_permission_override():
    """Run the child without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH: tests run as root, and root reads and
    writes through any permission bits. Dropped from the bounding set, they are gone after exec."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _run_cli(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "FORCE_COLOR")}
    return subprocess.run(COMMAND + args, capture_output=True, text=True, timeout=180, env=env, **kwargs)


def test_unreadable_file(small_page, tmp_path):
    locked = tmp_path / "locked.png"
    locked.write_bytes(small_page.path.read_bytes())
    locked.chmod(0)
    outdir = tmp_path / "out"
    proc = _run_cli(["run", str(locked), "-o", str(outdir)], preexec_fn=_without_permission_override)
    assert proc.returncode == 1, proc.stderr
    assert error_lines(proc.stderr) == [f"error: {locked}: cannot be read (Permission denied)"], proc.stderr
    assert list(outdir.iterdir()) == []


@pytest.mark.slow
def test_output_folder_without_write_permission(born_digital_pdf, tmp_path):
    outdir = tmp_path / "readonly"
    outdir.mkdir()
    outdir.chmod(0o555)
    # the same page twice: the run stops at the first output error instead of failing every page alike
    proc = _run_cli(
        ["run", str(born_digital_pdf), str(born_digital_pdf), "-o", str(outdir)],
        preexec_fn=_without_permission_override,
    )
    assert proc.returncode == 4, proc.stderr
    assert error_lines(proc.stderr) == [f"error: {outdir}: cannot write output (Permission denied)"], proc.stderr
    assert "Traceback" not in proc.stderr
    assert list(outdir.iterdir()) == []


def _small_file_limit():
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))  # a "disk" that fills after 2,000 bytes a file


@pytest.mark.slow
def test_full_disk_leaves_no_partial_file(born_digital_pdf, tmp_path):
    outdir = tmp_path / "out"
    proc = _run_cli(
        ["run", str(born_digital_pdf), "-o", str(outdir), "--format", "txt,alto"], preexec_fn=_small_file_limit
    )
    assert proc.returncode == 4, (proc.returncode, proc.stderr)
    assert proc.returncode != -signal.SIGXFSZ
    assert error_lines(proc.stderr) == [f"error: {outdir}: cannot write output (File too large)"], proc.stderr
    # the text (under the limit) was written whole; the ALTO (over it) not at all, and no temp file is left
    assert sorted(p.name for p in outdir.iterdir()) == ["born_digital.txt"]
    assert (outdir / "born_digital.txt").read_text(encoding="utf-8").startswith("## City")
