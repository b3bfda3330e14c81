"""The issue written as `digitize run --issue --format txt,alto,page,hocr,pdf,newsml` writes it (the writers
the CLI calls, without OCR): every XML file validates, the METS references every file by a relative path
that resolves, the issue PDF has both pages, NewsML links the page images and ALTO files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree
from model_fixtures import ROOT, fixture_issue

from digitize import schemas
from digitize.export.files import SUFFIXES, write_issue_outputs, write_page_outputs
from digitize.export.issue_metadata import IssueMetadata
from digitize.export.mets import METS_NS, XLINK_NS
from digitize.validate import detect


def test_issue_package(tmp_path):
    issue = fixture_issue()
    for page in issue.pages:
        page.source.path = str(ROOT / page.source.path)
    out = tmp_path / "out"
    formats = ["txt", "alto", "page", "hocr", "pdf", "newsml"]
    alto_names = {}
    for page in issue.pages:
        stem = f"issue-p{page.number:04d}"
        write_page_outputs(page, out, stem, [f for f in formats if f != "newsml"])
        alto_names[page.number] = stem + SUFFIXES["alto"]
    written = write_issue_outputs(
        issue,
        out,
        "issue",
        formats,
        alto_names=alto_names,
        mets_profile="ndnp",
        metadata=IssueMetadata(title="晋中日报", rights="In copyright"),
    )
    names = sorted(p.name for p in out.iterdir())
    assert {"issue.mets.xml", "issue.newsml.xml", "issue.issue.txt", "issue.issue.pdf"} <= set(names)
    assert sum(n.endswith(".page.xml") for n in names) == sum(n.endswith(".hocr") for n in names) == 2
    for path in out.glob("*.xml"):
        kind = detect(etree.parse(str(path)))
        assert kind.schema, (path.name, kind.problem)
        assert schemas.validate(path.read_bytes(), kind.schema) == [], path.name
    mets = etree.parse(str(out / "issue.mets.xml")).getroot()
    assert mets.get("PROFILE").startswith("urn:library-of-congress")
    for loc in mets.iter(f"{{{METS_NS}}}FLocat"):
        href = loc.get(f"{{{XLINK_NS}}}href")
        assert not Path(href).is_absolute() and (out / href).resolve().is_file(), href
    # MIX from the image files (colour, size on disk), the PAGE files in their own group, each PAGE file's
    # pcGtsId its METS file ID (OCR-D checks it)
    mix = "{http://www.loc.gov/mix/v20}"
    assert [e.text for e in mets.iter(mix + "colorSpace")] == ["BlackIsZero", "BlackIsZero"]
    assert [int(e.text) for e in mets.iter(mix + "fileSize")] == [
        (ROOT / "samples" / "issue" / n).stat().st_size for n in ("p1.png", "p4.png")
    ]
    (group,) = [g for g in mets.iter(f"{{{METS_NS}}}fileGrp") if g.get("USE") == "page"]
    for f in group:
        href = f[0].get(f"{{{XLINK_NS}}}href")
        assert href.endswith(".page.xml") and etree.parse(str(out / href)).getroot().get("pcGtsId") == f.get("ID")
    news = (out / "issue.newsml.xml").read_bytes()
    assert b'href="issue-p0001.alto.xml"' in news and b"samples/issue/p1.png" in news
    assert len(written) == 4
    import pdfplumber

    with pdfplumber.open(out / "issue.issue.pdf") as pdf:
        assert len(pdf.pages) == 2


def test_issue_pdf_name_is_checked_for_collisions(tmp_path):
    """``scan.tif`` of two pages writes ``scan.issue.pdf``; so does the page PDF of an input ``scan.issue.png``."""
    from digitize.export.names import output_collisions

    tif, png = tmp_path / "scan.tif", tmp_path / "scan.issue.png"
    assert output_collisions([(tif, 2), (png, 1)], ("pdf",), tmp_path) == [
        f"scan.issue.pdf would be written for both {tif} and {png} (page 1)"
    ]
    assert output_collisions([(tif, 2), (tmp_path / "other.png", 1)], ("pdf",), tmp_path) == []


@pytest.mark.parametrize("mode", ["copy", "link"])
def test_issue_package_with_its_images_travels_as_one_folder(tmp_path, mode):
    """With ``images="copy"`` or ``"link"`` the page images go into ``images/`` beside the METS, which (and the
    NewsML) point there: the folder moved elsewhere is still a whole, valid package."""
    issue = fixture_issue()
    for page in issue.pages:
        page.source.path = str(ROOT / page.source.path)
    out = tmp_path / "out"
    alto_names = {}
    for page in issue.pages:
        write_page_outputs(page, out, f"p{page.number}", ["alto"])
        alto_names[page.number] = f"p{page.number}.alto.xml"
    written = write_issue_outputs(issue, out, "issue", ["alto", "newsml"], alto_names=alto_names, images=mode)
    assert sorted(p.name for p in (out / "images").iterdir()) == ["p1.png", "p4.png"]
    assert {p.name for p in written} >= {"p1.png", "p4.png", "issue.mets.xml", "issue.newsml.xml"}
    if mode == "link":
        assert (out / "images" / "p1.png").stat().st_ino == (ROOT / "samples" / "issue" / "p1.png").stat().st_ino
    moved = shutil.move(str(out), str(tmp_path / "elsewhere" / "package"))
    mets = etree.parse(str(Path(moved) / "issue.mets.xml")).getroot()
    hrefs = [loc.get(f"{{{XLINK_NS}}}href") for loc in mets.iter(f"{{{METS_NS}}}FLocat")]
    assert hrefs == ["images/p1.png", "images/p4.png", "p1.alto.xml", "p2.alto.xml"]
    assert all((Path(moved) / h).is_file() for h in hrefs)
    assert b'href="images/p1.png"' in (Path(moved) / "issue.newsml.xml").read_bytes()
    assert schemas.validate((Path(moved) / "issue.mets.xml").read_bytes(), "mets.xsd") == []
