"""Pages the bundled model cannot read, rendered with the machine's own fonts: Cyrillic, Korean and Arabic
newspaper-like pages (a headline over two columns of body text), a blank page and a photo-only page.

Each must come out flagged for review, never as an empty success (issue 17). The texts are written for these
tests. A font is found with ``fc-list :lang=XX``; ``font_for`` returns None when none is installed, and the
tests skip with that reason.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

TEXTS = {
    "ru": (
        "Новости города и области",
        "Вчера в городском совете обсуждали ремонт старого моста через реку. Жители просят закончить работы "
        "до начала зимы, потому что объезд занимает почти час. Инженеры обещают открыть движение в ноябре. "
        "Библиотека на главной площади продлила часы работы и открыла читальный зал для школьников. "
        "Весной на набережной высадят новые деревья, а летом там пройдёт ярмарка местных мастеров.",
    ),
    "ko": (
        "오늘의 지역 소식",
        "어제 시의회에서는 강을 건너는 오래된 다리의 보수 공사를 논의했습니다. 주민들은 겨울이 오기 전에 "
        "공사를 마쳐 달라고 요청했습니다. 기술자들은 십일월에 통행을 다시 열겠다고 약속했습니다. "
        "중앙 광장의 도서관은 운영 시간을 늘리고 학생들을 위한 열람실을 열었습니다. "
        "봄에는 강변에 새 나무를 심고 여름에는 지역 장인들의 장터가 열릴 예정입니다.",
    ),
    "ar": (
        "أخبار المدينة اليوم",
        "ناقش مجلس المدينة أمس إصلاح الجسر القديم فوق النهر. طلب السكان إنهاء الأعمال قبل بداية الشتاء لأن "
        "الطريق البديل يستغرق ساعة تقريبا. وعد المهندسون بفتح الطريق في شهر نوفمبر. مددت المكتبة في الساحة "
        "الرئيسية ساعات العمل وفتحت قاعة قراءة للطلاب. وفي الربيع ستزرع أشجار جديدة على ضفة النهر.",
    ),
}

PAGE_W, PAGE_H = 1700, 2200  # a quarter broadsheet at 200 dpi
BODY_PX, HEAD_PX = 30, 72


def font_for(lang: str) -> str | None:
    """The file of an installed font that covers ``lang`` (fontconfig), or None."""
    if shutil.which("fc-list") is None:
        return None
    found = subprocess.run(
        ["fc-list", f":lang={lang}", "file"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    files = sorted(line.split(":")[0].strip() for line in found if line.strip())
    # Prefer a regular upright face (DejaVuSans.ttf over DejaVuSans-BoldOblique.ttf)
    files.sort(key=lambda f: (any(w in f for w in ("Bold", "Italic", "Oblique", "Mono", "Light")), len(f)))
    return files[0] if files else None


def text_page(lang: str, font_file: str) -> Image.Image:
    """A headline over two columns of body text, repeated to fill most of the page."""
    headline, body = TEXTS[lang]
    rtl = lang == "ar"
    page = Image.new("L", (PAGE_W, PAGE_H), 255)
    draw = ImageDraw.Draw(page)
    head_font = ImageFont.truetype(font_file, HEAD_PX)
    body_font = ImageFont.truetype(font_file, BODY_PX)
    direction = {"direction": "rtl"} if rtl else {}
    margin, gutter = 110, 70
    draw.text((margin, 120), headline, font=head_font, fill=0, **direction)
    col_w = (PAGE_W - 2 * margin - gutter) // 2
    chars_per_line = int(col_w / (BODY_PX * (1.0 if lang == "ko" else 0.55)))
    lines = textwrap.wrap(" ".join([body] * 4), chars_per_line)
    y0, step = 330, int(BODY_PX * 1.6)
    per_col = (PAGE_H - 200 - y0) // step
    for i, line in enumerate(lines[: 2 * per_col]):
        col, row = divmod(i, per_col)
        x = margin + col * (col_w + gutter)
        draw.text((x, y0 + row * step), line, font=body_font, fill=0, **direction)
    return page


def blank_page() -> Image.Image:
    """White paper with faint scanner noise."""
    rng = np.random.default_rng(17)
    noise = rng.normal(244, 3, (PAGE_H, PAGE_W)).clip(0, 255).astype(np.uint8)
    return Image.fromarray(noise)


def photo_page() -> Image.Image:
    """One large halftone-free photo (smooth shapes and grain) on an otherwise empty page."""
    rng = np.random.default_rng(18)
    yy, xx = np.mgrid[0:1400, 0:1300].astype(np.float32)
    photo = 120 + 60 * np.sin(xx / 90) * np.cos(yy / 130) + 40 * np.exp(-((xx - 650) ** 2 + (yy - 600) ** 2) / 2e5)
    photo += rng.normal(0, 8, photo.shape)
    page = np.full((PAGE_H, PAGE_W), 246, np.uint8)
    page[300:1700, 200:1500] = photo.clip(0, 255).astype(np.uint8)
    return Image.fromarray(page)


def write_pages(folder: Path) -> dict[str, Path | str]:
    """Every page into ``folder`` as PNG; a language whose font is missing maps to the skip reason instead."""
    folder.mkdir(parents=True, exist_ok=True)
    pages: dict[str, Path | str] = {}
    for lang in TEXTS:
        font_file = font_for(lang)
        if font_file is None:
            pages[lang] = f"no font for :lang={lang} (fc-list)"
            continue
        pages[lang] = folder / f"page-{lang}.png"
        text_page(lang, font_file).save(pages[lang])
    pages["blank"] = folder / "page-blank.png"
    blank_page().save(pages["blank"])
    pages["photo"] = folder / "page-photo.png"
    photo_page().save(pages["photo"])
    return pages


if __name__ == "__main__":
    import sys

    for name, where in write_pages(Path(sys.argv[1] if len(sys.argv) > 1 else "script-pages")).items():
        print(name, where)
