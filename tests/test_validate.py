"""`digitize validate`: format detection (ALTO 1.4–4.4, NewsML-G2, METS, PAGE), line-numbered errors,
non-zero exit on any invalid file, and safe parsing (no DTDs, no entity expansion)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from test_alto import page as alto_page  # noqa: F401
from test_newsml import have_schemas, issue  # noqa: F401

from digitize.cli.validate import validate_command
from digitize.export.alto import page_to_alto
from digitize.export.mets import document_to_mets
from digitize.export.newsml import document_to_news_message, document_to_newsml
from digitize.validate import validate_file

LAYOUT = (
    '<Layout><Page ID="P1" HEIGHT="100" WIDTH="100" PHYSICAL_IMG_NR="1">'
    '<PrintSpace HPOS="0" VPOS="0" HEIGHT="100" WIDTH="100">'
    '<TextBlock ID="TB1" HPOS="0" VPOS="0" HEIGHT="10" WIDTH="10"><TextLine HPOS="0" VPOS="0" HEIGHT="10" WIDTH="10">'
    '<String CONTENT="word" HPOS="0" VPOS="0" HEIGHT="10" WIDTH="10"/></TextLine></TextBlock>'
    "</PrintSpace></Page></Layout>"
)


def old_alto(namespace: str | None, attrs: str = "") -> bytes:
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (
        f"<alto{xmlns}{attrs}><Description><MeasurementUnit>inch1200</MeasurementUnit></Description>{LAYOUT}</alto>"
    ).encode()


PAGE_XML = (
    b'<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"><Metadata><Creator>x</Creator>'
    b"<Created>2024-01-01T00:00:00</Created><LastChange>2024-01-01T00:00:00</LastChange></Metadata>"
    b'<Page imageFilename="a.png" imageWidth="100" imageHeight="100"/></PcGts>'
)


@pytest.fixture
def library(tmp_path, issue):  # noqa: F811
    """Every kind of file the command knows, all valid."""
    files = {
        "p1.alto.xml": page_to_alto(issue.pages[0]),
        "p2.alto.xml": page_to_alto(issue.pages[1], unit="inch1200"),
        "issue.newsml.xml": document_to_news_message(issue),
        "a1-xhtml.newsml.xml": document_to_newsml(issue, body="xhtml")[0][1],
        "issue.mets.xml": document_to_mets(issue),
        "europeana-1.4.xml": old_alto(None),
        "ndnp-2.0.xml": old_alto("http://www.loc.gov/standards/alto/ns-v2#"),
        "bnl-3.0.xml": old_alto("http://www.loc.gov/standards/alto/ns-v3#", ' SCHEMAVERSION="3.0"'),
        "page.xml": PAGE_XML,
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_every_kind_detected_and_valid(library, have_schemas):  # noqa: F811
    expected = {
        "p1.alto.xml": "ALTO 4.4",
        "p2.alto.xml": "ALTO 4.4",
        "issue.newsml.xml": "NewsML-G2 newsMessage + NITF 3.6",
        "a1-xhtml.newsml.xml": "NewsML-G2 newsItem",
        "issue.mets.xml": "METS",
        "europeana-1.4.xml": "ALTO 1.4",
        "ndnp-2.0.xml": "ALTO 2.1",
        "bnl-3.0.xml": "ALTO 3.0",
        "page.xml": "PAGE 2019-07-15",
    }
    for name, kind_name in expected.items():
        kind, errors = validate_file(library / name)
        assert (kind.name, errors) == (kind_name, []), name
    result = CliRunner().invoke(validate_command, [str(library / n) for n in expected])
    assert result.exit_code == 0, result.output
    assert result.output.count(": valid (") == len(expected)


def test_broken_file_fails_with_line_numbers(library, have_schemas):  # noqa: F811
    alto = (library / "p1.alto.xml").read_text(encoding="utf-8")
    broken = alto.replace('<TextBlock ID="P1_TB0001"', '<TextBlock', 1).replace(
        "<MeasurementUnit>pixel<", "<MeasurementUnit>points<"
    )
    (library / "broken.alto.xml").write_text(broken, encoding="utf-8")
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "points" in text)
    result = CliRunner().invoke(validate_command, [str(library / "p1.alto.xml"), str(library / "broken.alto.xml")])
    assert result.exit_code == 1
    errors = [ln for ln in result.output.splitlines() if "broken.alto.xml:" in ln]
    assert len(errors) == 2 and f"broken.alto.xml:{line}: error (ALTO 4.4)" in errors[0]
    assert "ID" in errors[1] and "1 of 2 files invalid" in result.output

    (library / "cut.xml").write_bytes(b"<alto>\n<Description>")
    kind, errors = validate_file(library / "cut.xml")
    assert kind is None and errors[0].startswith("line 2: not well-formed")
    (library / "other.xml").write_bytes(b"<html/>")
    kind, errors = validate_file(library / "other.xml")
    assert errors == ["line 1: not ALTO, NewsML-G2, METS or PAGE XML"]
    kind, errors = validate_file(library / "missing.xml")
    assert kind is None and errors and errors[0].startswith("cannot read")
    # a NITF body that breaks NITF 3.6 is caught (the plain NewsML-G2 schema would let it through)
    bad_nitf = (library / "issue.newsml.xml").read_bytes().replace(b"<hl1>", b"<hl9>").replace(b"</hl1>", b"</hl9>")
    (library / "bad-nitf.xml").write_bytes(bad_nitf)
    assert validate_file(library / "bad-nitf.xml")[1]


def test_hostile_files_refused_without_expansion(tmp_path, have_schemas):  # noqa: F811
    xxe = tmp_path / "xxe.xml"
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xxe.write_text(
        f'<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY x SYSTEM "file://{secret}">'
        '<!ENTITY net SYSTEM "http://example.invalid/x">]><alto>&x;&net;</alto>'
    )
    laughs = tmp_path / "laughs.xml"
    entities = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    laughs.write_text(f'<?xml version="1.0"?><!DOCTYPE alto [<!ENTITY l0 "lol">{entities}]><alto>&l9;</alto>')
    for path in (xxe, laughs):
        kind, errors = validate_file(path)
        assert kind is None and "document type declaration refused" in errors[0]
        assert "TOP-SECRET" not in errors[0] and "lollol" not in errors[0]
    result = CliRunner().invoke(validate_command, [str(xxe), str(laughs)])
    assert result.exit_code == 1 and "2 of 2 files invalid" in result.output
