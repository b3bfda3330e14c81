"""NewsML-G2 an archive accepts, on the real two-page issue: generation times, the paper as provider and
infoSource, rights, links to page images and ALTO, NITF docdata/pubdata, and the continued article's
paragraphs exactly as the issue text has them (no paragraph split inside a word at the page jump)."""

from __future__ import annotations

import pytest
from lxml import etree
from model_fixtures import fixture_issue

from digitize import schemas
from digitize.export.issue_metadata import IssueMetadata
from digitize.export.newsml import NAR_NS, NITF_NS, document_to_news_message, document_to_newsml
from digitize.export.text import issue_text

NS = {"n": NAR_NS, "nitf": NITF_NS}
METADATA = IssueMetadata(
    title="晋中日报",
    rights="Rights reserved; licensed for research use.",
    rights_holder="晋中日报社",
    edition="城市版",
    volume="75",
    issue_number="12345",
)
LINKS = {
    1: [("images/p1.png", "image/png"), ("p1.alto.xml", "application/alto+xml")],
    2: [("images/p4.png", "image/png"), ("p4.alto.xml", "application/alto+xml")],
}


@pytest.fixture(scope="module")
def items():
    return document_to_newsml(fixture_issue(), metadata=METADATA, page_links=LINKS)


def test_valid_with_nitf(items):
    try:
        schemas.schema_dir()
    except schemas.SchemaNotFound as exc:
        pytest.skip(str(exc))
    for key, xml in items:
        assert schemas.validate(xml, "NewsML-G2_2.35-with-NITF-3.6.xsd") == [], key
    message = document_to_news_message(fixture_issue(), metadata=METADATA, page_links=LINKS)
    assert schemas.validate(message, "NewsML-G2_2.35-with-NITF-3.6.xsd") == []
    assert message == document_to_news_message(fixture_issue(), metadata=METADATA, page_links=LINKS)


def test_archive_metadata(items):
    root = etree.fromstring(items[0][1])
    meta = root.find("n:itemMeta", NS)
    assert meta.find("n:provider", NS).get("literal") == "晋中日报"
    assert (
        meta.findtext("n:versionCreated", namespaces=NS)
        == meta.findtext("n:firstCreated", namespaces=NS)
        == "2025-12-11T00:00:00Z"
    )
    assert [(link.get("href"), link.get("contenttype")) for link in meta.findall("n:link", NS)] == LINKS[1] + LINKS[2]
    rights = root.find("n:rightsInfo", NS)
    assert rights.find("n:copyrightHolder", NS).get("literal") == "晋中日报社"
    assert rights.findtext("n:usageTerms", namespaces=NS) == METADATA.rights
    content = root.find("n:contentMeta", NS)
    assert content.findtext("n:contentCreated", namespaces=NS) == "2025-12-11"
    assert content.find("n:infoSource", NS).get("literal") == "晋中日报"
    assert content.findtext("n:creditline", namespaces=NS) == "晋中日报"
    head = root.find(".//nitf:nitf/nitf:head", NS)
    assert head.find("nitf:docdata/nitf:date.issue", NS).get("norm") == "20251211T000000"
    pub = head.find("nitf:pubdata", NS)
    assert (
        pub.get("name"),
        pub.get("edition.name"),
        pub.get("volume"),
        pub.get("issue"),
        pub.get("position.sequence"),
    ) == ("晋中日报", "城市版", "75", "12345", "1,4")


def test_continued_article_paragraphs_are_the_issue_texts(items):
    doc = fixture_issue()
    issue_paragraphs = set(issue_text(doc, "original").split("\n\n"))
    root = etree.fromstring(items[0][1])
    paragraphs = [p.text for p in root.iterfind(".//nitf:body.content/nitf:p", NS)]
    assert len(paragraphs) >= 3
    assert all(p in issue_paragraphs for p in paragraphs), [p for p in paragraphs if p not in issue_paragraphs][:2]
    joined = [p for p in paragraphs if "解决好群众急难" in p]
    assert len(joined) == 1  # the paragraph the page jump cuts ("解决好群|众急难") is one <p>
    assert not any(p.endswith("解决好群") for p in paragraphs)
