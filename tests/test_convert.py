"""``digitize convert``: library ALTO and corpus text to ALTO 4.4, text and JSON; errors on one line."""

from __future__ import annotations

import gzip
import json

import library_fixtures as lf
import pytest
from click.testing import CliRunner
from model_fixtures import DATA

from digitize import schemas
from digitize.cli.convert import convert_command


@pytest.fixture
def ndnp(tmp_path):
    path = tmp_path / "0001.xml"
    path.write_bytes(lf.library_alto(lf.NDNP))
    return path


def test_alto_2_to_alto_4_valid_and_same_text(ndnp, tmp_path):
    out = tmp_path / "out.alto.xml"
    result = CliRunner().invoke(convert_command, [str(ndnp), "--to", "alto", "-o", str(out), "--alto-unit", "inch1200"])
    assert result.exit_code == 0, result.output
    assert schemas.validate(out, "alto-4-4.xsd") == []
    text = CliRunner().invoke(convert_command, [str(out), "--to", "txt"])
    assert text.exit_code == 0
    assert [p.strip() for p in text.stdout.split("\n\n")] == list(lf.EXPECTED)


def test_to_json(ndnp):
    result = CliRunner().invoke(convert_command, [str(ndnp), "--to", "json"])
    data = json.loads(result.stdout)
    assert data["format"] == "digitize-document" and len(data["pages"][0]["blocks"]) == 3


def test_hostile_input_one_line_error(tmp_path):
    evil = tmp_path / "evil.xml"
    evil.write_bytes(lf.BILLION_LAUGHS)
    result = CliRunner().invoke(convert_command, [str(evil), "--to", "txt"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {evil}: refused: the DOCTYPE declares entities "
        "(external entity / entity expansion attack); nothing was fetched or expanded"
    ]


def test_library_alto_to_page_xml_is_valid(ndnp, tmp_path):
    """convert --to page: PAGE XML 2019 that validates."""
    out = tmp_path / "out.page.xml"
    result = CliRunner().invoke(convert_command, [str(ndnp), "--to", "page", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert schemas.validate(out, "page.xsd") == []


@pytest.mark.parametrize("fmt, suffix", [("page", ".page.xml"), ("hocr", ".hocr")])
def test_library_alto_through_page_or_hocr_keeps_its_paragraphs(ndnp, tmp_path, fmt, suffix):
    """The word hyphenated across the column break ('chan-' / 'nel') stays one word: the line joins travel in
    PAGE's TextLine custom attribute and hOCR's x_digitize_join line property."""
    out = tmp_path / f"out{suffix}"
    assert CliRunner().invoke(convert_command, [str(ndnp), "--to", fmt, "-o", str(out)]).exit_code == 0
    written = out.read_text(encoding="utf-8")
    assert ("join {type:hyphen-join;}" if fmt == "page" else "x_digitize_join hyphen-join") in written
    text = CliRunner().invoke(convert_command, [str(out), "--to", "txt"])
    assert [p.strip() for p in text.stdout.split("\n\n")] == list(lf.EXPECTED)


@pytest.mark.parametrize("name", ["front-clean", "p1", "p4"])
@pytest.mark.parametrize("fmt, suffix", [("page", ".page.xml"), ("hocr", ".hocr")])
def test_our_run_through_page_or_hocr_gives_the_same_text(name, fmt, suffix, tmp_path):
    """A run's page (its JSON) converted to PAGE or hOCR and back to text gives the run's text, byte for byte:
    CJK lines joined without a break, paragraphs where the run put them, the continuation marker in place."""
    run_json = tmp_path / f"{name}.json"
    run_json.write_bytes(gzip.decompress((DATA / f"{name}.json.gz").read_bytes()))
    expected = CliRunner().invoke(convert_command, [str(run_json), "--to", "txt"]).stdout
    out = tmp_path / f"{name}{suffix}"
    assert CliRunner().invoke(convert_command, [str(run_json), "--to", fmt, "-o", str(out)]).exit_code == 0
    got = CliRunner().invoke(convert_command, [str(out), "--to", "txt"]).stdout
    assert expected.count("\n") > 5 and got == expected
