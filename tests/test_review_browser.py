"""The `digitize review` index in a real browser (headless Debian Chromium through playwright-python, as
test_diff_browser.py): markup in every field that reaches the page (source file names, output file names,
review reasons, failure messages, an ALTO's own fileName and quality reasons) stays text, and no script runs.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_inputs import XSS_PAYLOADS
from lxml import html as lxml_html
from model_fixtures import fixture_page

from digitize.batch.manifest import MANIFEST_NAME, Manifest, Unit
from digitize.cli import main
from digitize.export.alto import page_to_alto
from digitize.model import PageQuality

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright-python not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


def file_name(payload: str) -> str:
    return payload.replace("/", "_")  # the one character a file name cannot hold


def batch_index(folder: Path) -> Path:
    """A batch folder whose pages carry a payload in every field, one page per payload and state."""
    manifest = Manifest(folder / MANIFEST_NAME)
    for i, payload in enumerate(XSS_PAYLOADS):
        name = file_name(payload)
        for state in ("failed", "needs-review"):
            unit = Unit(f"/in/{payload}/{state}.png", i, 9, f"{name}-{state}.png", None, f"{i:064x}")
            manifest.upsert_pending(unit, "h")
            (folder / f"{name}-{state}.alto.xml").write_text("<alto/>")
            (folder / f"{name}-{state}.overlay.png").write_bytes(b"\x89PNG")
            (folder / f"{name}-{state}.diff.html").write_text("diff")
            record = PageQuality(mean_confidence=0.5, state="needs-review", reasons=[payload, "low-confidence"])
            manifest.mark_finished(
                unit,
                {
                    "state": "failed" if state == "failed" else "done",
                    "error": f"/in/{payload}: {payload}",
                    "timings": {"total": 1.0},
                    "outputs": [{"path": f"{name}-{state}.alto.xml", "sha256": ""}],
                    "review_state": "needs-review",
                    "reasons": f"{payload} ({payload})",
                    "quality": dataclasses.asdict(record),
                },
            )
    manifest.close()
    result = CliRunner().invoke(main, ["review", str(folder)])
    assert result.exit_code == 0, result.output
    return folder / "review.html"


def run_index(folder: Path) -> Path:
    """A run folder of ALTO files whose own fileName and quality reasons are payloads."""
    for i, payload in enumerate(XSS_PAYLOADS):
        page = fixture_page("p4")
        page.source.path = payload
        page.quality = PageQuality(state="needs-review", reasons=[payload], mean_confidence=0.3, written_lines=3)
        stem = f"{file_name(payload)}-{i}"
        (folder / f"{stem}.alto.xml").write_bytes(page_to_alto(page))
        (folder / f"{stem}.overlay.png").write_bytes(b"\x89PNG")
    result = CliRunner().invoke(main, ["review", str(folder)])
    assert result.exit_code == 0, result.output
    return folder / "review.html"


def assert_inert(index: Path) -> None:
    """No element or attribute came from a payload; every link is a relative path."""
    text = index.read_text(encoding="utf-8")
    tree = lxml_html.fromstring(text)
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "p", "code", "table", "tr", "th", "td", "a"}
    for el in tree.iter():
        if isinstance(el.tag, str):
            assert el.tag.lower() in allowed, el.tag
            assert set(el.attrib) <= {"charset", "http-equiv", "content", "class", "href"}, el.attrib
            href = el.get("href")
            if href is not None:
                assert ":" not in href and not href.startswith("/"), href
    assert "window.__xss" in text  # the payloads are there, as text


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """One headless Chromium for both indexes (a launch costs seconds on a loaded machine)."""
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            offline=True,
        )
        yield context
        context.close()


@pytest.mark.parametrize("make", [batch_index, run_index])
def test_no_script_runs_in_the_review_index(tmp_path, browser, make):
    index = make(tmp_path)
    assert_inert(index)
    dialogs: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(index.as_uri())
    for row in page.query_selector_all("tr"):  # hover every row: an injected onmouseover would fire
        row.hover()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == []
    assert len(page.query_selector_all("tr.failed, tr.review")) >= len(XSS_PAYLOADS)
    assert "window.__xss" in page.inner_text("body")  # shown as text
    page.close()
