"""The English two-page issue (samples/issue-en/, rendered by samples/issue_english.py): the lead story on page
A1 ends "See BRIDGE, Page A4" and goes on on page A4 under its repeated headline after "BRIDGE: From Page A1".
First on the ground-truth layout, then read with the real OCR engine through `digitize run --issue`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from digitize import schemas
from digitize.cli import main
from digitize.evaluate import cer
from digitize.evaluate.joins import page_from_ground_truth
from digitize.export.mets import METS_NS
from digitize.export.text import issue_text
from digitize.issue import issue_document
from digitize.model import Page
from digitize.repair import repair

ISSUE = Path(__file__).resolve().parents[1] / "samples" / "issue-en"
NS = {"m": METS_NS}
STORY = (ISSUE / "issue.gt.txt").read_text(encoding="utf-8").strip()
HEADLINE = STORY.splitlines()[0]  # "## Old Mill Bridge to Close for Two Years"
JUMP_LINES = ("See BRIDGE", "BRIDGE:", "From Page", "Page A4", "Page A1")


def _gt_page(name: str) -> Page:
    """The sample page as layout, OCR and order would leave it if they made no mistake, then repaired."""
    return repair(page_from_ground_truth(json.loads((ISSUE / f"{name}.gt.json").read_text(encoding="utf-8"))))


def _next_headline() -> str:
    """The headline of the article after the lead story on page A1 (where the story's text ends)."""
    gt = json.loads((ISSUE / "a1.gt.json").read_text(encoding="utf-8"))
    return "## " + gt["articles"][1]["headline"]


def _story_part(text: str) -> str:
    """The issue text from the story's headline to the next article's headline."""
    start, end = text.find(HEADLINE[:15]), text.find(_next_headline()[:15])
    assert 0 <= start < end, (start, end)
    return text[start:end].strip()


# --- the ground-truth layout ---------------------------------------------------------------------------


def test_gt_jump_lines_are_read_as_continuations():
    a1, a4 = _gt_page("a1"), _gt_page("a4")
    (forward,) = a1.articles[0].continuations
    (backward,) = a4.articles[0].continuations
    assert (forward.direction, forward.page, forward.marker) == ("forward", "A4", "See BRIDGE, Page A4")
    assert (backward.direction, backward.page, backward.marker) == ("backward", "A1", "BRIDGE: From Page A1")
    assert all(not a.continuations for page in (a1, a4) for a in page.articles[1:])


def test_gt_english_page_labels():
    a1, a4 = _gt_page("a1"), _gt_page("a4")
    assert (a1.label, a4.label) == ("A1", "A4")


def test_gt_issue_links_and_joins_the_story():
    a1, a4 = _gt_page("a1"), _gt_page("a4")
    assert (a1.label, a4.label) == ("A1", "A4")
    doc = issue_document("issue-en", [a1, a4])
    assert doc.article_links == [((1, "bridge"), (2, "bridge"))]
    (forward,) = a1.articles[0].continuations
    (backward,) = a4.articles[0].continuations
    assert (forward.linked_to, backward.linked_to) == ((2, "bridge"), (1, "bridge"))
    text = issue_text(doc)
    assert STORY in text  # whole, the paragraph cut by the jump joined again
    assert text.count(HEADLINE) == 1  # once: the repeated headline on A4 dropped
    assert not [j for j in JUMP_LINES if j in text]


# --- the rendered pages, read with the real engine through the CLI -----------------------------------


@pytest.fixture(scope="module")
def run_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("issue-en")
    result = CliRunner().invoke(
        main,
        ["run", str(ISSUE / "a1.png"), str(ISSUE / "a4.png"), "--issue", "-o", str(out), "--format", "txt,alto"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
def test_run_writes_the_issue_outputs(run_out):
    assert {p.name for p in run_out.iterdir()} >= {
        "a1.txt",
        "a4.txt",
        "a1.alto.xml",
        "a4.alto.xml",
        "a1.mets.xml",
        "a1.issue.txt",
    }


@pytest.mark.slow
def test_run_mets_valid(run_out):
    try:
        schemas.schema_dir()
    except schemas.SchemaNotFound as exc:
        pytest.skip(str(exc))
    assert schemas.validate((run_out / "a1.mets.xml").read_bytes(), "mets.xsd") == []
    for name in ("a1", "a4"):
        assert schemas.validate((run_out / f"{name}.alto.xml").read_bytes(), "alto-4-4.xsd") == []


@pytest.mark.slow
def test_run_page_labels(run_out):
    root = etree.parse(str(run_out / "a1.mets.xml")).getroot()
    pages = root.findall("m:structMap[@TYPE='PHYSICAL']/m:div/m:div", NS)
    assert [p.get("ORDERLABEL") for p in pages] == ["A1", "A4"]


@pytest.mark.slow
def test_run_links_the_story_across_the_pages(run_out):
    root = etree.parse(str(run_out / "a1.mets.xml")).getroot()
    articles = root.findall(".//m:structMap[@TYPE='LOGICAL']//m:div[@TYPE='ARTICLE']", NS)
    spans = [sorted({a.get("FILEID") for a in art.iter(f"{{{METS_NS}}}area")}) for art in articles]
    # the link: one logical article with areas in both pages' ALTO files (not two articles, one per page)
    assert spans.count(["ALTO00001", "ALTO00002"]) == 1, spans
    on_a4 = [a.get("LABEL") or "" for a in articles if a.get("ID", "").startswith("LOG_P2_")]
    assert not [label for label in on_a4 if label.startswith("Old Mill Bridge")], on_a4  # not a story of its own


@pytest.mark.slow
def test_run_issue_text_has_the_story_once_whole(run_out):
    text = (run_out / "a1.issue.txt").read_text(encoding="utf-8")
    assert text.count("## Old Mill Bridge") == 1, text.count("## Old Mill Bridge")
    part = _story_part(text)
    assert not [j for j in JUMP_LINES if j in part]
    assert cer(STORY, part) < 0.02, cer(STORY, part)
