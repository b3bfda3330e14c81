"""Shared fixtures: small pages rendered with PIL (fast to OCR), and helpers to compare text."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "000_4ecdb1c1648377d6.txt"
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
CJK_FONT_INDEX = 2  # the SC face of the collection
LATIN_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# The corpus writes the print's full-width ，：；（） as ASCII; the page prints them full-width.
TO_PRINT = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})
# A fallback when the shared corpus is not laid out beside the repository.
FALLBACK_BODY = (
    "“治国常须利民为本。”共同富裕是社会主义的本质要求,是中国式现代化的重要特征。党的二十届四中全会提出,"
    "“十五五”时期经济社会发展必须坚持把人民至上,以保障和改善民生作为推进共同富裕的根本路径,扎实推动全体人民"
    "共同富裕。省委《关于制定国民经济和社会发展第十五个五年规划的建议》明确提出,“十五五”时期居民收入要实现"
)


def cer(hyp: str, ref: str) -> float:
    """Character error rate of ``hyp`` against ``ref``, ignoring whitespace and headline marks."""
    from rapidfuzz.distance import Levenshtein

    def norm(s: str) -> str:
        return "".join(s.replace("#", "").split())

    ref_n = norm(ref)
    return Levenshtein.distance(norm(hyp), ref_n) / max(1, len(ref_n))


@dataclass(frozen=True)
class RenderedPage:
    path: Path  # a PNG
    headline: str
    lines: tuple[str, ...]  # body lines as printed (full-width punctuation)

    @property
    def corpus_text(self) -> str:
        """The page's text in the corpus convention (ASCII ,:;())."""
        body = "".join(self.lines).translate(str.maketrans("，：；（）", ",:;()"))
        return f"## {self.headline}\n\n{body}\n"


def _body_text() -> str:
    if CORPUS.exists():
        paras = [p for p in CORPUS.read_text(encoding="utf-8").split("\n") if p.strip() and not p.startswith("#")]
        longest = max(paras, key=len)
        if len(longest) >= 140:
            return longest
    return FALLBACK_BODY


def render_page(
    path: Path,
    headline: str = "扎实推进共同富裕",
    n_lines: int = 6,
    offset: int = 0,
    size: tuple[int, int] = (1000, 700),
) -> RenderedPage:
    """A white page with a bold 80 px headline and ``n_lines`` of 38 px body text, 23 characters a line."""
    body = _body_text().translate(TO_PRINT)
    per_line = 23
    lines = tuple(body[offset + i * per_line : offset + (i + 1) * per_line] for i in range(n_lines))
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    head_font = ImageFont.truetype(str(CJK_FONT), 80, index=CJK_FONT_INDEX)
    body_font = ImageFont.truetype(str(CJK_FONT), 38, index=CJK_FONT_INDEX)
    draw.text((60, 40), headline, font=head_font, fill=0, stroke_width=2, stroke_fill=0)
    y = 190
    for line in lines:
        draw.text((60, y), line, font=body_font, fill=0)
        y += 62
    img.save(path, dpi=(300, 300))
    return RenderedPage(path, headline, lines)


@pytest.fixture(scope="session")
def rendered_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("rendered")


@pytest.fixture(scope="session")
def small_page(rendered_dir) -> RenderedPage:
    """One small rendered page (PNG, 1000×700): fast enough for the real OCR engine."""
    return render_page(rendered_dir / "small_page.png")


@pytest.fixture(scope="session")
def small_page2(rendered_dir) -> RenderedPage:
    """A second small page with other text."""
    return render_page(rendered_dir / "small_page2.png", headline="加大保障和改善民生力度", n_lines=4, offset=46)


@pytest.fixture(scope="session")
def small_page_image(small_page) -> Image.Image:
    """The small page as a PIL grayscale image (convert/save it in other formats)."""
    with Image.open(small_page.path) as img:
        return img.convert("L")


@pytest.fixture(scope="session")
def born_digital_pdf(rendered_dir) -> Path:
    """A one-page PDF with a real text layer (fpdf2, DejaVu Sans 18 pt, English), 200×140 mm."""
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF(unit="mm", format=(200, 140))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(LATIN_FONT))
    pdf.set_font("DejaVu", size=28)
    pdf.set_xy(15, 15)
    pdf.cell(text=BORN_DIGITAL_HEADLINE)
    pdf.set_font("DejaVu", size=16)
    y = 40
    for line in BORN_DIGITAL_LINES:
        pdf.set_xy(15, y)
        pdf.cell(text=line)
        y += 9
    path = rendered_dir / "born_digital.pdf"
    pdf.output(str(path))
    return path


BORN_DIGITAL_HEADLINE = "City Council Approves New Budget"
BORN_DIGITAL_LINES = (
    "The city council approved the budget for next year on Tuesday",
    "after a long debate about schools, roads and public transport.",
    "The mayor said the plan keeps taxes flat while adding money for",
    "new buses and the repair of three old bridges near the river.",
    "Opposition members asked for more detail on the housing fund.",
)


# --- the fast loop ----------------------------------------------------------------------------------------
# `pytest -m "not slow"` must stay a loop of seconds, so a test that sends a page to the OCR engine in this
# process (through process/iter_pages/the CLI runner) fails unless it is marked slow. Subprocesses are not
# seen: tests that start `digitize run`/`batch` as a process are marked by hand.
OCR_PAGES = {"count": 0}
_OCR_BEFORE = pytest.StashKey[int]()


def pytest_configure(config) -> None:
    from digitize import pipeline

    real = pipeline.process_page

    @functools.wraps(real)  # the signature stays inspectable (tests read process_page's defaults)
    def counted(loaded, number, engine, *args, **kwargs):
        # A text layer is read without OCR, and a test's stand-in engine is no OCR engine.
        if loaded.text_layer is None and type(engine).__module__.startswith("digitize.ocr."):
            OCR_PAGES["count"] += 1
        return real(loaded, number, engine, *args, **kwargs)

    pipeline.process_page = counted


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    item.stash[_OCR_BEFORE] = OCR_PAGES["count"]
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    pages = OCR_PAGES["count"] - item.stash.get(_OCR_BEFORE, OCR_PAGES["count"])
    if pages and item.get_closest_marker("slow") is None:
        pytest.fail(f"{item.nodeid} sent {pages} page(s) to the OCR engine: mark it @pytest.mark.slow", pytrace=False)
    return result
