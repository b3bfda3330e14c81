"""The paddle engine (PaddleOCR 3.7 on onnxruntime, rapidocr's bundled PP-OCRv6 models) reads rendered text.

Needs no network: the model folders are built from files already installed. Skipped when paddleocr is not
installed (``pip install digitize[paddle]``).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

# Do not import paddleocr here: the engine must be the first to import it (see digitize/ocr/paddle.py).
if importlib.util.find_spec("paddleocr") is None:
    pytest.skip("paddleocr is not installed (pip install digitize[paddle])", allow_module_level=True)

from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from digitize.ocr.base import TextRegion, load_engine

pytestmark = pytest.mark.slow  # the paddle engine reads rendered lines

FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
FONT_INDEX = 2  # Noto Serif CJK SC
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "000_4ecdb1c1648377d6.txt"
SIZE = 38
CHARS_PER_LINE = 18
# The opening of the corpus page's first article, as printed (full-width comma), used when the corpus is absent.
FALLBACK = (
    "“治国常须利民为本。”共同富裕是社会主义的本质要求，是中国式现代化的重要特征。"
    "党的二十届四中全会提出，“十五五”时期经济社会发展必须坚持把人民至上。"
)
FULL_WIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})


def _news_text() -> str:
    if CORPUS.is_file():
        for para in CORPUS.read_text(encoding="utf-8").split("\n\n"):
            para = para.strip()
            if len(para) >= 3 * CHARS_PER_LINE and not para.startswith("#") and re.search("[,。“]", para):
                # The corpus writes the print's full-width comma etc. as ASCII; put the print's back.
                return para.translate(FULL_WIDTH)
    return FALLBACK


def _render(lines: list[str], origin: tuple[int, int], draw: ImageDraw.ImageDraw, font) -> tuple[int, int, int, int]:
    x, y = origin
    step = int(SIZE * 1.6)
    for i, text in enumerate(lines):
        draw.text((x, y + i * step), text, font=font, fill=0)
    return (x - 10, y - 10, x + SIZE * CHARS_PER_LINE + 10, y + step * len(lines))


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    if not FONT.is_file():
        pytest.skip(f"font missing: {FONT}")
    with pytest.MonkeyPatch.context() as mp:
        cache = tmp_path_factory.mktemp("digitize-cache")
        mp.setenv("DIGITIZE_CACHE_DIR", str(cache))
        mp.setenv("PADDLE_PDX_CACHE_HOME", str(cache / "paddlex"))
        yield load_engine("paddle", threads=2)


@pytest.fixture(scope="module")
def page():
    text = _news_text()
    chunks = [text[i : i + CHARS_PER_LINE] for i in range(0, 6 * CHARS_PER_LINE, CHARS_PER_LINE)]
    left, right = chunks[:3], chunks[3:]
    font = ImageFont.truetype(str(FONT), SIZE, index=FONT_INDEX)
    width = 2 * (SIZE * CHARS_PER_LINE + 80)
    img = Image.new("L", (width, 5 * int(SIZE * 1.6)), 255)
    draw = ImageDraw.Draw(img)
    boxes = [_render(left, (40, 30), draw, font), _render(right, (width // 2 + 40, 30), draw, font)]
    return np.array(img.convert("RGB")), boxes, [left, right]


def test_description(engine):
    assert engine.name == "paddle"
    assert "paddleocr 3.7" in engine.description and "PP-OCRv6_small_rec" in engine.description


def test_reads_rendered_news_text(engine, page):
    image, boxes, truth = page
    regions = [TextRegion(box=b, text_height=SIZE) for b in boxes]
    result = engine.recognize(image, regions)
    assert len(result) == len(regions)
    for lines, expected in zip(result, truth):
        got = [line.text for line in lines]
        assert len(got) == len(expected), got
        cer = Levenshtein.distance("".join(got), "".join(expected)) / len("".join(expected))
        assert cer <= 0.02, (got, expected)
        tops = [line.box[1] for line in lines]
        assert tops == sorted(tops)


def test_glyph_boxes_inside_line_boxes(engine, page):
    image, boxes, _ = page
    result = engine.recognize(image, [TextRegion(box=b, text_height=SIZE) for b in boxes])
    for _region_box, lines in zip(boxes, result):
        for line in lines:
            x0, y0, x1, y1 = line.box
            assert 0 <= x0 < x1 <= image.shape[1] and 0 <= y0 < y1 <= image.shape[0]
            assert [g.text for g in line.glyphs] == [c for c in line.text if c.strip()]
            for g in line.glyphs:
                assert len(g.text) == 1 and 0.0 <= g.confidence <= 1.0
                gx0, gy0, gx1, gy1 = g.box
                assert x0 <= gx0 < gx1 <= x1 and y0 <= gy0 < gy1 <= y1, (g, line.box)
            # Per-character boxes from CTC positions, not an even spread: CJK glyphs about one em wide.
            widths = [g.box[2] - g.box[0] for g in line.glyphs if "\u4e00" <= g.text <= "\u9fff"]
            assert widths and 0.6 * SIZE <= float(np.median(widths)) <= 1.3 * SIZE


def test_model_folders_are_reused(engine, tmp_path, monkeypatch):
    from digitize.ocr.paddle import model_folders

    first = model_folders(tmp_path)
    assert model_folders(tmp_path) == first
    for folder in first:
        assert (folder / "inference.onnx").is_file() and (folder / "inference.yml").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp dirs left behind


def test_blank_region_gives_no_lines(engine):
    blank = np.full((200, 400, 3), 255, dtype=np.uint8)
    assert engine.recognize(blank, [TextRegion(box=(0, 0, 400, 200), text_height=SIZE)]) == [[]]
