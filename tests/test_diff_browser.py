"""The HTML diff report in a real browser: headless Debian Chromium through playwright-python.

A twelve-line page (an image drawn here, a hypothesis in our JSON with line boxes) against a reference with
errors in two lines. The test clicks line boxes, checks that the matching diff row is shown, highlighted
and scrolled into view (also when the "only lines with errors" filter had hidden it), and reads the
screenshot back: not blank, and the green, orange and red box outlines and the highlight colour are there.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image, ImageDraw

from digitize.cli.diff import diff_command

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright-python not installed")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LINES = ["".join(chr(0x4E00 + 131 * k + 7 * j) for j in range(20)) for k in range(12)]
RED_LINE, ORANGE_LINE = 2, 6  # 0-based: line 3 gets 5 wrong characters of 20, line 7 one
WIDTH, HEIGHT, LINE_H = 1000, 1300, 100


def line_box(k: int) -> list[int]:
    return [50, 40 + k * LINE_H, 950, 40 + k * LINE_H + 60]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("browser")
    image = Image.new("L", (WIDTH, HEIGHT), 255)
    draw = ImageDraw.Draw(image)
    for k in range(len(LINES)):  # grey bars where the text lines are
        x0, y0, x1, y1 = line_box(k)
        draw.rectangle((x0 + 10, y0 + 15, x1 - 10, y1 - 15), fill=90)
    image.save(folder / "page.png")
    hyp_lines = list(LINES)
    hyp_lines[RED_LINE] = "届届届届届" + LINES[RED_LINE][5:]
    hyp_lines[ORANGE_LINE] = LINES[ORANGE_LINE][:10] + "屆" + LINES[ORANGE_LINE][11:]
    blocks = [
        {
            "id": f"TB{k:04d}",
            "order": k,
            "article_id": "A1" if k < 6 else "A2",
            "lines": [{"text": text, "box": line_box(k)}],
        }
        for k, text in enumerate(hyp_lines)
    ]
    page = {"width": WIDTH, "height": HEIGHT, "source": {"path": "page.png"}, "blocks": blocks}
    (folder / "hyp.json").write_text(
        json.dumps({"format": "digitize-page", "version": "1", "page": page}), encoding="utf-8"
    )
    (folder / "ref.txt").write_text("\n\n".join(LINES) + "\n", encoding="utf-8")
    html = folder / "report.html"
    res = CliRunner().invoke(diff_command, [str(folder / "ref.txt"), str(folder / "hyp.json"), "--html", str(html)])
    assert res.exit_code == 0, res.output
    return html


@pytest.fixture(scope="module")
def browser_page(report, tmp_path_factory):
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 800},
            offline=True,
        )
        page = context.new_page()
        page.goto(report.as_uri())
        yield page
        context.close()


def colour_pixels(shot: np.ndarray, rgb: tuple[int, int, int], tol: int = 30) -> int:
    return int((np.abs(shot.astype(int) - rgb).max(axis=2) <= tol).sum())


def test_report_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    assert "data:image/jpeg;base64," in text and "http://www.w3.org/2000/svg" in text
    assert "https://" not in text and "<link" not in text and "src=" not in text
    assert text.count("<rect ") == 12 and text.count('class="e2"') == 1 and text.count('class="e1"') == 1


def test_click_box_highlights_its_row_and_screenshot(browser_page, report, tmp_path):
    page = browser_page
    boxes = page.locator("svg.page rect")
    assert boxes.count() == 12
    # the red box (many errors) → its row, which holds that line's substitutions
    boxes.nth(RED_LINE).click()
    row = page.locator("tr.hl")
    assert row.count() == 1 and row.get_attribute("id") == f"r{RED_LINE}"
    assert "届届届届届" in row.inner_text() and row.is_visible()
    assert row.evaluate("r => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight; }")
    assert boxes.nth(RED_LINE).get_attribute("class") == "e2 sel"

    # the filter hides error-free rows; clicking a green box brings its row back and moves the highlight
    page.locator("#only").check()
    assert not page.locator(f"#r{0}").is_visible() and page.locator(f"#r{ORANGE_LINE}").is_visible()
    boxes.nth(9).click()
    assert page.locator("tr.hl").get_attribute("id") == "r9" and page.locator("#r9").is_visible()
    assert page.locator("#only").is_checked() is False and page.locator("tr.hl").count() == 1

    shot_path = tmp_path / "report.png"
    page.screenshot(path=str(shot_path))
    shot = np.asarray(Image.open(shot_path).convert("RGB"))
    assert shot.shape[:2] == (800, 1400) and shot.std() > 20  # not blank
    found = {
        name: colour_pixels(shot, rgb)
        for name, rgb in {
            "green": (0, 176, 0),
            "orange": (255, 150, 0),
            "red": (224, 0, 0),
            "highlight": (16, 96, 255),
        }.items()
    }
    assert all(n > 50 for n in found.values()), found
