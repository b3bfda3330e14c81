"""METS for an issue: valid against mets.xsd, ENMAP-style file groups and structMaps, areas that point at
real ALTO block IDs, one logical ARTICLE for an article continued across pages."""

from __future__ import annotations

import pytest
from lxml import etree
from test_alto import page as alto_page  # noqa: F401  (fixture used by the issue fixture)
from test_newsml import have_schemas, issue  # noqa: F401  (the two-page issue with a continued article)

from digitize import schemas
from digitize.export.alto import page_to_alto
from digitize.export.mets import METS_NS, MODS_NS, XLINK_NS, document_to_mets

NS = {"m": METS_NS, "mods": MODS_NS, "xlink": XLINK_NS}
HREF = f"{{{XLINK_NS}}}href"


@pytest.fixture
def written(issue):  # noqa: F811
    """The issue's ALTO files and its METS, as `digitize run` would write them."""
    altos = {page.number: page_to_alto(page) for page in issue.pages}
    return altos, document_to_mets(issue, alto_files=altos)


def test_mets_valid_and_files(issue, written, have_schemas):  # noqa: F811
    altos, xml = written
    assert schemas.validate(xml, "mets.xsd") == []
    for data in altos.values():
        assert schemas.validate(data, "alto-4-4.xsd") == []
    root = etree.fromstring(xml)
    groups = {g.get("USE"): g for g in root.iterfind("m:fileSec/m:fileGrp", NS)}
    assert set(groups) == {"Images", "Content"}
    assert [f.find("m:FLocat", NS).get(HREF) for f in groups["Content"]] == [
        "issue-p0001.alto.xml",
        "issue-p0002.alto.xml",
    ]
    images = groups["Images"].findall("m:file", NS)
    assert [f.find("m:FLocat", NS).get(HREF) for f in images] == [p.source.path for p in issue.pages]
    assert images[0].get("CHECKSUM") == "ab" * 32 and images[0].get("CHECKSUMTYPE") == "SHA-256"
    import hashlib

    assert groups["Content"][0].get("CHECKSUM") == hashlib.sha256(altos[1]).hexdigest()
    pages = root.findall("m:structMap[@TYPE='PHYSICAL']/m:div/m:div", NS)
    assert [(p.get("TYPE"), p.get("ORDER"), p.get("ORDERLABEL")) for p in pages] == [
        ("page", "1", "1"),
        ("page", "2", "4"),
    ]
    assert [[f.get("FILEID") for f in p.findall("m:fptr", NS)] for p in pages] == [
        ["IMG00001", "ALTO00001"],
        ["IMG00002", "ALTO00002"],
    ]


def test_logical_articles_point_into_alto(issue, written):  # noqa: F811
    altos, xml = written
    root = etree.fromstring(xml)
    alto_ids = {
        fid: {el.get("ID") for el in etree.fromstring(altos[n]).iter() if el.get("ID")}
        for n, fid in ((1, "ALTO00001"), (2, "ALTO00002"))
    }
    paper = root.find("m:structMap[@TYPE='LOGICAL']/m:div", NS)
    assert paper.get("TYPE") == "NEWSPAPER"
    issue_div = paper.find("m:div", NS)
    assert (issue_div.get("TYPE"), issue_div.get("LABEL")) == ("ISSUE", "人民日报 2024-07-01")
    articles = issue_div.findall("m:div[@TYPE='CONTENT']/m:div", NS)
    assert [a.get("ID") for a in articles] == ["LOG_P1_A1", "LOG_P1_A2", "LOG_P2_A4"]
    areas = list(root.iter(f"{{{METS_NS}}}area"))
    assert areas and all(a.get("BETYPE") == "IDREF" and a.get("BEGIN") in alto_ids[a.get("FILEID")] for a in areas)

    continued = articles[0]
    assert [d.get("TYPE") for d in continued] == ["HEADING", "BODY"]
    body = [
        (a.get("FILEID"), a.get("BEGIN")) for a in continued.find("m:div[@TYPE='BODY']", NS).iter(f"{{{METS_NS}}}area")
    ]
    assert list(dict.fromkeys(body)) == [
        ("ALTO00001", "P1_TB0011"),
        ("ALTO00001", "P1_TB0003"),
        ("ALTO00001", "P1_TB0004"),
        ("ALTO00002", "P2_TB0002"),
    ]
    paragraphs = continued.findall("m:div[@TYPE='BODY']/m:div[@TYPE='BODY_CONTENT']/m:div", NS)
    assert next(p.get("TYPE") for p in paragraphs) == "AUTHOR"  # the byline
    heading = continued.find("m:div[@TYPE='HEADING']", NS)
    assert [a.get("BEGIN") for a in heading.iter(f"{{{METS_NS}}}area")] == ["P1_TB0001", "P2_TB0001", "P1_TB0002"]
    title = heading.find("m:div[@TYPE='TITLE']", NS)
    assert [a.get("BEGIN") for a in title.iter(f"{{{METS_NS}}}area")] == ["P1_TB0001", "P2_TB0001"]
    # MODS title of the article, and the article linked to both its pages
    dmd = root.find(f"m:dmdSec[@ID='{continued.get('DMDID')}']", NS)
    assert dmd.findtext(".//mods:titleInfo/mods:title", namespaces=NS) == "落实落细各项应对措施 做好安全防范各项工作"
    assert dmd.findtext(".//mods:titleInfo/mods:subTitle", namespaces=NS) == "防汛救灾进行时"
    links = [
        (l.get(f"{{{XLINK_NS}}}from"), l.get(f"{{{XLINK_NS}}}to")) for l in root.iterfind("m:structLink/m:smLink", NS)
    ]
    assert ("LOG_P1_A1", "PHYS00001") in links and ("LOG_P1_A1", "PHYS00002") in links


def test_ids_unique_across_the_issue(issue, written):  # noqa: F811
    altos, xml = written
    ids = [el.get("ID") for data in [*altos.values(), xml] for el in etree.fromstring(data).iter() if el.get("ID")]
    assert len(ids) == len(set(ids))


def test_broken_mets_fails(written, have_schemas):  # noqa: F811
    root = etree.fromstring(written[1])
    area = next(root.iter(f"{{{METS_NS}}}area"))
    area.set("BETYPE", "BLOCKID")  # not a METS BETYPE
    errors = schemas.validate(etree.tostring(root), "mets.xsd")
    assert errors and any("BETYPE" in e for e in errors)
