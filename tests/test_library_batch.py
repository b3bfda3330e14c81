"""End to end, as a library would run it: `digitize batch --issue-per-folder` over two issue folders (the Chinese
two-page issue samples/issue and the English one samples/issue-en, real OCR), every format. Checked on what the
batch wrote:

* every XML file validates against the official schema its root names (ALTO 4.4, METS, NewsML-G2 with NITF,
  PAGE 2019; ``DIGITIZE_SCHEMA_DIR`` or ../shared/schemas); hOCR (no XSD) is well-formed XHTML and our hOCR
  reader reads from it the text the text output has;
* the METS of each profile (images with MIX read from the files, ALTO and PAGE files; enmap from the batch itself; ndnp and ocrd written by the same writer from the
  issue read back from the batch's JSON, which gives the batch's enmap METS byte for byte) validates, and its
  every ``FLocat`` is a relative path that resolves from the METS folder (`--images copy`: the page images in
  the package's images/); ``ocrd workspace validate`` reports
  no error on the ocrd one;
* the story continued from the first page to the other is one NewsML newsItem and one METS ARTICLE, and the
  newsItem's paragraphs are the issue text's paragraphs: the paragraph cut by the page jump is one ``<p>``,
  joined where the issue text joins it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from digitize import schemas, to_text
from digitize.export.files import write_issue_outputs
from digitize.export.issue_metadata import issue_metadata_from_file
from digitize.export.mets import METS_NS, XLINK_NS
from digitize.export.newsml import NAR_NS, NITF_NS
from digitize.issue import issue_document
from digitize.read import read
from digitize.validate import detect

ROOT = Path(__file__).resolve().parents[1]
FORMATS = "txt,alto,json,page,hocr,pdf,newsml"
# folder -> (its pages in order, the words the page jump cuts apart: the last ones on the first page and the
# first ones on the other, from samples/*/*.gt.json)
ISSUES = {
    "issue": (("p1.png", "p4.png"), "解决好群众急难"),
    "issue-en": (("a1.png", "a4.png"), "during the morning and evening rush"),
}
SIDECAR = """title = "晋中日报"
identifier = "https://example.org/jinzhong/2025-12-11"
identifier_type = "url"
publisher = "晋中日报社"
place = "晋中"
rights = "In copyright"
"""
NS = {"m": METS_NS, "n": NAR_NS, "nitf": NITF_NS}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    try:
        schemas.schema_dir()
    except schemas.SchemaNotFound as exc:
        pytest.skip(str(exc))
    tmp = tmp_path_factory.mktemp("library-batch")
    for folder, (pages, _) in ISSUES.items():
        (tmp / "src" / folder).mkdir(parents=True)
        for name in pages:
            shutil.copy(ROOT / "samples" / folder / name, tmp / "src" / folder / name)
    (tmp / "src" / "issue" / "issue.toml").write_text(SIDECAR, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "digitize.batch", "batch", str(tmp / "src"), "-o", str(tmp / "out")]
        + ["--issue-per-folder", "--format", FORMATS, "--log-json", "--images", "copy"],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return tmp


def _stems(folder: str) -> list[str]:
    return [Path(name).stem for name in ISSUES[folder][0]]


def _issue_back(out: Path, folder: str):
    """The issue as the batch made it, read back from its JSON outputs and linked again."""
    pages = [read(out / folder / f"{stem}.json").pages[0] for stem in _stems(folder)]
    for number, page in enumerate(pages, 1):
        page.number = number
    return issue_document(str(out / folder / ISSUES[folder][0][0]), pages)


def _valid(path: Path) -> str:
    kind = detect(etree.parse(str(path)))
    assert kind.schema, (path.name, kind.problem)
    assert schemas.validate(path.read_bytes(), kind.schema) == [], path.name
    return kind.schema


@pytest.mark.slow
def test_every_xml_output_validates(batch):
    out = batch / "out"
    for folder in ISSUES:
        names = sorted(p.name for p in (out / folder).iterdir())
        first = _stems(folder)[0]
        expected = {f"{s}{suffix}" for s in _stems(folder) for suffix in (".alto.xml", ".page.xml", ".hocr", ".pdf")}
        expected |= {f"{first}.mets.xml", f"{first}.newsml.xml", f"{first}.issue.txt", f"{first}.issue.pdf"}
        assert expected <= set(names), sorted(expected - set(names))
        kinds = {name: _valid(out / folder / name) for name in names if name.endswith(".xml")}
        assert sorted(set(kinds.values())) == [
            "NewsML-G2_2.35-with-NITF-3.6.xsd",
            "alto-4-4.xsd",
            "mets.xsd",
            "page.xsd",
        ], kinds
        for stem in _stems(folder):
            hocr = out / folder / f"{stem}.hocr"
            assert etree.parse(str(hocr)).getroot().tag == "{http://www.w3.org/1999/xhtml}html"
            assert to_text(read(hocr)) == (out / folder / f"{stem}.txt").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["enmap", "ndnp", "ocrd"])
def test_mets_of_each_profile_validates_and_its_files_resolve(batch, profile, tmp_path):
    out = batch / "out"
    for folder in ISSUES:
        first = _stems(folder)[0]
        if profile == "enmap":  # the batch's own METS (enmap is the default profile)
            mets_path = out / folder / f"{first}.mets.xml"
            # and the issue read back from the JSON gives it byte for byte: what the other profiles are made from
            doc = _issue_back(out, folder)
            sidecar = batch / "src" / folder / "issue.toml"
            metadata = issue_metadata_from_file(sidecar) if sidecar.is_file() else None
            rebuilt = batch / "rebuilt" / folder  # at the depth of out/<folder>: image links are relative
            rebuilt.mkdir(parents=True, exist_ok=True)
            for stem in _stems(folder):
                shutil.copy(out / folder / f"{stem}.alto.xml", rebuilt)
                shutil.copy(out / folder / f"{stem}.page.xml", rebuilt)
            write_issue_outputs(
                doc,
                rebuilt,
                first,
                ["alto", "page"],
                alto_names={n: f"{s}.alto.xml" for n, s in enumerate(_stems(folder), 1)},
                metadata=metadata,
                images="copy",
            )
            assert (rebuilt / f"{first}.mets.xml").read_bytes() == mets_path.read_bytes()
        else:
            doc = _issue_back(out, folder)
            sidecar = batch / "src" / folder / "issue.toml"
            metadata = issue_metadata_from_file(sidecar) if sidecar.is_file() else None
            written = write_issue_outputs(
                doc,
                out / folder,
                f"{first}-{profile}",
                ["alto", "page"],
                alto_names={n: f"{s}.alto.xml" for n, s in enumerate(_stems(folder), 1)},
                metadata=metadata,
                mets_profile=profile,
                images="copy",
            )
            (mets_path,) = [p for p in written if p.name.endswith(".mets.xml")]  # the images are listed too
        assert _valid(mets_path) == "mets.xsd"
        mets = etree.parse(str(mets_path)).getroot()
        hrefs = [loc.get(f"{{{XLINK_NS}}}href") for loc in mets.iter(f"{{{METS_NS}}}FLocat")]
        assert len(hrefs) == 6  # two images, two ALTO files, two PAGE files
        assert sum(href.startswith("images/") for href in hrefs) == 2  # --images copy: the package is one folder
        for href in hrefs:
            assert not Path(href).is_absolute(), href
            assert (mets_path.parent / href.split("#")[0]).resolve().is_file(), href
        articles = mets.xpath(".//m:structMap[@TYPE='LOGICAL']//m:div[@TYPE='ARTICLE']", namespaces=NS)
        on_both = [a for a in articles if len({f.get("FILEID") for f in a.iter(f"{{{METS_NS}}}area")}) == 2]
        assert len(on_both) == 1, f"{folder}: the continued story is one ARTICLE with areas on both pages"
        if profile == "ocrd":
            ocrd = Path(sys.executable).parent / "ocrd"
            if not ocrd.exists():
                pytest.skip("ocrd is not installed (test extra)")
            proc = subprocess.run(
                [str(ocrd), "workspace", "-d", str(mets_path.parent), "--mets", str(mets_path), "validate"],
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert '<report valid="true">' in proc.stdout and "<error>" not in proc.stdout, proc.stdout[-2000:]


def _paragraphs(issue_txt: str) -> set[str]:
    return {re.sub(r"^#{2,3} ", "", p.strip()) for p in issue_txt.split("\n\n") if p.strip()}


@pytest.mark.slow
def test_continued_story_is_one_newsitem_joined_as_the_issue_text(batch):
    out = batch / "out"
    for folder, (_, junction) in ISSUES.items():
        first = _stems(folder)[0]
        issue_txt = (out / folder / f"{first}.issue.txt").read_text(encoding="utf-8")
        assert issue_txt.count(junction) == 1, f"{folder}: the issue text joins the story at the page jump"
        paragraphs = _paragraphs(issue_txt)
        message = etree.parse(str(out / folder / f"{first}.newsml.xml")).getroot()
        items = message.findall(".//n:newsItem", NS)
        assert items
        with_junction = []
        for item in items:
            ps = ["".join(p.itertext()) for p in item.iterfind(".//nitf:body.content/nitf:p", NS)]
            assert all(p in paragraphs for p in ps), (folder, [p for p in ps if p not in paragraphs][:2])
            with_junction += [p for p in ps if junction in p]
        assert len(with_junction) == 1, f"{folder}: the paragraph the page jump cuts is one <p> of one newsItem"
