"""digitize's own JSON read back into the model: every field the writer wrote, so writing it again gives the
same JSON, and its text output is the text output of the page it came from."""

from __future__ import annotations

import gzip

import pytest
from model_fixtures import DATA, fixture_issue
from test_alto import page  # noqa: F401 (fixture)

from digitize.export.json import document_json, page_json
from digitize.read import ReadError, read_bytes


def test_page_json_round_trip(page):  # noqa: F811
    data = page_json(page).encode("utf-8")
    back = read_bytes(data, "p.json").pages[0]
    assert page_json(back) == page_json(page)


def test_fixture_json_round_trip_and_document():
    raw = gzip.decompress((DATA / "front-clean.json.gz").read_bytes())
    doc = read_bytes(raw, "front.json")
    assert page_json(doc.pages[0]).encode("utf-8") == raw
    issue = fixture_issue()
    again = read_bytes(document_json(issue).encode("utf-8"), "issue.json")
    assert document_json(again) == document_json(issue)
    assert again.article_links == issue.article_links


def test_broken_json_is_a_read_error():
    with pytest.raises(ReadError, match="digitize JSON"):
        read_bytes(b'{"format": "digitize-page", "page": {"number": 1}}', "bad.json")
