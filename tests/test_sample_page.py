"""End to end on the committed broadsheet sample: the real engine, the real page, clean and scanned."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from lxml import etree

import digitize
from digitize import to_text
from digitize.evaluate import cer, headings, paragraph_breaks
from digitize.export.alto import page_to_alto
from digitize.export.text import page_text
from digitize.model import Role
from digitize.schemas import validate

pytestmark = pytest.mark.slow  # the real engines on the full broadsheet page

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
REFERENCE = (SAMPLES / "jinzhong-front.gt.txt").read_text(encoding="utf-8")
# The seven places where the reference corpus was cut mid-word (../shared/corpus/README.md).
ARTEFACTS = [
    ("将全", "面学习"),
    ("一期投产、", "二期项目"),
    ("稳健发", "展"),
    ("乡村全", "面振兴"),
    ("游", "客"),
    ("晋中一院", "高度重视"),
    ("颌面修", "复重建"),
]
CER_LIMIT = {"clean": 0.01, "scan": 0.02}
IMAGES = {"clean": "jinzhong-front-clean.png", "scan": "jinzhong-front-scan.jpg"}


@pytest.fixture(
    scope="module", params=[("ppocr", "clean"), ("ppocr", "scan"), ("paddle", "clean")], ids=lambda p: "-".join(p)
)
def sample(request):
    engine, quality = request.param
    doc = digitize.process(SAMPLES / IMAGES[quality], engine=engine)
    return quality, doc, to_text(doc)


def test_character_error_rate(sample):
    quality, _, text = sample
    assert cer(REFERENCE, text) <= CER_LIMIT[quality]


def test_every_heading_at_its_level(sample):
    _, _, text = sample
    found = headings(text)
    for level, title in headings(REFERENCE):
        assert any(lvl == level and cer(title, t) <= 0.1 for lvl, t in found), f"{level} {title} not found"
    assert len(found) == len(headings(REFERENCE))


def test_paragraphs_and_no_mid_word_splits(sample):
    _, _, text = sample
    assert paragraph_breaks(REFERENCE, text).f1 >= 0.95
    paragraphs = [p.strip() for p in text.split("\n\n")]
    for left, right in ARTEFACTS:
        assert not any(p.endswith(left) for p in paragraphs), f"paragraph ends mid-word at {left}|{right}"
        assert left + right in text


def test_continuation_markers_inline_and_structured(sample):
    _, doc, text = sample
    assert len(re.findall(r"[^ ] \(下转第4版\)\n", text)) == 3
    links = [c for a in doc.pages[0].articles for c in a.continuations]
    assert [(c.direction, c.page) for c in links] == [("forward", "4")] * 3


def test_roles_found(sample):
    _, doc, _ = sample
    page = doc.pages[0]
    roles = {b.role for b in page.blocks}
    assert {
        Role.HEADLINE,
        Role.KICKER,
        Role.SUBTITLE,
        Role.BYLINE,
        Role.BODY,
        Role.INTERTITLE,
        Role.PHOTO,
        Role.CAPTION,
        Role.PAGE_HEADER,
    } <= roles
    assert len(page.articles) == 7


def _comparable(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s#]", "", text)


def test_alto_valid_and_holds_the_text(sample):
    _, doc, _ = sample
    page = doc.pages[0]
    alto = page_to_alto(page)
    assert validate(alto, "alto-4-4.xsd") == []
    ns = {"a": "http://www.loc.gov/standards/alto/ns-v4#"}
    tree = etree.fromstring(alto)
    strings = []
    for s in tree.iterfind(".//a:TextBlock//a:String", ns):
        if s.get("SUBS_TYPE") == "HypPart2":
            continue
        strings.append(s.get("SUBS_CONTENT") if s.get("SUBS_TYPE") == "HypPart1" else s.get("CONTENT"))
    # Page-header blocks are metadata, not text output.
    header = {b.id for b in page.blocks if b.role is Role.PAGE_HEADER}
    header_text = "".join(b.text for b in page.blocks if b.id in header)
    alto_text = _comparable("".join(strings))
    assert _comparable(header_text) in alto_text
    assert alto_text.replace(_comparable(header_text), "", 1) == _comparable(page_text(page, punctuation="original"))
    # Boxes refer to the source image.
    assert tree.find(".//a:Page", ns).get("WIDTH") == str(page.width)
